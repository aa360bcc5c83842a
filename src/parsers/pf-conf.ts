import type { Chain, EgressRuleset, FieldMatch, Match, Range, Rule, RuleAction, SourceRef, Unsupported } from '../firewall/model.js';
import { splitLines, stripBom } from '../util/text-lines.js';
import { addUnknown, chainsUnsupported, EPHEMERAL_PORTS, LOOPBACK, loopbackOif, makeNever, networkFamily, networksWithin, normalizeNetwork, portNumber, protocolName, sourcePortVerdict } from './egress-common.js';

// macOS (and OpenBSD) pf: /etc/pf.conf with macros (`name = "..."`), tables (`table <t> { ... }`,
// `persist file "..."`), anchors (`anchor "name"`, `anchor "name/*"`, `load anchor "name" from "file"`,
// inline `anchor "name" { ... }`), `set skip on`, backslash line continuations, and `pass`/`block` filter
// rules; also `pfctl -s rules` output (the loaded, expanded rules) and `pfctl -s info`.
//
// The model: one output chain with last-match semantics (the last matching rule decides, a matching
// `quick` rule decides at once, nothing matching passes). Rules that apply only inbound are left out;
// anchors are jumps the evaluator expands in place. A list with a negated entry is expanded into one
// rule per entry, as pfctl does (`to { !a, b }` matches everything but a, and b). What the model cannot
// say is an unknown construct: a source address (the host's own, for outgoing packets), an interface
// other than loopback, a host name, a table filled at run time, `tagged`, `route-to`...
//
// pf's loopback `lo0` is the model's loopback interface `lo` (the evaluator's name for it).

export interface PfInput {
  /** The main file (or `pfctl -s rules` as `{ path: 'pfctl -s rules', text }`). */
  main: { path: string; text: string };
  /** Files the configuration names (`load anchor ... from`, table `file`, `include`), by path; an error when unreadable. */
  files?: ReadonlyMap<string, string | { error: string }>;
  /** `pfctl -s rules` style text: no macros, rules already expanded. */
  expanded?: boolean;
  /** Rules of anchors as `pfctl -a NAME -s rules` prints them, by anchor path. */
  anchorRules?: ReadonlyMap<string, { path: string; text: string } | { error: string }>;
  /** Child anchors of an anchor (`pfctl -a NAME -s Anchors`), by anchor path. */
  anchorChildren?: ReadonlyMap<string, readonly string[]>;
  /** Table contents (`pfctl -t NAME -T show`), by table name. */
  tableEntries?: ReadonlyMap<string, { path: string; text: string }>;
  resolveUser?: (name: string) => number | undefined;
}

export interface PfMeta {
  label?: string;
  active: boolean | undefined;
  activeEvidence?: string;
}

interface Statement {
  text: string;
  line: number;
  path: string;
}

interface Table {
  name: string;
  entries: string[];
  /** Why the entries are not all addresses (host names, interfaces, files missing, filled at run time). */
  unknown?: string;
  negated?: boolean;
  source: SourceRef;
}

interface Anchor {
  name: string;
  statements: Statement[];
  /** Where its rules were loaded from; undefined when nothing in the configuration fills it. */
  loadedFrom?: string;
  loadError?: string;
  source?: SourceRef;
}

interface Context {
  input: PfInput;
  macros: Map<string, string>;
  tables: Map<string, Table>;
  anchors: Map<string, Anchor>;
  chains: Chain[];
  skip: { names: string[]; source: SourceRef }[];
  translationPasses: Rule[];
  errors: EgressRuleset['errors'];
  unsupported: Unsupported[];
  sources: Set<string>;
  blockReturn: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Statements: continuation lines, comments, braces spanning lines, macros

function stripComment(text: string): string {
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#') return text.slice(0, index);
  }
  return text;
}

function braceDepth(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth++;
    else if (char === '}') depth--;
  }
  return depth;
}

/** Statements of a pf.conf text, each with its first line. */
export function pfStatements(text: string, path: string): Statement[] {
  const lines = splitLines(stripBom(text));
  const out: Statement[] = [];
  let pending: { text: string; line: number; depth: number } | undefined;
  for (let index = 0; index < lines.length; index++) {
    let raw = lines[index] as string;
    const line = index + 1;
    // A backslash at the end joins the next line (pfctl does this before comments end at the newline).
    while (raw.endsWith('\\') && index + 1 < lines.length) {
      index++;
      raw = `${raw.slice(0, -1)} ${lines[index] as string}`;
    }
    if (raw.endsWith('\\')) raw = raw.slice(0, -1);
    const body = stripComment(raw).trim();
    if (pending) {
      pending.text += `\n${body}`;
      pending.depth += braceDepth(body);
      if (pending.depth <= 0) {
        out.push({ text: pending.text, line: pending.line, path });
        pending = undefined;
      }
      continue;
    }
    if (body === '') continue;
    const depth = braceDepth(body);
    if (depth > 0) {
      pending = { text: body, line, depth };
      continue;
    }
    out.push({ text: body, line, path });
  }
  if (pending) out.push({ text: pending.text, line: pending.line, path });
  return out;
}

/** `$name` replaced outside quotes; names pfctl would reject are reported. */
function expandMacros(text: string, macros: ReadonlyMap<string, string>, missing: string[]): string {
  let out = '';
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      out += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      out += char;
      continue;
    }
    if (char === '$') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index + 1))?.[0];
      if (name) {
        const value = macros.get(name);
        if (value === undefined) missing.push(name);
        out += value ?? `$${name}`;
        index += name.length;
        continue;
      }
    }
    out += char;
  }
  return out;
}

/** The value of `name = value...`: quoted strings lose their quotes, macros expand, parts join with a space. */
function macroValue(text: string, macros: ReadonlyMap<string, string>, missing: string[]): string {
  const parts: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined || match[2] !== undefined) parts.push(match[1] ?? match[2] ?? '');
    else parts.push(expandMacros(match[3] as string, macros, missing));
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------------
// Tokens

type Token = { kind: 'word' | 'string' | 'table' | 'op'; text: string };

export function tokenizePf(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, index + 1);
      const value = end < 0 ? text.slice(index + 1) : text.slice(index + 1, end);
      tokens.push({ kind: 'string', text: value });
      index = end < 0 ? text.length : end + 1;
      continue;
    }
    if (char === '<') {
      const table = /^<([A-Za-z0-9_.\-]+)>/.exec(text.slice(index));
      if (table) {
        tokens.push({ kind: 'table', text: table[1] as string });
        index += table[0].length;
        continue;
      }
    }
    const op = /^(><|<>|<=|>=|!=|->|[{}(),!=<>])/.exec(text.slice(index));
    if (op) {
      tokens.push({ kind: 'op', text: op[1] as string });
      index += (op[1] as string).length;
      continue;
    }
    const word = /^[^\s{}(),!=<>"']+/.exec(text.slice(index));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      index += word[0].length;
      continue;
    }
    tokens.push({ kind: 'word', text: char });
    index++;
  }
  return tokens;
}

class Cursor {
  index = 0;
  constructor(readonly tokens: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }
  next(): Token | undefined {
    return this.tokens[this.index++];
  }
  is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return !!token && token.kind !== 'string' && token.text === text;
  }
  eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.index++;
    return true;
  }
  done(): boolean {
    return this.index >= this.tokens.length;
  }
  /** A `( ... )` group, balanced, skipped. */
  skipParens(): void {
    if (!this.is('(')) return;
    let depth = 0;
    while (!this.done()) {
      const token = this.next() as Token;
      if (token.kind === 'op' && token.text === '(') depth++;
      if (token.kind === 'op' && token.text === ')' && --depth === 0) return;
    }
  }
  /** One item or a `{ a, b c }` list (commas and blanks separate). */
  list(): { items: { negate: boolean; token: Token; extra?: Token[] }[] } {
    const items: { negate: boolean; token: Token; extra?: Token[] }[] = [];
    const one = () => {
      const negate = this.eat('!');
      const token = this.next();
      if (token) items.push({ negate, token });
    };
    if (this.eat('{')) {
      while (!this.done() && !this.is('}')) {
        if (this.eat(',')) continue;
        one();
      }
      this.eat('}');
    } else one();
    return { items };
  }
}

// ---------------------------------------------------------------------------------------------------
// Addresses, ports, users

type AddressItem = { kind: 'networks'; values: string[] } | { kind: 'any' } | { kind: 'unknown'; why: string } | { kind: 'local' } | { kind: 'loopback' };

const KEYWORD_AFTER_HOST = new Set(['port', 'to', 'from', 'user', 'group', 'flags', 'icmp-type', 'icmp6-type', 'keep', 'modulate', 'synproxy', 'no', 'label', 'tag', 'tagged', 'queue', 'rtable', 'probability', 'os', 'allow-opts', 'fragment', 'route-to', 'reply-to', 'dup-to', 'nat-to', 'rdr-to', 'binat-to', 'af-to', 'divert-to', 'divert-packet', 'once', 'prio', 'set', 'max-pkt-rate', 'received-on', 'scrub', 'tos', 'dnpipe', 'dnqueue', 'state']);

function addressOf(token: Token, context: Context, tableNote: (name: string) => void): AddressItem {
  if (token.kind === 'table') {
    tableNote(token.text);
    const table = context.tables.get(token.text) ?? tableFromRuntime(token.text, context);
    if (!table) return { kind: 'unknown', why: `<${token.text}> (a table not defined in the configuration: its entries are added at run time)` };
    if (table.unknown) return { kind: 'unknown', why: `<${token.text}> (${table.unknown})` };
    return { kind: 'networks', values: table.entries };
  }
  const text = token.text;
  if (text === 'any' || text === 'all') return { kind: 'any' };
  if (text === 'self') return { kind: 'local' };
  if (text === 'localhost') return { kind: 'networks', values: ['127.0.0.1', '::1'] };
  if (text === 'no-route' || text === 'urpf-failed') return { kind: 'unknown', why: `${text} (depends on the routing table)` };
  if (text === 'lo0' || text === 'lo0:network' || text === '(lo0)' || text === 'lo' || text === 'lo:network') return { kind: 'loopback' };
  const network = normalizeNetwork(text, { abbreviated: true });
  if (network) return { kind: 'networks', values: [network] };
  if (text.includes('-')) return { kind: 'unknown', why: `${text} (an address range)` };
  if (/^\(?[a-z]+\d*(:\w+)?\)?$/i.test(text) && !text.includes('.')) return { kind: 'unknown', why: `${text} (an interface's addresses)` };
  return { kind: 'unknown', why: `${text} (a host name, resolved when the rules were loaded)` };
}

/** A table named by `pfctl -s rules` output whose entries `pfctl -t NAME -T show` listed. */
function tableFromRuntime(name: string, context: Context): Table | undefined {
  const listed = context.input.tableEntries?.get(name);
  if (!listed) return undefined;
  const table = tableEntries(name, listed.text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean), { path: listed.path, text: `pfctl -t ${name} -T show` });
  context.tables.set(name, table);
  context.sources.add(listed.path);
  return table;
}

function tableEntries(name: string, raw: readonly string[], source: SourceRef): Table {
  const entries: string[] = [];
  for (const item of raw) {
    const entry = item.replace(/^!\s*/, '');
    if (entry !== item) return { name, entries, unknown: `entry ${item} excludes addresses`, negated: true, source };
    const network = normalizeNetwork(entry, { abbreviated: true });
    if (!network) return { name, entries, unknown: `entry ${item} is a host name or interface, resolved when the table is loaded`, source };
    entries.push(network);
  }
  return { name, entries, source };
}

/** Ranges a port or user operand stands for; negate: every value but those. */
type RangeSpec = { ranges: Range[]; negate: boolean };

const COMPARISONS = ['=', '!=', '<', '<=', '>', '>='];

/** pf's unary operators `= v`, `!= v`, `< v`, `<= v`, `> v`, `>= v` over values 0..max. */
function comparison(op: string, value: number, max: number): RangeSpec {
  if (op === '=') return { ranges: [[value, value]], negate: false };
  if (op === '!=') return { ranges: [[value, value]], negate: true };
  if (op === '<') return { ranges: [[0, value - 1]], negate: false };
  if (op === '<=') return { ranges: [[0, value]], negate: false };
  if (op === '>') return { ranges: [[value + 1, max]], negate: false };
  return { ranges: [[value, max]], negate: false };
}

/** pf's binary operators: `a >< b` (strictly between), `a <> b` (outside, ends excluded). */
function between(op: string | undefined, low: number, high: number): RangeSpec {
  return op === '><' ? { ranges: [[low + 1, high - 1]], negate: false } : { ranges: [[low, high]], negate: true };
}

/** One operand read by `one`, or a `{ a, b, ... }` list of them; the first problem `one` reports, if any. */
function operandList(cursor: Cursor, one: () => string | undefined): string | undefined {
  if (cursor.eat('{')) {
    while (!cursor.done() && !cursor.is('}')) {
      if (cursor.eat(',')) continue;
      const problem = one();
      if (problem) return problem;
    }
    cursor.eat('}');
    return undefined;
  }
  return one();
}

/** Port operators of pf: `= p`, `!= p`, `< p`, `<= p`, `> p`, `>= p`, `a:b`, `a >< b`, `a <> b`. */
function portSpec(cursor: Cursor): RangeSpec[] | string {
  const out: RangeSpec[] = [];
  const one = (): string | undefined => {
    const first = cursor.next();
    if (!first) return 'a port is missing';
    if (first.kind === 'op' && COMPARISONS.includes(first.text)) {
      const value = portNumber(cursor.next()?.text ?? '');
      if (value === undefined) return 'a port that is not a number or known service';
      out.push(comparison(first.text, value, 65535));
      return undefined;
    }
    const range = /^([^:]+):([^:]+)$/.exec(first.text);
    if (range) {
      const low = portNumber(range[1] as string);
      const high = portNumber(range[2] as string);
      if (low === undefined || high === undefined) return `port range ${first.text}`;
      out.push({ ranges: [[low, high]], negate: false });
      return undefined;
    }
    const value = portNumber(first.text);
    if (value === undefined) return `port ${first.text} (not a number or a service this parser knows)`;
    if (cursor.is('><') || cursor.is('<>')) {
      const op = cursor.next()?.text;
      const high = portNumber(cursor.next()?.text ?? '');
      if (high === undefined) return 'a port range without its upper end';
      out.push(between(op, value, high));
      return undefined;
    }
    out.push({ ranges: [[value, value]], negate: false });
    return undefined;
  };
  return operandList(cursor, one) ?? out;
}

function userSpec(cursor: Cursor, resolve: PfInput['resolveUser']): RangeSpec[] | string {
  const out: RangeSpec[] = [];
  const value = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : resolve?.(text));
  const one = (): string | undefined => {
    const first = cursor.next();
    if (!first) return 'a user is missing';
    if (first.kind === 'op' && COMPARISONS.includes(first.text)) {
      const token = cursor.next()?.text ?? '';
      const uid = value(token);
      if (uid === undefined) return `user ${token} (no such user on this target)`;
      out.push(comparison(first.text, uid, 4294967295));
      return undefined;
    }
    if (first.text === 'unknown') return 'user unknown (sockets without an owner)';
    const range = /^(\d+):(\d+)$/.exec(first.text);
    if (range) {
      out.push({ ranges: [[Number(range[1]), Number(range[2])]], negate: false });
      return undefined;
    }
    const uid = value(first.text);
    if (uid === undefined) return `user ${first.text} (no such user on this target)`;
    if (cursor.is('><') || cursor.is('<>')) {
      const op = cursor.next()?.text;
      const high = value(cursor.next()?.text ?? '');
      if (high === undefined) return 'a user range without its upper end';
      out.push(between(op, uid, high));
      return undefined;
    }
    out.push({ ranges: [[uid, uid]], negate: false });
    return undefined;
  };
  return operandList(cursor, one) ?? out;
}

/** Interface names: pf's `lo0` (and the `lo` group) is the model's loopback `lo`; a group other than lo is unknown. */
function interfaceName(text: string): string | undefined {
  if (text === 'lo0' || text === 'lo') return 'lo';
  if (!/\d$/.test(text)) return undefined;
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Rules

interface ParsedRule {
  action: 'pass' | 'block';
  blockReturn?: boolean;
  direction?: 'in' | 'out';
  quick: boolean;
  /** Shared by every expansion of the rule. */
  base: Match;
  /** One entry per expansion of a list with negated entries (usually one). */
  daddrs: (FieldMatch<string> | { unknown: string } | { local: boolean } | undefined)[];
  unknownAction?: string;
}

function parseFilterRule(statement: Statement, context: Context): ParsedRule | undefined {
  const cursor = new Cursor(tokenizePf(statement.text));
  const first = cursor.next();
  const action = first?.text === 'pass' ? 'pass' : 'block';
  const rule: ParsedRule = { action, quick: false, base: {}, daddrs: [undefined] };
  const problem = (why: string) => addUnknown(rule.base, why);
  if (action === 'block') {
    if (cursor.eat('drop')) rule.blockReturn = false;
    else if (cursor.is('return') || cursor.is('return-rst') || cursor.is('return-icmp') || cursor.is('return-icmp6')) {
      cursor.next();
      cursor.skipParens();
      rule.blockReturn = true;
    }
  }
  const tableNote = (_name: string) => undefined;
  let fromPorts: { ranges: Range[]; negate: boolean }[] | undefined;
  let toPorts: { ranges: Range[]; negate: boolean }[] | undefined;
  let hasFlags: { matchesSyn: boolean } | undefined;
  while (!cursor.done()) {
    const token = cursor.next() as Token;
    const word = token.kind === 'string' ? '' : token.text;
    switch (word) {
      case 'in':
      case 'out':
        rule.direction = word;
        break;
      case 'log':
        cursor.skipParens();
        break;
      case 'quick':
        rule.quick = true;
        break;
      case 'on': {
        if (cursor.is('rdomain')) {
          cursor.next();
          cursor.next();
          problem('on rdomain');
          break;
        }
        const { items } = cursor.list();
        const names: string[] = [];
        let negate = false;
        for (const item of items) {
          const name = interfaceName(item.token.text);
          if (!name) {
            problem(`on ${item.negate ? '!' : ''}${item.token.text} (an interface group)`);
            break;
          }
          names.push(name);
          negate = item.negate;
        }
        if (items.some((item) => item.negate) && items.length > 1) problem(`on { ${items.map((item) => `${item.negate ? '!' : ''}${item.token.text}`).join(' ')} } (a list with a negated interface)`);
        else if (names.length === items.length && names.length > 0) rule.base.oif = { values: names, ...(negate ? { negate: true } : {}) };
        break;
      }
      case 'inet':
        rule.base.family = 'ipv4';
        break;
      case 'inet6':
        rule.base.family = 'ipv6';
        break;
      case 'proto': {
        const { items } = cursor.list();
        const names = items.map((item) => protocolName(item.token.text === 'icmp6' ? 'ipv6-icmp' : item.token.text));
        rule.base.protocol = { values: names };
        break;
      }
      case 'all':
        break;
      case 'from':
      case 'to': {
        const { items } = hostList(cursor);
        const resolved = items.map((item) => ({ negate: item.negate, address: addressOf(item.token, context, tableNote), text: `${item.negate ? '!' : ''}${item.token.kind === 'table' ? `<${item.token.text}>` : item.token.text}` }));
        if (word === 'from') sourceMatch(rule, resolved);
        else rule.daddrs = destinationMatches(resolved);
        if (cursor.eat('port')) {
          const ports = portSpec(cursor);
          if (typeof ports === 'string') problem(`${word} port: ${ports}`);
          else if (word === 'from') fromPorts = ports;
          else toPorts = ports;
        }
        if (word === 'from' && cursor.is('os')) {
          cursor.next();
          cursor.list();
          problem('os (a passive OS fingerprint)');
        }
        break;
      }
      case 'port': {
        // `pass out proto tcp to any port 443` is handled under `to`; a bare `port` after `from ... ` too.
        const ports = portSpec(cursor);
        if (typeof ports === 'string') problem(`port: ${ports}`);
        else toPorts = ports;
        break;
      }
      case 'user': {
        const users = userSpec(cursor, context.input.resolveUser);
        if (typeof users === 'string') problem(users);
        else if (users.length === 1 && users[0]) rule.base.uid = { values: users[0].ranges, ...(users[0].negate ? { negate: true } : {}) };
        else if (users.every((user) => !user.negate)) rule.base.uid = { values: users.flatMap((user) => user.ranges) };
        else problem('user (a list with != entries)');
        break;
      }
      case 'group':
        cursor.list();
        problem('group (the socket owner group is not modelled)');
        break;
      case 'flags': {
        const spec = cursor.next()?.text ?? 'any';
        if (spec === 'any') break;
        const [set = '', mask = 'FSRPAUEW'] = spec.split('/');
        // The first packet carries SYN alone: it matches when (S & mask) == set.
        const seen = mask.includes('S') ? 'S' : '';
        hasFlags = { matchesSyn: set.split('').sort().join('') === seen };
        break;
      }
      case 'icmp-type':
      case 'icmp6-type': {
        const { items } = cursor.list();
        if (cursor.eat('code')) cursor.list();
        problem(`${word} ${items.map((item) => item.token.text).join(',')} (ICMP types are not modelled)`);
        break;
      }
      case 'tos':
      case 'rtable':
      case 'prio':
      case 'label':
      case 'tag':
      case 'dnpipe':
      case 'dnqueue':
        cursor.next();
        if (cursor.is(',')) cursor.next();
        break;
      case 'queue':
        if (cursor.is('(')) cursor.skipParens();
        else cursor.next();
        break;
      case 'keep':
      case 'modulate':
      case 'synproxy':
        cursor.eat('state');
        cursor.skipParens();
        break;
      case 'no':
        cursor.eat('state');
        break;
      case 'allow-opts':
      case 'fragment':
      case 'no-df':
        break;
      case 'set':
        // set prio / set tos / set queue: no filtering effect.
        cursor.next();
        if (cursor.is('(')) cursor.skipParens();
        else cursor.next();
        break;
      case 'scrub':
        cursor.skipParens();
        break;
      case 'nat-to':
      case 'binat-to':
        skipAddressOptions(cursor);
        break;
      case 'route-to':
      case 'reply-to':
      case 'dup-to':
      case 'rdr-to':
      case 'af-to':
      case 'divert-to':
      case 'divert-packet':
        skipAddressOptions(cursor);
        if (word === 'reply-to' || word === 'dup-to') break;
        if (rule.action === 'pass') rule.unknownAction = `${word} (passes the connection, but sends it somewhere else than its destination)`;
        break;
      case 'tagged':
        cursor.next();
        problem('tagged (a tag set by another rule)');
        break;
      case 'probability':
        cursor.next();
        problem('probability');
        break;
      case 'once':
        problem('once (the rule matches only the first packet it sees)');
        break;
      case 'max-pkt-rate':
        cursor.next();
        problem('max-pkt-rate');
        break;
      case 'received-on':
        cursor.next();
        problem('received-on');
        break;
      case 'os':
        cursor.list();
        problem('os (a passive OS fingerprint)');
        break;
      default:
        if (token.kind === 'op' && token.text === '!' && cursor.is('tagged')) {
          cursor.next();
          cursor.next();
          problem('! tagged (a tag set by another rule)');
          break;
        }
        context.errors.push({ message: `"${token.text}" is not understood in this rule`, source: { path: statement.path, line: statement.line, text: statement.text } });
        problem(`"${token.text}"`);
    }
  }

  // Ports without a protocol apply to tcp and udp (pfctl refuses anything else).
  if ((fromPorts || toPorts) && !rule.base.protocol) rule.base.protocol = { values: ['tcp', 'udp'] };
  if (toPorts) {
    if (toPorts.length === 1 && toPorts[0]) rule.base.dport = { values: toPorts[0].ranges, ...(toPorts[0].negate ? { negate: true } : {}) };
    else if (toPorts.every((port) => !port.negate)) rule.base.dport = { values: toPorts.flatMap((port) => port.ranges) };
    else problem('port (a list with != or <> entries)');
  }
  if (fromPorts) {
    const verdicts = fromPorts.map((port) => sourcePortVerdict(port.ranges, port.negate, EPHEMERAL_PORTS.darwin));
    if (verdicts.every((verdict) => verdict === 'never')) makeNever(rule.base, `from port: a new connection leaves from an ephemeral port (${EPHEMERAL_PORTS.darwin.join('-')})`);
    else if (!verdicts.includes('always')) problem(`from port (the source port of a new connection is ephemeral, ${EPHEMERAL_PORTS.darwin.join('-')})`);
  }
  if (hasFlags && !hasFlags.matchesSyn) {
    // pf checks flags on TCP packets only: the rule still matches other protocols.
    const protocols = rule.base.protocol;
    if (!protocols) rule.base.protocol = { values: ['tcp'], negate: true };
    else if (!protocols.negate) {
      const rest = protocols.values.filter((value) => value !== 'tcp');
      if (rest.length === 0) makeNever(rule.base, 'flags: does not match the SYN that opens a connection');
      else rule.base.protocol = { values: rest };
    }
  }
  return rule;
}

function skipAddressOptions(cursor: Cursor): void {
  if (cursor.is('(')) cursor.skipParens();
  else if (cursor.is('{')) cursor.list();
  else {
    cursor.eat('!');
    cursor.next();
  }
  if (cursor.eat('port')) portSpec(cursor);
  if (cursor.is('bitmask') || cursor.is('random') || cursor.is('source-hash') || cursor.is('round-robin') || cursor.is('static-port') || cursor.is('sticky-address')) cursor.next();
  if (cursor.eat('inet') || cursor.eat('inet6')) {
    if (cursor.eat('from')) skipAddressOptions(cursor);
    if (cursor.eat('to')) skipAddressOptions(cursor);
  }
}

/** A host list: `any`, `! <t>`, `{ a, !b }`, `(if)`, `addr/len`. */
function hostList(cursor: Cursor): { items: { negate: boolean; token: Token }[] } {
  if (cursor.is('(')) {
    cursor.next();
    const inner = cursor.next();
    while (!cursor.done() && !cursor.is(')')) cursor.next();
    cursor.eat(')');
    return { items: inner ? [{ negate: false, token: { kind: 'word', text: `(${inner.text})` } }] : [] };
  }
  if (cursor.is('!') && cursor.is('(', 1)) {
    cursor.next();
    const inner = hostList(cursor);
    return { items: inner.items.map((item) => ({ ...item, negate: !item.negate })) };
  }
  const list = cursor.list();
  // `route label`: a route-label address.
  if (list.items.length === 1 && list.items[0]?.token.text === 'route') {
    cursor.next();
    return { items: [{ negate: false, token: { kind: 'word', text: 'route' } }] };
  }
  if (list.items.length === 1 && KEYWORD_AFTER_HOST.has(list.items[0]?.token.text ?? '')) {
    cursor.index--;
    return { items: [] };
  }
  return list;
}

/** For an outgoing connection the source is the host's own address: `any` and `self` always match. */
function sourceMatch(rule: ParsedRule, items: { negate: boolean; address: AddressItem; text: string }[]): void {
  if (items.length === 0) return;
  if (items.length === 1) {
    const [item] = items as [{ negate: boolean; address: AddressItem; text: string }];
    if (item.address.kind === 'any' || item.address.kind === 'local') {
      if (item.negate) makeNever(rule.base, `from ${item.text}: the host's own connections come from its own addresses`);
      return;
    }
    if (item.address.kind === 'loopback' || (item.address.kind === 'networks' && networksWithin(item.address.values, LOOPBACK))) {
      loopbackOif(rule.base, item.negate);
      return;
    }
  }
  addUnknown(rule.base, `from ${items.map((item) => item.text).join(', ')} (the source address of the host's own connection)`);
}

function destinationMatches(items: { negate: boolean; address: AddressItem; text: string }[]): ParsedRule['daddrs'] {
  if (items.length === 0) return [undefined];
  const single = (item: { negate: boolean; address: AddressItem; text: string }): ParsedRule['daddrs'][number] => {
    const { address } = item;
    if (address.kind === 'any') return item.negate ? { unknown: '' } : undefined;
    if (address.kind === 'unknown') return { unknown: `to ${item.negate ? '!' : ''}${address.why}` };
    if (address.kind === 'local') return { local: !item.negate };
    if (address.kind === 'loopback') return { values: [...LOOPBACK, 'fe80::/64'], ...(item.negate ? { negate: true } : {}) };
    return { values: address.values, ...(item.negate ? { negate: true } : {}) };
  };
  const anyNegated = items.some((item) => item.negate);
  if (!anyNegated || items.length === 1) {
    if (items.length === 1) return [single(items[0] as (typeof items)[number])];
    const unknown = items.find((item) => item.address.kind === 'unknown');
    if (unknown) return [single(unknown)];
    if (items.some((item) => item.address.kind === 'any')) return [undefined];
    const values: string[] = [];
    const others: ParsedRule['daddrs'] = [];
    for (const item of items) {
      if (item.address.kind === 'networks') values.push(...item.address.values);
      else if (item.address.kind === 'loopback') values.push(...LOOPBACK, 'fe80::/64');
      else others.push(single(item));
    }
    return values.length > 0 ? [{ values }, ...others] : others;
  }
  // pfctl expands a list into one rule per entry: `{ !a, b }` is two rules, "not a" and "b".
  return items.map(single);
}

function ruleAction(rule: ParsedRule, context: Context): RuleAction {
  if (rule.unknownAction) return { kind: 'unknown', construct: rule.unknownAction };
  if (rule.action === 'pass') return { kind: 'accept' };
  const returns = rule.blockReturn ?? context.blockReturn;
  return returns ? { kind: 'reject' } : { kind: 'drop' };
}

/** Model rules of one parsed filter rule (several when a list with a negated entry expands). */
function modelRules(rule: ParsedRule, context: Context, source: SourceRef): Rule[] {
  const action = ruleAction(rule, context);
  return rule.daddrs.map((daddr) => {
    const match: Match = { ...rule.base, ...(rule.base.unknown ? { unknown: [...rule.base.unknown] } : {}) };
    if (daddr && 'unknown' in daddr) {
      if (daddr.unknown === '') makeNever(match, 'to !any matches no address');
      else addUnknown(match, daddr.unknown);
    } else if (daddr && 'local' in daddr) match.addrType = { values: ['local'], ...(daddr.local ? {} : { negate: true }) };
    else if (daddr) {
      const families = new Set(daddr.values.map((value) => networkFamily(value)));
      match.daddr = daddr;
      // `inet` with only IPv6 entries (or the reverse) matches nothing, as pfctl drops those expansions.
      if (match.family && !daddr.negate && !families.has(match.family)) makeNever(match, `to ${daddr.values.join(', ')}: no ${match.family} address in the list`);
    }
    return { match, action, ...(rule.quick ? { quick: true } : {}), source };
  });
}

// ---------------------------------------------------------------------------------------------------
// The whole configuration

function anchorPath(name: string, parent: string | undefined): string {
  const clean = name.replace(/^\/+/, '');
  return parent ? `${parent}/${clean}` : clean;
}

function readFile(context: Context, path: string): { text?: string; error?: string } {
  const found = context.input.files?.get(path);
  if (found === undefined) return { error: 'not available' };
  if (typeof found === 'string') return { text: found };
  return { error: found.error };
}

/** First pass over one ruleset's statements: macros, tables, `set skip`, `load anchor`. */
function declarations(statements: Statement[], context: Context, anchor: string | undefined): Statement[] {
  const rest: Statement[] = [];
  for (const statement of statements) {
    const source: SourceRef = { path: statement.path, line: statement.line, text: statement.text.replace(/\s+/g, ' ') };
    const macro = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([\s\S]*)$/.exec(statement.text);
    if (macro && !context.input.expanded) {
      const missing: string[] = [];
      context.macros.set(macro[1] as string, macroValue(macro[2] as string, context.macros, missing));
      for (const name of missing) context.errors.push({ message: `macro $${name} is not defined`, source });
      continue;
    }
    const missing: string[] = [];
    const text = context.input.expanded ? statement.text : expandMacros(statement.text, context.macros, missing);
    for (const name of missing) context.errors.push({ message: `macro $${name} is not defined: pfctl refuses the file`, source });
    const expanded = { ...statement, text };
    const cursor = new Cursor(tokenizePf(text));
    const keyword = cursor.next()?.text;
    if (keyword === 'table') {
      const name = cursor.next();
      if (name?.kind !== 'table') {
        context.errors.push({ message: 'table without a <name>', source });
        continue;
      }
      const raw: string[] = [];
      let unknown: string | undefined;
      let persist = false;
      while (!cursor.done()) {
        const token = cursor.next() as Token;
        if (token.text === 'persist') persist = true;
        else if (token.text === 'const' || token.text === 'counters') continue;
        else if (token.text === 'file') {
          const path = cursor.next()?.text ?? '';
          const read = readFile(context, path);
          if (read.text === undefined) unknown = `its file ${path} could not be read (${read.error})`;
          else {
            context.sources.add(path);
            raw.push(...splitLines(read.text).map((line) => stripComment(line).trim()).filter(Boolean).flatMap((line) => line.split(/\s+/)));
          }
        } else if (token.text === '{') {
          while (!cursor.done() && !cursor.is('}')) {
            const item = cursor.next() as Token;
            if (item.text === ',') continue;
            if (item.text === '!') {
              const next = cursor.next();
              if (next) raw.push(`!${next.text}`);
              continue;
            }
            raw.push(item.kind === 'table' ? `<${item.text}>` : item.text);
          }
          cursor.eat('}');
        }
      }
      const table = tableEntries(name.text, raw, source);
      if (unknown) table.unknown = unknown;
      else if (raw.length === 0 && persist) table.unknown = 'a persist table with no entries in the configuration: filled at run time';
      context.tables.set(name.text, table);
      continue;
    }
    if (keyword === 'set' && cursor.is('skip')) {
      cursor.next();
      cursor.eat('on');
      const { items } = cursor.list();
      context.skip.push({ names: items.map((item) => item.token.text), source });
      continue;
    }
    if (keyword === 'set' && cursor.is('block-policy')) {
      cursor.next();
      context.blockReturn = cursor.next()?.text === 'return';
      continue;
    }
    if (keyword === 'load' && cursor.is('anchor')) {
      cursor.next();
      const name = anchorPath(cursor.next()?.text ?? '', anchor);
      cursor.eat('from');
      const path = cursor.next()?.text ?? '';
      const entry = context.anchors.get(name) ?? { name, statements: [] };
      entry.loadedFrom = path;
      entry.source = source;
      const read = readFile(context, path);
      if (read.text === undefined) entry.loadError = read.error ?? 'unreadable';
      else {
        context.sources.add(path);
        entry.statements = declarations(pfStatements(read.text, path), context, name);
        collectAnchorDeclarations(entry.statements, context, name);
      }
      context.anchors.set(name, entry);
      continue;
    }
    if (keyword === 'include') {
      const path = cursor.next()?.text ?? '';
      const read = readFile(context, path);
      if (read.text === undefined) {
        context.errors.push({ message: `include ${path}: ${read.error}`, source });
        rest.push({ ...expanded, text: `__unreadable__ ${path}` });
      } else {
        context.sources.add(path);
        rest.push(...declarations(pfStatements(read.text, path), context, anchor));
      }
      continue;
    }
    rest.push(expanded);
  }
  return rest;
}

/** Anchors a ruleset names (`anchor "child"` creates child anchors of the one it is loaded into). */
function collectAnchorDeclarations(statements: Statement[], context: Context, parent: string | undefined): void {
  for (const statement of statements) {
    const cursor = new Cursor(tokenizePf(statement.text));
    if (cursor.next()?.text !== 'anchor') continue;
    const token = cursor.peek();
    if (!token || token.kind !== 'string' && token.kind !== 'word') continue;
    const name = anchorPath(token.text.replace(/\/\*$/, ''), parent);
    if (!name || name === '*') continue;
    if (!context.anchors.has(name)) context.anchors.set(name, { name, statements: [], source: { path: statement.path, line: statement.line, text: statement.text } });
  }
}

const NON_FILTER = new Set(['scrub', 'scrub-anchor', 'nat-anchor', 'rdr-anchor', 'binat-anchor', 'dummynet-anchor', 'antispoof', 'queue', 'altq', 'match', 'dummynet', 'set', 'no']);

/** The rules of one ruleset (main or an anchor), as model rules of the output chain. */
function rulesOf(statements: Statement[], context: Context, anchor: string | undefined, depth: number): Rule[] {
  const rules: Rule[] = [];
  for (const statement of statements) {
    const source: SourceRef = { path: statement.path, line: statement.line, text: statement.text.replace(/\s+/g, ' ').trim() };
    const cursor = new Cursor(tokenizePf(statement.text));
    const keyword = cursor.peek()?.text ?? '';
    if (keyword === '__unreadable__') {
      rules.push({ match: {}, action: { kind: 'unknown', construct: `rules in ${statement.text.slice(15)}, which could not be read` }, source });
      continue;
    }
    if (keyword === 'pass' || keyword === 'block') {
      const parsed = parseFilterRule(statement, context);
      if (!parsed || parsed.direction === 'in') continue;
      rules.push(...modelRules(parsed, context, source));
      continue;
    }
    if (keyword === 'anchor') {
      rules.push(...anchorRule(cursor, statement, source, context, anchor, depth));
      continue;
    }
    if (keyword === 'nat' || keyword === 'binat') {
      // `nat pass`: translated packets skip the filter rules, as if passed quick before them.
      if (cursor.is('pass', 1)) {
        const rewritten = { ...statement, text: `pass out quick ${statement.text.replace(/^\s*b?i?nat\s+pass\s+(log\s+(\([^)]*\)\s*)?)?/, '').replace(/->.*$/, '')}` };
        const parsed = parseFilterRule(rewritten, context);
        if (parsed) context.translationPasses.push(...modelRules(parsed, context, source));
      }
      continue;
    }
    if (keyword === 'rdr') {
      context.unsupported.push({ construct: `${statement.text.split(/\s+/).slice(0, 2).join(' ')} (a redirection of incoming packets; not on the output path)`, source });
      continue;
    }
    if (NON_FILTER.has(keyword)) continue;
    context.errors.push({ message: `"${keyword}" statement not understood`, source });
    context.unsupported.push({ construct: `statement "${keyword}"`, source });
  }
  return rules;
}

function anchorRule(cursor: Cursor, statement: Statement, source: SourceRef, context: Context, parent: string | undefined, depth: number): Rule[] {
  cursor.next();
  const nameToken = cursor.peek();
  let name = '';
  if (nameToken && (nameToken.kind === 'string' || (nameToken.kind === 'word' && !['in', 'out', 'on', 'inet', 'inet6', 'proto', 'from', 'to', 'all', 'quick'].includes(nameToken.text)))) {
    name = nameToken.text;
    cursor.next();
  }
  // The anchor's own filter options (`anchor "x" out on en0`) guard its rules.
  const rest: Token[] = [];
  let inline: string | undefined;
  while (!cursor.done()) {
    const token = cursor.next() as Token;
    if (token.kind === 'op' && token.text === '{') {
      const open = statement.text.indexOf('{');
      const close = statement.text.lastIndexOf('}');
      inline = statement.text.slice(open + 1, close > open ? close : undefined);
      break;
    }
    rest.push(token);
  }
  const guardText = `pass ${rest.map((token) => (token.kind === 'string' ? `"${token.text}"` : token.kind === 'table' ? `<${token.text}>` : token.text)).join(' ')}`;
  const guard = parseFilterRule({ ...statement, text: guardText }, context);
  if (guard?.direction === 'in') return [];
  const quick = guard?.quick ?? false;
  const wildcard = name.endsWith('/*') || name === '*';
  const full = name === '' ? anchorPath(`_inline_${statement.line}`, parent) : anchorPath(name.replace(/\/?\*$/, ''), parent);
  if (inline !== undefined) {
    const entry = context.anchors.get(full) ?? { name: full, statements: [] };
    const lineOffset = statement.line - 1;
    entry.statements = declarations(pfStatements(inline, statement.path).map((inner) => ({ ...inner, line: inner.line + lineOffset })), context, full);
    entry.loadedFrom ??= `${statement.path}:${statement.line}`;
    context.anchors.set(full, entry);
  }
  const targets = wildcard ? anchorChildren(full, context) : [full];
  const out: Rule[] = [];
  for (const target of targets) {
    const id = `pf anchor ${target}`;
    if (!context.chains.some((chain) => chain.id === id)) {
      const chain: Chain = { id, name: target, families: ['ipv4', 'ipv6'], rules: [], source };
      context.chains.push(chain);
      chain.rules = anchorContents(target, context, source, depth);
    }
    const guardRules = guard ? modelRules({ ...guard, action: 'pass', unknownAction: undefined }, context, source) : [{ match: {}, action: { kind: 'accept' as const }, source }];
    for (const guardRule of guardRules) {
      const match = { ...guardRule.match };
      if (quick) addUnknown(match, `anchor ${name} quick (evaluation stops after the anchor when one of its rules matched)`);
      out.push({ match, action: { kind: 'jump', chain: id }, source });
    }
  }
  if (targets.length === 0) context.unsupported.push({ construct: `anchor "${name}" has no child anchors in the configuration (anchors filled at run time with pfctl -a are not seen)`, source });
  return out;
}

function anchorChildren(parent: string, context: Context): string[] {
  const listed = context.input.anchorChildren?.get(parent);
  const names = new Set<string>(listed ?? []);
  const prefix = parent === '' ? '' : `${parent}/`;
  for (const name of context.anchors.keys()) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (rest !== '' && !rest.includes('/')) names.add(name);
  }
  return [...names].sort();
}

function anchorContents(name: string, context: Context, source: SourceRef, depth: number): Rule[] {
  if (depth > 8) return [{ match: {}, action: { kind: 'unknown', construct: `anchor ${name} nested too deep` }, source }];
  const listed = context.input.anchorRules?.get(name);
  if (listed && 'text' in listed) {
    context.sources.add(listed.path);
    const statements = declarations(pfStatements(listed.text, listed.path), context, name);
    return rulesOf(statements, context, name, depth + 1);
  }
  const entry = context.anchors.get(name);
  if (entry?.loadError !== undefined) {
    context.errors.push({ message: `anchor ${name}: ${entry.loadedFrom ?? ''} could not be read (${entry.loadError})`, source: entry.source ?? source });
    return [{ match: {}, action: { kind: 'unknown', construct: `the rules of anchor ${name}, loaded from ${entry.loadedFrom}, which could not be read (${entry.loadError})` }, source: entry.source ?? source }];
  }
  if (!entry || (entry.loadedFrom === undefined && entry.statements.length === 0)) {
    context.unsupported.push({ construct: `anchor "${name}" has no rules in the configuration (rules added at run time with pfctl -a are not seen)`, source });
    return [];
  }
  return rulesOf(entry.statements, context, name, depth + 1);
}

/** Files a pf.conf names that the collector should read: `load anchor ... from`, table `file`, `include`. */
export function pfReferencedFiles(text: string): string[] {
  const out: string[] = [];
  const macros = new Map<string, string>();
  for (const statement of pfStatements(text, '')) {
    const macro = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([\s\S]*)$/.exec(statement.text);
    if (macro) {
      macros.set(macro[1] as string, macroValue(macro[2] as string, macros, []));
      continue;
    }
    const expanded = expandMacros(statement.text, macros, []);
    for (const match of expanded.matchAll(/\b(?:from|file|include)\s+["']([^"']+)["']/g)) out.push(match[1] as string);
  }
  return [...new Set(out)];
}

/** The model of a pf configuration (or `pfctl -s rules` output). Never throws. */
export function pfRuleset(input: PfInput, meta: PfMeta): EgressRuleset {
  const context: Context = {
    input,
    macros: new Map(),
    tables: new Map(),
    anchors: new Map(),
    chains: [],
    skip: [],
    translationPasses: [],
    errors: [],
    unsupported: [],
    sources: new Set([input.main.path]),
    blockReturn: false,
  };
  let rules: Rule[] = [];
  try {
    const statements = declarations(pfStatements(input.main.text, input.main.path), context, undefined);
    collectAnchorDeclarations(statements, context, undefined);
    rules = rulesOf(statements, context, undefined, 0);
  } catch (error) {
    context.errors.push({ message: `the configuration could not be read (${error instanceof Error ? error.message : String(error)})`, source: { path: input.main.path } });
    rules = [{ match: {}, action: { kind: 'unknown', construct: 'a pf configuration this parser could not read' }, source: { path: input.main.path } }];
  }
  // `set skip on lo0`: packets on a skipped interface are never filtered (as if passed quick first).
  const skipRules: Rule[] = context.skip.flatMap(({ names, source }) => {
    const loopback = names.filter((name) => interfaceName(name) === 'lo');
    const others = names.filter((name) => interfaceName(name) !== 'lo');
    const out: Rule[] = [];
    if (loopback.length > 0) out.push({ match: { oif: { values: ['lo'] } }, action: { kind: 'accept' }, quick: true, source });
    for (const name of others) {
      const match: Match = {};
      const iface = interfaceName(name);
      if (iface) match.oif = { values: [iface] };
      else addUnknown(match, `set skip on ${name} (an interface group)`);
      out.push({ match, action: { kind: 'accept' }, quick: true, source });
    }
    return out;
  });
  const output: Chain = {
    id: 'pf out',
    name: 'pf filter rules (out)',
    hook: 'output',
    priority: 0,
    families: ['ipv4', 'ipv6'],
    policy: 'accept',
    rules: [...skipRules, ...context.translationPasses, ...rules],
    source: { path: input.main.path, text: 'pf main ruleset' },
    policySource: { path: input.main.path, text: 'pf passes what no rule matches' },
  };
  const chains = [output, ...context.chains];
  const unsupported = [...context.unsupported, ...chainsUnsupported(chains)];
  return {
    backend: 'pf',
    label: meta.label ?? `pf (${input.main.path})`,
    semantics: 'last-match',
    active: meta.active,
    ...(meta.activeEvidence ? { activeEvidence: meta.activeEvidence } : {}),
    chains,
    unsupported,
    sources: [...context.sources],
    errors: context.errors,
  };
}

/** `pfctl -s info`: `Status: Enabled for 0 days ...` or `Status: Disabled`. */
export function parsePfctlInfo(text: string): { enabled?: boolean; line?: number; text?: string } {
  const lines = splitLines(stripBom(text));
  for (const [index, raw] of lines.entries()) {
    const match = /^\s*Status:\s*(Enabled|Disabled)/i.exec(raw);
    if (match) return { enabled: (match[1] as string).toLowerCase() === 'enabled', line: index + 1, text: raw.trim() };
  }
  return {};
}

/** Anchor names a `pfctl -s rules` output (or pf.conf) evaluates: `anchor "com.apple/*" all`. */
export function pfAnchorNames(text: string): string[] {
  const out: string[] = [];
  for (const statement of pfStatements(text, '')) {
    const match = /^anchor\s+"([^"]+)"/.exec(statement.text) ?? /^anchor\s+([^\s"{]+)/.exec(statement.text);
    if (match) out.push(match[1] as string);
  }
  return out;
}

/** Table names a ruleset refers to (`<name>`). */
export function pfTableNames(text: string): string[] {
  return [...new Set([...text.matchAll(/<([A-Za-z0-9_.\-]+)>/g)].map((match) => match[1] as string))];
}
