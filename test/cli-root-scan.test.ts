import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE64, fakeSecret, UPPER_BASE32 } from './helpers/fake-secret.js';
import { makeTempDir, removeTempDirs, setfacl, snapshotTree, writeFileAt } from './support/host-trees.js';

// The built CLI (dist/cowork-audit.mjs) against offline images made of real modes, owners and ACLs:
// the golden-image gate of the design (`cowork-audit scan --root ./image-rootfs --fail-on high`).

const REPO = path.resolve(import.meta.dirname, '..');
const BIN = path.join(REPO, 'dist', 'cowork-audit.mjs');
const ACCESS_KEY = `AKIA${fakeSecret(UPPER_BASE32, 16, 7)}`;
const SECRET_KEY = fakeSecret(BASE64, 40, 9);
const CREDENTIALS = `[default]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = ${SECRET_KEY}\n`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cwd: string;

/** Runs the CLI in a clean temp cwd, off a TTY, with no colour variables unless given. */
function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Run {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(NO_COLOR|FORCE_COLOR|COWORK_AUDIT_)/.test(key)) env[key] = value;
  }
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? cwd,
    env: { ...env, CI: '1', ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Report {
  target: { kind: string; path?: string; hostname?: string; platform: string };
  summary: { pass: number; fail: number; error: number; skipped: number; waived: number; score: number };
  results: { checkId: string; status: string; severity: string; message: string; findings: { message: string; location?: { path: string }; subject?: string }[] }[];
}

// These images hold credential stores and nothing else (no firewall, no auditd...): the gates are about
// the credential checks, so the scans run only those; whole-image gates are in golden-image.test.ts.
const CREDENTIALS_ONLY = ['--only', 'credentials'];

function jsonScan(image: string, extra: string[] = []): { run: Run; report: Report } {
  const run = cli(['scan', '--root', image, '--format', 'json', '--output', '-', ...CREDENTIALS_ONLY, ...extra]);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`stdout is not a JSON report (exit ${run.code}): ${run.stdout.slice(0, 400)}\nstderr: ${run.stderr}`);
  }
  return { run, report };
}

function result(report: Report, checkId: string) {
  const found = report.results.find((item) => item.checkId === checkId);
  if (!found) throw new Error(`no result for ${checkId}`);
  return found;
}

/** An image with root, alice (1000) and claude (1001); alice's AWS credentials world-readable. */
function makeImage(name: string): string {
  const image = makeTempDir(name);
  // mkdtemp makes 0700 folders; an image's / is 0755 like any root file system.
  chmodSync(image, 0o755);
  writeFileAt(path.join(image, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nclaude:x:1001:1001:Agent:/home/claude:/bin/bash\n', 0o644);
  writeFileAt(path.join(image, 'etc/group'), 'root:x:0:\nalice:x:1000:\nclaude:x:1001:\n', 0o644);
  writeFileAt(path.join(image, 'etc/hostname'), 'golden\n');
  mkdirSync(path.join(image, 'root'), { mode: 0o700 });
  mkdirSync(path.join(image, 'home/alice/.aws'), { recursive: true });
  mkdirSync(path.join(image, 'home/claude'), { recursive: true });
  writeFileSync(path.join(image, 'home/alice/.aws/credentials'), CREDENTIALS);
  chmodSync(path.join(image, 'home/alice'), 0o755);
  chmodSync(path.join(image, 'home/alice/.aws'), 0o755);
  chmodSync(path.join(image, 'home/alice/.aws/credentials'), 0o644);
  chmodSync(path.join(image, 'home/claude'), 0o700);
  execFileSync('chown', ['-R', '1000:1000', path.join(image, 'home/alice')]);
  execFileSync('chown', ['-R', '1001:1001', path.join(image, 'home/claude')]);
  return image;
}

function tighten(image: string): void {
  chmodSync(path.join(image, 'home/alice/.aws'), 0o700);
  chmodSync(path.join(image, 'home/alice/.aws/credentials'), 0o600);
}

function agentBaseline(): string {
  const file = path.join(makeTempDir('baseline'), 'agent.yaml');
  writeFileSync(file, 'id: corp\ntitle: Corp image gate\nextends: recommended\nparams:\n  agentUser: claude\n');
  return file;
}

const ANSI = /\u001b\[/;

// The JSON report, and beside it at most the remediation scripts the design's remediation writers make;
// nothing else (no temporary file left behind, no other file).
const REMEDIATION_SCRIPTS = ['remediate.ps1', 'remediate.sh'];

function expectReportFolder(folder: string): void {
  const names = readdirSync(folder);
  expect(names).toContain('cowork-audit.json');
  expect(names.filter((name) => name !== 'cowork-audit.json' && !REMEDIATION_SCRIPTS.includes(name))).toEqual([]);
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'pipe' });
  cwd = makeTempDir('cwd');
}, 120_000);

afterAll(() => removeTempDirs());

describe('scan --root: findings and exit codes', () => {
  it('a world-readable credentials file fails the gate, located inside the image', () => {
    const image = makeImage('image-loose');
    const { run, report } = jsonScan(image);
    expect(run.code).toBe(1);
    expect(report.target).toMatchObject({ kind: 'root', platform: 'linux', hostname: 'golden' });
    const permissions = result(report, 'credentials.file-permissions');
    expect(permissions.status).toBe('fail');
    const locations = permissions.findings.map((finding) => finding.location?.path);
    expect(locations).toContain('/home/alice/.aws/credentials');
    expect(locations).toContain('/home/alice/.aws');
    expect(permissions.findings.find((finding) => finding.location?.path === '/home/alice/.aws/credentials')?.message).toMatch(/0644/);
    // The host folder is the target's path and nothing else: no finding, message or action names it.
    const { target, ...rest } = JSON.parse(run.stdout) as { target: Record<string, unknown> };
    expect(target.path).toBe(image);
    expect(JSON.stringify({ ...rest, target: { ...target, path: undefined } })).not.toContain(image);
    expect(run.stdout).not.toContain(ACCESS_KEY);
    expect(run.stdout).not.toContain(SECRET_KEY);
    expect(run.stderr).not.toContain(SECRET_KEY);
  });

  it('after chmod 0600 (file) and 0700 (folder) the gate passes', () => {
    const image = makeImage('image-tight');
    tighten(image);
    const { run, report } = jsonScan(image);
    expect(result(report, 'credentials.file-permissions').status).toBe('pass');
    expect(run.code).toBe(0);
    const gating = report.results.filter((item) => (item.severity === 'high' || item.severity === 'critical') && (item.status === 'fail' || item.status === 'error'));
    expect(gating).toEqual([]);
  });

  it('--fail-on decides the exit code: 1 only when something failed at or above it', () => {
    const image = makeImage('image-failon');
    // file-permissions (high) fails; nothing critical fails.
    expect(jsonScan(image, ['--fail-on', 'critical']).run.code).toBe(0);
    expect(jsonScan(image, ['--fail-on', 'none']).run.code).toBe(0);
    expect(jsonScan(image, ['--fail-on', 'high']).run.code).toBe(1);
    expect(jsonScan(image, ['--fail-on', 'medium']).run.code).toBe(1);
    expect(jsonScan(image, ['--fail-on', 'low']).run.code).toBe(1);
    expect(cli(['scan', '--root', image, '--fail-on', 'severe']).code).toBe(2);
  });

  it("an ACL giving the agent user read on alice's credentials fails credentials.agent-user-access", () => {
    const image = makeImage('image-acl');
    tighten(image);
    const baseline = agentBaseline();
    // The agent can enter alice's .aws folder (ACL x) but has no grant on the file yet: no path to it.
    setfacl('-m', 'u:1001:x', path.join(image, 'home/alice/.aws'));
    const before = jsonScan(image, ['--baseline', baseline]);
    expect(result(before.report, 'credentials.agent-user-access').status).toBe('pass');

    setfacl('-m', 'u:1001:r', path.join(image, 'home/alice/.aws/credentials'));
    const { run, report } = jsonScan(image, ['--baseline', baseline]);
    const access = result(report, 'credentials.agent-user-access');
    expect(access.status).toBe('fail');
    expect(access.severity).toBe('critical');
    const finding = access.findings.find((item) => item.location?.path === '/home/alice/.aws/credentials');
    expect(finding?.subject).toBe('alice');
    expect(finding?.message).toMatch(/"claude" can read alice's .*\/home\/alice\/\.aws\/credentials/);
    expect(run.code).toBe(1);
    expect(jsonScan(image, ['--baseline', baseline, '--fail-on', 'critical']).run.code).toBe(1);
    expect(jsonScan(image, ['--baseline', baseline, '--fail-on', 'none']).run.code).toBe(0);
    // file-permissions names the extra ACL entry too.
    expect(result(report, 'credentials.file-permissions').findings.some((item) => /ACL grants user\b.*\b1001\b.*\bread/.test(item.message))).toBe(true);
  });

  it('credential links pointing outside the image (a folder link, a file link) are not followed out of it', () => {
    const outside = makeTempDir('outside');
    chmodSync(outside, 0o755);
    writeFileAt(path.join(outside, 'aws/credentials'), `[default]\naws_access_key_id = ${ACCESS_KEY}\n`, 0o666);
    writeFileAt(path.join(outside, 'netrc'), `machine example.com login alice password ${SECRET_KEY}\n`, 0o666);
    const image = makeImage('image-link');
    execFileSync('rm', ['-r', path.join(image, 'home/alice/.aws')]);
    symlinkSync(path.join(outside, 'aws'), path.join(image, 'home/alice/.aws'));
    symlinkSync(path.join(outside, 'netrc'), path.join(image, 'home/alice/.netrc'));
    const { run, report } = jsonScan(image);
    // Inside the image both links dangle (the image has no such paths): nothing to report.
    const aboutAlice = report.results.flatMap((item) => item.findings).filter((finding) => /\/home\/alice\/\.(aws|netrc)/.test(finding.location?.path ?? ''));
    expect(aboutAlice).toEqual([]);
    expect(result(report, 'credentials.file-permissions').status).toBe('pass');
    expect(result(report, 'credentials.long-lived-keys').findings).toEqual([]);
    expect(run.stdout).not.toContain(outside);
    expect(run.code).toBe(0);
  });
});

describe('scan --root: bad usage exits 2 with a message', () => {
  it.each([
    ['an unknown flag', ['scan', '--root', '<image>', '--bogus-flag'], /--bogus-flag/],
    ['a missing --root folder', ['scan', '--root', '/nonexistent/cowork-image'], /--root \/nonexistent\/cowork-image: no such folder/],
    ['--root together with --repo', ['scan', '--root', '<image>', '--repo', '<image>'], /--root and --repo cannot be combined/],
    ['an unknown --only id', ['scan', '--root', '<image>', '--only', 'credentials.no-such-check'], /unknown check id or area: credentials\.no-such-check/],
    ['a baseline file that does not exist', ['scan', '--root', '<image>', '--baseline', './missing-baseline.yaml'], /missing-baseline\.yaml/],
  ])('%s', (_, args, message) => {
    const image = makeImage('image-usage');
    const before = snapshotTree(cwd);
    const run = cli(args.map((arg) => (arg === '<image>' ? image : arg)));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.stdout).toBe('');
    expect(snapshotTree(cwd)).toBe(before);
  });
});

describe('scan --root: writes only where asked, never into the image', () => {
  it('--output DIR --format json writes DIR/cowork-audit.json and nothing else; the image is untouched', () => {
    const image = makeImage('image-output');
    setfacl('-m', 'u:1001:r', path.join(image, 'home/alice/.aws/credentials'));
    writeFileAt(path.join(image, 'home/alice/.bashrc'), `export AWS_SECRET_ACCESS_KEY=${SECRET_KEY}\n`, 0o644);
    execFileSync('chown', ['1000:1000', path.join(image, 'home/alice/.bashrc')]);
    const outParent = makeTempDir('out');
    const out = path.join(outParent, 'reports');
    const imageBefore = snapshotTree(image);
    const cwdBefore = snapshotTree(cwd);

    const run = cli(['scan', '--root', image, '--format', 'json', '--output', out, '--baseline', agentBaseline()]);
    expect(run.code).toBe(1);
    expect(readdirSync(outParent)).toEqual(['reports']);
    expectReportFolder(out);
    const report = JSON.parse(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8')) as Report;
    expect(result(report, 'credentials.file-permissions').status).toBe('fail');
    for (const name of readdirSync(out)) {
      const text = readFileSync(path.join(out, name), 'utf8');
      expect(text, name).not.toContain(SECRET_KEY);
      expect(text, name).not.toContain(ACCESS_KEY);
    }
    expect(run.stdout).toBe('');
    expect(snapshotTree(image)).toBe(imageBefore);
    expect(snapshotTree(cwd)).toBe(cwdBefore);
  });

  it('a relative --output resolves against the working directory', () => {
    const image = makeImage('image-relative');
    const work = makeTempDir('cwd-relative');
    const run = cli(['scan', '--root', image, '--format', 'json', '--output', 'out/here'], { cwd: work });
    expect(run.code).toBe(1);
    expect(readdirSync(work)).toEqual(['out']);
    expectReportFolder(path.join(work, 'out/here'));
  });

  it('no scan changes the image: modes, owners, mtimes, ctimes, contents and ACLs are as before', () => {
    const image = makeImage('image-readonly');
    setfacl('-m', 'u:1001:r', path.join(image, 'home/alice/.aws/credentials'));
    setfacl('-d', '-m', 'u:1001:rx', path.join(image, 'home/alice/.aws'));
    symlinkSync('/etc/passwd', path.join(image, 'home/alice/passwd-link'));
    const before = snapshotTree(image);
    for (const args of [
      ['--format', 'json', '--output', '-'],
      ['--format', 'table'],
      ['--format', 'json', '--output', path.join(makeTempDir('out2'), 'r'), '--baseline', agentBaseline()],
    ]) {
      cli(['scan', '--root', image, ...args]);
      expect(snapshotTree(image)).toBe(before);
    }
    expect(existsSync(path.join(image, 'reports'))).toBe(false);
  });
});

describe('scan --root: table output and colour', () => {
  it('--format table prints FAIL rows, the score and the result line, and writes no file', () => {
    const image = makeImage('image-table');
    const cwdBefore = snapshotTree(cwd);
    const run = cli(['scan', '--root', image, '--format', 'table', ...CREDENTIALS_ONLY]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ FAIL .*credentials\.file-permissions/m);
    expect(run.stdout).toMatch(/\/home\/alice\/\.aws\/credentials/);
    expect(run.stdout).toMatch(/^Score \d{1,3}\/100 {2}\d+ pass {2}\d+ fail/m);
    expect(run.stdout).toMatch(/Result: FAIL \(1 check\(s\) failed at or above high\)/);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stdout).not.toContain(SECRET_KEY);
    expect(snapshotTree(cwd)).toBe(cwdBefore);

    tighten(image);
    const clean = cli(['scan', '--root', image, '--format', 'table', ...CREDENTIALS_ONLY]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toMatch(/^ FAIL .*credentials\.file-permissions/m);
    expect(clean.stdout).toMatch(/^ PASS .*credentials\.file-permissions/m);
    expect(clean.stdout).toMatch(/Result: PASS/);
  });

  it('NO_COLOR=1 output has no ANSI escapes (off a TTY as well)', () => {
    const image = makeImage('image-nocolor');
    const run = cli(['scan', '--root', image], { env: { NO_COLOR: '1' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL/);
    expect(run.stdout + run.stderr).not.toMatch(ANSI);
  });

  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

  // On a terminal the table is coloured, unless NO_COLOR or --no-color says otherwise. `script` gives the
  // CLI a pseudo-terminal; stderr goes to /dev/null so only the report is compared.
  it.skipIf(!hasScript)('on a TTY the table is coloured, and NO_COLOR=1 or --no-color turn colour off', () => {
    const image = makeImage('image-tty');
    const onTty = (extra: string, env: Record<string, string> = {}) => {
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} scan --root ${JSON.stringify(image)} ${extra} 2>/dev/null`;
      const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1', ...env }, timeout: 60_000 });
      return run.stdout;
    };
    const env = { NO_COLOR: '', FORCE_COLOR: '' };
    const coloured = onTty('', env);
    expect(coloured).toMatch(/FAIL/);
    expect(coloured).toMatch(ANSI);
    const noColor = onTty('', { NO_COLOR: '1' });
    expect(noColor).toMatch(/FAIL/);
    expect(noColor).not.toMatch(ANSI);
    const flag = onTty('--no-color', env);
    expect(flag).toMatch(/FAIL/);
    expect(flag).not.toMatch(ANSI);
  });
});
