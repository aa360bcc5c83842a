// The firewall checks on offline images (RootHost: what is enabled at boot, never a command), the
// baseline's egress parameter (strict: a bad or hostile entry fails the baseline with its key path), and
// the loop scan, remediate, rescan on an image through the built CLI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { loadBaseline } from '../src/baseline/load-baseline.js';
import { planChecks } from '../src/baseline/plan.js';
import type { CheckResult } from '../src/engine/result.js';
import { runChecks } from '../src/engine/runner.js';
import type { Platform } from '../src/host/host.js';
import { RootHost } from '../src/host/root-host.js';
import { runCli } from './support/cli.js';
import { makeTempDir, removeTempDirs, treeState, writeFileAt } from './support/host-trees.js';

afterAll(() => removeTempDirs());

const FIREWALL = BUILTIN_CHECKS.filter((check) => check.meta.area === 'firewall');

const WEAK_CONF = `#!/usr/sbin/nft -f
flush ruleset

table inet filter {
\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tct state established,related accept
\t}
\tchain output {
\t\ttype filter hook output priority filter; policy accept;
\t\tudp dport 53 accept
\t}
}
`;

function image(files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = path.join(makeTempDir('fw-image'), 'root');
  mkdirSync(root);
  for (const [file, content] of Object.entries(files)) writeFileAt(path.join(root, file), content);
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
    symlinkSync(target, path.join(root, link));
  }
  return root;
}

const PASSWD = { 'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nclaude:x:1001:1001::/home/claude:/usr/sbin/nologin\n', 'etc/os-release': 'ID=debian\n' };
const NFT_ENABLED = { 'etc/systemd/system/sysinit.target.wants/nftables.service': '/lib/systemd/system/nftables.service' };

async function scanImage(root: string, params: Record<string, unknown> = {}, platform?: Platform): Promise<Record<string, CheckResult>> {
  const host = new RootHost(root, 'root', platform);
  const { results } = await runChecks({ host, checks: FIREWALL.map((check) => ({ check, severity: check.meta.severity, params: { ...Object.fromEntries(Object.entries(check.params).map(([name, schema]) => [name, schema.defaultValue])), ...params } })) });
  return Object.fromEntries(results.map((result) => [result.checkId, result]));
}

describe('offline Linux image', () => {
  it('nftables.conf enabled at boot, output policy accept: enabled passes, the egress checks fail at the file and line', async () => {
    const results = await scanImage(image({ ...PASSWD, 'etc/nftables.conf': WEAK_CONF, 'lib/systemd/system/nftables.service': '[Unit]\n' }, NFT_ENABLED), { agentUser: 'claude' });
    expect(results['firewall.enabled']?.status, results['firewall.enabled']?.message).toBe('pass');
    expect(results['firewall.enabled']?.message).toContain('nftables.service is enabled (/etc/systemd/system/sysinit.target.wants/nftables.service)');
    const deny = results['firewall.egress-default-deny'];
    expect(deny?.status).toBe('fail');
    expect(deny?.findings.map((finding) => finding.location)).toEqual([{ path: '/etc/nftables.conf', line: 10 }]);
    expect(deny?.findings[0]?.message).toContain('for claude (uid 1001)');
    const dns = results['firewall.dns-egress'];
    expect(dns?.findings.map((finding) => finding.location)).toEqual([{ path: '/etc/nftables.conf', line: 11 }, { path: '/etc/nftables.conf', line: 10 }]);
    for (const result of Object.values(results)) expect(result.error).toBeUndefined();
  });

  it('the same file, not enabled at boot: nothing filters, and every check says why', async () => {
    const results = await scanImage(image({ ...PASSWD, 'etc/nftables.conf': WEAK_CONF, 'lib/systemd/system/nftables.service': '[Unit]\n' }));
    expect(results['firewall.enabled']?.status).toBe('fail');
    expect(results['firewall.enabled']?.findings).toMatchObject([{ location: { path: '/etc/nftables.conf' }, message: expect.stringContaining('is installed but not enabled') }]);
    expect(results['firewall.egress-default-deny']?.findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining('IPv4: no active firewall filters outgoing traffic'),
      expect.stringContaining('IPv6: no active firewall filters outgoing traffic'),
    ]);
    expect(results['firewall.egress-allowlist']?.findings).toHaveLength(7);
  });

  it('a minbase image with no firewall at all', async () => {
    const results = await scanImage(image(PASSWD));
    expect(results['firewall.enabled']?.findings.map((finding) => finding.message)).toEqual(['no firewall ruleset found (nftables, iptables, ufw, firewalld) in the image']);
    expect(results['firewall.enabled']?.findings[0]?.actions?.[0]).toMatchObject({ kind: 'manual', text: expect.stringContaining('systemctl --root <image> enable nftables.service') });
    expect(results['firewall.egress-default-deny']?.status).toBe('fail');
  });
});

describe('offline macOS and Windows images', () => {
  it('macOS: pf.conf with a block rule, enabled by a launch daemon; the application firewall plist is read', async () => {
    const daemon = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>com.corp.pf</string><key>ProgramArguments</key><array><string>/sbin/pfctl</string><string>-E</string><string>-f</string><string>/etc/pf.conf</string></array><key>RunAtLoad</key><true/></dict></plist>\n';
    const alf = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>globalstate</key><integer>1</integer></dict></plist>\n';
    const files = {
      'etc/pf.conf': 'anchor "com.apple/*"\nload anchor "com.apple" from "/etc/pf.anchors/com.apple"\nblock return out all\npass out quick on lo0 all\npass out quick proto { tcp, udp } to 10.20.0.53 port 53\n',
      'etc/pf.anchors/com.apple': '',
      'Library/LaunchDaemons/com.corp.pf.plist': daemon,
      'Library/Preferences/com.apple.alf.plist': alf,
      'System/Library/CoreServices/SystemVersion.plist': '<plist><dict><key>ProductName</key><string>macOS</string></dict></plist>\n',
    };
    const results = await scanImage(image(files), {}, 'darwin');
    expect(results['firewall.enabled']?.status, results['firewall.enabled']?.message).toBe('pass');
    expect(results['firewall.enabled']?.message).toContain('/Library/LaunchDaemons/com.corp.pf.plist runs pfctl with -e or -E (enable) at boot');
    expect(results['firewall.enabled']?.message).toContain('the application firewall is on (/Library/Preferences/com.apple.alf.plist globalstate = 1), but it filters inbound connections only');
    expect(results['firewall.egress-default-deny']?.status).toBe('pass');
    expect(results['firewall.dns-egress']?.status).toBe('pass');
    // Without the launch daemon nothing enables pf: the application firewall is said to be inbound only, and the finding points at its plist.
    const off = await scanImage(image({ ...files, 'Library/LaunchDaemons/com.corp.pf.plist': '<plist/>' }), {}, 'darwin');
    expect(off['firewall.enabled']?.status).toBe('fail');
    expect(off['firewall.enabled']?.findings.map((finding) => [finding.location?.path, finding.message])).toEqual([
      ['/etc/pf.conf', expect.stringContaining('pf (/etc/pf.conf) is not shown to be active (pf is not enabled automatically on macOS')],
      ['/Library/Preferences/com.apple.alf.plist', expect.stringContaining('The application firewall is on')],
    ]);
  });

  it('Windows: the registry hives of an image are not read: skipped, never a guess', async () => {
    const results = await scanImage(image({ 'Windows/System32/config/SYSTEM': '' }), {}, 'win32');
    for (const check of FIREWALL) expect(results[check.meta.id]?.status, check.meta.id).toBe('skipped');
    expect(results['firewall.egress-default-deny']?.message).toContain('registry hives');
  });
});

describe('the egress parameter in a baseline', () => {
  function baselineFile(text: string): string {
    const file = path.join(makeTempDir('fw-baseline'), 'corp.yaml');
    writeFileSync(file, text);
    return file;
  }

  it('sets the allowlist and keeps the default probes; every firewall check gets it', () => {
    const baseline = loadBaseline(baselineFile('id: corp\nextends: recommended\nparams:\n  egress:\n    allow: ["10.20.30.40:3128", "[2001:db8::1]:443", api.anthropic.com:443]\n'), BUILTIN_CHECKS);
    const planned = planChecks(BUILTIN_CHECKS, baseline).filter((item) => item.check.meta.area === 'firewall' && 'egress' in item.check.params);
    expect(planned.length).toBe(3);
    for (const item of planned) {
      const egress = item.params.egress as { allow: string[]; probes: string[] };
      expect(egress.allow).toEqual(['10.20.30.40:3128', '[2001:db8::1]:443', 'api.anthropic.com:443']);
      expect(egress.probes).toContain('1.1.1.1:443/tcp');
    }
  });

  it.each([
    ['"1.2.3.4\\"; flush ruleset"', 'params.egress.allow[0]'],
    ['"*.anthropic.com:443"', 'wildcard'],
    ['"10.0.0.0/8:99999"', 'outside 1..65535'],
    ['"$(touch x)"', 'only letters, digits'],
  ])('refuses allow entry %s with the key path', (entry, reason) => {
    const file = baselineFile(`id: corp\nextends: recommended\nparams:\n  egress:\n    allow: [${entry}]\n`);
    expect(() => loadBaseline(file, BUILTIN_CHECKS)).toThrow(reason);
  });

  it('refuses a probe that is a host name, and unknown fields', () => {
    expect(() => loadBaseline(baselineFile('id: corp\nextends: recommended\nparams:\n  egress:\n    probes: [example.com:443]\n'), BUILTIN_CHECKS)).toThrow(/egress\.probes\[0\].*must be an IP address/);
    expect(() => loadBaseline(baselineFile('id: corp\nextends: recommended\nparams:\n  egress:\n    deny: []\n'), BUILTIN_CHECKS)).toThrow(/unknown parameter "deny"/);
  });
});

describe('scan, remediate, rescan: an image whose firewall lets everything out', () => {
  it('the generated script adds the egress table; the rescan passes; the rollback restores the image', () => {
    const root = image({ ...PASSWD, 'etc/nftables.conf': WEAK_CONF, 'lib/systemd/system/nftables.service': '[Unit]\n', 'etc/hostname': 'golden\n' }, NFT_ENABLED);
    const out = makeTempDir('fw-loop-out');
    const baseline = path.join(out, 'corp.yaml');
    writeFileSync(baseline, 'id: corp\nextends: recommended\nparams:\n  agentUser: claude\n  allowedResolvers: [10.20.0.53]\n  egress:\n    allow: ["10.20.30.40:3128"]\n');
    const before = treeState(root);
    const status = (json: string) => Object.fromEntries((JSON.parse(json) as { results: { checkId: string; status: string }[] }).results.map((result) => [result.checkId, result.status]));

    const scan = runCli(['scan', '--root', root, '--baseline', baseline, '--only', 'firewall', '--format', 'json', '--output', out]);
    expect(scan.code, scan.stderr).toBe(1);
    expect(status(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8'))).toEqual({ 'firewall.enabled': 'pass', 'firewall.egress-default-deny': 'fail', 'firewall.egress-allowlist': 'fail', 'firewall.dns-egress': 'fail' });
    const applied = spawnSync('bash', [path.join(out, 'remediate.sh'), '--root', root, '--apply', '--rollback', path.join(out, 'rollback.sh')], { cwd: out, encoding: 'utf8' });
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain('done: 2 change(s) made, 0 refused');
    const table = readFileSync(path.join(root, 'etc/nftables.d/cowork-audit-egress.nft'), 'utf8');
    expect(table).toContain('elements = { 10.20.0.53 }');
    expect(table).toContain('ip daddr @allow4_tcp_3128 tcp dport 3128 accept');

    const rescan = runCli(['scan', '--root', root, '--baseline', baseline, '--only', 'firewall', '--format', 'json', '--output', '-']);
    expect(rescan.code, rescan.stdout.slice(0, 2000)).toBe(0);
    expect(status(rescan.stdout)).toEqual({ 'firewall.enabled': 'pass', 'firewall.egress-default-deny': 'pass', 'firewall.egress-allowlist': 'pass', 'firewall.dns-egress': 'pass' });
    expect(rescan.stdout).toContain('1 allowlisted destination check(s) allowed');

    const back = spawnSync('bash', [path.join(out, 'rollback.sh')], { cwd: out, encoding: 'utf8' });
    expect(back.status).toBe(0);
    expect(treeState(root)).toEqual(before);
  });
});
