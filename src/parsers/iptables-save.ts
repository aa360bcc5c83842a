import type { Backend, Chain, EgressRuleset, FieldMatch, IpFamily, Match, Range, Rule, RuleAction, SourceRef, Unsupported } from '../firewall/model.js';
import { splitLines, stripBom } from '../util/text-lines.js';
import {
  addressRangeCidrs,
  addUnknown,
  chainsUnsupported,
  EPHEMERAL_PORTS,
  isNever,
  LOOPBACK,
  loopbackOif,
  makeNever,
  NEVER_SOURCE,
  networkFamily,
  networksWithin,
  normalizeNetwork,
  portRange,
  protocolName,
  settleUnknowns,
  sourcePortVerdict,
} from './egress-common.js';

// iptables-save / ip6tables-save text (also the files iptables-restore loads: /etc/iptables/rules.v4,
// /etc/sysconfig/iptables, ufw's *.rules): `*table`, `:CHAIN POLICY [pkts:bytes]` (`-` for user chains),
// `-A CHAIN ...` / `-I CHAIN [n] ...` rules (optionally prefixed `[pkts:bytes]`), `COMMIT`.
//
// Every rule becomes a model Rule with its file and line. What the model cannot express is kept, named by
// its option, in `match.unknown` (or as an `unknown` action), never dropped: a host name in `-d` (resolved
// when the rules were loaded), `--gid-owner`, `-m set`, `-m recent`, `-m string`, NFQUEUE, DNAT...
// `-m mark` tests are followed back to the MARK rules of the raw/mangle/nat OUTPUT chains that run before
// them, when those are simple enough to replay (see expandMarkTests).

export interface IptablesOptions {
  /** The file, or the command that printed the text, for source references. */
  path: string;
  family: IpFamily;
  /** Uid of a user name in `--uid-owner` (the target's accounts); unresolved names stay unknown. */
  resolveUser?: (name: string) => number | undefined;
  /** Chains declared by other files loaded into the same tables (ufw's before/user/after files), by table. */
  knownChains?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** How a rule changes the packet mark (MARK, CONNMARK --restore-mark), for following `-m mark` tests. */
export type MarkSet = { kind: 'value'; value: number } | { kind: 'unknown'; why: string } | { kind: 'ctmark' };

export interface IptablesRule {
  match: Match;
  action: RuleAction;
  source: SourceRef;
  /** `-m mark --mark V[/M]` of this rule, resolved later against the MARK rules that run before it. */
  markTest?: { value: number; mask: number; negate: boolean; text: string };
  /** `-m conntrack --ctstate` / `-m state --state` of this rule (also in match.ctState). */
  hasCtState?: boolean;
  markSet?: MarkSet;
  /** NOTRACK / CT --notrack: the packet's conntrack state becomes untracked. */
  notrack?: boolean;
}

export interface IptablesChain {
  name: string;
  builtin: boolean;
  /** Declared in this text (`:NAME` or -N): a later --noflush restore of it flushes a user chain, sets a built-in's policy. */
  declared?: boolean;
  policy?: 'accept' | 'drop';
  source?: SourceRef;
  rules: IptablesRule[];
}

export interface IptablesTable {
  name: string;
  line: number;
  committed: boolean;
  chains: IptablesChain[];
}

export interface IptablesSave {
  path: string;
  family: IpFamily;
  tables: IptablesTable[];
  errors: { message: string; source: SourceRef }[];
  unsupported: Unsupported[];
}

const BUILTIN_CHAINS: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** Netfilter hook priorities of the iptables tables (NF_IP_PRI_*). */
const PRIORITY: Record<string, Record<string, number>> = {
  raw: { PREROUTING: -300, OUTPUT: -300 },
  mangle: { PREROUTING: -150, INPUT: -150, FORWARD: -150, OUTPUT: -150, POSTROUTING: -150 },
  nat: { PREROUTING: -100, OUTPUT: -100, INPUT: 100, POSTROUTING: 100 },
  filter: { INPUT: 0, FORWARD: 0, OUTPUT: 0 },
  security: { INPUT: 50, FORWARD: 50, OUTPUT: 50 },
};

const HOOKS: Record<string, Chain['hook']> = { INPUT: 'input', OUTPUT: 'output', FORWARD: 'forward', PREROUTING: 'prerouting', POSTROUTING: 'postrouting' };

/** Targets that never decide: evaluation goes on with the next rule. */
const CONTINUE_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'NOTRACK', 'CT', 'TRACE', 'CLASSIFY', 'DSCP', 'TOS', 'TCPMSS', 'TTL', 'HL', 'SET',
  'CHECKSUM', 'CONNSECMARK', 'SECMARK', 'AUDIT', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'HMARK', 'ECN', 'TCPOPTSTRIP', 'NFACCT',
]);

/** Targets whose effect the model cannot follow: the destination is rewritten, or a daemon decides. */
const OPAQUE_TARGETS: Record<string, string> = {
  REDIRECT: 'redirects the connection to a local port',
  DNAT: 'rewrites the destination address',
  SNAT: 'rewrites the source address',
  MASQUERADE: 'rewrites the source address',
  NETMAP: 'rewrites addresses',
  TPROXY: 'hands the packet to a transparent proxy',
  NFQUEUE: 'hands the packet to a user-space program that decides',
  QUEUE: 'hands the packet to a user-space program that decides',
  SYNPROXY: 'answers the handshake itself',
  CLUSTERIP: 'shares the address in a cluster',
};

/** IPv6 extension-header matches: a new connection's first packet carries none of these headers. */
const ABSENT_HEADER_MODULES = new Set(['rt', 'frag', 'hbh', 'dst', 'mh']);

interface Token {
  text: string;
  quoted: boolean;
}

/** Splits a rule line like iptables-restore: blanks separate, double or single quotes group, `\"` escapes. */
export function tokenizeIptablesLine(text: string): { tokens: Token[]; unterminatedQuote: boolean } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    while (at < text.length && /\s/.test(text[at] as string)) at++;
    if (at >= text.length) break;
    let value = '';
    let quoted = false;
    while (at < text.length && !/\s/.test(text[at] as string)) {
      const char = text[at] as string;
      if (char === '"' || char === "'") {
        quoted = true;
        at++;
        let closed = false;
        while (at < text.length) {
          const inner = text[at] as string;
          if (inner === '\\' && char === '"' && at + 1 < text.length) {
            value += text[at + 1];
            at += 2;
            continue;
          }
          if (inner === char) {
            closed = true;
            at++;
            break;
          }
          value += inner;
          at++;
        }
        if (!closed) {
          tokens.push({ text: value, quoted });
          return { tokens, unterminatedQuote: true };
        }
        continue;
      }
      value += char;
      at++;
    }
    tokens.push({ text: value, quoted });
  }
  return { tokens, unterminatedQuote: false };
}

interface Opt {
  name: string;
  values: string[];
  negate: boolean;
  module?: string;
  target: boolean;
}

function parseMarkValue(text: string): { value: number; mask: number } | undefined {
  const [valueText = '', maskText] = text.split('/');
  const value = Number(valueText);
  const mask = maskText === undefined ? 0xffffffff : Number(maskText);
  if (!Number.isInteger(value) || !Number.isInteger(mask) || valueText === '') return undefined;
  return { value: value >>> 0, mask: mask >>> 0 };
}

function uidRange(text: string, resolve: IptablesOptions['resolveUser']): Range | undefined {
  const range = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (range) return [Number(range[1]), Number(range[2] ?? range[1])];
  const uid = resolve?.(text);
  return uid === undefined ? undefined : [uid, uid];
}

function portList(values: string[], separator: ':' | ':-'): Range[] | undefined {
  const ranges: Range[] = [];
  for (const part of values.join(',').split(',')) {
    if (part === '') continue;
    const range = portRange(part, separator);
    if (!range) return undefined;
    ranges.push(range);
  }
  return ranges.length > 0 ? ranges : undefined;
}

interface RuleContext {
  options: IptablesOptions;
  table: string;
  chainNames: Set<string>;
  source: SourceRef;
  errors: IptablesSave['errors'];
}

const FAMILY_NAME: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** Interprets one rule specification (the tokens after `-A CHAIN`). */
function interpretRuleSpec(tokens: readonly Token[], context: RuleContext, truncated: boolean): IptablesRule {
  const { options } = context;
  const match: Match = {};
  const opts: Opt[] = [];
  let target: { name: string; goto: boolean } | undefined;
  let negateNext = false;
  let module: string | undefined;
  let inTarget = false;
  const top: { name: string; value?: string; negate: boolean }[] = [];
  const takeValue = (index: number): { value?: string; negate: boolean; next: number } => {
    let next = index + 1;
    let negate = false;
    if (tokens[next]?.text === '!' && !tokens[next]?.quoted) {
      negate = true;
      next++;
    }
    return { value: tokens[next]?.text, negate, next };
  };

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    const text = token.text;
    if (text === '!' && !token.quoted) {
      negateNext = true;
      continue;
    }
    const short: Record<string, string> = {
      '-p': 'p', '--protocol': 'p', '-s': 's', '--source': 's', '--src': 's', '-d': 'd', '--destination': 'd', '--dst': 'd',
      '-i': 'i', '--in-interface': 'i', '-o': 'o', '--out-interface': 'o',
    };
    if (short[text]) {
      const { value, negate, next } = takeValue(index);
      top.push({ name: short[text] as string, ...(value !== undefined ? { value } : {}), negate: negate || negateNext });
      negateNext = false;
      index = next;
      continue;
    }
    if (text === '-f' || text === '--fragment') {
      top.push({ name: 'f', negate: negateNext });
      negateNext = false;
      continue;
    }
    if (text === '-4' || text === '-6' || text === '--ipv4' || text === '--ipv6') continue;
    if (text === '-c' || text === '--set-counters') {
      index += tokens[index + 1]?.text.includes(',') ? 1 : 2;
      continue;
    }
    if (text === '-m' || text === '--match') {
      module = tokens[index + 1]?.text.toLowerCase();
      inTarget = false;
      index++;
      continue;
    }
    if (text === '-j' || text === '--jump' || text === '-g' || text === '--goto') {
      const name = tokens[index + 1]?.text;
      if (name !== undefined) target = { name, goto: text === '-g' || text === '--goto' };
      inTarget = true;
      module = undefined;
      index++;
      continue;
    }
    if (text.startsWith('--')) {
      const values: string[] = [];
      let negate = negateNext;
      negateNext = false;
      let next = index + 1;
      if (tokens[next]?.text === '!' && !tokens[next]?.quoted && tokens[next + 1] && !tokens[next + 1]?.text.startsWith('-')) {
        negate = true;
        next++;
      }
      while (next < tokens.length) {
        const candidate = tokens[next] as Token;
        if (!candidate.quoted && (candidate.text === '!' || (candidate.text.startsWith('-') && candidate.text.length > 1 && !/^-\d/.test(candidate.text)))) break;
        values.push(candidate.text);
        next++;
      }
      opts.push({ name: text, values, negate, ...(module !== undefined ? { module } : {}), target: inTarget });
      index = next - 1;
      continue;
    }
    context.errors.push({ message: `unexpected "${text}" in the rule`, source: context.source });
    addUnknown(match, `"${text}"`);
  }

  // Top-level matches.
  let loopbackSource: { negate: boolean } | undefined;
  for (const item of top) {
    const value = item.value ?? '';
    if (item.name !== 'f' && item.value === undefined) {
      context.errors.push({ message: `-${item.name} without a value`, source: context.source });
      addUnknown(match, `-${item.name}`);
      continue;
    }
    if (item.name === 'p') {
      const name = protocolName(value);
      if (name === 'all' || name === '0') {
        if (item.negate) makeNever(match, '! -p all matches no packet');
      } else match.protocol = { values: [name], ...(item.negate ? { negate: true } : {}) };
    } else if (item.name === 'd') {
      const networks: string[] = [];
      for (const part of value.split(',')) {
        const network = normalizeNetwork(part);
        if (network === undefined) {
          addUnknown(match, `${item.negate ? '! ' : ''}-d ${part} (a host name, resolved when the rules were loaded)`);
          networks.length = 0;
          break;
        }
        if (networkFamily(network) !== options.family) {
          context.errors.push({ message: `-d ${part} is not an ${FAMILY_NAME[options.family]} address: ${options.family === 'ipv4' ? 'iptables' : 'ip6tables'}-restore rejects the rule`, source: context.source });
          makeNever(match, `-d ${part} is of the other address family`);
          networks.length = 0;
          break;
        }
        networks.push(network);
      }
      if (networks.some((network) => network.endsWith('/0'))) {
        if (item.negate) makeNever(match, '! -d 0.0.0.0/0 matches no packet');
      } else if (networks.length > 0) match.daddr = { values: networks, ...(item.negate ? { negate: true } : {}) };
    } else if (item.name === 's') {
      loopbackSource = sourceAddress(match, value, item.negate);
    } else if (item.name === 'o') {
      const name = value.endsWith('+') ? `${value.slice(0, -1)}*` : value;
      if (name === '*') {
        if (item.negate) makeNever(match, '! -o + matches no packet');
      } else match.oif = { values: [name], ...(item.negate ? { negate: true } : {}) };
    } else if (item.name === 'i') {
      // Locally generated packets have no input interface: `-i X` never matches on the output path.
      const name = value.endsWith('+') ? `${value.slice(0, -1)}*` : value;
      if (name === '*') {
        if (item.negate) makeNever(match, '! -i + matches no packet');
      } else match.iif = { values: [name], ...(item.negate ? { negate: true } : {}) };
    } else if (item.name === 'f') {
      if (!item.negate) makeNever(match, '-f matches only second and later fragments, never the first packet of a connection');
    }
  }

  if (loopbackSource) loopbackOif(match, loopbackSource.negate);

  // Module and target options.
  const rule: IptablesRule = { match, action: { kind: 'continue' }, source: context.source };
  const targetOpts = opts.filter((opt) => opt.target);
  for (const opt of opts.filter((candidate) => !candidate.target)) interpretOption(opt, rule, context);

  // Modules named without options that still match something (`-m addrtype` alone is an error in iptables).
  rule.action = targetAction(target, targetOpts, rule, context);
  if (truncated) {
    context.errors.push({ message: 'the line is cut short (it ends in "$" or an open quote, as a pager prints it): the rule is incomplete', source: context.source });
    rule.action = { kind: 'unknown', construct: 'a rule cut short in the file' };
  }
  rule.match = settleUnknowns(rule.match, rule.action);
  return rule;
}

/** `-s`: returns a loopback-source constraint to apply as an output-interface match. */
function sourceAddress(match: Match, value: string, negate: boolean): { negate: boolean } | undefined {
  const networks = value.split(',').map((part) => normalizeNetwork(part));
  if (networks.some((network) => network === undefined)) {
    addUnknown(match, `${negate ? '! ' : ''}-s ${value} (the source address of the host's own connection)`);
    return undefined;
  }
  const list = networks as string[];
  if (list.some((network) => network.endsWith('/0'))) {
    if (negate) makeNever(match, '! -s 0.0.0.0/0 matches no packet');
    return undefined;
  }
  // A host's own new connection never comes from a multicast or broadcast address; a loopback source
  // means the packet leaves through lo.
  if (networksWithin(list, NEVER_SOURCE)) {
    if (!negate) makeNever(match, `-s ${value}: the host's own connections never come from a multicast or broadcast address`);
    return undefined;
  }
  if (networksWithin(list, LOOPBACK)) return { negate };
  addUnknown(match, `${negate ? '! ' : ''}-s ${value} (the source address of the host's own connection)`);
  return undefined;
}

function describeOpt(opt: Opt): string {
  return [opt.module ? `-m ${opt.module}` : '', opt.negate ? '!' : '', opt.name, ...opt.values.map((value) => (/\s/.test(value) ? JSON.stringify(value) : value))].filter(Boolean).join(' ');
}

function setField<T>(match: Match, key: 'dport' | 'uid' | 'ctState' | 'daddr', field: FieldMatch<T>): void {
  (match as Record<string, unknown>)[key] = field;
}

function interpretOption(opt: Opt, rule: IptablesRule, context: RuleContext): void {
  const { match } = rule;
  const name = opt.name;
  const module = opt.module ?? '';
  const first = opt.values[0] ?? '';
  const unknown = () => addUnknown(match, describeOpt(opt));
  const ephemeral = EPHEMERAL_PORTS.linux;

  if (module === 'comment' || name === '--comment') return;
  if (ABSENT_HEADER_MODULES.has(module)) {
    // `-m rt --rt-type 0`, `-m frag`: headers a new connection's packet does not carry.
    makeNever(match, `-m ${module}: the first packet of a new connection carries no such IPv6 extension header`);
    return;
  }

  switch (name) {
    case '--dport':
    case '--destination-port':
    case '--dports':
    case '--destination-ports': {
      if (module === 'sctp' || module === 'dccp') return unknown();
      const ranges = portList(opt.values, name.endsWith('s') ? ':' : ':');
      if (!ranges) return unknown();
      setField(match, 'dport', { values: ranges, ...(opt.negate ? { negate: true } : {}) });
      return;
    }
    case '--sport':
    case '--source-port':
    case '--sports':
    case '--source-ports': {
      const ranges = portList(opt.values, ':');
      if (!ranges) return unknown();
      const verdict = sourcePortVerdict(ranges, opt.negate, ephemeral);
      if (verdict === 'never') makeNever(match, `${describeOpt(opt)}: a new connection leaves from an ephemeral port (${ephemeral[0]}-${ephemeral[1]} on Linux)`);
      else if (verdict === 'unknown') addUnknown(match, `${describeOpt(opt)} (the source port of a new connection is ephemeral, ${ephemeral[0]}-${ephemeral[1]} on Linux)`);
      return;
    }
    case '--ports': {
      // Either port: with an ephemeral source port outside the list, this is a destination-port match.
      const ranges = portList(opt.values, ':');
      if (!ranges) return unknown();
      if (sourcePortVerdict(ranges, false, ephemeral) !== 'never') return unknown();
      setField(match, 'dport', { values: ranges, ...(opt.negate ? { negate: true } : {}) });
      return;
    }
    case '--syn':
      // SYN set, ACK/RST/FIN clear: exactly the first packet of a new TCP connection.
      if (opt.negate) makeNever(match, '! --syn: the first packet of a new connection is a SYN');
      return;
    case '--tcp-flags': {
      const [maskText = '', compText = ''] = opt.values;
      const flags = (list: string) => new Set(list.toUpperCase().split(',').filter((flag) => flag !== '' && flag !== 'NONE').flatMap((flag) => (flag === 'ALL' ? ['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH'] : [flag])));
      const mask = flags(maskText);
      const comp = flags(compText);
      // The first packet carries SYN alone: it matches when (its flags & mask) == comp.
      const seen = mask.has('SYN') ? ['SYN'] : [];
      const matchesSyn = comp.size === seen.length && seen.every((flag) => comp.has(flag));
      if (matchesSyn === opt.negate) makeNever(match, `${describeOpt(opt)}: does not match the SYN that opens a connection`);
      return;
    }
    case '--icmp-type':
    case '--icmpv6-type':
      return addUnknown(match, `${describeOpt(opt)} (ICMP types are not modelled)`);
    case '--uid-owner': {
      const ranges: Range[] = [];
      for (const part of first.split(',')) {
        const range = uidRange(part, context.options.resolveUser);
        if (!range) return addUnknown(match, `${describeOpt(opt)} (no such user on this target)`);
        ranges.push(range);
      }
      setField(match, 'uid', { values: ranges, ...(opt.negate ? { negate: true } : {}) });
      return;
    }
    case '--ctstate':
    case '--state': {
      const states = first.toLowerCase().split(',').filter(Boolean);
      if (states.some((state) => state === 'snat' || state === 'dnat')) return unknown();
      setField(match, 'ctState', { values: states, ...(opt.negate ? { negate: true } : {}) });
      rule.hasCtState = true;
      return;
    }
    case '--mark': {
      if (module !== 'mark') return unknown();
      const mark = parseMarkValue(first);
      if (!mark) return unknown();
      rule.markTest = { ...mark, negate: opt.negate, text: describeOpt(opt) };
      return;
    }
    case '--dst-type':
    case '--src-type':
    case '--pkt-type':
      return addressType(opt, match);
    case '--limit-iface-out':
    case '--limit-iface-in':
      return unknown();
    case '--dst-range': {
      const cidrs = addressRangeCidrs(first);
      if (!cidrs) return unknown();
      const own = cidrs.filter((cidr) => networkFamily(cidr) === context.options.family);
      setField(match, 'daddr', { values: own, ...(opt.negate ? { negate: true } : {}) });
      return;
    }
    case '--limit':
    case '--limit-burst':
      if (module === 'limit') {
        if (name === '--limit') addUnknown(match, `-m limit --limit ${first} (matches only while under the rate)`);
        return;
      }
      return unknown();
    default:
      return unknown();
  }
}

/** `-m addrtype --dst-type`, `-m pkttype --pkt-type`: the route type of the destination, as nft's `fib daddr type`. */
function addressType(opt: Opt, match: Match): void {
  const types = (opt.values[0] ?? '').toLowerCase().split(',').filter(Boolean);
  if (opt.name === '--src-type') {
    // The source of a host's own connection is one of its LOCAL addresses.
    if (types.length === 1 && types[0] === 'local') {
      if (opt.negate) makeNever(match, `${describeOpt(opt)}: the host's own connections come from a local address`);
      return;
    }
    addUnknown(match, describeOpt(opt));
    return;
  }
  if (opt.name === '--pkt-type' && types.some((type) => type === 'host' || type === 'otherhost')) {
    addUnknown(match, describeOpt(opt));
    return;
  }
  match.addrType = { values: types, ...(opt.negate ? { negate: true } : {}) };
}

function targetAction(target: { name: string; goto: boolean } | undefined, opts: Opt[], rule: IptablesRule, context: RuleContext): RuleAction {
  if (!target) return { kind: 'continue' };
  const name = target.name;
  const optText = opts.map(describeOpt).join(' ');
  if (context.chainNames.has(name)) return target.goto ? { kind: 'goto', chain: chainId(context.table, name) } : { kind: 'jump', chain: chainId(context.table, name) };
  if (target.goto) return { kind: 'unknown', construct: `-g ${name} (no such chain in table ${context.table})` };
  switch (name) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
      return { kind: 'drop' };
    case 'REJECT':
      return { kind: 'reject' };
    case 'RETURN':
      return { kind: 'return' };
  }
  if (name === 'MARK') {
    const set = opts.find((opt) => opt.name === '--set-mark' || opt.name === '--set-xmark');
    const mark = set ? parseMarkValue(set.values[0] ?? '') : undefined;
    rule.markSet = mark && mark.mask === 0xffffffff ? { kind: 'value', value: mark.value } : { kind: 'unknown', why: `-j MARK ${optText}` };
  } else if (name === 'CONNMARK') {
    if (opts.some((opt) => opt.name === '--restore-mark')) {
      const masks = opts.filter((opt) => opt.name === '--nfmask' || opt.name === '--ctmask' || opt.name === '--mask').map((opt) => Number(opt.values[0]) >>> 0);
      rule.markSet = masks.every((mask) => mask === 0xffffffff) ? { kind: 'ctmark' } : { kind: 'unknown', why: `-j CONNMARK ${optText}` };
    } else if (opts.some((opt) => opt.name === '--set-mark' || opt.name === '--set-xmark' || opt.name === '--and-mark' || opt.name === '--or-mark' || opt.name === '--xor-mark')) {
      rule.markSet = { kind: 'unknown', why: `-j CONNMARK ${optText} (changes the connection mark)` };
    }
  } else if (name === 'NOTRACK' || (name === 'CT' && opts.some((opt) => opt.name === '--notrack'))) rule.notrack = true;
  if (CONTINUE_TARGETS.has(name)) return { kind: 'continue' };
  const opaque = OPAQUE_TARGETS[name];
  if (opaque) return { kind: 'unknown', construct: `-j ${name}${optText ? ` ${optText}` : ''} (${opaque})` };
  return { kind: 'unknown', construct: `-j ${name} (a target this parser does not know, or a chain not declared in table ${context.table})` };
}

export function chainId(table: string, chain: string): string {
  return `${table}/${chain}`;
}

/** Chain names each table of the text declares (`:NAME` lines and `-N NAME`). */
export function declaredChains(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let table: string | undefined;
  for (const raw of splitLines(stripBom(text))) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('*')) table = trimmed.slice(1).trim();
    const name = !table ? undefined : trimmed.startsWith(':') ? trimmed.slice(1).trim().split(/\s+/)[0] : /^(?:\[\d+:\d+\]\s+)?(?:-[46]\s+)?(?:-N|--new-chain)\s+(\S+)/.exec(trimmed)?.[1];
    if (table && name) (out.get(table) ?? out.set(table, new Set()).get(table))?.add(name);
  }
  return out;
}

/** Parses iptables-save (or ip6tables-save) text for one family; never throws. */
export function parseIptablesSave(text: string, options: IptablesOptions): IptablesSave {
  const result: IptablesSave = { path: options.path, family: options.family, tables: [], errors: [], unsupported: [] };
  const lines = splitLines(stripBom(text));
  // Chain names are known before rules refer to them: collect the declarations of each table first.
  const declared = new Map<string, Set<string>>();
  for (const [name, chains] of options.knownChains ?? []) declared.set(name, new Set(chains));
  for (const [name, chains] of declaredChains(text)) for (const chain of chains) (declared.get(name) ?? declared.set(name, new Set()).get(name))?.add(chain);

  let table: IptablesTable | undefined;
  const chainOf = (name: string, line: number, declaring = false): IptablesChain => {
    const current = table as IptablesTable;
    let chain = current.chains.find((candidate) => candidate.name === name);
    if (!chain) {
      const builtin = (BUILTIN_CHAINS[current.name] ?? []).includes(name);
      if (!builtin && !declaring && !options.knownChains?.get(current.name)?.has(name)) result.errors.push({ message: `chain ${name} is used before it is declared in table ${current.name}`, source: { path: options.path, line } });
      chain = { name, builtin, ...(builtin ? { policy: 'accept' as const, source: { path: options.path, line: current.line, text: `*${current.name} ${name} (built in)` } } : {}), rules: [] };
      current.chains.push(chain);
    }
    return chain;
  };

  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const source: SourceRef = { path: options.path, line, text: trimmed };
    if (trimmed.startsWith('*')) {
      if (table && !table.committed) result.errors.push({ message: `table ${table.name} has no COMMIT before the next table: iptables-restore rejects the file`, source: { path: options.path, line: table.line } });
      const name = trimmed.slice(1).trim();
      table = { name, line, committed: false, chains: [] };
      for (const builtin of BUILTIN_CHAINS[name] ?? []) table.chains.push({ name: builtin, builtin: true, policy: 'accept', rules: [], source: { path: options.path, line, text: `*${name} ${builtin} (built in, policy ACCEPT)` } });
      if (!BUILTIN_CHAINS[name]) result.errors.push({ message: `unknown table ${name}`, source });
      result.tables.push(table);
      return;
    }
    if (!table) {
      result.errors.push({ message: 'a line before any *table line', source });
      return;
    }
    if (trimmed === 'COMMIT') {
      table.committed = true;
      return;
    }
    if (trimmed.startsWith(':')) {
      const [name = '', policy = '-'] = trimmed.slice(1).trim().split(/\s+/);
      const chain = chainOf(name, line, true);
      chain.source = source;
      chain.declared = true;
      if (policy === '-') {
        if (chain.builtin) result.errors.push({ message: `built-in chain ${name} declared without a policy`, source });
        return;
      }
      if (!chain.builtin) {
        result.errors.push({ message: `user chain ${name} declared with policy ${policy}: only built-in chains have one`, source });
        return;
      }
      if (policy === 'ACCEPT') chain.policy = 'accept';
      else if (policy === 'DROP') chain.policy = 'drop';
      else result.errors.push({ message: `unknown policy ${policy} for chain ${name}`, source });
      return;
    }

    const { tokens: all, unterminatedQuote } = tokenizeIptablesLine(trimmed);
    let tokens = all;
    if (/^\[\d+:\d+\]$/.test(tokens[0]?.text ?? '')) tokens = tokens.slice(1);
    // `-4` / `-6` rules apply to one family only (iptables-restore and ip6tables-restore skip the other).
    if (tokens.some((token) => token.text === '-6' || token.text === '--ipv6') && options.family === 'ipv4') return;
    if (tokens.some((token) => token.text === '-4' || token.text === '--ipv4') && options.family === 'ipv6') return;
    tokens = tokens.filter((token) => !['-4', '-6', '--ipv4', '--ipv6'].includes(token.text));
    const command = tokens[0]?.text ?? '';
    const chainName = tokens[1]?.text ?? '';
    const truncated = unterminatedQuote || /\$$/.test(trimmed);
    const context: RuleContext = { options, table: table.name, chainNames: declared.get(table.name) ?? new Set(), source, errors: result.errors };
    if (command === '-A' || command === '--append') {
      chainOf(chainName, line).rules.push(interpretRuleSpec(tokens.slice(2), context, truncated));
      return;
    }
    if (command === '-I' || command === '--insert') {
      const position = /^\d+$/.test(tokens[2]?.text ?? '') ? Number(tokens[2]?.text) : 1;
      const spec = tokens.slice(/^\d+$/.test(tokens[2]?.text ?? '') ? 3 : 2);
      const chain = chainOf(chainName, line);
      chain.rules.splice(Math.max(0, Math.min(position - 1, chain.rules.length)), 0, interpretRuleSpec(spec, context, truncated));
      return;
    }
    if (command === '-N' || command === '--new-chain') {
      const chain = chainOf(chainName, line, true);
      chain.source = source;
      chain.declared = true;
      return;
    }
    if (command === '-P' || command === '--policy') {
      const chain = chainOf(chainName, line);
      const policy = tokens[2]?.text;
      if (chain.builtin && (policy === 'ACCEPT' || policy === 'DROP')) chain.policy = policy === 'ACCEPT' ? 'accept' : 'drop';
      else result.errors.push({ message: `cannot set policy ${policy ?? ''} on chain ${chainName}`, source });
      return;
    }
    if (command === '-F' || command === '--flush') {
      if (chainName) chainOf(chainName, line).rules.length = 0;
      else for (const chain of table.chains) chain.rules.length = 0;
      return;
    }
    if (command === '-X' || command === '--delete-chain' || command === '-Z' || command === '--zero') return;
    result.errors.push({ message: `cannot read "${trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed}"`, source });
  });
  if (table && !table.committed) result.errors.push({ message: `table ${table.name} has no COMMIT: iptables-restore rejects the file`, source: { path: options.path, line: table.line } });
  return result;
}

/**
 * Several restore files applied one after the other with `iptables-restore --noflush` (ufw loads
 * before.rules, after.rules, user.rules): a later declaration of a user chain flushes it, a built-in
 * chain's declaration sets its policy, rules append.
 */
export function mergeIptablesSaves(parts: readonly IptablesSave[], family: IpFamily): IptablesSave {
  const merged: IptablesSave = { path: parts.map((part) => part.path).join(', '), family, tables: [], errors: [], unsupported: [] };
  for (const part of parts) {
    merged.errors.push(...part.errors);
    merged.unsupported.push(...part.unsupported);
    for (const table of part.tables) {
      let target = merged.tables.find((candidate) => candidate.name === table.name);
      if (!target) {
        target = { name: table.name, line: table.line, committed: table.committed, chains: [] };
        merged.tables.push(target);
      }
      for (const chain of table.chains) {
        const existing = target.chains.find((candidate) => candidate.name === chain.name);
        if (!existing) {
          target.chains.push({ ...chain, rules: [...chain.rules] });
          continue;
        }
        if (chain.builtin) {
          if (chain.declared) {
            existing.policy = chain.policy;
            existing.source = chain.source;
            existing.declared = true;
          }
          existing.rules.push(...chain.rules);
        } else if (chain.declared) {
          existing.rules = [...chain.rules];
          existing.source = chain.source;
          existing.declared = true;
        } else existing.rules.push(...chain.rules);
      }
    }
  }
  return merged;
}

export interface IptablesRulesetMeta {
  backend: Backend;
  label: string;
  active: boolean | undefined;
  activeEvidence?: string;
  sources?: string[];
}

/** The model of one family's tables: output hooks with their priorities, user chains, mark tests followed. */
export function iptablesRuleset(save: IptablesSave, meta: IptablesRulesetMeta): EgressRuleset {
  const chains: Chain[] = [];
  const unsupported: Unsupported[] = [...save.unsupported];
  const notrack = notrackState(save);
  for (const table of save.tables) {
    for (const chain of table.chains) {
      // An empty accept-policy chain of nat, mangle, raw or security decides nothing: left out.
      if (chain.builtin && table.name !== 'filter' && chain.rules.length === 0 && (chain.policy ?? 'accept') === 'accept') continue;
      const id = chainId(table.name, chain.name);
      const rules: Rule[] = [];
      for (const rule of chain.rules) {
        let match = rule.match;
        if (rule.hasCtState && notrack.kind !== 'none' && PRIORITY_OF(table.name) > -300) match = applyNotrack(match, notrack);
        if (rule.markTest && (!chain.builtin || chain.name === 'OUTPUT')) {
          const expanded = expandMarkTest(rule, match, save, table.name, chain.name);
          rules.push(...expanded.rules);
          chains.push(...expanded.chains);
          continue;
        }
        if (rule.markTest) {
          match = { ...match };
          addUnknown(match, `${rule.markTest.text} (the packet mark)`);
        }
        rules.push(modelRule(rule, match));
      }
      const hook = chain.builtin ? HOOKS[chain.name] : undefined;
      const priority = hook ? PRIORITY[table.name]?.[chain.name] : undefined;
      chains.push({
        id,
        name: chain.name,
        ...(hook ? { hook } : {}),
        ...(priority !== undefined ? { priority } : {}),
        families: [save.family],
        ...(chain.builtin ? { policy: chain.policy ?? 'accept' } : {}),
        rules,
        ...(chain.source ? { source: chain.source } : { source: { path: save.path, text: `${table.name} ${chain.name}` } }),
      });
    }
  }
  for (const entry of chainsUnsupported(chains)) unsupported.push(entry);
  return {
    backend: meta.backend,
    label: meta.label,
    semantics: 'first-match',
    active: meta.active,
    ...(meta.activeEvidence ? { activeEvidence: meta.activeEvidence } : {}),
    chains,
    unsupported,
    sources: meta.sources ?? [save.path],
    errors: save.errors,
  };
}

function PRIORITY_OF(table: string): number {
  return PRIORITY[table]?.OUTPUT ?? 0;
}

function modelRule(rule: IptablesRule, match: Match): Rule {
  return { match: settleUnknowns(match, rule.action), action: rule.action, source: rule.source };
}

type NotrackState = { kind: 'none' } | { kind: 'all'; source: SourceRef } | { kind: 'some'; source: SourceRef };

/** NOTRACK rules in raw OUTPUT: every later ctstate test sees `untracked` for the packets they match. */
function notrackState(save: IptablesSave): NotrackState {
  const raw = save.tables.find((table) => table.name === 'raw')?.chains.find((chain) => chain.name === 'OUTPUT');
  for (const rule of raw?.rules ?? []) {
    if (!rule.notrack) continue;
    const unconditional = Object.keys(rule.match).length === 0;
    return unconditional ? { kind: 'all', source: rule.source } : { kind: 'some', source: rule.source };
  }
  return { kind: 'none' };
}

function applyNotrack(match: Match, state: NotrackState): Match {
  if (state.kind === 'none' || !match.ctState) return match;
  const at = `${state.source.path}:${state.source.line}`;
  if (state.kind === 'some') {
    const out = { ...match };
    addUnknown(out, `conntrack state (a NOTRACK rule at ${at} makes some connections untracked)`);
    return out;
  }
  // Every outgoing packet is untracked: the state test is decided.
  const { ctState, ...rest } = match;
  const has = ctState.values.includes('untracked');
  if (has === !!ctState.negate) makeNever(rest, `the conntrack state test cannot match: NOTRACK at ${at} leaves every outgoing packet untracked`);
  return rest;
}

/**
 * `-m mark --mark V/M` in a rule: the packet mark comes from MARK (and CONNMARK --restore-mark, which for a
 * new connection restores 0) rules of the raw, mangle and nat OUTPUT chains that run before this table.
 * When those chains hold only non-deciding rules before their last mark rule and jump nowhere, the test
 * is replayed: the rule jumps to a chain that asks, from the last mark rule back to the first, which one
 * set the mark, and takes the rule's action when that value passes the test (the initial mark of an
 * unprivileged socket is 0). Otherwise the test is an unknown construct.
 */
function expandMarkTest(rule: IptablesRule, match: Match, save: IptablesSave, tableName: string, chainName: string): { rules: Rule[]; chains: Chain[] } {
  const test = rule.markTest as NonNullable<IptablesRule['markTest']>;
  const unknown = (why: string): { rules: Rule[]; chains: Chain[] } => {
    const out = { ...match };
    addUnknown(out, `${test.text} (${why})`);
    return { rules: [modelRule(rule, out)], chains: [] };
  };
  if (rule.action.kind === 'continue') return { rules: [modelRule(rule, match)], chains: [] };
  const action = rule.action;
  if (action.kind !== 'accept' && action.kind !== 'drop' && action.kind !== 'reject' && action.kind !== 'jump') return unknown('the mark is set elsewhere and this action cannot be replayed');
  const testPriority = PRIORITY[tableName]?.OUTPUT ?? 0;
  const setters: IptablesRule[] = [];
  for (const name of ['raw', 'mangle', 'nat', 'filter', 'security']) {
    const priority = PRIORITY[name]?.OUTPUT ?? 0;
    if (priority >= testPriority) continue;
    const table = save.tables.find((candidate) => candidate.name === name);
    const output = table?.chains.find((candidate) => candidate.name === 'OUTPUT');
    if (!table || !output) continue;
    const lastSetter = output.rules.map((candidate) => !!candidate.markSet).lastIndexOf(true);
    for (const [index, candidate] of output.rules.entries()) {
      let decides = candidate.action.kind !== 'continue';
      if (candidate.action.kind === 'jump' || candidate.action.kind === 'goto') {
        const target = table.chains.find((chain) => chainId(name, chain.name) === (candidate.action as { chain: string }).chain);
        if (target?.rules.some((inner) => inner.markSet)) return unknown(`a mark is set in user chain ${target.name}`);
        decides = candidate.action.kind === 'goto' || !target || target.rules.some((inner) => inner.action.kind !== 'continue' && inner.action.kind !== 'return');
      }
      if (index < lastSetter && decides) return unknown(`${name} OUTPUT decides some packets before its MARK rules`);
      if (candidate.markSet) setters.push(candidate);
    }
  }
  // The chain an expanded test jumps to: first-match from the last mark rule backwards.
  const id = `${chainId(tableName, chainName)}/mark@${rule.source.line ?? 0}`;
  const rules: Rule[] = [];
  const passes = (value: number) => ((value & test.mask) >>> 0 === test.value >>> 0) !== test.negate;
  const take = (extra: Match, source: SourceRef) => {
    if (action.kind === 'jump') {
      rules.push({ match: extra, action, source }, { match: extra, action: { kind: 'return' }, source });
    } else rules.push({ match: extra, action, source });
  };
  for (const setter of [...setters].reverse()) {
    const set = setter.markSet as MarkSet;
    const source = { ...setter.source, text: `${setter.source.text ?? ''}  [sets the mark tested at line ${rule.source.line}]` };
    if (isNever(setter.match)) continue;
    if (set.kind === 'unknown') {
      rules.push({ match: { ...setter.match, unknown: [...(setter.match.unknown ?? []), `${test.text} (the mark set by ${set.why})`] }, action, source });
      continue;
    }
    const value = set.kind === 'ctmark' ? 0 : set.value;
    if (passes(value)) take({ ...setter.match }, source);
    else rules.push({ match: { ...setter.match }, action: { kind: 'return' }, source });
  }
  if (passes(0)) take({}, { ...rule.source, text: `${rule.source.text ?? ''}  [no MARK rule matched: mark 0]` });
  const chain: Chain = { id, name: `${chainName} mark test at line ${rule.source.line}`, families: [save.family], rules, source: rule.source };
  return { rules: [{ match, action: { kind: 'jump', chain: id }, source: rule.source }], chains: [chain] };
}

/** One family's iptables-save text straight to the model. */
export function iptablesSaveRuleset(text: string, options: IptablesOptions, meta: Omit<IptablesRulesetMeta, 'label'> & { label?: string }): EgressRuleset {
  const save = parseIptablesSave(text, options);
  return iptablesRuleset(save, { ...meta, label: meta.label ?? `${options.family === 'ipv4' ? 'iptables' : 'ip6tables'} (${FAMILY_NAME[options.family]}, ${options.path})` });
}

/** True when the tables hold no rule and only ACCEPT policies: loaded, but filtering nothing. */
export function iptablesIsEmpty(save: IptablesSave): boolean {
  return save.tables.every((table) => table.chains.every((chain) => chain.rules.length === 0 && (chain.policy ?? 'accept') === 'accept'));
}
