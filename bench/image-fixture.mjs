// A synthetic golden image for `npm run bench`: an etc/passwd and etc/group with `count` users (plus root and
// the agent account `claude`), each with a home holding a few credential files and folders of mixed modes:
// about one home in three is private, the others have world- or group-readable files, as an image built
// without care would. Files get each user's uid and gid when the bench runs as root; otherwise they keep
// the runner's, and the scan reports them as wrongly owned, which costs it the same work.
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FIRST_UID = 2000;
const AGENT_UID = 1999;

/** Writes the image under dir (created) and a baseline naming the agent account; returns { root, baseline, files }. */
export function writeImageFixture(dir, count) {
  const root = path.join(dir, 'rootfs');
  const asRoot = process.getuid?.() === 0;
  let files = 0;
  const own = (target, uid) => {
    if (asRoot) chownSync(target, uid, uid);
  };
  const folder = (rel, mode, uid) => {
    const full = path.join(root, rel);
    mkdirSync(full, { recursive: true });
    chmodSync(full, mode);
    own(full, uid);
  };
  const file = (rel, content, mode, uid) => {
    const full = path.join(root, rel);
    writeFileSync(full, content);
    chmodSync(full, mode);
    own(full, uid);
    files += 1;
  };

  folder('etc', 0o755, 0);
  folder('home', 0o755, 0);
  folder('root', 0o700, 0);
  const passwd = ['root:x:0:0:root:/root:/bin/bash', `claude:x:${AGENT_UID}:${AGENT_UID}:agent:/home/claude:/usr/sbin/nologin`];
  const group = ['root:x:0:', `claude:x:${AGENT_UID}:`];
  folder('home/claude', 0o750, AGENT_UID);
  for (let i = 0; i < count; i += 1) {
    const name = `user${String(i).padStart(4, '0')}`;
    const uid = FIRST_UID + i;
    const home = `home/${name}`;
    const weak = i % 3 !== 0; // two homes in three have something to fix
    passwd.push(`${name}:x:${uid}:${uid}:${name}:/${home}:/bin/bash`);
    group.push(`${name}:x:${uid}:`);
    folder(home, weak ? 0o755 : 0o700, uid);
    file(`${home}/.bashrc`, '# ~/.bashrc\nexport EDITOR=vi\n', 0o644, uid);
    folder(`${home}/.aws`, weak ? 0o755 : 0o700, uid);
    file(`${home}/.aws/config`, '[default]\nregion = eu-west-1\n', 0o644, uid);
    file(`${home}/.aws/credentials`, '[default]\nregion = eu-west-1\n', i % 2 ? 0o644 : 0o600, uid);
    folder(`${home}/.ssh`, i % 5 ? 0o700 : 0o755, uid);
    file(`${home}/.ssh/id_ed25519`, '-----BEGIN OPENSSH PRIVATE KEY-----\nbench\n-----END OPENSSH PRIVATE KEY-----\n', i % 4 ? 0o600 : 0o640, uid);
    file(`${home}/.ssh/id_ed25519.pub`, `ssh-ed25519 AAAA ${name}@bench\n`, 0o644, uid);
    if (i % 2 === 0) file(`${home}/.netrc`, 'machine example.com login bench\n', i % 6 ? 0o600 : 0o644, uid);
    if (i % 3 === 1) {
      folder(`${home}/.config/gh`, 0o755, uid);
      file(`${home}/.config/gh/hosts.yml`, 'github.com:\n    user: bench\n', 0o644, uid);
    }
  }
  file('etc/passwd', `${passwd.join('\n')}\n`, 0o644, 0);
  file('etc/group', `${group.join('\n')}\n`, 0o644, 0);
  file('etc/hostname', 'bench-image\n', 0o644, 0);
  file('etc/resolv.conf', 'nameserver 10.20.0.53\n', 0o644, 0);
  const baseline = path.join(dir, 'image-gate.yaml');
  writeFileSync(baseline, 'id: bench-image-gate\nextends: recommended\nparams:\n  agentUser: claude\n');
  return { root, baseline, files };
}
