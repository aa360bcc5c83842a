import {
  mergeSettings,
  selectManagedSource,
  type EffectiveSettings,
  type ManagedSource,
  type SettingOrigin,
  type SettingsLayer,
  type SettingsLevel,
} from '../agent/settings-model.js';
import { buildLayer, fromPlain, fromPlist, parseSettingsText, plainOf, childOf, type SettingsNode } from '../agent/settings-tree.js';
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Account, FileInfo, Host, Platform } from '../host/host.js';
import { targetPaths, type TargetPaths } from '../host/target-paths.js';
import { parsePlist } from '../parsers/plist.js';
import { managedSettingsFolder } from './claude-settings.js';
import { targetUsers } from './target-users.js';
import { readRegistryKey } from './windows-commands.js';

// Claude Code's effective settings per user (and per project the user has opened), Claude Desktop's device
// policies, and what is wrong with the managed (policy) sources. Merge rules: src/agent/settings-model.ts.
//
// Sources read (FACTS.md sections 1 and 2):
// - managed, first source wins: MDM (macOS /Library/Managed Preferences[/<user>]/com.anthropic.claudecode.plist;
//   Windows HKLM\SOFTWARE\Policies\ClaudeCode value Settings, JSON) > the managed folder's managed-settings.json
//   plus managed-settings.d/*.json (name order; hidden and non-.json files ignored) > HKCU\SOFTWARE\Policies\ClaudeCode
//   (user-writable: an issue when it is the policy in effect); managed-mcp.json beside them;
// - user: ~/.claude/settings.json ($CLAUDE_CONFIG_DIR/settings.json for the scanning user when set);
// - project and local: <project>/.claude/settings.json and settings.local.json, for every project named
//   by the keys of `projects` in the user's ~/.claude.json, and for a repository scan (--repo) its own.
// Issues: the deprecated C:\ProgramData\ClaudeCode\managed-settings.json, a ~/Library/Preferences plist that
// is not read as policy, managed files or folders writable by other than root, sources ignored by
// first-source-wins, and shapes Claude Code does not read (malformed rules, misplaced keys, hook shapes).

export interface AgentIssue {
  message: string;
  origin: SettingOrigin;
}

export interface AgentSettings {
  /** One view per audited user (user layer, managed on top), and one per project with .claude settings. */
  views: EffectiveSettings[];
  /** Audited users with signs of Claude Code: a ~/.claude folder (or $CLAUDE_CONFIG_DIR), a ~/.claude.json, or settings. */
  claudeUsers: string[];
  managed: {
    /** Managed stores holding a policy, the one in effect first. */
    sources: SettingOrigin[];
    /** An admin-controlled source (MDM, per-user MDM on macOS, or the managed file) is in effect; HKCU alone does not count. */
    present: boolean;
    /** The store in effect (machine-wide; a per-user plist on macOS may win for its user). */
    winner?: SettingOrigin;
    /** Managed files or folders that a non-admin can write, and HKCU acting as policy. */
    userWritable: AgentIssue[];
    /** The old Windows path C:\ProgramData\ClaudeCode\managed-settings.json (not read since v2.1.75). */
    deprecated: SettingOrigin[];
    /** The platform's managed settings folder, and the managed-settings.json in it (where a policy file belongs). */
    folder: string;
    file: string;
    /** managed-mcp.json: servers with their origins. */
    mcp?: { origin: SettingOrigin; servers: { name: string; value: unknown; origin: SettingOrigin }[]; error?: string };
    /** Policy evidence that could not be read (registry of an offline image, a command not recorded). */
    unavailable: string[];
  };
  issues: AgentIssue[];
  desktop: {
    policies: Record<string, { value: unknown; origin: SettingOrigin }>;
    /** Policy stores found (plists, registry keys). */
    sources: SettingOrigin[];
  };
  /** `repo`: only a repository's own .claude files were read (no users, no managed sources). */
  scope: 'endpoint' | 'repo';
  platform: Platform;
}

export const CLAUDE_CODE_DOMAIN = 'com.anthropic.claudecode';
export const CLAUDE_DESKTOP_DOMAIN = 'com.anthropic.claudefordesktop';
export const CLAUDE_CODE_POLICY_KEYS = { hklm: 'HKLM\\SOFTWARE\\Policies\\ClaudeCode', hkcu: 'HKCU\\SOFTWARE\\Policies\\ClaudeCode' } as const;
export const CLAUDE_DESKTOP_POLICY_KEYS = { hklm: 'HKLM\\SOFTWARE\\Policies\\Claude', hkcu: 'HKCU\\SOFTWARE\\Policies\\Claude' } as const;
export const DEPRECATED_WINDOWS_MANAGED = 'C:\\ProgramData\\ClaudeCode\\managed-settings.json';
const MANAGED_PREFERENCES = '/Library/Managed Preferences';
const MAX_PROJECTS = 200;

/** Managed settings file of the platform (managed-settings.json in the managed folder). */
export function managedSettingsPath(platform: Platform): string {
  return targetPaths(platform).join(managedSettingsFolder(platform), 'managed-settings.json');
}

interface ReadResult {
  layer?: SettingsLayer;
  info?: FileInfo;
}

async function readJsonLayer(host: Host, path: string, origin: SettingOrigin): Promise<ReadResult> {
  try {
    const bytes = await host.readFile(path);
    if (!bytes) return {};
    const info = await host.stat(path).catch(() => undefined);
    const parsed = parseSettingsText(bytes.toString('utf8'));
    return { layer: buildLayer(parsed.root, origin, parsed.error), ...(info ? { info } : {}) };
  } catch (error) {
    return { layer: buildLayer(undefined, origin, describeError(error)) };
  }
}

async function readPlistLayer(host: Host, path: string, origin: SettingOrigin): Promise<ReadResult> {
  try {
    const bytes = await host.readFile(path);
    if (!bytes) return {};
    const parsed = parsePlist(bytes);
    return { layer: buildLayer(parsed.root ? fromPlist(parsed.root) : undefined, origin, parsed.error) };
  } catch (error) {
    return { layer: buildLayer(undefined, origin, describeError(error)) };
  }
}

/** A registry policy key's `Settings` value (JSON text) as a layer; undefined when the key or value is absent. */
async function readRegistryLayer(host: Host, key: string, level: SettingsLevel, unavailable: string[]): Promise<SettingsLayer | undefined> {
  const read = await readRegistryKey(host, key);
  if (read.unavailable) {
    unavailable.push(read.unavailable);
    return undefined;
  }
  const settings = read.values?.Settings;
  if (settings === undefined) return undefined;
  const origin: SettingOrigin = { path: key, level, label: `${key} (Settings)` };
  if (typeof settings !== 'string') return buildLayer(undefined, origin, 'the Settings value is not a string (REG_SZ) holding JSON');
  const parsed = parseSettingsText(settings);
  // Lines inside a registry value are not lines of a file: keep the values, drop the positions.
  return buildLayer(parsed.root ? fromPlain(plainOf(parsed.root)) : undefined, origin, parsed.error);
}

/** Who but root (or an admin group on macOS) can change a managed file or folder. */
function writableReason(info: FileInfo | undefined, platform: Platform): string | undefined {
  if (!info || platform === 'win32') return undefined;
  if (info.uid !== 0) return `owned by uid ${info.uid}, not root`;
  if (info.mode & 0o002) return `writable by every user (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')})`;
  const adminGroups = platform === 'darwin' ? [0, 80] : [0];
  if (info.mode & 0o020 && !adminGroups.includes(info.gid)) return `writable by group ${info.gid} (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

export const agentSettings = defineCollector<AgentSettings>({
  id: 'agent-settings',
  description: "Claude Code's effective settings per user and project (managed, local, project, user layers with file and line), and Claude Desktop's device policies",
  async collect({ host, get }) {
    const paths = targetPaths(host.platform);
    if (host.kind === 'repo') return collectRepo(host, paths);

    const issues: AgentIssue[] = [];
    const unavailable: string[] = [];
    const userWritable: AgentIssue[] = [];
    const deprecated: SettingOrigin[] = [];
    const folder = managedSettingsFolder(host.platform);
    const canRun = host.kind === 'live' || host.kind === 'replay';

    // --- managed: the file source (managed-settings.json, then drop-ins in name order) ---
    const fileLayers: SettingsLayer[] = [];
    const mainPath = paths.join(folder, 'managed-settings.json');
    const main = await readJsonLayer(host, mainPath, { path: mainPath, level: 'managed', label: 'managed-settings.json' });
    const fileInfos: { origin: SettingOrigin; info?: FileInfo }[] = [];
    if (main.layer) {
      fileLayers.push(main.layer);
      fileInfos.push({ origin: main.layer.origin, ...(main.info ? { info: main.info } : {}) });
    }
    const dropInFolder = paths.join(folder, 'managed-settings.d');
    const dropIns = ((await host.listDir(dropInFolder).catch(() => undefined)) ?? []).filter((name) => !name.startsWith('.') && name.endsWith('.json')).sort();
    for (const name of dropIns) {
      const path = paths.join(dropInFolder, name);
      const read = await readJsonLayer(host, path, { path, level: 'managed', label: `managed-settings.d/${name}` });
      if (read.layer) {
        fileLayers.push(read.layer);
        fileInfos.push({ origin: read.layer.origin, ...(read.info ? { info: read.info } : {}) });
      }
    }
    // A later drop-in wins over an earlier one and over the main file: highest first for the merge.
    const fileSource: ManagedSource = { kind: 'file', origin: { path: mainPath, level: 'managed', label: 'managed settings file' }, layers: [...fileLayers].reverse() };
    if (host.platform !== 'win32' && (fileLayers.length > 0 || dropIns.length > 0)) {
      for (const target of [folder, dropInFolder]) {
        const info = await host.stat(target).catch(() => undefined);
        const reason = writableReason(info, host.platform);
        if (reason) userWritable.push({ message: `the managed settings folder ${target} is ${reason}: whoever can write it sets Claude Code's policy`, origin: { path: target, level: 'managed' } });
      }
      for (const { origin, info } of fileInfos) {
        const reason = writableReason(info, host.platform);
        if (reason) userWritable.push({ message: `${origin.path} is ${reason}: a user can rewrite the policy it enforces`, origin });
      }
    }

    // managed-mcp.json
    const mcpPath = paths.join(folder, 'managed-mcp.json');
    const mcp = await readManagedMcp(host, mcpPath);

    // --- Windows: registry policy and the deprecated path ---
    let hklm: SettingsLayer | undefined;
    let hkcu: SettingsLayer | undefined;
    if (host.platform === 'win32') {
      const old = await host.stat(DEPRECATED_WINDOWS_MANAGED).catch(() => undefined);
      if (old) {
        const origin: SettingOrigin = { path: DEPRECATED_WINDOWS_MANAGED, level: 'managed' };
        deprecated.push(origin);
        issues.push({
          message: `${DEPRECATED_WINDOWS_MANAGED} is no longer read by Claude Code (deprecated in v2.1.75)${fileLayers.length === 0 ? '; it is the only managed settings file here, so its policy is not applied' : ''}; move it to ${mainPath}`,
          origin,
        });
      }
      if (canRun) {
        hklm = await readRegistryLayer(host, CLAUDE_CODE_POLICY_KEYS.hklm, 'managed', unavailable);
        hkcu = await readRegistryLayer(host, CLAUDE_CODE_POLICY_KEYS.hkcu, 'managed', unavailable);
      } else unavailable.push('the registry of an offline Windows image is not read (HKLM\\SOFTWARE\\Policies\\ClaudeCode)');
    }

    // --- macOS: managed preferences (device and per user) ---
    let devicePlist: SettingsLayer | undefined;
    if (host.platform === 'darwin') {
      const path = `${MANAGED_PREFERENCES}/${CLAUDE_CODE_DOMAIN}.plist`;
      devicePlist = (await readPlistLayer(host, path, { path, level: 'managed', label: CLAUDE_CODE_DOMAIN })).layer;
    }

    const users = (await get(targetUsers)).audited;
    const env = await host.env();
    const current = await host.currentUser();
    const views: EffectiveSettings[] = [];
    const reported = new Set<string>();

    const machineSources: ManagedSource[] = [fileSource];
    if (hklm) machineSources.push({ kind: 'mdm', origin: hklm.origin, layers: [hklm] });
    if (hkcu) machineSources.push({ kind: 'hkcu', origin: hkcu.origin, layers: [hkcu] });
    if (devicePlist) machineSources.push({ kind: 'mdm', origin: devicePlist.origin, layers: [devicePlist] });

    const managedFor = async (user?: Account): Promise<ManagedSource | undefined> => {
      let sources = machineSources;
      if (host.platform === 'darwin' && user) {
        const path = `${MANAGED_PREFERENCES}/${user.name}/${CLAUDE_CODE_DOMAIN}.plist`;
        const own = (await readPlistLayer(host, path, { path, level: 'managed', user: user.name, label: `${CLAUDE_CODE_DOMAIN} (${user.name})` })).layer;
        // The per-user managed plist comes before the device one.
        if (own) sources = [...machineSources.filter((source) => source.origin !== devicePlist?.origin), { kind: 'mdm', origin: own.origin, layers: [own] }];
      }
      const { winner, ignored } = selectManagedSource(sources);
      for (const loser of ignored) {
        const key = `${winner?.origin.path}|${loser.origin.path}`;
        if (reported.has(key)) continue;
        reported.add(key);
        issues.push({ message: `${loser.origin.label ?? loser.origin.path} is ignored: ${winner?.origin.label ?? winner?.origin.path} holds a policy and the first managed source wins (sources are not merged)`, origin: loser.origin });
      }
      return winner;
    };

    const machineWinner = await managedFor(undefined);
    let adminPolicy = machineWinner !== undefined && machineWinner.kind !== 'hkcu';
    if (machineWinner?.kind === 'hkcu') {
      userWritable.push({
        message: `${CLAUDE_CODE_POLICY_KEYS.hkcu} is the only Claude Code policy here: it is user-writable, so the user (or anything running as the user) can change it`,
        origin: machineWinner.origin,
      });
    }

    const readUserLayer = async (user: Account): Promise<{ layer?: SettingsLayer; configDir: string }> => {
      const override = current?.name === user.name ? env.CLAUDE_CONFIG_DIR : undefined;
      const configDir = override && paths.isAbsolute(override) ? override : paths.join(user.home, '.claude');
      const path = paths.join(configDir, 'settings.json');
      const read = await readJsonLayer(host, path, { path, level: 'user', user: user.name });
      return { ...(read.layer ? { layer: read.layer } : {}), configDir };
    };

    const claudeUsers: string[] = [];
    const allLayers: SettingsLayer[] = [...fileLayers, ...(hklm ? [hklm] : []), ...(hkcu ? [hkcu] : []), ...(devicePlist ? [devicePlist] : [])];
    for (const user of users) {
      const winner = await managedFor(user);
      if (winner && winner.kind !== 'hkcu') adminPolicy = true;
      const managedLayers = winner?.layers ?? [];
      const { layer: userLayer, configDir } = await readUserLayer(user);
      if (userLayer) allLayers.push(userLayer);
      const signs = userLayer || (await host.stat(configDir).catch(() => undefined)) || (await host.stat(paths.join(user.home, '.claude.json')).catch(() => undefined));
      if (signs) claudeUsers.push(user.name);
      for (const layer of managedLayers) if (!allLayers.includes(layer)) allLayers.push(layer);
      views.push(mergeSettings([...managedLayers, ...(userLayer ? [userLayer] : [])], { user: user.name }));

      if (host.platform === 'darwin') {
        const path = paths.join(user.home, 'Library', 'Preferences', `${CLAUDE_CODE_DOMAIN}.plist`);
        if (await host.stat(path).catch(() => undefined)) {
          issues.push({ message: `${path} is in the user's own preferences: Claude Code reads policy only from ${MANAGED_PREFERENCES}, so these values are not enforced (and the user can change them)`, origin: { path, level: 'user', user: user.name } });
        }
      }

      for (const project of await projectsOf(host, paths, user, configDir)) {
        const layers: SettingsLayer[] = [];
        for (const [name, level] of [['settings.local.json', 'local'], ['settings.json', 'project']] as const) {
          const path = paths.join(project, '.claude', name);
          const read = await readJsonLayer(host, path, { path, level, user: user.name });
          if (read.layer) layers.push(read.layer);
        }
        if (layers.length === 0) continue;
        for (const layer of layers) if (!allLayers.some((known) => known.origin.path === layer.origin.path && known.origin.user === layer.origin.user)) allLayers.push(layer);
        views.push(mergeSettings([...managedLayers, ...layers, ...(userLayer ? [userLayer] : [])], { user: user.name, project }));
      }
    }
    if (users.length === 0 && machineWinner) views.push(mergeSettings(machineWinner.layers));

    collectLayerIssues(allLayers, views, issues);

    const machineSelection = selectManagedSource(machineSources);
    const managedSources = [...(machineSelection.winner ? [machineSelection.winner] : []), ...machineSelection.ignored].map((source) => source.origin);

    return {
      views,
      claudeUsers,
      managed: {
        sources: managedSources,
        present: adminPolicy,
        ...(machineWinner ? { winner: machineWinner.origin } : {}),
        userWritable,
        deprecated,
        folder,
        file: mainPath,
        ...(mcp ? { mcp } : {}),
        unavailable,
      },
      issues: uniqueIssues(issues),
      desktop: await desktopPolicies(host, users, canRun, unavailable),
      scope: 'endpoint',
      platform: host.platform,
    };
  },
});

async function collectRepo(host: Host, paths: TargetPaths): Promise<AgentSettings> {
  const root = paths.sep;
  const layers: SettingsLayer[] = [];
  for (const [name, level] of [['settings.local.json', 'local'], ['settings.json', 'project']] as const) {
    const path = paths.join(root, '.claude', name);
    const read = await readJsonLayer(host, path, { path, level });
    if (read.layer) layers.push(read.layer);
  }
  const views = layers.length ? [mergeSettings(layers, { project: root })] : [];
  const issues: AgentIssue[] = [];
  collectLayerIssues(layers, views, issues);
  return {
    views,
    claudeUsers: [],
    managed: { sources: [], present: false, userWritable: [], deprecated: [], folder: managedSettingsFolder(host.platform), file: managedSettingsPath(host.platform), unavailable: [] },
    issues,
    desktop: { policies: {}, sources: [] },
    scope: 'repo',
    platform: host.platform,
  };
}

function collectLayerIssues(layers: readonly SettingsLayer[], views: readonly EffectiveSettings[], issues: AgentIssue[]): void {
  for (const layer of layers) {
    if (layer.error) issues.push({ message: `${layer.origin.label ?? layer.origin.path}: ${layer.error}; Claude Code ignores a settings file it cannot parse`, origin: withLine(layer.origin, layer.error) });
    for (const problem of layer.problems) issues.push({ message: problem.message, origin: problem.line !== undefined ? { ...layer.origin, line: problem.line } : layer.origin });
  }
  const seen = new Set<string>();
  for (const view of views) {
    for (const item of view.ignored ?? []) {
      const key = `${item.origin.path}:${item.origin.line}:${item.key}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ message: `${item.key} is not applied: ${item.reason}`, origin: item.origin });
    }
  }
}

function uniqueIssues(issues: readonly AgentIssue[]): AgentIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.origin.path}:${issue.origin.line ?? ''}:${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function withLine(origin: SettingOrigin, error: string): SettingOrigin {
  const line = /line (\d+)/.exec(error)?.[1];
  return line ? { ...origin, line: Number(line) } : origin;
}

/** Project folders named by the keys of `projects` in the user's ~/.claude.json (or $CLAUDE_CONFIG_DIR/.claude.json). */
async function projectsOf(host: Host, paths: TargetPaths, user: Account, configDir: string): Promise<string[]> {
  const candidates = [paths.join(user.home, '.claude.json')];
  if (configDir !== paths.join(user.home, '.claude')) candidates.unshift(paths.join(configDir, '.claude.json'));
  for (const path of candidates) {
    const bytes = await host.readFile(path).catch(() => undefined);
    if (!bytes) continue;
    const parsed = parseSettingsText(bytes.toString('utf8'));
    const projects = childOf(parsed.root, 'projects')?.node;
    if (projects?.kind !== 'object') return [];
    const out: string[] = [];
    for (const entry of projects.entries.slice(0, MAX_PROJECTS)) {
      const folder = host.platform === 'win32' ? entry.key.replace(/\//g, '\\') : entry.key;
      if (!paths.isAbsolute(folder)) continue;
      const normalized = paths.normalize(folder);
      if (!out.includes(normalized)) out.push(normalized);
    }
    return out;
  }
  return [];
}

async function readManagedMcp(host: Host, path: string): Promise<AgentSettings['managed']['mcp']> {
  const origin: SettingOrigin = { path, level: 'managed', label: 'managed-mcp.json' };
  try {
    const bytes = await host.readFile(path);
    if (!bytes) return undefined;
    const parsed = parseSettingsText(bytes.toString('utf8'));
    const servers = childOf(parsed.root, 'mcpServers')?.node;
    const list =
      servers?.kind === 'object'
        ? servers.entries.map((entry) => ({ name: entry.key, value: plainOf(entry.node), origin: entry.line !== undefined ? { ...origin, line: entry.line } : origin }))
        : [];
    const error = parsed.error ?? (parsed.root && servers === undefined ? 'no "mcpServers" object' : undefined);
    return { origin, servers: list, ...(error ? { error } : {}) };
  } catch (error) {
    return { origin, servers: [], error: describeError(error) };
  }
}

/** A Desktop policy value: strings hold booleans and JSON lists or objects (all values are strings). */
export function decodeDesktopPolicy(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

async function desktopPolicies(host: Host, users: readonly Account[], canRun: boolean, unavailable: string[]): Promise<AgentSettings['desktop']> {
  const policies: AgentSettings['desktop']['policies'] = {};
  const sources: SettingOrigin[] = [];
  // Highest first; a key keeps the first value found.
  const take = (node: SettingsNode | undefined, origin: SettingOrigin) => {
    if (node?.kind !== 'object') return;
    sources.push(origin);
    for (const entry of node.entries) {
      if (entry.key in policies) continue;
      policies[entry.key] = { value: decodeDesktopPolicy(plainOf(entry.node)), origin: entry.line !== undefined ? { ...origin, line: entry.line } : origin };
    }
  };
  if (host.platform === 'darwin') {
    const candidates = [
      ...users.map((user) => ({ path: `${MANAGED_PREFERENCES}/${user.name}/${CLAUDE_DESKTOP_DOMAIN}.plist`, user: user.name })),
      { path: `${MANAGED_PREFERENCES}/${CLAUDE_DESKTOP_DOMAIN}.plist`, user: undefined },
    ];
    for (const candidate of candidates) {
      const bytes = await host.readFile(candidate.path).catch(() => undefined);
      if (!bytes) continue;
      const parsed = parsePlist(bytes);
      const origin: SettingOrigin = { path: candidate.path, level: 'managed', label: CLAUDE_DESKTOP_DOMAIN, ...(candidate.user ? { user: candidate.user } : {}) };
      if (parsed.error) unavailable.push(`${candidate.path}: ${parsed.error}`);
      take(parsed.root ? fromPlist(parsed.root) : undefined, origin);
    }
  }
  if (host.platform === 'win32' && canRun) {
    for (const [key, level] of [[CLAUDE_DESKTOP_POLICY_KEYS.hklm, 'managed'], [CLAUDE_DESKTOP_POLICY_KEYS.hkcu, 'user']] as const) {
      const read = await readRegistryKey(host, key);
      if (read.unavailable) unavailable.push(read.unavailable);
      if (read.values) take(fromPlain(read.values), { path: key, level, label: key });
    }
  }
  return { policies, sources };
}
