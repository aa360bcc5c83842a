// The egress evaluator: for one destination (a new outgoing TCP or UDP connection), what the ruleset
// does with it: allow, deny or unknown, and the rule (or chain policy) that decided.
//
// The output path is every base chain with hook `output` that sees the destination's family, in priority
// order. The packet leaves only if each of them lets it through: a drop or reject in any is final, an
// accept only ends the chain it is in (netfilter runs the next base chain). Within a chain the ruleset's
// semantics apply: first-match (netfilter: jump/goto/return with a call stack), last-match (pf: the last
// matching rule decides unless a matching rule is quick), block-wins (Windows).
//
// Never a guess: when a rule's known fields match and its match also holds a construct the parser could
// not model (or depends on the connecting uid or the output interface, which the destination leaves
// open), the evaluator follows both outcomes, the rule matching and not matching. When both end in the
// same verdict, that verdict stands; when they differ, the verdict is unknown and names the construct and
// where it is. A verdict the model cannot follow (a vmap, a queue) is unknown too, unless a later base
// chain drops the packet anyway.

import { cidrContains, ipFamily, parseCidr, type Cidr } from '../network/ip.js';
import type { Chain, Destination, EgressDecision, EgressRuleset, FieldMatch, IpFamily, Match, Range, Rule, SourceRef } from './model.js';

/** Nested jumps deeper than this are treated as a loop. */
const MAX_CALL_DEPTH = 64;
/** Rules visited in one evaluation before giving up (a goto loop never grows the stack). */
const MAX_STEPS = 100_000;
/** Evaluations with different assumptions about unmodelled constructs before settling for unknown. */
const MAX_RUNS = 256;

/** The destinations defaultVerdict probes: documentation addresses (RFC 5737, RFC 3849) on unusual ports. */
export const DEFAULT_PROBE_ADDRESSES: Readonly<Record<IpFamily, string>> = { ipv4: '192.0.2.1', ipv6: '2001:db8::1' };
export const DEFAULT_PROBE_PORTS: readonly number[] = [9, 47474];

/** "path:line", "chain inet filter output handle 7", or a rule name. */
export function formatSource(source: SourceRef | undefined): string {
  if (!source) return 'unknown location';
  if (source.path) return source.line !== undefined ? `${source.path}:${source.line}` : source.path;
  if (source.chain) return source.handle !== undefined ? `chain ${source.chain} handle ${source.handle}` : `chain ${source.chain}`;
  return source.text ?? 'unknown location';
}

function describeRule(source: SourceRef): string {
  const where = formatSource(source);
  return source.text && where !== source.text ? `"${source.text}" (${where})` : where;
}

/** The base chains on the output path of a family, lowest priority first (declaration order on ties). */
export function outputBaseChains(ruleset: EgressRuleset, family: IpFamily): Chain[] {
  return ruleset.chains
    .map((chain, index) => ({ chain, index }))
    .filter(({ chain }) => chain.hook === 'output' && chain.families.includes(family))
    .sort((a, b) => (a.chain.priority ?? 0) - (b.chain.priority ?? 0) || a.index - b.index)
    .map(({ chain }) => chain);
}

// ---------------------------------------------------------------------------------------------------
// Matching one rule against the packet

interface Packet {
  address: string;
  addressValid: boolean;
  family: IpFamily;
  protocol: 'tcp' | 'udp';
  port: number;
  uid?: number;
  /** Undefined: not known, but not `lo`. */
  oif?: string;
  addrType: string;
}

type Condition = { kind: 'match' } | { kind: 'nomatch' } | { kind: 'undetermined'; construct: string };

const PROTOCOL_ALIASES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'ipv6-icmp', icmpv6: 'ipv6-icmp', 'ipv6-icmp': 'ipv6-icmp' };

function normalProtocol(name: string): string {
  const lower = name.trim().toLowerCase();
  return PROTOCOL_ALIASES[lower] ?? lower;
}

/** Parsed ranges per value list (rulesets are evaluated for many destinations; a blocklist may hold thousands). */
const parsedLists = new WeakMap<readonly string[], { cidrs: Cidr[]; invalid: string[] }>();
function parsedList(values: readonly string[]): { cidrs: Cidr[]; invalid: string[] } {
  let found = parsedLists.get(values);
  if (!found) {
    found = { cidrs: [], invalid: [] };
    for (const value of values) {
      const cidr = parseCidr(value);
      if (cidr) found.cidrs.push(cidr);
      else found.invalid.push(value);
    }
    parsedLists.set(values, found);
  }
  return found;
}

/** Interface pattern: a trailing `*` (or iptables `+`) matches any name with that prefix. */
function interfaceMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith('*') || pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function fieldResult(present: boolean, negate: boolean | undefined): boolean {
  return negate ? !present : present;
}

function inRanges(values: readonly Range[], value: number): boolean {
  return values.some(([low, high]) => value >= low && value <= high);
}

function describeValues<T>(field: FieldMatch<T>, show: (value: T) => string): string {
  const text = field.values.map(show).join(', ');
  return `${field.negate ? '!= ' : ''}${field.values.length === 1 ? text : `{ ${text} }`}`;
}

function showRange([low, high]: Range): string {
  return low === high ? String(low) : `${low}-${high}`;
}

/** Whether the rule's match holds for the packet, fails, or cannot be told from what the model knows. */
function matchPacket(match: Match, packet: Packet): Condition {
  if (match.impossible) return { kind: 'nomatch' };
  const open: string[] = [];
  if (match.family && match.family !== packet.family) return { kind: 'nomatch' };
  if (match.protocol) {
    const present = match.protocol.values.some((value) => normalProtocol(value) === packet.protocol);
    if (!fieldResult(present, match.protocol.negate)) return { kind: 'nomatch' };
  }
  if (match.dport && !fieldResult(inRanges(match.dport.values, packet.port), match.dport.negate)) return { kind: 'nomatch' };
  if (match.ctState) {
    const present = match.ctState.values.some((state) => state.toLowerCase() === 'new');
    if (!fieldResult(present, match.ctState.negate)) return { kind: 'nomatch' };
  }
  if (match.iif) {
    // A locally generated packet has no input interface: a named interface never matches.
    if (!fieldResult(false, match.iif.negate)) return { kind: 'nomatch' };
  }
  if (match.addrType) {
    const present = match.addrType.values.some((type) => type.toLowerCase() === packet.addrType);
    if (!fieldResult(present, match.addrType.negate)) return { kind: 'nomatch' };
  }
  if (match.daddr && !packet.addressValid) {
    open.push(`destination ${describeValues(match.daddr, (value) => value)} (the destination "${packet.address}" is not an IP address)`);
  } else if (match.daddr) {
    const { cidrs, invalid } = parsedList(match.daddr.values);
    const present = cidrs.some((cidr) => cidrContains(cidr, packet.address));
    if (present || invalid.length === 0) {
      if (!fieldResult(present, match.daddr.negate)) return { kind: 'nomatch' };
    } else {
      open.push(`destination ${invalid.map((value) => `"${value}"`).join(', ')} (not an address or range)`);
    }
  }
  if (match.uid) {
    if (packet.uid === undefined) open.push(`socket owner uid ${describeValues(match.uid, showRange)} (the connecting uid is not known)`);
    else if (!fieldResult(inRanges(match.uid.values, packet.uid), match.uid.negate)) return { kind: 'nomatch' };
  }
  if (match.oif) {
    if (packet.oif !== undefined) {
      const name = packet.oif;
      if (!fieldResult(match.oif.values.some((pattern) => interfaceMatches(pattern, name)), match.oif.negate)) return { kind: 'nomatch' };
    } else if (match.oif.values.every((pattern) => pattern === 'lo')) {
      // Not a loopback destination: not `lo`, whatever the route.
      if (!fieldResult(false, match.oif.negate)) return { kind: 'nomatch' };
    } else {
      open.push(`output interface ${describeValues(match.oif, (value) => `"${value}"`)} (depends on the route)`);
    }
  }
  if (match.unknown && match.unknown.length > 0) open.push(...match.unknown);
  return open.length > 0 ? { kind: 'undetermined', construct: open.join('; ') } : { kind: 'match' };
}

// ---------------------------------------------------------------------------------------------------
// Running the chains

interface Decided {
  verdict: 'allow' | 'deny' | 'unknown';
  /** Decided by a chain policy rather than a rule. */
  byPolicy?: boolean;
  decidedBy?: SourceRef;
  reason: string;
  construct?: string;
}

/** Evaluation stopped at a rule whose match cannot be told: run again with an assumption about it. */
interface NeedsAssumption {
  branch: Rule;
  construct: string;
}

type ChainOutcome = Decided | NeedsAssumption;

function isBranch(outcome: ChainOutcome): outcome is NeedsAssumption {
  return (outcome as NeedsAssumption).branch !== undefined;
}

class Evaluation {
  steps = 0;
  constructor(
    readonly ruleset: EgressRuleset,
    readonly packet: Packet,
    readonly assumptions: ReadonlyMap<Rule, boolean>,
  ) {}

  /** True/false when the rule matches or not; a branch request when that cannot be told yet. */
  test(rule: Rule): boolean | NeedsAssumption {
    const condition = matchPacket(rule.match, this.packet);
    if (condition.kind === 'match') return true;
    if (condition.kind === 'nomatch') return false;
    const assumed = this.assumptions.get(rule);
    return assumed ?? { branch: rule, construct: condition.construct };
  }

  resolve(from: Chain, target: string): Chain | undefined {
    const chains = this.ruleset.chains;
    const exact = chains.find((chain) => chain.id === target);
    if (exact) return exact;
    if (from.id.endsWith(from.name)) {
      const sibling = from.id.slice(0, from.id.length - from.name.length) + target;
      const found = chains.find((chain) => chain.id === sibling);
      if (found) return found;
    }
    const named = chains.filter((chain) => chain.name === target);
    return named.length === 1 ? named[0] : undefined;
  }

  tooLong(): boolean {
    this.steps += 1;
    return this.steps > MAX_STEPS;
  }
}

function unknownAt(rule: Rule, construct: string, why?: string): Decided {
  return {
    verdict: 'unknown',
    decidedBy: rule.source,
    construct,
    reason: `unknown: ${why ?? `${construct} in ${describeRule(rule.source)} decides the outcome, and it is not modelled`}`,
  };
}

function ruleVerdict(rule: Rule, verdict: 'allow' | 'deny'): Decided {
  const word = rule.action.kind === 'reject' ? 'rejected' : verdict === 'allow' ? 'accepted' : 'dropped';
  return { verdict, decidedBy: rule.source, reason: `${word} by ${describeRule(rule.source)}` };
}

function policyVerdict(chain: Chain, semantics: 'first-match' | 'last-match' | 'block-wins'): Decided {
  const policy = chain.policy ?? 'accept';
  const base = chain.policySource ?? chain.source;
  const decidedBy: SourceRef = { ...(base ?? {}), chain: base?.chain ?? chain.id, text: base?.text ?? `policy ${policy}` };
  const where = base?.path ? ` (${formatSource(base)})` : '';
  const implicit = chain.policy === undefined ? ' (no policy set: accept)' : '';
  const what = semantics === 'first-match' ? 'no rule decided' : 'no rule matched';
  return {
    verdict: policy === 'accept' ? 'allow' : 'deny',
    byPolicy: true,
    decidedBy,
    reason: `${what}: ${policy === 'accept' ? 'allowed' : 'denied'} by the ${policy} policy of ${chain.id}${implicit}${where}`,
  };
}

/** netfilter: the first verdict decides; jump/goto/return with a call stack; chain end returns. */
function runFirstMatch(evaluation: Evaluation, base: Chain): ChainOutcome {
  const stack: { chain: Chain; index: number }[] = [];
  let chain = base;
  let index = 0;
  for (;;) {
    if (evaluation.tooLong()) return { verdict: 'unknown', construct: 'rule loop', reason: `unknown: evaluation of ${base.id} did not end (a jump or goto loop)` };
    if (index >= chain.rules.length) {
      const frame = stack.pop();
      if (!frame) return policyVerdict(base, 'first-match');
      ({ chain, index } = frame);
      continue;
    }
    const rule = chain.rules[index] as Rule;
    const tested = evaluation.test(rule);
    if (typeof tested !== 'boolean') return tested;
    if (!tested) {
      index += 1;
      continue;
    }
    const action = rule.action;
    switch (action.kind) {
      case 'accept':
        return ruleVerdict(rule, 'allow');
      case 'drop':
      case 'reject':
        return ruleVerdict(rule, 'deny');
      case 'continue':
        index += 1;
        continue;
      case 'return': {
        const frame = stack.pop();
        if (!frame) return policyVerdict(base, 'first-match');
        ({ chain, index } = frame);
        continue;
      }
      case 'jump':
      case 'goto': {
        const target = evaluation.resolve(chain, action.chain);
        if (!target) return unknownAt(rule, `${action.kind} ${action.chain}`, `${describeRule(rule.source)} ${action.kind}s to chain ${action.chain}, which is not in the ruleset`);
        if (action.kind === 'jump') {
          if (stack.length >= MAX_CALL_DEPTH) return unknownAt(rule, 'jump loop', `jumps nest deeper than ${MAX_CALL_DEPTH} at ${describeRule(rule.source)} (a loop)`);
          stack.push({ chain, index: index + 1 });
        }
        chain = target;
        index = 0;
        continue;
      }
      case 'unknown':
        return unknownAt(rule, action.construct, `${describeRule(rule.source)} matches, and its verdict (${action.construct}) is not modelled`);
    }
  }
}

/** The rules of a chain with jumps (pf anchors, Windows groups) expanded in place, each with the rule that led there. */
function* flatten(evaluation: Evaluation, chain: Chain, depth: number, seen: Set<Chain>): Generator<Rule | NeedsAssumption | Decided> {
  for (const rule of chain.rules) {
    if (rule.action.kind === 'jump' || rule.action.kind === 'goto') {
      const tested = evaluation.test(rule);
      if (typeof tested !== 'boolean') {
        yield tested;
        return;
      }
      if (!tested) continue;
      const target = evaluation.resolve(chain, rule.action.chain);
      if (!target) {
        yield unknownAt(rule, `${rule.action.kind} ${rule.action.chain}`, `${describeRule(rule.source)} refers to ${rule.action.chain}, which is not in the ruleset`);
        return;
      }
      if (seen.has(target) || depth >= MAX_CALL_DEPTH) {
        yield unknownAt(rule, 'anchor loop', `${describeRule(rule.source)} loops back into ${target.id}`);
        return;
      }
      seen.add(target);
      yield* flatten(evaluation, target, depth + 1, seen);
      seen.delete(target);
      continue;
    }
    yield rule;
  }
}

/**
 * Walks the rules of `base` (anchors and jumps flattened) in order and hands each one that matches, other
 * than continue and return, to `visit`, until it answers 'stop' or an outcome. The outcome that ended the
 * walk (visit's, an undecidable test, a loop), or undefined when the walk ran through or was stopped.
 */
function visitMatchingRules(evaluation: Evaluation, base: Chain, visit: (rule: Rule) => ChainOutcome | 'stop' | undefined): ChainOutcome | undefined {
  for (const item of flatten(evaluation, base, 0, new Set([base]))) {
    if (!('match' in item)) return item;
    const rule = item;
    if (evaluation.tooLong()) return { verdict: 'unknown', construct: 'rule loop', reason: `unknown: evaluation of ${base.id} did not end` };
    if (rule.action.kind === 'continue' || rule.action.kind === 'return') continue;
    const tested = evaluation.test(rule);
    if (typeof tested !== 'boolean') return tested;
    if (!tested) continue;
    const answer = visit(rule);
    if (answer === 'stop') return undefined;
    if (answer) return answer;
  }
  return undefined;
}

/** pf: the last matching rule decides, unless a matching rule is quick; no match: the policy (pass). */
function runLastMatch(evaluation: Evaluation, base: Chain): ChainOutcome {
  let candidate = undefined as Rule | undefined;
  const ended = visitMatchingRules(evaluation, base, (rule) => {
    candidate = rule;
    return rule.quick ? 'stop' : undefined;
  });
  if (ended) return ended;
  if (!candidate) return policyVerdict(base, 'last-match');
  const action = candidate.action;
  if (action.kind === 'accept') return ruleVerdict(candidate, 'allow');
  if (action.kind === 'drop' || action.kind === 'reject') return ruleVerdict(candidate, 'deny');
  const construct = action.kind === 'unknown' ? action.construct : action.kind;
  return unknownAt(candidate, construct, `${describeRule(candidate.source)} decides, and its action (${construct}) is not modelled`);
}

/** Windows: any matching block rule denies; otherwise any matching allow rule allows; otherwise the policy. */
function runBlockWins(evaluation: Evaluation, base: Chain): ChainOutcome {
  let allow = undefined as Rule | undefined;
  let unknown = undefined as Rule | undefined;
  const ended = visitMatchingRules(evaluation, base, (rule) => {
    if (rule.action.kind === 'drop' || rule.action.kind === 'reject') return ruleVerdict(rule, 'deny');
    if (rule.action.kind === 'accept') allow ??= rule;
    else unknown ??= rule;
    return undefined;
  });
  if (ended) return ended;
  if (unknown) {
    const construct = unknown.action.kind === 'unknown' ? unknown.action.construct : unknown.action.kind;
    return unknownAt(unknown, construct, `${describeRule(unknown.source)} matches, and its action (${construct}) is not modelled`);
  }
  if (allow) return ruleVerdict(allow, 'allow');
  return policyVerdict(base, 'block-wins');
}

function runChain(evaluation: Evaluation, chain: Chain): ChainOutcome {
  switch (evaluation.ruleset.semantics) {
    case 'last-match':
      return runLastMatch(evaluation, chain);
    case 'block-wins':
      return runBlockWins(evaluation, chain);
    default:
      return runFirstMatch(evaluation, chain);
  }
}

/** One pass over the output path under fixed assumptions. */
function runOutputPath(evaluation: Evaluation, chains: readonly Chain[]): ChainOutcome {
  let firstUnknown: Decided | undefined;
  const allowed: Decided[] = [];
  for (const chain of chains) {
    const outcome = runChain(evaluation, chain);
    if (isBranch(outcome)) return outcome;
    if (outcome.verdict === 'deny') return outcome;
    if (outcome.verdict === 'unknown') firstUnknown ??= outcome;
    else allowed.push(outcome);
  }
  if (firstUnknown) return firstUnknown;
  // Every base chain let it through; the rule to name is the last one a rule decided (a filter chain
  // usually runs after raw and NAT chains that accept by policy).
  const byRule = allowed.filter((decision) => !decision.byPolicy);
  const named = (byRule[byRule.length - 1] ?? allowed[allowed.length - 1]) as Decided;
  if (allowed.length === 1) return named;
  return { ...named, reason: allowed.map((decision, index) => `${index === 0 ? '' : 'then '}${decision.reason}`).join('; ') };
}

function packetOf(destination: Destination): Packet {
  const address = destination.address.trim().replace(/^\[(.*)\]$/, '$1');
  const family = destination.family;
  const loopback = (family === 'ipv4' && cidrContains({ address: '127.0.0.0', prefix: 8, family }, address)) || (family === 'ipv6' && cidrContains({ address: '::1', prefix: 128, family }, address));
  const multicast = cidrContains({ address: '224.0.0.0', prefix: 4, family: 'ipv4' }, address) || cidrContains({ address: 'ff00::', prefix: 8, family: 'ipv6' }, address);
  const broadcast = address === '255.255.255.255';
  const packet: Packet = {
    address,
    addressValid: ipFamily(address) === family,
    family,
    protocol: destination.protocol,
    port: destination.port,
    addrType: loopback ? 'local' : multicast ? 'multicast' : broadcast ? 'broadcast' : 'unicast',
  };
  if (destination.uid !== undefined) packet.uid = destination.uid;
  const oif = destination.oif ?? (loopback ? 'lo' : undefined);
  if (oif !== undefined) packet.oif = oif;
  return packet;
}

function toDecision(outcome: Decided): EgressDecision {
  const decision: EgressDecision = { verdict: outcome.verdict, reason: outcome.reason };
  if (outcome.decidedBy) decision.decidedBy = outcome.decidedBy;
  if (outcome.construct) decision.construct = outcome.construct;
  return decision;
}

/** What the ruleset does with a new outgoing connection to the destination. Never throws. */
export function evaluateEgress(ruleset: EgressRuleset, destination: Destination): EgressDecision {
  const chains = outputBaseChains(ruleset, destination.family);
  if (chains.length === 0) {
    return { verdict: 'allow', reason: `no ${destination.family} output chain in ${ruleset.label}: nothing filters outgoing ${destination.family} traffic` };
  }
  const packet = packetOf(destination);
  let runs = 0;
  const explore = (assumptions: Map<Rule, boolean>): Decided => {
    runs += 1;
    const outcome = runOutputPath(new Evaluation(ruleset, packet, assumptions), chains);
    if (!isBranch(outcome)) return outcome;
    const open = unknownAt(outcome.branch, outcome.construct);
    if (runs + 2 > MAX_RUNS) return open;
    const ifMatched = explore(new Map([...assumptions, [outcome.branch, true]]));
    if (ifMatched.verdict === 'unknown') return open;
    const ifNot = explore(new Map([...assumptions, [outcome.branch, false]]));
    if (ifNot.verdict !== ifMatched.verdict) return open;
    return ifNot;
  };
  try {
    return toDecision(explore(new Map()));
  } catch (error) {
    return { verdict: 'unknown', reason: `unknown: the evaluator failed (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * What happens to a packet no address- or port-specific rule singles out: documentation addresses
 * (192.0.2.1, 2001:db8::1) on unusual ports (9, 47474), over TCP and UDP. Allow when any of them is
 * certainly allowed (some default traffic leaves), deny when all are denied, unknown otherwise; the
 * decision names the policy or catch-all rule that decided.
 */
export function defaultVerdict(ruleset: EgressRuleset, family: IpFamily, options: { uid?: number } = {}): EgressDecision {
  const address = DEFAULT_PROBE_ADDRESSES[family];
  const results: { label: string; decision: EgressDecision }[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    for (const port of DEFAULT_PROBE_PORTS) {
      const destination: Destination = { address, family, protocol, port, ...(options.uid !== undefined ? { uid: options.uid } : {}) };
      results.push({ label: `${protocol}/${port}`, decision: evaluateEgress(ruleset, destination) });
    }
  }
  const pick = (verdict: EgressDecision['verdict']) => results.filter((result) => result.decision.verdict === verdict);
  const allowed = pick('allow');
  const unknown = pick('unknown');
  const chosen = allowed.length > 0 ? allowed : unknown.length > 0 ? unknown : results;
  const first = chosen[0] as { label: string; decision: EgressDecision };
  const verdict = allowed.length > 0 ? 'allow' : unknown.length > 0 ? 'unknown' : 'deny';
  // Group the probes by the reason they got, so one policy reads as one sentence.
  const byReason = new Map<string, string[]>();
  for (const result of chosen) byReason.set(result.decision.reason, [...(byReason.get(result.decision.reason) ?? []), result.label]);
  const reason = [...byReason].map(([text, labels]) => `${address} ${labels.join(', ')}: ${text}`).join('; ');
  const decision: EgressDecision = { verdict, reason };
  if (first.decision.decidedBy) decision.decidedBy = first.decision.decidedBy;
  if (verdict === 'unknown' && first.decision.construct) decision.construct = first.decision.construct;
  return decision;
}
