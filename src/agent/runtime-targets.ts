import type { AgentSettings } from '../collectors/agent-settings.js';
import type { AgentInstall } from '../collectors/agent-installs.js';
import type { TargetUsers } from '../collectors/target-users.js';
import type { RemediationAction } from '../engine/remediation.js';
import { targetPaths } from '../host/target-paths.js';
import { isJsonFileOrigin, setAt } from './origins.js';
import type { EffectiveSettings, SettingOrigin } from './settings-model.js';

// Which settings views the runtime checks (hooks, transcript retention, sandbox, telemetry) judge, and
// where a fix goes: the managed settings in effect when an admin source exists (the managed file, or the
// MDM profile, which needs a manual change), otherwise the user's ~/.claude/settings.json. Pure.

/**
 * Views of users who run Claude Code (and their projects); on a repository scan, the repository's view.
 * With no such user but Claude Code installed (an image prepared for users to come), the machine-wide
 * view of the managed settings. Where Claude Code is neither used nor installed there is nothing to judge:
 * a managed file alone (another check may have written one) does not make the runtime settings matter.
 */
export function judgedViews(settings: AgentSettings, claudeCodeInstalled = false): EffectiveSettings[] {
  if (settings.scope === 'repo') return settings.views;
  const users = new Set(settings.claudeUsers);
  const views = settings.views.filter((view) => view.user === undefined || users.has(view.user));
  if (views.length > 0 || !claudeCodeInstalled) return views;
  const managed = settings.views.find((view) => view.layers.some((layer) => layer.origin.level === 'managed')) ?? settings.views[0];
  if (!managed) return [];
  // The machine's view: managed layers only (the first user's own file is theirs, not the machine's).
  const { user: _user, ...rest } = managed;
  return [{ ...rest, layers: managed.layers.filter((layer) => layer.origin.level === 'managed') }];
}

/** Whether Claude Code is installed on the target (system-wide or in a home). */
export function claudeCodeInstalled(installs: readonly AgentInstall[]): boolean {
  return installs.some((install) => install.kind === 'claude-code');
}

/**
 * The managed source a fix belongs in: the managed-settings.json file (or, when only drop-ins exist, the
 * drop-in that wins), or the MDM profile / HKLM value in effect. Undefined when no admin source exists
 * (HKCU alone is user-writable and does not count).
 */
export function managedTarget(settings: AgentSettings): SettingOrigin | undefined {
  if (settings.scope === 'repo' || !settings.managed.present) return undefined;
  const managedLayers = settings.views.flatMap((view) => view.layers).filter((layer) => layer.origin.level === 'managed').map((layer) => layer.origin);
  const winner = settings.managed.winner;
  if (winner && !isJsonFileOrigin(winner)) return { ...winner, line: undefined };
  const files = managedLayers.filter((origin) => isJsonFileOrigin(origin));
  const main = files.find((origin) => origin.path === settings.managed.file);
  // Layers are listed highest first: the first drop-in is the one that wins.
  const chosen = main ?? files[0];
  if (chosen) return { path: chosen.path, level: 'managed', ...(chosen.label ? { label: chosen.label } : {}) };
  // A per-user MDM plist (macOS) may be the only source.
  const mdm = managedLayers.find((origin) => !isJsonFileOrigin(origin));
  return mdm ? { ...mdm, line: undefined } : undefined;
}

/** The user's own settings file for a view: the layer that exists, or where ~/.claude/settings.json would be. */
export function userSettingsTarget(settings: AgentSettings, users: TargetUsers, view: EffectiveSettings): { origin: SettingOrigin; exists: boolean } | undefined {
  const layer = view.layers.find((candidate) => candidate.origin.level === 'user');
  if (layer) return { origin: { ...layer.origin, line: undefined }, exists: true };
  if (settings.scope === 'repo') {
    const project = view.layers.find((candidate) => candidate.origin.level === 'project') ?? view.layers[0];
    if (project) return { origin: { ...project.origin, line: undefined }, exists: true };
    const paths = targetPaths(settings.platform);
    return { origin: { path: paths.join(paths.sep, '.claude', 'settings.json'), level: 'project' }, exists: false };
  }
  const account = users.accounts.find((candidate) => candidate.name === view.user);
  if (!account) return undefined;
  const paths = targetPaths(settings.platform);
  return { origin: { path: paths.join(account.home, '.claude', 'settings.json'), level: 'user', user: account.name }, exists: false };
}

/** Where to set a key for a view: managed settings when an admin source exists, else the user's (or the repository's) file. */
export function fixTarget(settings: AgentSettings, users: TargetUsers, view: EffectiveSettings): { origin: SettingOrigin; exists: boolean } | undefined {
  const managed = managedTarget(settings);
  if (managed) return { origin: managed, exists: true };
  return userSettingsTarget(settings, users, view);
}

/** set-json-key (or a manual step for a profile or registry value), plus a note when the file has to be created first. */
export function setKeyActions(target: { origin: SettingOrigin; exists: boolean }, keyPath: string[], value: unknown, what: string): RemediationAction[] {
  const actions: RemediationAction[] = [setAt(target.origin, keyPath, value, what)];
  if (!target.exists) {
    actions.push({ kind: 'manual', text: `${target.origin.path} does not exist yet: create it as its owner with {} in it, then set ${keyPath.join('.')} to ${JSON.stringify(value)} (${what}).` });
  }
  return actions;
}

/** Whom a finding about a fix target concerns. */
export function subjectOfTarget(origin: SettingOrigin, user: string | undefined): { subject?: string } {
  if (origin.level === 'managed') return { subject: 'system' };
  const who = origin.user ?? user;
  return who ? { subject: who } : {};
}
