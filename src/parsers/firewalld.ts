import type { Chain, EgressRuleset, IpFamily, Match, Range, Rule, RuleAction, SourceRef, Unsupported } from '../firewall/model.js';
import { lineAt, stripBom } from '../util/text-lines.js';
import { addUnknown, chainsUnsupported, EPHEMERAL_PORTS, LOOPBACK, loopbackOif, makeNever, networksWithin, normalizeNetwork, portRange, protocolName, sourcePortVerdict } from './egress-common.js';
import { iptablesRuleset, parseIptablesSave } from './iptables-save.js';
import { parseShellAssignments } from './ufw.js';

// firewalld: /etc/firewalld/firewalld.conf (DefaultZone, FirewallBackend), zones, services and policies
// as XML (/usr/lib/firewalld/* overridden by /etc/firewalld/* of the same name), and direct.xml.
//
// firewalld lets every outgoing connection through unless something restricts the host's own traffic:
// a policy whose ingress zone is HOST (firewalld >= 0.9: <ingress-zone name="HOST"/> with an egress zone,
// ANY or a named zone), or a direct rule in the OUTPUT chain (direct.xml, iptables syntax). Zones filter
// incoming and forwarded traffic only. The model: one output chain (the nftables backend's filter_OUTPUT,
// priority filter+10) accepting established traffic and loopback, then jumping to each HOST policy in
// priority order; a policy's chain holds its rich rules, services and ports in firewalld's order (rules
// with a negative priority, deny, allow, positive priority) and ends with its target (CONTINUE returns).
// Direct OUTPUT rules are an iptables chain of their own (nftables backend) or run first in the same
// chain (iptables backend).

// ---------------------------------------------------------------------------------------------------
// A small XML reader that keeps lines

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

/** Parses XML elements with attributes and text; comments, declarations and CDATA handled. Never throws. */
export function parseXml(text: string): { root?: XmlElement; error?: { message: string; line: number } } {
  const source = stripBom(text);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  const fail = (message: string, offset: number) => ({ ...(root ? { root } : {}), error: { message, line: lineAt(source, offset) } });
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const textEnd = lt < 0 ? source.length : lt;
    if (textEnd > at && stack.length > 0) (stack[stack.length - 1] as XmlElement).text += decode(source.slice(at, textEnd));
    if (lt < 0) break;
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      if (end < 0) return fail('unterminated comment', lt);
      at = end + 3;
      continue;
    }
    if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt);
      if (end < 0) return fail('unterminated CDATA', lt);
      if (stack.length > 0) (stack[stack.length - 1] as XmlElement).text += source.slice(lt + 9, end);
      at = end + 3;
      continue;
    }
    if (source.startsWith('<?', lt) || source.startsWith('<!', lt)) {
      const end = source.indexOf('>', lt);
      if (end < 0) return fail('unterminated declaration', lt);
      at = end + 1;
      continue;
    }
    // Find the tag's end outside quoted attribute values.
    let end = lt + 1;
    let quote: string | undefined;
    while (end < source.length) {
      const char = source[end] as string;
      if (quote) {
        if (char === quote) quote = undefined;
      } else if (char === '"' || char === "'") quote = char;
      else if (char === '>') break;
      end++;
    }
    if (end >= source.length) return fail('unterminated tag', lt);
    const body = source.slice(lt + 1, end);
    at = end + 1;
    if (body.startsWith('/')) {
      const name = body.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) return fail(`</${name}> does not close <${open?.name ?? 'nothing'}>`, lt);
      continue;
    }
    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    const nameMatch = /^\s*([A-Za-z_][\w.:-]*)/.exec(inner);
    if (!nameMatch) return fail(`malformed tag <${body.slice(0, 30)}>`, lt);
    const element: XmlElement = { name: nameMatch[1] as string, attributes: {}, children: [], text: '', line: lineAt(source, lt) };
    for (const attribute of inner.slice(nameMatch[0].length).matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      element.attributes[attribute[1] as string] = decode(attribute[3] ?? attribute[4] ?? '');
    }
    if (stack.length > 0) (stack[stack.length - 1] as XmlElement).children.push(element);
    else if (!root) root = element;
    else return fail('a second root element', lt);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) return fail(`<${(stack[stack.length - 1] as XmlElement).name}> is not closed`, source.length);
  return root ? { root } : { error: { message: 'no element', line: 1 } };
}

// ---------------------------------------------------------------------------------------------------
// firewalld files

export interface FirewalldConf {
  path: string;
  defaultZone?: string;
  backend?: string;
  line?: number;
}

export function parseFirewalldConf(text: string, path: string): FirewalldConf {
  const values = parseShellAssignments(text);
  const out: FirewalldConf = { path };
  const zone = values.get('DefaultZone');
  if (zone) {
    out.defaultZone = zone.value;
    out.line = zone.line;
  }
  const backend = values.get('FirewallBackend')?.value;
  if (backend) out.backend = backend;
  return out;
}

export interface XmlFile {
  /** File name without .xml: the zone, service or policy name. */
  name: string;
  path: string;
  root?: XmlElement;
  error?: { message: string; line: number };
}

export function readXmlFile(path: string, text: string): XmlFile {
  const name = path.replace(/^.*\//, '').replace(/\.xml$/, '');
  const parsed = parseXml(text);
  return { name, path, ...(parsed.root ? { root: parsed.root } : {}), ...(parsed.error ? { error: parsed.error } : {}) };
}

export interface FirewalldInput {
  conf?: FirewalldConf;
  /** Effective files by name (/etc/firewalld overriding /usr/lib/firewalld). */
  zones: ReadonlyMap<string, XmlFile>;
  services: ReadonlyMap<string, XmlFile>;
  policies: ReadonlyMap<string, XmlFile>;
  direct?: XmlFile;
  active: boolean | undefined;
  activeEvidence: string;
  resolveUser?: (name: string) => number | undefined;
  /** Files that exist but could not be read. */
  unreadable?: { path: string; error: string }[];
}

interface Context {
  input: FirewalldInput;
  chains: Chain[];
  unsupported: Unsupported[];
  errors: EgressRuleset['errors'];
}

const child = (element: XmlElement, name: string) => element.children.filter((item) => item.name === name);
const isTrue = (value: string | undefined) => value !== undefined && /^(true|yes|1)$/i.test(value);

/** One firewalld port (`443`, `1000-2000`) as a range. */
function firewalldPort(text: string): Range | undefined {
  return portRange(text, '-');
}

/** The matches a service stands for: one per port/protocol it lists (with its destination restriction). */
function serviceMatches(name: string, context: Context, source: SourceRef, seen: Set<string> = new Set()): Match[] {
  const file = context.input.services.get(name);
  if (!file?.root) {
    const match: Match = {};
    addUnknown(match, `service ${name} (${file?.error ? `its definition ${file.path} could not be read` : 'no definition found'})`);
    return [match];
  }
  if (seen.has(name)) return [];
  seen.add(name);
  const base: Match = {};
  const destination = child(file.root, 'destination')[0];
  if (destination) {
    const networks = [destination.attributes.ipv4, destination.attributes.ipv6].filter((value): value is string => !!value).map((value) => normalizeNetwork(value));
    if (networks.some((network) => network === undefined)) addUnknown(base, `service ${name} destination`);
    else base.daddr = { values: networks as string[] };
  }
  const out: Match[] = [];
  for (const port of child(file.root, 'port')) {
    const range = firewalldPort(port.attributes.port ?? '');
    const match: Match = { ...base };
    if (!range) addUnknown(match, `service ${name} port ${port.attributes.port ?? ''}`);
    else match.dport = { values: [range] };
    match.protocol = { values: [protocolName(port.attributes.protocol ?? 'tcp')] };
    out.push(match);
  }
  for (const protocol of child(file.root, 'protocol')) out.push({ ...base, protocol: { values: [protocolName(protocol.attributes.value ?? '')] } });
  for (const sourcePort of child(file.root, 'source-port')) {
    const match: Match = { ...base, protocol: { values: [protocolName(sourcePort.attributes.protocol ?? 'tcp')] } };
    sourcePortRule(match, sourcePort.attributes.port ?? '');
    out.push(match);
  }
  for (const include of child(file.root, 'include')) out.push(...serviceMatches(include.attributes.service ?? '', context, source, seen));
  if (out.length === 0 && !base.daddr) {
    const match: Match = {};
    makeNever(match, `service ${name} lists no port or protocol`);
    out.push(match);
  }
  return out;
}

function sourcePortRule(match: Match, text: string): void {
  const range = firewalldPort(text);
  if (!range) {
    addUnknown(match, `source-port ${text}`);
    return;
  }
  const verdict = sourcePortVerdict([range], false, EPHEMERAL_PORTS.linux);
  if (verdict === 'never') makeNever(match, `source-port ${text}: a new connection leaves from an ephemeral port`);
  else if (verdict === 'unknown') addUnknown(match, `source-port ${text} (the source port of a new connection is ephemeral)`);
}

function addressElement(element: XmlElement, role: 'source' | 'destination', match: Match): void {
  const invert = isTrue(element.attributes.invert);
  const address = element.attributes.address;
  if (element.attributes.ipset) {
    addUnknown(match, `${role} ipset="${element.attributes.ipset}" (ipset contents are not read)`);
    return;
  }
  if (element.attributes.mac) {
    addUnknown(match, `${role} mac="${element.attributes.mac}"`);
    return;
  }
  const network = address ? normalizeNetwork(address) : undefined;
  if (!network) {
    addUnknown(match, `${role} ${address ?? '(no address)'}`);
    return;
  }
  if (role === 'destination') {
    match.daddr = { values: [network], ...(invert ? { negate: true } : {}) };
    return;
  }
  if (networksWithin([network], LOOPBACK)) loopbackOif(match, invert);
  else addUnknown(match, `source ${invert ? 'not ' : ''}${address} (the source address of the host's own connection)`);
}

/** A rich rule's match and action; several matches when it names a service with several ports. */
function richRule(element: XmlElement, context: Context, path: string): { matches: Match[]; action: RuleAction; priority: number; kind: 'log' | 'deny' | 'allow' | 'other' } {
  const base: Match = {};
  const family = element.attributes.family;
  if (family === 'ipv4' || family === 'ipv6') base.family = family;
  const priority = Number(element.attributes.priority ?? 0) || 0;
  let matches: Match[] = [base];
  let kind: 'log' | 'deny' | 'allow' | 'other' = 'log';
  let action: RuleAction = { kind: 'continue' };
  for (const item of element.children) {
    switch (item.name) {
      case 'source':
      case 'destination':
        addressElement(item, item.name, base);
        break;
      case 'service': {
        const services = serviceMatches(item.attributes.name ?? '', context, { path, line: item.line });
        matches = services.map((service) => ({ ...base, ...service, ...(base.unknown || service.unknown ? { unknown: [...(base.unknown ?? []), ...(service.unknown ?? [])] } : {}) }));
        break;
      }
      case 'port': {
        const range = firewalldPort(item.attributes.port ?? '');
        if (range) base.dport = { values: [range] };
        else addUnknown(base, `port ${item.attributes.port ?? ''}`);
        base.protocol = { values: [protocolName(item.attributes.protocol ?? 'tcp')] };
        break;
      }
      case 'protocol':
        base.protocol = { values: [protocolName(item.attributes.value ?? '')] };
        break;
      case 'source-port':
        base.protocol = { values: [protocolName(item.attributes.protocol ?? 'tcp')] };
        sourcePortRule(base, item.attributes.port ?? '');
        break;
      case 'icmp-block':
      case 'icmp-type':
        base.protocol = { values: [family === 'ipv6' ? 'ipv6-icmp' : 'icmp'] };
        addUnknown(base, `${item.name} ${item.attributes.name ?? ''} (ICMP types are not modelled)`);
        if (item.name === 'icmp-block') {
          action = { kind: 'reject' };
          kind = 'deny';
        }
        break;
      case 'icmp-block-inversion':
        break;
      case 'masquerade':
      case 'forward-port':
        kind = 'other';
        break;
      case 'log':
      case 'nflog':
      case 'audit':
        break;
      case 'accept':
        action = { kind: 'accept' };
        kind = 'allow';
        break;
      case 'reject':
        action = { kind: 'reject' };
        kind = 'deny';
        break;
      case 'drop':
        action = { kind: 'drop' };
        kind = 'deny';
        break;
      case 'mark':
        action = { kind: 'continue' };
        kind = 'other';
        break;
      default:
        addUnknown(base, `<${item.name}> in a rich rule`);
    }
    if (['accept', 'reject', 'drop'].includes(item.name) && child(item, 'limit').length > 0) addUnknown(base, `${item.name} limit (matches only while under the rate)`);
  }
  // Fields set on `base` after a service expanded still apply to every expansion.
  matches = matches.map((match) => ({ ...base, ...match, ...(base.unknown || match.unknown ? { unknown: [...new Set([...(base.unknown ?? []), ...(match.unknown ?? [])])] } : {}), ...(base.impossible || match.impossible ? { impossible: (base.impossible ?? match.impossible) as string } : {}) }));
  return { matches, action, priority, kind };
}

function policyRules(file: XmlFile, context: Context): Rule[] {
  const root = file.root as XmlElement;
  const ordered: { priority: number; group: number; rules: Rule[] }[] = [];
  const groups = { log: 1, deny: 2, allow: 3, other: 3 } as const;
  for (const element of child(root, 'rule')) {
    const rich = richRule(element, context, file.path);
    const source: SourceRef = { path: file.path, line: element.line, text: `rich rule${rich.priority ? ` priority ${rich.priority}` : ''}` };
    const rules = rich.matches.map((match) => ({ match: rich.action.kind === 'continue' ? {} : match, action: rich.action, source }));
    ordered.push({ priority: rich.priority, group: rich.priority === 0 ? groups[rich.kind] : 0, rules });
  }
  for (const element of child(root, 'service')) {
    const source: SourceRef = { path: file.path, line: element.line, text: `<service name="${element.attributes.name ?? ''}"/>` };
    ordered.push({ priority: 0, group: 3, rules: serviceMatches(element.attributes.name ?? '', context, source).map((match) => ({ match, action: { kind: 'accept' as const }, source })) });
  }
  for (const element of child(root, 'port')) {
    const source: SourceRef = { path: file.path, line: element.line, text: `<port port="${element.attributes.port ?? ''}" protocol="${element.attributes.protocol ?? ''}"/>` };
    const match: Match = { protocol: { values: [protocolName(element.attributes.protocol ?? 'tcp')] } };
    const range = firewalldPort(element.attributes.port ?? '');
    if (range) match.dport = { values: [range] };
    else addUnknown(match, `port ${element.attributes.port ?? ''}`);
    ordered.push({ priority: 0, group: 3, rules: [{ match, action: { kind: 'accept' }, source }] });
  }
  for (const element of child(root, 'protocol')) {
    const source: SourceRef = { path: file.path, line: element.line, text: `<protocol value="${element.attributes.value ?? ''}"/>` };
    ordered.push({ priority: 0, group: 3, rules: [{ match: { protocol: { values: [protocolName(element.attributes.value ?? '')] } }, action: { kind: 'accept' }, source }] });
  }
  for (const element of child(root, 'source-port')) {
    const source: SourceRef = { path: file.path, line: element.line, text: `<source-port port="${element.attributes.port ?? ''}"/>` };
    const match: Match = { protocol: { values: [protocolName(element.attributes.protocol ?? 'tcp')] } };
    sourcePortRule(match, element.attributes.port ?? '');
    ordered.push({ priority: 0, group: 3, rules: [{ match, action: { kind: 'accept' }, source }] });
  }
  // Negative priorities first (lowest first), then deny before allow, then positive priorities.
  const rank = (item: { priority: number; group: number }) => (item.priority < 0 ? [0, item.priority] : item.priority === 0 ? [1, item.group] : [2, item.priority]);
  const sorted = ordered
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      const [x1, y1] = rank(a.item) as [number, number];
      const [x2, y2] = rank(b.item) as [number, number];
      return x1 - x2 || y1 - y2 || a.index - b.index;
    })
    .flatMap(({ item }) => item.rules);
  const target = (root.attributes.target ?? 'CONTINUE').toUpperCase();
  const targetSource: SourceRef = { path: file.path, line: root.line, text: `<policy target="${root.attributes.target ?? 'CONTINUE'}">` };
  if (target === 'ACCEPT') sorted.push({ match: {}, action: { kind: 'accept' }, source: targetSource });
  else if (target === 'DROP') sorted.push({ match: {}, action: { kind: 'drop' }, source: targetSource });
  else if (target === 'REJECT' || target === '%%REJECT%%') sorted.push({ match: {}, action: { kind: 'reject' }, source: targetSource });
  else if (target !== 'CONTINUE') sorted.push({ match: {}, action: { kind: 'unknown', construct: `policy target ${target}` }, source: targetSource });
  return sorted;
}

/** How a policy's egress zone selects packets: ANY, or the zone's interfaces and sources (destinations on egress). */
function egressGuards(zone: string, context: Context): Match[] {
  if (zone === 'ANY') return [{}];
  if (zone === 'HOST') {
    const match: Match = {};
    makeNever(match, 'egress zone HOST is the host itself, not outgoing traffic');
    return [match];
  }
  const file = context.input.zones.get(zone);
  const out: Match[] = [];
  if (!file?.root) {
    const match: Match = {};
    addUnknown(match, `egress zone ${zone} (${file ? `${file.path} could not be read` : 'no such zone file'})`);
    return [match];
  }
  for (const element of child(file.root, 'interface')) out.push({ oif: { values: [element.attributes.name ?? ''] } });
  for (const element of child(file.root, 'source')) {
    const match: Match = {};
    addressElement(element, 'destination', match);
    out.push(match);
  }
  if (context.input.conf?.defaultZone === zone) {
    const match: Match = {};
    addUnknown(match, `egress zone ${zone} (the default zone: traffic through interfaces bound to no other zone)`);
    out.push(match);
  }
  if (out.length === 0) {
    const match: Match = {};
    makeNever(match, `egress zone ${zone} is bound to no interface or source`);
    out.push(match);
  }
  return out;
}

/** direct.xml rules for the OUTPUT chains, as an iptables ruleset per family, with direct.xml's lines. */
function directChains(file: XmlFile, context: Context, sameChain: boolean): { chains: Chain[]; firstRules: Rule[] } {
  const root = file.root as XmlElement;
  const chains: Chain[] = [];
  const firstRules: Rule[] = [];
  for (const family of ['ipv4', 'ipv6'] as IpFamily[]) {
    const ipv = family;
    const lines: string[] = [];
    const map: { line: number; text: string }[] = [];
    const tables = new Map<string, { chains: Set<string>; rules: { priority: number; text: string; line: number; order: number }[] }>();
    const tableOf = (name: string) => tables.get(name) ?? tables.set(name, { chains: new Set(), rules: [] }).get(name)!;
    let order = 0;
    for (const element of root.children) {
      if ((element.attributes.ipv ?? '') !== ipv && !(element.name === 'passthrough' && element.attributes.ipv === ipv)) continue;
      const table = element.attributes.table ?? 'filter';
      if (element.name === 'chain') tableOf(table).chains.add(element.attributes.chain ?? '');
      else if (element.name === 'rule') tableOf(table).rules.push({ priority: Number(element.attributes.priority ?? 0) || 0, text: `-A ${element.attributes.chain ?? ''} ${element.text.trim()}`, line: element.line, order: order++ });
      else if (element.name === 'passthrough') {
        const args = element.text.trim();
        const tableMatch = /(?:^|\s)-t\s+(\S+)/.exec(args);
        const rest = args.replace(/(?:^|\s)-t\s+\S+/, '').trim();
        if (!/^(-A|-I|--append|--insert)\s/.test(rest)) {
          context.unsupported.push({ construct: `direct passthrough "${args}"`, source: { path: file.path, line: element.line, text: args } });
          continue;
        }
        tableOf(tableMatch?.[1] ?? 'filter').rules.push({ priority: 0, text: rest, line: element.line, order: order++ });
      }
    }
    if (tables.size === 0) continue;
    for (const [table, entry] of tables) {
      lines.push(`*${table}`);
      map.push({ line: 0, text: '' });
      for (const chain of entry.chains) {
        lines.push(`:${chain} - [0:0]`);
        map.push({ line: 0, text: '' });
      }
      for (const rule of [...entry.rules].sort((a, b) => a.priority - b.priority || a.order - b.order)) {
        lines.push(rule.text);
        map.push({ line: rule.line, text: rule.text });
      }
      lines.push('COMMIT');
      map.push({ line: 0, text: '' });
    }
    const save = parseIptablesSave(`${lines.join('\n')}\n`, { path: file.path, family, ...(context.input.resolveUser ? { resolveUser: context.input.resolveUser } : {}) });
    for (const table of save.tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          const origin = map[(rule.source.line ?? 1) - 1];
          rule.source = { path: file.path, ...(origin?.line ? { line: origin.line } : {}), text: origin?.text ?? rule.source.text ?? '' };
        }
      }
    }
    for (const error of save.errors) {
      const origin = map[(error.source.line ?? 1) - 1];
      context.errors.push({ message: error.message, source: { path: file.path, ...(origin?.line ? { line: origin.line } : {}) } });
    }
    const ruleset = iptablesRuleset(save, { backend: 'firewalld', label: 'direct', active: undefined });
    for (const chain of ruleset.chains) {
      const id = `direct ${family} ${chain.id}`;
      const renamed: Chain = { ...chain, id, rules: chain.rules.map((rule) => ({ ...rule, action: rule.action.kind === 'jump' || rule.action.kind === 'goto' ? { ...rule.action, chain: `direct ${family} ${rule.action.chain}` } : rule.action })) };
      if (sameChain && chain.id === 'filter/OUTPUT') {
        // iptables backend: OUTPUT_direct runs first in firewalld's own OUTPUT chain.
        firstRules.push(...renamed.rules.map((rule) => ({ ...rule, match: { ...rule.match, family } })));
        continue;
      }
      chains.push(renamed);
    }
    context.unsupported.push(...ruleset.unsupported);
  }
  return { chains, firstRules };
}

/** A policy's priority attribute; firewalld's default is -1. */
function policyPriority(file: XmlFile): number {
  const value = Number(file.root?.attributes.priority ?? '-1');
  return Number.isFinite(value) ? value : -1;
}

/** The model of firewalld's permanent configuration. Never throws. */
export function firewalldRuleset(input: FirewalldInput): EgressRuleset {
  const context: Context = { input, chains: [], unsupported: [], errors: [] };
  const conf = input.conf;
  const backend = (conf?.backend ?? 'nftables').toLowerCase();
  const files = [...input.zones.values(), ...input.services.values(), ...input.policies.values(), ...(input.direct ? [input.direct] : [])];
  for (const file of files) if (file.error) context.errors.push({ message: `XML: ${file.error.message}`, source: { path: file.path, line: file.error.line } });
  for (const bad of input.unreadable ?? []) context.errors.push({ message: `cannot be read: ${bad.error}`, source: { path: bad.path } });

  const base: SourceRef = { path: conf?.path ?? '/etc/firewalld/firewalld.conf', text: 'firewalld filter_OUTPUT' };
  const rules: Rule[] = [
    { match: { ctState: { values: ['established', 'related'] } }, action: { kind: 'accept' }, source: { ...base, text: 'firewalld: ct state established,related accept' } },
    { match: { oif: { values: ['lo'] } }, action: { kind: 'accept' }, source: { ...base, text: 'firewalld: oifname "lo" accept' } },
  ];
  const sameChain = backend === 'iptables';
  if (input.direct?.root) {
    const direct = directChains(input.direct, context, sameChain);
    context.chains.push(...direct.chains);
    rules.unshift(...direct.firstRules);
  }
  const hostPolicies = [...input.policies.values()]
    .filter((file) => file.root && child(file.root, 'ingress-zone').some((zone) => zone.attributes.name === 'HOST'))
    .sort((a, b) => policyPriority(a) - policyPriority(b) || a.name.localeCompare(b.name));
  for (const file of hostPolicies) {
    const root = file.root as XmlElement;
    const id = `firewalld policy ${file.name}`;
    const source: SourceRef = { path: file.path, line: root.line, text: `policy ${file.name} (ingress HOST, priority ${root.attributes.priority ?? '-1'})` };
    context.chains.push({ id, name: file.name, families: ['ipv4', 'ipv6'], rules: policyRules(file, context), source });
    for (const zone of child(root, 'egress-zone')) {
      for (const guard of egressGuards(zone.attributes.name ?? '', context)) rules.push({ match: guard, action: { kind: 'jump', chain: id }, source: { ...source, line: zone.line, text: `policy ${file.name}: egress zone ${zone.attributes.name ?? ''}` } });
    }
  }
  for (const file of input.policies.values()) {
    if (file.error && !file.root) rules.push({ match: {}, action: { kind: 'unknown', construct: `policy file ${file.path}, which could not be parsed` }, source: { path: file.path, line: file.error.line } });
  }
  for (const bad of input.unreadable ?? []) {
    if (/\/policies\//.test(bad.path) || /direct\.xml$/.test(bad.path)) rules.push({ match: {}, action: { kind: 'unknown', construct: `${bad.path}, which could not be read (${bad.error})` }, source: { path: bad.path } });
  }
  const output: Chain = {
    id: 'firewalld filter_OUTPUT',
    name: 'filter_OUTPUT',
    hook: 'output',
    priority: sameChain ? 0 : 10,
    families: ['ipv4', 'ipv6'],
    policy: 'accept',
    rules,
    source: base,
    policySource: { ...base, text: 'firewalld accepts outgoing traffic no policy restricts' },
  };
  const chains = [output, ...context.chains];
  const unsupported = [...context.unsupported, ...chainsUnsupported(chains)];
  return {
    backend: 'firewalld',
    label: `firewalld (${backend} backend${conf?.defaultZone ? `, default zone ${conf.defaultZone}` : ''})`,
    semantics: 'first-match',
    active: input.active,
    activeEvidence: input.activeEvidence,
    chains,
    unsupported,
    sources: [...(conf ? [conf.path] : []), ...files.map((file) => file.path)],
    errors: context.errors,
  };
}
