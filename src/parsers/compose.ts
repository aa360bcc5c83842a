// Compose files (compose.yaml, docker-compose*.yml, *.compose.yaml, compose.*.yaml): one ContainerSpec per
// service, every setting with its line. Anchors and merge keys (`<<: *x`) are followed, `extends` of a
// service in the same file fills in inherited hardening, `${VAR:-x}` stays text. Never throws.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { type ContainerSpec, type HardeningItem, type Located, type MountSpec, type NamespaceKind, emptySpec } from '../containers/model.js';
import type { FixPlan } from '../containers/rules.js';
import { appendSeqItem, insertLinesAfter, isTrueScalar, mapIndent, removePair, removeSeqItems, replaceScalar, columnOf } from '../containers/yaml-edit.js';
import { applySplices, type Splice } from '../remediate/unified-diff.js';
import { parseYamlTree } from './yaml-tree.js';

/** The uid:gid and process limit the fixes propose; the message asks for the image's own values. */
export const SUGGESTED_USER = '1000:1000';
export const SUGGESTED_PIDS_LIMIT = 512;

export interface ComposeParse {
  containers: ContainerSpec[];
  error?: string;
}

interface Entry {
  pair: Pair;
  /** False when the key comes from a merge key (`<<: *anchor`). */
  own: boolean;
  via?: string;
}

interface ItemRef {
  pair: Pair;
  item: number;
}

interface ServiceRefs {
  keyNode: Node;
  map: YAMLMap | undefined;
  entries: Map<string, Entry>;
  privileged?: Entry;
  capAdd: ItemRef[];
  securityOpt: ItemRef[];
  namespaces: Pair[];
  mounts: ItemRef[];
  pidsNode?: Node;
}

interface Parsed {
  doc: Document;
  services: { spec: ContainerSpec; refs: ServiceRefs }[];
  error?: string;
}

const NAMESPACE_KEYS: [string, NamespaceKind][] = [
  ['network_mode', 'network'],
  ['pid', 'pid'],
  ['ipc', 'ipc'],
  ['uts', 'uts'],
  ['userns_mode', 'userns'],
  ['cgroup', 'cgroup'],
];

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

/** The pairs of a mapping with merge keys resolved: own keys win, then merged maps in order. */
function mapEntries(doc: Document, map: unknown, depth = 0): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  if (!isMap(map) || depth > 10) return entries;
  const merges: Map<string, Entry>[] = [];
  for (const pair of map.items) {
    const key = scalarText(pair.key);
    if (key === undefined) continue;
    if (key === '<<') {
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        if (!isAlias(source)) continue;
        const target = source.resolve(doc);
        const merged = mapEntries(doc, target, depth + 1);
        for (const entry of merged.values()) {
          entry.own = false;
          entry.via ??= `merged from &${source.source}`;
        }
        merges.push(merged);
      }
      continue;
    }
    entries.set(key, { pair, own: true });
  }
  for (const merged of merges) for (const [key, entry] of merged) if (!entries.has(key)) entries.set(key, entry);
  return entries;
}

/** A value node with aliases resolved. */
function resolved(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Splits `SOURCE:TARGET[:MODE]` at colons outside `${...}`, keeping a Windows drive letter whole. */
export function splitVolumeSpec(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '$' && text[i + 1] === '{') depth++;
    else if (char === '}' && depth > 0) depth--;
    if (char === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  if (parts.length > 1 && /^[A-Za-z]$/.test(parts[0] as string) && /^[\\/]/.test(parts[1] as string)) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  return parts;
}

export function isHostPath(source: string): boolean {
  return /^(\/|\.|~|\$|[A-Za-z]:[\\/]|\\\\)/.test(source.trim());
}

/** A short-syntax volume (`/host:/ctr:ro`) as a mount. */
export function shortVolume(text: string, line: number): MountSpec {
  const parts = splitVolumeSpec(text.trim());
  if (parts.length === 1) return { text, target: parts[0], readOnly: false, bind: false, line };
  const [source = '', target = '', mode = ''] = parts;
  const readOnly = mode.split(',').some((flag) => /^(ro|readonly)$/i.test(flag.trim()));
  return { text, source, target, readOnly, bind: isHostPath(source), line };
}

function longVolume(doc: Document, node: YAMLMap, lineOf: (node: Node) => number): MountSpec {
  const entries = mapEntries(doc, node);
  const text = (key: string) => scalarText(resolved(doc, entries.get(key)?.pair.value));
  const type = (text('type') ?? 'volume').toLowerCase();
  const source = text('source') ?? text('src');
  const target = text('target') ?? text('destination') ?? text('dst');
  const sourceNode = (entries.get('source') ?? entries.get('src'))?.pair.value as Node | undefined;
  const readOnly = isTrueScalar(resolved(doc, entries.get('read_only')?.pair.value)) || isTrueScalar(resolved(doc, entries.get('readonly')?.pair.value));
  return {
    text: `${type} ${source ?? '(anonymous)'} -> ${target ?? '?'}${readOnly ? ' read-only' : ''}`,
    ...(source !== undefined ? { source } : {}),
    ...(target !== undefined ? { target } : {}),
    readOnly,
    bind: type === 'bind' || type === 'npipe',
    line: lineOf(sourceNode?.range ? sourceNode : node),
  };
}

function readService(doc: Document, name: string, keyNode: Node, value: unknown, index: number, lineOf: (node: Node) => number): { spec: ContainerSpec; refs: ServiceRefs } {
  const map = isMap(value) ? (value as YAMLMap) : undefined;
  const spec = emptySpec('compose', name, index, lineOf(keyNode));
  const entries = mapEntries(doc, map);
  const refs: ServiceRefs = { keyNode, map, entries, capAdd: [], securityOpt: [], namespaces: [], mounts: [] };
  const located = <T>(entry: Entry, node: Node, value: T): Located<T> => ({ value, line: lineOf(node), ...(entry.via ? { via: entry.via } : {}) });
  const items = (key: string, into: Located<string>[], refList?: ItemRef[]) => {
    const entry = entries.get(key);
    const seq = resolved(doc, entry?.pair.value);
    if (!entry) return;
    if (isScalar(seq)) {
      const text = scalarText(seq);
      if (text !== undefined) into.push(located(entry, seq, text));
      return;
    }
    if (!isSeq(seq)) return;
    seq.items.forEach((item, itemIndex) => {
      const text = scalarText(resolved(doc, item));
      if (text === undefined) return;
      into.push(located(entry, item as Node, text));
      refList?.push({ pair: entry.pair, item: itemIndex });
    });
  };

  const privileged = entries.get('privileged');
  if (privileged && isTrueScalar(resolved(doc, privileged.pair.value))) {
    spec.privileged = located(privileged, privileged.pair.key as Node, true);
    refs.privileged = privileged;
  }
  items('cap_add', spec.capAdd, refs.capAdd);
  items('cap_drop', spec.capDrop);
  items('security_opt', spec.securityOpt, refs.securityOpt);
  const readOnly = entries.get('read_only');
  if (readOnly) spec.readOnly = located(readOnly, readOnly.pair.key as Node, isTrueScalar(resolved(doc, readOnly.pair.value)));
  const user = entries.get('user');
  const userText = scalarText(resolved(doc, user?.pair.value));
  if (user && userText !== undefined) spec.user = located(user, user.pair.key as Node, userText);
  const pids = entries.get('pids_limit');
  const pidsText = scalarText(resolved(doc, pids?.pair.value));
  if (pids && pidsText !== undefined) {
    spec.pidsLimit = located(pids, pids.pair.key as Node, pidsText);
    refs.pidsNode = pids.pair.value as Node;
  } else {
    // deploy.resources.limits.pids (the Compose Deploy Specification's spelling).
    const deploy = entries.get('deploy');
    const resourcesMap = mapEntries(doc, resolved(doc, deploy?.pair.value)).get('resources');
    const limits = mapEntries(doc, resolved(doc, resourcesMap?.pair.value)).get('limits');
    const deployPids = mapEntries(doc, resolved(doc, limits?.pair.value)).get('pids');
    const text = scalarText(resolved(doc, deployPids?.pair.value));
    if (deployPids && text !== undefined) {
      spec.pidsLimit = located(deployPids, deployPids.pair.key as Node, text);
      refs.pidsNode = deployPids.pair.value as Node;
    }
  }
  for (const [key, kind] of NAMESPACE_KEYS) {
    const entry = entries.get(key);
    const text = scalarText(resolved(doc, entry?.pair.value));
    if (!entry || text === undefined) continue;
    spec.namespaces.push(located(entry, entry.pair.key as Node, { kind, value: text.trim() }));
    refs.namespaces.push(entry.pair);
  }
  const volumes = entries.get('volumes');
  const volumeSeq = resolved(doc, volumes?.pair.value);
  if (volumes && isSeq(volumeSeq)) {
    volumeSeq.items.forEach((item, itemIndex) => {
      const node = resolved(doc, item);
      let mount: MountSpec | undefined;
      if (isScalar(node)) {
        const text = scalarText(node);
        if (text !== undefined) mount = shortVolume(text, lineOf(item as Node));
      } else if (isMap(node)) mount = longVolume(doc, node as YAMLMap, lineOf);
      if (!mount) return;
      if (volumes.via) mount.via = volumes.via;
      spec.mounts.push(mount);
      refs.mounts.push({ pair: volumes.pair, item: itemIndex });
    });
  }
  return { spec, refs };
}

function readCompose(text: string): Parsed {
  // Merge keys stay `<<` pairs (YAML 1.2 has none): mapEntries resolves them, keeping each key's own line.
  const { doc, lineOf, error } = parseYamlTree(text);
  const services: Parsed['services'] = [];
  const top = mapEntries(doc, doc.contents).get('services');
  const servicesMap = resolved(doc, top?.pair.value);
  if (isMap(servicesMap)) {
    for (const pair of servicesMap.items) {
      const name = scalarText(pair.key);
      if (name === undefined || name === '<<') continue;
      services.push(readService(doc, name, pair.key as Node, resolved(doc, pair.value), services.length, lineOf));
    }
  }
  inheritExtends(doc, services);
  return { doc, services, ...(error ? { error } : {}) };
}

/**
 * `extends: base` (or `{ service: base }`) within the file: the hardening the base sets applies to the
 * service too. Dangerous settings of the base are reported on the base itself. Other files are named only.
 */
function inheritExtends(doc: Document, services: Parsed['services']): void {
  const byName = new Map(services.map((service) => [service.spec.name, service]));
  for (const service of services) {
    const seen = new Set<string>([service.spec.name]);
    let current = service;
    for (let hop = 0; hop < 10; hop++) {
      const entry = current.refs.entries.get('extends');
      if (!entry) break;
      const value = resolved(doc, entry.pair.value);
      const fields = mapEntries(doc, value);
      const baseName = isScalar(value) ? scalarText(value) : scalarText(resolved(doc, fields.get('service')?.pair.value));
      const file = scalarText(resolved(doc, fields.get('file')?.pair.value));
      if (baseName === undefined) break;
      if (file !== undefined) {
        service.spec.notes.push(`extends ${baseName} of ${file}, not followed`);
        break;
      }
      const base = byName.get(baseName);
      if (!base || seen.has(baseName)) break;
      seen.add(baseName);
      const via = `extends ${baseName}`;
      const spec = service.spec;
      const inherit = <T>(item: Located<T>): Located<T> => ({ ...item, via: item.via ?? via });
      if (!spec.capDrop.length) spec.capDrop.push(...base.spec.capDrop.map(inherit));
      for (const option of base.spec.securityOpt) if (/^no-new-privileges/i.test(option.value)) spec.securityOpt.push(inherit(option));
      if (!spec.readOnly && base.spec.readOnly) spec.readOnly = inherit(base.spec.readOnly);
      if (!spec.user && base.spec.user) spec.user = inherit(base.spec.user);
      if (!spec.pidsLimit && base.spec.pidsLimit) spec.pidsLimit = inherit(base.spec.pidsLimit);
      current = base;
    }
  }
}

/** Every service of a compose file; a syntax error is reported with its line, services read best effort. */
export function parseCompose(text: string): ComposeParse {
  const parsed = readCompose(text);
  return { containers: parsed.services.map((service) => service.spec), ...(parsed.error ? { error: parsed.error } : {}) };
}

function ownSeq(entry: Entry | undefined): YAMLSeq | undefined {
  return entry?.own && isSeq(entry.pair.value) ? (entry.pair.value as YAMLSeq) : undefined;
}

/**
 * The file after the change `plan` describes for one service, or undefined when no exact edit can be
 * made (a flow-style service, a file that did not parse). Only the lines concerned change.
 */
export function fixCompose(text: string, spec: ContainerSpec, plan: FixPlan): string | undefined {
  const parsed = readCompose(text);
  if (parsed.error) return undefined;
  const service = parsed.services[spec.index];
  if (!service || service.spec.name !== spec.name) return undefined;
  const { refs } = service;
  const splices: Splice[] = [];
  const removal = plan.remove;
  if (removal) {
    if (removal.setting === 'privileged' && refs.privileged) splices.push(removePair(text, refs.privileged.pair));
    else if (removal.setting === 'namespace' && refs.namespaces[removal.index]) splices.push(removePair(text, refs.namespaces[removal.index] as Pair));
    else if (removal.setting !== 'privileged' && removal.setting !== 'namespace') {
      const list = removal.setting === 'capAdd' ? refs.capAdd : removal.setting === 'securityOpt' ? refs.securityOpt : refs.mounts;
      const ref = list[removal.index];
      if (!ref) return undefined;
      splices.push(...removeSeqItems(text, ref.pair, [ref.item]));
    } else return undefined;
  }
  const newLines: string[] = [];
  for (const item of plan.add ?? []) {
    const splice = addHardening(text, refs, item, newLines);
    if (splice === null) return undefined;
    if (splice) splices.push(splice);
  }
  if (newLines.length > 0) {
    if (refs.map?.flow) return undefined;
    const indent = mapIndent(text, refs.map) ?? ' '.repeat(columnOf(text, refs.keyNode.range?.[0] ?? 0) + 2);
    const header = refs.keyNode.range?.[0] ?? 0;
    // The service key and its first setting on one line (`web: {image: x}`) cannot take new lines.
    if (refs.map && refs.map.items.length > 0 && (refs.map.items[0]?.key as Node | undefined)?.range && lineOfOffset(text, header) === lineOfOffset(text, ((refs.map.items[0]?.key as Node).range as [number, number, number])[0])) return undefined;
    splices.push(insertLinesAfter(text, header, newLines.map((line) => `${indent}${line}`)));
  }
  if (splices.length === 0) return undefined;
  const after = applySplices(text, splices);
  return readCompose(after).error ? undefined : after;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A splice for one hardening item, lines to add under the service, null when impossible. */
function addHardening(text: string, refs: ServiceRefs, item: HardeningItem, newLines: string[]): Splice | undefined | null {
  const entries = refs.entries;
  switch (item) {
    case 'cap-drop-all': {
      const seq = ownSeq(entries.get('cap_drop'));
      if (seq) return appendSeqItem(text, seq, 'ALL') ?? null;
      if (entries.get('cap_drop')?.own) return replaceScalar(entries.get('cap_drop')?.pair.value as Node, '[ALL]');
      newLines.push('cap_drop: [ALL]');
      return undefined;
    }
    case 'no-new-privileges': {
      const entry = entries.get('security_opt');
      const seq = ownSeq(entry);
      if (seq) {
        const off = seq.items.find((node) => isScalar(node) && /^no-new-privileges[:=]false$/i.test(String(node.value).trim()));
        return off ? replaceScalar(off as Node, '"no-new-privileges:true"') : (appendSeqItem(text, seq, '"no-new-privileges:true"') ?? null);
      }
      if (entry?.own) return null;
      const inherited = entry && isSeq(entry.pair.value) ? entry.pair.value.items.map((node) => text.slice((node as Node).range?.[0] ?? 0, (node as Node).range?.[1] ?? 0)) : [];
      newLines.push(`security_opt: [${[...inherited, '"no-new-privileges:true"'].join(', ')}]`);
      return undefined;
    }
    case 'read-only': {
      const entry = entries.get('read_only');
      if (entry?.own && entry.pair.value) return replaceScalar(entry.pair.value as Node, 'true');
      newLines.push('read_only: true');
      return undefined;
    }
    case 'non-root-user': {
      const entry = entries.get('user');
      if (entry?.own && entry.pair.value) return replaceScalar(entry.pair.value as Node, `"${SUGGESTED_USER}"`);
      newLines.push(`user: "${SUGGESTED_USER}"`);
      return undefined;
    }
    case 'pids-limit': {
      if (refs.pidsNode && isScalar(refs.pidsNode)) return replaceScalar(refs.pidsNode, String(SUGGESTED_PIDS_LIMIT));
      newLines.push(`pids_limit: ${SUGGESTED_PIDS_LIMIT}`);
      return undefined;
    }
  }
}
