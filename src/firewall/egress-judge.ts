// What the firewall checks share: which rulesets decide together, and one verdict for a destination
// across them. Netfilter backends (nftables, iptables, ufw, firewalld) stack: a packet passes every base
// chain on the output hook, of every table, so it leaves only when each active ruleset lets it through.
// Windows profiles and pf rulesets are alternatives (the network's profile decides which applies), so
// each is judged on its own: a probe must be denied in every one.
import type { Location } from '../engine/check.js';
import type { FirewallFacts } from '../collectors/firewall.js';
import { defaultVerdict, evaluateEgress, formatSource, outputBaseChains } from './evaluate.js';
import type { Destination, EgressRuleset, EgressVerdict, IpFamily, Rule, SourceRef } from './model.js';

export interface Stack {
  /** For messages: "nftables ruleset (nft -j list ruleset)", "Windows Firewall, Public profile". */
  label: string;
  rulesets: EgressRuleset[];
}

export interface Layout {
  stacks: Stack[];
  /** Rulesets found but not shown to be active (active false, or unknown). */
  inactive: EgressRuleset[];
  /**
   * Alternatives that are off (a Windows Firewall profile with Enabled False): on a network of that kind
   * nothing filters outbound traffic, whatever the other profiles do.
   */
  open: EgressRuleset[];
}

const NETFILTER = new Set(['nftables', 'iptables', 'ufw', 'firewalld']);

export function egressLayout(facts: FirewallFacts): Layout {
  const active = facts.rulesets.filter((ruleset) => ruleset.active === true);
  const inactive = facts.rulesets.filter((ruleset) => ruleset.active !== true);
  const netfilter = active.filter((ruleset) => NETFILTER.has(ruleset.backend));
  const stacks: Stack[] = [];
  if (netfilter.length === 1) stacks.push({ label: (netfilter[0] as EgressRuleset).label, rulesets: netfilter });
  else if (netfilter.length > 1) stacks.push({ label: `netfilter (${[...new Set(netfilter.map((ruleset) => ruleset.backend))].join(' + ')}, ${netfilter.length} rulesets)`, rulesets: netfilter });
  for (const ruleset of active.filter((candidate) => !NETFILTER.has(candidate.backend))) stacks.push({ label: ruleset.label, rulesets: [ruleset] });
  const open = inactive.filter((ruleset) => ruleset.backend === 'windows' && ruleset.active === false);
  return { stacks, inactive: inactive.filter((ruleset) => !open.includes(ruleset)), open };
}

export interface StackDecision {
  verdict: EgressVerdict;
  reason: string;
  decidedBy?: SourceRef;
  /** The ruleset whose rule decided (deny and unknown). */
  ruleset?: EgressRuleset;
  construct?: string;
}

function combine(stack: Stack, family: IpFamily, decide: (ruleset: EgressRuleset) => { verdict: EgressVerdict; reason: string; decidedBy?: SourceRef; construct?: string }): StackDecision {
  // A ruleset with no output chain for the family (ip6tables for IPv4) takes no part; when none has one, nothing filters.
  const taking = stack.rulesets.filter((ruleset) => outputBaseChains(ruleset, family).length > 0);
  const decisions = (taking.length ? taking : stack.rulesets.slice(0, 1)).map((ruleset) => ({ ruleset, decision: decide(ruleset) }));
  const named = (ruleset: EgressRuleset, reason: string) => (stack.rulesets.length > 1 ? `${ruleset.label}: ${reason}` : reason);
  if (taking.length === 0 && stack.rulesets.length > 1) return { verdict: 'allow', reason: `no ${family} output chain in ${stack.label}: nothing filters outgoing ${family} traffic` };
  const pick = decisions.find((item) => item.decision.verdict === 'deny') ?? decisions.find((item) => item.decision.verdict === 'unknown');
  if (pick) {
    const out: StackDecision = { verdict: pick.decision.verdict, reason: named(pick.ruleset, pick.decision.reason), ruleset: pick.ruleset };
    if (pick.decision.decidedBy) out.decidedBy = pick.decision.decidedBy;
    if (pick.decision.construct) out.construct = pick.decision.construct;
    return out;
  }
  // Allowed by every ruleset: the last one to let it through is the one a fix must change (in a stack of one, the only one).
  const last = decisions[decisions.length - 1];
  if (!last) return { verdict: 'allow', reason: 'no active ruleset filters it' };
  const out: StackDecision = { verdict: 'allow', reason: decisions.map((item) => named(item.ruleset, item.decision.reason)).join('; '), ruleset: last.ruleset };
  const decidedBy = decisions.find((item) => item.decision.decidedBy?.path)?.decision.decidedBy ?? last.decision.decidedBy;
  if (decidedBy) out.decidedBy = decidedBy;
  return out;
}

/** One destination across a stack: denied when any ruleset denies, unknown when none denies and one cannot tell. */
export function decideStack(stack: Stack, destination: Destination): StackDecision {
  return combine(stack, destination.family, (ruleset) => evaluateEgress(ruleset, destination));
}

/** What the stack does with traffic no specific rule singles out. */
export function defaultOfStack(stack: Stack, family: IpFamily, uid: number | undefined): StackDecision {
  return combine(stack, family, (ruleset) => defaultVerdict(ruleset, family, uid === undefined ? {} : { uid }));
}

/** The file and line of a rule, when it came from one (a finding's location). */
export function locationOf(source: SourceRef | undefined): Location | undefined {
  // `iptables-save`, `pfctl -s rules`: command output, named in the message, not a file to point at.
  if (!source?.path || !/^(\/|[A-Za-z]:\\)/.test(source.path)) return undefined;
  return source.line !== undefined ? { path: source.path, line: source.line } : { path: source.path };
}

/** Grouping key of a deciding rule (several destinations decided by one rule become one finding). */
export function sourceKey(source: SourceRef | undefined): string {
  return source ? `${formatSource(source)} ${source.text ?? ''}` : '-';
}

/** The uid a check evaluates for: the agent user's, when the baseline names one that exists. */
export function agentUid(facts: FirewallFacts, agentUser: string): { uid?: number; note?: string } {
  // Windows Firewall matches users by SID in a rule's LocalUser (the model keeps it unknown): no uid there.
  if (!agentUser || facts.platform === 'win32') return {};
  const account = facts.accounts.find((candidate) => candidate.name === agentUser);
  if (!account) return { note: `agent user "${agentUser}" is not an account here: evaluated for any process` };
  return { uid: account.uid };
}

/** "nftables ruleset (/etc/nftables.conf) (not enabled at boot: ...)" for messages about rulesets that do not count. */
export function describeInactive(rulesets: EgressRuleset | readonly EgressRuleset[]): string {
  const list = Array.isArray(rulesets) ? rulesets : [rulesets as EgressRuleset];
  const first = list[0] as EgressRuleset;
  const state = first.active === false ? 'inactive' : 'not shown to be active';
  return `${list.map((ruleset) => ruleset.label).join(' and ')} ${list.length > 1 ? 'are' : 'is'} ${state}${first.activeEvidence ? ` (${first.activeEvidence})` : ''}`;
}

/** The configuration file a Linux remediation includes its table from: the nftables ruleset's main file, when it was read from one. */
export function nftablesMainConf(facts: FirewallFacts): string | undefined {
  for (const ruleset of facts.rulesets) {
    if (ruleset.backend !== 'nftables') continue;
    const file = ruleset.sources.find((source) => /^\/etc\/(sysconfig\/)?nftables\.conf$/.test(source));
    if (file) return file;
  }
  return undefined;
}

export interface EgressSetting {
  layout: Layout;
  uid?: number;
  /** Sentences for the end of a message (inactive rulesets, uid, backends that failed, parse errors). */
  notes: string[];
  /** "for claude (uid 1001)" or "for any process". */
  whom: string;
  /** Why the check cannot judge at all (an offline Windows image): skip with this. */
  skip?: string;
}

/** The common start of the egress checks: the rulesets that decide, the uid, and what to say about the rest. */
export function egressSetting(facts: FirewallFacts, agentUser: string): EgressSetting {
  const layout = egressLayout(facts);
  const notes: string[] = [];
  const { uid, note } = agentUid(facts, agentUser);
  if (note) notes.push(note);
  // ufw's IPv4 and IPv6 halves share their evidence: said once.
  const inactive = new Map<string, EgressRuleset[]>();
  for (const ruleset of layout.inactive) inactive.set(`${ruleset.backend} ${ruleset.activeEvidence ?? ruleset.label}`, [...(inactive.get(`${ruleset.backend} ${ruleset.activeEvidence ?? ruleset.label}`) ?? []), ruleset]);
  for (const group of inactive.values()) notes.push(describeInactive(group));
  // Parse problems matter where the ruleset decides.
  for (const ruleset of facts.rulesets.filter((candidate) => candidate.active === true)) {
    const first = ruleset.errors[0];
    if (first) notes.push(`${ruleset.label} may be incomplete: ${ruleset.errors.length} part(s) could not be read (first at ${formatSource(first.source)}: ${first.message})`);
  }
  notes.push(...facts.notes);
  if (layout.stacks.length === 0 && layout.open.length === 0 && facts.notes.length > 0 && facts.rulesets.length === 0) {
    throw new Error(`no firewall evidence could be read: ${facts.notes.join('; ')}`);
  }
  const setting: EgressSetting = { layout, notes, whom: uid === undefined ? 'for any process' : `for ${agentUser} (uid ${uid})` };
  if (uid !== undefined) setting.uid = uid;
  if (facts.rulesets.length === 0 && facts.targetKind === 'root' && facts.platform === 'win32') {
    setting.skip = 'the Windows Firewall settings of an offline image (registry hives) are not read';
  }
  return setting;
}

/** True when nothing at all filters (no active ruleset, and no profile that is merely off). */
export function noFirewall(layout: Layout): boolean {
  return layout.stacks.length === 0 && layout.open.length === 0;
}

/** Where a finding about a profile that is off points, and what it says. */
export function openText(ruleset: EgressRuleset): string {
  return `${ruleset.label} is off${ruleset.activeEvidence ? ` (${ruleset.activeEvidence})` : ''}: on such a network nothing filters outbound traffic`;
}

/** "; note; note" or "". */
export function noteText(notes: readonly string[]): string {
  return notes.length ? `; ${notes.join('; ')}` : '';
}

/** Where a finding about an absent or inactive firewall points: the first configuration file found, if any. */
export function inactiveLocation(layout: Layout): Location | undefined {
  for (const ruleset of layout.inactive) {
    const file = ruleset.sources.find((source) => source.startsWith('/'));
    if (file) return { path: file };
  }
  return undefined;
}

/** Stand-ins for a host name's addresses (documentation ranges: no real rule singles them out). */
const HOST_STAND_IN: Readonly<Record<IpFamily, string>> = { ipv4: '192.0.2.254', ipv6: '2001:db8::fe' };

function namesHost(values: readonly string[], host: string): boolean {
  return values.some((value) => value.toLowerCase().replace(/\.$/, '') === host);
}

/**
 * A construct the parser kept as unknown because it names the host (`ip daddr api.example.com`, pf's
 * `to api.example.com`), not negated. Parsers keep host names there: an address match cannot hold them.
 */
function hostConstruct(construct: string, host: string): boolean {
  const escaped = host.replace(/[.]/g, '\\.');
  return new RegExp(`(^|[^!a-z0-9.-])${escaped}\\.?([^a-z0-9-]|$)`, 'i').test(construct) && !new RegExp(`!\\s*${escaped}`, 'i').test(construct);
}

function ruleNamesHost(rule: Rule, host: string): boolean {
  return (rule.match.daddr !== undefined && namesHost(rule.match.daddr.values, host)) || (rule.match.unknown ?? []).some((construct) => hostConstruct(construct, host));
}

/** The ruleset with the host name in destination matches replaced by a stand-in address. */
function withHostAsAddress(ruleset: EgressRuleset, host: string, family: IpFamily): EgressRuleset {
  return {
    ...ruleset,
    chains: ruleset.chains.map((chain) => ({
      ...chain,
      rules: chain.rules.map((rule) => {
        if (!ruleNamesHost(rule, host)) return rule;
        const match = { ...rule.match };
        if (match.daddr && namesHost(match.daddr.values, host)) match.daddr = { ...match.daddr, values: match.daddr.values.map((value) => (namesHost([value], host) ? HOST_STAND_IN[family] : value)) };
        const unknown = (match.unknown ?? []).filter((construct) => !hostConstruct(construct, host));
        if (unknown.length !== (match.unknown ?? []).length) {
          match.daddr = { values: [HOST_STAND_IN[family]] };
          if (unknown.length) match.unknown = unknown;
          else delete match.unknown;
        }
        return { ...rule, match };
      }),
    })),
  };
}

/**
 * A host-name destination, where a rule of the stack names the host (pf and nft resolve names when they
 * load): evaluated as if the name were an address of its own. Undefined when no rule names it.
 */
export function decideHost(stack: Stack, host: string, protocol: 'tcp' | 'udp', port: number, uid: number | undefined): StackDecision | undefined {
  const naming = stack.rulesets.flatMap((ruleset) => ruleset.chains.flatMap((chain) => chain.rules.filter((rule) => ruleNamesHost(rule, host))));
  if (naming.length === 0) return undefined;
  const family: IpFamily = naming.every((rule) => rule.match.family === 'ipv6') ? 'ipv6' : 'ipv4';
  const substituted: Stack = { label: stack.label, rulesets: stack.rulesets.map((ruleset) => withHostAsAddress(ruleset, host, family)) };
  const destination: Destination = { address: HOST_STAND_IN[family], family, protocol, port, ...(uid !== undefined ? { uid } : {}) };
  return decideStack(substituted, destination);
}
