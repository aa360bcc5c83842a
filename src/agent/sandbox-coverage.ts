import type { Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { settingsRootOf } from './origins.js';
import { pathRuleMatches, toRulePath } from './path-rules.js';
import type { EffectiveSettings, SettingOrigin } from './settings-model.js';

// Whether Claude Code's sandbox filesystem settings (sandbox.filesystem.denyRead, re-opened by allowRead)
// cover a path. The sandbox's path syntax is not the one of Read/Edit permission rules: in sandbox.filesystem
// a leading `/` is an absolute path (`/tmp/build`), `//` is the older absolute form and still accepted, `~/`
// is the home folder, and a path without either is relative to the settings file's folder (the project for
// project settings, ~/.claude for user settings). In permission rules `/x` is relative to the settings file
// and `//x` absolute (see path-rules.ts). Entries are gitignore-like patterns; a folder covers its contents.

export interface SandboxCover {
  entry: string;
  origin: SettingOrigin;
}

/** A sandbox filesystem entry in the permission-rule syntax path-rules.ts matches. */
export function sandboxPatternAsRule(entry: string): string {
  const text = entry.trim().replace(/^~\\/, '~/');
  if (text.startsWith('/') && !text.startsWith('//')) return `/${text}`;
  const drive = /^([A-Za-z]):[\\/]/.exec(text);
  if (drive) return `//${(drive[1] as string).toLowerCase()}/${text.slice(3).replace(/\\/g, '/')}`;
  if (text === '~' || text.startsWith('~/') || text.startsWith('//')) return text;
  // Relative: to the settings file's root folder, which is what `/x` means in the rule syntax.
  return `/${text.replace(/^(\.\/)+/, '')}`;
}

/**
 * How the sandbox treats reads of a path for this view: `denied` by a denyRead entry, `reopened` by an
 * allowRead entry (which wins over denyRead), or undefined when nothing names it (reads are allowed).
 */
export function sandboxReadCover(
  view: EffectiveSettings,
  target: { path: string; isDirectory: boolean },
  home: string,
  platform: Platform,
): { denied: SandboxCover } | { reopened: SandboxCover } | undefined {
  const windows = platform === 'win32';
  // A folder's secrets are the files inside it: test a file below it.
  const probe = target.isDirectory ? targetPaths(platform).join(target.path, '.probe') : target.path;
  const covers = (entry: string, origin: SettingOrigin) => {
    const root = settingsRootOf(origin, platform);
    return pathRuleMatches(sandboxPatternAsRule(entry), probe, { home, windows, ...(root !== undefined ? { settingsRoot: root } : {}), ...(view.project !== undefined ? { cwd: view.project } : {}) }, { isDirectory: false });
  };
  const first = (key: string) => {
    for (const entry of view.arrays[key] ?? []) if (typeof entry.value === 'string' && covers(entry.value, entry.origin)) return { entry: entry.value, origin: entry.origin };
    return undefined;
  };
  const denied = first('sandbox.filesystem.denyRead');
  if (!denied) return undefined;
  const reopened = first('sandbox.filesystem.allowRead');
  return reopened ? { reopened } : { denied };
}

/** The denyRead entry to add for a credential path: `~/…` under the home folder, absolute (`//…`) otherwise. */
export function denyReadEntryFor(path: string, home: string, platform: Platform): string {
  const windows = platform === 'win32';
  const target = toRulePath(path, windows);
  const base = toRulePath(home, windows);
  const fold = (text: string) => (windows ? text.toLowerCase() : text);
  if (fold(target).startsWith(`${fold(base)}/`)) return `~/${target.slice(base.length + 1)}`;
  return `/${target}`;
}
