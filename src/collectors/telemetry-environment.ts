import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import type { EnvAssignment } from '../parsers/shell-env.js';
import { flavourOf, parseProfileEnv } from '../telemetry/profile-env.js';
import { isTelemetryVariable } from '../telemetry/variables.js';
import { REGISTRY } from './windows-commands.js';
import { SYSTEM_FILES_UNIX, SYSTEM_FILES_WINDOWS, USER_FILES_UNIX, USER_FILES_WINDOWS } from './shell-profiles.js';
import { networkEnvironment } from './network-environment.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { targetUsers } from './target-users.js';

// The telemetry opt-out variables each audited user's sessions get, by source, in the order they take
// effect: system-wide sources first (/etc/environment, profile.d, systemd's environment.d and the
// system shell start-up files; the machine Environment key on Windows), then the user's own start-up
// files (and HKCU\Environment, which is only the hive of the account that ran the scan). What one
// user's ~/.zshrc exports holds for that user only. systemd's DefaultEnvironment reaches services, and
// Claude Code's settings env only the agent: both are kept apart, as `services` and `agent`. The scan's
// own environment is left out: it says nothing about another user's sessions.

export type TelemetryEnvScope = 'system' | 'user' | 'services' | 'agent';

export interface TelemetryEnvSource {
  scope: TelemetryEnvScope;
  /** The user the source applies to (scope user, and agent settings of one user). */
  user?: string;
  label: string;
  path?: string;
  registryKey?: string;
  /** Only variables of src/telemetry/variables.ts, in file order. */
  assignments: EnvAssignment[];
  error?: string;
}

export interface TelemetryEnvironment {
  /** In the order they take effect: system first, then each user's. */
  sources: TelemetryEnvSource[];
  /** Audited users, by name. */
  users: string[];
  unavailable: string[];
}

// The start-up files shell-profiles.ts scans for secrets, less those that cannot set a session's
// environment: ~/.bash_logout runs at logout, and /etc/environment is read on Linux only (through
// network-environment, with profile.d).
const USER_FILES: Record<'unix' | 'windows', readonly string[]> = {
  unix: USER_FILES_UNIX.filter((rel) => rel !== '.bash_logout'),
  windows: USER_FILES_WINDOWS,
};
const SYSTEM_FILES_POSIX = SYSTEM_FILES_UNIX.filter((path) => path !== '/etc/environment');

async function readProfile(host: Host, path: string, scope: TelemetryEnvScope, user?: string): Promise<TelemetryEnvSource | undefined> {
  const base = { scope, label: path, path, ...(user ? { user } : {}) };
  try {
    const bytes = await host.readFile(path);
    if (!bytes) return undefined;
    const parsed = parseProfileEnv(bytes.toString('utf8'), flavourOf(path));
    return { ...base, assignments: parsed.assignments.filter((item) => isTelemetryVariable(item.name)), ...(parsed.error ? { error: parsed.error } : {}) };
  } catch (error) {
    return { ...base, assignments: [], error: describeError(error) };
  }
}

async function envDropIns(host: Host, folder: string): Promise<string[]> {
  const names = (await host.listDir(folder).catch(() => undefined)) ?? [];
  return names.filter((name) => name.endsWith('.conf')).sort().map((name) => `${folder}/${name}`);
}

export const telemetryEnvironment = defineCollector<TelemetryEnvironment>({
  id: 'telemetry-environment',
  description: 'telemetry opt-out variables per audited user: system-wide environment, shell and PowerShell start-up files, environment.d, systemd and Claude Code settings',
  async collect({ host, get }) {
    const users = await get(targetUsers);
    const network = await get(networkEnvironment);
    const current = await host.currentUser();
    const paths = targetPaths(host.platform);
    const sources: TelemetryEnvSource[] = [];
    const unavailable = [...network.unavailable];
    const pushAll = (found: (TelemetryEnvSource | undefined)[]) => {
      for (const source of found) if (source) sources.push(source);
    };

    // System-wide, as the network collector read them (/etc/environment, profile.d, the registry).
    for (const source of network.sources) {
      if (source.scope === 'process') continue;
      const common = { label: source.label, ...(source.path ? { path: source.path } : {}), ...(source.registryKey ? { registryKey: source.registryKey } : {}), assignments: source.telemetry, ...(source.error ? { error: source.error } : {}) };
      if (source.kind === 'registry' && source.registryKey === REGISTRY.userEnvironment) {
        // HKCU is the hive of whoever ran the scan: it counts for that account only.
        if (current && users.audited.some((user) => user.name === current.name)) sources.push({ ...common, scope: 'user', user: current.name });
        continue;
      }
      if (source.scope === 'session') sources.push({ ...common, scope: 'system' });
      else if (source.scope === 'services') sources.push({ ...common, scope: 'services' });
    }

    if (host.platform === 'win32') {
      pushAll(await Promise.all(SYSTEM_FILES_WINDOWS.map((path) => readProfile(host, path, 'system'))));
    } else {
      const system = [...SYSTEM_FILES_POSIX];
      if (host.platform === 'linux') system.push(...(await envDropIns(host, '/etc/environment.d')));
      pushAll(await Promise.all(system.map((path) => readProfile(host, path, 'system'))));
    }

    // Claude Code's settings env reaches the agent's sessions and the commands it runs.
    for (const source of network.sources) {
      if (source.scope !== 'agent') continue;
      sources.push({ scope: 'agent', label: source.label, ...(source.path ? { path: source.path } : {}), ...(source.user ? { user: source.user } : {}), assignments: source.telemetry, ...(source.error ? { error: source.error } : {}) });
    }

    // Homes are read 16 at a time (an image may have a thousand), and reported in the order of the users.
    const perUser = await mapConcurrent(users.audited, 16, async (user) => {
      const files = host.platform === 'win32' ? USER_FILES.windows : USER_FILES.unix;
      const list = files.map((rel) => paths.join(user.home, ...rel.split('/')));
      if (host.platform === 'linux') list.push(...(await envDropIns(host, paths.join(user.home, '.config', 'environment.d'))));
      return Promise.all(list.map((path) => readProfile(host, path, 'user', user.name)));
    });
    for (const found of perUser) pushAll(found);
    return { sources, users: users.audited.map((user) => user.name), unavailable };
  },
});

export interface EffectiveVariable {
  name: string;
  value: string;
  source: TelemetryEnvSource;
  assignment: EnvAssignment;
}

/**
 * What a variable is in the given user's login sessions: the last assignment among the system-wide
 * sources and that user's own files. Services and agent settings are not part of a session.
 */
// Per environment: for each variable, its assignments in source order. Checks ask per user and variable,
// and an image may have a thousand users with several sources each.
const byName = new WeakMap<TelemetryEnvironment, Map<string, EffectiveVariable[]>>();

function assignmentsByName(env: TelemetryEnvironment): Map<string, EffectiveVariable[]> {
  let index = byName.get(env);
  if (!index) {
    index = new Map();
    for (const source of env.sources) {
      for (const assignment of source.assignments) {
        const list = index.get(assignment.name) ?? [];
        list.push({ name: assignment.name, value: assignment.value, source, assignment });
        index.set(assignment.name, list);
      }
    }
    byName.set(env, index);
  }
  return index;
}

export function sessionValue(env: TelemetryEnvironment, user: string, name: string): EffectiveVariable | undefined {
  let found: EffectiveVariable | undefined;
  for (const item of assignmentsByName(env).get(name) ?? []) {
    if (item.source.scope === 'system' || (item.source.scope === 'user' && item.source.user === user)) found = item;
  }
  return found;
}

/** Every assignment of a variable, in any scope, for messages that say where else it is set. */
export function assignmentsOf(env: TelemetryEnvironment, name: string): EffectiveVariable[] {
  return [...(assignmentsByName(env).get(name) ?? [])];
}
