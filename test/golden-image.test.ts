import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRootfs, debianRootfs, findDebootstrap } from '../scripts/debian-rootfs.mjs';
import { ALNUM, BASE64, fakeSecret, UPPER_BASE32 } from './helpers/fake-secret.js';
import { runCli, type CliRun } from './support/cli.js';
import { makeTempDir, removeTempDirs } from './support/host-trees.js';

// The golden-image gate of the design, on a real Debian rootfs made by debootstrap (minbase, from the
// mirror and suite this machine's apt uses; cached under the OS temp dir between runs, see
// scripts/debian-rootfs.mjs): add a user and an agent account, weaken the image, gate it with
// `scan --root ... --fail-on high` (exit 1), harden it with the generated remediate.sh under that root,
// gate again (exit 0). Findings only a person can fix (a token in ~/.bashrc, a public resolver in
// /etc/resolv.conf) are listed as MANUAL and keep the gate red.
//
// "Outbound accept": the image build installs nftables with an inbound-only ruleset (input policy drop,
// output policy accept with a DNS rule), enabled at boot. firewall.enabled passes, the egress checks fail
// (default-deny and allowlist at high); the generated remediate.sh writes the egress table of its own
// (/etc/nftables.d/cowork-audit-egress.nft, checked with nft -c -f) and includes it from /etc/nftables.conf,
// after which the image's ruleset, read back by the scan, denies by default.

const debootstrap = findDebootstrap();
const inCi = (!!process.env.CI && !/^(0|false)$/i.test(process.env.CI)) || process.env.COWORK_AUDIT_REQUIRE_GOLDEN_IMAGE === '1';
const skip = !debootstrap && !inCi;
if (skip) {
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\n!! SKIPPED test/golden-image.test.ts: debootstrap is not installed (apt-get install debootstrap).\n!! The golden-image gate on a real Debian rootfs was NOT tested. In CI (CI=true) this fails instead.\n${bar}\n`);
}

const AGENT = 'claude';
const ALICE = { uid: 1000, gid: 1000, home: '/home/alice' };
const CLAUDE = { uid: 1001, gid: 1001, home: '/home/claude' };
const ACCESS_KEY = `AKIA${fakeSecret(UPPER_BASE32, 16, 21)}`;
const SECRET_KEY = fakeSecret(BASE64, 40, 22);
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${fakeSecret(BASE64, 64, 23)}\n-----END OPENSSH PRIVATE KEY-----\n`;
const GITHUB_TOKEN = `ghp_${fakeSecret(ALNUM, 36, 24)}`;
const CORPORATE_RESOLVER = '10.20.0.53';
const HIGH = new Set(['high', 'critical']);
/** What the image build wrote: a firewall for inbound traffic only, and a DNS rule that lets DNS go anywhere. */
const NFTABLES_CONF = `#!/usr/sbin/nft -f
# Written by the image build: inbound firewall.

flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		tcp dport 22 accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy accept;
		udp dport 53 accept
	}
}
`;
const NFTABLES_UNIT = '[Unit]\nDescription=nftables\nDocumentation=man:nft(8) http://wiki.nftables.org\nWants=network-pre.target\nBefore=network-pre.target shutdown.target\nConflicts=shutdown.target\nDefaultDependencies=no\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nStandardInput=null\nProtectSystem=full\nProtectHome=true\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\nExecReload=/usr/sbin/nft -f /etc/nftables.conf\nExecStop=/usr/sbin/nft flush ruleset\n\n[Install]\nWantedBy=sysinit.target\n';
const EGRESS_TABLE = '/etc/nftables.d/cowork-audit-egress.nft';

interface Report {
  target: { kind: string; platform: string; path?: string };
  results: { checkId: string; status: string; severity: string; message: string; findings: { message: string; location?: { path: string; line?: number }; actions?: { kind: string; path?: string; includeFrom?: string }[] }[] }[];
}

/** Every entry of the tree: type, mode, owner, size, mtime, ctime (a chmod or setfacl shows), link target, content hash. */
interface Snapshot {
  entries: Map<string, string>;
  acl: string;
}

function snapshot(root: string): Snapshot {
  const entries = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stats = lstatSync(full, { bigint: true });
      let detail = '';
      if (stats.isSymbolicLink()) detail = `-> ${readlinkSync(full)}`;
      else if (stats.isFile()) detail = createHash('sha256').update(readFileSync(full)).digest('hex');
      const kind = stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : stats.isSymbolicLink() ? 'link' : 'other';
      entries.set(`/${path.relative(root, full)}`, `${kind} ${(stats.mode & 0o7777n).toString(8)} ${stats.uid}:${stats.gid} ${stats.size} m${stats.mtimeNs} c${stats.ctimeNs} ${detail}`);
      if (stats.isDirectory()) walk(full);
    }
  };
  walk(root);
  const acl = execFileSync('getfacl', ['-R', '-P', '-n', '-p', '-s', '--', root], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { entries, acl: acl.split(root).join('<root>') };
}

/** Paths (image-absolute) added, removed or changed between two snapshots. */
function changed(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...before.entries.keys(), ...after.entries.keys()]);
  return [...keys].filter((key) => before.entries.get(key) !== after.entries.get(key)).sort();
}

function put(root: string, rel: string, content: string, mode: number, owner = ALICE.uid): void {
  const file = path.join(root, rel);
  writeFileSync(file, content);
  chmodSync(file, mode);
  chownSync(file, owner, owner);
}

function dir(root: string, rel: string, mode: number, owner = ALICE.uid): void {
  const full = path.join(root, rel);
  mkdirSync(full, { recursive: true });
  chmodSync(full, mode);
  chownSync(full, owner, owner);
}

/** What `useradd -m` leaves: passwd, group, shadow and gshadow lines and a home from /etc/skel. */
function addAccount(root: string, name: string, account: { uid: number; gid: number; home: string }, shell: string, homeMode: number): void {
  appendFileSync(path.join(root, 'etc/passwd'), `${name}:x:${account.uid}:${account.gid}:${name}:${account.home}:${shell}\n`);
  appendFileSync(path.join(root, 'etc/group'), `${name}:x:${account.gid}:\n`);
  appendFileSync(path.join(root, 'etc/shadow'), `${name}:!:19800:0:99999:7:::\n`);
  if (existsSync(path.join(root, 'etc/gshadow'))) appendFileSync(path.join(root, 'etc/gshadow'), `${name}:!::\n`);
  dir(root, account.home.slice(1), homeMode, account.uid);
  for (const file of readdirSync(path.join(root, 'etc/skel'))) {
    const target = path.join(root, account.home, file);
    copyFileSync(path.join(root, 'etc/skel', file), target);
    chownSync(target, account.uid, account.gid);
  }
}

/** Weaknesses the generated remediation fixes by itself: modes and an ACL grant to the agent. */
function weakenAutoFixable(root: string): void {
  writeFileSync(path.join(root, 'etc/resolv.conf'), `nameserver ${CORPORATE_RESOLVER}\n`);
  chmodSync(path.join(root, 'etc/resolv.conf'), 0o644);
  addAccount(root, 'alice', ALICE, '/bin/bash', 0o755);
  addAccount(root, AGENT, CLAUDE, '/usr/sbin/nologin', 0o750);
  dir(root, 'home/alice/.aws', 0o755);
  put(root, 'home/alice/.aws/config', '[default]\nregion = eu-west-1\n', 0o644);
  put(root, 'home/alice/.aws/credentials', `[default]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = ${SECRET_KEY}\n`, 0o644);
  dir(root, 'home/alice/.ssh', 0o755);
  put(root, 'home/alice/.ssh/id_ed25519', PRIVATE_KEY, 0o644);
  put(root, 'home/alice/.ssh/id_ed25519.pub', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA alice@golden\n', 0o644);
  put(root, 'home/alice/.ssh/known_hosts', 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA\n', 0o644);
  dir(root, 'home/alice/.docker', 0o700);
  put(root, 'home/alice/.docker/config.json', '{ "credsStore": "pass" }\n', 0o600);
  execFileSync('setfacl', ['-m', `u:${CLAUDE.uid}:r`, '--', path.join(root, 'home/alice/.docker/config.json')]);
  execFileSync('setfacl', ['-m', `u:${CLAUDE.uid}:x`, '--', path.join(root, 'home/alice/.docker')]);
  dir(root, 'home/alice/work', 0o755);
  put(root, 'home/alice/work/notes.md', '# notes\n', 0o644);
  // What installing nftables and enabling it leaves (the package's unit, its sysinit.target.wants link),
  // with the build's inbound-only ruleset.
  put(root, 'etc/nftables.conf', NFTABLES_CONF, 0o755, 0);
  put(root, 'usr/lib/systemd/system/nftables.service', NFTABLES_UNIT, 0o644, 0);
  mkdirSync(path.join(root, 'etc/systemd/system/sysinit.target.wants'), { recursive: true });
  symlinkSync('/lib/systemd/system/nftables.service', path.join(root, 'etc/systemd/system/sysinit.target.wants/nftables.service'));
}

/** Weaknesses only a person can fix: a token exported in ~/.bashrc, a public resolver. */
function weakenManual(root: string): void {
  appendFileSync(path.join(root, 'home/alice/.bashrc'), `\n# added by the image build\nexport GITHUB_TOKEN=${GITHUB_TOKEN}\n`);
  writeFileSync(path.join(root, 'etc/resolv.conf'), `nameserver 8.8.8.8\nnameserver ${CORPORATE_RESOLVER}\n`);
}

interface Gate {
  run: CliRun;
  out: string;
  cwd: string;
  tmp: string;
  report: Report;
}

/** The CI gate as a pipeline runs it, from an empty folder with an empty TMPDIR, reports into OUT (not created beforehand). */
function gate(rootfs: string, baseline: string, formats = 'json,sarif'): Gate {
  const base = makeTempDir('golden-gate');
  const cwd = path.join(base, 'cwd');
  const tmp = path.join(base, 'tmp');
  mkdirSync(cwd);
  mkdirSync(tmp);
  const out = path.join(base, 'out');
  const run = runCli(['scan', '--root', rootfs, '--baseline', baseline, '--fail-on', 'high', '--format', formats, '--output', out], { cwd, env: { TMPDIR: tmp, CI: 'true' } });
  const jsonFile = path.join(out, 'cowork-audit.json');
  if (!existsSync(jsonFile)) throw new Error(`no JSON report (exit ${run.code}): ${run.stderr}`);
  return { run, out, cwd, tmp, report: JSON.parse(readFileSync(jsonFile, 'utf8')) as Report };
}

const failingAtHigh = (report: Report) => report.results.filter((item) => item.status === 'fail' && HIGH.has(item.severity)).map((item) => item.checkId).sort();
const statusOf = (report: Report, checkId: string) => report.results.find((item) => item.checkId === checkId)?.status;
const describeFailures = (report: Report) =>
  report.results.filter((item) => item.status === 'fail' || item.status === 'error').map((item) => `${item.severity} ${item.checkId} ${item.status}: ${item.message}`).join('\n');
const bash = (script: string, args: string[], cwd: string) => spawnSync('bash', [script, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

describe.skipIf(skip)(
  skip ? 'golden-image gate: SKIPPED, debootstrap is not installed (apt-get install debootstrap)' : 'golden-image gate on a real Debian rootfs (debootstrap minbase)',
  () => {
    let rootfs: string;
    let baseline: string;
    let weak: Snapshot;
    let first: Gate;

    beforeAll(() => {
      expect(debootstrap, 'debootstrap is not installed, and this is CI: .ci/run installs it (apt-get install debootstrap)').toBeDefined();
      const image = debianRootfs({ log: (line) => console.log(`golden image: ${line}`) });
      const copyStart = Date.now();
      rootfs = copyRootfs(image.rootfs, path.join(makeTempDir('golden-image'), 'rootfs'));
      console.log(
        `golden image: ${image.suite}/${image.arch} from ${image.mirror}: ${image.cached ? `cached (built ${image.stamp.builtAt} in ${image.stamp.buildSeconds} s), ready in` : 'debootstrap took'} ${image.seconds.toFixed(1)} s; copied in ${((Date.now() - copyStart) / 1000).toFixed(1)} s`,
      );
      weakenAutoFixable(rootfs);
      baseline = path.join(makeTempDir('golden-baseline'), 'image-gate.yaml');
      // Laptops installed from the image are encrypted at enrolment (LUKS by the installer), so the image
      // gate reports an unencrypted rootfs without stopping on it.
      writeFileSync(
        baseline,
        `id: image-gate\nextends: recommended\nparams:\n  agentUser: ${AGENT}\n  allowedResolvers: ["10.20.0.0/24"]\nchecks:\n  monitoring.disk-encryption:\n    severity: medium\n`,
      );
      weak = snapshot(rootfs);
      first = gate(rootfs, baseline);
    }, 25 * 60_000);

    afterAll(() => removeTempDirs());

    it('is a real Debian image with the added accounts', () => {
      expect(readFileSync(path.join(rootfs, 'etc/os-release'), 'utf8')).toMatch(/^ID=debian$/m);
      expect(existsSync(path.join(rootfs, 'usr/bin/apt-get'))).toBe(true);
      expect(first.report.target).toMatchObject({ kind: 'root', platform: 'linux' });
      const users = readFileSync(path.join(rootfs, 'etc/passwd'), 'utf8');
      expect(users).toMatch(/^alice:x:1000:1000:/m);
      expect(users).toMatch(/^claude:x:1001:1001:/m);
    });

    it('gate: the weakened image fails at high (exit 1) on the credential and egress checks, with no check in error', () => {
      expect(first.run.code, `${first.run.stderr}\n${describeFailures(first.report)}`).toBe(1);
      expect(failingAtHigh(first.report)).toEqual(['credentials.agent-user-access', 'credentials.file-permissions', 'firewall.egress-allowlist', 'firewall.egress-default-deny']);
      expect(first.report.results.filter((item) => item.status === 'error')).toEqual([]);
      const paths = first.report.results.flatMap((item) => item.findings.map((finding) => finding.location?.path));
      expect(paths).toEqual(expect.arrayContaining(['/home/alice/.aws/credentials', '/home/alice/.ssh/id_ed25519', '/home/alice/.docker/config.json']));
      expect(statusOf(first.report, 'network.dns-resolvers')).toBe('pass');
      // The firewall is there and enabled at boot, it just lets everything out: the output policy decides.
      expect(statusOf(first.report, 'firewall.enabled')).toBe('pass');
      const deny = first.report.results.find((item) => item.checkId === 'firewall.egress-default-deny');
      expect(deny?.findings.map((finding) => finding.location)).toEqual([{ path: '/etc/nftables.conf', line: 17 }]);
      expect(deny?.findings[0]?.message).toContain('IPv4 and IPv6 allow outbound traffic by default for claude (uid 1001): no rule decided: allowed by the accept policy of inet filter output');
      const dns = first.report.results.find((item) => item.checkId === 'firewall.dns-egress');
      expect(dns?.status).toBe('fail');
      expect(dns?.findings.map((finding) => finding.location)).toEqual([{ path: '/etc/nftables.conf', line: 18 }, { path: '/etc/nftables.conf', line: 17 }]);
    });

    it('gate: writes only the asked reports and the remediation scripts into OUT, nothing in the image, cwd or TMPDIR', () => {
      expect(readdirSync(first.out).sort()).toEqual(['cowork-audit.json', 'cowork-audit.sarif', 'remediate.ps1', 'remediate.sh']);
      expect(readdirSync(first.cwd)).toEqual([]);
      expect(readdirSync(first.tmp)).toEqual([]);
      expect(changed(weak, snapshot(rootfs))).toEqual([]);
      expect(snapshot(rootfs).acl).toBe(weak.acl);
      for (const name of readdirSync(first.out)) {
        const text = readFileSync(path.join(first.out, name), 'utf8');
        for (const secret of [SECRET_KEY, ACCESS_KEY, PRIVATE_KEY.split('\n')[1] as string]) expect(text.includes(secret), `${name} leaks a secret`).toBe(false);
      }
      const sarif = JSON.parse(readFileSync(path.join(first.out, 'cowork-audit.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string; level: string }[] }[] };
      expect(sarif.version).toBe('2.1.0');
      const errors = new Set(sarif.runs.flatMap((run) => run.results.filter((result) => result.level === 'error').map((result) => result.ruleId)));
      expect([...errors].sort()).toEqual(['credentials.agent-user-access', 'credentials.file-permissions', 'firewall.egress-allowlist', 'firewall.egress-default-deny']);
    });

    it('remediate.sh is shellcheck-clean, and its dry run lists the fixes and changes nothing', () => {
      const script = path.join(first.out, 'remediate.sh');
      const check = spawnSync('shellcheck', ['--severity=style', script], { encoding: 'utf8' });
      expect(check.error, 'shellcheck must be installed (.ci/run installs it)').toBeUndefined();
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
      const dry = bash(script, ['--root', rootfs], first.cwd);
      expect(dry.stderr).toBe('');
      expect(dry.status).toBe(0);
      expect(dry.stdout).toContain('mode: dry run');
      expect(dry.stdout).toContain('chmod /home/alice/.aws/credentials: 644 -> 0600');
      expect(dry.stdout).toContain('chmod /home/alice/.ssh/id_ed25519: 644 -> 0600');
      expect(dry.stdout).toContain(`setfacl /home/alice/.docker/config.json: remove user:${CLAUDE.uid} (r--)`);
      expect(dry.stdout).toContain(`nft -c -f: the ruleset for ${EGRESS_TABLE} is valid`);
      expect(dry.stdout).toContain(`create ${EGRESS_TABLE} (644) in a new folder`);
      expect(dry.stdout).toContain(`append to /etc/nftables.conf: include "${EGRESS_TABLE}"`);
      expect(dry.stdout).toContain('ok: nftables.service is enabled at boot in the image');
      // What the script cannot fix is medium here (static AWS keys, no proxy): nothing that gates at high.
      const manual = [...dry.stdout.matchAll(/^MANUAL \(([^)]+)\)/gm)].map((match) => match[1]);
      expect(manual.filter((checkId) => failingAtHigh(first.report).includes(checkId as string))).toEqual([]);
      expect(changed(weak, snapshot(rootfs))).toEqual([]);
      expect(readdirSync(first.cwd)).toEqual([]);
    });

    it('remediate.sh --root ROOTFS --apply changes only what the report named; the gate then passes (exit 0)', () => {
      const rollback = path.join(makeTempDir('golden-rollback'), 'rollback.sh');
      const apply = bash(path.join(first.out, 'remediate.sh'), ['--root', rootfs, '--apply', '--rollback', rollback], first.cwd);
      expect(apply.stderr).toBe('');
      expect(apply.status).toBe(0);
      expect(apply.stdout).toMatch(/done: [1-9]\d* change\(s\) made, 0 refused/);
      expect(readdirSync(first.cwd)).toEqual([]);
      const touched = changed(weak, snapshot(rootfs));
      // Named by a finding's location, or by an action that writes a file of its own (the egress table).
      const named = new Set(
        first.report.results.flatMap((item) =>
          item.findings.flatMap((finding) => [...(finding.location ? [finding.location.path] : []), ...(finding.actions ?? []).flatMap((action) => (action.kind === 'firewall-egress' ? [action.path ?? '', action.includeFrom ?? ''] : []))]),
        ),
      );
      expect(touched.length).toBeGreaterThan(0);
      for (const entry of touched) expect(named.has(entry) || [...named].some((file) => file.startsWith(`${entry}/`)), `${entry} changed but no finding names it`).toBe(true);
      expect(touched).toEqual(expect.arrayContaining(['/home/alice/.aws/credentials', '/home/alice/.ssh/id_ed25519', '/home/alice/.docker/config.json', '/etc/nftables.conf', '/etc/nftables.d', EGRESS_TABLE]));
      expect(readFileSync(path.join(rootfs, 'etc/nftables.conf'), 'utf8')).toBe(`${NFTABLES_CONF}include "${EGRESS_TABLE}"\n`);
      // The image's configuration with its include, loaded the way nftables.service would (paths moved into the image), is valid.
      const combined = path.join(makeTempDir('golden-nft'), 'nftables.conf');
      writeFileSync(combined, readFileSync(path.join(rootfs, 'etc/nftables.conf'), 'utf8').replace(`include "${EGRESS_TABLE}"`, `include "${path.join(rootfs, EGRESS_TABLE)}"`));
      const check = spawnSync('nft', ['-c', '-f', combined], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      expect(lstatSync(path.join(rootfs, 'home/alice/.aws/credentials')).mode & 0o777).toBe(0o600);
      expect(lstatSync(path.join(rootfs, 'home/alice/.ssh/id_ed25519')).mode & 0o777).toBe(0o600);
      expect(execFileSync('getfacl', ['-n', '-p', '--omit-header', '--', path.join(rootfs, 'home/alice/.docker/config.json')], { encoding: 'utf8' })).not.toContain(`user:${CLAUDE.uid}`);

      const second = gate(rootfs, baseline);
      expect(second.run.code, `${second.run.stderr}\n${describeFailures(second.report)}`).toBe(0);
      expect(failingAtHigh(second.report)).toEqual([]);
      expect(statusOf(second.report, 'credentials.file-permissions')).toBe('pass');
      expect(statusOf(second.report, 'credentials.agent-user-access')).toBe('pass');
      for (const checkId of ['firewall.enabled', 'firewall.egress-default-deny', 'firewall.egress-allowlist', 'firewall.dns-egress']) expect(statusOf(second.report, checkId), checkId).toBe('pass');
      expect(readdirSync(second.cwd)).toEqual([]);
      expect(readdirSync(second.tmp)).toEqual([]);

      const again = bash(path.join(second.out, 'remediate.sh'), ['--root', rootfs, '--apply', '--rollback', `${rollback}.2`], second.cwd);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('done: 0 change(s) made, 0 refused');
    });

    it('findings only a person can fix are listed as MANUAL, are not fixed by --apply, and keep the gate red', () => {
      weakenManual(rootfs);
      const third = gate(rootfs, baseline);
      expect(third.run.code, third.run.stderr).toBe(1);
      expect(failingAtHigh(third.report)).toEqual(['credentials.secrets-in-shell-profiles']);
      const dns = third.report.results.find((item) => item.checkId === 'network.dns-resolvers');
      expect(dns?.status).toBe('fail');
      expect(dns?.severity).toBe('medium');
      expect(dns?.findings.map((finding) => finding.location)).toEqual([{ path: '/etc/resolv.conf', line: 1 }]);
      for (const name of readdirSync(third.out)) expect(readFileSync(path.join(third.out, name), 'utf8').includes(GITHUB_TOKEN), `${name} leaks the token`).toBe(false);

      const script = path.join(third.out, 'remediate.sh');
      expect(spawnSync('shellcheck', ['--severity=style', script]).status).toBe(0);
      const before = snapshot(rootfs);
      const dry = bash(script, ['--root', rootfs], third.cwd);
      expect(dry.status).toBe(0);
      expect(dry.stdout).toMatch(/MANUAL \(credentials\.secrets-in-shell-profiles\): Remove the secret from \/home\/alice\/\.bashrc line \d+/);
      expect(dry.stdout).toMatch(/MANUAL \(network\.dns-resolvers\): Replace "nameserver 8\.8\.8\.8" at \/etc\/resolv\.conf:1/);
      const apply = bash(script, ['--root', rootfs, '--apply', '--rollback', path.join(makeTempDir('golden-rollback'), 'rollback.sh')], third.cwd);
      expect(apply.status).toBe(0);
      expect(apply.stdout).toContain('done: 0 change(s) made, 0 refused');
      expect(changed(before, snapshot(rootfs))).toEqual([]);

      const fourth = gate(rootfs, baseline);
      expect(fourth.run.code).toBe(1);
      expect(failingAtHigh(fourth.report)).toEqual(['credentials.secrets-in-shell-profiles']);
      expect(statusOf(fourth.report, 'network.dns-resolvers')).toBe('fail');
    });
  },
);
