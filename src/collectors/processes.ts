import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { parsePowerShellJson } from '../parsers/windows-network.js';
import { splitLines } from '../util/text-lines.js';
import { POWERSHELL, POWERSHELL_ARGS, powershellCommandLine } from './windows-commands.js';

// Running processes, shared by the isolation and EDR checks. Linux (live and recorded) reads /proc
// through the Host: /proc/<pid>/cmdline, status (Name, PPid, Uid), cgroup, the namespace links under
// ns/ and the LSM label in attr/current. macOS runs `ps`, Windows a PowerShell CIM query. An offline
// image has no processes: the listing says so instead of pretending the machine is idle.

export interface ProcessInfo {
  pid: number;
  ppid?: number;
  /** Account name, when known (resolved from the uid on Unix). */
  user?: string;
  uid?: number;
  /** Short name: comm on Linux (at most 15 characters), the executable's base name elsewhere. */
  name: string;
  /** Command line, arguments joined by spaces; empty for kernel threads. */
  commandLine: string;
  /** argv as recorded (Linux: NUL-separated cmdline); the command line split on spaces elsewhere. */
  argv: string[];
  /** Executable path: /proc/<pid>/exe (Linux, when readable), ExecutablePath (Windows), argv[0] otherwise. */
  executable?: string;
  /** Linux: lines of /proc/<pid>/cgroup. */
  cgroup?: string[];
  /** Linux: namespace link targets (`mnt:[4026531841]`) by namespace name; absent when unreadable. */
  namespaces?: Record<string, string>;
  /** Linux: AppArmor or SELinux label of the process (attr/current). */
  securityLabel?: string;
  /** Where this process was read: `/proc/4242`, `ps`, `Win32_Process`. */
  source: string;
}

export interface ProcessListing {
  platform: Platform;
  /** False for offline images and when the listing could not be taken. */
  available: boolean;
  /** Why no listing is available. */
  unavailable?: string;
  /** How the listing was taken, for messages: `/proc`, `ps -axww -o ...`, the PowerShell command line. */
  method: string;
  processes: ProcessInfo[];
  /** More processes existed than were read (bounded at MAX_PROCESSES). */
  truncated: boolean;
  /**
   * Linux: the namespaces agents are compared with: pid 1's (the host's, when the scan runs outside a
   * container), or the scan's own (/proc/self) when pid 1's links are not readable (a scan without root).
   */
  initNamespaces?: Record<string, string>;
  /** `/proc/1` or `/proc/self`. */
  initNamespacesFrom?: string;
}

export const MAX_PROCESSES = 4000;
export const NAMESPACES = ['mnt', 'pid', 'net', 'user', 'cgroup', 'uts', 'ipc'] as const;

/** `ps` with fixed columns: the command line goes last so its spaces stay in one field. */
export const PS_ARGS = ['-axww', '-o', 'pid=,ppid=,uid=,user=,args='] as const;
const PS_TIMEOUT_MS = 15_000;

/** Process names whose owner the Windows query looks up (GetOwner is slow; only agents need it). */
const WINDOWS_OWNER_NAMES = '^(claude|cursor|code|code - insiders|windsurf|node|bun)\\.exe$';

/**
 * Every process with its parent, executable and command line; the owner for agent processes only.
 * ConvertTo-Json prints one object for a single process, an array otherwise.
 */
export const WINDOWS_PROCESS_SCRIPT = [
  `Get-CimInstance Win32_Process | ForEach-Object { $owner = $null;`,
  `if ($_.Name -match '${WINDOWS_OWNER_NAMES}') { $o = Invoke-CimMethod -InputObject $_ -MethodName GetOwner -ErrorAction SilentlyContinue;`,
  `if ($o -and $o.ReturnValue -eq 0) { $owner = "$($o.Domain)\\$($o.User)" } };`,
  `[pscustomobject]@{ ProcessId = $_.ProcessId; ParentProcessId = $_.ParentProcessId; Name = $_.Name; ExecutablePath = $_.ExecutablePath; CommandLine = $_.CommandLine; Owner = $owner } }`,
  `| ConvertTo-Json -Compress`,
].join(' ');
const WINDOWS_TIMEOUT_MS = 60_000;

export const processes = defineCollector<ProcessListing>({
  id: 'processes',
  description: 'running processes: command line, owner, cgroup and namespaces (Linux /proc, macOS ps, Windows CIM)',
  timeoutMs: 90_000,
  async collect({ host }) {
    const platform = host.platform;
    if (host.kind === 'root' || host.kind === 'repo') {
      return { platform, available: false, unavailable: `processes cannot be seen in an offline ${host.kind === 'repo' ? 'repository' : 'image'}`, method: 'none', processes: [], truncated: false };
    }
    try {
      const listing = platform === 'linux' ? await linuxProcesses(host) : platform === 'darwin' ? await darwinProcesses(host) : await windowsProcesses(host);
      return { platform, ...listing };
    } catch (error) {
      return { platform, available: false, unavailable: describeError(error), method: 'none', processes: [], truncated: false };
    }
  },
});

async function readText(host: Host, path: string, maxBytes = 64 * 1024): Promise<string | undefined> {
  try {
    return (await host.readFile(path, maxBytes))?.toString('utf8');
  } catch {
    return undefined;
  }
}

async function linkTarget(host: Host, path: string): Promise<string | undefined> {
  try {
    return (await host.lstat(path))?.linkTarget;
  } catch {
    return undefined;
  }
}

function namespacesOf(host: Host, pid: number): Promise<Record<string, string> | undefined> {
  return namespacesOfPath(host, `/proc/${pid}`);
}

async function namespacesOfPath(host: Host, base: string): Promise<Record<string, string> | undefined> {
  const out: Record<string, string> = {};
  for (const name of NAMESPACES) {
    const target = await linkTarget(host, `${base}/ns/${name}`);
    if (target) out[name] = target;
  }
  return Object.keys(out).length ? out : undefined;
}

/** `Name:`, `PPid:` and the real `Uid:` of /proc/<pid>/status. */
export function parseProcStatus(text: string): { name?: string; ppid?: number; uid?: number } {
  const out: { name?: string; ppid?: number; uid?: number } = {};
  for (const line of splitLines(text)) {
    const match = /^(Name|PPid|Uid):\s*(.*)$/.exec(line);
    if (!match) continue;
    const value = match[2] ?? '';
    if (match[1] === 'Name') out.name = value;
    else if (match[1] === 'PPid') out.ppid = Number(value);
    else out.uid = Number(value.split(/\s+/)[0]);
  }
  return out;
}

async function linuxProcesses(host: Host): Promise<Omit<ProcessListing, 'platform'>> {
  const names = await host.listDir('/proc').catch(() => undefined);
  if (!names) return { available: false, unavailable: '/proc is not readable', method: '/proc', processes: [], truncated: false };
  const pids = names.filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  const truncated = pids.length > MAX_PROCESSES;
  const users = await host.users().catch(() => []);
  const nameOf = new Map(users.map((user) => [user.uid, user.name]));
  const read = async (pid: number): Promise<ProcessInfo | undefined> => {
    const status = await readText(host, `/proc/${pid}/status`);
    // Gone between the listing and the read: not a process any more.
    if (status === undefined) return undefined;
    const parsed = parseProcStatus(status);
    const raw = (await readText(host, `/proc/${pid}/cmdline`)) ?? '';
    // process.title (Node, Electron) overwrites argv in place and pads with NULs: drop the padding.
    const trimmed = raw.replace(/\0+$/, '');
    const argv = trimmed === '' ? [] : trimmed.split('\0');
    const cgroupText = await readText(host, `/proc/${pid}/cgroup`);
    const label = ((await readText(host, `/proc/${pid}/attr/apparmor/current`)) ?? (await readText(host, `/proc/${pid}/attr/current`)))?.replace(/\0/g, '').trim();
    const info: ProcessInfo = {
      pid,
      name: parsed.name ?? argv[0]?.split('/').pop() ?? '',
      commandLine: argv.join(' '),
      argv,
      source: `/proc/${pid}`,
    };
    if (parsed.ppid !== undefined && Number.isFinite(parsed.ppid)) info.ppid = parsed.ppid;
    if (parsed.uid !== undefined && Number.isFinite(parsed.uid)) {
      info.uid = parsed.uid;
      const user = nameOf.get(parsed.uid);
      if (user) info.user = user;
    }
    const executable = (await linkTarget(host, `/proc/${pid}/exe`)) ?? (argv[0]?.startsWith('/') ? argv[0] : undefined);
    if (executable) info.executable = executable.replace(/ \(deleted\)$/, '');
    if (cgroupText !== undefined) info.cgroup = splitLines(cgroupText).filter((line) => line.trim() !== '');
    const namespaces = await namespacesOf(host, pid);
    if (namespaces) info.namespaces = namespaces;
    if (label) info.securityLabel = label;
    return info;
  };
  // A few processes at a time: /proc reads are cheap, but a machine may run thousands.
  const processes: ProcessInfo[] = [];
  const wanted = pids.slice(0, MAX_PROCESSES);
  for (let start = 0; start < wanted.length; start += 16) {
    const batch = await Promise.all(wanted.slice(start, start + 16).map(read));
    for (const info of batch) if (info) processes.push(info);
  }
  const listing: Omit<ProcessListing, 'platform'> = { available: true, method: '/proc', processes, truncated };
  const init = processes.find((item) => item.pid === 1)?.namespaces;
  const self = init ? undefined : await namespacesOfPath(host, '/proc/self');
  if (init || self) {
    listing.initNamespaces = (init ?? self) as Record<string, string>;
    listing.initNamespacesFrom = init ? '/proc/1' : '/proc/self';
  }
  return listing;
}

/** Lines of `ps -axww -o pid=,ppid=,uid=,user=,args=`. */
export function parsePsOutput(text: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of splitLines(text)) {
    const match = /^\s*(\d+)\s+(\d+)\s+(-?\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const commandLine = (match[5] ?? '').trim();
    const argv = commandLine.split(/\s+/);
    out.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      uid: Number(match[3]),
      user: match[4] as string,
      name: baseName(executableOf(commandLine)),
      commandLine,
      argv,
      executable: executableOf(commandLine),
      source: 'ps',
    });
  }
  return out;
}

/**
 * The executable of a macOS command line. `ps` prints argv joined by spaces, so a path with spaces
 * (`/Library/Application Support/Microsoft/Defender/wdavdaemon`, `/Applications/Visual Studio
 * Code.app/Contents/MacOS/Electron`) is recovered from an absolute first word by taking the following words
 * up to the last one that still holds a `/`, stopping at an option (`-x`) or a new absolute path.
 */
export function executableOf(commandLine: string): string {
  const words = commandLine.split(/\s+/).filter(Boolean);
  const first = words[0] ?? '';
  if (!first.startsWith('/')) return first;
  let last = 0;
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] as string;
    if (word.startsWith('-') || word.startsWith('/')) break;
    if (word.includes('/')) last = index;
  }
  return words.slice(0, last + 1).join(' ');
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

async function darwinProcesses(host: Host): Promise<Omit<ProcessListing, 'platform'>> {
  const method = ['ps', ...PS_ARGS].join(' ');
  const result = await host.run('ps', [...PS_ARGS], { timeoutMs: PS_TIMEOUT_MS });
  if (!result.ran || result.exitCode !== 0) {
    return { available: false, unavailable: `${method}: ${result.unavailable ?? `exited with ${result.exitCode}`}`, method, processes: [], truncated: false };
  }
  const all = parsePsOutput(result.stdout);
  return { available: true, method, processes: all.slice(0, MAX_PROCESSES), truncated: all.length > MAX_PROCESSES };
}

/** The JSON of WINDOWS_PROCESS_SCRIPT. */
export function parseWindowsProcesses(text: string): { processes: ProcessInfo[]; error?: string } {
  const parsed = parsePowerShellJson(text);
  if (parsed.error) return { processes: [], error: parsed.error };
  const items = parsed.value === undefined ? [] : Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const processes: ProcessInfo[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const pid = Number(record.ProcessId);
    if (!Number.isInteger(pid)) continue;
    const name = typeof record.Name === 'string' ? record.Name : '';
    const commandLine = typeof record.CommandLine === 'string' ? record.CommandLine : '';
    const info: ProcessInfo = { pid, name, commandLine, argv: splitWindowsCommandLine(commandLine), source: 'Win32_Process' };
    if (Number.isInteger(Number(record.ParentProcessId))) info.ppid = Number(record.ParentProcessId);
    if (typeof record.ExecutablePath === 'string' && record.ExecutablePath) info.executable = record.ExecutablePath;
    if (typeof record.Owner === 'string' && record.Owner) info.user = record.Owner;
    processes.push(info);
  }
  return { processes };
}

/** Splits a Windows command line the way most programs do (double quotes group, backslashes kept). */
export function splitWindowsCommandLine(commandLine: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (const char of commandLine) {
    if (char === '"') {
      quoted = !quoted;
      started = true;
      continue;
    }
    if (!quoted && /\s/.test(char)) {
      if (started) out.push(current);
      current = '';
      started = false;
      continue;
    }
    current += char;
    started = true;
  }
  if (started) out.push(current);
  return out;
}

async function windowsProcesses(host: Host): Promise<Omit<ProcessListing, 'platform'>> {
  const method = powershellCommandLine(WINDOWS_PROCESS_SCRIPT);
  const result = await host.run(POWERSHELL, [...POWERSHELL_ARGS, WINDOWS_PROCESS_SCRIPT], { timeoutMs: WINDOWS_TIMEOUT_MS });
  if (!result.ran || result.exitCode !== 0) {
    const reason = result.ran ? `PowerShell exited with ${result.exitCode}` : (result.unavailable ?? 'not run').replace(method, 'the process query');
    return { available: false, unavailable: `Win32_Process: ${reason}`, method: 'Win32_Process', processes: [], truncated: false };
  }
  const { processes: all, error } = parseWindowsProcesses(result.stdout);
  if (error) return { available: false, unavailable: `Win32_Process: ${error}`, method: 'Win32_Process', processes: [], truncated: false };
  return { available: true, method: 'Win32_Process', processes: all.slice(0, MAX_PROCESSES), truncated: all.length > MAX_PROCESSES };
}
