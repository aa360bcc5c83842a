// The firewall-egress action: the generated nftables ruleset (nft -c -f accepts it), pf anchor and Windows
// Firewall steps; the bash script run for real on a temporary image (dry run, apply, idempotent, rollback,
// confined to --root, hostile values refused); `remediate --shell nft`.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RemediationAction } from '../src/engine/remediation.js';
import { DEFAULT_PROBES, parseEgressEntry, parseProbe, probeDestination, sampleDestinations } from '../src/firewall/destinations.js';
import { egressAction, egressPolicy, NFT_EGRESS_FILE, type EgressPolicy } from '../src/firewall/egress-policy.js';
import { defaultVerdict, evaluateEgress } from '../src/firewall/evaluate.js';
import type { Destination, EgressRuleset } from '../src/firewall/model.js';
import { parseNftConfig } from '../src/parsers/nft-config.js';
import { pfRuleset } from '../src/parsers/pf-conf.js';
import { pfConfLines } from '../src/remediate/pf-anchor.js';
import { writeBashScript } from '../src/remediate/bash-writer.js';
import { nftEgressRuleset } from '../src/remediate/nft-ruleset.js';
import { pfEgressAnchor } from '../src/remediate/pf-anchor.js';
import { writePowerShellScript } from '../src/remediate/powershell-writer.js';
import { windowsAllowRules } from '../src/remediate/windows-firewall.ps.js';
import type { AuditReport } from '../src/report/report-model.js';
import { runCli } from './support/cli.js';
import { filesNamed, makeTempDir, removeTempDirs, treeState } from './support/host-trees.js';
import { reportWithActions } from './support/sample-reports.js';
import { reportSchemaErrors } from './support/report-schema.js';

afterAll(() => removeTempDirs());

const ALLOW = ['10.20.30.0/24:443', '203.0.113.7:443', '[2001:db8:10::1]:443', '198.51.100.0/24:8443/udp', '198.18.0.0/28', 'api.anthropic.com:443'];
const RESOLVERS = ['10.20.0.53', 'fd10:20::53'];

function policyOf(allow: string[], resolvers: string[], platform: 'linux' | 'darwin' | 'win32' = 'linux'): EgressPolicy {
  const policy = egressPolicy(platform, allow, resolvers);
  if (Array.isArray(policy)) throw new Error(policy.join('; '));
  return policy;
}

function reportOf(target: AuditReport['target'], actions: RemediationAction[], checkId = 'firewall.egress-default-deny'): AuditReport {
  return reportWithActions(target, actions, { id: checkId, area: 'firewall', severity: 'high' });
}

function nftCheck(text: string): { status: number | null; out: string } {
  const file = path.join(makeTempDir('nft-check'), 'ruleset.nft');
  writeFileSync(file, text);
  const result = spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' });
  expect(result.error, 'nft must be installed (.ci/run installs it)').toBeUndefined();
  return { status: result.status, out: result.stdout + result.stderr };
}

function shellcheck(file: string): string {
  const check = spawnSync('shellcheck', ['--severity=style', file], { encoding: 'utf8' });
  expect(check.error, 'shellcheck must be installed').toBeUndefined();
  return check.stdout + check.stderr;
}

describe('nftables ruleset', () => {
  const text = nftEgressRuleset(policyOf(ALLOW, RESOLVERS));

  it('is accepted by nft -c -f, with and without resolvers and allowlist', () => {
    expect(nftCheck(text)).toEqual({ status: 0, out: '' });
    expect(nftCheck(nftEgressRuleset(policyOf([], [])))).toEqual({ status: 0, out: '' });
    expect(nftCheck(nftEgressRuleset(policyOf(['2001:db8::/32'], ['10.0.0.0/8'])))).toEqual({ status: 0, out: '' });
  });

  it('is its own inet table with an output chain of policy drop, loopback, replies, DNS to the resolvers, the allowlist sets', () => {
    expect(text).toContain('table inet cowork_audit_egress {');
    expect(text).toContain('type filter hook output priority filter; policy drop;');
    expect(text).toContain('oif "lo" accept');
    expect(text).toContain('ct state established,related accept');
    expect(text).toMatch(/set dns4 \{[^}]*elements = \{ 10\.20\.0\.53 \}/);
    expect(text).toMatch(/set dns6 \{[^}]*elements = \{ fd10:20::53 \}/);
    expect(text).toContain('ip daddr @dns4 udp dport 53 accept');
    expect(text).toContain('ip6 daddr @dns6 tcp dport { 53, 853 } accept');
    expect(text).toMatch(/set allow4_tcp_443 \{[^}]*elements = \{ 10\.20\.30\.0\/24, 203\.0\.113\.7 \}/);
    expect(text).toContain('ip daddr @allow4_tcp_443 tcp dport 443 accept');
    expect(text).toContain('ip6 daddr @allow6_tcp_443 tcp dport 443 accept');
    expect(text).toContain('ip daddr @allow4_udp_8443 udp dport 8443 accept');
    expect(text).toContain('ip daddr @allow4 accept');
    // A host name is not written into a rule (nft would resolve it once, at load).
    expect(text).not.toMatch(/^\s*[^#\s].*anthropic/m);
    expect(text).toMatch(/# api\.anthropic\.com:443: a host name/);
  });

  it('without resolvers, DNS may go to private ranges only', () => {
    const open = nftEgressRuleset(policyOf([], []));
    expect(open).toMatch(/set dns4 \{[^}]*elements = \{ 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10, 169\.254\.0\.0\/16 \}/);
    expect(open).not.toContain('8.8.8.8');
  });

  it('refuses a file name that could break out of a comment', () => {
    expect(() => nftEgressRuleset(policyOf([], []), '/etc/x.nft\nflush ruleset')).toThrow(/not a plain absolute path/);
  });
});

/** The nft language read by the project's own parser, from an in-memory file tree. */
async function parsed(files: Record<string, string>, main: string): Promise<EgressRuleset> {
  return parseNftConfig({ read: async (file) => files[file], list: async () => undefined }, main);
}

describe('the generated ruleset, read back by the project\'s parser and evaluator', () => {
  const policy = policyOf(ALLOW, RESOLVERS);
  const text = nftEgressRuleset(policy);
  const verdict = (ruleset: EgressRuleset, destination: Destination) => evaluateEgress(ruleset, destination).verdict;

  it('parses without errors or unmodelled constructs that matter', async () => {
    const ruleset = await parsed({ [NFT_EGRESS_FILE]: text }, NFT_EGRESS_FILE);
    expect(ruleset.errors).toEqual([]);
    expect(ruleset.chains.map((chain) => [chain.id, chain.hook, chain.policy])).toEqual([['inet cowork_audit_egress output', 'output', 'drop']]);
  });

  it('allows every allowlisted address, denies every default probe and the default for IPv4 and IPv6', async () => {
    const ruleset = await parsed({ [NFT_EGRESS_FILE]: text }, NFT_EGRESS_FILE);
    for (const entry of ALLOW) {
      const parsedEntry = parseEgressEntry(entry);
      if (typeof parsedEntry === 'string') throw new Error(parsedEntry);
      for (const destination of sampleDestinations(parsedEntry)) expect(verdict(ruleset, destination), `${entry} ${JSON.stringify(destination)}`).toBe('allow');
    }
    for (const probe of DEFAULT_PROBES) {
      const destination = probeDestination(parseProbe(probe.entry) as never);
      const decision = evaluateEgress(ruleset, destination);
      expect(decision.verdict, `${probe.entry}: ${decision.reason}`).toBe('deny');
    }
    expect(defaultVerdict(ruleset, 'ipv4').verdict).toBe('deny');
    expect(defaultVerdict(ruleset, 'ipv6').verdict).toBe('deny');
    // A port or protocol the allowlist does not name stays closed.
    expect(verdict(ruleset, { address: '203.0.113.7', family: 'ipv4', protocol: 'tcp', port: 22 })).toBe('deny');
    expect(verdict(ruleset, { address: '198.51.100.9', family: 'ipv4', protocol: 'tcp', port: 8443 })).toBe('deny');
    expect(verdict(ruleset, { address: '198.51.100.9', family: 'ipv4', protocol: 'udp', port: 8443 })).toBe('allow');
  });

  it('DNS goes to the resolvers only (53/udp, 53/tcp, 853/tcp), IPv4 and IPv6', async () => {
    const ruleset = await parsed({ [NFT_EGRESS_FILE]: text }, NFT_EGRESS_FILE);
    for (const [address, family] of [['10.20.0.53', 'ipv4'], ['fd10:20::53', 'ipv6']] as const) {
      expect(verdict(ruleset, { address, family, protocol: 'udp', port: 53 })).toBe('allow');
      expect(verdict(ruleset, { address, family, protocol: 'tcp', port: 853 })).toBe('allow');
      expect(verdict(ruleset, { address, family, protocol: 'tcp', port: 443 })).toBe('deny');
    }
    for (const [address, family] of [['8.8.8.8', 'ipv4'], ['192.168.1.1', 'ipv4'], ['2606:4700:4700::1111', 'ipv6']] as const) {
      for (const [protocol, port] of [['udp', 53], ['tcp', 53], ['tcp', 853]] as const) expect(verdict(ruleset, { address, family, protocol, port }), `${address} ${protocol}/${port}`).toBe('deny');
    }
    // Without resolvers: private ranges yes, public no.
    const open = await parsed({ [NFT_EGRESS_FILE]: nftEgressRuleset(policyOf([], [])) }, NFT_EGRESS_FILE);
    expect(verdict(open, { address: '192.168.178.1', family: 'ipv4', protocol: 'udp', port: 53 })).toBe('allow');
    expect(verdict(open, { address: '9.9.9.9', family: 'ipv4', protocol: 'udp', port: 53 })).toBe('deny');
  });

  it('stacked on a weak main configuration that includes it, the egress table still decides', async () => {
    const main = '#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\t\tudp dport 53 accept\n\t}\n}\n';
    const ruleset = await parsed({ '/etc/nftables.conf': `${main}include "${NFT_EGRESS_FILE}"\n`, [NFT_EGRESS_FILE]: text }, '/etc/nftables.conf');
    expect(ruleset.errors).toEqual([]);
    expect(verdict(ruleset, { address: '8.8.8.8', family: 'ipv4', protocol: 'udp', port: 53 })).toBe('deny');
    expect(verdict(ruleset, { address: '203.0.113.7', family: 'ipv4', protocol: 'tcp', port: 443 })).toBe('allow');
    expect(defaultVerdict(ruleset, 'ipv6').verdict).toBe('deny');
  });
});

describe('pf anchor and Windows Firewall rules', () => {
  it('pf: quick pass rules for DNS and the allowlist, then block return out quick', () => {
    const anchor = pfEgressAnchor(policyOf(ALLOW, RESOLVERS, 'darwin'));
    expect(anchor).toContain('table <cowork_dns> const { 10.20.0.53, fd10:20::53 }');
    expect(anchor).toContain('pass out quick proto udp to <cowork_dns> port 53');
    expect(anchor).toContain('pass out quick proto tcp to <cowork_dns> port { 53, 853 }');
    expect(anchor).toContain('table <cowork_allow4_tcp_443> const { 10.20.30.0/24, 203.0.113.7 }');
    expect(anchor).toContain('pass out quick inet proto tcp to <cowork_allow4_tcp_443> port 443');
    expect(anchor.trimEnd().split('\n').pop()).toBe('block return out quick all');
  });

  it('pf: loaded from Apple\'s pf.conf, the project\'s pf reader and evaluator allow the allowlist and deny the probes', () => {
    const anchor = pfEgressAnchor(policyOf(ALLOW, RESOLVERS, 'darwin'));
    const conf = ['scrub-anchor "com.apple/*"', 'nat-anchor "com.apple/*"', 'rdr-anchor "com.apple/*"', 'dummynet-anchor "com.apple/*"', 'anchor "com.apple/*"', 'load anchor "com.apple" from "/etc/pf.anchors/com.apple"', ...pfConfLines(), ''].join('\n');
    const files = new Map<string, string>([['/etc/pf.anchors/com.apple', 'anchor "200.AirDrop/*"\nanchor "250.ApplicationFirewall/*"\n'], ['/etc/pf.anchors/cowork-audit.egress', anchor]]);
    const ruleset = pfRuleset({ main: { path: '/etc/pf.conf', text: conf }, files }, { active: true });
    expect(ruleset.errors).toEqual([]);
    for (const entry of ALLOW) {
      const parsedEntry = parseEgressEntry(entry);
      if (typeof parsedEntry === 'string' || !parsedEntry.cidr) continue;
      for (const destination of sampleDestinations(parsedEntry)) expect(evaluateEgress(ruleset, destination).verdict, `${entry}: ${evaluateEgress(ruleset, destination).reason}`).toBe('allow');
    }
    for (const probe of DEFAULT_PROBES) {
      const decision = evaluateEgress(ruleset, probeDestination(parseProbe(probe.entry) as never));
      expect(decision.verdict, `${probe.entry}: ${decision.reason}`).toBe('deny');
    }
    expect(evaluateEgress(ruleset, { address: '10.20.0.53', family: 'ipv4', protocol: 'udp', port: 53 }).verdict).toBe('allow');
    expect(defaultVerdict(ruleset, 'ipv4').verdict).toBe('deny');
    expect(defaultVerdict(ruleset, 'ipv6').verdict).toBe('deny');
  });

  it('Windows: DNS rules per protocol and port, allowlist rules with IPv4 and IPv6 together', () => {
    const rules = windowsAllowRules(policyOf(ALLOW, RESOLVERS, 'win32'));
    expect(rules.map((rule) => [rule.name, rule.protocol, rule.port, rule.addresses.join(',')])).toEqual([
      ['cowork-audit-egress-dns-udp-53', 'UDP', '53', '10.20.0.53,fd10:20::53'],
      ['cowork-audit-egress-dns-tcp-53', 'TCP', '53', '10.20.0.53,fd10:20::53'],
      ['cowork-audit-egress-dns-tcp-853', 'TCP', '853', '10.20.0.53,fd10:20::53'],
      ['cowork-audit-egress-any', 'Any', '', '198.18.0.0/28'],
      ['cowork-audit-egress-tcp-443', 'TCP', '443', '10.20.30.0/24,203.0.113.7,2001:db8:10::1'],
      ['cowork-audit-egress-udp-8443', 'UDP', '8443', '198.51.100.0/24'],
    ]);
  });

  it('PowerShell: allow rules first, then outbound Block; values verbatim-quoted; a hostile report is refused, not rendered', () => {
    const script = writePowerShellScript(reportOf({ kind: 'live', platform: 'win32', hostname: 'pc' }, [egressAction('win32', ALLOW, RESOLVERS)]));
    expect(script).toContain("Set-EgressAllowRule 'cowork-audit-egress-dns-udp-53' 'cowork-audit egress' 'UDP' '53' '10.20.0.53,fd10:20::53' 'DNS to the corporate resolvers'");
    expect(script.indexOf("Set-EgressAllowRule 'cowork-audit-egress-tcp-443'")).toBeLessThan(script.lastIndexOf('Set-DefaultOutboundBlock'));
    expect(script).toMatch(/^Set-DefaultOutboundBlock$/m);
    expect(script).toContain('function Set-DefaultOutboundBlock');
    expect(script).toContain('Set-NetFirewallProfile -Name $name -Enabled True -DefaultOutboundAction Block');
    expect(script).toContain("Write-Manual 'firewall.egress-default-deny' 'api.anthropic.com:443 is a host name");
    const hostile = writePowerShellScript(reportOf({ kind: 'live', platform: 'win32', hostname: 'pc' }, [{ kind: 'firewall-egress', platform: 'win32', allow: ["1.2.3.4'; Stop-Computer; '"], resolvers: [] }]));
    expect(hostile).not.toMatch(/^Set-EgressAllowRule/m);
    expect(hostile).toMatch(/^Write-Refusal 'firewall\.egress-default-deny: the egress policy in the report cannot be written: allow entry "1\.2\.3\.4''; Stop-Computer; ''"/m);
    // Linux and macOS actions are for remediate.sh.
    const linux = writePowerShellScript(reportOf({ kind: 'live', platform: 'linux', hostname: 'pc' }, [egressAction('linux', [], [])]));
    expect(linux).toContain(`Write-Manual 'firewall.egress-default-deny' 'write the default-deny egress nftables table ${NFT_EGRESS_FILE} (use remediate.sh)'`);
  });

  it('the action validates against the report schema', () => {
    const report = reportOf({ kind: 'live', platform: 'linux', hostname: 'pc' }, [egressAction('linux', ALLOW, RESOLVERS), egressAction('darwin', [], []), egressAction('win32', [], RESOLVERS)]);
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
    const broken = reportOf({ kind: 'live', platform: 'linux', hostname: 'pc' }, [{ kind: 'firewall-egress', platform: 'linux' } as never]);
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(broken))).join('\n')).toMatch(/allow|resolvers/);
  });
});

describe('bash: firewall-egress on an image', () => {
  const work = makeTempDir('fw-remediate');
  const root = path.join(work, 'image');
  const outside = path.join(work, 'outside');
  mkdirSync(path.join(root, 'etc/systemd/system/sysinit.target.wants'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  const conf = '#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\t}\n}';
  writeFileSync(path.join(root, 'etc/nftables.conf'), conf);
  chmodSync(path.join(root, 'etc/nftables.conf'), 0o755);
  symlinkSync('/lib/systemd/system/nftables.service', path.join(root, 'etc/systemd/system/sysinit.target.wants/nftables.service'));
  const actions: RemediationAction[] = [
    egressAction('linux', ALLOW, RESOLVERS),
    // Hostile values: refused, never written.
    { kind: 'firewall-egress', platform: 'linux', path: '/etc/nftables.d/x.nft', includeFrom: '/etc/nftables.conf', allow: ['1.2.3.4\n}\nflush ruleset'], resolvers: [] },
    { kind: 'firewall-egress', platform: 'linux', path: "/etc/nftables.d/$(touch PWNED).nft", includeFrom: '/etc/nftables.conf', allow: [], resolvers: [] },
    { kind: 'firewall-egress', platform: 'linux', path: '/etc/../tmp/x.nft', includeFrom: '/etc/nftables.conf', allow: [], resolvers: [] },
  ];
  const reportFile = path.join(work, 'report.json');
  writeFileSync(reportFile, JSON.stringify(reportOf({ kind: 'root', platform: 'linux', path: root }, actions)));
  const script = path.join(work, 'remediate.sh');
  const bash = (args: string[]) => spawnSync('bash', [script, '--root', root, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  let before: ReturnType<typeof treeState>;

  it('writes a shellcheck-clean script that passes the ruleset single-quoted to nft_egress', () => {
    const generated = runCli(['remediate', reportFile]);
    expect(generated.code, generated.stderr).toBe(0);
    writeFileSync(script, generated.stdout);
    expect(shellcheck(script)).toBe('');
    expect(generated.stdout).toMatch(/^nft_egress 'firewall\.egress-default-deny' '\/etc\/nftables\.d\/cowork-audit-egress\.nft' '\/etc\/nftables\.conf' '#!\/usr\/sbin\/nft -f\n/m);
    expect(generated.stdout).toMatch(/^refuse 'firewall\.egress-default-deny: the egress policy in the report cannot be written: allow entry "1\.2\.3\.4\\n}\\nflush ruleset"/m);
    expect(generated.stdout).toMatch(/^refuse 'firewall\.egress-default-deny: the egress policy names a file that is not a plain absolute path: "\/etc\/nftables\.d\/\$\(touch PWNED\)\.nft"/m);
    expect(generated.stdout).toMatch(/^refuse .*"\/etc\/\.\.\/tmp\/x\.nft"/m);
    before = treeState(root);
  });

  it('a dry run checks the ruleset with nft -c -f and changes nothing', () => {
    const dry = bash([]);
    expect(dry.stdout).toContain('nft -c -f: the ruleset for /etc/nftables.d/cowork-audit-egress.nft is valid');
    expect(dry.stdout).toContain('create /etc/nftables.d/cowork-audit-egress.nft (644) in a new folder');
    expect(dry.stdout).toContain('append to /etc/nftables.conf: include "/etc/nftables.d/cowork-audit-egress.nft"');
    expect(dry.stdout).toContain('ok: nftables.service is enabled at boot in the image');
    expect(dry.stdout).not.toContain('MANUAL');
    expect(dry.stdout).toContain('dry run: 2 change(s) would be made, 3 refused');
    expect(dry.status).toBe(3);
    expect(treeState(root)).toEqual(before);
    expect(filesNamed('PWNED', root, work, outside, process.cwd())).toEqual([]);
  });

  it('--apply writes the table and the include; the result loads with nft -c -f; a second run changes nothing', () => {
    const applied = bash(['--apply', '--rollback', path.join(work, 'rollback.sh')]);
    expect(applied.stdout).toContain('done: 2 change(s) made, 3 refused');
    const file = readFileSync(path.join(root, 'etc/nftables.d/cowork-audit-egress.nft'), 'utf8');
    expect(file).toBe(nftEgressRuleset(policyOf(ALLOW, RESOLVERS)));
    expect(readFileSync(path.join(root, 'etc/nftables.conf'), 'utf8')).toBe(`${conf}\ninclude "/etc/nftables.d/cowork-audit-egress.nft"\n`);
    // The main configuration with its include, paths moved into the image, is one valid ruleset.
    const combined = readFileSync(path.join(root, 'etc/nftables.conf'), 'utf8').replace('include "/etc/', `include "${root}/etc/`);
    expect(nftCheck(combined)).toEqual({ status: 0, out: '' });
    const again = bash(['--apply', '--rollback', path.join(work, 'rollback-2.sh')]);
    expect(again.stdout).toContain('ok: /etc/nftables.d/cowork-audit-egress.nft already has the wanted content and mode 644');
    expect(again.stdout).toContain('ok: /etc/nftables.conf already has: include "/etc/nftables.d/cowork-audit-egress.nft"');
    expect(again.stdout).toContain('done: 0 change(s) made, 3 refused');
    expect(filesNamed('PWNED', root, work, outside, process.cwd())).toEqual([]);
  });

  it('the rollback restores the image', () => {
    const back = spawnSync('bash', [path.join(work, 'rollback.sh')], { cwd: work, encoding: 'utf8' });
    expect(back.stderr).toBe('');
    expect(back.status).toBe(0);
    expect(treeState(root)).toEqual(before);
  });

  it('refuses to write through a link out of the image, and creates a missing main configuration', () => {
    const image = path.join(makeTempDir('fw-remediate-link'), 'image');
    const away = makeTempDir('fw-remediate-away');
    mkdirSync(path.join(image, 'etc'), { recursive: true });
    symlinkSync(away, path.join(image, 'etc/nftables.d'));
    const report = path.join(path.dirname(image), 'report.json');
    writeFileSync(report, JSON.stringify(reportOf({ kind: 'root', platform: 'linux', path: image }, [egressAction('linux', [], [])])));
    const file = path.join(path.dirname(image), 'remediate.sh');
    writeFileSync(file, writeBashScript(JSON.parse(readFileSync(report, 'utf8')) as AuditReport));
    const run = spawnSync('bash', [file, '--root', image, '--apply', '--rollback', path.join(path.dirname(image), 'rb.sh')], { encoding: 'utf8' });
    expect(run.stderr).toContain('REFUSED: /etc/nftables.d is a symbolic link inside the image');
    expect(run.status).toBe(3);
    expect(filesNamed('cowork', away)).toEqual([]);

    const fresh = path.join(makeTempDir('fw-remediate-fresh'), 'image');
    mkdirSync(path.join(fresh, 'etc'), { recursive: true });
    const run2 = spawnSync('bash', [file, '--root', fresh, '--apply', '--rollback', path.join(path.dirname(fresh), 'rb.sh')], { encoding: 'utf8' });
    expect(run2.status, run2.stderr).toBe(0);
    expect(readFileSync(path.join(fresh, 'etc/nftables.conf'), 'utf8')).toBe('#!/usr/sbin/nft -f\ninclude "/etc/nftables.d/cowork-audit-egress.nft"\n');
    expect(run2.stdout).toMatch(/MANUAL \(firewall\.egress-default-deny\): enable the nftables service at boot in the image/);
  });
});

describe('bash: firewall-egress on a macOS image', () => {
  it('writes the pf anchor and prints the pf.conf lines and pfctl steps for a person', () => {
    const root = path.join(makeTempDir('fw-pf'), 'image');
    mkdirSync(path.join(root, 'etc/pf.anchors'), { recursive: true });
    writeFileSync(path.join(root, 'etc/pf.conf'), 'scrub-anchor "com.apple/*"\nanchor "com.apple/*"\nload anchor "com.apple" from "/etc/pf.anchors/com.apple"\n');
    const script = path.join(path.dirname(root), 'remediate.sh');
    writeFileSync(script, writeBashScript(reportOf({ kind: 'root', platform: 'darwin', path: root }, [egressAction('darwin', ALLOW, RESOLVERS)])));
    expect(shellcheck(script)).toBe('');
    const run = spawnSync('bash', [script, '--root', root, '--apply', '--rollback', path.join(path.dirname(root), 'rb.sh')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(path.join(root, 'etc/pf.anchors/cowork-audit.egress'), 'utf8')).toBe(pfEgressAnchor(policyOf(ALLOW, RESOLVERS, 'darwin')));
    expect(run.stdout).toContain('MANUAL (firewall.egress-default-deny): add these lines to /etc/pf.conf, after the com.apple anchors: anchor "cowork-audit.egress" ; load anchor "cowork-audit.egress" from "/etc/pf.anchors/cowork-audit.egress"');
    expect(run.stdout).toContain('pfctl -vnf /etc/pf.conf && pfctl -f /etc/pf.conf && pfctl -E');
    // pf.conf itself is left to a person (macOS updates rewrite it).
    expect(readFileSync(path.join(root, 'etc/pf.conf'), 'utf8')).not.toContain('cowork-audit');
    writeFileSync(path.join(root, 'etc/pf.conf'), `${readFileSync(path.join(root, 'etc/pf.conf'), 'utf8')}${pfConfLines().join('\n')}\n`);
    const again = spawnSync('bash', [script, '--root', root], { encoding: 'utf8' });
    expect(again.stdout).toContain('ok: /etc/pf.conf already loads the anchor');
    expect(again.stdout).toContain('dry run: 0 change(s) would be made, 0 refused');
  });
});

describe('remediate --shell nft', () => {
  it('prints the ruleset of the report, and says so when there is none', () => {
    const dir = makeTempDir('fw-shell-nft');
    const file = path.join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(reportOf({ kind: 'live', platform: 'linux', hostname: 'h' }, [egressAction('linux', ALLOW, RESOLVERS)])));
    const run = runCli(['remediate', file, '--shell', 'nft']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(nftEgressRuleset(policyOf(ALLOW, RESOLVERS)));
    expect(nftCheck(run.stdout).status).toBe(0);
    const pf = runCli(['remediate', file, '--shell', 'pf']);
    expect(pf.code).toBe(2);
    expect(pf.stderr).toContain('no failing firewall check carries an egress policy for darwin');
    const none = path.join(dir, 'none.json');
    writeFileSync(none, JSON.stringify(reportOf({ kind: 'live', platform: 'linux', hostname: 'h' }, [{ kind: 'manual', text: 'x' }])));
    expect(runCli(['remediate', none, '--shell', 'nft']).code).toBe(2);
  });
});
