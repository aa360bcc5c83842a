import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostAccessError, type AclEvidence, type FileInfo, type Host } from '../src/host/host.js';
import { RootHost } from '../src/host/root-host.js';
import { UsageError } from '../src/util/usage-error.js';
import { makeTempDir, mkfifo, removeTempDirs, setfacl, within, writeFileAt } from './support/host-trees.js';

// The root host reads an offline image at a folder as if it were `/`. Its promise: no path and no link,
// absolute, relative, chained or in an intermediate folder, ever yields evidence from outside the image.
// Everything outside carries markers (content, owner uid, ACL qualifier) that must never come back.

const tag = randomBytes(4).toString('hex');
const OUTSIDE_MARKER = `OUTSIDE-MARKER-${tag}`;
const INSIDE_MARKER = `INSIDE-MARKER-${tag}`;
const OUTSIDE_UID = 54321;
const OUTSIDE_ACL_UID = '65432';
const INSIDE_ACL_UID = '12321';

let image: string;
let outside: string;
/** The outside folder's absolute path without the leading slash, to build the same path inside the image. */
let outsideRel: string;
let host: RootHost;

function linkAt(file: string, target: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  symlinkSync(target, file);
}

beforeAll(() => {
  outside = makeTempDir('outside');
  outsideRel = outside.replace(/^\//, '');
  writeFileAt(path.join(outside, 'secret.txt'), `${OUTSIDE_MARKER}\n`, 0o644);
  writeFileAt(path.join(outside, 'dir', 'outside-only.txt'), `${OUTSIDE_MARKER}\n`, 0o644);
  execFileSync('chown', ['-R', `${OUTSIDE_UID}:${OUTSIDE_UID}`, outside]);
  setfacl('-R', '-m', `u:${OUTSIDE_ACL_UID}:r`, outside);

  image = makeTempDir('image');
  writeFileAt(path.join(image, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nimageonly:x:4711:4711::/home/imageonly:/bin/sh\n');
  writeFileAt(path.join(image, 'etc/group'), 'root:x:0:\nalice:x:1000:\nimageonly:x:4711:alice\n');
  writeFileAt(path.join(image, 'etc/hostname'), 'golden-image\n');
  writeFileAt(path.join(image, 'etc/os-release'), 'NAME="Ubuntu"\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\n');
  // The outside paths, recreated inside the image: a chroot resolves absolute links here.
  writeFileAt(path.join(image, outsideRel, 'secret.txt'), `${INSIDE_MARKER}\n`, 0o600);
  writeFileAt(path.join(image, outsideRel, 'dir', 'inside-only.txt'), `${INSIDE_MARKER}\n`, 0o600);
  setfacl('-m', `u:${INSIDE_ACL_UID}:r`, path.join(image, outsideRel, 'secret.txt'));
  setfacl('-m', `u:${INSIDE_ACL_UID}:r`, path.join(image, outsideRel, 'dir', 'inside-only.txt'));

  linkAt(path.join(image, 'etc/abs-link'), path.join(outside, 'secret.txt'));
  linkAt(path.join(image, 'home/alice/rel-link'), `${'../'.repeat(12)}${outsideRel}/secret.txt`);
  linkAt(path.join(image, 'chain-a'), 'chain-b');
  linkAt(path.join(image, 'chain-b'), 'chain-c');
  linkAt(path.join(image, 'chain-c'), path.join(outside, 'secret.txt'));
  linkAt(path.join(image, 'home/alice/.aws'), path.join(outside, 'dir'));
  linkAt(path.join(image, 'home/alice/.kube'), `../../../../../../../../..${outside}/dir`);
  linkAt(path.join(image, 'etc/shadow-link'), '/etc/shadow');
  linkAt(path.join(image, 'etc/passwd-link'), '/etc/passwd');
  linkAt(path.join(image, 'up'), '..');
  linkAt(path.join(image, 'loop1'), 'loop2');
  linkAt(path.join(image, 'loop2'), '/loop1');
  linkAt(path.join(image, 'self'), 'self');
  linkAt(path.join(image, 'escape-dir'), path.join(outside, 'dir'));

  writeFileAt(path.join(image, 'home/bob/.netrc'), 'machine example.com login bob password hunter2\n', 0o600);
  setfacl('-m', 'u:4242:rw', path.join(image, 'home/bob/.netrc'));
  linkAt(path.join(image, 'etc/netrc-link'), '/home/bob/.netrc');
  writeFileAt(path.join(image, 'home/bob/big.bin'), Buffer.alloc(10_000, 0x41));
  mkfifo(path.join(image, 'run/agent.pipe'));
  linkAt(path.join(image, 'etc/pipe-link'), '/run/agent.pipe');

  host = new RootHost(image);
});

afterAll(() => removeTempDirs());

/** Paths an attacker who controls the image could hand the auditor, each aimed outside. */
function hostilePaths(): string[] {
  return [
    '/etc/abs-link',
    '/home/alice/rel-link',
    '/chain-a',
    '/home/alice/.aws',
    '/home/alice/.aws/outside-only.txt',
    '/home/alice/.kube/outside-only.txt',
    '/escape-dir',
    '/escape-dir/outside-only.txt',
    `/home/../../../../${outsideRel}/secret.txt`,
    `/home/../../../../${outsideRel}/dir/outside-only.txt`,
    `../../../../../${outsideRel}/secret.txt`,
    `/up/up/up/${outsideRel}/secret.txt`,
    '/loop1',
    '/self',
    '/self/x',
  ];
}

/** `..` after a component that does not exist (or is not a folder), followed by an escaping link. */
function pathsPastAMissingComponent(): string[] {
  return [
    '/nonexistent/../home/alice/.aws/outside-only.txt',
    '/nonexistent/../escape-dir',
    '/nonexistent/../escape-dir/outside-only.txt',
    '/nonexistent/../etc/abs-link',
    '/etc/passwd/x/../../../home/alice/.aws/outside-only.txt',
    '/etc/passwd/x/../../../escape-dir',
  ];
}

type Outcome = { value: unknown } | { error: unknown };

async function attempt(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await within(work(), 5000, 'root host call') };
  } catch (error) {
    return { error };
  }
}

/** True when the evidence carries anything that exists only outside the image. */
function leaks(outcome: Outcome): string | undefined {
  if ('error' in outcome) {
    const error = outcome.error;
    if (!(error instanceof HostAccessError)) return `unexpected ${String(error)}`;
    if (error.message.includes(image)) return `error names the host path: ${error.message}`;
    return undefined;
  }
  const value = outcome.value;
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('latin1').includes(OUTSIDE_MARKER) ? 'outside content' : undefined;
  if (Array.isArray(value)) return value.includes('outside-only.txt') ? 'outside folder listing' : undefined;
  const text = JSON.stringify(value);
  if (text.includes(image)) return `host path in the evidence: ${text}`;
  const acl = value as AclEvidence;
  if (acl.kind === 'posix' && acl.entries.some((entry) => entry.qualifier === OUTSIDE_ACL_UID)) return 'outside ACL';
  if (acl.kind !== undefined) return undefined;
  const info = value as FileInfo;
  if (info.uid === OUTSIDE_UID || info.gid === OUTSIDE_UID) return `outside owner (uid ${info.uid})`;
  return undefined;
}

describe('RootHost containment', () => {
  const operations = {
    lstat: (p: string) => host.lstat(p),
    stat: (p: string) => host.stat(p),
    readFile: (p: string) => host.readFile(p),
    listDir: (p: string) => host.listDir(p),
    acl: (p: string) => host.acl(p),
  };

  async function problemsOf(paths: string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const [name, operation] of Object.entries(operations)) {
      for (const target of paths) {
        const problem = leaks(await attempt(() => operation(target)));
        if (problem) problems.push(`${name}(${target}): ${problem}`);
      }
    }
    return problems;
  }

  for (const [name, operation] of Object.entries(operations)) {
    it(`${name} never returns evidence from outside the image (absolute, relative, chained, intermediate links, .., loops)`, async () => {
      const problems: string[] = [];
      for (const target of hostilePaths()) {
        const problem = leaks(await attempt(() => operation(target)));
        if (problem) problems.push(`${name}(${target}): ${problem}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('no operation escapes through `..` after a missing or non-folder component', async () => {
    expect(await problemsOf(pathsPastAMissingComponent())).toEqual([]);
  });

  it('an absolute link resolves inside the image, like a chroot', async () => {
    expect((await host.readFile('/etc/abs-link'))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect(await host.stat('/etc/abs-link')).toMatchObject({ path: '/etc/abs-link', type: 'file', mode: 0o640, uid: 0 });
    const acl = await host.acl('/etc/abs-link');
    expect(acl.kind === 'posix' && acl.entries.some((entry) => entry.qualifier === INSIDE_ACL_UID)).toBe(true);
  });

  it('lstat reports the link itself, with its recorded target and the path asked for', async () => {
    expect(await host.lstat('/etc/abs-link')).toMatchObject({ path: '/etc/abs-link', type: 'symlink', linkTarget: path.join(outside, 'secret.txt') });
    expect(await host.lstat('/home/alice/.aws')).toMatchObject({ type: 'symlink', linkTarget: path.join(outside, 'dir') });
  });

  it('a relative link climbing with ../ stops at the image root', async () => {
    expect((await host.readFile('/home/alice/rel-link'))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect(await host.listDir('/up')).toEqual(await host.listDir('/'));
    expect((await host.readFile(`/up/up/up/${outsideRel}/secret.txt`))?.toString()).toBe(`${INSIDE_MARKER}\n`);
  });

  it('chained links (a -> b -> c -> /abs) stay inside', async () => {
    expect((await host.readFile('/chain-a'))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect(await host.stat('/chain-a')).toMatchObject({ type: 'file', mode: 0o640, uid: 0 });
    expect(await host.lstat('/chain-a')).toMatchObject({ type: 'symlink', linkTarget: 'chain-b' });
  });

  it('a link in an intermediate folder (~/.aws -> /outside/dir) resolves inside', async () => {
    expect(await host.listDir('/home/alice/.aws')).toEqual(['inside-only.txt']);
    expect(await host.listDir('/home/alice/.kube')).toEqual(['inside-only.txt']);
    expect((await host.readFile('/home/alice/.aws/inside-only.txt'))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect(await host.lstat('/home/alice/.aws/inside-only.txt')).toMatchObject({ type: 'file', mode: 0o640, uid: 0, path: '/home/alice/.aws/inside-only.txt' });
    expect(await host.readFile('/home/alice/.aws/outside-only.txt')).toBeUndefined();
    expect(await host.stat('/home/alice/.aws')).toMatchObject({ type: 'dir', uid: 0 });
  });

  it('`..` in the requested path cannot climb above the image root', async () => {
    expect((await host.readFile(`/home/../../../../${outsideRel}/secret.txt`))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect((await host.readFile(`../../../../../${outsideRel}/secret.txt`))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect(await host.listDir('/../../..')).toEqual(await host.listDir('/'));
  });

  it('a link to a host system file gives the image file, or nothing', async () => {
    expect(existsSync('/etc/shadow')).toBe(true);
    expect(await host.readFile('/etc/shadow-link')).toBeUndefined();
    expect(await host.stat('/etc/shadow-link')).toBeUndefined();
    expect((await host.readFile('/etc/passwd-link'))?.toString()).toBe(readFileSync(path.join(image, 'etc/passwd'), 'utf8'));
  });

  it('a link loop ends (undefined or an ELOOP access error), it never hangs', async () => {
    for (const target of ['/loop1', '/self', '/self/x']) {
      for (const call of [() => host.stat(target), () => host.readFile(target), () => host.listDir(target), () => host.acl(target)]) {
        const outcome = await attempt(call);
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(HostAccessError);
          expect((outcome.error as HostAccessError).code).toBe('ELOOP');
          expect((outcome.error as Error).message).not.toContain(image);
        } else {
          const value = outcome.value as AclEvidence | undefined;
          expect(value === undefined || (typeof value === 'object' && 'kind' in value && value.kind === 'unavailable')).toBe(true);
        }
      }
    }
  });

  it('a path below a missing folder is not found, even where a lexical shortcut would find a file', async () => {
    // Like the kernel (and a chroot): `/nonexistent/..` does not exist, so nothing below it does.
    expect(await host.readFile('/nonexistent/../home/alice/.aws/outside-only.txt')).toBeUndefined();
    expect(await host.listDir('/nonexistent/../escape-dir')).toBeUndefined();
  });
});

describe('RootHost file evidence', () => {
  it('FileInfo names the path inside the image, never the host folder', async () => {
    const info = await host.lstat('/etc/passwd');
    expect(info?.path).toBe('/etc/passwd');
    expect(JSON.stringify(info)).not.toContain(image);
  });

  it('readFile honours maxBytes', async () => {
    expect((await host.readFile('/home/bob/big.bin'))?.length).toBe(10_000);
    expect((await host.readFile('/home/bob/big.bin', 100))?.length).toBe(100);
  });

  it('a FIFO inside the image (or a link to it) does not hang readFile', async () => {
    expect(await within(host.readFile('/run/agent.pipe'), 3000, 'readFile(fifo)')).toBeUndefined();
    expect(await within(host.readFile('/etc/pipe-link'), 3000, 'readFile(link to fifo)')).toBeUndefined();
    expect((await host.lstat('/run/agent.pipe'))?.type).toBe('other');
  });

  it('a device node inside the image is never read', async () => {
    const dev = path.join(image, 'dev');
    mkdirSync(dev, { recursive: true });
    try {
      execFileSync('mknod', [path.join(dev, 'zero'), 'c', '1', '5']);
    } catch {
      return; // no CAP_MKNOD here: nothing to prove
    }
    expect(await within(host.readFile('/dev/zero'), 3000, 'readFile(/dev/zero)')).toBeUndefined();
  });

  it('acl() reads a real POSIX ACL inside the image, also through a link', async () => {
    for (const target of ['/home/bob/.netrc', '/etc/netrc-link']) {
      const acl = await host.acl(target);
      expect(acl.kind).toBe('posix');
      if (acl.kind !== 'posix') continue;
      expect(acl.entries.filter((entry) => entry.tag === 'user')).toEqual([
        { tag: 'user', qualifier: '4242', read: true, write: true, execute: false, isDefault: false },
      ]);
    }
    expect((await host.acl('/home/bob/missing')).kind).toBe('unavailable');
  });
});

describe('RootHost lookups are remembered per scan, and stay exact', () => {
  it('what a path is comes from the resolved entry: `..` after a folder, a link to /', async () => {
    const dir = makeTempDir('root-cache');
    writeFileAt(path.join(dir, 'home/alice/.aws/credentials'), 'x', 0o600);
    writeFileAt(path.join(dir, 'etc/hostname'), 'box\n', 0o644);
    mkdirSync(path.join(dir, 'srv'), { mode: 0o711 });
    linkAt(path.join(dir, 'home/alice/top'), '/');
    const image = new RootHost(dir);
    expect((await image.stat('/home/alice/.aws/..'))?.path).toBe('/home/alice/.aws/..');
    chmodSync(path.join(dir, 'home/alice'), 0o750);
    chmodSync(path.join(dir, 'home/alice/.aws'), 0o700);
    expect((await image.stat('/home/alice/.aws/..'))?.mode).toBe(0o750);
    expect((await image.lstat('/home/alice/top'))?.type).toBe('symlink');
    expect((await image.stat('/home/alice/top'))?.type).toBe('dir');
    expect(await image.realPath('/home/alice/top/etc/hostname')).toBe('/etc/hostname');
    expect((await image.stat('/home/alice/.aws/credentials'))?.mode).toBe(0o600);
    // Asked again (now from the remembered entries), the answers are the same.
    expect((await image.stat('/home/alice/.aws/credentials'))?.mode).toBe(0o600);
    expect(await image.stat('/home/alice/.azure/config')).toBeUndefined();
    expect(await image.readFile('/home/alice/.azure/config')).toBeUndefined();
  });

  // As root every folder lists; as another user this takes the one-lstat-per-name way.
  it('readFile returns exactly the bytes of small, empty and large files, and stops at maxBytes', async () => {
    const dir = makeTempDir('root-read');
    const large = Buffer.from(Array.from({ length: 300_000 }, (_, index) => index % 251));
    writeFileAt(path.join(dir, 'etc/large.bin'), large);
    writeFileAt(path.join(dir, 'etc/empty'), '');
    writeFileAt(path.join(dir, 'etc/small'), 'abc\n');
    const image = new RootHost(dir);
    expect((await image.readFile('/etc/large.bin'))?.equals(large)).toBe(true);
    expect((await image.readFile('/etc/empty'))?.length).toBe(0);
    expect((await image.readFile('/etc/small'))?.toString()).toBe('abc\n');
    expect((await image.readFile('/etc/large.bin', 70_000))?.equals(large.subarray(0, 70_000))).toBe(true);
  });

  it('a folder that may be entered but not listed (0311) still answers for the names inside it', async () => {
    const dir = makeTempDir('root-cache-311');
    writeFileAt(path.join(dir, 'home/bob/.netrc'), 'machine x', 0o600);
    chmodSync(path.join(dir, 'home/bob'), 0o311);
    const image = new RootHost(dir);
    expect((await image.stat('/home/bob/.netrc'))?.mode).toBe(0o600);
    expect(await image.stat('/home/bob/.pgpass')).toBeUndefined();
    chmodSync(path.join(dir, 'home/bob'), 0o755);
  });
});

describe('RootHost as a target', () => {
  it('run() never runs anything', async () => {
    const marker = path.join(image, 'ran-marker');
    const asHost: Host = host;
    const result = await asHost.run('touch', [marker]);
    expect(result.ran).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.unavailable).toMatch(/offline/);
    expect(existsSync(marker)).toBe(false);
  });

  it('users() and groups() come from the image, not the scanning machine', async () => {
    expect(await host.users()).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
      { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' },
      { name: 'imageonly', uid: 4711, gid: 4711, home: '/home/imageonly', shell: '/bin/sh' },
    ]);
    expect(await host.groups()).toEqual([
      { name: 'root', gid: 0, members: [] },
      { name: 'alice', gid: 1000, members: [] },
      { name: 'imageonly', gid: 4711, members: ['alice'] },
    ]);
    expect(await host.currentUser()).toBeUndefined();
    expect(await host.env()).toEqual({});
  });

  it('info() gives the image hostname and os-release PRETTY_NAME', async () => {
    expect(await host.info()).toEqual({ kind: 'root', platform: 'linux', path: image, hostname: 'golden-image', os: 'Ubuntu 24.04.1 LTS' });
  });

  it('a macOS image: platform darwin, homes from /Users, accounts through /etc -> private/etc', async () => {
    const mac = makeTempDir('macimage');
    writeFileAt(path.join(mac, 'System/Library/CoreServices/SystemVersion.plist'), '<plist><dict><key>ProductVersion</key><string>15.1</string></dict></plist>\n');
    writeFileAt(path.join(mac, 'private/etc/passwd'), '# macOS\nroot:*:0:0:System Administrator:/var/root:/bin/sh\nnobody:*:-2:-2:Unprivileged User:/var/empty:/usr/bin/false\n');
    linkAt(path.join(mac, 'etc'), 'private/etc');
    for (const name of ['alice', 'bob', 'Shared']) mkdirSync(path.join(mac, 'Users', name), { recursive: true });
    writeFileAt(path.join(mac, 'Users/.localized'), '');
    writeFileAt(path.join(mac, 'Users/notes.txt'), 'not a home');
    execFileSync('chown', ['501:20', path.join(mac, 'Users/alice')]);
    execFileSync('chown', ['502:20', path.join(mac, 'Users/bob')]);
    const macHost = new RootHost(mac);
    expect(macHost.platform).toBe('darwin');
    const users = await macHost.users();
    expect(users.map((user) => user.name).sort()).toEqual(['alice', 'bob', 'nobody', 'root']);
    expect(users.find((user) => user.name === 'alice')).toEqual({ name: 'alice', uid: 501, gid: 20, home: '/Users/alice' });
    expect(users.find((user) => user.name === 'bob')).toMatchObject({ uid: 502, home: '/Users/bob' });
    expect(users.find((user) => user.name === 'nobody')?.uid).toBe(0xfffffffe);
    expect((await macHost.acl('/Users/alice')).kind).toBe('unavailable');
    expect((await macHost.info()).platform).toBe('darwin');
  });

  it('a Windows image: C:\\ paths map into the folder and still cannot climb out', async () => {
    const win = makeTempDir('winimage');
    mkdirSync(path.join(win, 'Windows/System32'), { recursive: true });
    writeFileAt(path.join(win, 'Users/alice/.aws/credentials'), `${INSIDE_MARKER}\n`);
    mkdirSync(path.join(win, 'Users/Public'), { recursive: true });
    writeFileAt(path.join(win, outsideRel, 'secret.txt'), `${INSIDE_MARKER}\n`);
    const winHost = new RootHost(win);
    expect(winHost.platform).toBe('win32');
    expect((await winHost.readFile('C:\\Users\\alice\\.aws\\credentials'))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    const climb = `C:\\..\\..\\..\\..\\${outsideRel.replace(/\//g, '\\')}\\secret.txt`;
    expect((await winHost.readFile(climb))?.toString()).toBe(`${INSIDE_MARKER}\n`);
    expect((await winHost.users()).map((user) => [user.name, user.home])).toEqual([['alice', 'C:\\Users\\alice']]);
    expect((await winHost.acl('C:\\Users\\alice')).kind).toBe('unavailable');
  });

  it('a repository target knows no accounts and no hostname', async () => {
    const repo = new RootHost(image, 'repo');
    expect(repo.platform).toBe('linux');
    expect(await repo.users()).toEqual([]);
    expect(await repo.info()).toEqual({ kind: 'repo', platform: 'linux', path: image });
  });

  it('a missing folder or a file is a UsageError naming the flag', () => {
    expect(() => new RootHost('/nonexistent')).toThrow(UsageError);
    expect(() => new RootHost('/nonexistent')).toThrow(/--root \/nonexistent: no such folder/);
    expect(() => new RootHost(path.join(image, 'etc/passwd'))).toThrow(UsageError);
    expect(() => new RootHost('/nonexistent', 'repo')).toThrow(/--repo/);
  });
});
