// The nft language (nftables.conf and what it includes) to the egress model, for images and hosts where
// the live ruleset cannot be listed. What nft(8) does when it loads a file, as far as egress goes:
//
// - lexical: `#` comments, `\` line continuations, `;` or a newline between statements, double-quoted
//   strings; `include "file"` anywhere (top level, in a table, in a set), with globs (alphabetical, dot
//   files skipped, no match is not an error) and relative names searched in the include path (/etc,
//   nft's default, after any `--includepath` of the file's `#!` line);
// - `define`/`redefine`/`undefine` with block scope (top level or inside a table), `$name` anywhere;
// - commands: `table` blocks, `add|create table|chain|rule|set|map|element`, `insert rule`,
//   `flush ruleset|table|chain|set`, `delete table|chain|set|element`;
// - chains with `type T hook H [device D] priority P; policy X;` (named priorities with offsets);
// - rules: the matches the model has fields for (ip/ip6 daddr, l4 protocol, tcp/udp/th dport,
//   meta skuid, oifname/oif, iifname/iif, ct state, meta nfproto, fib daddr type), anonymous sets,
//   named sets (`@name`, with `elements` and `add element`), concatenations and verdict maps over
//   those fields (expanded into plain rules), verdicts; counter/log/limit/comment/notrack/mangling
//   continue; NAT, queue and synproxy are verdicts the model cannot follow; meters, dynamic sets, rate
//   limits `over` and every other match are unknown constructs, named with file and line.
//
// It never throws: a line it cannot read is an error entry (file:line) and reading goes on.

import type { Chain, EgressRuleset, Rule, RuleAction, SourceRef } from '../firewall/model.js';
import { normalizeAbsolutePath } from '../util/posix-path.js';
import {
  concatAlternative,
  ctSelector,
  expandOrKeepWhole,
  familiesOf,
  HOOKS,
  metaSelector,
  payloadSelector,
  priorityValue,
  relation,
  TABLE_FAMILIES,
  tcpFlagNames,
  verdictAction,
  type Alternative,
  type Condition,
  type NftValue,
  type Operator,
  type Selector,
  type ValueContext,
} from './nft-common.js';

/** Reads the files of the target (through the Host). */
export interface NftSourceLoader {
  /** The file's text; undefined when it does not exist (a read error may be thrown, it is recorded). */
  read(path: string): Promise<string | undefined>;
  /** Entry names of a folder; undefined when it is not one. */
  list(dir: string): Promise<string[] | undefined>;
}

export interface NftConfigOptions extends ValueContext {
  /** Folders searched for relative include names; default `/etc` (nft's compiled-in default). */
  includePaths?: readonly string[];
}

/** nft refuses deeper include nesting. */
const MAX_INCLUDE_DEPTH = 16;
const MAX_INCLUDED_FILES = 512;

// ---------------------------------------------------------------------------------------------------
// Tokens

interface Token {
  type: 'word' | 'string' | 'punct' | 'op' | 'nl';
  text: string;
  path: string;
  line: number;
  /** A `$name` that had no definition. */
  undefinedVar?: boolean;
}

const PUNCT = new Set(['{', '}', ';', ',']);
const WORD_END = /[\s{};,"#=<>!]/;
const IPV6_LIKE = /^[0-9a-f:.\/-]+$/i;

/** `untracked:` or `53:accept` (map entries without spaces) split at the colon; IPv6 and MAC addresses stay whole. */
function splitColons(token: Token): Token[] {
  const text = token.text;
  if (!text.includes(':') || text.startsWith('$') || text.startsWith('@')) return [token];
  if (IPV6_LIKE.test(text) && (text.includes('::') || (text.match(/:/g) ?? []).length >= 2)) return [token];
  const out: Token[] = [];
  text.split(/(:)/).forEach((part) => {
    if (part !== '') out.push({ ...token, type: part === ':' ? 'punct' : 'word', text: part });
  });
  return out;
}

function tokenize(text: string, path: string, errors: EgressRuleset['errors']): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (type: Token['type'], value: string, at = line) => {
    if (type === 'nl' && (tokens.length === 0 || tokens[tokens.length - 1]?.type === 'nl')) return;
    const token: Token = { type, text: value, path, line: at };
    if (type === 'word') tokens.push(...splitColons(token));
    else tokens.push(token);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      push('nl', '\n');
      line += 1;
      i += 1;
    } else if (c === '\r' || c === ' ' || c === '\t' || c === '\f' || c === '\v') {
      i += 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (c === '\\' && /^\\[ \t]*\r?\n/.test(text.slice(i, i + 64))) {
      // Line continuation: the next line belongs to this statement.
      while (text[i] !== '\n') i += 1;
      i += 1;
      line += 1;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += 1;
      if (text[j] !== '"') errors.push({ message: 'unterminated string', source: { path, line: start } });
      push('string', text.slice(i + 1, j), start);
      i = text[j] === '"' ? j + 1 : j;
    } else if (PUNCT.has(c)) {
      push('punct', c);
      i += 1;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = text.slice(i, i + 2);
      if (['!=', '==', '<=', '>=', '<<', '>>'].includes(two)) {
        push('op', two);
        i += 2;
      } else {
        push(c === '=' ? 'punct' : 'op', c);
        i += 1;
      }
    } else {
      let j = i;
      while (j < text.length && !WORD_END.test(text[j] as string)) {
        if (text[j] === '\\' && /^\\[ \t]*\r?\n/.test(text.slice(j, j + 64))) break;
        j += 1;
      }
      push('word', text.slice(i, j));
      i = j;
    }
  }
  push('nl', '\n');
  return tokens;
}

function joinTokens(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    if (token.type === 'nl') continue;
    const text = token.type === 'string' ? `"${token.text}"` : token.text;
    if (out === '' || token.text === ',' || token.text === ';') out += text;
    else out += ` ${text}`;
  }
  return out.length > 240 ? `${out.slice(0, 237)}...` : out;
}

// ---------------------------------------------------------------------------------------------------
// Loading files and includes

function dirname(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return normalizeAbsolutePath(name);
  return normalizeAbsolutePath(`${dir.replace(/\/+$/, '')}/${name}`);
}

const GLOB = /[*?[]/;

function globRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[\\^$+.()|{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

class Loader {
  readonly errors: EgressRuleset['errors'] = [];
  readonly notes: { construct: string; source: SourceRef }[] = [];
  readonly sources: string[] = [];
  private count = 0;

  constructor(
    private readonly files: NftSourceLoader,
    private readonly includePaths: readonly string[],
  ) {}

  private async read(path: string, from?: SourceRef): Promise<string | undefined> {
    try {
      return await this.files.read(path);
    } catch (error) {
      this.errors.push({ message: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, source: from ?? { path } });
      return undefined;
    }
  }

  /** Paths a glob names, alphabetically, without dot files. */
  private async expandGlob(pattern: string): Promise<string[]> {
    const parts = pattern.split('/').filter(Boolean);
    let bases = ['/'];
    for (const [index, part] of parts.entries()) {
      const next: string[] = [];
      for (const base of bases) {
        if (!GLOB.test(part)) {
          next.push(joinPath(base, part));
          continue;
        }
        let names: string[] | undefined;
        try {
          names = await this.files.list(base);
        } catch {
          names = undefined;
        }
        const regex = globRegExp(part);
        for (const name of (names ?? []).filter((entry) => !entry.startsWith('.') && regex.test(entry)).sort()) next.push(joinPath(base, name));
      }
      bases = next;
      void index;
    }
    return bases;
  }

  /** Tokens of a file with its includes spliced in. */
  async load(path: string, depth: number, stack: readonly string[], from?: SourceRef): Promise<Token[] | undefined> {
    if (this.count >= MAX_INCLUDED_FILES) {
      this.errors.push({ message: `more than ${MAX_INCLUDED_FILES} files included; ${path} not read`, source: from ?? { path } });
      return undefined;
    }
    const text = await this.read(path, from);
    if (text === undefined) return undefined;
    this.count += 1;
    if (!this.sources.includes(path)) this.sources.push(path);
    const raw = tokenize(text.replace(/^\uFEFF/, ''), path, this.errors);
    const shebangPaths = depth === 0 ? shebangIncludePaths(text) : [];
    const out: Token[] = [];
    for (let i = 0; i < raw.length; i++) {
      const token = raw[i] as Token;
      const previous = raw[i - 1];
      const next = raw[i + 1];
      const atStatement = !previous || previous.type === 'nl' || previous.text === ';' || previous.text === '{';
      if (token.type === 'word' && token.text === 'include' && atStatement && next?.type === 'string') {
        i += 1;
        const source: SourceRef = { path, line: token.line, text: `include "${next.text}"` };
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
          this.errors.push({ message: `include nested deeper than ${MAX_INCLUDE_DEPTH}`, source });
          continue;
        }
        for (const file of await this.resolveInclude(next.text, path, shebangPaths, source)) {
          if (stack.includes(file)) {
            this.errors.push({ message: `include loop: ${file} includes itself`, source });
            continue;
          }
          const included = await this.load(file, depth + 1, [...stack, file], source);
          if (included) out.push(...included.filter((item, index) => !(index === included.length - 1 && item.type === 'nl')));
        }
        continue;
      }
      out.push(token);
    }
    return out;
  }

  private async resolveInclude(name: string, from: string, shebangPaths: readonly string[], source: SourceRef): Promise<string[]> {
    const isGlob = GLOB.test(name);
    let candidates: { path: string; via?: string }[];
    if (name.startsWith('/')) candidates = [{ path: normalizeAbsolutePath(name) }];
    else if (name.startsWith('./') || name.startsWith('../')) {
      // Relative to nft's working directory; the including file's folder is the best guess offline.
      candidates = [{ path: joinPath(dirname(from), name) }];
    } else {
      candidates = [
        ...shebangPaths.map((dir) => ({ path: joinPath(dir, name), via: dir })),
        ...this.includePaths.filter((dir) => !shebangPaths.includes(dir)).map((dir) => ({ path: joinPath(dir, name) })),
      ];
    }
    for (const candidate of candidates) {
      if (isGlob) {
        const found = await this.expandGlob(candidate.path);
        if (found.length > 0) return found;
        continue;
      }
      let exists: boolean;
      try {
        exists = (await this.files.read(candidate.path)) !== undefined;
      } catch {
        exists = true; // present but unreadable: load() records why
      }
      if (exists) {
        if (candidate.via) {
          this.notes.push({
            construct: `include "${name}" found through the #! --includepath ${candidate.via}; nft -f (nftables.service) searches only its default path`,
            source,
          });
        }
        return [candidate.path];
      }
    }
    if (!isGlob) this.errors.push({ message: `included file not found: ${name} (searched ${candidates.map((c) => c.path).join(', ')}); nft refuses to load a file whose include is missing`, source });
    return [];
  }
}

/** `#!/usr/sbin/nft --includepath "/etc/nftables.d" -f` or `-I dir`. */
function shebangIncludePaths(text: string): string[] {
  const first = /^#!([^\n]*)/.exec(text)?.[1];
  if (!first) return [];
  const out: string[] = [];
  const pattern = /(?:--includepath|-I)(?:=|\s+)("([^"]*)"|(\S+))/g;
  for (const found of first.matchAll(pattern)) out.push((found[2] ?? found[3] ?? '').replace(/\/+$/, '') || '/');
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Statements

interface NamedSet {
  elements: NftValue[];
  verdicts?: { key: NftValue; action: RuleAction | undefined }[];
  /** Elements are added at run time (flags dynamic/timeout, or a set a meter or `add @set` fills). */
  dynamic?: string;
  isMap?: boolean;
  source: SourceRef;
}

interface TableState {
  family: string;
  name: string;
  chains: Map<string, ChainState>;
  sets: Map<string, NamedSet>;
  dormant?: SourceRef;
}

interface ChainState {
  chain: Chain;
  /** Rules as written; turned into model rules once every set is known. */
  drafts: RuleDraft[];
}

interface RuleDraft {
  tokens: Token[];
  raw: Token[];
  table: TableState;
}

const VERDICTS = new Set(['accept', 'drop', 'reject', 'return', 'continue', 'jump', 'goto', 'queue']);
const TERMINAL_UNMODELLED = new Set(['queue', 'masquerade', 'snat', 'dnat', 'redirect', 'tproxy', 'synproxy', 'fwd']);
/** Statements that end a match and never filter. */
const STATEMENT_WORDS = new Set(['counter', 'log', 'limit', 'quota', 'comment', 'notrack', 'dup', 'meter', 'add', 'update', 'delete', 'reset', ...VERDICTS, ...TERMINAL_UNMODELLED]);
const BARE_META = new Set([
  'mark', 'priority', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid', 'ibriport', 'obriport',
  'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'ipsec', 'time', 'day', 'hour', 'l4proto', 'nfproto', 'secmark', 'random', 'length', 'protocol',
]);
const PAYLOAD_PROTOCOLS = new Set(['ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'icmp', 'icmpv6', 'igmp', 'esp', 'ah', 'comp', 'gre', 'ether', 'vlan', 'arp', 'dst', 'hbh', 'frag', 'rt', 'mh', 'srh', 'rt0', 'rt2', 'rt4', 'vxlan', 'geneve', 'gretap']);
const BINARY_OPS = new Set(['&', 'and', '|', 'or', '^', 'xor', '<<', '>>', 'lshift', 'rshift']);
const RELATIONAL: Record<string, Operator> = { '==': '==', eq: '==', '!=': '!=', ne: '!=', '<': '<', lt: '<', '>': '>', gt: '>', '<=': '<=', le: '<=', '>=': '>=', ge: '>=' };

class ConfigParser {
  readonly ruleset: EgressRuleset;
  private readonly tables = new Map<string, TableState>();
  private readonly scopes: Map<string, Token[]>[] = [new Map()];
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    label: string,
    private readonly context: ValueContext,
  ) {
    this.ruleset = { backend: 'nftables', label, semantics: 'first-match', active: undefined, chains: [], unsupported: [], sources: [], errors: [] };
  }

  // --- token stream ---------------------------------------------------------------------------------

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private error(message: string, token: Token | undefined): void {
    this.ruleset.errors.push({ message, source: token ? { path: token.path, line: token.line } : {} });
  }

  private note(construct: string, source: SourceRef): void {
    if (!this.ruleset.unsupported.some((entry) => entry.construct === construct && entry.source.path === source.path && entry.source.line === source.line)) {
      this.ruleset.unsupported.push({ construct, source });
    }
  }

  /**
   * The tokens of one statement: up to a newline or `;` outside braces, or the `}` closing the block
   * (not consumed). Variables are expanded in `expanded`; `raw` keeps what was written.
   */
  private statement(): { raw: Token[]; expanded: Token[] } {
    const raw: Token[] = [];
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const token = this.tokens[this.pos] as Token;
      if (depth === 0 && (token.type === 'nl' || token.text === ';') && token.type !== 'string') {
        this.pos += 1;
        break;
      }
      if (token.type === 'punct' && token.text === '}') {
        if (depth === 0) break;
        depth -= 1;
      } else if (token.type === 'punct' && token.text === '{') depth += 1;
      raw.push(token);
      this.pos += 1;
    }
    return { raw, expanded: this.expand(raw) };
  }

  private lookupVar(name: string): Token[] | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const found = this.scopes[i]?.get(name);
      if (found) return found;
    }
    return undefined;
  }

  private expand(tokens: readonly Token[], depth = 0): Token[] {
    const out: Token[] = [];
    for (const token of tokens) {
      if (token.type === 'word' && token.text.startsWith('$') && token.text.length > 1) {
        const name = token.text.slice(1);
        const value = this.lookupVar(name);
        if (value && depth < 16) out.push(...value.map((item) => ({ ...item, path: token.path, line: token.line })));
        else {
          out.push({ ...token, undefinedVar: true });
          this.error(`undefined variable $${name}: nft refuses to load a file that uses it`, token);
        }
      } else if (token.type !== 'nl') out.push(token);
    }
    return out;
  }

  private skipSeparators(): void {
    while (this.peek() && (this.peek()?.type === 'nl' || this.peek()?.text === ';')) this.pos += 1;
  }

  /** Skips a balanced `{ ... }` starting at the current token. */
  private skipBlock(): void {
    if (this.peek()?.text !== '{') return;
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const token = this.tokens[this.pos] as Token;
      this.pos += 1;
      if (token.type === 'punct' && token.text === '{') depth += 1;
      else if (token.type === 'punct' && token.text === '}') {
        depth -= 1;
        if (depth === 0) return;
      }
    }
  }

  // --- top level --------------------------------------------------------------------------------------

  parse(): void {
    while (this.pos < this.tokens.length) {
      this.skipSeparators();
      const token = this.peek();
      if (!token) break;
      if (token.text === '}') {
        this.error('unexpected }', token);
        this.pos += 1;
        continue;
      }
      this.command();
    }
  }

  private define(words: Token[], scope: Map<string, Token[]>): void {
    const [keyword, name, equals, ...value] = words;
    if (keyword?.text === 'undefine') {
      if (name) for (const s of this.scopes) s.delete(name.text);
      return;
    }
    if (!name || equals?.text !== '=' || value.length === 0) {
      this.error(`${keyword?.text ?? 'define'} needs NAME = VALUE`, keyword);
      return;
    }
    scope.set(name.text, value);
  }

  private family(words: Token[], index: number): { family: string; next: number } {
    const word = words[index]?.text ?? '';
    return TABLE_FAMILIES.has(word) && words[index + 1] && words[index + 1]?.text !== '{' ? { family: word, next: index + 1 } : { family: 'ip', next: index };
  }

  private table(family: string, name: string, create = true): TableState | undefined {
    const key = `${family} ${name}`;
    let table = this.tables.get(key);
    if (!table && create) {
      table = { family, name, chains: new Map(), sets: new Map() };
      this.tables.set(key, table);
    }
    return table;
  }

  private command(): void {
    const first = this.peek() as Token;
    const word = first.text;
    if (word === 'define' || word === 'redefine' || word === 'undefine') {
      const { expanded } = this.defineStatement();
      this.define(expanded, this.scopes[this.scopes.length - 1] as Map<string, Token[]>);
      return;
    }
    if (word === 'table') {
      this.pos += 1;
      const header = this.headerWords();
      const { family, next } = this.family(header, 0);
      const name = header[next]?.text;
      if (!name) {
        this.error('table without a name', first);
        this.statement();
        return;
      }
      const table = this.table(family, name) as TableState;
      if (this.peek()?.text === '{') this.tableBody(table);
      else this.statement();
      return;
    }
    if (word === 'chain' || word === 'set' || word === 'map') {
      // `chain inet filter output { ... }` without `add`.
      this.pos += 1;
      this.addObject(word, first);
      return;
    }
    if (word === 'add' || word === 'create' || word === 'insert' || word === 'replace') {
      this.pos += 1;
      const what = this.peek();
      if (!what) return;
      this.pos += 1;
      if (what.text === 'table') {
        const header = this.headerWords();
        const { family, next } = this.family(header, 0);
        const name = header[next]?.text;
        if (name) {
          const table = this.table(family, name) as TableState;
          if (this.peek()?.text === '{') this.tableBody(table);
          else this.statement();
        } else this.statement();
        return;
      }
      if (what.text === 'rule') {
        this.addRule(first, word === 'insert', word === 'replace');
        return;
      }
      if (what.text === 'element') {
        this.element(first, 'add');
        return;
      }
      if (what.text === 'chain' || what.text === 'set' || what.text === 'map') {
        this.addObject(what.text, first);
        return;
      }
      // counters, quotas, flowtables...: nothing for egress.
      this.statement();
      this.skipBlock();
      return;
    }
    if (word === 'flush' || word === 'delete' || word === 'destroy') {
      this.pos += 1;
      this.flushOrDelete(word, first);
      return;
    }
    if (word === 'list' || word === 'reset' || word === 'rename' || word === 'describe' || word === 'monitor' || word === 'export' || word === 'import') {
      this.statement();
      return;
    }
    const { raw } = this.statement();
    this.skipBlock();
    this.error(`not an nft command: ${joinTokens(raw).slice(0, 80)}`, first);
  }

  private defineStatement(): { raw: Token[]; expanded: Token[] } {
    return this.statement();
  }

  /** Words up to `{` or the end of the statement (the `{` is not consumed). */
  private headerWords(): Token[] {
    const words: Token[] = [];
    while (this.pos < this.tokens.length) {
      const token = this.peek() as Token;
      if (token.text === '{' || token.type === 'nl' || token.text === ';' || token.text === '}') break;
      words.push(...this.expand([token]));
      this.pos += 1;
    }
    return words;
  }

  private flushOrDelete(word: string, first: Token): void {
    const what = this.peek()?.text;
    if (what === 'ruleset') {
      this.statement();
      if (word === 'flush') {
        this.tables.clear();
      }
      return;
    }
    if (what === 'element' && word !== 'flush') {
      this.pos += 1;
      this.element(first, 'delete');
      return;
    }
    this.pos += 1;
    const { expanded } = this.statement();
    const { family, next } = this.family(expanded, 0);
    const tableName = expanded[next]?.text;
    const objectName = expanded[next + 1]?.text;
    const table = tableName ? this.table(family, tableName, false) : undefined;
    if (!table) return;
    if (what === 'table') {
      if (word === 'flush') for (const chain of table.chains.values()) chain.drafts = [];
      else this.tables.delete(`${family} ${tableName}`);
    } else if (what === 'chain' && objectName) {
      if (word === 'flush') {
        const chain = table.chains.get(objectName);
        if (chain) chain.drafts = [];
      } else table.chains.delete(objectName);
    } else if ((what === 'set' || what === 'map') && objectName) {
      if (word === 'flush') {
        const set = table.sets.get(objectName);
        if (set) {
          set.elements = [];
          if (set.verdicts) set.verdicts = [];
        }
      } else table.sets.delete(objectName);
    } else if (what === 'rule') {
      this.note(`${word} rule ${joinTokens(expanded)} (rule handles are only known to the running kernel)`, { path: first.path, line: first.line });
    }
  }

  /** `add chain [family] table name [{ ... }]`, `add set ...`, `add map ...`. */
  private addObject(kind: string, first: Token): void {
    const header = this.headerWords();
    const { family, next } = this.family(header, 0);
    const tableName = header[next]?.text;
    const name = header[next + 1]?.text;
    if (!tableName || !name) {
      this.error(`${kind} needs a table and a name`, first);
      this.statement();
      this.skipBlock();
      return;
    }
    const table = this.table(family, tableName) as TableState;
    if (kind === 'chain') {
      const state = this.chain(table, name, first);
      if (this.peek()?.text === '{') this.chainBody(table, state);
      else this.statement();
    } else {
      if (this.peek()?.text === '{') this.setBody(table, name, kind === 'map', first);
      else this.statement();
    }
  }

  private chain(table: TableState, name: string, at: Token): ChainState {
    let state = table.chains.get(name);
    if (!state) {
      const id = `${table.family} ${table.name} ${name}`;
      state = { chain: { id, name, families: familiesOf(table.family), rules: [], source: { path: at.path, line: at.line, text: `chain ${name}` } }, drafts: [] };
      table.chains.set(name, state);
    }
    return state;
  }

  private addRule(first: Token, insert: boolean, replace: boolean): void {
    const { raw, expanded } = this.statement();
    const { family, next } = this.family(expanded, 0);
    const tableName = expanded[next]?.text;
    const chainName = expanded[next + 1]?.text;
    if (!tableName || !chainName) {
      this.error('add rule needs a table and a chain', first);
      return;
    }
    let rest = expanded.slice(next + 2);
    // Family, table and chain are plain words: the rule starts at the same place in what was written.
    let rawRest = raw.slice(next + 2);
    if (rest[0]?.text === 'position' || rest[0]?.text === 'handle' || rest[0]?.text === 'index') {
      this.note(`${insert ? 'insert' : replace ? 'replace' : 'add'} rule at ${rest[0].text} ${rest[1]?.text ?? ''} (placed at the ${insert ? 'start' : 'end'} of the chain)`, { path: first.path, line: first.line });
      rest = rest.slice(2);
      rawRest = rawRest.slice(2);
    }
    const table = this.table(family, tableName) as TableState;
    const state = table.chains.get(chainName);
    if (!state) {
      this.error(`rule for chain ${chainName}, which table ${family} ${tableName} does not have: nft refuses it`, first);
      return;
    }
    const draft: RuleDraft = { tokens: rest, raw: rawRest, table };
    if (insert) state.drafts.unshift(draft);
    else state.drafts.push(draft);
  }

  /** `add element [family] table set { ... }`. */
  private element(first: Token, mode: 'add' | 'delete'): void {
    const header = this.headerWords();
    const { family, next } = this.family(header, 0);
    const tableName = header[next]?.text;
    const setName = header[next + 1]?.text;
    const table = tableName ? this.table(family, tableName, false) : undefined;
    const set = setName ? table?.sets.get(setName) : undefined;
    const { expanded } = this.statement();
    if (!set) {
      this.error(`element for set ${setName ?? '?'}, which is not declared before it: nft refuses it`, first);
      return;
    }
    const cursor = new Cursor(expanded);
    const values = cursor.braceValues();
    if (mode === 'add') {
      if (set.isMap) set.verdicts?.push(...values.filter((item) => item.verdict !== undefined).map((item) => ({ key: item.value, action: item.verdict })));
      else set.elements.push(...values.map((item) => item.value));
    } else {
      const texts = new Set(values.map((item) => JSON.stringify(item.value)));
      set.elements = set.elements.filter((value) => !texts.has(JSON.stringify(value)));
    }
  }

  // --- blocks -----------------------------------------------------------------------------------------

  private block(body: () => void): void {
    const open = this.peek();
    this.pos += 1; // {
    this.scopes.push(new Map());
    body();
    this.scopes.pop();
    if (this.peek()?.text === '}') this.pos += 1;
    else this.error('missing } (the block is not closed)', open);
  }

  private tableBody(table: TableState): void {
    this.block(() => {
      for (;;) {
        this.skipSeparators();
        const token = this.peek();
        if (!token || token.text === '}') return;
        const word = token.text;
        if (word === 'define' || word === 'redefine' || word === 'undefine') {
          const { expanded } = this.statement();
          this.define(expanded, this.scopes[this.scopes.length - 1] as Map<string, Token[]>);
        } else if (word === 'chain') {
          this.pos += 1;
          const header = this.headerWords();
          const name = header[0]?.text;
          if (!name || this.peek()?.text !== '{') {
            this.error('chain needs a name and { }', token);
            this.statement();
            continue;
          }
          this.chainBody(table, this.chain(table, name, token));
        } else if (word === 'set' || word === 'map') {
          this.pos += 1;
          const header = this.headerWords();
          const name = header[0]?.text;
          if (!name || this.peek()?.text !== '{') {
            this.error(`${word} needs a name and { }`, token);
            this.statement();
            continue;
          }
          this.setBody(table, name, word === 'map', token);
        } else if (word === 'flags') {
          const { expanded } = this.statement();
          if (expanded.some((item) => item.text === 'dormant')) {
            table.dormant = { path: token.path, line: token.line, text: 'flags dormant' };
          }
        } else if (word === 'comment') {
          this.statement();
        } else if (['counter', 'quota', 'limit', 'ct', 'flowtable', 'secmark', 'synproxy'].includes(word)) {
          this.headerWords();
          if (this.peek()?.text === '{') this.skipBlock();
          else this.statement();
        } else {
          const { raw } = this.statement();
          this.skipBlock();
          this.error(`not understood in table ${table.family} ${table.name}: ${joinTokens(raw).slice(0, 80)}`, token);
        }
      }
    });
  }

  private chainBody(table: TableState, state: ChainState): void {
    const chain = state.chain;
    this.block(() => {
      for (;;) {
        this.skipSeparators();
        const token = this.peek();
        if (!token || token.text === '}') return;
        const { raw, expanded } = this.statement();
        if (expanded.length === 0) continue;
        const word = expanded[0]?.text;
        if (raw[0]?.text === 'define' || raw[0]?.text === 'redefine' || raw[0]?.text === 'undefine') {
          this.define(expanded, this.scopes[this.scopes.length - 1] as Map<string, Token[]>);
        } else if (word === 'type' && expanded.some((item) => item.text === 'hook')) {
          this.baseChain(table, chain, expanded, token);
        } else if (word === 'policy' && expanded.length >= 2 && expanded.length <= 2) {
          const policy = expanded[1]?.text;
          if (policy === 'accept' || policy === 'drop') {
            chain.policy = policy;
            chain.policySource = { path: token.path, line: token.line, text: `policy ${policy}` };
          } else this.error(`policy ${policy ?? ''}: not accept or drop`, token);
        } else if (word === 'comment' && expanded.length === 2) {
          continue;
        } else if (word === 'devices' || word === 'device') {
          continue;
        } else {
          state.drafts.push({ tokens: expanded, raw, table });
        }
      }
    });
  }

  private baseChain(table: TableState, chain: Chain, words: Token[], at: Token): void {
    const get = (keyword: string) => words.findIndex((item) => item.text === keyword);
    const hook = words[get('hook') + 1]?.text;
    const priorityAt = get('priority');
    if (hook && HOOKS.has(hook)) {
      if (!table.dormant) chain.hook = hook as NonNullable<Chain['hook']>;
    } else this.error(`hook ${hook ?? '(none)'} is not a netfilter hook`, at);
    if (priorityAt >= 0) {
      const priorityWords: string[] = [];
      for (let i = priorityAt + 1; i < words.length; i++) {
        const text = words[i]?.text as string;
        if (text === 'policy' || text === 'device' || text === 'devices' || text === 'comment') break;
        priorityWords.push(text);
      }
      const priority = priorityValue(priorityWords, table.family);
      if (priority === undefined) this.error(`priority ${priorityWords.join(' ')} is not a number or a standard priority name`, at);
      chain.priority = priority ?? 0;
    } else this.error('base chain without a priority: nft refuses it', at);
    const policyAt = get('policy');
    const policy = policyAt >= 0 ? words[policyAt + 1]?.text : undefined;
    if (policy === 'accept' || policy === 'drop') {
      chain.policy = policy;
      chain.policySource = { path: at.path, line: at.line, text: `policy ${policy}` };
    } else chain.policy ??= 'accept';
    chain.source = { path: at.path, line: at.line, text: joinTokens(words) };
    if (hook === 'egress') this.note(`netdev egress chain ${chain.id} (filters at the device, not evaluated)`, chain.source);
  }

  private setBody(table: TableState, name: string, isMap: boolean, at: Token): void {
    const set: NamedSet = table.sets.get(name) ?? { elements: [], source: { path: at.path, line: at.line, text: `${isMap ? 'map' : 'set'} ${name}` } };
    if (isMap) {
      set.isMap = true;
      set.verdicts ??= [];
    }
    table.sets.set(name, set);
    let verdictMap = false;
    this.block(() => {
      for (;;) {
        this.skipSeparators();
        const token = this.peek();
        if (!token || token.text === '}') return;
        const { expanded } = this.statement();
        const word = expanded[0]?.text;
        if (word === 'type' || word === 'typeof') {
          const colon = expanded.findIndex((item) => item.text === ':');
          if (colon >= 0 && expanded[colon + 1]?.text === 'verdict') verdictMap = true;
        } else if (word === 'flags') {
          const flags = expanded.slice(1).map((item) => item.text).filter((text) => text !== ',');
          const runtime = flags.filter((flag) => flag === 'dynamic' || flag === 'timeout');
          if (runtime.length > 0) set.dynamic = `flags ${runtime.join(', ')}: elements are added while packets flow`;
        } else if (word === 'elements' && expanded[1]?.text === '=') {
          const cursor = new Cursor(expanded.slice(2));
          for (const item of cursor.braceValues()) {
            if (isMap) {
              if (item.verdict !== undefined || item.mapsTo) set.verdicts?.push({ key: item.value, action: item.verdict });
            } else set.elements.push(item.value);
          }
        }
      }
    });
    if (isMap && !verdictMap) set.verdicts = undefined;
  }

  // --- rules ------------------------------------------------------------------------------------------

  /** Model rules for every chain, now that every set is known. */
  finish(): void {
    for (const table of this.tables.values()) {
      if (table.dormant) this.note(`table ${table.family} ${table.name} is dormant (flags dormant): its chains filter nothing`, table.dormant);
      for (const state of table.chains.values()) {
        state.chain.rules = [];
        for (const draft of state.drafts) state.chain.rules.push(...this.rule(draft));
        this.ruleset.chains.push(state.chain);
      }
    }
  }

  private rule(draft: RuleDraft): Rule[] {
    const first = draft.raw[0] ?? draft.tokens[0];
    const source: SourceRef = { path: first?.path ?? '', line: first?.line ?? 0, text: joinTokens(draft.raw) };
    const reader = new RuleReader(draft.tokens, draft.table, this.context, source);
    let read: ReturnType<RuleReader['read']>;
    try {
      read = reader.read();
    } catch (error) {
      read = { conditions: [{ kind: 'unknown', construct: `rule not understood (${error instanceof Error ? error.message : String(error)})` }], groups: [], action: { kind: 'unknown', construct: 'unreadable rule' } };
    }
    for (const problem of reader.problems) this.ruleset.errors.push({ message: problem, source: { path: source.path ?? '', line: source.line ?? 0 } });
    for (const condition of read.conditions) if (condition.kind === 'unknown') this.note(condition.construct, source);
    for (const group of read.groups) for (const alternative of group) for (const condition of alternative.conditions) if (condition.kind === 'unknown') this.note(condition.construct, source);
    if (read.action.kind === 'unknown') this.note(read.action.construct, source);
    const resolved = (action: RuleAction): RuleAction =>
      action.kind === 'jump' || action.kind === 'goto' ? { kind: action.kind, chain: `${draft.table.family} ${draft.table.name} ${action.chain}` } : action;
    const groups = read.groups.map((group) => group.map((alternative) => (alternative.action ? { ...alternative, action: resolved(alternative.action) } : alternative)));
    return expandOrKeepWhole(read.conditions, groups, resolved(read.action), (construct) => this.note(construct, source)).map((item) => ({ match: item.match, action: item.action, source }));
  }
}

// ---------------------------------------------------------------------------------------------------
// Values and rules from tokens

interface BraceItem {
  value: NftValue;
  verdict?: RuleAction;
  /** A map entry with a non-verdict value. */
  mapsTo?: boolean;
}

class Cursor {
  pos = 0;
  constructor(readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  next(): Token | undefined {
    const token = this.tokens[this.pos];
    this.pos += 1;
    return token;
  }

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** One term: a word or string, a brace group (flattened by the caller), or a parenthesised group. */
  term(): NftValue {
    const token = this.next();
    if (!token) return { kind: 'opaque', text: '(nothing)' };
    if (token.undefinedVar) return { kind: 'opaque', text: `${token.text} (undefined variable)` };
    if (token.text.startsWith('(') && !token.text.endsWith(')')) {
      let text = token.text;
      while (!this.done && !text.endsWith(')')) text += ` ${this.next()?.text ?? ''}`;
      return { kind: 'atom', text };
    }
    return { kind: 'atom', text: token.text };
  }

  /** `a . b . c` (a concatenation), or a single term. */
  element(): NftValue {
    const parts: NftValue[] = [this.term()];
    while (this.peek()?.text === '.') {
      this.pos += 1;
      parts.push(this.term());
    }
    return parts.length === 1 ? (parts[0] as NftValue) : { kind: 'concat', parts };
  }

  /** A verdict in a map: accept, drop, jump X... */
  verdict(): RuleAction | undefined {
    const word = this.peek()?.text ?? '';
    if (word === 'jump' || word === 'goto') {
      this.pos += 1;
      const target = this.next()?.text;
      return verdictAction(word, target);
    }
    const action = verdictAction(word);
    if (action) this.pos += 1;
    return action;
  }

  /** `{ a, b . c, d : accept, { nested } }` at the current `{`; nested sets are flattened. */
  braceValues(): BraceItem[] {
    const out: BraceItem[] = [];
    if (this.peek()?.text !== '{') {
      if (!this.done) out.push({ value: this.element() });
      return out;
    }
    this.pos += 1;
    while (!this.done) {
      const token = this.peek() as Token;
      if (token.text === '}' && token.type === 'punct') {
        this.pos += 1;
        break;
      }
      if ((token.text === ',' && token.type === 'punct') || token.type === 'nl') {
        this.pos += 1;
        continue;
      }
      if (token.text === '{' && token.type === 'punct') {
        out.push(...this.braceValues());
        continue;
      }
      const value = this.element();
      if (this.peek()?.text === ':' && this.peek()?.type === 'punct') {
        this.pos += 1;
        const verdict = this.verdict();
        if (verdict) out.push({ value, verdict });
        else {
          this.element();
          out.push({ value, mapsTo: true });
        }
      } else out.push({ value });
      // Element options: timeout 1h, expires 30s, counter, comment "x".
      while (!this.done && !['}', ','].includes(this.peek()?.text ?? '')) this.pos += 1;
    }
    return out;
  }
}

class RuleReader {
  private readonly cursor: Cursor;
  private readonly conditions: Condition[] = [];
  private readonly groups: Alternative[][] = [];
  private action: RuleAction | undefined;
  /** Mistakes nft itself would refuse the file for. */
  readonly problems: string[] = [];

  constructor(
    tokens: readonly Token[],
    private readonly table: TableState,
    private readonly context: ValueContext,
    private readonly source: SourceRef,
  ) {
    this.cursor = new Cursor(tokens);
  }

  read(): { conditions: Condition[]; groups: Alternative[][]; action: RuleAction } {
    const c = this.cursor;
    while (!c.done && !this.action) {
      const start = c.pos;
      const word = c.peek()?.text ?? '';
      if (this.statement(word)) continue;
      const selectors = this.selectors();
      if (!selectors) {
        c.pos = start;
        this.fallback();
        break;
      }
      this.relation(selectors, start);
    }
    return { conditions: this.conditions, groups: this.groups, action: this.action ?? { kind: 'continue' } };
  }

  private writtenFrom(start: number): string {
    return joinTokens(this.cursor.tokens.slice(start, this.cursor.pos));
  }

  private unknown(construct: string): void {
    this.conditions.push({ kind: 'unknown', construct });
  }

  /** The rest of the rule could not be read: it is an unknown construct, with the verdict it ends in. */
  private fallback(): void {
    const c = this.cursor;
    const rest = c.tokens.slice(c.pos);
    c.pos = c.tokens.length;
    let verdict: RuleAction | undefined;
    for (let i = rest.length - 1; i >= 0; i--) {
      const text = rest[i]?.text ?? '';
      if (text === 'jump' || text === 'goto') {
        verdict = verdictAction(text, rest[i + 1]?.text);
        break;
      }
      if (['accept', 'drop', 'reject', 'return', 'continue'].includes(text)) {
        verdict = verdictAction(text);
        break;
      }
      if (TERMINAL_UNMODELLED.has(text)) {
        verdict = { kind: 'unknown', construct: text };
        break;
      }
    }
    const text = joinTokens(rest);
    this.unknown(`${text.length > 120 ? `${text.slice(0, 117)}...` : text} (not understood)`);
    this.action = verdict;
  }

  /** Consumes one statement that is not a match; false when the word does not start one. */
  private statement(word: string): boolean {
    const c = this.cursor;
    const start = c.pos;
    switch (word) {
      case 'accept':
      case 'drop':
      case 'return':
      case 'continue':
        c.pos += 1;
        this.action = verdictAction(word);
        return true;
      case 'jump':
      case 'goto': {
        c.pos += 1;
        const target = c.next();
        this.action = target ? verdictAction(word, target.text) : { kind: 'unknown', construct: `${word} without a chain` };
        return true;
      }
      case 'reject':
        c.pos = c.tokens.length;
        this.action = { kind: 'reject' };
        return true;
      case 'counter':
        c.pos += 1;
        if (c.peek()?.text === 'name') c.pos += 2;
        while (c.peek()?.text === 'packets' || c.peek()?.text === 'bytes') c.pos += 2;
        return true;
      case 'log':
        c.pos += 1;
        while (['prefix', 'level', 'group', 'snaplen', 'queue-threshold'].includes(c.peek()?.text ?? '')) c.pos += 2;
        while (c.peek()?.text === 'flags') {
          c.pos += 2;
          while (c.peek()?.text === ',') c.pos += 2;
        }
        return true;
      case 'comment':
        c.pos += 2;
        return true;
      case 'notrack':
        c.pos += 1;
        return true;
      case 'limit':
      case 'quota': {
        c.pos += 1;
        if (c.peek()?.text === 'name') {
          c.pos += 2;
          this.unknown(`${word} name ${c.tokens[c.pos - 1]?.text ?? ''} (a named ${word})`);
          return true;
        }
        if (c.peek()?.text === 'rate') c.pos += 1;
        const over = c.peek()?.text === 'over' || c.peek()?.text === 'until';
        if (over) c.pos += 1;
        // Rate, unit and burst: up to the next statement or verdict.
        while (!c.done && !STATEMENT_WORDS.has(c.peek()?.text ?? '') && !this.startsMatch()) {
          if (c.peek()?.text === '{') c.braceValues();
          else c.pos += 1;
        }
        if (word === 'quota' || over) this.unknown(`${this.writtenFrom(start)} (${word === 'quota' ? 'a byte quota' : 'a rate'}, not a property of one packet)`);
        return true;
      }
      case 'dup':
        c.pos = c.tokens.length;
        return true;
      case 'add':
      case 'update':
      case 'delete':
      case 'reset': {
        if (!c.peek(1)?.text.startsWith('@')) return false;
        c.pos += 2;
        const items = c.peek()?.text === '{' ? this.braceTokens() : [];
        const texts = items.map((item) => item.text);
        if (texts.some((text) => ['limit', 'ct', 'quota', 'counter'].includes(text) && text !== 'counter')) {
          this.unknown(`${this.writtenFrom(start)} (a meter: a per-key rate or count)`);
        }
        return true;
      }
      case 'meter': {
        c.pos += 2;
        if (c.peek()?.text === 'size') c.pos += 2;
        if (c.peek()?.text === '{') this.braceTokens();
        this.unknown(`${this.writtenFrom(start)} (a meter)`);
        return true;
      }
      case 'ct':
        if (c.peek(1)?.text === 'count') {
          c.pos += 2;
          if (c.peek()?.text === 'over') c.pos += 1;
          c.pos += 1;
          this.unknown(`${this.writtenFrom(start)} (a connection count)`);
          return true;
        }
        return false;
      default:
        if (TERMINAL_UNMODELLED.has(word)) {
          c.pos = c.tokens.length;
          this.action = { kind: 'unknown', construct: word };
          return true;
        }
        return false;
    }
  }

  private braceTokens(): Token[] {
    const c = this.cursor;
    const out: Token[] = [];
    let depth = 0;
    while (!c.done) {
      const token = c.next() as Token;
      out.push(token);
      if (token.text === '{') depth += 1;
      else if (token.text === '}') {
        depth -= 1;
        if (depth === 0) break;
      }
    }
    return out;
  }

  /** Whether the current token starts a match expression (used to end a limit's arguments). */
  private startsMatch(): boolean {
    const word = this.cursor.peek()?.text ?? '';
    return PAYLOAD_PROTOCOLS.has(word) || word === 'meta' || word === 'ct' || word === 'fib' || BARE_META.has(word);
  }

  /** One selector or a `.` concatenation of them; undefined when the tokens are not one. */
  private selectors(): Selector[] | undefined {
    const out: Selector[] = [];
    for (;;) {
      const selector = this.selector();
      if (!selector) return undefined;
      out.push(selector);
      if (this.cursor.peek()?.text !== '.') return out;
      this.cursor.pos += 1;
    }
  }

  private selector(): Selector | undefined {
    const c = this.cursor;
    const word = c.peek()?.text ?? '';
    const second = c.peek(1)?.text ?? '';
    if (word === 'meta') {
      c.pos += 2;
      return metaSelector(second);
    }
    if (word === 'ct') {
      if (second === 'original' || second === 'reply') {
        c.pos += 2;
        const parts = [word, second];
        if (c.peek()?.text === 'ip' || c.peek()?.text === 'ip6') parts.push(c.next()?.text ?? '');
        parts.push(c.next()?.text ?? '');
        return { text: parts.join(' ') };
      }
      c.pos += 2;
      return ctSelector(second);
    }
    if (word === 'fib') {
      c.pos += 1;
      const flags: string[] = [c.next()?.text ?? ''];
      while (c.peek()?.text === '.') {
        c.pos += 1;
        flags.push(c.next()?.text ?? '');
      }
      const result = c.next()?.text ?? '';
      const text = `fib ${flags.join(' . ')} ${result}`;
      return flags.length === 1 && flags[0] === 'daddr' && result === 'type' ? { text, field: 'addrType' } : { text };
    }
    if (word === 'tcp' && second === 'option') {
      c.pos += 3;
      const parts = ['tcp option', c.tokens[c.pos - 1]?.text ?? ''];
      const field = c.peek()?.text ?? '';
      if (/^[a-z][a-z-]*$/.test(field) && !STATEMENT_WORDS.has(field) && field !== 'set' && !RELATIONAL[field]) {
        parts.push(field);
        c.pos += 1;
      }
      return { text: parts.join(' '), protocols: ['tcp'] };
    }
    if (PAYLOAD_PROTOCOLS.has(word) && /^[a-z][a-z0-9-]*$/.test(second) && !STATEMENT_WORDS.has(second) && !RELATIONAL[second]) {
      c.pos += 2;
      return payloadSelector(word, second);
    }
    if (BARE_META.has(word)) {
      c.pos += 1;
      return metaSelector(word, word);
    }
    if (['socket', 'osf', 'rt', 'ipsec', 'exthdr'].includes(word)) {
      c.pos += 2;
      return { text: `${word} ${second}` };
    }
    if (word.startsWith('@') && word.includes(',')) {
      c.pos += 1;
      return { text: word };
    }
    return undefined;
  }

  /** After the selectors: binary operators, a relation and a value, or a verdict map, or `set` (mangling). */
  private relation(selectors: Selector[], start: number): void {
    const c = this.cursor;
    let lhs = selectors;
    // `ip frag-off & 0x1fff`, `tcp flags & (syn | ack)`, `ip6 saddr and ffff::`: the field is no longer plain.
    while (BINARY_OPS.has(c.peek()?.text ?? '')) {
      const op = c.next()?.text;
      const mask = c.term();
      const first = lhs[0] as Selector;
      const text = `${this.writtenFrom(start)}`;
      const and = lhs.length === 1 && (op === '&' || op === 'and') && mask.kind === 'atom';
      const fragment = and && first.special === 'frag-off' && /^(0x1fff|8191)$/i.test(mask.text);
      const flags = and && first.special === 'tcp-flags' && !first.mask ? tcpFlagNames(mask.text) : undefined;
      lhs = [
        {
          text: fragment ? 'ip frag-off & 0x1fff' : text,
          ...(first.family ? { family: first.family } : {}),
          ...(first.protocols ? { protocols: first.protocols } : {}),
          ...(fragment ? { special: 'frag-off' as const } : {}),
          ...(flags ? { special: 'tcp-flags' as const, mask: flags } : {}),
        },
      ];
    }
    const next = c.peek();
    if (next?.text === 'set') {
      // Mangling (`meta mark set 1`, `ip dscp set cs0`): no effect on the verdict. Its value runs to the next statement.
      c.pos += 1;
      while (!c.done && !STATEMENT_WORDS.has(c.peek()?.text ?? '')) {
        if (c.peek()?.text === '{') c.braceValues();
        else c.pos += 1;
      }
      return;
    }
    if (next?.text === 'vmap') {
      c.pos += 1;
      this.verdictMap(lhs, start);
      return;
    }
    let op: Operator = '==';
    if (next && RELATIONAL[next.text]) {
      op = RELATIONAL[next.text] as Operator;
      c.pos += 1;
    }
    // The value: a set, a set reference, or terms (a bitmask list `established,related`).
    const valueToken = c.peek();
    // Only a few selectors are tests on their own (`tcp option sack-perm`, `exthdr frag exists`); any
    // other takes the next word as its value, even `dnat` (`ct status dnat`).
    const existence = lhs.length === 1 && /^(tcp option|exthdr|ipsec|socket)/.test((lhs[0] as Selector).text);
    if (!valueToken || (existence && op === '==' && STATEMENT_WORDS.has(valueToken.text) && valueToken.type !== 'string')) {
      // An existence test (`tcp option maxseg`, `exthdr frag exists`...), or a selector without a value.
      this.unknown(this.writtenFrom(start));
      if (lhs.length === 1) {
        const only = lhs[0] as Selector;
        if (only.family) this.conditions.push({ kind: 'family', family: only.family });
        if (only.protocols) this.conditions.push({ kind: 'field', field: 'protocol', match: { values: only.protocols } });
      }
      return;
    }
    let values: NftValue[];
    if (valueToken.text.startsWith('@')) {
      c.pos += 1;
      const name = valueToken.text.slice(1);
      const set = this.table.sets.get(name);
      const written = this.writtenFrom(start);
      if (!set || set.isMap) {
        this.unknown(`${written} (${set ? `${name} is a map` : `no set ${name} in table ${this.table.family} ${this.table.name}`})`);
        if (!set) this.problems.push(`set ${name} is not declared in table ${this.table.family} ${this.table.name}: nft refuses the rule`);
        return;
      }
      if (set.dynamic) {
        this.unknown(`${written} (set ${name}: ${set.dynamic})`);
        for (const selector of lhs) {
          if (selector.family) this.conditions.push({ kind: 'family', family: selector.family });
          if (selector.protocols) this.conditions.push({ kind: 'field', field: 'protocol', match: { values: selector.protocols } });
        }
        return;
      }
      values = set.elements;
    } else if (valueToken.text === '{') {
      values = c.braceValues().map((item) => item.value);
    } else {
      values = [c.element()];
      while (c.peek()?.text === ',' && c.peek(1) && c.peek(1)?.type !== 'punct') {
        c.pos += 1;
        values.push(c.element());
      }
      // `10.0.0.0 / 8` style is not nft; `1024 - 65535` with spaces is.
      if (c.peek()?.text === '-' && c.peek(1)) {
        c.pos += 1;
        const high = c.term();
        const low = values.pop();
        values.push(low?.kind === 'atom' && high.kind === 'atom' ? { kind: 'atom', text: `${low.text}-${high.text}` } : { kind: 'opaque', text: 'range' });
      }
    }
    const written = this.writtenFrom(start);
    if (lhs.length === 1) {
      this.conditions.push(...relation(lhs[0] as Selector, op, values, this.context, written));
      return;
    }
    if (op !== '==') {
      this.unknown(written);
      return;
    }
    const group: Alternative[] = [];
    for (const value of values) {
      const alternative = concatAlternative(lhs, value, this.context);
      if (!alternative) {
        this.unknown(`${written} (elements do not have ${lhs.length} parts)`);
        return;
      }
      group.push({ conditions: alternative });
    }
    this.groups.push(group);
  }

  private verdictMap(lhs: Selector[], start: number): void {
    const c = this.cursor;
    let entries: { key: NftValue; action: RuleAction | undefined }[] | undefined;
    const token = c.peek();
    if (token?.text.startsWith('@')) {
      c.pos += 1;
      const map = this.table.sets.get(token.text.slice(1));
      entries = map?.isMap && !map.dynamic ? map.verdicts : undefined;
    } else if (token?.text === '{') {
      entries = c.braceValues().map((item) => ({ key: item.value, action: item.verdict }));
    }
    const written = this.writtenFrom(start);
    const modelled = entries !== undefined && lhs.every((selector) => selector.field !== undefined);
    const group: Alternative[] = [];
    if (modelled && entries) {
      for (const entry of entries) {
        const alternative = entry.action ? concatAlternative(lhs, entry.key, this.context) : undefined;
        if (!alternative || !entry.action) {
          group.length = 0;
          break;
        }
        group.push({ conditions: alternative, action: entry.action });
      }
    }
    if (!modelled || group.length === 0) {
      this.action = { kind: 'unknown', construct: `vmap (${written.length > 100 ? `${written.slice(0, 97)}...` : written})` };
      return;
    }
    this.groups.push(group);
    // A key not in the map: no verdict, the next rule runs.
    this.action = { kind: 'continue' };
  }
}

/**
 * The ruleset an nft configuration describes: `mainPath` and everything it includes, read through
 * `files`. Never throws; errors (file:line) and unmodelled constructs are in the result. `active` is
 * left undefined for the collector to set.
 */
export async function parseNftConfig(files: NftSourceLoader, mainPath: string, options: NftConfigOptions = {}): Promise<EgressRuleset> {
  const loader = new Loader(files, options.includePaths ?? ['/etc']);
  let tokens: Token[] = [];
  try {
    tokens = (await loader.load(mainPath, 0, [mainPath])) ?? [];
  } catch (error) {
    loader.errors.push({ message: `cannot read ${mainPath}: ${error instanceof Error ? error.message : String(error)}`, source: { path: mainPath } });
  }
  const parser = new ConfigParser(tokens, `nftables configuration ${mainPath}`, options);
  try {
    parser.parse();
    parser.finish();
  } catch (error) {
    parser.ruleset.errors.push({ message: `reading stopped: ${error instanceof Error ? error.message : String(error)}`, source: { path: mainPath } });
  }
  const ruleset = parser.ruleset;
  ruleset.sources = loader.sources.length > 0 ? loader.sources : [mainPath];
  ruleset.errors.unshift(...loader.errors);
  ruleset.unsupported.push(...loader.notes);
  if (loader.sources.length === 0 && loader.errors.length === 0) ruleset.errors.push({ message: `${mainPath} does not exist`, source: { path: mainPath } });
  return ruleset;
}
