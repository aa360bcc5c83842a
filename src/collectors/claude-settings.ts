import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { parseClaudeSettingsEnv } from '../parsers/claude-settings.js';
import type { EnvAssignment } from '../parsers/shell-env.js';
import { targetUsers } from './target-users.js';

// Claude Code's settings files that apply to every session on the machine: the managed file and its
// managed-settings.d drop-ins (merged alphabetically after it), and each audited user's
// ~/.claude/settings.json. Managed values win over the user's (FACTS: managed > ... > user).

export interface ClaudeSettingsFile {
  path: string;
  level: 'managed' | 'user';
  /** The user whose settings these are (user level). */
  user?: string;
  env: EnvAssignment[];
  error?: string;
}

export interface ClaudeSettings {
  /** Files that exist, managed first (main file, then drop-ins in name order), then users. */
  files: ClaudeSettingsFile[];
}

export function managedSettingsFolder(platform: Platform): string {
  if (platform === 'darwin') return '/Library/Application Support/ClaudeCode';
  if (platform === 'win32') return 'C:\\Program Files\\ClaudeCode';
  return '/etc/claude-code';
}

async function readSettings(host: Host, path: string, level: ClaudeSettingsFile['level'], user?: string): Promise<ClaudeSettingsFile | undefined> {
  const base = { path, level, ...(user ? { user } : {}) };
  try {
    const bytes = await host.readFile(path);
    if (!bytes) return undefined;
    const parsed = parseClaudeSettingsEnv(bytes.toString('utf8'));
    return { ...base, env: parsed.env, ...(parsed.error ? { error: parsed.error } : {}) };
  } catch (error) {
    return { ...base, env: [], error: describeError(error) };
  }
}

export const claudeSettings = defineCollector<ClaudeSettings>({
  id: 'claude-settings',
  description: "Claude Code's managed settings (with managed-settings.d) and each audited user's ~/.claude/settings.json",
  async collect({ host, get }) {
    const paths = targetPaths(host.platform);
    const folder = managedSettingsFolder(host.platform);
    const candidates: { path: string; level: ClaudeSettingsFile['level']; user?: string }[] = [{ path: paths.join(folder, 'managed-settings.json'), level: 'managed' }];
    const dropIns = (await host.listDir(paths.join(folder, 'managed-settings.d')).catch(() => undefined)) ?? [];
    for (const name of [...dropIns].sort()) {
      if (name.startsWith('.') || !name.endsWith('.json')) continue;
      candidates.push({ path: paths.join(folder, 'managed-settings.d', name), level: 'managed' });
    }
    for (const user of (await get(targetUsers)).audited) {
      candidates.push({ path: paths.join(user.home, '.claude', 'settings.json'), level: 'user', user: user.name });
    }
    const files: ClaudeSettingsFile[] = [];
    for (const candidate of candidates) {
      const file = await readSettings(host, candidate.path, candidate.level, candidate.user);
      if (file) files.push(file);
    }
    return { files };
  },
});
