import type { RemediationAction } from '../engine/remediation.js';
import type { Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import type { EffectiveSettings, SettingOrigin } from './settings-model.js';

// Small helpers the agent checks share: where a value came from, and how to change it there.

/** A settings file (JSON) as opposed to a registry key or a property list, which need other tools to edit. */
export function isJsonFileOrigin(origin: SettingOrigin): boolean {
  return !/^HK(LM|CU)\\/i.test(origin.path) && !origin.path.endsWith('.plist');
}

/** The folder `/path` rules of a settings file are relative to: the project for project and local files, the
 * folder of the file otherwise (~/.claude, the managed folder). */
export function settingsRootOf(origin: SettingOrigin, platform: Platform): string | undefined {
  if (!isJsonFileOrigin(origin)) return undefined;
  const paths = targetPaths(platform);
  const folder = paths.dirname(origin.path);
  if (origin.level === 'project' || origin.level === 'local') return paths.dirname(folder);
  return folder;
}

/** The values a single file contributes to a merged array, in file order. */
export function fileArray(view: EffectiveSettings, key: string, origin: SettingOrigin): unknown[] {
  return (view.arrays[key] ?? []).filter((entry) => entry.origin.path === origin.path && entry.origin.level === origin.level).map((entry) => entry.value);
}

/** Sets a key where the value came from: set-json-key for a file, registry-set / manual otherwise. */
export function setAt(origin: SettingOrigin, keyPath: string[], value: unknown, what: string): RemediationAction {
  if (isJsonFileOrigin(origin)) return { kind: 'set-json-key', path: origin.path, keyPath, value };
  return { kind: 'manual', text: `In ${origin.label ?? origin.path}, set ${keyPath.join('.')} to ${JSON.stringify(value)} (${what}).` };
}

/** `path:line` for messages. */
export function where(origin: SettingOrigin): string {
  const name = isJsonFileOrigin(origin) ? origin.path : (origin.label ?? origin.path);
  return origin.line !== undefined ? `${name}:${origin.line}` : name;
}

/** The finding location of an origin (registry keys and plists keep their path; lines only for files). */
export function locationOf(origin: SettingOrigin): { path: string; line?: number } {
  return origin.line !== undefined ? { path: origin.path, line: origin.line } : { path: origin.path };
}

/** The level as people say it. */
export function levelName(origin: SettingOrigin): string {
  switch (origin.level) {
    case 'managed':
      return 'managed settings';
    case 'local':
      return 'local project settings';
    case 'project':
      return 'project settings';
    default:
      return `${origin.user ? `${origin.user}'s ` : ''}user settings`;
  }
}

/** Keeps the first finding per key (the same file line is seen from several views). */
export function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Whom a value concerns: a managed value binds everybody (`system`), others their user. */
export function subjectOf(origin: SettingOrigin, viewUser?: string): { subject?: string } {
  if (origin.level === 'managed') return { subject: 'system' };
  const user = origin.user ?? viewUser;
  return user ? { subject: user } : {};
}
