import type { Node } from 'jsonc-parser';
import { lineAt, stripBom } from '../util/text-lines.js';
import { parseJsonTree } from './json-tree.js';

// VS Code family settings (VS Code, Cursor, Windsurf): user `settings.json`, workspace
// `.vscode/settings.json` and the Linux policy file `/etc/vscode/policy.json`. All JSONC (comments,
// trailing commas). A setting is written as a dotted top-level key (`"telemetry.telemetryLevel": "off"`)
// or, less often, as nested objects (`"telemetry": { "telemetryLevel": "off" }`); both are read, the
// dotted form wins. Only the keys asked for are kept, and only scalar values.

export type SettingScalar = string | number | boolean | null;

export interface EditorSetting {
  key: string;
  value: SettingScalar;
  line: number;
}

export interface EditorSettingsParse {
  /** The keys asked for that the file sets to a scalar. */
  values: Record<string, EditorSetting>;
  /** Invalid JSON (with its line): VS Code then reads what it can, as this parser does. */
  error?: string;
}

/** The settings the agent and telemetry checks read. */
export const EDITOR_SETTING_KEYS = [
  'telemetry.telemetryLevel',
  'telemetry.enableTelemetry',
  'telemetry.enableCrashReporter',
  'chat.tools.global.autoApprove',
  'chat.tools.autoApprove',
  'security.workspace.trust.enabled',
  'chat.mcp.access',
  'chat.mcp.enabled',
  // VS Code's agent terminal sandbox (sandbox.agent-sandbox-settings): the current name and the earlier one.
  'chat.agent.sandbox.enabled',
  'chat.tools.terminal.sandbox.enabled',
] as const;

/** VS Code policy names (policy.json, registry values, managed preferences) and the setting each locks. */
export const VSCODE_POLICIES = {
  TelemetryLevel: 'telemetry.telemetryLevel',
  ChatToolsAutoApprove: 'chat.tools.global.autoApprove',
  ChatMCP: 'chat.mcp.access',
} as const;
export type VscodePolicyName = keyof typeof VSCODE_POLICIES;

function scalar(node: Node | undefined): SettingScalar | undefined {
  if (!node) return undefined;
  if (node.type === 'string' || node.type === 'number' || node.type === 'boolean') return node.value as string | number | boolean;
  if (node.type === 'null') return null;
  return undefined;
}

function childProperties(node: Node | undefined): [string, Node, Node][] {
  if (node?.type !== 'object') return [];
  return (node.children ?? []).flatMap((property) => {
    const [keyNode, valueNode] = property.children ?? [];
    return keyNode?.type === 'string' && valueNode ? [[String(keyNode.value), keyNode, valueNode] as [string, Node, Node]] : [];
  });
}

/** Parses a settings or policy file and returns the scalar values of `keys`; never throws. */
export function parseEditorSettings(input: string, keys: readonly string[] = EDITOR_SETTING_KEYS): EditorSettingsParse {
  const text = stripBom(input);
  const values: Record<string, EditorSetting> = {};
  if (text.trim() === '') return { values };
  const { root, error } = parseJsonTree(text, { jsonc: true });
  if (root === undefined) return { values, error: error ?? 'empty file' };
  if (root.type !== 'object') return { values, error: error ?? 'the top level is not a JSON object' };
  const top = childProperties(root);
  const wanted = new Set(keys);
  // Dotted keys at the top level: the last occurrence wins, as in JSON.parse.
  for (const [key, keyNode, valueNode] of top) {
    if (!wanted.has(key)) continue;
    const value = scalar(valueNode);
    if (value !== undefined) values[key] = { key, value, line: lineAt(text, keyNode.offset) };
    else delete values[key];
  }
  // Nested objects for keys not given in dotted form.
  for (const key of keys) {
    if (key in values) continue;
    const parts = key.split('.');
    let node: Node | undefined = root;
    let keyNode: Node | undefined;
    for (const part of parts) {
      const found: [string, Node, Node] | undefined = childProperties(node).filter(([name]) => name === part).pop();
      if (!found) {
        node = undefined;
        break;
      }
      keyNode = found[1];
      node = found[2];
    }
    const value = scalar(node);
    if (value !== undefined && keyNode && parts.length > 1) values[key] = { key, value, line: lineAt(text, keyNode.offset) };
  }
  return error ? { values, error } : { values };
}

/**
 * What one settings file says about telemetry: the legacy switches first (VS Code's getTelemetryLevel:
 * `telemetry.enableTelemetry: false` or `telemetry.enableCrashReporter: false` turn telemetry off whatever
 * telemetryLevel says), then telemetry.telemetryLevel; undefined when the file sets neither.
 */
export function telemetryLevelOf(values: Record<string, EditorSetting>): { level: string; setting: EditorSetting; legacy: boolean } | undefined {
  for (const legacy of ['telemetry.enableTelemetry', 'telemetry.enableCrashReporter'] as const) {
    const setting = values[legacy];
    if (setting?.value === false) return { level: 'off', setting, legacy: true };
  }
  const level = values['telemetry.telemetryLevel'];
  if (level && typeof level.value === 'string') return { level: level.value, setting: level, legacy: false };
  return undefined;
}

/** `chat.mcp.access` in VS Code's words (none | registry | all); older spellings and the boolean chat.mcp.enabled mapped. */
export function normaliseMcpAccess(value: SettingScalar): 'none' | 'registry' | 'all' | undefined {
  if (value === false) return 'none';
  if (value === true) return 'all';
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'none' || text === 'off') return 'none';
  if (text === 'registry' || text === 'registryonly') return 'registry';
  if (text === 'all' || text === 'allowed' || text === 'any') return 'all';
  return undefined;
}
