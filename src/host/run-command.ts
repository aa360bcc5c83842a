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
  return slot(async () => {
    const result = await execa(command, [...args], {
      timeout,
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
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    if (result.timedOut) {
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
