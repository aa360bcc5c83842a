import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultVerdict, evaluateEgress, formatSource, outputBaseChains } from '../src/firewall/evaluate.js';
import type { Chain, Destination, EgressRuleset, Match, Rule, RuleAction, Semantics } from '../src/firewall/model.js';
import { cidrContains, formatCidr, parseCidr, rangeToCidrs, subtractCidr, type Cidr } from '../src/network/ip.js';
import { parseNftConfig } from '../src/parsers/nft-config.js';

// The evaluator on hand-written rulesets (one behaviour each), then against brute-force readings of
// random rulesets written independently here: first-match with jumps, last-match with quick,
// block-wins, and first-match again through the nft-language reader.

const FILE = '/etc/test.conf';
let nextLine = 1;

function rule(match: Match, action: RuleAction | RuleAction['kind'], extra: Partial<Rule> = {}): Rule {
  const line = nextLine++;
  const act = typeof action === 'string' ? ({ kind: action } as RuleAction) : action;
  return { match, action: act, source: { path: FILE, line, text: `rule ${line}` }, ...extra };
}

function base(id: string, rules: Rule[], options: { policy?: 'accept' | 'drop'; priority?: number; families?: Chain['families']; hook?: Chain['hook'] } = {}): Chain {
  const chain: Chain = { id, name: id.split(' ').pop() as string, hook: options.hook ?? 'output', priority: options.priority ?? 0, families: options.families ?? ['ipv4', 'ipv6'], rules };
  if (options.policy) {
    chain.policy = options.policy;
    chain.policySource = { path: FILE, line: 100, text: `policy ${options.policy}` };
  }
  return chain;
}

function user(id: string, rules: Rule[]): Chain {
  return { id, name: id.split(' ').pop() as string, families: ['ipv4', 'ipv6'], rules };
}

function ruleset(chains: Chain[], semantics: Semantics = 'first-match'): EgressRuleset {
  return { backend: semantics === 'first-match' ? 'nftables' : semantics === 'last-match' ? 'pf' : 'windows', label: 'test ruleset', semantics, active: true, chains, unsupported: [], sources: [FILE], errors: [] };
}

const tcp = (address: string, port: number, extra: Partial<Destination> = {}): Destination => ({ address, family: address.includes(':') ? 'ipv6' : 'ipv4', protocol: 'tcp', port, ...extra });
const udp = (address: string, port: number, extra: Partial<Destination> = {}): Destination => ({ ...tcp(address, port, extra), protocol: 'udp' });

describe('first-match (netfilter)', () => {
  it('follows jump, return and goto with a call stack', () => {
    const set = ruleset([
      base('inet f out', [
        rule({ daddr: { values: ['10.0.0.0/8'] } }, { kind: 'jump', chain: 'inet f private' }),
        rule({ dport: { values: [[22, 22]] }, protocol: { values: ['tcp'] } }, { kind: 'goto', chain: 'inet f ssh' }),
        rule({ protocol: { values: ['udp'] } }, 'accept'),
      ], { policy: 'drop' }),
      user('inet f private', [
        rule({ dport: { values: [[443, 443]] } }, 'accept'),
        rule({ daddr: { values: ['10.9.0.0/16'] } }, 'return'),
        rule({}, 'drop'),
      ]),
      user('inet f ssh', [rule({ daddr: { values: ['192.0.2.0/24'] } }, 'accept'), rule({}, 'return')]),
    ]);
    expect(evaluateEgress(set, tcp('10.1.1.1', 443))).toMatchObject({ verdict: 'allow', decidedBy: { line: set.chains[1]!.rules[0]!.source.line } });
    expect(evaluateEgress(set, tcp('10.1.1.1', 80))).toMatchObject({ verdict: 'deny', decidedBy: { line: set.chains[1]!.rules[2]!.source.line } });
    // return from the jumped chain continues after the jump: udp is accepted by the base chain.
    expect(evaluateEgress(set, udp('10.9.1.1', 53))).toMatchObject({ verdict: 'allow', decidedBy: { text: `rule ${set.chains[0]!.rules[2]!.source.line}` } });
    // goto does not come back: return from the goto'd chain ends the base chain (its policy).
    expect(evaluateEgress(set, tcp('198.51.100.1', 22))).toMatchObject({ verdict: 'deny', decidedBy: { text: 'policy drop', line: 100 } });
    expect(evaluateEgress(set, tcp('192.0.2.7', 22)).verdict).toBe('allow');
  });

  it('resolves a jump by name within the jumping chain table, and reports a missing chain or a loop as unknown', () => {
    const byName = ruleset([base('ip t out', [rule({}, { kind: 'jump', chain: 'inner' })], { policy: 'accept' }), user('ip t inner', [rule({}, 'drop')]), user('ip other inner', [rule({}, 'accept')])]);
    expect(evaluateEgress(byName, tcp('192.0.2.1', 1)).verdict).toBe('deny');
    const missing = evaluateEgress(ruleset([base('ip t out', [rule({}, { kind: 'jump', chain: 'nowhere' })])]), tcp('192.0.2.1', 1));
    expect(missing).toMatchObject({ verdict: 'unknown', construct: 'jump nowhere' });
    expect(missing.reason).toMatch(/nowhere, which is not in the ruleset/);
    const loop = ruleset([base('ip t out', [rule({}, { kind: 'jump', chain: 'a' })]), user('ip t a', [rule({}, { kind: 'jump', chain: 'b' })]), user('ip t b', [rule({}, { kind: 'jump', chain: 'a' })])]);
    expect(evaluateEgress(loop, tcp('192.0.2.1', 1))).toMatchObject({ verdict: 'unknown', construct: 'jump loop' });
    const gotoLoop = ruleset([base('ip t out', [rule({}, { kind: 'goto', chain: 'a' })]), user('ip t a', [rule({}, { kind: 'goto', chain: 'a' })])]);
    expect(evaluateEgress(gotoLoop, tcp('192.0.2.1', 1))).toMatchObject({ verdict: 'unknown', construct: 'rule loop' });
  });

  it('runs every output base chain in priority order: drop anywhere is final, accept goes on', () => {
    const late = base('ip late out', [rule({ daddr: { values: ['198.51.100.0/24'] } }, 'drop')], { priority: 10, policy: 'accept', families: ['ipv4'] });
    const early = base('inet early out', [rule({ dport: { values: [[443, 443]] } }, 'accept'), rule({ dport: { values: [[25, 25]] } }, 'drop')], { priority: -150, policy: 'accept' });
    const input = base('inet f in', [rule({}, 'drop')], { hook: 'input' });
    const set = ruleset([late, input, early]);
    expect(outputBaseChains(set, 'ipv4').map((chain) => chain.id)).toEqual(['inet early out', 'ip late out']);
    expect(outputBaseChains(set, 'ipv6').map((chain) => chain.id)).toEqual(['inet early out']);
    expect(evaluateEgress(set, tcp('198.51.100.4', 443))).toMatchObject({ verdict: 'deny', decidedBy: { line: late.rules[0]!.source.line } });
    expect(evaluateEgress(set, tcp('192.0.2.4', 443))).toMatchObject({ verdict: 'allow', decidedBy: { line: early.rules[0]!.source.line } });
    expect(evaluateEgress(set, tcp('192.0.2.4', 25))).toMatchObject({ verdict: 'deny', decidedBy: { line: early.rules[1]!.source.line } });
    // The ip table does not see IPv6: only the inet chain decides.
    expect(evaluateEgress(set, tcp('2001:db8::4', 443)).verdict).toBe('allow');
    // An unknown verdict in the first chain, a drop in the second: denied either way.
    const vmap = base('inet early out', [rule({}, { kind: 'unknown', construct: 'vmap' })], { priority: -150 });
    expect(evaluateEgress(ruleset([vmap, late]), tcp('198.51.100.4', 1))).toMatchObject({ verdict: 'deny' });
    expect(evaluateEgress(ruleset([vmap, late]), tcp('192.0.2.4', 1))).toMatchObject({ verdict: 'unknown', construct: 'vmap' });
  });

  it('matches families, protocols, ports, addresses (v4 and v6, negated), and keeps IPv4 ranges away from IPv6 packets', () => {
    const set = ruleset([
      base('inet f out', [
        rule({ family: 'ipv6', protocol: { values: ['udp'] } }, 'drop'),
        rule({ daddr: { values: ['2001:db8::/32'] }, dport: { values: [[8000, 8999]] }, protocol: { values: ['tcp'] } }, 'accept'),
        rule({ daddr: { values: ['0.0.0.0/0'] }, dport: { values: [[1, 1023]], negate: true } }, 'drop'),
        rule({ family: 'ipv4', daddr: { values: ['10.0.0.0/8', '172.16.0.0/12'], negate: true }, protocol: { values: ['6'] } }, 'accept'),
      ], { policy: 'drop' }),
    ]);
    expect(evaluateEgress(set, udp('2001:db8::1', 53)).verdict).toBe('deny');
    expect(evaluateEgress(set, tcp('2001:db8::1', 8443)).verdict).toBe('allow');
    expect(evaluateEgress(set, tcp('2001:db9::1', 8443)).verdict).toBe('deny');
    expect(evaluateEgress(set, tcp('192.0.2.1', 8443)).decidedBy?.line).toBe(set.chains[0]!.rules[2]!.source.line);
    expect(evaluateEgress(set, tcp('192.0.2.1', 443)).decidedBy?.line).toBe(set.chains[0]!.rules[3]!.source.line);
    expect(evaluateEgress(set, tcp('172.20.0.1', 443)).decidedBy?.text).toBe('policy drop');
    // ::ffff:192.0.2.1 is an IPv6 packet: 0.0.0.0/0 does not match it, the v6 policy decides.
    expect(evaluateEgress(set, tcp('::ffff:192.0.2.1', 80)).decidedBy?.text).toBe('policy drop');
  });

  it('treats the packet as a new connection, and knows locally generated packets have no input interface', () => {
    const set = ruleset([
      base('inet f out', [
        rule({ ctState: { values: ['established', 'related'] } }, 'accept'),
        rule({ iif: { values: ['lo'] } }, 'accept'),
        rule({ ctState: { values: ['new'] }, dport: { values: [[443, 443]] } }, 'accept'),
        rule({ ctState: { values: ['established'], negate: true }, dport: { values: [[80, 80]] } }, 'accept'),
        rule({ iif: { values: ['eth0'], negate: true }, dport: { values: [[81, 81]] } }, 'accept'),
      ], { policy: 'drop' }),
    ]);
    expect(evaluateEgress(set, tcp('192.0.2.1', 22)).decidedBy?.text).toBe('policy drop');
    expect(evaluateEgress(set, tcp('192.0.2.1', 443)).decidedBy?.line).toBe(set.chains[0]!.rules[2]!.source.line);
    expect(evaluateEgress(set, tcp('192.0.2.1', 80)).verdict).toBe('allow');
    expect(evaluateEgress(set, tcp('192.0.2.1', 81)).verdict).toBe('allow');
  });

  it('matches the socket owner when the uid is known, and says the verdict depends on it otherwise', () => {
    const agentOnly = rule({ uid: { values: [[1001, 1001]] }, dport: { values: [[443, 443]] } }, 'accept');
    const set = ruleset([base('inet f out', [rule({ uid: { values: [[0, 0]] } }, 'accept'), agentOnly, rule({ uid: { values: [[1000, 1999]], negate: true } }, 'drop')], { policy: 'accept' })]);
    expect(evaluateEgress(set, tcp('192.0.2.1', 443, { uid: 1001 })).decidedBy?.line).toBe(agentOnly.source.line);
    expect(evaluateEgress(set, tcp('192.0.2.1', 80, { uid: 1001 })).decidedBy?.text).toBe('policy accept');
    expect(evaluateEgress(set, tcp('192.0.2.1', 80, { uid: 2000 })).verdict).toBe('deny');
    expect(evaluateEgress(set, tcp('192.0.2.1', 80, { uid: 0 })).verdict).toBe('allow');
    const open = evaluateEgress(set, tcp('192.0.2.1', 80));
    expect(open.verdict).toBe('unknown');
    expect(open.construct).toMatch(/socket owner uid 0 \(the connecting uid is not known\)/);
  });

  it('knows the loopback interface, and leaves any other interface to the route unless given', () => {
    const set = ruleset([base('inet f out', [rule({ oif: { values: ['lo'] } }, 'accept'), rule({ oif: { values: ['wg*'] } }, 'accept'), rule({ oif: { values: ['lo'], negate: true }, dport: { values: [[53, 53]] } }, 'accept')], { policy: 'drop' })]);
    expect(evaluateEgress(set, tcp('127.0.0.1', 5432))).toMatchObject({ verdict: 'allow', decidedBy: { line: set.chains[0]!.rules[0]!.source.line } });
    expect(evaluateEgress(set, tcp('::1', 5432)).verdict).toBe('allow');
    const vpn = evaluateEgress(set, tcp('192.0.2.1', 443));
    expect(vpn).toMatchObject({ verdict: 'unknown', construct: 'output interface "wg*" (depends on the route)' });
    expect(evaluateEgress(set, tcp('192.0.2.1', 443, { oif: 'eth0' })).verdict).toBe('deny');
    expect(evaluateEgress(set, tcp('192.0.2.1', 443, { oif: 'wg0' })).verdict).toBe('allow');
    // The interface is not known but is not `lo`: whether or not it is a wg interface, DNS is accepted.
    expect(evaluateEgress(set, udp('192.0.2.1', 53)).verdict).toBe('allow');
  });

  it('names an unmodelled construct only when it decides; known fields that exclude the packet skip it', () => {
    const vague = rule({ dport: { values: [[25, 25]] }, unknown: ['meta mark 0x1'] }, 'accept');
    const set = ruleset([base('inet f out', [vague, rule({ unknown: ['ip saddr 10.0.0.1'] }, 'drop'), rule({ dport: { values: [[443, 443]] } }, 'accept')], { policy: 'drop' })]);
    // Port 80: the first rule is excluded by its port; the second drops or not, and the policy drops anyway.
    expect(evaluateEgress(set, tcp('192.0.2.1', 80))).toMatchObject({ verdict: 'deny', decidedBy: { text: 'policy drop' } });
    // Port 443: the second rule decides between drop and the accept below.
    const decision = evaluateEgress(set, tcp('192.0.2.1', 443));
    expect(decision).toMatchObject({ verdict: 'unknown', construct: 'ip saddr 10.0.0.1', decidedBy: { path: FILE, line: set.chains[0]!.rules[1]!.source.line } });
    expect(decision.reason).toBe(`unknown: ip saddr 10.0.0.1 in "rule ${set.chains[0]!.rules[1]!.source.line}" (${FILE}:${set.chains[0]!.rules[1]!.source.line}) decides the outcome, and it is not modelled`);
    expect(evaluateEgress(set, tcp('192.0.2.1', 25))).toMatchObject({ verdict: 'unknown', construct: 'meta mark 0x1' });
    // A rule that can never match a new connection is skipped.
    const impossible = ruleset([base('inet f out', [rule({ impossible: 'ip frag-off & 0x1fff != 0' }, 'drop')], { policy: 'accept' })]);
    expect(evaluateEgress(impossible, tcp('192.0.2.1', 1)).verdict).toBe('allow');
  });

  it('derives the address type (fib daddr type) from the destination', () => {
    const set = ruleset([base('inet f out', [rule({ addrType: { values: ['multicast', 'broadcast'] } }, 'drop'), rule({ addrType: { values: ['unicast'], negate: true } }, 'reject')], { policy: 'accept' })]);
    expect(evaluateEgress(set, udp('224.0.0.251', 5353)).verdict).toBe('deny');
    expect(evaluateEgress(set, udp('ff02::fb', 5353)).verdict).toBe('deny');
    expect(evaluateEgress(set, udp('255.255.255.255', 67)).verdict).toBe('deny');
    expect(evaluateEgress(set, udp('127.0.0.1', 53)).decidedBy?.line).toBe(set.chains[0]!.rules[1]!.source.line);
    expect(evaluateEgress(set, udp('192.0.2.1', 53)).verdict).toBe('allow');
  });

  it('with no output chain for the family, nothing filters', () => {
    const set = ruleset([base('ip f out', [rule({}, 'drop')], { families: ['ipv4'] }), base('inet f in', [rule({}, 'drop')], { hook: 'input' })]);
    expect(evaluateEgress(set, tcp('2001:db8::1', 443))).toEqual({ verdict: 'allow', reason: 'no ipv6 output chain in test ruleset: nothing filters outgoing ipv6 traffic' });
  });

  it('names rules by file and line, or by chain and handle', () => {
    expect(formatSource({ path: '/etc/nftables.conf', line: 12 })).toBe('/etc/nftables.conf:12');
    expect(formatSource({ chain: 'inet filter output', handle: 7 })).toBe('chain inet filter output handle 7');
    const set = ruleset([base('inet filter output', [{ match: {}, action: { kind: 'reject' }, source: { chain: 'inet filter output', handle: 7, text: 'reject' } }])]);
    expect(evaluateEgress(set, tcp('192.0.2.1', 1)).reason).toBe('rejected by "reject" (chain inet filter output handle 7)');
  });
});

describe('defaultVerdict', () => {
  it('names the policy, or the catch-all rule, or says which default traffic leaves', () => {
    const drop = ruleset([base('inet f out', [rule({ daddr: { values: ['203.0.113.0/24'] } }, 'accept')], { policy: 'drop' })]);
    expect(defaultVerdict(drop, 'ipv4')).toMatchObject({ verdict: 'deny', decidedBy: { text: 'policy drop', line: 100 } });
    expect(defaultVerdict(drop, 'ipv4').reason).toMatch(/^192\.0\.2\.1 tcp\/9, tcp\/47474, udp\/9, udp\/47474: no rule decided: denied by the drop policy of inet f out/);
    const catchAll = rule({}, 'reject');
    const rejectAll = ruleset([base('inet f out', [rule({ dport: { values: [[443, 443]] } }, 'accept'), catchAll], { policy: 'accept' })]);
    expect(defaultVerdict(rejectAll, 'ipv6')).toMatchObject({ verdict: 'deny', decidedBy: { line: catchAll.source.line } });
    const udpLeaks = ruleset([base('inet f out', [rule({ protocol: { values: ['udp'] } }, 'accept')], { policy: 'drop' })]);
    expect(defaultVerdict(udpLeaks, 'ipv4')).toMatchObject({ verdict: 'allow', decidedBy: { line: udpLeaks.chains[0]!.rules[0]!.source.line } });
    const byUser = ruleset([base('inet f out', [rule({ uid: { values: [[0, 0]] } }, 'accept')], { policy: 'drop' })]);
    expect(defaultVerdict(byUser, 'ipv4').verdict).toBe('unknown');
    expect(defaultVerdict(byUser, 'ipv4', { uid: 1001 }).verdict).toBe('deny');
    expect(defaultVerdict(byUser, 'ipv4', { uid: 0 }).verdict).toBe('allow');
  });
});

describe('last-match (pf) and block-wins (Windows)', () => {
  it('pf: the last matching rule decides unless a matching rule is quick; anchors are evaluated in place', () => {
    const blockAll = rule({}, 'drop');
    const passWeb = rule({ dport: { values: [[443, 443]] } }, 'accept');
    const quickBlock = rule({ daddr: { values: ['198.51.100.0/24'] } }, 'drop', { quick: true });
    const anchor = rule({ protocol: { values: ['udp'] } }, { kind: 'jump', chain: 'anchor' });
    const set = ruleset([base('pf rules', [quickBlock, blockAll, passWeb, anchor]), user('pf anchor', [rule({ dport: { values: [[53, 53]] } }, 'accept')])], 'last-match');
    expect(evaluateEgress(set, tcp('192.0.2.1', 443)).decidedBy?.line).toBe(passWeb.source.line);
    expect(evaluateEgress(set, tcp('192.0.2.1', 80)).decidedBy?.line).toBe(blockAll.source.line);
    expect(evaluateEgress(set, tcp('198.51.100.1', 443)).decidedBy?.line).toBe(quickBlock.source.line);
    expect(evaluateEgress(set, udp('192.0.2.1', 53)).verdict).toBe('allow');
    const empty = ruleset([base('pf rules', [rule({ dport: { values: [[1, 1]] } }, 'drop')])], 'last-match');
    expect(evaluateEgress(empty, tcp('192.0.2.1', 443))).toMatchObject({ verdict: 'allow', reason: expect.stringMatching(/^no rule matched: allowed by the accept policy/) });
  });

  it('Windows: any matching block rule wins over allow rules, in any order; otherwise the default', () => {
    const allow = rule({ dport: { values: [[443, 443]] } }, 'accept');
    const block = rule({ daddr: { values: ['198.51.100.0/24'] } }, 'drop');
    const set = ruleset([base('windows public', [allow, block], { policy: 'drop' })], 'block-wins');
    expect(evaluateEgress(set, tcp('198.51.100.1', 443)).decidedBy?.line).toBe(block.source.line);
    expect(evaluateEgress(set, tcp('192.0.2.1', 443)).decidedBy?.line).toBe(allow.source.line);
    expect(evaluateEgress(set, tcp('192.0.2.1', 80)).decidedBy?.text).toBe('policy drop');
    const unknownBlock = ruleset([base('windows public', [allow, rule({ unknown: ['program C:\\x.exe'] }, 'drop')], { policy: 'drop' })], 'block-wins');
    expect(evaluateEgress(unknownBlock, tcp('192.0.2.1', 443))).toMatchObject({ verdict: 'unknown', construct: 'program C:\\x.exe' });
    expect(evaluateEgress(unknownBlock, tcp('192.0.2.1', 80)).verdict).toBe('deny');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property tests against brute-force readings written independently of the evaluator

interface GenRule {
  net?: { base: number; prefix: number; negate: boolean };
  protocol?: 'tcp' | 'udp';
  ports?: { low: number; high: number; negate: boolean };
  action: 'accept' | 'drop' | 'jump' | 'return' | 'continue';
  quick: boolean;
}

interface GenPacket {
  address: number;
  protocol: 'tcp' | 'udp';
  port: number;
}

const dotted = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');

function inNet(address: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const mask = prefix === 32 ? 0xffffffff : ~(0xffffffff >>> prefix) >>> 0;
  return ((address & mask) >>> 0) === ((base & mask) >>> 0);
}

function bruteMatches(r: GenRule, p: GenPacket): boolean {
  if (r.net && inNet(p.address, r.net.base, r.net.prefix) === r.net.negate) return false;
  if (r.protocol && r.protocol !== p.protocol) return false;
  if (r.ports) {
    const inside = p.port >= r.ports.low && p.port <= r.ports.high;
    if (inside === r.ports.negate) return false;
  }
  return true;
}

function toMatch(r: GenRule): Match {
  const match: { daddr?: Match['daddr']; protocol?: Match['protocol']; dport?: Match['dport'] } = {};
  if (r.net) match.daddr = { values: [`${dotted(r.net.base)}/${r.net.prefix}`], ...(r.net.negate ? { negate: true } : {}) };
  if (r.protocol) match.protocol = { values: [r.protocol] };
  if (r.ports) match.dport = { values: [[r.ports.low, r.ports.high]], ...(r.ports.negate ? { negate: true } : {}) };
  return match;
}

const genNet = fc.record({ base: fc.integer({ min: 0, max: 0xffffffff }), prefix: fc.integer({ min: 0, max: 32 }), negate: fc.boolean() });
const genPorts = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.boolean()).map(([a, b, negate]) => ({ low: Math.min(a, b), high: Math.max(a, b), negate }));
const genRule = (actions: GenRule['action'][]) =>
  fc.record({
    net: fc.option(genNet, { nil: undefined }),
    protocol: fc.option(fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), { nil: undefined }),
    ports: fc.option(genPorts, { nil: undefined }),
    action: fc.constantFrom(...actions),
    quick: fc.boolean(),
  });

/** Packets near the generated rules: inside or just outside their networks, on their port bounds. */
function genPacket(rules: GenRule[]): fc.Arbitrary<GenPacket> {
  const nets = rules.flatMap((r) => (r.net ? [r.net] : []));
  const ports = rules.flatMap((r) => (r.ports ? [r.ports.low - 1, r.ports.low, r.ports.high, r.ports.high + 1] : [])).filter((port) => port >= 0 && port <= 65535);
  const address = nets.length > 0
    ? fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.tuple(fc.constantFrom(...nets), fc.integer({ min: 0, max: 0xffffffff })).map(([net, host]) => {
        const mask = net.prefix === 0 ? 0 : net.prefix === 32 ? 0xffffffff : ~(0xffffffff >>> net.prefix) >>> 0;
        return (((net.base & mask) | (host & ~mask)) >>> 0);
      }))
    : fc.integer({ min: 0, max: 0xffffffff });
  const port = ports.length > 0 ? fc.oneof(fc.constantFrom(...ports), fc.integer({ min: 0, max: 250 })) : fc.integer({ min: 0, max: 250 });
  return fc.record({ address, protocol: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), port });
}

function destinationOf(p: GenPacket): Destination {
  return { address: dotted(p.address), family: 'ipv4', protocol: p.protocol, port: p.port };
}

/** netfilter by recursion: a jump runs the user chain and comes back unless it decided. */
function bruteFirstMatch(baseRules: GenRule[], userRules: GenRule[], policy: 'accept' | 'drop', p: GenPacket): 'allow' | 'deny' {
  const run = (rules: GenRule[], inUser: boolean): 'accept' | 'drop' | undefined => {
    for (const r of rules) {
      if (!bruteMatches(r, p)) continue;
      if (r.action === 'accept' || r.action === 'drop') return r.action;
      if (r.action === 'return') return undefined;
      if (r.action === 'jump' && !inUser) {
        const result = run(userRules, true);
        if (result) return result;
      }
    }
    return undefined;
  };
  const verdict = run(baseRules, false) ?? policy;
  return verdict === 'accept' ? 'allow' : 'deny';
}

function modelAction(r: GenRule): RuleAction {
  return r.action === 'jump' ? { kind: 'jump', chain: 'user' } : ({ kind: r.action } as RuleAction);
}

describe('properties: the evaluator agrees with a brute-force reading', () => {
  const firstMatchCase = fc
    .record({
      baseRules: fc.array(genRule(['accept', 'drop', 'jump', 'return', 'continue']), { maxLength: 8 }),
      userRules: fc.array(genRule(['accept', 'drop', 'return', 'continue']), { maxLength: 5 }),
      policy: fc.constantFrom<'accept' | 'drop'>('accept', 'drop'),
    })
    .chain((ruleset) => fc.record({ ruleset: fc.constant(ruleset), packets: fc.array(genPacket([...ruleset.baseRules, ...ruleset.userRules]), { minLength: 1, maxLength: 10 }) }));

  it('first-match with jumps, returns and policies', () => {
    fc.assert(
      fc.property(firstMatchCase, ({ ruleset: generated, packets }) => {
        const model = ruleset([
          base('ip t out', generated.baseRules.map((r) => rule(toMatch(r), modelAction(r))), { policy: generated.policy, families: ['ipv4'] }),
          user('ip t user', generated.userRules.map((r) => rule(toMatch(r), modelAction(r)))),
        ]);
        for (const packet of packets) {
          expect(evaluateEgress(model, destinationOf(packet)).verdict).toBe(bruteFirstMatch(generated.baseRules, generated.userRules, generated.policy, packet));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('last-match with quick', () => {
    const lastMatchCase = fc
      .record({ rules: fc.array(genRule(['accept', 'drop']), { maxLength: 10 }), policy: fc.constantFrom<'accept' | 'drop'>('accept', 'drop') })
      .chain((generated) => fc.record({ generated: fc.constant(generated), packets: fc.array(genPacket(generated.rules), { minLength: 1, maxLength: 10 }) }));
    fc.assert(
      fc.property(lastMatchCase, ({ generated, packets }) => {
        const model = ruleset([base('pf rules', generated.rules.map((r) => rule(toMatch(r), r.action, r.quick ? { quick: true } : {})), { policy: generated.policy })], 'last-match');
        for (const packet of packets) {
          let decided: GenRule | undefined;
          for (const r of generated.rules) {
            if (!bruteMatches(r, packet)) continue;
            decided = r;
            if (r.quick) break;
          }
          const expected = (decided?.action ?? generated.policy) === 'accept' ? 'allow' : 'deny';
          expect(evaluateEgress(model, destinationOf(packet)).verdict).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('block-wins', () => {
    const blockCase = fc
      .record({ rules: fc.array(genRule(['accept', 'drop']), { maxLength: 10 }), policy: fc.constantFrom<'accept' | 'drop'>('accept', 'drop') })
      .chain((generated) => fc.record({ generated: fc.constant(generated), packets: fc.array(genPacket(generated.rules), { minLength: 1, maxLength: 10 }) }));
    fc.assert(
      fc.property(blockCase, ({ generated, packets }) => {
        const model = ruleset([base('windows public', generated.rules.map((r) => rule(toMatch(r), r.action)), { policy: generated.policy })], 'block-wins');
        for (const packet of packets) {
          const matching = generated.rules.filter((r) => bruteMatches(r, packet));
          const expected = matching.some((r) => r.action === 'drop') ? 'deny' : matching.length > 0 ? 'allow' : generated.policy === 'accept' ? 'allow' : 'deny';
          expect(evaluateEgress(model, destinationOf(packet)).verdict).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('first-match written in the nft language and read back by the parser', async () => {
    const render = (r: GenRule): string => {
      const parts: string[] = [];
      if (r.net) parts.push(`ip daddr ${r.net.negate ? '!= ' : ''}${dotted(r.net.base)}/${r.net.prefix}`);
      if (r.protocol) parts.push(`meta l4proto ${r.protocol}`);
      if (r.ports) parts.push(`th dport ${r.ports.negate ? '!= ' : ''}${r.ports.low === r.ports.high ? r.ports.low : `${r.ports.low}-${r.ports.high}`}`);
      parts.push(r.action === 'jump' ? 'jump user' : r.action);
      if (r.action === 'continue') parts.splice(parts.length - 1, 1, 'counter');
      return `    ${parts.join(' ')}`;
    };
    await fc.assert(
      fc.asyncProperty(firstMatchCase, async ({ ruleset: generated, packets }) => {
        const text = [
          'table ip t {',
          '  chain user {',
          ...generated.userRules.map(render),
          '  }',
          '  chain out {',
          `    type filter hook output priority 0; policy ${generated.policy};`,
          ...generated.baseRules.map(render),
          '  }',
          '}',
        ].join('\n');
        const parsed = await parseNftConfig({ read: async (file) => (file === '/etc/nftables.conf' ? text : undefined), list: async () => undefined }, '/etc/nftables.conf');
        expect(parsed.errors).toEqual([]);
        for (const packet of packets) {
          expect(evaluateEgress(parsed, destinationOf(packet)).verdict).toBe(bruteFirstMatch(generated.baseRules, generated.userRules, generated.policy, packet));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('range arithmetic the evaluator and the nft readers rely on (src/network/ip.ts)', () => {
  it('an address range becomes prefixes that hold exactly its addresses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 5000 }), fc.array(fc.integer({ min: -20, max: 5020 }), { maxLength: 20 }), (first, span, probes) => {
        const last = Math.min(0xffffffff, first + span);
        const cidrs = rangeToCidrs(dotted(first), dotted(last)) as Cidr[];
        for (const offset of [0, last - first, -1, last - first + 1, ...probes]) {
          const address = first + offset;
          if (address < 0 || address > 0xffffffff) continue;
          const inside = address >= first && address <= last;
          expect(cidrs.some((cidr) => cidrContains(cidr, dotted(address)))).toBe(inside);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a prefix minus another holds every address of the first that is not in the second', () => {
    fc.assert(
      fc.property(genNet, genNet, fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }), (a, b, probes) => {
        const left = parseCidr(`${dotted(a.base)}/${a.prefix}`) as Cidr;
        const right = parseCidr(`${dotted(b.base)}/${b.prefix}`) as Cidr;
        const pieces = subtractCidr(left, right);
        for (const address of [a.base, b.base, ...probes]) {
          const expected = inNet(address, a.base, a.prefix) && !inNet(address, b.base, b.prefix);
          expect(pieces.some((piece) => cidrContains(piece, dotted(address)))).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps families apart and writes canonical IPv6', () => {
    expect(formatCidr(parseCidr('2001:0db8:0:0::1/128') as Cidr)).toBe('2001:db8::1');
    expect(formatCidr(parseCidr('2001:db8:2::100/48') as Cidr)).toBe('2001:db8:2::/48');
    expect(rangeToCidrs('2001:db8::', '2001:db8::ff')?.map(formatCidr)).toEqual(['2001:db8::/120']);
    expect(cidrContains(parseCidr('0.0.0.0/0') as Cidr, '::ffff:192.0.2.1')).toBe(false);
    expect(cidrContains(parseCidr('::/0') as Cidr, '192.0.2.1')).toBe(false);
    expect(rangeToCidrs('10.0.0.9', '10.0.0.1')).toBeUndefined();
  });
});
