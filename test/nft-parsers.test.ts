import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateEgress } from '../src/firewall/evaluate.js';
import type { Chain, Destination, EgressRuleset, Rule } from '../src/firewall/model.js';
import { parseNftConfig, type NftSourceLoader } from '../src/parsers/nft-config.js';
import { parseNftJson } from '../src/parsers/nft-json.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

// The two nftables readers on real rulesets written by other people (../shared/corpus/nftables and
// nftables-json), with facts read off the files by hand, and a ruleset of our own that nft itself
// accepts (`nft -c`), read both from its text and, where the kernel lets us load it in a private network
// namespace, from `nft -j list ruleset`.

const CORPUS = path.resolve(__dirname, '../../shared/corpus');
const MAIN = '/etc/nftables.conf';

/** A loader over an in-memory file tree; nothing else exists. */
function memoryLoader(files: Record<string, string>): NftSourceLoader {
  return {
    read: async (file) => files[file],
    list: async (dir) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = Object.keys(files)
        .filter((file) => file.startsWith(prefix))
        .map((file) => file.slice(prefix.length).split('/')[0] as string);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
  };
}

function corpusText(kind: string, name: string): string {
  return readFileSync(path.join(CORPUS, kind, name), 'utf8');
}

const USERS: Record<string, number> = {
  claude: 1001, 'systemd-network': 998, unbound: 997, alpm: 996, chrony: 995, postfix: 994, dovecot: 993, dovenull: 992, http: 33, rspamd: 991,
  qemu: 990, proxy: 13, 'systemd-resolve': 989, 'systemd-timesync': 988, cups: 987, 'nm-openvpn': 986,
};
const resolveUser = (name: string) => USERS[name];

async function corpusConfig(name: string, extra: Record<string, string> = {}): Promise<EgressRuleset> {
  return parseNftConfig(memoryLoader({ [MAIN]: corpusText('nftables', name), ...extra }), MAIN, { resolveUser });
}

function chain(ruleset: EgressRuleset, id: string): Chain {
  const found = ruleset.chains.find((item) => item.id === id);
  if (!found) throw new Error(`no chain ${id} in ${ruleset.chains.map((item) => item.id).join(', ')}`);
  return found;
}

function rulesAt(ruleset: EgressRuleset, line: number): Rule[] {
  return ruleset.chains.flatMap((item) => item.rules).filter((rule) => rule.source.line === line);
}

const v4 = (address: string, protocol: 'tcp' | 'udp', port: number, uid?: number): Destination => ({ address, family: 'ipv4', protocol, port, ...(uid !== undefined ? { uid } : {}) });
const v6 = (address: string, protocol: 'tcp' | 'udp', port: number, uid?: number): Destination => ({ address, family: 'ipv6', protocol, port, ...(uid !== undefined ? { uid } : {}) });

describe('every corpus file is read without throwing', () => {
  const configs = readdirSync(path.join(CORPUS, 'nftables')).sort();
  const jsons = readdirSync(path.join(CORPUS, 'nftables-json')).sort();

  it('has the files the tests name', () => {
    expect(configs.length).toBeGreaterThanOrEqual(16);
    expect(jsons.length).toBeGreaterThanOrEqual(5);
  });

  it.each(configs)('nft language: %s', async (name) => {
    const ruleset = await corpusConfig(name);
    expect(ruleset.backend).toBe('nftables');
    // Chains, or the reason there are none (archf's rules are all in an include the corpus lacks).
    expect(ruleset.chains.length + ruleset.errors.length).toBeGreaterThan(0);
    // Every rule keeps where it came from.
    for (const rule of ruleset.chains.flatMap((item) => item.rules)) {
      expect(rule.source.path).toBe(MAIN);
      expect(rule.source.line).toBeGreaterThan(0);
      expect(rule.source.text).toBeTruthy();
    }
    // Nothing is "not understood" at the statement level: every line is a command nft knows.
    expect(ruleset.errors.filter((error) => /not an nft command|not understood in table|missing }/.test(error.message))).toEqual([]);
    expect(ruleset.unsupported.filter((entry) => /not understood/.test(entry.construct))).toEqual([]);
    // The evaluator answers for any destination.
    for (const destination of [v4('203.0.113.9', 'tcp', 443), v6('2001:db8::9', 'udp', 53)]) {
      expect(['allow', 'deny', 'unknown']).toContain(evaluateEgress(ruleset, destination).verdict);
    }
  });

  it.each(jsons)('nft -j: %s', (name) => {
    const ruleset = parseNftJson(corpusText('nftables-json', name), name);
    expect(ruleset.errors).toEqual([]);
    expect(ruleset.chains.length).toBeGreaterThan(0);
    for (const rule of ruleset.chains.flatMap((item) => item.rules)) {
      expect(rule.source.chain).toMatch(/^(ip|ip6|inet) \S+ \S+$/);
      expect(rule.source.text).toBeTruthy();
    }
  });
});

describe('nft language: facts of real files', () => {
  it('dfinity: output policy drop, allowed ports, a missing include and the variables it would define', async () => {
    const ruleset = await corpusConfig('dfinity-gateway-include-define-output-drop.nft');
    const output = chain(ruleset, 'ip filter output');
    expect(output).toMatchObject({ hook: 'output', priority: 0, policy: 'drop', families: ['ipv4'] });
    expect(output.policySource).toMatchObject({ path: MAIN, line: 71 });
    expect(chain(ruleset, 'ip6 filter output').policySource?.line).toBe(123);
    // The include names a file the image does not have; the variables it defines are then undefined.
    expect(ruleset.errors.find((error) => error.source.line === 10)?.message).toMatch(/included file not found: \/mnt\/nftables\/defs\.ruleset/);
    expect(ruleset.errors.find((error) => error.source.line === 50)?.message).toMatch(/undefined variable \$gw_saddr_v4/);
    // `define monitoring_ports = { 9100, 9314, 9315, }` (trailing comma, comments) expanded at line 115.
    expect(rulesAt(ruleset, 115)[0]?.match.dport?.values).toEqual([[9100, 9100], [9314, 9314], [9315, 9315]]);

    const https = evaluateEgress(ruleset, v4('1.1.1.1', 'tcp', 443));
    expect(https).toMatchObject({ verdict: 'allow', decidedBy: { path: MAIN, line: 78 } });
    expect(https.reason).toContain('/etc/nftables.conf:78');
    const other = evaluateEgress(ruleset, v4('1.1.1.1', 'tcp', 8080));
    expect(other).toMatchObject({ verdict: 'deny', decidedBy: { line: 71 } });
    expect(other.reason).toMatch(/drop policy of ip filter output/);
    expect(evaluateEgress(ruleset, v6('2001:4860:4860::8888', 'udp', 123))).toMatchObject({ verdict: 'allow', decidedBy: { line: 131 } });
    expect(evaluateEgress(ruleset, v6('2001:4860:4860::8888', 'udp', 5353))).toMatchObject({ verdict: 'deny', decidedBy: { line: 123 } });
    // Loopback leaves through `oif "lo" accept`.
    expect(evaluateEgress(ruleset, v4('127.0.0.1', 'tcp', 5432))).toMatchObject({ verdict: 'allow', decidedBy: { line: 72 } });
  });

  it('Spaceport: a jump to a shared chain, fib address types, user-and-port sets, and a group the model cannot know', async () => {
    const ruleset = await corpusConfig('idigitalflame-spaceport-aligned-output-drop.nft');
    const output = chain(ruleset, 'inet filter output');
    expect(output).toMatchObject({ policy: 'drop', priority: 0 });
    expect(output.policySource?.line).toBe(147);
    expect(output.rules[0]).toMatchObject({ action: { kind: 'jump', chain: 'inet filter base' }, source: { line: 149 } });
    expect(rulesAt(ruleset, 108)[0]?.match.addrType).toEqual({ values: ['anycast', 'broadcast', 'multicast'] });
    // `udp dport . meta skuid { 53 . root, ... 67-68 . root }`: one plain rule per element.
    const perUser = rulesAt(ruleset, 166);
    expect(perUser).toHaveLength(6);
    expect(perUser[5]?.match).toMatchObject({ protocol: { values: ['udp'] }, dport: { values: [[67, 68]] }, uid: { values: [[0, 0]] } });
    expect(perUser[1]?.match.uid).toEqual({ values: [[990, 990]] }); // qemu, through the resolver

    // Multicast leaves nowhere: the base chain drops it before anything else decides.
    expect(evaluateEgress(ruleset, v4('224.0.0.5', 'udp', 5353))).toMatchObject({ verdict: 'deny', decidedBy: { line: 102 } });
    // root may query DNS; anyone else meets `skgid firewall-all accept`, whose group the model does not know.
    expect(evaluateEgress(ruleset, v4('9.9.9.9', 'udp', 53, 0))).toMatchObject({ verdict: 'allow', decidedBy: { line: 166 } });
    const agent = evaluateEgress(ruleset, v4('9.9.9.9', 'udp', 53, 1001));
    expect(agent).toMatchObject({ verdict: 'unknown', construct: 'skgid firewall-all', decidedBy: { line: 155 } });
    expect(agent.reason).toMatch(/skgid firewall-all.*\/etc\/nftables\.conf:155/);
    expect(ruleset.unsupported.some((entry) => entry.construct === 'skgid firewall-all' && entry.source.line === 155)).toBe(true);
  });

  it('chr0mag: verdict maps over modelled fields become plain rules; no output chain means nothing filters egress', async () => {
    const ruleset = await corpusConfig('chr0mag-router-vmap-concat.nft');
    const ctMap = rulesAt(ruleset, 10);
    expect(ctMap.map((rule) => [rule.match.ctState?.values, rule.action.kind])).toEqual([
      [['established'], 'accept'],
      [['related'], 'accept'],
      [['invalid'], 'drop'],
    ]);
    expect(rulesAt(ruleset, 11)[1]).toMatchObject({ match: { iif: { values: ['br0'] } }, action: { kind: 'jump', chain: 'ip global in_wired' } });
    expect(rulesAt(ruleset, 20).map((rule) => `${rule.match.protocol?.values[0]}/${rule.match.dport?.values[0]?.[0]}`)).toEqual(['tcp/22', 'udp/53', 'tcp/53', 'udp/67', 'udp/123']);
    expect(chain(ruleset, 'ip global postrouting').priority).toBe(100); // srcnat
    const decision = evaluateEgress(ruleset, v4('1.1.1.1', 'tcp', 443));
    expect(decision.verdict).toBe('allow');
    expect(decision.reason).toMatch(/no ipv4 output chain/);
  });

  it('boldsuck: meters and dynamic sets are named unknown constructs with their line; a define inside a rule is expanded', async () => {
    const ruleset = await corpusConfig('boldsuck-tor-relay-ddos-meters.nft');
    const meter = ruleset.unsupported.find((entry) => entry.source.line === 117 && /add @meter_flood_v4/.test(entry.construct));
    expect(meter?.construct).toMatch(/a meter/);
    expect(ruleset.unsupported.some((entry) => entry.source.line === 113 && /blacklist_v4.*flags dynamic, timeout/.test(entry.construct))).toBe(true);
    expect(rulesAt(ruleset, 109)[0]?.match.dport).toEqual({ values: [[443, 443]] }); // define ports = { 443 }
    // The fragment test is known to be false for a connection's first packet.
    expect(rulesAt(ruleset, 93)[0]?.match.impossible).toMatch(/not a fragment/);
    // netdev ingress and inet prerouting only: the output path is unfiltered.
    expect(chain(ruleset, 'netdev filter ingress')).toMatchObject({ hook: 'ingress', priority: -500, families: [] });
  });

  it('martijnvds: top-level defines in sets and a concatenated named set with service names', async () => {
    const ruleset = await corpusConfig('martijnvds-router-defines-sets-ipv6.nft');
    const dns = chain(ruleset, 'inet filter allow_dns').rules;
    expect(dns.map((rule) => [rule.match.family, rule.match.daddr?.values, rule.match.protocol?.values, rule.match.dport?.values])).toEqual([
      ['ipv4', ['10.240.2.8'], ['tcp'], [[53, 53]]],
      ['ipv4', ['10.240.2.8'], ['udp'], [[53, 53]]],
      ['ipv6', ['2001:db8:2::8', '2001:db8:2::9'], ['tcp'], [[53, 53]]],
      ['ipv6', ['2001:db8:2::8', '2001:db8:2::9'], ['udp'], [[53, 53]]],
    ]);
    expect(dns[0]?.source).toMatchObject({ line: 54, text: 'ip daddr $server_dns meta l4proto . th dport @dns_ok accept' });
    expect(rulesAt(ruleset, 206)[0]?.action).toEqual({ kind: 'unknown', construct: 'dnat' });
    expect(ruleset.chains.map((item) => item.id)).toContain('ip nat prerouting'); // `table nat` is family ip
  });

  it('emanuelduss: a table declared, deleted and declared again, with the policy on its own line', async () => {
    const ruleset = await corpusConfig('emanuelduss-policy-own-line.nft');
    expect(ruleset.chains.map((item) => item.id)).toEqual(['inet filter input', 'inet filter forward']);
    const input = chain(ruleset, 'inet filter input');
    expect(input).toMatchObject({ hook: 'input', policy: 'drop', policySource: { line: 9, text: 'policy drop' } });
    expect(rulesAt(ruleset, 19)[0]?.match.dport).toEqual({ values: [[22, 22]] }); // `tcp dport ssh`
    expect(rulesAt(ruleset, 22)[0]).toMatchObject({ match: { unknown: ['pkttype host'] }, action: { kind: 'reject' } });
  });

  it('GrapheneOS: table-level nested defines, `untracked:` map keys, raw priority and a user allowlist', async () => {
    const ruleset = await corpusConfig('grapheneos-mail-templated-defines-in-table-typeof-map.nft');
    expect(rulesAt(ruleset, 114)[0]?.match.dport?.values).toEqual([[22, 22], [25, 25], [80, 80], [443, 443], [465, 465], [993, 993]]);
    expect(rulesAt(ruleset, 115).map((rule) => rule.match.ctState?.values[0])).toEqual(['invalid', 'established', 'related', 'new', 'untracked']);
    const raw = chain(ruleset, 'inet filter output-raw');
    expect(raw).toMatchObject({ hook: 'output', priority: -300, policy: 'accept' });
    // The agent is not on the list: `goto graceful-reject` rejects. unbound is, and nothing else stops it.
    expect(evaluateEgress(ruleset, v4('93.184.215.14', 'tcp', 443, 1001))).toMatchObject({ verdict: 'deny', decidedBy: { line: 187 } });
    expect(evaluateEgress(ruleset, v4('93.184.215.14', 'udp', 443, 1001))).toMatchObject({ verdict: 'deny', decidedBy: { line: 186 } });
    expect(evaluateEgress(ruleset, v4('93.184.215.14', 'tcp', 443, USERS.unbound))).toMatchObject({ verdict: 'allow' });
    // Without a uid the answer depends on who connects, and says so.
    expect(evaluateEgress(ruleset, v4('93.184.215.14', 'tcp', 443))).toMatchObject({ verdict: 'unknown', decidedBy: { line: 168 } });
  });

  it('jimmyz: a glob include in a table that matches nothing is no error, but the set it should define is', async () => {
    const ruleset = await corpusConfig('jimmyz-potato-include-in-table.nft');
    expect(ruleset.errors.some((error) => /included file not found/.test(error.message))).toBe(false);
    expect(ruleset.errors.find((error) => error.source.line === 62)?.message).toMatch(/set china is not declared/);
    expect(rulesAt(ruleset, 62)[0]?.match.unknown?.[0]).toMatch(/ip daddr @china/);

    const withSets = await corpusConfig('jimmyz-potato-include-in-table.nft', {
      '/var/lib/potato/nft-set-china.conf': 'set china {\n  type ipv4_addr\n  flags interval\n  elements = { 1.0.1.0/24, 1.0.2.0/23 }\n}\n',
      '/var/lib/potato/.nft-set-hidden.conf': 'this is not nft and dot files are never included\n',
    });
    expect(withSets.errors).toEqual([]);
    expect(withSets.sources).toEqual([MAIN, '/var/lib/potato/nft-set-china.conf']);
    expect(rulesAt(withSets, 62)[0]?.match.daddr).toEqual({ values: ['1.0.1.0/24', '1.0.2.0/23'] });
  });

  it('archf: a relative include found through the #! --includepath, and said so', async () => {
    const missing = await corpusConfig('archf-firetables-includepath-defines.nft');
    expect(missing.errors[0]?.message).toMatch(/included file not found: 00-base-filter\.rules \(searched \/etc\/nftables\.d\/00-base-filter\.rules, \/etc\/00-base-filter\.rules\)/);
    const found = await corpusConfig('archf-firetables-includepath-defines.nft', {
      '/etc/nftables.d/00-base-filter.rules': 'table inet filter {\n  chain output {\n    type filter hook output priority 0; policy drop;\n    tcp dport $ports_ssh accept\n    ip daddr $ip_whitelist accept\n  }\n}\n',
    });
    expect(found.errors).toEqual([]);
    expect(found.unsupported.some((entry) => /--includepath \/etc\/nftables\.d/.test(entry.construct) && entry.source.line === 99)).toBe(true);
    const rules = chain(found, 'inet filter output').rules;
    expect(rules[0]).toMatchObject({ match: { dport: { values: [[22, 22]] } }, source: { path: '/etc/nftables.d/00-base-filter.rules', line: 4 } });
    // `10.247.88.0/16` has host bits set; nft (and the model) keep the network.
    expect(rules[1]?.match.daddr?.values).toEqual(['192.168.2.0/24', '10.247.0.0/16', '172.26.0.0/16']);
  });

  it('bourgeoisbear: an include inside a set body adds its elements', async () => {
    const ruleset = await corpusConfig('bourgeoisbear-include-in-set.nft', { '/etc/assholes.list': 'elements = { 10.180.0.0/16, 192.168.8.1 }\n' });
    expect(ruleset.errors).toEqual([]);
    expect(chain(ruleset, 'inet filter output')).toMatchObject({ policy: 'accept', policySource: { line: 67 } });
    expect(rulesAt(ruleset, 35)[0]?.match.unknown?.[0]).toBe('ip saddr @assholes');
  });
});

describe('nft -j: facts of real files', () => {
  it('nftables-rs init ruleset: handles, sets, the spam rule and loopback', () => {
    const ruleset = parseNftJson(corpusText('nftables-json', 'nftables-rs-init-ruleset-1.0.9.json'), 'nft -j list ruleset');
    const output = chain(ruleset, 'inet filter output');
    expect(output).toMatchObject({ hook: 'output', priority: 0, policy: 'accept', policySource: { chain: 'inet filter output', handle: 2 } });
    expect(evaluateEgress(ruleset, v4('8.8.8.8', 'udp', 53))).toMatchObject({ verdict: 'allow', decidedBy: { chain: 'inet filter output', handle: 25 } });
    const spam = evaluateEgress(ruleset, v4('192.0.2.25', 'tcp', 587));
    expect(spam).toMatchObject({ verdict: 'deny', decidedBy: { handle: 31 } });
    expect(spam.reason).toBe('dropped by "tcp dport { 25, 465, 587 } ip daddr != 127.0.0.1 log prefix "SPAMALERT!" drop" (chain inet filter output handle 31)');
    expect(evaluateEgress(ruleset, v4('127.0.0.1', 'tcp', 25))).toMatchObject({ verdict: 'allow', decidedBy: { handle: 23 } }); // meta oif lo
    expect(evaluateEgress(ruleset, v4('192.0.2.1', 'tcp', 22))).toMatchObject({ verdict: 'allow', decidedBy: { text: 'policy accept' } });
    // A set with a timeout flag and no elements: membership unknown, named.
    expect(chain(ruleset, 'inet filter input').rules[0]?.match).toEqual({ family: 'ipv4', unknown: ['ip saddr @blackhole'] });
    expect(chain(ruleset, 'ip nat prerouting').rules[1]?.action).toEqual({ kind: 'unknown', construct: 'redirect' });
  });

  it('netfilter tests: a concatenated set expands to one rule per element', () => {
    const ruleset = parseNftJson(corpusText('nftables-json', 'netfilter-tests-concat-set-forward-drop.json'), 'x');
    const rules = chain(ruleset, 'inet filter forward').rules.slice(1);
    expect(rules.map((rule) => `${rule.match.daddr?.values[0]} ${rule.match.protocol?.values[0]}/${rule.match.dport?.values[0]?.[0]}`)).toEqual([
      '192.168.0.113 tcp/22',
      '192.168.0.12 tcp/53',
      '192.168.0.12 udp/53',
      '192.168.0.12 tcp/80',
      '192.168.0.13 tcp/80',
    ]);
    expect(rules.every((rule) => rule.match.ctState?.values.join() === 'new')).toBe(true);
  });

  it('netfilter tests: a vmap on a field the model lacks and a queue are verdicts it cannot follow', () => {
    const ruleset = parseNftJson(corpusText('nftables-json', 'netfilter-tests-different-defines.json'), 'x');
    const rules = chain(ruleset, 'inet t c').rules;
    expect(rules.find((rule) => rule.source.text?.startsWith('ip saddr vmap'))?.action).toMatchObject({ kind: 'unknown', construct: expect.stringMatching(/^vmap/) });
    // `ip6 daddr vmap { fe0::1 : drop, fe0::2 : accept }` is over a modelled field: two plain rules.
    expect(rules.filter((rule) => rule.source.text?.startsWith('ip6 daddr vmap')).map((rule) => [rule.match.daddr?.values[0], rule.action.kind])).toEqual([
      ['fe0::1', 'drop'],
      ['fe0::2', 'accept'],
    ]);
    expect(rules.filter((rule) => rule.action.kind === 'unknown' && rule.action.construct === 'queue')).toHaveLength(5);
    expect(ruleset.unsupported.some((entry) => /^vmap: ip saddr vmap/.test(entry.construct))).toBe(true);
  });

  it('netfilter tests: interface sets, wildcard names and a named verdict map', () => {
    const ruleset = parseNftJson(corpusText('nftables-json', 'netfilter-tests-sets-with-ifnames.json'), 'x');
    const rules = chain(ruleset, 'inet testifsets v4icmp').rules;
    expect(rules[1]?.match.iif).toEqual({ values: ['abcdef*', 'othername', 'ppp0'] });
    expect(rules.slice(4).map((rule) => [rule.match.iif?.values[0], rule.action])).toEqual([
      ['abcdef*', { kind: 'jump', chain: 'inet testifsets do_nothing' }],
      ['eth0', { kind: 'jump', chain: 'inet testifsets do_nothing' }],
    ]);
    expect(chain(ruleset, 'inet testifsets input').rules[1]?.action).toEqual({ kind: 'goto', chain: 'inet testifsets v4icmpc' });
  });

  it('meters, rate limits, connection counts, flag masks and fragment tests as nft 1.0.6 lists them', () => {
    // Statements as `nft -j list ruleset` printed them for the nft-language rules in the comments.
    const rules = [
      [{ set: { op: 'add', elem: { payload: { protocol: 'ip', field: 'daddr' } }, set: '@m', stmt: [{ limit: { rate: 10, burst: 5, per: 'second', inv: true } }] } }, { drop: null }], // add @m { ip daddr limit rate over 10/second } drop
      [{ set: { op: 'update', elem: { payload: { protocol: 'ip', field: 'daddr' } }, set: '@m' } }, { counter: { packets: 0, bytes: 0 } }], // update @m { ip daddr } counter
      [{ 'ct count': { val: 10, inv: true } }, { drop: null }], // ct count over 10 drop
      [{ limit: { rate: 5, burst: 5, per: 'second', inv: true } }, { drop: null }], // limit rate over 5/second drop
      [{ match: { op: '!=', left: { '&': [{ payload: { protocol: 'ip', field: 'frag-off' } }, 8191] }, right: 0 } }, { drop: null }], // ip frag-off & 0x1fff != 0 drop
      [{ match: { op: 'in', left: { payload: { protocol: 'tcp', field: 'flags' } }, right: 'syn' } }, { accept: null }], // tcp flags syn accept
      [{ match: { op: '==', left: { '&': [{ payload: { protocol: 'tcp', field: 'flags' } }, ['syn', 'ack']] }, right: 'syn' } }, { accept: null }], // tcp flags & (syn|ack) == syn
      [{ match: { op: '==', left: { ct: { key: 'ip daddr', dir: 'original' } }, right: '1.2.3.4' } }, { accept: null }], // ct original ip daddr 1.2.3.4 accept
    ];
    const json = { nftables: [{ chain: { family: 'inet', table: 't', name: 'o', handle: 1, type: 'filter', hook: 'output', prio: 0, policy: 'accept' } }, ...rules.map((expr, index) => ({ rule: { family: 'inet', table: 't', chain: 'o', handle: 3 + index, expr } }))] };
    const ruleset = parseNftJson(JSON.stringify(json), 'x');
    expect(ruleset.chains[0]?.rules.map((rule) => [rule.match.unknown ?? rule.match.impossible ?? null, rule.action.kind])).toEqual([
      [['add @m { ip daddr } with a statement (a meter)'], 'drop'],
      [null, 'continue'],
      [['ct count over 10 (a connection count)'], 'drop'],
      [['limit rate over 5/second (a rate, not a property of one packet)'], 'drop'],
      ['ip frag-off & 8191 != 0: the first packet of a connection is not a fragment', 'drop'],
      [null, 'accept'],
      [null, 'accept'],
      [['ct original ip daddr 1.2.3.4'], 'accept'],
    ]);
  });

  it('unreadable JSON is an error, not a throw', () => {
    expect(parseNftJson('{"nftables": [', 'nft -j').errors[0]?.message).toMatch(/not JSON/);
    expect(parseNftJson('{"other": []}', 'nft -j').errors[0]?.message).toMatch(/no "nftables" array/);
    const odd = parseNftJson(JSON.stringify({ nftables: [{ chain: { family: 'inet', table: 't', name: 'o', hook: 'output', prio: 0, policy: 'drop' } }, { rule: { family: 'inet', table: 't', chain: 'o', expr: [{ frobnicate: { x: 1 } }, 42] } }] }), 'x');
    expect(odd.chains[0]?.rules[0]).toMatchObject({ match: { unknown: ['statement frobnicate', 'statement 42'] }, action: { kind: 'unknown' } });
  });
});

describe('nft language: syntax', () => {
  it('reads add/insert commands, flush, line continuations, quoted names, priorities with offsets, and errors with lines', async () => {
    const text = [
      'flush ruleset',
      'define allowed = { 192.0.2.0/24, \\',
      '  198.51.100.7 }',
      'add table inet f',
      'add chain inet f out { type filter hook output priority filter + 5 ; policy drop ; }',
      'add rule inet f out ip daddr $allowed tcp dport { https, 8443 } accept',
      'insert rule inet f out oifname "lo" accept # first',
      'add chain inet f early { type filter hook output priority raw - 10; }',
      'add rule inet f early meta skuid "claude" udp dport 53 drop',
      'table ip old { chain o { type filter hook output priority 0; policy drop; } }',
      'delete table ip old',
      'frobnicate everything',
      'add rule inet f nosuchchain accept',
    ].join('\n');
    const ruleset = await parseNftConfig(memoryLoader({ [MAIN]: text }), MAIN, { resolveUser });
    expect(ruleset.chains.map((item) => [item.id, item.priority, item.policy])).toEqual([
      ['inet f out', 5, 'drop'],
      ['inet f early', -310, 'accept'],
    ]);
    const out = chain(ruleset, 'inet f out');
    expect(out.rules.map((rule) => rule.source.line)).toEqual([7, 6]);
    expect(out.rules[1]?.match).toEqual({ daddr: { values: ['192.0.2.0/24', '198.51.100.7'] }, family: 'ipv4', protocol: { values: ['tcp'] }, dport: { values: [[443, 443], [8443, 8443]] } });
    expect(chain(ruleset, 'inet f early').rules[0]?.match.uid).toEqual({ values: [[1001, 1001]] });
    expect(ruleset.errors.map((error) => [error.source.line, error.message.split(':')[0]])).toEqual([
      [12, 'not an nft command'],
      [13, 'rule for chain nosuchchain, which table inet f does not have'],
    ]);
  });

  it('reads ordered port tests and combines two tests on one field exactly', async () => {
    const text = [
      'table inet f {',
      '  chain out {',
      '    type filter hook output priority 0; policy drop;',
      '    tcp dport >= 1024 accept',
      '    tcp dport < 1024 accept',
      '    tcp dport > 1024 accept',
      '    tcp dport <= 1024 accept',
      '    tcp dport != 53 tcp dport 1-1023 accept',
      '    ip daddr != 10.0.0.0/8 ip daddr != 192.168.0.0/16 accept',
      '    ip daddr 10.0.0.0/8 ip daddr != 10.1.0.0/16 accept',
      '    ip daddr 10.0.0.0/8 ip daddr 10.1.2.0/24 accept',
      '    ct state != established ct state { new, established } accept',
      '    oifname { "eth*", "wlan0" } oifname != "eth1" accept',
      '    oifname != "eth1" oifname != "lo" accept',
      '    ip daddr 192.0.2.1 ip6 daddr ::1 accept',
      '    meta l4proto { tcp, udp } th dport 53 meta l4proto != udp accept',
      '    ip daddr 192.0.2.1-192.0.2.6 accept',
      '    meta skuid 1000-1002 meta skuid != 1001 accept',
      '  }',
      '}',
    ].join('\n');
    const ruleset = await parseNftConfig(memoryLoader({ [MAIN]: text }), MAIN);
    expect(ruleset.errors).toEqual([]);
    const match = (line: number) => rulesAt(ruleset, line)[0]?.match;
    expect(match(4)?.dport).toEqual({ values: [[1024, 65535]] });
    expect(match(5)?.dport).toEqual({ values: [[0, 1023]] });
    expect(match(6)?.dport).toEqual({ values: [[1025, 65535]] });
    expect(match(7)?.dport).toEqual({ values: [[0, 1024]] });
    expect(match(8)?.dport).toEqual({ values: [[1, 52], [54, 1023]] });
    expect(match(9)?.daddr).toEqual({ values: ['10.0.0.0/8', '192.168.0.0/16'], negate: true });
    expect(match(10)?.daddr).toEqual({ values: ['10.128.0.0/9', '10.64.0.0/10', '10.32.0.0/11', '10.16.0.0/12', '10.8.0.0/13', '10.4.0.0/14', '10.2.0.0/15', '10.0.0.0/16'] });
    expect(match(11)?.daddr).toEqual({ values: ['10.1.2.0/24'] });
    expect(match(12)?.ctState).toEqual({ values: ['new'] });
    // `eth*` minus `eth1` has no list form: the first test stays (it is still necessary) and the rest is unknown.
    expect(match(13)?.oif).toEqual({ values: ['eth*', 'wlan0'] });
    expect(match(13)?.unknown).toEqual(['two oif matches that cannot be combined']);
    expect(match(14)?.oif).toEqual({ values: ['eth1', 'lo'], negate: true });
    expect(match(15)?.impossible).toMatch(/both IPv4 and IPv6/);
    expect(match(16)?.protocol).toEqual({ values: ['tcp'] });
    expect(match(17)?.daddr).toEqual({ values: ['192.0.2.1', '192.0.2.2/31', '192.0.2.4/31', '192.0.2.6'] });
    expect(match(18)?.uid).toEqual({ values: [[1000, 1000], [1002, 1002]] });
    // And the evaluator reads them as nft would.
    expect(evaluateEgress(ruleset, v4('10.1.2.3', 'udp', 9))).toMatchObject({ verdict: 'allow', decidedBy: { line: 11 } });
    expect(evaluateEgress(ruleset, v4('10.1.9.9', 'udp', 9))).toMatchObject({ verdict: 'allow', decidedBy: { line: 12 } });
  });

  it('knows how the first packet of a new connection meets header tests (flags, fragments, source port and address)', async () => {
    const tests: [string, 'none' | 'impossible' | 'unknown'][] = [
      ['tcp flags syn', 'none'],
      ['tcp flags == syn', 'none'],
      ['tcp flags != syn', 'impossible'],
      ['tcp flags ack', 'impossible'],
      ['tcp flags syn,ack', 'none'],
      ['tcp flags { syn, ack }', 'none'],
      ['tcp flags & (fin|syn|rst|ack) != syn', 'impossible'],
      ['tcp flags & (fin | syn | rst | ack) == syn', 'none'],
      ['tcp flags & (fin|syn|rst|psh|ack|urg) == 0x0', 'impossible'],
      ['tcp flags & (fin|syn|rst|psh|ack|urg) == fin|syn|rst|psh|ack|urg', 'impossible'],
      ['tcp flags & 0x3f == 0x2', 'unknown'],
      ['ip frag-off & 0x1fff != 0', 'impossible'],
      ['ip frag-off & 0x1fff == 0', 'none'],
      ['ip frag-off 0', 'unknown'],
      ['tcp sport 443', 'impossible'],
      ['udp sport 1024-65535', 'none'],
      ['th sport != 0-1023', 'none'],
      ['th sport 40000', 'unknown'],
      ['ip saddr 224.0.0.0/4', 'impossible'],
      ['ip saddr != { 255.255.255.255, 224.0.0.0/8 }', 'none'],
      ['ip6 saddr ff02::1', 'impossible'],
      ['ip saddr 10.0.0.1', 'unknown'],
    ];
    const text = ['table ip6 six { }', 'table inet f {', '  chain out {', '    type filter hook output priority 0; policy accept;', ...tests.map(([test]) => `    ${test} drop`), '  }', '}'].join('\n');
    const ruleset = await parseNftConfig(memoryLoader({ [MAIN]: text }), MAIN);
    expect(ruleset.errors).toEqual([]);
    const seen = tests.map(([test], index) => {
      const match = rulesAt(ruleset, 5 + index)[0]?.match ?? {};
      return [test, match.impossible ? 'impossible' : match.unknown ? 'unknown' : 'none'];
    });
    expect(seen).toEqual(tests);
  });

  it('never throws on broken input', async () => {
    for (const text of ['table inet f {', '}}}', 'table inet f { chain c { type filter hook output priority; policy maybe; ip daddr { 1.2.3.4 accept } }', 'define = ', '"unterminated', 'add rule', 'table inet f { set s { elements = { 1.2.3.4 : } } chain c { ip daddr @s vmap { } } }']) {
      const ruleset = await parseNftConfig(memoryLoader({ [MAIN]: text }), MAIN);
      expect(ruleset.backend).toBe('nftables');
      expect(ruleset.errors.length + ruleset.unsupported.length).toBeGreaterThan(0);
    }
    const missing = await parseNftConfig(memoryLoader({}), MAIN);
    expect(missing.errors[0]?.message).toMatch(/does not exist/);
    const unreadable = await parseNftConfig({ read: async () => { throw new Error('EACCES: permission denied'); }, list: async () => undefined }, MAIN);
    expect(unreadable.errors[0]?.message).toMatch(/cannot read \/etc\/nftables\.conf: EACCES/);
  });

  it('stops include loops and resolves relative includes in /etc', async () => {
    const ruleset = await parseNftConfig(
      memoryLoader({
        [MAIN]: 'include "nftables.d/*.nft"\n',
        '/etc/nftables.d/10-a.nft': 'include "/etc/nftables.d/20-b.nft"\ntable inet a { chain o { type filter hook output priority 0; policy drop; } }\n',
        '/etc/nftables.d/20-b.nft': 'include "/etc/nftables.d/10-a.nft"\n',
      }),
      MAIN,
    );
    expect(ruleset.sources).toEqual([MAIN, '/etc/nftables.d/10-a.nft', '/etc/nftables.d/20-b.nft']);
    expect(ruleset.errors.some((error) => /include loop/.test(error.message))).toBe(true);
    expect(ruleset.chains.map((item) => item.id)).toEqual(['inet a o']);
  });
});

// --- round trip through nft itself ------------------------------------------------------------------

const ROUND_TRIP = `#!/usr/sbin/nft -f
flush ruleset
define resolvers = { 10.0.0.53, 10.0.1.53 }
define web = { 80, 443 }

table inet egress {
  set allow4 {
    type ipv4_addr
    flags interval
    elements = { 203.0.113.0/24, 198.51.100.10-198.51.100.20 }
  }
  set allow6 { type ipv6_addr; flags interval; elements = { 2001:db8:1::/48 } }

  chain users {
    meta skuid 0 accept
    meta skuid 1001 tcp dport >= 1024 return
    meta skuid != 1001 return
    ip daddr @allow4 tcp dport $web accept
    ip6 daddr @allow6 tcp dport $web accept
    reject
  }

  chain out {
    type filter hook output priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    oifname "lo" accept
    ip daddr $resolvers meta l4proto { tcp, udp } th dport 53 accept
    ip daddr != 10.0.0.0/8 udp dport 123 accept
    ip protocol . th dport vmap { udp . 514 : drop, tcp . 22 : goto users }
    jump users
    meta nfproto ipv6 udp dport 53 accept
  }
}

table ip late {
  chain out {
    type filter hook output priority 10; policy accept;
    ip daddr 198.51.100.15 drop
  }
}
`;

const DESTINATIONS: Destination[] = [];
for (const address of ['203.0.113.5', '198.51.100.9', '198.51.100.10', '198.51.100.15', '198.51.100.20', '10.0.0.53', '10.1.2.3', '8.8.8.8', '127.0.0.1']) {
  for (const protocol of ['tcp', 'udp'] as const) {
    for (const port of [22, 53, 123, 443, 514, 8080]) for (const uid of [0, 1000, 1001]) DESTINATIONS.push(v4(address, protocol, port, uid));
  }
}
for (const address of ['2001:db8:1::5', '2001:db8:2::5', '::1']) {
  for (const protocol of ['tcp', 'udp'] as const) for (const port of [53, 443, 2000]) for (const uid of [0, 1001]) DESTINATIONS.push(v6(address, protocol, port, uid));
}

function nftAvailable(): boolean {
  return spawnSync('nft', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Loads a file into a private network namespace and lists it as JSON; undefined where that is not allowed. */
function listInNamespace(file: string): string | undefined {
  const result = spawnSync('unshare', ['-rn', 'sh', '-c', 'nft -f "$1" && nft -j list ruleset', 'sh', file], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().startsWith('{') ? result.stdout : undefined;
}

describe('round trip through nft', () => {
  afterAll(removeTempDirs);

  it.runIf(nftAvailable())('nft -c accepts our ruleset, and the reader sees the rules it holds', async () => {
    const dir = makeTempDir('nft');
    const file = writeFileAt(path.join(dir, 'egress.nft'), ROUND_TRIP);
    execFileSync('nft', ['-c', '-f', file]);
    const loader: NftSourceLoader = { read: (name) => readFile(name, 'utf8').catch(() => undefined), list: (name) => readdir(name).catch(() => undefined) };
    const ruleset = await parseNftConfig(loader, file);
    expect(ruleset.errors).toEqual([]);
    expect(ruleset.unsupported).toEqual([]);
    const out = chain(ruleset, 'inet egress out');
    expect(out).toMatchObject({ hook: 'output', priority: 0, policy: 'drop', policySource: { line: 24 } });
    expect(chain(ruleset, 'ip late out')).toMatchObject({ priority: 10, families: ['ipv4'] });
    expect(chain(ruleset, 'inet egress users').rules[3]?.match.daddr?.values).toEqual(['203.0.113.0/24', '198.51.100.10/31', '198.51.100.12/30', '198.51.100.16/30', '198.51.100.20']);

    const at = (destination: Destination) => evaluateEgress(ruleset, destination);
    expect(at(v4('203.0.113.5', 'tcp', 443, 1001))).toMatchObject({ verdict: 'allow', decidedBy: { line: 18 } });
    expect(at(v4('198.51.100.15', 'tcp', 443, 1001))).toMatchObject({ verdict: 'deny', decidedBy: { line: 39 } }); // the second base chain
    expect(at(v4('8.8.8.8', 'tcp', 443, 1001))).toMatchObject({ verdict: 'deny', decidedBy: { line: 20 } }); // reject in users
    expect(at(v4('8.8.8.8', 'tcp', 443, 1000))).toMatchObject({ verdict: 'deny', decidedBy: { line: 24 } }); // returns, then the policy
    expect(at(v4('8.8.8.8', 'tcp', 8080, 1001))).toMatchObject({ verdict: 'deny', decidedBy: { line: 24 } });
    expect(at(v4('8.8.8.8', 'tcp', 22, 1000))).toMatchObject({ verdict: 'deny', decidedBy: { line: 24 } }); // goto users, return ends out
    expect(at(v4('8.8.8.8', 'udp', 514, 0))).toMatchObject({ verdict: 'deny', decidedBy: { line: 30 } });
    expect(at(v4('8.8.8.8', 'udp', 123, 1001))).toMatchObject({ verdict: 'allow', decidedBy: { line: 29 } });
    expect(at(v4('10.1.2.3', 'udp', 123, 1001))).toMatchObject({ verdict: 'deny', decidedBy: { line: 20 } });
    expect(at(v6('2001:db8:2::5', 'udp', 53, 1000))).toMatchObject({ verdict: 'allow', decidedBy: { line: 32 } });
    expect(at(v4('8.8.8.8', 'tcp', 443))).toMatchObject({ verdict: 'unknown', decidedBy: { line: 15 } }); // depends on the uid
  });

  it('the JSON nft lists for our ruleset gives the same verdict as its text, for every destination', async (context) => {
    if (!nftAvailable()) context.skip();
    const dir = makeTempDir('nft-json');
    const file = writeFileAt(path.join(dir, 'egress.nft'), ROUND_TRIP);
    const listed = listInNamespace(file);
    // Loading needs a network namespace of our own (unprivileged user namespaces); CI containers may refuse.
    if (!listed) context.skip();
    const fromJson = parseNftJson(listed as string, 'nft -j list ruleset');
    expect(fromJson.errors).toEqual([]);
    expect(fromJson.unsupported).toEqual([]);
    const fromText = await parseNftConfig({ read: (name) => readFile(name, 'utf8').catch(() => undefined), list: async () => undefined }, file);
    const differences = DESTINATIONS.map((destination) => {
      const a = evaluateEgress(fromText, destination).verdict;
      const b = evaluateEgress(fromJson, destination).verdict;
      return a === b ? undefined : `${destination.address} ${destination.protocol}/${destination.port} uid ${destination.uid}: text ${a}, json ${b}`;
    }).filter(Boolean);
    expect(differences).toEqual([]);
    const verdicts = new Set(DESTINATIONS.map((destination) => evaluateEgress(fromJson, destination).verdict));
    expect([...verdicts].sort()).toEqual(['allow', 'deny']);
  });
});
