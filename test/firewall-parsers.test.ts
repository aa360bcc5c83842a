// The iptables, ufw, pf and Windows Firewall parsers on every real file of their kind in
// ../shared/corpus (iptables/, ufw/, pf/, windows/): none throws, every rule keeps its file and line, and
// a few files are held to facts read off them by hand. Then the real evaluator (src/firewall/evaluate.ts)
// runs destinations through corpus rulesets: the verdicts and the lines that decide them are checked too.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateEgress } from '../src/firewall/evaluate.js';
import type { Chain, Destination, EgressRuleset, IpFamily, Rule } from '../src/firewall/model.js';
import { firewalldRuleset, parseFirewalldConf, parseXml, readXmlFile, type XmlFile } from '../src/parsers/firewalld.js';
import { iptablesRuleset, parseIptablesSave, tokenizeIptablesLine } from '../src/parsers/iptables-save.js';
import { parsePfctlInfo, pfReferencedFiles, pfRuleset } from '../src/parsers/pf-conf.js';
import { parseUfwConf, parseUfwDefaults, parseUfwStatus, ufwRuleset, type UfwRulesFile } from '../src/parsers/ufw.js';
import {
  decodeRegExport,
  parseFirewallPolicyReg,
  parseFirewallRuleValue,
  parseNetFirewallProfileList,
  parseNetshAllProfiles,
  parseWindowsFirewallJson,
  windowsFirewallRulesets,
} from '../src/parsers/windows-firewall.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const files = (kind: string) => readdirSync(path.join(CORPUS, kind)).sort();
const read = (kind: string, name: string) => readFileSync(path.join(CORPUS, kind, name), 'utf8');

const chain = (ruleset: EgressRuleset, id: string): Chain => {
  const found = ruleset.chains.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no chain ${id} in ${ruleset.chains.map((item) => item.id).join(', ')}`);
  return found;
};
const ruleAt = (ruleset: EgressRuleset, line: number, chainId?: string): Rule => {
  const rules = (chainId ? [chain(ruleset, chainId)] : ruleset.chains).flatMap((item) => item.rules);
  const found = rules.find((rule) => rule.source.line === line);
  if (!found) throw new Error(`no rule at line ${line}`);
  return found;
};
const v4 = (address: string, port: number, protocol: 'tcp' | 'udp' = 'tcp', extra: Partial<Destination> = {}): Destination => ({ address, family: 'ipv4', port, protocol, ...extra });
const v6 = (address: string, port: number, protocol: 'tcp' | 'udp' = 'tcp', extra: Partial<Destination> = {}): Destination => ({ address, family: 'ipv6', port, protocol, ...extra });

/** Every rule names where it came from; rules read from a file carry its line. */
function expectSourced(ruleset: EgressRuleset, file: string): void {
  for (const item of ruleset.chains) {
    for (const rule of item.rules) {
      expect(rule.source.path, `${item.id} rule ${JSON.stringify(rule.source)}`).toBeTruthy();
      if (rule.source.path === file) expect(rule.source.line, `${item.id} ${rule.source.text}`).toBeGreaterThan(0);
    }
  }
}

function familyOf(name: string): IpFamily {
  return name.endsWith('.v6') ? 'ipv6' : 'ipv4';
}

function iptables(name: string, family: IpFamily = familyOf(name), resolveUser?: (user: string) => number | undefined): EgressRuleset {
  const save = parseIptablesSave(read('iptables', name), { path: name, family, ...(resolveUser ? { resolveUser } : {}) });
  return iptablesRuleset(save, { backend: 'iptables', label: name, active: true });
}

describe('iptables corpus', () => {
  const names = files('iptables');

  it('has 14 files; each parses for both families without throwing, every rule sourced, and the evaluator answers', () => {
    expect(names).toHaveLength(14);
    for (const name of names) {
      for (const family of ['ipv4', 'ipv6'] as const) {
        const ruleset = iptables(name, family);
        expect(ruleset.chains.length, name).toBeGreaterThan(0);
        expectSourced(ruleset, name);
        const decision = evaluateEgress(ruleset, family === 'ipv4' ? v4('93.184.216.34', 443) : v6('2606:2800:220:1::1', 443));
        expect(['allow', 'deny', 'unknown']).toContain(decision.verdict);
      }
    }
  });

  it('duderandom21 VPN kill switch: OUTPUT drop, the VPN endpoints allowed, a public 443 denied unless it leaves through tun0', () => {
    const ruleset = iptables('duderandom21-vpn-killswitch-output-drop.rules.v4');
    const output = chain(ruleset, 'filter/OUTPUT');
    expect(output).toMatchObject({ hook: 'output', priority: 0, policy: 'drop' });
    expect(ruleset.errors).toEqual([]);
    // The user chain LOGGING (declared `:LOGGING - DROP`) is jumped to at line 31 and drops at line 34.
    expect(ruleAt(ruleset, 31, 'filter/OUTPUT').action).toEqual({ kind: 'jump', chain: 'filter/LOGGING' });

    const vpn = evaluateEgress(ruleset, v4('209.222.18.222', 443, 'tcp', { oif: 'eth0' }));
    expect(vpn.verdict).toBe('allow');
    expect(vpn.decidedBy?.line).toBe(24);
    const openvpn = evaluateEgress(ruleset, v4('198.51.100.9', 1198, 'udp', { oif: 'eth0' }));
    expect(openvpn).toMatchObject({ verdict: 'allow', decidedBy: { line: 27 } });

    const web = evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'eth0' }));
    expect(web.verdict).toBe('deny');
    expect(web.decidedBy?.line).toBe(34);
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'tun0' }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 28 } });
    // Without an output interface, `-o tun0 -j ACCEPT` decides: the verdict depends on the route.
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443)).verdict).toBe('unknown');
  });

  it('duderandom21: `-m mark --mark 0x1` follows the mangle OUTPUT MARK rules (tcp 22 and 32400 are marked)', () => {
    const ruleset = iptables('duderandom21-vpn-killswitch-output-drop.rules.v4');
    const jump = ruleAt(ruleset, 29, 'filter/OUTPUT');
    expect(jump.action.kind).toBe('jump');
    const markChain = chain(ruleset, (jump.action as { chain: string }).chain);
    expect(markChain.rules.map((rule) => rule.source.line)).toEqual([50, 49, 48]);
    const ssh = evaluateEgress(ruleset, v4('93.184.216.34', 22, 'tcp', { oif: 'eth0' }));
    expect(ssh).toMatchObject({ verdict: 'allow', decidedBy: { line: 49 } });
    const plex = evaluateEgress(ruleset, v4('93.184.216.34', 32400, 'tcp', { oif: 'eth0' }));
    expect(plex).toMatchObject({ verdict: 'allow', decidedBy: { line: 50 } });
  });

  it('archtorify: the uid-owner rules at lines 21-29, multiport at line 22, and TCP out of lo accepted at line 30', () => {
    const ruleset = iptables('archtorify-tor-output-drop-owner.rules');
    const rule21 = ruleAt(ruleset, 21, 'filter/OUTPUT');
    expect(rule21.match).toMatchObject({ daddr: { values: ['127.0.0.1'] }, oif: { values: ['lo'] }, protocol: { values: ['tcp'] }, dport: { values: [[9050, 9050]] }, uid: { values: [[1000, 1000]] } });
    expect(rule21.action).toEqual({ kind: 'accept' });
    expect(ruleAt(ruleset, 22, 'filter/OUTPUT').match.dport?.values).toEqual([[9050, 9050], [9062, 9062], [9150, 9150]]);
    expect(ruleAt(ruleset, 29, 'filter/OUTPUT').match.dport?.values).toEqual([[17600, 17650]]);
    expect(chain(ruleset, 'filter/OUTPUT').policy).toBe('drop');
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 30 } });
    // Tor's SOCKS port on loopback for uid 1000 (line 21); the nat OUTPUT REDIRECT of 127.192.0.0/10 is unknown.
    expect(evaluateEgress(ruleset, v4('127.0.0.1', 9050, 'tcp', { uid: 1000 }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 21 } });
    const redirected = evaluateEgress(ruleset, v4('127.192.0.5', 80, 'tcp', { uid: 1000 }));
    expect(redirected.verdict).toBe('unknown');
    expect(redirected.construct).toMatch(/REDIRECT/);
    // UDP DNS off loopback: line 31; other UDP to the LAN jumps to `lan`, which rejects 137 (line 39).
    expect(evaluateEgress(ruleset, v4('9.9.9.9', 53, 'udp', { oif: 'eth0' }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 31 } });
    expect(evaluateEgress(ruleset, v4('192.168.1.20', 137, 'udp', { oif: 'eth0' }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 39 } });
  });

  it('ustclug: OUTPUT jumps uid 1000 to the user chain user-filt; host names in -d are unknown constructs', () => {
    const ruleset = iptables('ustclug-liimstrap-owner-userchain.rules.v4');
    const jump = ruleAt(ruleset, 9, 'filter/OUTPUT');
    expect(jump.match.uid).toEqual({ values: [[1000, 1000]] });
    expect(jump.action).toEqual({ kind: 'jump', chain: 'filter/user-filt' });
    expect(ruleAt(ruleset, 10, 'filter/user-filt').match.daddr?.values).toEqual(['202.38.64.17', '202.38.64.7']);
    expect(ruleAt(ruleset, 12, 'filter/user-filt').match.unknown?.[0]).toMatch(/^-d opac\.lib\.ustc\.edu\.cn/);
    expect(ruleset.unsupported.some((item) => item.source.line === 26 && /lug\.ustc\.edu\.cn/.test(item.construct))).toBe(true);
    // uid 1000 to a listed address returns to OUTPUT and is accepted by its ACCEPT policy.
    expect(evaluateEgress(ruleset, v4('202.38.64.1', 443, 'tcp', { uid: 1000 })).verdict).toBe('allow');
    // To any other address the host names decide (the address may be one of them): unknown, not allow.
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { uid: 1000 })).verdict).toBe('unknown');
    // Another user never enters user-filt.
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { uid: 0 })).verdict).toBe('allow');
  });

  it('fishilico: `-4`/`-6` rules apply to their family only; --sport 32768:61000 covers the ephemeral range; SMTP rejected', () => {
    const ipv4 = iptables('fishilico-desktop-output-drop-commented.rules', 'ipv4');
    const ipv6 = iptables('fishilico-desktop-output-drop-commented.rules', 'ipv6');
    const lines = (ruleset: EgressRuleset) => chain(ruleset, 'filter/OUTPUT').rules.map((rule) => rule.source.line);
    expect(lines(ipv4)).toContain(131);
    expect(lines(ipv4)).not.toContain(132);
    expect(lines(ipv6)).toContain(132);
    expect(lines(ipv6)).toContain(13);
    expect(lines(ipv4)).not.toContain(13);
    // `-m rt --rt-type 0` (line 13) and `--tcp-flags RST RST` (line 135) cannot match a new connection.
    expect(ruleAt(ipv6, 13, 'filter/OUTPUT').match.impossible).toMatch(/routing|extension header/);
    expect(ruleAt(ipv4, 135, 'filter/OUTPUT').match.impossible).toMatch(/SYN/);
    expect(evaluateEgress(ipv4, v4('93.184.216.34', 25, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 142 } });
    expect(evaluateEgress(ipv4, v4('93.184.216.34', 443, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 144 } });
    expect(evaluateEgress(ipv6, v6('2606:2800:220:1::1', 443, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 144 } });
  });

  it('oracle cloud: lines cut short by a pager are errors and unknown actions, never a guessed verdict', () => {
    const ruleset = iptables('oracle-cloud-owner-match-truncated.rules.v4');
    expect(ruleset.errors.map((error) => error.source.line)).toEqual([22, 23, 25, 26, 30, 31]);
    expect(ruleAt(ruleset, 25, 'filter/InstanceServices').action.kind).toBe('unknown');
    expect(ruleAt(ruleset, 32, 'filter/InstanceServices').action).toEqual({ kind: 'accept' });
    expect(evaluateEgress(ruleset, v4('169.254.169.254', 53, 'udp')).verdict).toBe('unknown');
    expect(evaluateEgress(ruleset, v4('169.254.169.254', 123, 'udp'))).toMatchObject({ verdict: 'allow', decidedBy: { line: 32 } });
  });

  it('stueja: the nat OUTPUT REDIRECT of DNS makes DNS unknown; web traffic through eth0 accepted at line 24', () => {
    const ruleset = iptables('stueja-openvpn-tor-output-drop.rules');
    expect(chain(ruleset, 'nat/OUTPUT')).toMatchObject({ hook: 'output', priority: -100 });
    expect(evaluateEgress(ruleset, v4('9.9.9.9', 53, 'udp', { oif: 'eth0' })).verdict).toBe('unknown');
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'eth0' }))).toMatchObject({ verdict: 'allow', decidedBy: { line: 24 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'wlan0' }))).toMatchObject({ verdict: 'deny', decidedBy: { chain: 'filter/OUTPUT' } });
  });

  it('idigitalflame: --gid-owner is unknown, --uid-owner names resolve through the target accounts', () => {
    const ruleset = iptables('idigitalflame-spaceport-output-drop-owner.rules', 'ipv4', (name) => (name === 'kvm' ? 78 : undefined));
    expect(ruleAt(ruleset, 64, 'filter/OUTPUT').match.unknown?.[0]).toMatch(/--gid-owner firewall-all/);
    expect(ruleAt(ruleset, 65, 'filter/OUTPUT').match.uid).toEqual({ values: [[78, 78]] });
    const unresolved = iptables('idigitalflame-spaceport-output-drop-owner.rules', 'ipv4');
    expect(ruleAt(unresolved, 65, 'filter/OUTPUT').match.unknown?.[0]).toMatch(/--uid-owner kvm/);
    expect(ruleAt(ruleset, 56, 'filter/BASE').match.addrType).toEqual({ values: ['anycast'] });
  });

  it('tokenizes quoted comments with spaces and escaped quotes', () => {
    const { tokens } = tokenizeIptablesLine('-A X -m comment --comment "a \\"b\\" c" -j ACCEPT');
    expect(tokens.map((token) => token.text)).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'a "b" c', '-j', 'ACCEPT']);
  });
});

describe('ufw corpus', () => {
  const names = files('ufw');
  type UfwKind = 'status' | 'conf' | 'defaults' | 'rules';
  const kindOf = (name: string): UfwKind => {
    if (/status/.test(name)) return 'status';
    if (/ufw\.conf$/.test(name)) return 'conf';
    if (/default-ufw/.test(name)) return 'defaults';
    if (/\.rules/.test(name)) return 'rules';
    throw new Error(`unclassified corpus file ufw/${name}`);
  };

  it('has 10 files; each is read by the parser of its kind without throwing', () => {
    expect(names).toHaveLength(10);
    for (const name of names) {
      const text = read('ufw', name);
      switch (kindOf(name)) {
        case 'status':
          expect(parseUfwStatus(text).active, name).toBeDefined();
          break;
        case 'conf':
          expect(parseUfwConf(text, name).enabled?.value).toBe(true);
          break;
        case 'defaults':
          expect(parseUfwDefaults(text, name).problems).toEqual([]);
          break;
        case 'rules': {
          const family: IpFamily = /user6/.test(name) ? 'ipv6' : 'ipv4';
          const kind: UfwRulesFile['kind'] = /before/.test(name) ? 'before' : 'user';
          const ruleset = ufwRuleset({ family, files: [{ kind, path: name, text }], active: true, activeEvidence: 'test' });
          expectSourced(ruleset, name);
          expect(['allow', 'deny', 'unknown']).toContain(evaluateEgress(ruleset, family === 'ipv4' ? v4('93.184.216.34', 443) : v6('2001:db8::1', 443)).verdict);
          break;
        }
      }
    }
  });

  it('mzotyo: DEFAULT_OUTPUT_POLICY="DROP" (line 15) with outgoing allows in user.rules wired the way ufw-init loads them', () => {
    const defaults = parseUfwDefaults(read('ufw', 'mzotyo-default-ufw-output-drop'), '/etc/default/ufw');
    expect(defaults).toMatchObject({ outputPolicy: 'DROP', outputPolicyLine: 15, ipv6: true, ipv6Line: 7 });
    const ruleset = ufwRuleset({
      family: 'ipv4',
      conf: parseUfwConf(read('ufw', 'mzotyo-ufw.conf'), '/etc/ufw/ufw.conf'),
      defaults,
      files: [
        { kind: 'before', path: '/etc/ufw/before.rules', text: read('ufw', 'noraworld-before.rules') },
        { kind: 'user', path: '/etc/ufw/user.rules', text: read('ufw', 'mzotyo-user.rules-outgoing-allows') },
      ],
      active: true,
      activeEvidence: 'ENABLED=yes',
    });
    const output = chain(ruleset, 'filter/OUTPUT');
    expect(output.policy).toBe('drop');
    expect(output.policySource).toMatchObject({ path: '/etc/default/ufw', line: 15 });
    expect(output.rules.map((rule) => (rule.action as { chain?: string }).chain)).toEqual(['filter/ufw-before-logging-output', 'filter/ufw-before-output', 'filter/ufw-after-output', 'filter/ufw-after-logging-output', 'filter/ufw-reject-output', 'filter/ufw-track-output']);
    // before.rules' loopback and established rules, then ufw-init's jump to ufw-user-output at the end.
    const before = chain(ruleset, 'filter/ufw-before-output');
    expect(before.rules.map((rule) => rule.source.line)).toEqual([22, 26, undefined]);
    expect(before.rules[2]?.action).toEqual({ kind: 'jump', chain: 'filter/ufw-user-output' });
    expect(chain(ruleset, 'filter/ufw-track-output').rules).toEqual([]);
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/ufw/user.rules', line: 28 } });
    expect(evaluateEgress(ruleset, v4('9.9.9.9', 53, 'udp'))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/ufw/user.rules', line: 25 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 8443))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/default/ufw', line: 15 } });
  });

  it('an ACCEPT default adds the tracking rules; IPV6=no leaves IPv6 only on loopback', () => {
    const accept = ufwRuleset({ family: 'ipv4', defaults: parseUfwDefaults(read('ufw', 'noraworld-default-ufw-forward-accept'), '/etc/default/ufw'), files: [{ kind: 'user', path: '/etc/ufw/user.rules', text: read('ufw', 'wofwca-user.rules-lan-allow') }], active: true, activeEvidence: 'x' });
    expect(chain(accept, 'filter/OUTPUT').policy).toBe('accept');
    expect(chain(accept, 'filter/ufw-track-output').rules).toHaveLength(2);
    expect(evaluateEgress(accept, v4('93.184.216.34', 8443)).verdict).toBe('allow');

    const defaults = parseUfwDefaults(read('ufw', 'thwaller-default-ufw-fragment-ipv6-no'), '/etc/default/ufw');
    expect(defaults).toMatchObject({ ipv6: false, ipv6Line: 9, outputPolicy: 'ACCEPT' });
    const ipv6 = ufwRuleset({ family: 'ipv6', defaults, files: [], active: true, activeEvidence: 'x' });
    expect(chain(ipv6, 'filter/OUTPUT').policy).toBe('drop');
    expect(evaluateEgress(ipv6, v6('2001:db8::1', 443))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/default/ufw', line: 9 } });
    expect(evaluateEgress(ipv6, v6('::1', 443)).verdict).toBe('allow');
  });

  it('reads `ufw status` output: active with six rows (three v6), and inactive', () => {
    const active = parseUfwStatus(read('ufw', 'fusioninventory-ufw-status-active-v6.txt'));
    expect(active.active).toBe(true);
    expect(active.rules).toHaveLength(6);
    expect(active.rules[2]).toEqual({ to: '7765', action: 'ALLOW', from: 'Anywhere', line: 7 });
    expect(active.rules.filter((rule) => rule.to.endsWith('(v6)'))).toHaveLength(3);
    expect(parseUfwStatus(read('ufw', 'fusioninventory-ufw-status-inactive.txt'))).toEqual({ active: false, line: 1, rules: [] });
    expect(parseUfwStatus('Status: active\nLogging: on (low)\nDefault: deny (incoming), deny (outgoing), disabled (routed)\n').defaults).toEqual({ incoming: 'deny', outgoing: 'deny', routed: 'disabled', line: 3 });
  });
});

describe('pf corpus', () => {
  const names = files('pf');
  const pf = (name: string, fileMap: Record<string, string> = {}) => pfRuleset({ main: { path: '/etc/pf.conf', text: read('pf', name) }, files: new Map(Object.entries(fileMap)) }, { active: true });

  it('has 7 files; each parses without throwing, every rule sourced, and the evaluator answers', () => {
    expect(names).toHaveLength(7);
    for (const name of names) {
      const ruleset = pf(name);
      expect(ruleset.semantics).toBe('last-match');
      expectSourced(ruleset, '/etc/pf.conf');
      for (const destination of [v4('93.184.216.34', 443), v6('2001:db8::1', 53, 'udp')]) expect(['allow', 'deny', 'unknown']).toContain(evaluateEgress(ruleset, destination).verdict);
    }
  });

  it('blanc-cvc: tables expand into destinations; quick blocks decide; `block all` (line 19) is not quick', () => {
    const ruleset = pf('blanc-cvc-macos-egress-allowlist-tables.pf.conf');
    expect(ruleset.errors).toEqual([]);
    const doh = ruleAt(ruleset, 70);
    expect(doh.quick).toBe(true);
    expect(doh.match.daddr?.values).toContain('1.1.1.1');
    expect(doh.match.daddr?.values).toHaveLength(28);
    expect(ruleAt(ruleset, 35).match.daddr?.values).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    expect(ruleAt(ruleset, 19).quick).toBeUndefined();
    expect(evaluateEgress(ruleset, v4('1.1.1.1', 853, 'tcp', { oif: 'en0' }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 70 } });
    // `block quick flags /FSRPAUEW` checks flags on TCP only: every UDP packet is blocked at line 55.
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'udp', { oif: 'en0' }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 55 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'en0' }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 83 } });
  });

  it('alexhaydock: a table continued over four lines with backslashes, and `pass out quick` at line 59', () => {
    const ruleset = pf('alexhaydock-openbsd-ipv6-router-line-continuations.pf.conf');
    const martians = ruleAt(ruleset, 47);
    expect(martians.match.daddr?.values).toEqual(['0.0.0.0/8', '10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '224.0.0.0/3', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24']);
    expect(martians.action).toEqual({ kind: 'reject' });
    expect(ruleAt(ruleset, 48).match.daddr?.values).toContain('fe80::/10');
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'allow', decidedBy: { line: 59 } });
  });

  it('drduh: macros expand ($ntp_server, $ext), table files are read when given', () => {
    const ruleset = pf('drduh-openbsd-router-macros-tables.pf.conf', { '/etc/pf/blocklist': '# bad\n203.0.113.66\n198.51.100.0/24\n', '/etc/pf/martians': '10.0.0.0/8\n', '/etc/pf/private': '192.168.0.0/16\n' });
    expect(ruleAt(ruleset, 29).match).toMatchObject({ daddr: { values: ['192.168.1.1'] }, dport: { values: [[123, 123]] }, protocol: { values: ['udp'] } });
    expect(ruleAt(ruleset, 37).match.oif).toEqual({ values: ['em0'] });
    expect(ruleAt(ruleset, 23).match.daddr?.values).toEqual(['203.0.113.66', '198.51.100.0/24']);
    expect(evaluateEgress(ruleset, v4('203.0.113.66', 443, 'tcp', { oif: 'em0' }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 23 } });
    expect(pfReferencedFiles(read('pf', 'drduh-openbsd-router-macros-tables.pf.conf'))).toEqual(['/etc/pf/blocklist', '/etc/pf/martians', '/etc/pf/private']);
  });

  it('essandess: a macro continued with backslashes, `><` port ranges, and a source table that makes the verdict unknown', () => {
    const ruleset = pf('essandess-macos-fortress-block-all.pf.conf');
    expect(ruleAt(ruleset, 164).match.dport).toEqual({ values: [[33434, 33625]] });
    expect(ruleAt(ruleset, 198).match.dport?.values).toContainEqual([9030, 9030]);
    const decision = evaluateEgress(ruleset, v4('93.184.216.34', 443, 'tcp', { oif: 'en0' }));
    expect(decision.verdict).toBe('unknown');
    expect(decision.decidedBy?.line).toBe(119);
    // The blockips anchor's file is not in the image: its rules are unknown, with the file named.
    expect(ruleset.errors.some((error) => /blockips\.conf/.test(error.message))).toBe(true);
  });

  it('jasonbeitler: quick pass of DNS to the trusted resolvers, quick block of other DNS, then `pass out`', () => {
    const ruleset = pf('jasonbeitler-macos-pflockdown-anchor.conf');
    expect(evaluateEgress(ruleset, v4('9.9.9.9', 853, 'tcp'))).toMatchObject({ verdict: 'allow', decidedBy: { line: 25 } });
    expect(evaluateEgress(ruleset, v4('8.8.8.8', 53, 'udp'))).toMatchObject({ verdict: 'deny', decidedBy: { line: 27 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'allow', decidedBy: { line: 29 } });
    // `set skip on lo0`: loopback traffic is never filtered.
    expect(ruleAt(ruleset, 9)).toMatchObject({ quick: true, match: { oif: { values: ['lo'] } } });
  });

  it('dotfm (macOS baseline): `block all` with the com.apple anchor loaded from its file', () => {
    const apple = 'scrub-anchor "100.InternetSharing/*"\nanchor "100.InternetSharing/*"\nanchor "200.AirDrop/*"\nanchor "250.ApplicationFirewall/*"\n';
    const ruleset = pf('dotfm-macos-baseline.pf.conf', { '/etc/pf.anchors/com.apple': apple });
    expect(ruleset.sources).toContain('/etc/pf.anchors/com.apple');
    expect(ruleset.chains.map((item) => item.id)).toContain('pf anchor com.apple/200.AirDrop');
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'deny', decidedBy: { line: 37 } });
  });

  it('reads pfctl -s info', () => {
    expect(parsePfctlInfo('No ALTQ support in kernel\nStatus: Enabled for 0 days 00:12:33           Debug: Urgent\n')).toMatchObject({ enabled: true, line: 2 });
    expect(parsePfctlInfo('Status: Disabled                              Debug: Urgent\n').enabled).toBe(false);
    expect(parsePfctlInfo('pfctl: /dev/pf: Permission denied\n').enabled).toBeUndefined();
  });

  it('anchors: a loaded anchor file is evaluated in place, and a negated list entry expands as pfctl does', () => {
    const main = 'set skip on lo0\nblock out all\nanchor "egress"\nload anchor "egress" from "/etc/pf.anchors/egress"\n';
    const anchor = 'table <api> const { 160.79.104.0/23 }\npass out quick proto tcp to <api> port 443 user 501\npass out proto udp to { !10.0.0.1, 10.0.0.0/8 } port domain\n';
    const ruleset = pfRuleset({ main: { path: '/etc/pf.conf', text: main }, files: new Map([['/etc/pf.anchors/egress', anchor]]) }, { active: true });
    expect(ruleset.errors).toEqual([]);
    expect(evaluateEgress(ruleset, v4('160.79.104.10', 443, 'tcp', { uid: 501 }))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/pf.anchors/egress', line: 2 } });
    expect(evaluateEgress(ruleset, v4('160.79.104.10', 443, 'tcp', { uid: 502 }))).toMatchObject({ verdict: 'deny', decidedBy: { line: 2, path: '/etc/pf.conf' } });
    // `{ !10.0.0.1, 10.0.0.0/8 }` is two rules: "not 10.0.0.1" lets 9.9.9.9 through.
    expect(evaluateEgress(ruleset, v4('9.9.9.9', 53, 'udp'))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/pf.anchors/egress', line: 3 } });
    expect(ruleset.chains.find((item) => item.id === 'pf anchor egress')?.rules).toHaveLength(3);
  });
});

describe('windows corpus', () => {
  const names = files('windows');

  it('has 4 files; each is read by the parser of its kind without throwing', () => {
    expect(names).toHaveLength(4);
    for (const name of names) {
      const bytes = readFileSync(path.join(CORPUS, 'windows', name));
      const evidence = name.endsWith('.reg') ? parseFirewallPolicyReg(decodeRegExport(bytes), name) : /Get-NetFirewallProfile/.test(name) ? parseNetFirewallProfileList(bytes.toString('utf8'), name) : parseNetshAllProfiles(bytes.toString('utf8'), name);
      for (const ruleset of windowsFirewallRulesets(evidence, { source: name })) {
        expect(ruleset.semantics).toBe('block-wins');
        expect(['allow', 'deny', 'unknown']).toContain(evaluateEgress(ruleset, v4('93.184.216.34', 443)).verdict);
      }
    }
    // The winhttp proxy output is not an advfirewall output: read, with the reason it holds no profile.
    expect(parseNetshAllProfiles(read('windows', 'rapid7-netsh-winhttp-proxy-set-output.txt'), 'x').errors[0]?.message).toMatch(/Profile Settings/);
  });

  it('Get-NetFirewallProfile with every profile off: three inactive rulesets, outbound NotConfigured is the default Allow, rules unknown', () => {
    const evidence = parseNetFirewallProfileList(read('windows', 'zlgan-Get-NetFirewallProfile-all-disabled.txt'), 'Get-NetFirewallProfile');
    expect(evidence.profiles.map((profile) => [profile.name, profile.enabled, profile.defaultOutbound])).toEqual([
      ['Domain', 'False', 'NotConfigured'],
      ['Private', 'False', 'NotConfigured'],
      ['Public', 'False', 'NotConfigured'],
    ]);
    const rulesets = windowsFirewallRulesets(evidence, { source: 'Get-NetFirewallProfile' });
    expect(rulesets.map((ruleset) => ruleset.active)).toEqual([false, false, false]);
    expect(rulesets[2]?.chains[0]).toMatchObject({ policy: 'accept', policySource: { line: 42, text: 'DefaultOutboundAction NotConfigured (the Windows default: Allow)' } });
    expect(evaluateEgress(rulesets[0] as EgressRuleset, v4('93.184.216.34', 443)).verdict).toBe('unknown');
  });

  it('FirewallPolicy .reg exports: EnableFirewall per profile (StandardProfile is Private) and the active outbound rules', () => {
    const win10 = parseFirewallPolicyReg(decodeRegExport(readFileSync(path.join(CORPUS, 'windows', 'fusioninventory-FirewallPolicy-win10-utf16le.reg'))), 'win10.reg');
    expect(win10.profiles.map((profile) => [profile.name, profile.enabled, profile.source.line])).toEqual([
      ['Domain', 'True', 9],
      ['Public', 'True', 455],
      ['Private', 'True', 911],
    ]);
    expect(win10.rules).toHaveLength(97);
    const ajRouter = win10.rules?.find((rule) => rule.name === 'AllJoyn-Router-Out-TCP');
    expect(ajRouter).toMatchObject({ action: 'Allow', profiles: ['Domain', 'Private'], protocol: '6', service: 'AJRouter', source: { line: 54 } });
    const rulesets = windowsFirewallRulesets(win10, { source: 'win10.reg' });
    expect(rulesets.map((ruleset) => [ruleset.label, ruleset.active, ruleset.chains[0]?.policy])).toEqual([
      ['Windows Firewall, Domain profile', true, 'accept'],
      ['Windows Firewall, Public profile', true, 'accept'],
      ['Windows Firewall, Private profile', true, 'accept'],
    ]);
    const win7 = parseFirewallPolicyReg(decodeRegExport(readFileSync(path.join(CORPUS, 'windows', 'fusioninventory-FirewallPolicy-win7-utf16le.reg'))), 'win7.reg');
    expect(win7.profiles.map((profile) => profile.enabled)).toEqual(['False', 'False', 'False']);
  });

  it('the PowerShell JSON: DefaultOutboundAction Block, block wins over allow, scoped rules stay unknown or never match', () => {
    const json = JSON.stringify({
      Profiles: [
        { Name: 'Domain', Enabled: 'True', DefaultInboundAction: 'Block', DefaultOutboundAction: 'Block' },
        { Name: 'Private', Enabled: 'True', DefaultInboundAction: 'Block', DefaultOutboundAction: 'NotConfigured' },
        { Name: 'Public', Enabled: 'False', DefaultInboundAction: 'Block', DefaultOutboundAction: 'Block' },
      ],
      Rules: [
        { Name: 'allow-api', DisplayName: 'Claude API', Action: 'Allow', Profile: 'Any', Protocol: 'TCP', RemoteAddress: ['160.79.104.0/255.255.254.0'], RemotePort: ['443'], LocalAddress: ['Any'], LocalPort: ['Any'], Program: 'Any', Service: 'Any', InterfaceType: 'Any', LocalUser: 'Any' },
        { Name: 'block-doh', DisplayName: 'Block DoH', Action: 'Block', Profile: 'Domain, Private', Protocol: 'TCP', RemoteAddress: ['1.1.1.1', '8.8.8.8'], RemotePort: ['443', '853'], LocalPort: [null], LocalAddress: null, Program: 'Any' },
        { Name: 'allow-doh', Action: 'Allow', Profile: 'Domain', Protocol: 'TCP', RemoteAddress: '1.1.1.1', RemotePort: '443' },
        { Name: 'svc', Action: 'Block', Profile: 'Any', Protocol: 'Any', RemoteAddress: 'Any', Service: 'Dnscache' },
        { Name: 'browser', Action: 'Allow', Profile: 'Domain', Protocol: 'TCP', RemoteAddress: 'Any', RemotePort: ['80', '443'], Program: 'C:\\Program Files\\Browser\\browser.exe' },
      ],
    });
    const evidence = parseWindowsFirewallJson(json, 'ps');
    const [domain, privateProfile, publicProfile] = windowsFirewallRulesets(evidence, { source: 'ps' }) as [EgressRuleset, EgressRuleset, EgressRuleset];
    expect(domain.chains[0]?.policy).toBe('drop');
    expect(privateProfile.chains[0]?.policy).toBe('accept');
    expect(publicProfile.active).toBe(false);
    expect(evaluateEgress(domain, v4('160.79.105.7', 443))).toMatchObject({ verdict: 'allow', decidedBy: { text: 'rule "Claude API" (allow-api)' } });
    expect(evaluateEgress(domain, v4('1.1.1.1', 443))).toMatchObject({ verdict: 'deny', decidedBy: { text: 'rule "Block DoH" (block-doh)' } });
    // Only a program's allow rule could let 93.184.216.34:443 out: it depends on the program, so unknown.
    const web = evaluateEgress(domain, v4('93.184.216.34', 443));
    expect(web.verdict).toBe('unknown');
    expect(web.construct).toMatch(/program C:\\Program Files\\Browser\\browser\.exe/);
    expect(evaluateEgress(domain, v4('93.184.216.34', 8443))).toMatchObject({ verdict: 'deny', decidedBy: { text: 'DefaultOutboundAction Block' } });
    // The Dnscache service rule never applies to the agent's process.
    expect(domain.chains[0]?.rules.find((rule) => rule.source.text?.includes('(svc)'))?.match.impossible).toMatch(/Dnscache/);
  });

  it('a FirewallRules value: a v2 rule string to a rule, inbound and inactive rules left out', () => {
    const rule = parseFirewallRuleValue('x', 'v2.26|Action=Block|Active=TRUE|Dir=Out|Protocol=17|Profile=Public|RPort=53|RA4=9.9.9.9|RA6=2620:fe::fe|Name=Block DNS|', { path: 'r', line: 3 });
    expect(rule).toMatchObject({ action: 'Block', profiles: ['Public'], protocol: '17', remotePorts: ['53'], remoteAddresses: ['9.9.9.9', '2620:fe::fe'], displayName: 'Block DNS' });
    expect(parseFirewallRuleValue('y', 'v2.26|Action=Allow|Active=FALSE|Dir=Out|', { path: 'r' })).toBeUndefined();
    expect(parseFirewallRuleValue('z', 'v2.26|Action=Allow|Active=TRUE|Dir=In|', { path: 'r' })).toBeUndefined();
  });

  it('netsh advfirewall show allprofiles (English): State and Firewall Policy per profile', () => {
    const text = 'Domain Profile Settings:\r\n----------------------------------------------------------------------\r\nState                                 ON\r\nFirewall Policy                       BlockInbound,BlockOutbound\r\n\r\nPrivate Profile Settings:\r\n----------------------------------------------------------------------\r\nState                                 OFF\r\nFirewall Policy                       BlockInbound,AllowOutbound\r\n';
    const evidence = parseNetshAllProfiles(text, 'netsh advfirewall show allprofiles');
    expect(evidence.profiles.map((profile) => [profile.name, profile.enabled, profile.defaultOutbound, profile.source.line])).toEqual([
      ['Domain', 'True', 'Block', 4],
      ['Private', 'False', 'Allow', 9],
    ]);
    const [domain] = windowsFirewallRulesets(evidence, { source: 'netsh' }) as [EgressRuleset];
    // The rules are not listed: with outbound Block, a rule might still allow; the verdict is unknown.
    expect(evaluateEgress(domain, v4('93.184.216.34', 443)).verdict).toBe('unknown');
  });
});

describe('firewalld', () => {
  const xml = (path: string, text: string): XmlFile => readXmlFile(path, text);
  const https = xml('/usr/lib/firewalld/services/https.xml', '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>Secure WWW (HTTPS)</short>\n  <port protocol="tcp" port="443"/>\n</service>\n');
  const dns = xml('/usr/lib/firewalld/services/dns.xml', '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>DNS</short>\n  <port protocol="tcp" port="53"/>\n  <port protocol="udp" port="53"/>\n</service>\n');
  const policy = xml(
    '/etc/firewalld/policies/egress.xml',
    [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<policy target="DROP" priority="-100">',
      '  <short>egress allowlist</short>',
      '  <ingress-zone name="HOST"/>',
      '  <egress-zone name="ANY"/>',
      '  <rule family="ipv4">',
      '    <destination address="160.79.104.0/23"/>',
      '    <service name="https"/>',
      '    <accept/>',
      '  </rule>',
      '  <rule family="ipv4">',
      '    <destination address="10.0.0.53"/>',
      '    <service name="dns"/>',
      '    <accept/>',
      '  </rule>',
      '  <rule family="ipv4" priority="-10">',
      '    <destination address="160.79.104.66"/>',
      '    <reject/>',
      '  </rule>',
      '  <rule>',
      '    <destination ipset="corp-proxies"/>',
      '    <port port="3128" protocol="tcp"/>',
      '    <accept/>',
      '  </rule>',
      '</policy>',
    ].join('\n'),
  );
  const inbound = xml('/usr/lib/firewalld/policies/allow-host-ipv6.xml', '<?xml version="1.0" encoding="utf-8"?>\n<policy target="CONTINUE" priority="-15000">\n  <ingress-zone name="ANY"/>\n  <egress-zone name="HOST"/>\n  <rule family="ipv6"><icmp-type name="router-advertisement"/><accept/></rule>\n</policy>\n');
  const services = new Map([['https', https], ['dns', dns]]);

  it('parses XML with lines, entities and comments; broken XML is an error with its line', () => {
    const parsed = parseXml('<?xml version="1.0"?>\n<!-- c -->\n<zone target="DROP">\n  <short>a &amp; b</short>\n  <interface name="eth0"/>\n</zone>\n');
    expect(parsed.root).toMatchObject({ name: 'zone', attributes: { target: 'DROP' }, line: 3 });
    expect(parsed.root?.children.map((element) => [element.name, element.line])).toEqual([['short', 4], ['interface', 5]]);
    expect(parsed.root?.children[0]?.text).toBe('a & b');
    expect(parseXml('<policy>\n<rule>\n</policy>').error).toEqual({ message: '</policy> does not close <rule>', line: 3 });
  });

  it('without a HOST policy, firewalld lets every outgoing connection through', () => {
    const ruleset = firewalldRuleset({ zones: new Map(), services, policies: new Map([['allow-host-ipv6', inbound]]), active: true, activeEvidence: 'running' });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'allow', decidedBy: { chain: 'firewalld filter_OUTPUT' } });
  });

  it('a HOST -> ANY policy with target DROP: services and addresses allowed, the rest dropped, rich-rule order kept', () => {
    const conf = parseFirewalldConf('DefaultZone=public\nFirewallBackend=nftables\n', '/etc/firewalld/firewalld.conf');
    expect(conf).toMatchObject({ defaultZone: 'public', backend: 'nftables', line: 1 });
    const ruleset = firewalldRuleset({ conf, zones: new Map(), services, policies: new Map([['egress', policy], ['allow-host-ipv6', inbound]]), active: true, activeEvidence: 'running' });
    expect(chain(ruleset, 'firewalld filter_OUTPUT')).toMatchObject({ hook: 'output', priority: 10, policy: 'accept' });
    const rules = chain(ruleset, 'firewalld policy egress').rules;
    // Negative priority first (line 16), then the allow group in file order (6, 11, 20), then the DROP target (line 2).
    expect(rules.map((rule) => rule.source.line)).toEqual([16, 6, 11, 11, 20, 2]);
    expect(evaluateEgress(ruleset, v4('160.79.105.1', 443))).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/firewalld/policies/egress.xml', line: 6 } });
    expect(evaluateEgress(ruleset, v4('160.79.104.66', 443))).toMatchObject({ verdict: 'deny', decidedBy: { line: 16 } });
    expect(evaluateEgress(ruleset, v4('10.0.0.53', 53, 'udp'))).toMatchObject({ verdict: 'allow', decidedBy: { line: 11 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443))).toMatchObject({ verdict: 'deny', decidedBy: { line: 2 } });
    // The ipset's members are not read: port 3128 anywhere is unknown.
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 3128)).verdict).toBe('unknown');
    expect(ruleset.unsupported.some((item) => /ipset="corp-proxies"/.test(item.construct) && item.source.line === 20)).toBe(true);
  });

  it('direct.xml OUTPUT rules (iptables syntax) run before firewalld, keeping their direct.xml lines', () => {
    const direct = xml('/etc/firewalld/direct.xml', '<?xml version="1.0" encoding="utf-8"?>\n<direct>\n  <rule ipv="ipv4" table="filter" chain="OUTPUT" priority="1">-p tcp --dport 25 -j REJECT</rule>\n  <rule ipv="ipv4" table="filter" chain="OUTPUT" priority="0">-d 203.0.113.9 -j DROP</rule>\n</direct>\n');
    const ruleset = firewalldRuleset({ zones: new Map(), services, policies: new Map(), direct, active: true, activeEvidence: 'running' });
    expect(evaluateEgress(ruleset, v4('203.0.113.9', 443))).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/firewalld/direct.xml', line: 4 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 25))).toMatchObject({ verdict: 'deny', decidedBy: { line: 3 } });
    expect(evaluateEgress(ruleset, v4('93.184.216.34', 443)).verdict).toBe('allow');
  });
});

describe('never a throw, on any text', () => {
  const words = (alphabet: readonly string[]) =>
    fc.array(fc.array(fc.oneof(fc.constantFrom(...alphabet), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((tokens) => tokens.join(' ')), { maxLength: 12 }).map((lines) => lines.join('\n'));
  const IPTABLES = ['*filter', '*nat', '*raw', '*mangle', ':OUTPUT', 'DROP', '-', '[0:0]', 'COMMIT', '-A', '-I', 'OUTPUT', 'X', ':X', '-d', '-s', '!', '-p', 'tcp', '-m', 'mark', '--mark', '0x1', 'owner', '--uid-owner', 'multiport', '--dports', '1:2,3', '-j', '-g', 'ACCEPT', 'MARK', '--set-mark', 'CONNMARK', '--restore-mark', 'NOTRACK', 'conntrack', '--ctstate', 'NEW', '-o', 'lo+', '"', '$', '10.0.0.0/8', '::1', 'host.example', '--tcp-flags', 'SYN', '-4', '-6'];
  const PF = ['pass', 'block', 'out', 'in', 'quick', 'on', 'lo0', 'en0', '{', '}', ',', '!', '<t>', 'table', 'persist', 'file', '"/x"', 'anchor', '"a/*"', 'load', 'from', 'to', 'any', 'port', '443', '><', ':', 'proto', 'tcp', 'user', 'flags', 'S/SA', 'x', '=', '$x', '\\', '#', 'set', 'skip', 'rdr', 'nat', '->', '(', ')', 'route-to', '10/8'];
  const XML = ['<policy', 'target="DROP"', '>', '</policy>', '<ingress-zone name="HOST"/>', '<egress-zone name="ANY"/>', '<egress-zone name="z"/>', '<rule>', '</rule>', '<destination address="1.2.3.4" invert="true"/>', '<service name="https"/>', '<accept/>', '<drop/>', '<!--', '-->', '&amp;', '"', "'"];

  it('iptables-save, ufw and the evaluator', () => {
    fc.assert(
      fc.property(words(IPTABLES), (text) => {
        for (const family of ['ipv4', 'ipv6'] as const) {
          const ruleset = iptablesRuleset(parseIptablesSave(text, { path: 'x', family }), { backend: 'iptables', label: 'x', active: true });
          evaluateEgress(ruleset, family === 'ipv4' ? v4('192.0.2.1', 443) : v6('2001:db8::1', 443));
          ufwRuleset({ family, files: [{ kind: 'user', path: 'u', text }], active: true, activeEvidence: 'x' });
        }
        parseUfwStatus(text);
        parseUfwDefaults(text, 'd');
      }),
      { numRuns: 300 },
    );
  });

  it('pf.conf', () => {
    fc.assert(
      fc.property(words(PF), (text) => {
        const ruleset = pfRuleset({ main: { path: 'p', text }, files: new Map([['/x', text]]) }, { active: true });
        evaluateEgress(ruleset, v4('192.0.2.1', 443));
        pfReferencedFiles(text);
      }),
      { numRuns: 300 },
    );
  });

  it('firewalld XML and Windows evidence', () => {
    fc.assert(
      fc.property(words(XML), fc.string(), (text, other) => {
        const file = readXmlFile('/etc/firewalld/policies/p.xml', text);
        evaluateEgress(firewalldRuleset({ zones: new Map([['z', file]]), services: new Map([['https', file]]), policies: new Map([['p', file]]), direct: file, active: true, activeEvidence: 'x' }), v4('192.0.2.1', 443));
        for (const evidence of [parseWindowsFirewallJson(other, 'j'), parseNetshAllProfiles(text, 'n'), parseNetFirewallProfileList(text, 'l'), parseFirewallPolicyReg(text, 'r')]) {
          for (const ruleset of windowsFirewallRulesets(evidence, { source: 's' })) evaluateEgress(ruleset, v4('192.0.2.1', 443));
        }
      }),
      { numRuns: 300 },
    );
  });
});
