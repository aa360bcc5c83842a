import { parseDarwinLsAcl, parseGetfacl, parseWindowsAclJson, WINDOWS_ACL_SCRIPT } from './acl-parsers.js';
import type { AclEvidence, Platform } from './host.js';
import { runCommand } from './run-command.js';

const ACL_TIMEOUT_MS = 5_000;

// One getfacl per batch: every spawn forks the scanner (costly with a large heap), so batches are large,
// bounded by count and by argument bytes well under ARG_MAX.
const BATCH_SIZE = 2048;
const BATCH_BYTES = 256 * 1024;

/** How getfacl names a file in its `# file:` header: backslash doubled, control characters as \ooo; other text as is. */
export function getfaclName(path: string): string {
  return path.replace(/[\\\u0000-\u001f\u007f]/g, (char) => (char === '\\' ? '\\\\' : `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`));
}

/** Splits getfacl output for many files into each file's entries, by the name in its header. */
export function splitGetfaclOutput(stdout: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const block of stdout.split(/\n\s*\n/)) {
    const name = /^# file: (.*)$/m.exec(block)?.[1];
    if (name !== undefined) blocks.set(name, block);
  }
  return blocks;
}

type Pending = { path: string; resolve: (evidence: AclEvidence) => void };
let queue: Pending[] = [];

/**
 * POSIX ACL of a real path through getfacl (node has no xattr API; numeric ids keep the image's own).
 * Requests made in the same turn of the event loop share one getfacl process per batch: a scan of
 * an image with a thousand homes asks for thousands of ACLs.
 */
export function readPosixAcl(realPath: string): Promise<AclEvidence> {
  return new Promise((resolve) => {
    if (queue.length === 0) setImmediate(flushQueue);
    queue.push({ path: realPath, resolve });
  });
}

function flushQueue(): void {
  const batch = queue;
  queue = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of batch) {
    const size = Buffer.byteLength(item.path) + 1;
    if (current.length > 0 && (current.length >= BATCH_SIZE || bytes + size > BATCH_BYTES)) {
      void readBatch(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) void readBatch(current);
}

async function readBatch(batch: Pending[]): Promise<void> {
  const result = await runCommand('getfacl', ['-n', '--absolute-names', '--', ...batch.map((item) => item.path)], { timeoutMs: ACL_TIMEOUT_MS * 4 });
  if (!result.ran) {
    const reason = `${result.unavailable ?? 'getfacl failed'} (the acl package provides getfacl)`;
    for (const item of batch) item.resolve({ kind: 'unavailable', reason });
    return;
  }
  const blocks = splitGetfaclOutput(result.stdout);
  for (const item of batch) {
    const block = blocks.get(getfaclName(item.path));
    item.resolve(block === undefined ? { kind: 'unavailable', reason: `getfacl gave nothing for this path (exit ${result.exitCode})` } : { kind: 'posix', entries: parseGetfacl(block) });
  }
}

/** Extended ACL of a live path, by the platform's own tool. */
export async function readLiveAcl(platform: Platform, path: string): Promise<AclEvidence> {
  if (platform === 'linux') return readPosixAcl(path);
  if (platform === 'darwin') {
    const result = await runCommand('/bin/ls', ['-led', '--', path], { timeoutMs: ACL_TIMEOUT_MS });
    if (!result.ran || result.exitCode !== 0) return { kind: 'unavailable', reason: result.unavailable ?? firstLine(result.stderr) };
    return { kind: 'darwin', entries: parseDarwinLsAcl(result.stdout) };
  }
  // The path travels in the environment, never inside the script text.
  const result = await runCommand('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_ACL_SCRIPT], {
    timeoutMs: 15_000,
    env: { COWORK_AUDIT_PATH: path },
  });
  if (!result.ran || result.exitCode !== 0) return { kind: 'unavailable', reason: result.unavailable ?? firstLine(result.stderr) };
  const parsed = parseWindowsAclJson(result.stdout);
  if ('error' in parsed) return { kind: 'unavailable', reason: parsed.error };
  return { kind: 'windows', ...parsed };
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() || 'no output';
}
