import { describeError } from '../../engine/fact-store.js';
import type { CommandResult, Host } from '../../host/host.js';

// Evidence helpers the firewall backends share: reading a file without throwing, running a command with
// a timeout, telling whether a systemd unit starts at boot in an image, and resolving user names.

export const FIREWALL_COMMAND_TIMEOUT_MS = 10_000;

export interface TextFile {
  path: string;
  text?: string;
  /** Present but unreadable (permission denied, I/O error). */
  error?: string;
}

export async function readTextFile(host: Host, path: string): Promise<TextFile> {
  try {
    const bytes = await host.readFile(path);
    return bytes === undefined ? { path } : { path, text: bytes.toString('utf8') };
  } catch (error) {
    return { path, error: describeError(error) };
  }
}

export async function runCommand(host: Host, command: string, args: readonly string[]): Promise<CommandResult> {
  try {
    return await host.run(command, args, { timeoutMs: FIREWALL_COMMAND_TIMEOUT_MS });
  } catch (error) {
    return { ran: false, exitCode: null, stdout: '', stderr: '', unavailable: describeError(error) };
  }
}

/** Commands run on live and recorded endpoints only; an image is read, never executed. */
export function canRun(host: Host): boolean {
  return host.kind === 'live' || host.kind === 'replay';
}

/** Why a command gave no evidence, in one line. */
export function whyUnavailable(result: CommandResult): string {
  if (!result.ran) return result.unavailable ?? 'could not be run';
  const line = (result.stderr.trim() || result.stdout.trim()).split(/\r?\n/)[0] ?? '';
  return `exit ${result.exitCode}${line ? `: ${line}` : ''}`;
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

export interface UnitState {
  /** True: a wants/requires link starts it at boot; false: installed but neither linked nor enabled, or masked; undefined: no unit found. */
  enabled: boolean | undefined;
  evidence: string;
}

/**
 * Whether one of the units starts at boot, read from the image's systemd links (what `systemctl
 * is-enabled` reads): `/etc/systemd/system/<target>.wants/<unit>` (or `.requires`), masked when
 * `/etc/systemd/system/<unit>` links to /dev/null.
 */
export async function unitEnabled(host: Host, units: readonly string[]): Promise<UnitState> {
  const installed: string[] = [];
  for (const unit of units) {
    const masked = await host.lstat(`/etc/systemd/system/${unit}`).catch(() => undefined);
    if (masked?.type === 'symlink' && masked.linkTarget === '/dev/null') return { enabled: false, evidence: `${unit} is masked (/etc/systemd/system/${unit} links to /dev/null)` };
  }
  for (const base of ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']) {
    const entries = (await host.listDir(base).catch(() => undefined)) ?? [];
    for (const entry of entries.filter((name) => name.endsWith('.wants') || name.endsWith('.requires')).sort()) {
      const linked = (await host.listDir(`${base}/${entry}`).catch(() => undefined)) ?? [];
      for (const unit of units) {
        if (linked.includes(unit) && base === '/etc/systemd/system') return { enabled: true, evidence: `${unit} is enabled (${base}/${entry}/${unit})` };
        // Units pulled in by the vendor preset (a wants link under /usr/lib) start too.
        if (linked.includes(unit)) return { enabled: true, evidence: `${unit} is started by ${base}/${entry}/${unit}` };
      }
    }
  }
  for (const unit of units) {
    for (const dir of UNIT_DIRS) {
      if (await host.lstat(`${dir}/${unit}`).catch(() => undefined)) installed.push(`${dir}/${unit}`);
    }
  }
  if (installed.length > 0) return { enabled: false, evidence: `${installed[0]} is installed but not enabled (no .wants link)` };
  return { enabled: undefined, evidence: `no systemd unit ${units.join(' or ')} in the image` };
}

/** Uid of a user name on the target; undefined when the target has no such account. */
export async function userResolver(host: Host): Promise<(name: string) => number | undefined> {
  const users = await host.users().catch(() => []);
  const byName = new Map(users.map((user) => [user.name, user.uid]));
  return (name) => byName.get(name);
}
