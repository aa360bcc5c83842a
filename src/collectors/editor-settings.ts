import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { EDITOR_SETTING_KEYS, VSCODE_POLICIES, parseEditorSettings, type EditorSetting, type SettingScalar, type VscodePolicyName } from '../parsers/editor-settings.js';
import { parsePlist } from '../parsers/plist.js';
import type { PlistValue } from '../parsers/plist-xml.js';
import { claudeJson } from './claude-json.js';
import { appDataFolder } from './mcp-configs.js';
import { targetUsers } from './target-users.js';
import { readRegistryKey } from './windows-commands.js';

// Settings of the VS Code family that matter for agents and telemetry, for each editor present:
// - user settings: <app data>/<Code|Cursor|Windsurf>/User/settings.json (Linux ~/.config, macOS
//   ~/Library/Application Support, Windows %APPDATA%; Cursor and Windsurf follow VS Code's layout, UNVERIFIED);
// - workspace settings: .vscode/settings.json in each project root (from ~/.claude.json, or the --repo root);
// - VS Code policies, which override the user's value: Linux /etc/vscode/policy.json, macOS managed
//   preferences (domain com.microsoft.VSCode, machine-wide and per user), Windows
//   HKLM/HKCU\SOFTWARE\Policies\Microsoft\VSCode. Policy names: TelemetryLevel, ChatToolsAutoApprove, ChatMCP.
// An editor is present when it is installed (a known install path) or a user has its data folder.

export type EditorId = 'vscode' | 'cursor' | 'windsurf';

interface EditorSpec {
  id: EditorId;
  name: string;
  /** The folder name under the user's app-data folder. */
  product: string;
  installs: Partial<Record<Platform, string[]>>;
  /** Per-user install folders, relative to the home. */
  userInstalls: Partial<Record<Platform, string[][]>>;
}

export const EDITORS: readonly EditorSpec[] = [
  {
    id: 'vscode',
    name: 'VS Code',
    product: 'Code',
    installs: {
      linux: ['/usr/share/code', '/usr/bin/code', '/snap/bin/code', '/opt/visual-studio-code', '/var/lib/flatpak/app/com.visualstudio.code'],
      darwin: ['/Applications/Visual Studio Code.app'],
      win32: ['C:\\Program Files\\Microsoft VS Code'],
    },
    userInstalls: { darwin: [['Applications', 'Visual Studio Code.app']], win32: [['AppData', 'Local', 'Programs', 'Microsoft VS Code']] },
  },
  {
    id: 'cursor',
    name: 'Cursor',
    product: 'Cursor',
    installs: { linux: ['/usr/share/cursor', '/opt/Cursor', '/opt/cursor', '/usr/bin/cursor'], darwin: ['/Applications/Cursor.app'], win32: ['C:\\Program Files\\cursor'] },
    userInstalls: { darwin: [['Applications', 'Cursor.app']], win32: [['AppData', 'Local', 'Programs', 'cursor']] },
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    product: 'Windsurf',
    installs: { linux: ['/usr/share/windsurf', '/usr/bin/windsurf', '/opt/Windsurf'], darwin: ['/Applications/Windsurf.app'], win32: ['C:\\Program Files\\Windsurf'] },
    userInstalls: { darwin: [['Applications', 'Windsurf.app']], win32: [['AppData', 'Local', 'Programs', 'Windsurf']] },
  },
];

export interface EditorPresence {
  editor: EditorId;
  name: string;
  present: boolean;
  /** Install paths found (machine-wide or per user). */
  installs: string[];
  /** Users who have the editor's data folder. */
  users: string[];
}

export interface EditorUserSettings {
  editor: EditorId;
  user: string;
  /** <app data>/<product>/User/settings.json. */
  path: string;
  exists: boolean;
  values: Record<string, EditorSetting>;
  error?: string;
}

export interface WorkspaceSettings {
  path: string;
  project: string;
  user?: string;
  values: Record<string, EditorSetting>;
  error?: string;
}

export interface PolicyValue {
  value: SettingScalar;
  line?: number;
}

export interface VscodePolicySource {
  kind: 'file' | 'plist' | 'registry';
  /** The file or registry key. */
  location: string;
  /** Per-user managed preferences and HKCU apply to one user only. */
  user?: string;
  values: Partial<Record<VscodePolicyName, PolicyValue>>;
  error?: string;
}

export interface EditorSettingsFacts {
  editors: EditorPresence[];
  userSettings: EditorUserSettings[];
  workspace: WorkspaceSettings[];
  /** VS Code policy sources that exist, highest precedence first. */
  policies: VscodePolicySource[];
  /** Where the policy would be set on this platform (for remediation). */
  policyTarget: { kind: VscodePolicySource['kind']; location: string };
  /** Policy evidence that could not be read (the registry of an offline image, a failed command). */
  policyUnavailable: string[];
}

export const VSCODE_POLICY_FILE = '/etc/vscode/policy.json';
export const VSCODE_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode';
export const VSCODE_POLICY_KEY_USER = 'HKCU\\SOFTWARE\\Policies\\Microsoft\\VSCode';
export const VSCODE_PLIST_DOMAIN = 'com.microsoft.VSCode';
const MANAGED_PREFERENCES = '/Library/Managed Preferences';
const POLICY_NAMES = Object.keys(VSCODE_POLICIES) as VscodePolicyName[];

export function editorUserSettingsPath(platform: Platform, home: string, product: string): string {
  return targetPaths(platform).join(appDataFolder(platform, home), product, 'User', 'settings.json');
}

async function exists(host: Host, path: string): Promise<boolean> {
  return (await host.lstat(path).catch(() => undefined)) !== undefined;
}

async function readSettingsFile(host: Host, path: string): Promise<{ exists: boolean; values: Record<string, EditorSetting>; error?: string }> {
  try {
    const info = await host.stat(path);
    if (!info || info.type !== 'file') return { exists: false, values: {} };
    const bytes = await host.readFile(path);
    if (!bytes) return { exists: false, values: {} };
    const parsed = parseEditorSettings(bytes.toString('utf8'));
    return { exists: true, values: parsed.values, ...(parsed.error ? { error: parsed.error } : {}) };
  } catch (error) {
    return { exists: true, values: {}, error: `cannot be read (${describeError(error)})` };
  }
}

function plistScalar(value: PlistValue | undefined): SettingScalar | undefined {
  if (!value) return undefined;
  if (value.type === 'string' || value.type === 'boolean' || value.type === 'integer' || value.type === 'real') return value.value;
  return undefined;
}

async function plistPolicy(host: Host, path: string, user?: string): Promise<VscodePolicySource | undefined> {
  let bytes: Buffer | undefined;
  try {
    bytes = await host.readFile(path);
  } catch (error) {
    return { kind: 'plist', location: path, ...(user ? { user } : {}), values: {}, error: `cannot be read (${describeError(error)})` };
  }
  if (!bytes) return undefined;
  const parsed = parsePlist(bytes);
  const values: VscodePolicySource['values'] = {};
  if (parsed.root?.type === 'dict') {
    for (const entry of parsed.root.entries) {
      if (!(POLICY_NAMES as string[]).includes(entry.key)) continue;
      const value = plistScalar(entry.value);
      if (value !== undefined) values[entry.key as VscodePolicyName] = { value, ...(entry.line > 0 ? { line: entry.line } : {}) };
    }
  }
  return { kind: 'plist', location: path, ...(user ? { user } : {}), values, ...(parsed.error ? { error: parsed.error } : {}) };
}

async function policies(host: Host, users: string[]): Promise<Pick<EditorSettingsFacts, 'policies' | 'policyTarget' | 'policyUnavailable'>> {
  const found: VscodePolicySource[] = [];
  const unavailable: string[] = [];
  if (host.platform === 'linux') {
    try {
      const bytes = await host.readFile(VSCODE_POLICY_FILE);
      if (bytes) {
        const parsed = parseEditorSettings(bytes.toString('utf8'), POLICY_NAMES);
        const values: VscodePolicySource['values'] = {};
        for (const name of POLICY_NAMES) {
          const setting = parsed.values[name];
          if (setting) values[name] = { value: setting.value, line: setting.line };
        }
        found.push({ kind: 'file', location: VSCODE_POLICY_FILE, values, ...(parsed.error ? { error: parsed.error } : {}) });
      }
    } catch (error) {
      found.push({ kind: 'file', location: VSCODE_POLICY_FILE, values: {}, error: `cannot be read (${describeError(error)})` });
    }
    return { policies: found, policyTarget: { kind: 'file', location: VSCODE_POLICY_FILE }, policyUnavailable: unavailable };
  }
  if (host.platform === 'darwin') {
    // Per-user managed preferences win over the machine-wide ones for that user.
    for (const user of users) {
      const source = await plistPolicy(host, `${MANAGED_PREFERENCES}/${user}/${VSCODE_PLIST_DOMAIN}.plist`, user);
      if (source) found.push(source);
    }
    const machine = await plistPolicy(host, `${MANAGED_PREFERENCES}/${VSCODE_PLIST_DOMAIN}.plist`);
    if (machine) found.push(machine);
    return { policies: found, policyTarget: { kind: 'plist', location: `${MANAGED_PREFERENCES}/${VSCODE_PLIST_DOMAIN}.plist` }, policyUnavailable: unavailable };
  }
  const target = { kind: 'registry' as const, location: VSCODE_POLICY_KEY };
  if (host.kind !== 'live' && host.kind !== 'replay') {
    unavailable.push(`the registry of an offline image cannot be read (${VSCODE_POLICY_KEY})`);
    return { policies: found, policyTarget: target, policyUnavailable: unavailable };
  }
  for (const key of [VSCODE_POLICY_KEY, VSCODE_POLICY_KEY_USER]) {
    const read = await readRegistryKey(host, key);
    if (read.unavailable) {
      unavailable.push(read.unavailable);
      continue;
    }
    if (!read.values) continue;
    const values: VscodePolicySource['values'] = {};
    for (const name of POLICY_NAMES) {
      const value = read.values[name];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[name] = { value };
    }
    // HKCU is the hive of the account running the scan.
    found.push({ kind: 'registry', location: key, values });
  }
  return { policies: found, policyTarget: target, policyUnavailable: unavailable };
}

export const editorSettings = defineCollector<EditorSettingsFacts>({
  id: 'editor-settings',
  description: 'VS Code, Cursor and Windsurf: which are present, user and workspace settings (telemetry, tool auto-approval, workspace trust, MCP access) and VS Code policies',
  async collect({ host, get }) {
    const paths = targetPaths(host.platform);
    const platform = host.platform;
    const roots = (await get(claudeJson)).projectRoots;
    const workspace: WorkspaceSettings[] = [];
    for (const root of roots) {
      const path = paths.join(root.path, '.vscode', 'settings.json');
      const file = await readSettingsFile(host, path);
      if (file.exists) workspace.push({ path, project: root.path, ...(root.user ? { user: root.user } : {}), values: file.values, ...(file.error ? { error: file.error } : {}) });
    }
    if (host.kind === 'repo') {
      return { editors: [], userSettings: [], workspace, policies: [], policyTarget: { kind: 'file', location: VSCODE_POLICY_FILE }, policyUnavailable: [] };
    }
    const audited = (await get(targetUsers)).audited;
    const editors: EditorPresence[] = [];
    const userSettings: EditorUserSettings[] = [];
    for (const spec of EDITORS) {
      const installs: string[] = [];
      for (const path of spec.installs[platform] ?? []) if (await exists(host, path)) installs.push(path);
      const users: string[] = [];
      for (const user of audited) {
        for (const parts of spec.userInstalls[platform] ?? []) {
          const path = paths.join(user.home, ...parts);
          if (await exists(host, path)) installs.push(path);
        }
        const dataFolder = paths.join(appDataFolder(platform, user.home), spec.product);
        const folder = await host.stat(dataFolder).catch(() => undefined);
        if (folder?.type !== 'dir') continue;
        users.push(user.name);
        const path = editorUserSettingsPath(platform, user.home, spec.product);
        const file = await readSettingsFile(host, path);
        userSettings.push({ editor: spec.id, user: user.name, path, exists: file.exists, values: file.values, ...(file.error ? { error: file.error } : {}) });
      }
      editors.push({ editor: spec.id, name: spec.name, present: installs.length > 0 || users.length > 0, installs, users });
    }
    return { editors, userSettings, workspace, ...(await policies(host, audited.map((user) => user.name))) };
  },
});

/** Known setting keys, re-exported for the checks. */
export { EDITOR_SETTING_KEYS };
