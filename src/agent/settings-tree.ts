import type { Node } from 'jsonc-parser';
import { parseJsonTree } from '../parsers/json-tree.js';
import type { PlistValue } from '../parsers/plist-xml.js';
import { stripBom } from '../util/text-lines.js';
import { parsePermissionRule } from './permission-rules.js';
import type { EnvSetting, HookSetting, SettingOrigin, SettingValue, SettingsLayer } from './settings-model.js';

// One shape for settings read from JSONC files (with lines), property lists (with lines) and registry JSON
// strings, so that a single walk turns any of them into a SettingsLayer.

export type SettingsNode =
  | { kind: 'object'; entries: { key: string; line?: number; node: SettingsNode }[]; line?: number }
  | { kind: 'array'; items: SettingsNode[]; line?: number }
  | { kind: 'value'; value: string | number | boolean | null; line?: number };

const MAX_DEPTH = 64;

/** Line numbers of offsets in one text, by binary search over the line starts. */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) starts.push(i + 1);
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) starts.push(i + 1);
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/** A jsonc-parser node as a SettingsNode with 1-based lines. */
export function fromJsonNode(node: Node, lineOf: (offset: number) => number, depth = 0): SettingsNode {
  const line = lineOf(node.offset);
  if (depth > MAX_DEPTH) return { kind: 'value', value: null, line };
  if (node.type === 'object') {
    const entries: { key: string; line?: number; node: SettingsNode }[] = [];
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (keyNode?.type !== 'string' || valueNode === undefined) continue;
      entries.push({ key: String(keyNode.value), line: lineOf(keyNode.offset), node: fromJsonNode(valueNode, lineOf, depth + 1) });
    }
    return { kind: 'object', entries, line };
  }
  if (node.type === 'array') return { kind: 'array', items: (node.children ?? []).map((child) => fromJsonNode(child, lineOf, depth + 1)), line };
  const value = node.value as unknown;
  return { kind: 'value', value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null, line };
}

/** Parses JSONC settings text (BOM, comments, trailing commas accepted) into a node and the first error. */
export function parseSettingsText(text: string): { root?: SettingsNode; error?: string } {
  const clean = stripBom(text);
  const { root, error } = parseJsonTree(clean, { jsonc: true });
  if (root === undefined) return { error: error ?? 'empty file' };
  return { root: fromJsonNode(root, lineIndex(clean)), ...(error ? { error } : {}) };
}

/** A property-list value as a SettingsNode (dates and data become strings; binary plists have no lines). */
export function fromPlist(value: PlistValue, depth = 0): SettingsNode {
  const line = value.line > 0 ? { line: value.line } : {};
  if (depth > MAX_DEPTH) return { kind: 'value', value: null, ...line };
  switch (value.type) {
    case 'dict':
      return {
        kind: 'object',
        entries: value.entries.map((entry) => ({ key: entry.key, ...(entry.line > 0 ? { line: entry.line } : {}), node: fromPlist(entry.value, depth + 1) })),
        ...line,
      };
    case 'array':
      return { kind: 'array', items: value.items.map((item) => fromPlist(item, depth + 1)), ...line };
    default:
      return { kind: 'value', value: value.value, ...line };
  }
}

/** A plain JavaScript value (JSON.parse output, registry values) as a SettingsNode without lines. */
export function fromPlain(value: unknown, depth = 0): SettingsNode {
  if (depth > MAX_DEPTH) return { kind: 'value', value: null };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((item) => fromPlain(item, depth + 1)) };
  if (value !== null && typeof value === 'object') return { kind: 'object', entries: Object.entries(value).map(([key, item]) => ({ key, node: fromPlain(item, depth + 1) })) };
  return { kind: 'value', value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null };
}

/** The plain value of a node. */
export function plainOf(node: SettingsNode): unknown {
  if (node.kind === 'value') return node.value;
  if (node.kind === 'array') return node.items.map(plainOf);
  const out: Record<string, unknown> = {};
  for (const entry of node.entries) out[entry.key] = plainOf(entry.node);
  return out;
}

/** The node of a property (the last one when a key repeats, as JSON.parse does). */
export function childOf(node: SettingsNode | undefined, key: string): { node: SettingsNode; line?: number } | undefined {
  if (node?.kind !== 'object') return undefined;
  const found = node.entries.filter((entry) => entry.key === key).pop();
  return found ? { node: found.node, ...(found.line !== undefined ? { line: found.line } : {}) } : undefined;
}

// Keys that belong under `permissions` (or `sandbox`) and do nothing at the top level: real files put them
// there (an invented schema, or a misplaced managed key), and a check must not credit them.
const MISPLACED: Record<string, string> = {
  defaultMode: 'permissions.defaultMode',
  disableBypassPermissionsMode: 'permissions.disableBypassPermissionsMode',
  additionalDirectories: 'permissions.additionalDirectories',
  allow: 'permissions.allow',
  deny: 'permissions.deny',
  ask: 'permissions.ask',
  autoAllowBashIfSandboxed: 'sandbox.autoAllowBashIfSandboxed',
  allowUnsandboxedCommands: 'sandbox.allowUnsandboxedCommands',
};

const RULE_LISTS = new Set(['permissions.allow', 'permissions.ask', 'permissions.deny']);

/** Turns a parsed settings document into a layer: dotted scalars, arrays, env, hooks, with lines. */
export function buildLayer(root: SettingsNode | undefined, origin: SettingOrigin, error?: string): SettingsLayer {
  const layer: SettingsLayer = { origin, scalars: {}, arrays: {}, env: [], hooks: [], problems: [], ...(error ? { error } : {}) };
  if (root === undefined) return layer;
  if (root.kind !== 'object') {
    layer.error ??= 'the top level is not a JSON object';
    return layer;
  }
  const at = (line: number | undefined): SettingOrigin => (line !== undefined ? { ...origin, line } : { ...origin });

  const walk = (node: SettingsNode, prefix: string, line: number | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (node.kind === 'object') {
      for (const entry of node.entries) walk(entry.node, prefix ? `${prefix}.${entry.key}` : entry.key, entry.line, depth + 1);
      return;
    }
    if (node.kind === 'array') {
      const items: SettingValue[] = node.items.map((item) => ({ value: plainOf(item), origin: at(item.line ?? line) }));
      layer.arrays[prefix] = items;
      if (RULE_LISTS.has(prefix)) {
        for (const item of items) {
          if (typeof item.value !== 'string') {
            layer.problems.push({ message: `${prefix} holds a ${Array.isArray(item.value) ? 'list' : typeof item.value} where a rule string belongs; Claude Code does not read it`, ...(item.origin.line !== undefined ? { line: item.origin.line } : {}) });
            continue;
          }
          const parsed = parsePermissionRule(item.value);
          if ('error' in parsed) layer.problems.push({ message: `${prefix} rule "${item.value}": ${parsed.error}`, ...(item.origin.line !== undefined ? { line: item.origin.line } : {}) });
        }
      }
      return;
    }
    layer.scalars[prefix] = { value: node.value, origin: at(line) };
  };

  for (const entry of root.entries) {
    if (entry.key === 'env') {
      readEnv(entry.node, entry.line, layer, at);
      continue;
    }
    if (entry.key === 'hooks') {
      readHooks(entry.node, entry.line, layer, at);
      continue;
    }
    const belongs = MISPLACED[entry.key];
    if (belongs) layer.problems.push({ message: `"${entry.key}" at the top level is not read; it belongs at ${belongs}`, ...(entry.line !== undefined ? { line: entry.line } : {}) });
    walk(entry.node, entry.key, entry.line, 0);
  }
  // A key repeated in a file: JSON.parse keeps the last, and so did the walk (later entries overwrite).
  return layer;
}

function readEnv(node: SettingsNode, line: number | undefined, layer: SettingsLayer, at: (line: number | undefined) => SettingOrigin): void {
  if (node.kind !== 'object') {
    layer.problems.push({ message: '"env" is not an object', ...(line !== undefined ? { line } : {}) });
    return;
  }
  const byName = new Map<string, EnvSetting>();
  for (const entry of node.entries) {
    const value = entry.node.kind === 'value' && entry.node.value !== null ? String(entry.node.value) : undefined;
    if (value === undefined) {
      layer.problems.push({ message: `env.${entry.key} is not a string`, ...(entry.line !== undefined ? { line: entry.line } : {}) });
      continue;
    }
    byName.delete(entry.key);
    byName.set(entry.key, { name: entry.key, value, origin: at(entry.line) });
  }
  layer.env.push(...byName.values());
}

function readHooks(node: SettingsNode, line: number | undefined, layer: SettingsLayer, at: (line: number | undefined) => SettingOrigin): void {
  const problem = (message: string, where: number | undefined) => layer.problems.push({ message, ...(where !== undefined ? { line: where } : {}) });
  if (node.kind !== 'object') {
    problem('"hooks" is not an object of events', line);
    return;
  }
  for (const event of node.entries) {
    if (event.node.kind !== 'array') {
      problem(`hooks.${event.key} is not a list of matcher groups; Claude Code does not run it`, event.line);
      continue;
    }
    for (const group of event.node.items) {
      if (group.kind !== 'object') {
        problem(`hooks.${event.key} holds an entry that is not a matcher group`, group.line ?? event.line);
        continue;
      }
      const matcherNode = childOf(group, 'matcher')?.node;
      const matcher = matcherNode?.kind === 'value' && typeof matcherNode.value === 'string' ? matcherNode.value : undefined;
      const handlers = childOf(group, 'hooks')?.node;
      if (handlers?.kind !== 'array') {
        problem(`hooks.${event.key}: a matcher group without a "hooks" list`, group.line ?? event.line);
        continue;
      }
      for (const handler of handlers.items) {
        if (handler.kind !== 'object') {
          problem(`hooks.${event.key}: a handler that is not an object`, handler.line);
          continue;
        }
        const text = (key: string) => {
          const value = childOf(handler, key)?.node;
          return value?.kind === 'value' && typeof value.value === 'string' ? value.value : undefined;
        };
        const hook: HookSetting = { event: event.key, type: text('type') ?? 'command', origin: at(handler.line ?? group.line ?? event.line) };
        if (matcher !== undefined) hook.matcher = matcher;
        const command = text('command');
        const url = text('url');
        if (command !== undefined) hook.command = command;
        if (url !== undefined) hook.url = url;
        layer.hooks.push(hook);
      }
    }
  }
}
