// One normalised egress model for every firewall backend (nftables, iptables, ufw, firewalld, pf,
// Windows Defender Firewall). Parsers turn evidence into an EgressRuleset; the evaluator
// (src/firewall/evaluate.ts) answers, for one destination, allow / deny / unknown and the rule that
// decided it. A construct a parser does not model is kept as `unknown` on the rule, so the evaluator
// can say "unknown, because of X" instead of silently allowing or denying.

export type Backend = 'nftables' | 'iptables' | 'ufw' | 'firewalld' | 'pf' | 'windows';
export type IpFamily = 'ipv4' | 'ipv6';

/** Where a rule, chain or policy came from: a file and line (configuration, iptables-save text), or a chain and handle (nft -j), or a named rule (Windows). */
export interface SourceRef {
  path?: string;
  line?: number;
  chain?: string;
  handle?: number;
  /** The rule as written, trimmed, for messages (never secret: firewall rules hold addresses and ports). */
  text?: string;
}

/** An inclusive numeric range (ports, uids). */
export type Range = readonly [number, number];

/** A set of values a field must (or with negate, must not) match. Undefined field = any value. */
export interface FieldMatch<T> {
  values: readonly T[];
  negate?: boolean;
}

/** What a rule matches on an outgoing packet. Every present field must match. */
export interface Match {
  /** Only packets of this family (ip/ip6 tables, `meta nfproto`, an `ip daddr` in an inet chain). */
  family?: IpFamily;
  /** Destination addresses as CIDR text ("10.0.0.0/8", "2001:db8::/32", "203.0.113.7"). */
  daddr?: FieldMatch<string>;
  /** Layer-4 protocol names in lower case: tcp, udp, icmp, ipv6-icmp, ... */
  protocol?: FieldMatch<string>;
  /** Destination ports. A port match without a protocol implies tcp or udp (as the parsers record it). */
  dport?: FieldMatch<Range>;
  /** Socket owner uid (nft `meta skuid`, iptables `-m owner --uid-owner`). */
  uid?: FieldMatch<Range>;
  /** Output interface names; a trailing `*` (nft) or `+` (iptables) is kept as `*` = prefix match. */
  oif?: FieldMatch<string>;
  /** Connection-tracking states in lower case: new, established, related, invalid, untracked. */
  ctState?: FieldMatch<string>;
  /**
   * Input interface names (nft `iif`/`iifname`). A locally generated packet has no input interface, so on
   * the output path a positive match never matches and a negated one always does. Optional; nftables parsers only.
   */
  iif?: FieldMatch<string>;
  /**
   * Routing type of the destination address (nft `fib daddr type`): unicast, local, broadcast, multicast,
   * anycast... The evaluator derives it from the address (loopback: local; 224.0.0.0/4, ff00::/8: multicast;
   * 255.255.255.255: broadcast; anything else: unicast). Optional; nftables parsers only.
   */
  addrType?: FieldMatch<string>;
  /**
   * Set when the rule can never match the first packet of a new outgoing TCP or UDP connection (an IP
   * fragment test, `tcp flags != syn`, two families in one rule): says why. The evaluator skips the rule.
   */
  impossible?: string;
  /**
   * Constructs this rule uses that the parser could not model (a map lookup, a named set with no
   * elements recorded, a meta key it does not know...). When a destination reaches this rule and the
   * other fields match, the verdict is unknown, naming the construct, unless the outcome is the same
   * whether the rule matches or not (the evaluator follows both).
   */
  unknown?: readonly string[];
}

export type RuleAction =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  /**
   * Run the named chain; on return (or no verdict) continue after this rule. `chain` is the target's `id`,
   * or its name, looked up first in the jumping chain's table (the id with the last name replaced).
   */
  | { kind: 'jump'; chain: string }
  /** Run the named chain; on return, return from this chain too. */
  | { kind: 'goto'; chain: string }
  | { kind: 'return' }
  /** No verdict (log, counter, mark, limit alone): evaluation continues. */
  | { kind: 'continue' }
  /** A verdict the model cannot follow (vmap, queue, an unknown target). */
  | { kind: 'unknown'; construct: string };

export interface Rule {
  match: Match;
  action: RuleAction;
  /** pf only: `quick` stops evaluation at this rule. */
  quick?: boolean;
  source: SourceRef;
}

export interface Chain {
  /** Unique within the ruleset: `<family> <table> <chain>` for nftables, `<table>/<chain>` for iptables... */
  id: string;
  /** The name as written, for messages. */
  name: string;
  /**
   * Base chains on the output path carry `hook: 'output'` and a priority; user chains have no hook and
   * are reached by jump/goto. Chains on other hooks are kept (so a jump can name them) but not evaluated for egress.
   */
  hook?: 'output' | 'input' | 'forward' | 'prerouting' | 'postrouting' | 'ingress' | 'egress';
  /** Lower runs first (nftables priority; iptables raw -300, mangle -150, filter 0...). */
  priority?: number;
  /** Which packets the chain sees: nftables `inet` both, `ip` IPv4, `ip6` IPv6. */
  families: readonly IpFamily[];
  /** Base chains: what happens when no rule decides. Undefined for user chains (they return). */
  policy?: 'accept' | 'drop';
  rules: Rule[];
  source?: SourceRef;
  /** Where the policy was set (`policy drop;` line), when it differs from `source`; reasons name it. */
  policySource?: SourceRef;
}

/** How rules of a chain combine. */
export type Semantics =
  /** netfilter: the first rule with a verdict decides. */
  | 'first-match'
  /** pf: the last matching rule decides, unless a matching rule is `quick`. */
  | 'last-match'
  /** Windows Defender Firewall: a matching block rule wins over any allow rule; otherwise an allow; otherwise the default. */
  | 'block-wins';

export interface Unsupported {
  construct: string;
  source: SourceRef;
}

export interface EgressRuleset {
  backend: Backend;
  /** For messages: "nftables ruleset (nft -j list ruleset)", "Windows Firewall, Public profile". */
  label: string;
  semantics: Semantics;
  /** Loaded and enforcing (live), enabled at boot (image), or unknown when nothing shows it. */
  active: boolean | undefined;
  /** Why `active` is what it is, with the evidence (a service, `Status: Enabled`, ENABLED=yes in ufw.conf). */
  activeEvidence?: string;
  /** Every chain, base and user. The output path is the base chains with hook `output`, ordered by priority. */
  chains: Chain[];
  /** Constructs seen anywhere that the parser did not model (also kept on the rules that use them). */
  unsupported: Unsupported[];
  /** Files or commands the ruleset was read from. */
  sources: string[];
  /** Syntax the parser could not read at all (with file and line); the ruleset may be incomplete. */
  errors: { message: string; source: SourceRef }[];
}

/** A destination to evaluate: a new outgoing connection. */
export interface Destination {
  address: string;
  family: IpFamily;
  protocol: 'tcp' | 'udp';
  port: number;
  /**
   * The local uid of the process that connects (the agent user), when known. Undefined: any process, so a
   * rule on the socket owner makes the verdict unknown when the outcome depends on it.
   */
  uid?: number;
  /**
   * Output interface. Undefined: `lo` for a loopback address; otherwise some interface other than `lo`,
   * so a rule on `oifname "wg0"` makes the verdict unknown (it depends on the route), while one on
   * `oifname "lo"` does not match. Give it (e.g. 'eth0') to evaluate as if the route used that interface.
   */
  oif?: string;
}

export type EgressVerdict = 'allow' | 'deny' | 'unknown';

export interface EgressDecision {
  verdict: EgressVerdict;
  /** The rule (or chain policy) that decided, or for unknown the rule whose construct could not be modelled. */
  decidedBy?: SourceRef;
  /** One line: "accepted by rule ... at /etc/nftables.conf:12", "policy drop of inet filter output", "unknown: vmap at ...". */
  reason: string;
  /** For unknown: the construct that stopped evaluation. */
  construct?: string;
}
