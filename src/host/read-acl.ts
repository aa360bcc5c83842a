import { parseDarwinLsAcl, parseGetfacl, parseWindowsAclJson, WINDOWS_ACL_SCRIPT } from './acl-parsers.js';
import type { AclEvidence, Platform } from './host.js';
import { runCommand } from './run-command.js';

const ACL_TIMEOUT_MS = 5_000;

/** POSIX ACL of a real path through getfacl (node has no xattr API; numeric ids keep the image's own). */
export async function readPosixAcl(realPath: string): Promise<AclEvidence> {
  const result = await runCommand('getfacl', ['-n', '--absolute-names', '--', realPath], { timeoutMs: ACL_TIMEOUT_MS });
  if (!result.ran) return { kind: 'unavailable', reason: `${result.unavailable ?? 'getfacl failed'} (the acl package provides getfacl)` };
  if (result.exitCode !== 0) return { kind: 'unavailable', reason: `getfacl exited ${result.exitCode}: ${firstLine(result.stderr)}` };
  return { kind: 'posix', entries: parseGetfacl(result.stdout) };
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
