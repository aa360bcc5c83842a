// `nft -j list ruleset` (libnftables-json(5)) to the egress model. Tables, chains (type, hook, prio,
// policy), named sets and maps (their `elem` lists), rules as statement lists: match (payload, meta, ct,
// fib, concatenations; values as immediates, lists, {"set"}, {"range"}, {"prefix"}, {"concat"}, "@set"
// references), verdicts, vmaps (expanded when their keys are fields the model knows), and the rest:
// counter/log/limit/notrack/mangle continue, NAT/queue/synproxy are verdicts the model cannot follow,
// anything else is an unknown construct. Rules are named by chain and handle. Never throws.

import type { Chain, EgressRuleset, Rule, RuleAction, SourceRef } from '../firewall/model.js';
import {
  concatAlternative,
  ctSelector,
  expandOrKeepWhole,
  familiesOf,
  HOOKS,
  metaSelector,
  payloadSelector,
  relation,
  tcpFlagNames,
  verdictAction,
  type Alternative,
  type Condition,
  type NftValue,
  type Operator,
  type Selector,
  type ValueContext,
} from './nft-common.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The single key of a `{ "kind": {...} }` object. */
function kindOf(value: Json | undefined): [string, Json] | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 ? [keys[0] as string, value[keys[0] as string] as Json] : undefined;
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Rendering expressions back to nft words, for messages

function render(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 1 ? render(value[0]) : `{ ${value.map(render).join(', ')} }`;
  const entry = kindOf(value);
  if (!entry) return JSON.stringify(value);
  const [kind, body] = entry;
  const o = isObject(body) ? body : {};
  switch (kind) {
    case 'payload':
      return o.protocol !== undefined ? `${render(o.protocol)} ${render(o.field)}` : `@${render(o.base)},${render(o.offset)},${render(o.len)}`;
    case 'meta':
      return `meta ${render(o.key)}`;
    case 'ct':
      return `ct ${o.dir ? `${render(o.dir)} ` : ''}${render(o.key)}`;
    case 'fib':
      return `fib ${Array.isArray(o.flags) ? o.flags.map(render).join(' . ') : render(o.flags)} ${render(o.result)}`;
    case 'concat':
      return Array.isArray(body) ? body.map(render).join(' . ') : render(body);
    case 'set':
      if (Array.isArray(body)) return `{ ${body.map((item) => (Array.isArray(item) && item.length === 2 ? `${render(item[0])} : ${render(item[1])}` : render(item))).join(', ')} }`;
      return `{ ${render(body)} }`;
    case 'range':
      return Array.isArray(body) ? `${render(body[0])}-${render(body[1])}` : render(body);
    case 'prefix':
      return `${render(o.addr)}/${render(o.len)}`;
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      return Array.isArray(body) ? body.map(render).join(` ${kind} `) : render(body);
    case 'elem':
      return render(o.val);
    case 'jump':
    case 'goto':
      return `${kind} ${render(o.target)}`;
    case 'tcp option':
      return `tcp option ${render(o.name)}${o.field ? ` ${render(o.field)}` : ''}`;
    case 'exthdr':
      return `exthdr ${render(o.name)}${o.field ? ` ${render(o.field)}` : ''}`;
    case 'rt':
      return `rt ${render(o.key)}`;
    case 'socket':
      return `socket ${render(o.key)}`;
    default:
      return body === null ? kind : `${kind} ${render(body)}`;
  }
}

function renderStatement(statement: Json): string {
  const entry = kindOf(statement);
  if (!entry) return render(statement);
  const [kind, body] = entry;
  const o = isObject(body) ? body : {};
  switch (kind) {
    case 'match': {
      const op = str(o.op) ?? '==';
      const complex = kindOf(o.left)?.[0] ?? '';
      const shown = ['&', '|', '^', '<<', '>>'].includes(complex) ? `${op} ` : op === '==' || op === 'in' ? '' : `${op} `;
      return `${render(o.left)} ${shown}${render(o.right)}`;
    }
    case 'counter':
      return 'counter';
    case 'log':
      return o.prefix !== undefined ? `log prefix "${render(o.prefix)}"` : 'log';
    case 'limit':
      return `limit rate ${o.inv ? 'over ' : ''}${render(o.rate)}/${render(o.per)}`;
    case 'reject':
      return o.type !== undefined ? `reject with ${render(o.type)}${o.expr !== undefined ? ` ${render(o.expr)}` : ''}` : 'reject';
    case 'vmap':
      return `${render(o.key)} vmap ${render(o.data)}`;
    case 'mangle':
      return `${render(o.key)} set ${render(o.value)}`;
    case 'set':
      return `${render(o.op)} ${render(o.set)} { ${render(o.elem)} }`;
    case 'xt':
      return `xt ${render(o.type)} ${render(o.name)}`;
    case 'ct count':
      return `ct count ${o.inv ? 'over ' : ''}${render(o.val)}`;
    default:
      return body === null ? kind : render(statement);
  }
}

function ruleText(statements: readonly Json[]): string {
  const text = statements.map(renderStatement).join(' ');
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

/** Flag names of a mask: "syn", ["fin", "syn"], {"|": ["fin", "syn"]}. */
function flagNames(value: Json | undefined): string[] | undefined {
  const names: string[] = [];
  const walk = (item: Json | undefined): boolean => {
    if (typeof item === 'string') return names.push(item) > 0;
    if (Array.isArray(item)) return item.every(walk);
    const entry = kindOf(item);
    return entry?.[0] === '|' && Array.isArray(entry[1]) ? entry[1].every(walk) : false;
  };
  return walk(value) ? tcpFlagNames(names.join('|')) : undefined;
}

// ---------------------------------------------------------------------------------------------------

interface NamedSet {
  name: string;
  /** Plain sets: the elements. */
  elements: NftValue[];
  /** Verdict maps: key and verdict. */
  verdicts?: { key: NftValue; action: RuleAction | undefined }[];
  map?: string;
}

class Reader {
  readonly ruleset: EgressRuleset;
  private readonly chains = new Map<string, Chain>();
  private readonly sets = new Map<string, NamedSet>();
  private readonly dormant = new Set<string>();

  constructor(
    label: string,
    private readonly context: ValueContext,
  ) {
    this.ruleset = { backend: 'nftables', label, semantics: 'first-match', active: undefined, chains: [], unsupported: [], sources: [label], errors: [] };
  }

  error(message: string, source: SourceRef = {}): void {
    this.ruleset.errors.push({ message, source });
  }

  unsupported(construct: string, source: SourceRef): void {
    if (!this.ruleset.unsupported.some((entry) => entry.construct === construct && entry.source.chain === source.chain && entry.source.handle === source.handle)) {
      this.ruleset.unsupported.push({ construct, source });
    }
  }

  chainId(family: string, table: string, name: string): string {
    return `${family} ${table} ${name}`;
  }

  table(o: JsonObject): void {
    const flags = o.flags;
    const list = Array.isArray(flags) ? flags.map(render) : flags !== undefined ? [render(flags)] : [];
    if (list.includes('dormant')) {
      const key = `${render(o.family)} ${render(o.name)}`;
      this.dormant.add(key);
      this.unsupported(`table ${key} is dormant (flags dormant): its chains filter nothing`, { text: `table ${key}` });
    }
  }

  chain(o: JsonObject): void {
    const family = str(o.family) ?? 'ip';
    const table = str(o.table) ?? '';
    const name = str(o.name) ?? '';
    const id = this.chainId(family, table, name);
    const handle = typeof o.handle === 'number' ? o.handle : undefined;
    const source: SourceRef = { chain: id, ...(handle !== undefined ? { handle } : {}), text: `chain ${id}` };
    const chain: Chain = this.chains.get(id) ?? { id, name, families: familiesOf(family), rules: [], source };
    const hook = str(o.hook);
    if (hook && !this.dormant.has(`${family} ${table}`)) {
      if (HOOKS.has(hook)) chain.hook = hook as NonNullable<Chain['hook']>;
      else this.unsupported(`hook ${hook}`, source);
      chain.priority = typeof o.prio === 'number' ? o.prio : 0;
      const policy = str(o.policy);
      chain.policy = policy === 'drop' ? 'drop' : 'accept';
      chain.policySource = { chain: id, ...(handle !== undefined ? { handle } : {}), text: `policy ${chain.policy}` };
      if (hook === 'egress') this.unsupported(`netdev egress chain ${id} (filters at the device, not evaluated)`, source);
    }
    if (!this.chains.has(id)) {
      this.chains.set(id, chain);
      this.ruleset.chains.push(chain);
    }
  }

  set(o: JsonObject, isMap: boolean): void {
    const key = `${render(o.family)} ${render(o.table)} ${render(o.name)}`;
    const named: NamedSet = { name: str(o.name) ?? '', elements: [] };
    const elem = o.elem;
    const items: Json[] = Array.isArray(elem) ? elem : elem !== undefined ? [elem] : [];
    if (isMap) {
      named.map = render(o.map);
      if (named.map === 'verdict') {
        named.verdicts = items.map((item) => {
          const pair = Array.isArray(item) ? item : [];
          return { key: this.value(pair[0]), action: this.verdict(pair[1]) };
        });
      }
    } else named.elements = items.map((item) => this.value(item));
    this.sets.set(key, named);
  }

  /** One right-hand value (an element, a range, a prefix...). */
  value(value: Json | undefined): NftValue {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { kind: 'atom', text: String(value) };
    const entry = kindOf(value);
    if (entry) {
      const [kind, body] = entry;
      const o = isObject(body) ? body : {};
      if (kind === 'range' && Array.isArray(body) && body.length === 2) return { kind: 'range', low: render(body[0]), high: render(body[1]) };
      if (kind === 'prefix' && typeof o.len === 'number') return { kind: 'prefix', addr: render(o.addr), len: o.len };
      if (kind === 'concat' && Array.isArray(body)) return { kind: 'concat', parts: body.map((part) => this.value(part)) };
      if (kind === 'elem') return this.value(o.val);
    }
    return { kind: 'opaque', text: render(value) };
  }

  /** A right-hand side as a list of values: lists, anonymous sets and bitmask ORs are flattened. */
  values(value: Json | undefined): NftValue[] | { setRef: string } {
    if (typeof value === 'string' && value.startsWith('@')) return { setRef: value.slice(1) };
    if (Array.isArray(value)) return value.flatMap((item) => this.flatValues(item));
    const entry = kindOf(value);
    if (entry && (entry[0] === 'set' || entry[0] === '|')) return this.flatValues(value);
    return [this.value(value)];
  }

  private flatValues(value: Json | undefined): NftValue[] {
    if (Array.isArray(value)) return value.flatMap((item) => this.flatValues(item));
    const entry = kindOf(value);
    if (entry && (entry[0] === 'set' || entry[0] === '|')) return this.flatValues(entry[1]);
    return [this.value(value)];
  }

  verdict(value: Json | undefined): RuleAction | undefined {
    const entry = kindOf(value);
    if (!entry) return undefined;
    const [kind, body] = entry;
    const target = isObject(body) ? str(body.target) : undefined;
    return verdictAction(kind, target);
  }

  /** The left-hand side as one or more selectors (a concatenation gives several). */
  selectors(value: Json | undefined): Selector[] {
    const entry = kindOf(value);
    if (!entry) return [{ text: render(value) }];
    const [kind, body] = entry;
    const o = isObject(body) ? body : {};
    if (kind === 'concat' && Array.isArray(body)) return body.flatMap((part) => this.selectors(part));
    if (kind === 'payload' && o.protocol !== undefined) return [payloadSelector(render(o.protocol), render(o.field))];
    if (kind === 'meta') return [metaSelector(render(o.key))];
    if (kind === 'ct' && o.dir === undefined) return [ctSelector(render(o.key))];
    if (kind === 'fib') {
      const flags = Array.isArray(o.flags) ? o.flags.map(render) : [render(o.flags)];
      if (render(o.result) === 'type' && flags.length === 1 && flags[0] === 'daddr') return [{ text: 'fib daddr type', field: 'addrType' }];
    }
    if (kind === '&' && Array.isArray(body)) {
      const inner = kindOf(body[0]);
      const innerBody = inner && isObject(inner[1]) ? inner[1] : {};
      if (inner?.[0] === 'payload' && render(innerBody.protocol) === 'ip' && render(innerBody.field) === 'frag-off' && (body[1] === 8191 || render(body[1]) === '0x1fff')) {
        return [{ text: 'ip frag-off & 0x1fff', family: 'ipv4', special: 'frag-off' }];
      }
    }
    if (kind === '&' && Array.isArray(body)) {
      const inner = kindOf(body[0]);
      const innerBody = inner && isObject(inner[1]) ? inner[1] : {};
      const names = flagNames(body[1]);
      if (inner?.[0] === 'payload' && render(innerBody.protocol) === 'tcp' && render(innerBody.field) === 'flags' && names) {
        return [{ text: render(value), protocols: ['tcp'], special: 'tcp-flags', mask: names }];
      }
    }
    // Implied family or protocol of an unknown field still counts (`tcp flags & ...` only sees TCP).
    if (kind === '&' && Array.isArray(body)) {
      const [first] = this.selectors(body[0]);
      return [{ ...(first ?? {}), text: render(value), field: undefined, special: undefined } as Selector];
    }
    return [{ text: render(value) }];
  }

  rule(o: JsonObject): void {
    const family = str(o.family) ?? 'ip';
    const table = str(o.table) ?? '';
    const chainName = str(o.chain) ?? '';
    const id = this.chainId(family, table, chainName);
    let chain = this.chains.get(id);
    if (!chain) {
      this.chain({ family, table, name: chainName });
      chain = this.chains.get(id) as Chain;
    }
    const statements = Array.isArray(o.expr) ? o.expr : [];
    const handle = typeof o.handle === 'number' ? o.handle : undefined;
    const source: SourceRef = { chain: id, ...(handle !== undefined ? { handle } : {}), text: ruleText(statements) };
    const conditions: Condition[] = [];
    const groups: Alternative[][] = [];
    let action: RuleAction | undefined;
    const unknownCondition = (construct: string) => {
      conditions.push({ kind: 'unknown', construct });
      this.unsupported(construct, source);
    };
    statements.forEach((statement, index) => {
      if (action) return;
      const entry = kindOf(statement);
      const last = index === statements.length - 1;
      if (!entry) {
        unknownCondition(`statement ${render(statement)}`);
        if (last) action = { kind: 'unknown', construct: render(statement) };
        return;
      }
      const [kind, body] = entry;
      const b = isObject(body) ? body : {};
      switch (kind) {
        case 'match':
          this.match(b, family, table, conditions, groups, source);
          return;
        case 'accept':
        case 'drop':
        case 'return':
        case 'continue':
        case 'jump':
        case 'goto': {
          const verdict = this.verdict(statement);
          if (verdict && (verdict.kind === 'jump' || verdict.kind === 'goto')) action = { kind: verdict.kind, chain: this.chainId(family, table, verdict.chain) };
          else action = verdict ?? { kind: 'unknown', construct: render(statement) };
          return;
        }
        case 'reject':
          action = { kind: 'reject' };
          return;
        case 'counter':
        case 'log':
        case 'notrack':
        case 'mangle':
        case 'ct helper':
        case 'ct timeout':
        case 'ct expectation':
        case 'secmark':
        case 'synproxy':
          if (kind === 'synproxy') action = { kind: 'unknown', construct: 'synproxy' };
          return;
        case 'limit':
          if (b.inv === true) unknownCondition(`${renderStatement(statement)} (a rate, not a property of one packet)`);
          else if (!isObject(body)) unknownCondition(`limit ${render(body)} (a named limit)`);
          return;
        case 'quota':
        case 'ct count':
        case 'meter':
          unknownCondition(`${renderStatement(statement)} (${kind === 'quota' ? 'a byte quota' : kind === 'meter' ? 'a meter' : 'a connection count'})`);
          return;
        case 'set':
          if (b.stmt !== undefined) unknownCondition(`${renderStatement(statement)} with a statement (a meter)`);
          return;
        case 'vmap':
          this.vmap(b, family, table, conditions, groups, source, (verdictless) => (action = verdictless));
          return;
        case 'xt':
          unknownCondition(`xt ${render(b.type)} ${render(b.name)} (an iptables-nft extension nft cannot show)`);
          if (last) action = { kind: 'unknown', construct: `xt ${render(b.name)}` };
          return;
        case 'queue':
        case 'snat':
        case 'dnat':
        case 'masquerade':
        case 'redirect':
        case 'tproxy':
        case 'fwd':
        case 'dup':
          if (kind !== 'dup') action = { kind: 'unknown', construct: kind };
          return;
        default:
          unknownCondition(`statement ${kind}`);
          if (last) action = { kind: 'unknown', construct: kind };
      }
    });
    const finalAction = action ?? { kind: 'continue' };
    for (const expanded of expandOrKeepWhole(conditions, groups, finalAction, (construct) => this.unsupported(construct, source))) {
      const rule: Rule = { match: expanded.match, action: expanded.action, source };
      chain.rules.push(rule);
    }
  }

  private lookup(family: string, table: string, name: string): NamedSet | undefined {
    return this.sets.get(`${family} ${table} ${name}`);
  }

  private match(o: JsonObject, family: string, table: string, conditions: Condition[], groups: Alternative[][], source: SourceRef): void {
    const op = (str(o.op) ?? '==') as Operator;
    const selectors = this.selectors(o.left);
    let values = this.values(o.right);
    const written = renderStatement({ match: o });
    if (!Array.isArray(values)) {
      const named = this.lookup(family, table, values.setRef);
      if (!named || named.verdicts || named.map) {
        conditions.push({ kind: 'unknown', construct: `${written} (${named ? 'a map' : `no set ${values.setRef} in table ${family} ${table}`})` });
        this.unsupported(written, source);
        return;
      }
      values = named.elements;
    }
    if (selectors.length === 1) {
      const produced = relation(selectors[0] as Selector, op, values, this.context, written);
      for (const condition of produced) if (condition.kind === 'unknown') this.unsupported(condition.construct, source);
      conditions.push(...produced);
      return;
    }
    // A concatenation against a set of tuples: one alternative per element.
    if (op !== '==' && op !== 'in') {
      conditions.push({ kind: 'unknown', construct: written });
      this.unsupported(written, source);
      return;
    }
    this.alternatives(selectors, values.map((value) => ({ key: value, action: undefined })), written, conditions, groups, source);
  }

  private alternatives(
    selectors: Selector[],
    entries: { key: NftValue; action: RuleAction | undefined }[],
    written: string,
    conditions: Condition[],
    groups: Alternative[][],
    source: SourceRef,
    withActions = false,
  ): boolean {
    const group: Alternative[] = [];
    for (const entry of entries) {
      const alternative = concatAlternative(selectors, entry.key, this.context);
      if (!alternative || (withActions && !entry.action)) {
        conditions.push({ kind: 'unknown', construct: written });
        this.unsupported(written, source);
        return false;
      }
      group.push(entry.action ? { conditions: alternative, action: entry.action } : { conditions: alternative });
    }
    groups.push(group);
    return true;
  }

  private vmap(o: JsonObject, family: string, table: string, conditions: Condition[], groups: Alternative[][], source: SourceRef, setAction: (action: RuleAction) => void): void {
    const selectors = this.selectors(o.key);
    const written = renderStatement({ vmap: o });
    let entries: { key: NftValue; action: RuleAction | undefined }[] | undefined;
    const data = o.data;
    if (typeof data === 'string' && data.startsWith('@')) {
      const named = this.lookup(family, table, data.slice(1));
      entries = named?.verdicts;
    } else {
      const entry = kindOf(data);
      if (entry?.[0] === 'set' && Array.isArray(entry[1])) {
        entries = entry[1].map((pair) => (Array.isArray(pair) && pair.length === 2 ? { key: this.value(pair[0]), action: this.verdict(pair[1]) } : { key: { kind: 'opaque', text: render(pair) } as NftValue, action: undefined }));
      }
    }
    const modelled = entries !== undefined && selectors.every((selector) => selector.field !== undefined);
    if (!modelled || !entries) {
      setAction({ kind: 'unknown', construct: `vmap (${written})` });
      this.unsupported(`vmap: ${written}`, source);
      return;
    }
    const resolved = entries.map((entry) => ({
      key: entry.key,
      action: entry.action && (entry.action.kind === 'jump' || entry.action.kind === 'goto') ? { kind: entry.action.kind, chain: this.chainId(family, table, entry.action.chain) } : entry.action,
    }));
    if (!this.alternatives(selectors, resolved, written, conditions, groups, source, true)) {
      setAction({ kind: 'unknown', construct: `vmap (${written})` });
      return;
    }
    // No key found: the rule has no verdict and evaluation goes on.
    setAction({ kind: 'continue' });
  }
}

/**
 * The egress model of `nft -j list ruleset` output. `label` names the evidence in messages (and
 * `sources`); active is left undefined for the collector to set. Never throws: unreadable JSON is an error entry.
 */
export function parseNftJson(text: string, label: string, context: ValueContext = {}): EgressRuleset {
  const reader = new Reader(label, context);
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    reader.error(`not JSON: ${error instanceof Error ? error.message : String(error)}`, { text: label });
    return reader.ruleset;
  }
  const list = isObject(root) && Array.isArray(root.nftables) ? root.nftables : undefined;
  if (!list) {
    reader.error('no "nftables" array at the top', { text: label });
    return reader.ruleset;
  }
  // Tables and sets first: a rule may name a set or chain listed after it.
  const ordered = [
    ...list.filter((item) => kindOf(item)?.[0] === 'table'),
    ...list.filter((item) => ['set', 'map'].includes(kindOf(item)?.[0] ?? '')),
    ...list.filter((item) => kindOf(item)?.[0] === 'chain'),
    ...list.filter((item) => kindOf(item)?.[0] === 'rule'),
  ];
  for (const item of ordered) {
    const entry = kindOf(item);
    if (!entry || !isObject(entry[1])) continue;
    const [kind, body] = entry;
    try {
      if (kind === 'table') reader.table(body);
      else if (kind === 'chain') reader.chain(body);
      else if (kind === 'set') reader.set(body, false);
      else if (kind === 'map') reader.set(body, true);
      else if (kind === 'rule') reader.rule(body);
    } catch (error) {
      reader.error(`${kind} could not be read: ${error instanceof Error ? error.message : String(error)}`, { text: render(item).slice(0, 200) });
    }
  }
  return reader.ruleset;
}
