import { execa } from 'execa';
import { DEFAULT_COMMAND_TIMEOUT_MS, type CommandResult, type RunOptions } from './host.js';

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const MAX_CONCURRENT = 4;

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/**
 * Runs a program (never through a shell) with a timeout. A missing program, a timeout or a signal is
 * "evidence unavailable", not an exception: an auditor must finish its scan on a half-equipped machine.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const timeout = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const posix = process.platform !== 'win32';
  return slot(async () => {
    const subprocess = execa(command, [...args], {
      // On POSIX the command leads its own process group, so a timeout ends its children too: a
      // background child holding stdout open must not keep the scan waiting.
      ...(posix ? { detached: true } : { timeout }),
      reject: false,
      stdin: 'ignore',
      encoding: 'utf8',
      maxBuffer: MAX_OUTPUT_BYTES,
      env: { LC_ALL: 'C', LANG: 'C', ...options.env },
      extendEnv: true,
      cancelSignal: options.signal,
      forceKillAfterDelay: 2000,
      windowsHide: true,
    });
    if (posix && subprocess.pid !== undefined) runningGroups.add(subprocess.pid);
    let timedOut = false;
    const timer = posix
      ? setTimeout(() => {
          timedOut = true;
          killGroup(subprocess.pid);
        }, timeout)
      : undefined;
    const onAbort = () => killGroup(subprocess.pid);
    if (posix) options.signal?.addEventListener('abort', onAbort, { once: true });
    const result = await subprocess;
    clearTimeout(timer);
    if (subprocess.pid !== undefined) runningGroups.delete(subprocess.pid);
    options.signal?.removeEventListener('abort', onAbort);
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    if (timedOut || result.timedOut) {
      return { ran: false, timedOut: true, exitCode: null, stdout, stderr, unavailable: `${command} timed out after ${timeout} ms` };
    }
    const code = (result as { code?: string }).code;
    if (code === 'ENOENT' || (result.failed && result.exitCode === undefined && !result.isCanceled && !result.signal)) {
      return { ran: false, exitCode: null, stdout, stderr, unavailable: `${command} is not available on this machine` };
    }
    if (result.isCanceled || result.signal) {
      return { ran: false, exitCode: null, stdout, stderr, unavailable: `${command} was stopped (${result.signal ?? 'cancelled'})` };
    }
    return { ran: true, exitCode: result.exitCode ?? null, stdout, stderr };
  });
}

// Commands lead their own process groups, so they would outlive an interrupted scan: end them with it.
const runningGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of runningGroups) killGroup(pid);
});

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
