import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { filesNamed, treeState } from './support/host-trees.js';

// The scan, remediate, rescan loop on a real image tree with hostile names: the generated script must
// fix exactly what the report found, inject nothing, be idempotent, and roll back cleanly.

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const HOSTILE_HOME = "/home/b ob $(touch PWNED-home) 'q";
const HOSTILE_KEYS = ["-rf; touch PWNED1 `touch PWNED2` $(touch PWNED3) 'x\"y.pem", 'new\nline key', 'spa ce;&|<>*?.key'];

function put(root: string, rel: string, content: string, mode: number, uid = 1000): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
  chownSync(file, uid, uid);
}

function dir(root: string, rel: string, mode: number, uid = 1000): void {
  const full = path.join(root, rel);
  mkdirSync(full, { recursive: true });
  chmodSync(full, mode);
  chownSync(full, uid, uid);
}

function buildImage(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-'));
  put(root, 'etc/passwd', `root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nclaude:x:1001:1001::/home/claude:/bin/sh\nbob:x:1002:1002::${HOSTILE_HOME}:/bin/sh\n`, 0o644, 0);
  put(root, 'etc/group', 'root:x:0:\nalice:x:1000:\nclaude:x:1001:\nbob:x:1002:\n', 0o644, 0);
  put(root, 'etc/hostname', 'golden-image\n', 0o644, 0);
  dir(root, 'home/claude', 0o750, 1001);
  dir(root, 'home/alice', 0o751);
  dir(root, 'home/alice/.aws', 0o755);
  put(root, 'home/alice/.aws/credentials', '[default]\nregion = eu-west-1\n', 0o644);
  dir(root, 'home/alice/.ssh', 0o755);
  put(root, 'home/alice/.ssh/id_rsa', PRIVATE_KEY, 0o644);
  for (const name of HOSTILE_KEYS) put(root, `home/alice/.ssh/${name}`, PRIVATE_KEY, 0o640);
  put(root, 'home/alice/.ssh/id_rsa.pub', 'ssh-rsa AAAA alice\n', 0o644);
  put(root, 'home/alice/.docker/config.json', '{ "credsStore": "pass" }\n', 0o600);
  execFileSync('setfacl', ['-m', 'u:1001:r', '--', path.join(root, 'home/alice/.docker/config.json')]);
  put(root, 'home/alice/.kube/config', 'apiVersion: v1\n', 0o600, 0);
  chmodSync(path.join(root, 'home/alice/.kube'), 0o700);
  chownSync(path.join(root, 'home/alice/.kube'), 1000, 1000);
  dir(root, HOSTILE_HOME.slice(1), 0o700, 1002);
  put(root, `${HOSTILE_HOME.slice(1)}/.netrc`, 'machine example.com login bob\n', 0o644, 1002);
  return root;
}

describe('bash remediation: scan, remediate, rescan', () => {
  let root: string;
  let out: string;
  let work: string;
  let baseline: string;
  let before: Map<string, string>;
  let script: string;

  beforeAll(() => {
    root = buildImage();
    out = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-out-'));
    work = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-cwd-'));
    baseline = path.join(out, 'baseline.yaml');
    writeFileSync(baseline, 'id: image-gate\nextends: recommended\nparams:\n  agentUser: claude\n');
    before = treeState(root);
    // Credentials only: the other areas' remediation (settings, firewall) has its own scan-fix-rescan tests.
    const scan = runCli(['scan', '--root', root, '--baseline', baseline, '--only', 'credentials', '--format', 'json', '--output', out]);
    expect(scan.code, scan.stderr).toBe(1);
    script = path.join(out, 'remediate.sh');
  });

  const bash = (args: string[]) => spawnSync('bash', [script, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });

  it('writes remediate.sh with the reports, identical to `cowork-audit remediate`', () => {
    const printed = runCli(['remediate', path.join(out, 'cowork-audit.json'), '--shell', 'bash']);
    expect(printed.code).toBe(0);
    expect(readFileSync(script, 'utf8')).toBe(printed.stdout);
    expect(existsSync(path.join(out, 'remediate.ps1'))).toBe(true);
  });

  it('passes shellcheck and bash -n', () => {
    const check = spawnSync('shellcheck', ['--severity=style', script], { encoding: 'utf8' });
    expect(check.error, 'shellcheck must be installed (.ci/run installs it)').toBeUndefined();
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
  });

  it('refuses to run an image report without --root, and on a missing root', () => {
    expect(bash([]).status).toBe(2);
    const missing = bash(['--root', path.join(out, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such folder');
  });

  it('dry run changes nothing and lists every change', () => {
    const run = bash(['--root', root]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('mode: dry run');
    expect(run.stdout).toContain('chmod /home/alice/.aws/credentials: 644 -> 0600');
    expect(run.stdout).toContain(`chmod ${HOSTILE_HOME}/.netrc: 644 -> 0600`);
    expect(run.stdout).toContain('setfacl /home/alice/.docker/config.json: remove user:1001 (r--)');
    expect(run.stdout).toContain('chown /home/alice/.kube/config: uid 0 -> alice (1000)');
    expect(treeState(root)).toEqual(before);
    expect(readdirSync(work)).toEqual([]);
    expect(filesNamed('PWNED', root, work, out, process.cwd(), tmpdir())).toEqual([]);
  });

  it('--apply fixes everything, injects nothing, and a rescan passes', () => {
    const rollback = path.join(out, 'rollback.sh');
    const run = bash(['--root', root, '--apply', '--rollback', rollback]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/done: \d+ change\(s\) made, 0 refused/);
    expect(filesNamed('PWNED', root, work, out, process.cwd(), tmpdir())).toEqual([]);
    expect(readdirSync(work)).toEqual([]);
    const after = treeState(root);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(lstatSync(path.join(root, 'home/alice/.ssh', HOSTILE_KEYS[0] as string)).mode & 0o777).toBe(0o600);
    expect(lstatSync(path.join(root, 'home/alice/.ssh', HOSTILE_KEYS[1] as string)).mode & 0o777).toBe(0o600);
    expect(lstatSync(path.join(root, 'home/alice/.kube/config')).uid).toBe(1000);
    expect(execFileSync('getfacl', ['-n', '--omit-header', '--', path.join(root, 'home/alice/.docker/config.json')], { encoding: 'utf8' })).not.toContain('user:1001');

    const rescan = runCli(['scan', '--root', root, '--baseline', baseline, '--only', 'credentials', '--format', 'json', '--output', '-']);
    const report = JSON.parse(rescan.stdout) as { results: { checkId: string; status: string; message: string }[] };
    const status = Object.fromEntries(report.results.map((result) => [result.checkId, result.status]));
    expect(status['credentials.file-permissions']).toBe('pass');
    expect(status['credentials.agent-user-access']).toBe('pass');
    expect(rescan.code).toBe(0);
  });

  it('a second --apply changes nothing', () => {
    const again = bash(['--root', root, '--apply', '--rollback', path.join(out, 'rollback-2.sh')]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('done: 0 change(s) made, 0 refused');
  });

  it('the rollback script restores the original modes, owners and ACLs', () => {
    const rollback = path.join(out, 'rollback.sh');
    expect(spawnSync('shellcheck', ['-s', 'bash', rollback]).status).toBe(0);
    const run = spawnSync('bash', [rollback], { cwd: work, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(treeState(root)).toEqual(before);
    expect(filesNamed('PWNED', root, work, out, process.cwd(), tmpdir())).toEqual([]);
  });
});

describe('bash remediation never leaves the image', () => {
  it('refuses a credential that is a link, leaving the file it points to on this machine alone', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-link-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-victim-'));
    put(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n', 0o644, 0);
    dir(root, 'home/alice', 0o700);
    // The same absolute path exists inside the image (what the scan judged) and on this machine.
    const victim = path.join(outside, 'victim');
    writeFileSync(victim, 'host file\n');
    chmodSync(victim, 0o644);
    put(root, victim.slice(1), 'image file\n', 0o644);
    symlinkSync(victim, path.join(root, 'home/alice/.npmrc'));
    // A folder link whose `..` climbs out of the image on this machine; the scan clamps it at the image
    // root (like a chroot) and finds the image's own copy, which the script must not confuse with this one.
    const climb = `${'../'.repeat(root.split('/').length + 2)}${outside.slice(1)}`;
    symlinkSync(climb, path.join(root, 'home/alice/.aws'));
    writeFileSync(path.join(outside, 'credentials'), '[default]\n');
    chmodSync(path.join(outside, 'credentials'), 0o644);
    put(root, `${outside.slice(1)}/credentials`, '[default]\n', 0o644);

    const out = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-link-out-'));
    const scan = runCli(['scan', '--root', root, '--format', 'json', '--output', out]);
    expect(scan.code).toBe(1);
    const report = readFileSync(path.join(out, 'cowork-audit.json'), 'utf8');
    expect(report).toContain('/home/alice/.npmrc');
    expect(report).toContain('/home/alice/.aws/credentials');
    const run = spawnSync('bash', [path.join(out, 'remediate.sh'), '--root', root, '--apply', '--rollback', path.join(out, 'rb.sh')], { encoding: 'utf8', cwd: out });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('REFUSED: /home/alice/.npmrc is a symbolic link inside the image');
    expect(run.stderr).toContain(`REFUSED: /home/alice/.aws/credentials resolves outside the image (${outside})`);
    expect(lstatSync(victim).mode & 0o777).toBe(0o644);
    expect(lstatSync(path.join(outside, 'credentials')).mode & 0o777).toBe(0o644);
  });
});

describe('bash remediation of an endpoint report', () => {
  it('refuses to run on another host than the report was made on, unless --force', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cowork-remediate-host-'));
    const report = path.join(out, 'report.json');
    const scan = runCli(['scan', '--replay', 'fixtures/endpoints/linux-weak', '--format', 'json', '--output', '-']);
    writeFileSync(report, scan.stdout);
    const script = path.join(out, 'remediate.sh');
    writeFileSync(script, runCli(['remediate', report]).stdout);
    const refused = spawnSync('bash', [script], { cwd: out, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/this report was made on alice-thinkpad, not .*: refusing \(use --force to override\)/);
    const forced = spawnSync('bash', [script, '--force'], { cwd: out, encoding: 'utf8' });
    expect(forced.stdout).toContain('mode: dry run');
    expect(forced.stdout).toMatch(/dry run: \d+ change\(s\) would be made/);
    expect(readdirSync(out).sort()).toEqual(['remediate.sh', 'report.json']);
  });
});
