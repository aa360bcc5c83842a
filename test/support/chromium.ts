// Headless Chromium for the HTML report tests: Debian's chromium at /usr/bin/chromium (CI installs the
// `chromium` and `fonts-dejavu-core` packages), run offline with a fresh profile and a hard timeout.
// Tests that need it are skipped, with CHROMIUM_MISSING as the reason, only when the binary is absent.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.COWORK_AUDIT_CHROMIUM ?? '/usr/bin/chromium';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the browser tests are skipped, or undefined when Chromium is there. In CI (.ci/run installs it)
 * a missing browser is never a reason to skip: the tests then run and fail.
 */
export const CHROMIUM_MISSING: string | undefined = executable(CHROMIUM) || process.env.CI
  ? undefined
  : `${CHROMIUM} not found: install Debian's chromium and fonts-dejavu-core (apt-get install --no-install-recommends chromium fonts-dejavu-core) to run the HTML report browser tests`;

/** The flags every run uses: headless, no sandbox (containers), nothing that talks to the network. */
export const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Chromium still calls home at start-up (update, accounts, time) despite the flags above; no name
  // resolves, so nothing leaves the machine even where it has a network.
  '--host-resolver-rules=MAP * ~NOTFOUND',
  // CI containers often have a 64 MB /dev/shm, too small for a renderer.
  '--disable-dev-shm-usage',
];

export interface ChromiumRun {
  stdout: string;
  stderr: string;
  /** URLs the page itself asked the network stack for (from the net log), when netLog was asked for. */
  pageRequests?: string[];
}

export interface ChromiumOptions {
  timeoutMs?: number;
  /** Record a net log and report the page's own requests. */
  netLog?: boolean;
}

/** Runs Chromium once with a fresh profile; rejects on a non-zero exit or after the timeout (default 45 s). */
export async function runChromium(args: readonly string[], options: ChromiumOptions = {}): Promise<ChromiumRun> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'cowork-audit-chromium-'));
  const netLogFile = path.join(profile, 'netlog.json');
  const flags = [...BASE_FLAGS, `--user-data-dir=${path.join(profile, 'profile')}`, ...(options.netLog ? [`--log-net-log=${netLogFile}`] : []), ...args];
  try {
    const { stdout, stderr } = await spawnBounded(CHROMIUM, flags, options.timeoutMs ?? 45_000);
    return { stdout, stderr, ...(options.netLog ? { pageRequests: pageRequests(readFileSync(netLogFile, 'utf8')) } : {}) };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after its scripts ran, as Chromium serialises it. `fragment` is appended as `#…`. */
export async function dumpDom(htmlFile: string, options: ChromiumOptions & { fragment?: string } = {}): Promise<ChromiumRun> {
  return runChromium(['--dump-dom', pageUrl(htmlFile, options.fragment)], options);
}

/** A PNG of the top of the page at the given window size. */
export async function screenshot(htmlFile: string, pngFile: string, size: { width: number; height: number }): Promise<Buffer> {
  await runChromium([`--screenshot=${pngFile}`, `--window-size=${size.width},${size.height}`, '--hide-scrollbars', pageUrl(htmlFile)]);
  return readFileSync(pngFile);
}

function pageUrl(htmlFile: string, fragment?: string): string {
  return `${pathToFileURL(path.resolve(htmlFile)).href}${fragment ? `#${fragment}` : ''}`;
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 24 || !png.subarray(0, 8).equals(signature) || png.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

interface NetLog {
  constants: { logEventTypes: Record<string, number> };
  events: { type: number; params?: { url?: string; initiator?: string; network_isolation_key?: string } }[];
}

/**
 * Requests the page started: a file: page has an opaque ("null") origin and a file:// isolation key;
 * Chromium's own background requests have no initiator ("not an origin").
 */
export function pageRequests(netLogText: string): string[] {
  const log = JSON.parse(netLogText) as NetLog;
  const start = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  return log.events
    .filter((event) => event.type === start && event.params?.url)
    .filter((event) => event.params?.initiator === 'null' || event.params?.initiator?.startsWith('file:') || event.params?.network_isolation_key?.includes('file://'))
    .map((event) => event.params?.url ?? '');
}

/** Spawns in its own process group so a hung browser and all its helpers are killed on timeout. */
function spawnBounded(command: string, args: readonly string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C.UTF-8' } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (timedOut) reject(new Error(`chromium timed out after ${timeoutMs} ms: ${args.join(' ')}\n${err.slice(-2000)}`));
      else if (code !== 0) reject(new Error(`chromium exited with ${code ?? signal}: ${args.join(' ')}\n${err.slice(-2000)}`));
      else resolve({ stdout: out, stderr: err });
    });
  });
}
