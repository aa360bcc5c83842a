// The Docker daemon's security settings, from daemon.json (strict JSON, as dockerd reads it) and from the
// dockerd flags of its systemd unit (ExecStart), each with where it was set. Never throws.
import { getNodeValue } from 'jsonc-parser';
import { splitLines } from '../util/text-lines.js';
import { jsonProperties, parseJsonTree } from './json-tree.js';

export interface DaemonSetting {
  value: unknown;
  /** daemon.json (with its line) or the unit file whose ExecStart passes the flag. */
  path: string;
  line?: number;
  source: 'daemon.json' | 'flag';
}

export interface DaemonConfig {
  path: string;
  /** By daemon.json key name (flags are mapped to the same names: `--insecure-registry` -> insecure-registries). */
  settings: Record<string, DaemonSetting>;
  error?: string;
}

/** The daemon.json keys this audit judges. */
export const DAEMON_KEYS = ['userns-remap', 'no-new-privileges', 'icc', 'hosts', 'tls', 'tlsverify', 'insecure-registries', 'registry-mirrors', 'default-runtime', 'seccomp-profile', 'selinux-enabled'] as const;

export function parseDaemonJson(path: string, text: string): DaemonConfig {
  const { root, error } = parseJsonTree(text);
  const settings: Record<string, DaemonSetting> = {};
  if (root?.type !== 'object') return { path, settings, error: error ?? `${path} is not a JSON object` };
  for (const [key, node, line] of jsonProperties(text, root)) {
    settings[key] = { value: getNodeValue(node) as unknown, path, line, source: 'daemon.json' };
  }
  return { path, settings, ...(error ? { error } : {}) };
}

const FLAG_KEYS: Record<string, { key: string; list?: boolean; boolean?: boolean }> = {
  '-H': { key: 'hosts', list: true },
  '--host': { key: 'hosts', list: true },
  '--userns-remap': { key: 'userns-remap' },
  '--no-new-privileges': { key: 'no-new-privileges', boolean: true },
  '--icc': { key: 'icc', boolean: true },
  '--tls': { key: 'tls', boolean: true },
  '--tlsverify': { key: 'tlsverify', boolean: true },
  '--insecure-registry': { key: 'insecure-registries', list: true },
  '--registry-mirror': { key: 'registry-mirrors', list: true },
  '--default-runtime': { key: 'default-runtime' },
  '--seccomp-profile': { key: 'seccomp-profile' },
  '--selinux-enabled': { key: 'selinux-enabled', boolean: true },
};

/** The command line systemd runs: the last ExecStart= after the last empty `ExecStart=` reset, continuations joined. */
export function unitExecStart(texts: readonly { path: string; text: string }[]): { path: string; line: number; command: string } | undefined {
  let found: { path: string; line: number; command: string } | undefined;
  for (const { path, text } of texts) {
    const lines = splitLines(text);
    for (let index = 0; index < lines.length; index++) {
      let line = (lines[index] as string).trim();
      const start = index + 1;
      while (line.endsWith('\\') && index + 1 < lines.length) line = `${line.slice(0, -1)} ${(lines[++index] as string).trim()}`;
      const match = /^ExecStart\s*=\s*(.*)$/.exec(line);
      if (!match) continue;
      const command = (match[1] as string).trim();
      found = command === '' ? undefined : { path, line: start, command };
    }
  }
  return found;
}

/** dockerd flags of a command line, under daemon.json names. */
export function parseDockerdFlags(path: string, line: number, command: string): DaemonConfig {
  const words = command.replace(/^[-@:+!]+/, '').split(/\s+/).filter((word) => word !== '');
  const settings: Record<string, DaemonSetting> = {};
  for (let i = 1; i < words.length; i++) {
    const word = (words[i] as string).replace(/^["']|["']$/g, '');
    const attached = /^-H[^=\s]/.test(word) ? word.slice(2) : undefined;
    const eq = attached === undefined ? word.indexOf('=') : -1;
    const flag = attached !== undefined ? '-H' : eq < 0 ? word : word.slice(0, eq);
    const spec = FLAG_KEYS[flag];
    if (!spec) continue;
    let value: unknown;
    if (attached !== undefined) value = attached;
    else if (spec.boolean) value = eq < 0 ? true : !/^(false|0)$/i.test(word.slice(eq + 1));
    else if (eq >= 0) value = word.slice(eq + 1);
    else value = words[++i];
    if (value === undefined) continue;
    const previous = settings[spec.key]?.value;
    settings[spec.key] = { value: spec.list ? [...(Array.isArray(previous) ? previous : []), value] : value, path, line, source: 'flag' };
  }
  return { path, settings };
}
