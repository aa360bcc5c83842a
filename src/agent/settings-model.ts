// Claude Code's effective settings: what a session of one user (in one project) runs with, after the
// managed, local, project and user layers are merged, with the file and line of every value.
//
// Merge rules (FACTS.md section 1, Claude Code documentation "settings" and "managed-settings"):
// - precedence, highest first: managed > local (.claude/settings.local.json) > project (.claude/settings.json)
//   > user (~/.claude/settings.json); a scalar takes the value of the highest layer that sets it;
// - arrays (permissions.allow/ask/deny, additionalDirectories, sandbox lists, allowedMcpServers, ...) merge
//   across every layer, so a deny rule of any layer applies;
// - inside the managed level only one source counts ("first source wins", not merged): MDM (the
//   com.anthropic.claudecode plist, or HKLM\SOFTWARE\Policies\ClaudeCode) > the managed-settings.json file with
//   its managed-settings.d drop-ins (merged in name order, a later drop-in over an earlier one) >
//   HKCU\SOFTWARE\Policies\ClaudeCode (user-writable, used only when no admin source exists);
// - managed-only switches (allowManagedPermissionRulesOnly, allowManagedHooksOnly, allowManagedMcpServersOnly,
//   sandbox.network.allowManagedDomainsOnly, sandbox.filesystem.allowManagedReadPathsOnly) count only from the
//   managed level, and when on, drop the lists they govern from the other levels (listed in `ignored`);
// - `permissions.defaultMode: "auto"` is ignored in project and local files (v2.1.142+).

export type SettingsLevel = 'managed' | 'local' | 'project' | 'user';

export interface SettingOrigin {
  path: string;
  line?: number;
  level: SettingsLevel;
  user?: string;
  /** e.g. 'HKLM\\SOFTWARE\\Policies\\ClaudeCode' or a plist domain */
  label?: string;
}

export interface SettingValue {
  value: unknown;
  origin: SettingOrigin;
}

export interface EnvSetting {
  name: string;
  value: string;
  origin: SettingOrigin;
}

export interface HookSetting {
  event: string;
  matcher?: string;
  type: string;
  command?: string;
  url?: string;
  origin: SettingOrigin;
}

export interface EffectiveSettings {
  /** Whose view (absent: the machine-wide managed view alone). */
  user?: string;
  /** The project folder whose .claude/ layers are merged in. */
  project?: string;
  /** Dotted leaf key paths: 'permissions.defaultMode', 'sandbox.enabled', 'cleanupPeriodDays', ... */
  scalars: Record<string, SettingValue>;
  /** Merged arrays, entries of every layer (highest layer first, file order inside a layer; duplicates kept so
   * that each file can be named): 'permissions.allow', 'permissions.deny', 'sandbox.filesystem.denyRead', ... */
  arrays: Record<string, SettingValue[]>;
  /** One entry per variable, the value of the highest layer that sets it, highest layer first. */
  env: EnvSetting[];
  /** Hook handlers of every layer (all of them run), highest layer first; only managed ones under allowManagedHooksOnly. */
  hooks: HookSetting[];
  /** Files and sources that exist and take part, highest first. */
  layers: { origin: SettingOrigin; error?: string }[];
  /** Values present in a layer that do not take effect, and why. */
  ignored?: { key: string; origin: SettingOrigin; reason: string }[];
}

/** One parsed settings source, the unit the merge works on. Entries carry their full origin (with line). */
export interface SettingsLayer {
  origin: SettingOrigin;
  scalars: Record<string, SettingValue>;
  arrays: Record<string, SettingValue[]>;
  env: EnvSetting[];
  hooks: HookSetting[];
  /** The file could not be parsed (wholly or in part); what could be read still counts. */
  error?: string;
  /** Shapes that are not what Claude Code reads (a rule that is not a string, hooks not in event form, ...). */
  problems: { message: string; line?: number }[];
}

export const LEVEL_RANK: Record<SettingsLevel, number> = { managed: 0, local: 1, project: 2, user: 3 };

/** Managed-only switches and the lists they restrict to the managed level. */
export const MANAGED_ONLY: readonly { key: string; governs: readonly string[] }[] = [
  { key: 'allowManagedPermissionRulesOnly', governs: ['permissions.allow', 'permissions.ask', 'permissions.deny'] },
  { key: 'allowManagedMcpServersOnly', governs: ['allowedMcpServers'] },
  { key: 'allowManagedHooksOnly', governs: [] },
  { key: 'sandbox.network.allowManagedDomainsOnly', governs: ['sandbox.network.allowedDomains'] },
  { key: 'sandbox.filesystem.allowManagedReadPathsOnly', governs: ['sandbox.filesystem.allowRead'] },
];

const MANAGED_ONLY_KEYS = new Set(MANAGED_ONLY.map((entry) => entry.key));

/**
 * Merges layers given highest first (managed sources already reduced to the one that wins, in their own
 * precedence order; see selectManagedSource). Pure.
 */
export function mergeSettings(layers: readonly SettingsLayer[], view: { user?: string; project?: string } = {}): EffectiveSettings {
  const ordered = [...layers].sort((a, b) => LEVEL_RANK[a.origin.level] - LEVEL_RANK[b.origin.level]);
  const scalars: Record<string, SettingValue> = {};
  const arrays: Record<string, SettingValue[]> = {};
  const ignored: NonNullable<EffectiveSettings['ignored']> = [];

  for (const layer of ordered) {
    for (const [key, entry] of Object.entries(layer.scalars)) {
      if (MANAGED_ONLY_KEYS.has(key) && layer.origin.level !== 'managed') {
        ignored.push({ key, origin: entry.origin, reason: `${key} is read from managed settings only` });
        continue;
      }
      if (key === 'permissions.defaultMode' && entry.value === 'auto' && (layer.origin.level === 'project' || layer.origin.level === 'local')) {
        ignored.push({ key, origin: entry.origin, reason: 'defaultMode "auto" is ignored in project and local settings' });
        continue;
      }
      if (!(key in scalars)) scalars[key] = entry;
    }
  }

  const managedOnly = (key: string) => scalars[key]?.value === true && scalars[key]?.origin.level === 'managed';
  const restricted = new Map<string, string>();
  for (const switchKey of MANAGED_ONLY) if (managedOnly(switchKey.key)) for (const list of switchKey.governs) restricted.set(list, switchKey.key);

  for (const layer of ordered) {
    for (const [key, entries] of Object.entries(layer.arrays)) {
      const by = restricted.get(key);
      if (by && layer.origin.level !== 'managed') {
        for (const entry of entries) ignored.push({ key, origin: entry.origin, reason: `managed settings set ${by}` });
        continue;
      }
      (arrays[key] ??= []).push(...entries);
    }
  }

  const env: EnvSetting[] = [];
  const seenEnv = new Set<string>();
  for (const layer of ordered) {
    for (const entry of layer.env) {
      if (seenEnv.has(entry.name)) continue;
      seenEnv.add(entry.name);
      env.push(entry);
    }
  }

  const hooksManagedOnly = managedOnly('allowManagedHooksOnly');
  const hooks: HookSetting[] = [];
  for (const layer of ordered) {
    for (const hook of layer.hooks) {
      if (hooksManagedOnly && layer.origin.level !== 'managed') {
        ignored.push({ key: `hooks.${hook.event}`, origin: hook.origin, reason: 'managed settings set allowManagedHooksOnly' });
        continue;
      }
      hooks.push(hook);
    }
  }

  return {
    ...(view.user !== undefined ? { user: view.user } : {}),
    ...(view.project !== undefined ? { project: view.project } : {}),
    scalars,
    arrays,
    env,
    hooks,
    layers: ordered.map((layer) => ({ origin: layer.origin, ...(layer.error ? { error: layer.error } : {}) })),
    ...(ignored.length ? { ignored } : {}),
  };
}

/** A managed source candidate: one policy store, its layers already in precedence order (highest first). */
export interface ManagedSource {
  kind: 'mdm' | 'file' | 'hkcu';
  /** The store as a whole, for the report: the plist, the registry key, the managed folder. */
  origin: SettingOrigin;
  layers: SettingsLayer[];
}

const SOURCE_RANK: Record<ManagedSource['kind'], number> = { mdm: 0, file: 1, hkcu: 2 };

/**
 * First source wins: of the managed stores that hold a policy, the highest (MDM > file > HKCU) is used
 * alone; the others are ignored. Returns the winner (undefined when none holds a policy) and the losers.
 */
export function selectManagedSource(sources: readonly ManagedSource[]): { winner?: ManagedSource; ignored: ManagedSource[] } {
  const present = sources.filter((source) => source.layers.length > 0).sort((a, b) => SOURCE_RANK[a.kind] - SOURCE_RANK[b.kind]);
  const [winner, ...ignored] = present;
  return winner ? { winner, ignored } : { ignored: [] };
}

/** The scalar value at a dotted key, or undefined. */
export function scalarOf(settings: EffectiveSettings, key: string): unknown {
  return settings.scalars[key]?.value;
}

/** The string entries of a merged array, with their origins. */
export function stringEntries(settings: EffectiveSettings, key: string): { value: string; origin: SettingOrigin }[] {
  return (settings.arrays[key] ?? []).flatMap((entry) => (typeof entry.value === 'string' ? [{ value: entry.value, origin: entry.origin }] : []));
}

/** `path:line`, for messages. */
export function describeOrigin(origin: SettingOrigin): string {
  const where = origin.label && origin.label !== origin.path ? `${origin.label} (${origin.path})` : origin.path;
  return origin.line !== undefined ? `${where}:${origin.line}` : where;
}
