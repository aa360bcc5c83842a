import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { ALL_PROXY_VARIABLES, NO_PROXY_VARIABLES, PROXY_VARIABLES } from '../network/proxy-url.js';
import { parseIni } from '../parsers/ini.js';
import { parsePamEnvironment, parseShellExports, parseSystemdEnvironment, type EnvAssignment } from '../parsers/shell-env.js';
import { TELEMETRY_VARIABLES } from '../telemetry/variables.js';
import { claudeSettings } from './claude-settings.js';
import { dropInFiles } from './drop-ins.js';
import { readRegistryKey, registryText, REGISTRY, powershellCommandLine, registryScript } from './windows-commands.js';

// Where the environment of agents and services gets its proxy and TLS variables:
// - session: /etc/environment (pam_env, every login), /etc/profile.d/*.sh (login shells, in name order,
//   after /etc/environment); on Windows the machine and user Environment registry keys;
// - services: systemd's DefaultEnvironment (system.conf and its drop-ins, or `systemctl show` live);
// - agent: Claude Code's `env` in managed and user settings (managed wins);
// - process: the environment of the scan itself (live and recorded endpoints).
// Only the variables below are kept: other values may be secrets and no check needs them. The telemetry
// opt-outs (src/telemetry/variables.ts) are kept apart, in `telemetry`, so that no network check sees them.

export const NETWORK_VARIABLES: readonly string[] = [
  ...PROXY_VARIABLES,
  ...ALL_PROXY_VARIABLES,
  ...NO_PROXY_VARIABLES,
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
];
const KEEP = new Set(NETWORK_VARIABLES);
const KEEP_TELEMETRY = new Set(TELEMETRY_VARIABLES);

export type EnvScope = 'session' | 'services' | 'agent' | 'process';

export interface EnvSource {
  scope: EnvScope;
  kind: 'pam-env' | 'shell' | 'systemd-conf' | 'systemctl' | 'claude-settings' | 'registry' | 'process';
  /** How findings name it: a path, `systemctl show ...`, `HKLM\...\Environment`, `the scan's environment`. */
  label: string;
  path?: string;
  command?: string;
  /** Registry key, for Windows remediation. */
  registryKey?: string;
  /** Claude settings level and owner. */
  level?: 'managed' | 'user';
  user?: string;
  /** In the order they take effect; only NETWORK_VARIABLES. */
  assignments: EnvAssignment[];
  /** In the order they take effect; only TELEMETRY_VARIABLES (src/telemetry/variables.ts). */
  telemetry: EnvAssignment[];
  /** A file that could not be read, or a line that could not be parsed. */
  error?: string;
}

export interface NetworkEnvironment {
  /** The target's platform: which sources and scopes exist depends on it. */
  platform: Platform;
  sources: EnvSource[];
  /** Evidence that could not be gathered (a missing tool, a timeout), for the result message. */
  unavailable: string[];
}

const SYSTEMCTL_ARGS = ['show', '--property=DefaultEnvironment'];
const SYSTEMD_CONF_FILES = ['/etc/systemd/system.conf'];
const SYSTEMD_CONF_DIRS = ['/usr/lib/systemd/system.conf.d', '/usr/local/lib/systemd/system.conf.d', '/run/systemd/system.conf.d', '/etc/systemd/system.conf.d'];

function keep(assignments: EnvAssignment[]): EnvAssignment[] {
  return assignments.filter((assignment) => KEEP.has(assignment.name));
}

function keepTelemetry(assignments: EnvAssignment[]): EnvAssignment[] {
  return assignments.filter((assignment) => KEEP_TELEMETRY.has(assignment.name));
}

async function readText(host: Host, path: string): Promise<{ text?: string; error?: string }> {
  try {
    const bytes = await host.readFile(path);
    return bytes ? { text: bytes.toString('utf8') } : {};
  } catch (error) {
    return { error: describeError(error) };
  }
}

async function linuxSources(host: Host, sources: EnvSource[], unavailable: string[]): Promise<void> {
  const session: Record<string, string> = {};
  const pam = await readText(host, '/etc/environment');
  if (pam.text !== undefined || pam.error) {
    const parsed = parsePamEnvironment(pam.text ?? '');
    for (const assignment of parsed.assignments) session[assignment.name] = assignment.value;
    sources.push({ scope: 'session', kind: 'pam-env', label: '/etc/environment', path: '/etc/environment', assignments: keep(parsed.assignments), telemetry: keepTelemetry(parsed.assignments), ...(pam.error ? { error: pam.error } : {}) });
  }
  const profileD = ((await host.listDir('/etc/profile.d').catch(() => undefined)) ?? []).filter((name) => name.endsWith('.sh')).sort();
  for (const name of profileD) {
    const path = `/etc/profile.d/${name}`;
    const file = await readText(host, path);
    if (file.text === undefined && !file.error) continue;
    const parsed = parseShellExports(file.text ?? '', session);
    for (const assignment of parsed.assignments) session[assignment.name] = assignment.value;
    const error = file.error ?? (parsed.error ? `line ${parsed.error.line}: ${parsed.error.message}` : undefined);
    sources.push({ scope: 'session', kind: 'shell', label: path, path, assignments: keep(parsed.assignments), telemetry: keepTelemetry(parsed.assignments), ...(error ? { error } : {}) });
  }

  const systemd: EnvSource[] = [];
  for (const path of [...SYSTEMD_CONF_FILES, ...(await dropInFiles(host, SYSTEMD_CONF_DIRS))]) {
    const file = await readText(host, path);
    if (file.text === undefined && !file.error) continue;
    const assignments: EnvAssignment[] = [];
    for (const section of parseIni(file.text ?? '').sections) {
      if (section.name !== 'Manager') continue;
      for (const key of section.keys) {
        if (key.name !== 'DefaultEnvironment') continue;
        // An empty assignment resets the list built so far, in this file and the ones before it.
        if (key.value.trim() === '') {
          assignments.length = 0;
          for (const earlier of systemd) earlier.assignments = [];
        } else assignments.push(...parseSystemdEnvironment(key.value, key.line));
      }
    }
    systemd.push({ scope: 'services', kind: 'systemd-conf', label: path, path, assignments, telemetry: [], ...(file.error ? { error: file.error } : {}) });
  }
  for (const source of systemd) sources.push({ ...source, assignments: keep(source.assignments), telemetry: keepTelemetry(source.assignments) });

  if (host.kind === 'live' || host.kind === 'replay') {
    const result = await host.run('systemctl', SYSTEMCTL_ARGS, { timeoutMs: 5_000 });
    const command = `systemctl ${SYSTEMCTL_ARGS.join(' ')}`;
    const line = result.stdout.split('\n').find((text) => text.startsWith('DefaultEnvironment='));
    if (result.ran && result.exitCode === 0 && line !== undefined) {
      const parsed = parseSystemdEnvironment(line.slice('DefaultEnvironment='.length), 1);
      sources.push({ scope: 'services', kind: 'systemctl', label: command, command, assignments: keep(parsed), telemetry: keepTelemetry(parsed) });
    } else {
      unavailable.push(`${command}: ${result.unavailable ?? (result.stderr.trim().split('\n')[0] || `exit ${result.exitCode}`)}`);
    }
  }
}

async function windowsSources(host: Host, sources: EnvSource[], unavailable: string[]): Promise<void> {
  for (const key of [REGISTRY.machineEnvironment, REGISTRY.userEnvironment]) {
    const read = await readRegistryKey(host, key);
    if (read.unavailable) {
      unavailable.push(read.unavailable);
      continue;
    }
    if (!read.values) continue;
    // Windows variable names are case-insensitive: `Https_Proxy` is HTTPS_PROXY.
    const canonical = new Map([...NETWORK_VARIABLES, ...TELEMETRY_VARIABLES].filter((name) => name === name.toUpperCase()).map((name) => [name, name]));
    const assignments = Object.keys(read.values).flatMap((name) => {
      const value = registryText(read.values, name);
      const known = canonical.get(name.toUpperCase());
      return value === undefined || !known ? [] : [{ name: known, value, line: 0 }];
    });
    sources.push({ scope: 'session', kind: 'registry', label: key, registryKey: key, command: powershellCommandLine(registryScript(key)), assignments: keep(assignments), telemetry: keepTelemetry(assignments) });
  }
}

export const networkEnvironment = defineCollector<NetworkEnvironment>({
  id: 'network-environment',
  description: 'proxy, NO_PROXY, Node TLS and telemetry opt-out variables from /etc/environment, profile.d, systemd, the registry, Claude Code settings and the scan environment',
  async collect({ host, get }) {
    const sources: EnvSource[] = [];
    const unavailable: string[] = [];
    if (host.platform === 'linux') await linuxSources(host, sources, unavailable);
    if (host.platform === 'win32' && (host.kind === 'live' || host.kind === 'replay')) await windowsSources(host, sources, unavailable);
    for (const file of (await get(claudeSettings)).files) {
      sources.push({
        scope: 'agent',
        kind: 'claude-settings',
        label: file.path,
        path: file.path,
        level: file.level,
        ...(file.user ? { user: file.user } : {}),
        assignments: keep(file.env),
        telemetry: keepTelemetry(file.env),
        ...(file.error ? { error: file.error } : {}),
      });
    }
    if (host.kind === 'live' || host.kind === 'replay') {
      const env = await host.env();
      const all = Object.entries(env).map(([name, value]) => ({ name, value, line: 0 }));
      sources.push({ scope: 'process', kind: 'process', label: "the scan's own environment", assignments: keep(all), telemetry: keepTelemetry(all) });
    }
    return { platform: host.platform, sources, unavailable };
  },
});
