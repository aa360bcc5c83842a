// The firewall backend collectors of stream B (iptables, ufw, firewalld, pf, Windows Firewall) on an
// offline image (RootHost on a temporary folder: files only, active from the boot configuration) and on
// recorded endpoints (ReplayHost: pfctl, iptables-save, ufw status, firewall-cmd and the PowerShell query).
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectFirewalld } from '../src/collectors/firewall/firewalld.js';
import { collectIptables } from '../src/collectors/firewall/iptables.js';
import { collectPf } from '../src/collectors/firewall/pf.js';
import { collectUfw } from '../src/collectors/firewall/ufw.js';
import { collectWindowsFirewall, WINDOWS_FIREWALL_COMMAND_LINE } from '../src/collectors/firewall/windows.js';
import { evaluateEgress } from '../src/firewall/evaluate.js';
import type { Destination, EgressRuleset } from '../src/firewall/model.js';
import type { Account, Platform } from '../src/host/host.js';
import { ReplayHost, type ReplayCommand, type ReplayEntry } from '../src/host/replay-host.js';
import { RootHost } from '../src/host/root-host.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const corpus = (kind: string, name: string) => readFileSync(path.join(CORPUS, kind, name), 'utf8');
const v4 = (address: string, port: number, protocol: 'tcp' | 'udp' = 'tcp', extra: Partial<Destination> = {}): Destination => ({ address, family: 'ipv4', port, protocol, ...extra });

afterAll(() => removeTempDirs());

function image(files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = makeTempDir('firewall-image');
  writeFileAt(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nclaude:x:1001:1001::/home/claude:/bin/bash\n');
  for (const [file, content] of Object.entries(files)) writeFileAt(path.join(root, file), content);
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
    symlinkSync(target, path.join(root, link));
  }
  return root;
}

const USERS: Account[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root' },
  { name: 'claude', uid: 1001, gid: 1001, home: '/home/claude' },
];

function replay(platform: Platform, files: Record<string, string | ReplayEntry>, commands: Record<string, ReplayCommand>): ReplayHost {
  const entries: Record<string, ReplayEntry> = {};
  for (const [file, content] of Object.entries(files)) entries[file] = typeof content === 'string' ? { content } : content;
  return new ReplayHost({ platform, users: USERS, files: entries, commands });
}

const labels = (rulesets: EgressRuleset[]) => rulesets.map((ruleset) => [ruleset.label, ruleset.active]);

describe('collectIptables', () => {
  it('an image: rules.v4 restored by an enabled netfilter-persistent, with --uid-owner names from /etc/passwd', async () => {
    const rules = `${corpus('iptables', 'duderandom21-vpn-killswitch-output-drop.rules.v4')}*raw\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m owner --uid-owner claude -j CT --notrack\nCOMMIT\n`;
    const root = image(
      { 'etc/iptables/rules.v4': rules, 'lib/systemd/system/netfilter-persistent.service': '[Unit]\n' },
      { 'etc/systemd/system/multi-user.target.wants/netfilter-persistent.service': '/lib/systemd/system/netfilter-persistent.service' },
    );
    const rulesets = await collectIptables(new RootHost(root, 'root', 'linux'));
    expect(labels(rulesets)).toEqual([['iptables IPv4 rules (/etc/iptables/rules.v4)', true]]);
    const [ruleset] = rulesets as [EgressRuleset];
    expect(ruleset.activeEvidence).toMatch(/netfilter-persistent\.service is enabled \(\/etc\/systemd\/system\/multi-user\.target\.wants/);
    const notrack = ruleset.chains.find((chain) => chain.id === 'raw/OUTPUT')?.rules[0];
    expect(notrack?.match.uid).toEqual({ values: [[1001, 1001]] });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/iptables/rules.v4', line: 34 } });
  });

  it('an image: a rules file whose service is installed but not enabled is inactive; no evidence gives []', async () => {
    const root = image({ 'etc/sysconfig/iptables': corpus('iptables', 'sivertpl-anon-box-nat-counters.rules.v4'), 'usr/lib/systemd/system/iptables.service': '[Unit]\n' });
    const rulesets = await collectIptables(new RootHost(root, 'root', 'linux'));
    expect(labels(rulesets)).toEqual([['iptables IPv4 rules (/etc/sysconfig/iptables)', false]]);
    expect(rulesets[0]?.activeEvidence).toMatch(/installed but not enabled/);
    expect(await collectIptables(new RootHost(image({}), 'root', 'linux'))).toEqual([]);
  });

  it('a recorded endpoint: iptables-save is the loaded IPv4 ruleset; ip6tables-save failing falls back to rules.v6', async () => {
    const host = replay('linux', { '/etc/iptables/rules.v6': corpus('iptables', 'hcl-debian-firewall-ip6tables-save.rules.v6') }, {
      'iptables-save': { stdout: corpus('iptables', 'stueja-openvpn-tor-output-drop.rules') },
      'ip6tables-save': { exitCode: 1, stderr: 'ip6tables-save v1.8.7 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n' },
    });
    const rulesets = await collectIptables(host);
    expect(labels(rulesets)).toEqual([
      ['iptables IPv4 rules (iptables-save)', true],
      ['ip6tables IPv6 rules (/etc/iptables/rules.v6)', undefined],
    ]);
    expect(rulesets[1]?.activeEvidence).toMatch(/^ip6tables-save gave no rules \(exit 1: ip6tables-save v1\.8\.7/);
    expect(evaluateEgress(rulesets[0] as EgressRuleset, v4('93.184.216.34', 443, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'allow', decidedBy: { path: 'iptables-save', line: 24 } });
  });

  it('loaded tables that filter nothing are not an active firewall', async () => {
    const host = replay('linux', {}, { 'iptables-save': { stdout: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' }, 'ip6tables-save': { stdout: '' } });
    const rulesets = await collectIptables(host);
    expect(labels(rulesets)).toEqual([['iptables IPv4 rules (iptables-save)', false]]);
    expect(rulesets[0]?.activeEvidence).toMatch(/only empty chains/);
  });
});

describe('collectUfw', () => {
  const ufwFiles = {
    'etc/ufw/ufw.conf': corpus('ufw', 'mzotyo-ufw.conf'),
    'etc/default/ufw': corpus('ufw', 'mzotyo-default-ufw-output-drop'),
    'etc/ufw/before.rules': corpus('ufw', 'noraworld-before.rules'),
    'etc/ufw/user.rules': corpus('ufw', 'mzotyo-user.rules-outgoing-allows'),
    'etc/ufw/user6.rules': corpus('ufw', 'mzotyo-user6.rules'),
  };

  it('an image: ENABLED=yes, both families, the DROP default and the user rules', async () => {
    const rulesets = await collectUfw(new RootHost(image(ufwFiles), 'root', 'linux'));
    expect(labels(rulesets).map(([, active]) => active)).toEqual([true, true]);
    expect(rulesets[0]?.activeEvidence).toBe('ENABLED=yes in /etc/ufw/ufw.conf:6');
    const [ipv4, ipv6] = rulesets as [EgressRuleset, EgressRuleset];
    expect(evaluateEgress(ipv4, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/ufw/user.rules', line: 28 } });
    expect(evaluateEgress(ipv4, v4('93.184.216.34', 8443))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/default/ufw', line: 15 } });
    expect(evaluateEgress(ipv6, { address: '2001:db8::1', family: 'ipv6', protocol: 'tcp', port: 443 })).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/ufw/user6.rules', line: 28 } });
  });

  it('an image whose ufw.service is installed but not enabled: inactive despite ENABLED=yes', async () => {
    const rulesets = await collectUfw(new RootHost(image({ ...ufwFiles, 'lib/systemd/system/ufw.service': '[Unit]\n' }), 'root', 'linux'));
    expect(rulesets.map((ruleset) => ruleset.active)).toEqual([false, false]);
    expect(rulesets[0]?.activeEvidence).toMatch(/ENABLED=yes in \/etc\/ufw\/ufw\.conf:6, but \/lib\/systemd\/system\/ufw\.service is installed but not enabled/);
  });

  it('a recorded endpoint: `ufw status verbose` decides active; unreadable rules make their chain unknown', async () => {
    const host = replay('linux', { '/etc/ufw/ufw.conf': corpus('ufw', 'mzotyo-ufw.conf'), '/etc/default/ufw': corpus('ufw', 'mzotyo-default-ufw-output-drop') }, { 'ufw status verbose': { stdout: corpus('ufw', 'fusioninventory-ufw-status-inactive.txt') } });
    const rulesets = await collectUfw(host);
    expect(rulesets.map((ruleset) => [ruleset.active, ruleset.activeEvidence])).toEqual([
      [false, 'ufw status verbose: Status: inactive'],
      [false, 'ufw status verbose: Status: inactive'],
    ]);
    // No user.rules at all: ufw-init loads none, and the DROP default decides.
    expect(evaluateEgress(rulesets[0] as EgressRuleset, v4('93.184.216.34', 443)).verdict).toBe('deny');

    const unreadable = replay('linux', { '/etc/ufw/ufw.conf': corpus('ufw', 'mzotyo-ufw.conf'), '/etc/ufw/user.rules': { error: 'EACCES' } }, {});
    const [ipv4] = await collectUfw(unreadable);
    const decision = evaluateEgress(ipv4 as EgressRuleset, v4('93.184.216.34', 443));
    expect(decision.verdict).toBe('unknown');
    expect(decision.construct).toMatch(/\/etc\/ufw\/user\.rules, which could not be read/);
  });

  it('no ufw on the target: []', async () => {
    expect(await collectUfw(new RootHost(image({}), 'root', 'linux'))).toEqual([]);
  });
});

describe('collectFirewalld', () => {
  const files = {
    'etc/firewalld/firewalld.conf': 'DefaultZone=public\nFirewallBackend=nftables\n',
    'usr/lib/firewalld/services/https.xml': '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <port protocol="tcp" port="443"/>\n</service>\n',
    'usr/lib/firewalld/zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n',
    'etc/firewalld/policies/egress.xml': '<?xml version="1.0" encoding="utf-8"?>\n<policy target="REJECT" priority="-50">\n  <ingress-zone name="HOST"/>\n  <egress-zone name="ANY"/>\n  <service name="https"/>\n</policy>\n',
    'usr/lib/systemd/system/firewalld.service': '[Unit]\n',
  };

  it('an image: enabled firewalld.service, a HOST policy with target REJECT', async () => {
    const root = image(files, { 'etc/systemd/system/multi-user.target.wants/firewalld.service': '/usr/lib/systemd/system/firewalld.service' });
    const [ruleset, ...rest] = await collectFirewalld(new RootHost(root, 'root', 'linux'));
    expect(rest).toEqual([]);
    expect(ruleset).toMatchObject({ backend: 'firewalld', label: 'firewalld (nftables backend, default zone public)', active: true });
    expect(evaluateEgress(ruleset as EgressRuleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/firewalld/policies/egress.xml', line: 5 } });
    expect(evaluateEgress(ruleset as EgressRuleset, v4('93.184.216.34', 8443))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/firewalld/policies/egress.xml', line: 2 } });
  });

  it('a recorded endpoint: firewall-cmd --state says not running', async () => {
    const entries = Object.fromEntries(Object.entries(files).map(([file, content]) => [`/${file}`, content]));
    const [ruleset] = await collectFirewalld(replay('linux', entries, { 'firewall-cmd --state': { stdout: 'not running\n', exitCode: 252 } }));
    expect(ruleset).toMatchObject({ active: false, activeEvidence: 'firewall-cmd --state: not running' });
    expect(await collectFirewalld(new RootHost(image({}), 'root', 'linux'))).toEqual([]);
  });
});

describe('collectPf', () => {
  const pfConf = `${corpus('pf', 'dotfm-macos-baseline.pf.conf')}anchor "cowork"\nload anchor "cowork" from "/etc/pf.anchors/cowork"\n`;
  const coworkAnchor = 'table <api> const { 160.79.104.0/23 }\npass out quick proto tcp to <api> port 443\n';

  it('a macOS image: /etc/pf.conf and its anchors; a launch daemon running pfctl -E makes it active', async () => {
    const plist = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>ProgramArguments</key><array><string>/sbin/pfctl</string><string>-E</string><string>-f</string><string>/etc/pf.conf</string></array></dict></plist>\n';
    const root = image({ 'etc/pf.conf': pfConf, 'etc/pf.anchors/com.apple': 'anchor "200.AirDrop/*"\n', 'etc/pf.anchors/cowork': coworkAnchor, 'Library/LaunchDaemons/org.example.pf.plist': plist });
    const [ruleset] = await collectPf(new RootHost(root, 'root', 'darwin'));
    expect(ruleset).toMatchObject({ label: 'pf (/etc/pf.conf)', active: true, activeEvidence: '/Library/LaunchDaemons/org.example.pf.plist runs pfctl with -e or -E (enable) at boot' });
    expect(ruleset?.sources).toEqual(['/etc/pf.conf', '/etc/pf.anchors/com.apple', '/etc/pf.anchors/cowork']);
    expect(evaluateEgress(ruleset as EgressRuleset, v4('160.79.104.7', 443))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/pf.anchors/cowork', line: 2 } });
    expect(evaluateEgress(ruleset as EgressRuleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/pf.conf', line: 37 } });
  });

  it('a macOS image without an enabling launch daemon: active unknown; a Linux image: []', async () => {
    const [ruleset] = await collectPf(new RootHost(image({ 'etc/pf.conf': pfConf }), 'root', 'darwin'));
    expect(ruleset?.active).toBeUndefined();
    expect(ruleset?.activeEvidence).toMatch(/not enabled automatically/);
    // The cowork anchor file is missing: its rules are unknown, never an allow.
    expect(evaluateEgress(ruleset as EgressRuleset, v4('160.79.104.7', 443)).verdict).toBe('unknown');
    expect(await collectPf(new RootHost(image({ 'etc/pf.conf': pfConf }), 'root', 'linux'))).toEqual([]);
  });

  it('a recorded Mac: pfctl -s info, -s rules, anchors listed with -a, and tables with -T show', async () => {
    const host = replay('darwin', { '/etc/pf.conf': pfConf }, {
      'pfctl -s info': { stdout: 'Status: Enabled for 0 days 01:02:03           Debug: Urgent\n' },
      'pfctl -s rules': { stdout: 'scrub-anchor "com.apple/*" all fragment reassemble\nanchor "com.apple/*" all\nanchor "cowork" all\nblock drop all\n', stderr: 'No ALTQ support in kernel\n' },
      'pfctl -a com.apple -s Anchors': { stdout: '  com.apple/200.AirDrop\n' },
      'pfctl -a com.apple/200.AirDrop -s rules': { stdout: '' },
      'pfctl -a cowork -s rules': { stdout: 'pass out quick proto tcp from any to <api> port = 443 flags S/SA keep state\n' },
      'pfctl -t api -T show': { stdout: '   160.79.104.0/23\n' },
    });
    const [ruleset] = await collectPf(host);
    expect(ruleset).toMatchObject({ label: 'pf (pfctl -s rules)', active: true, activeEvidence: 'pfctl -s info: Status: Enabled for 0 days 01:02:03           Debug: Urgent' });
    expect(evaluateEgress(ruleset as EgressRuleset, v4('160.79.105.1', 443))).toMatchObject({ verdict: 'allow', decidedBy: { path: 'pfctl -a cowork -s rules', line: 1 } });
    expect(evaluateEgress(ruleset as EgressRuleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'deny', decidedBy: { path: 'pfctl -s rules', line: 4 } });
  });

  it('a recorded Mac where pfctl needs root: falls back to /etc/pf.conf, active unknown', async () => {
    const host = replay('darwin', { '/etc/pf.conf': 'block out all\npass out proto udp to any port 53\n' }, {
      'pfctl -s info': { exitCode: 1, stderr: 'pfctl: /dev/pf: Permission denied\n' },
      'pfctl -s rules': { exitCode: 1, stderr: 'pfctl: /dev/pf: Permission denied\n' },
    });
    const [ruleset] = await collectPf(host);
    expect(ruleset).toMatchObject({ label: 'pf (/etc/pf.conf)', active: undefined });
    expect(ruleset?.activeEvidence).toMatch(/^pfctl -s info gave no status \(exit 1: pfctl: \/dev\/pf: Permission denied\)/);
    expect(evaluateEgress(ruleset as EgressRuleset, v4('9.9.9.9', 53, 'udp'))).toMatchObject({ verdict: 'allow', decidedBy: { line: 2 } });
  });
});

describe('collectWindowsFirewall', () => {
  const json = JSON.stringify({
    Profiles: ['Domain', 'Private', 'Public'].map((Name) => ({ Name, Enabled: 'True', DefaultInboundAction: 'Block', DefaultOutboundAction: Name === 'Public' ? 'Block' : 'NotConfigured' })),
    Rules: [{ Name: 'api', DisplayName: 'Agent API', Action: 'Allow', Profile: 'Public', Protocol: 'TCP', RemoteAddress: ['160.79.104.0/23'], RemotePort: ['443'], LocalAddress: ['Any'], LocalPort: ['Any'], Program: 'Any', Package: '', Service: 'Any', InterfaceType: 'Any', LocalUser: 'Any' }],
  });

  it('a recorded Windows endpoint: one ruleset per profile from the PowerShell query', async () => {
    const rulesets = await collectWindowsFirewall(replay('win32', {}, { [WINDOWS_FIREWALL_COMMAND_LINE]: { stdout: json } }));
    expect(labels(rulesets)).toEqual([
      ['Windows Firewall, Domain profile', true],
      ['Windows Firewall, Private profile', true],
      ['Windows Firewall, Public profile', true],
    ]);
    const publicProfile = rulesets[2] as EgressRuleset;
    expect(evaluateEgress(publicProfile, v4('160.79.104.9', 443))).toMatchObject({ verdict: 'allow', decidedBy: { text: 'rule "Agent API" (api)' } });
    expect(evaluateEgress(publicProfile, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'deny', decidedBy: { text: 'DefaultOutboundAction Block' } });
    expect(evaluateEgress(rulesets[0] as EgressRuleset, v4('93.184.216.34', 443)).verdict).toBe('allow');
  });

  it('falls back to netsh advfirewall, whose output lists no rules; an image or another platform gives []', async () => {
    const netsh = 'Domain Profile Settings:\r\n-------------------\r\nState                                 ON\r\nFirewall Policy                       BlockInbound,AllowOutbound\r\n';
    const rulesets = await collectWindowsFirewall(replay('win32', {}, { 'netsh advfirewall show allprofiles': { stdout: netsh } }));
    expect(labels(rulesets)).toEqual([['Windows Firewall, Domain profile', true]]);
    expect(rulesets[0]?.activeEvidence).toMatch(/the PowerShell firewall query could not be run/);
    expect(evaluateEgress(rulesets[0] as EgressRuleset, v4('93.184.216.34', 443)).verdict).toBe('unknown');
    expect(await collectWindowsFirewall(replay('win32', {}, {}))).toEqual([]);
    expect(await collectWindowsFirewall(replay('linux', {}, { [WINDOWS_FIREWALL_COMMAND_LINE]: { stdout: json } }))).toEqual([]);
  });

  it('falls back to the registry: Group Policy DefaultOutboundAction over the local key', async () => {
    const key = (name: string) => `powershell.exe -NoProfile -NonInteractive -Command Get-ItemProperty -LiteralPath 'Registry::HKEY_LOCAL_MACHINE\\${name}' -ErrorAction SilentlyContinue | Select-Object -Property * -ExcludeProperty PS* | ConvertTo-Json -Compress`;
    const rulesets = await collectWindowsFirewall(
      replay('win32', {}, {
        [key('SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile')]: { stdout: '{"DefaultOutboundAction":1}' },
        [key('SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\PublicProfile')]: { stdout: '{"EnableFirewall":1,"DefaultOutboundAction":0}' },
      }),
    );
    expect(labels(rulesets)).toEqual([['Windows Firewall, Public profile', true]]);
    expect(rulesets[0]?.chains[0]).toMatchObject({ policy: 'drop', policySource: { path: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile' } });
  });
});
