import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { redactedHint } from '../secrets/redact.js';
import { isLiteralSecretValue, isSecretLikeName, stripMatchingQuotes } from '../secrets/secret-heuristics.js';
import { findTokens } from '../secrets/token-shapes.js';
import { splitLines } from '../util/text-lines.js';
import { targetUsers } from './target-users.js';

export interface ProfileSighting {
  path: string;
  line: number;
  /** The user whose start-up file it is, or `system`. */
  owner: string;
  kind: string;
  hint: string;
  variable?: string;
}

export interface ShellProfiles {
  /** Files that exist and were read. */
  read: string[];
  unreadable: { path: string; error: string }[];
  sightings: ProfileSighting[];
}

export const USER_FILES_UNIX = [
  '.profile', '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.bash_aliases',
  '.zshrc', '.zshenv', '.zprofile', '.zlogin', '.kshrc', '.mkshrc', '.cshrc', '.tcshrc', '.login',
  '.config/fish/config.fish', '.envrc',
];
export const USER_FILES_WINDOWS = [
  'Documents/PowerShell/Microsoft.PowerShell_profile.ps1',
  'Documents/PowerShell/Microsoft.VSCode_profile.ps1',
  'Documents/PowerShell/profile.ps1',
  'Documents/WindowsPowerShell/Microsoft.PowerShell_profile.ps1',
  'Documents/WindowsPowerShell/profile.ps1',
];
export const SYSTEM_FILES_UNIX = ['/etc/environment', '/etc/profile', '/etc/bash.bashrc', '/etc/bashrc', '/etc/zshenv', '/etc/zshrc', '/etc/zsh/zshenv', '/etc/zsh/zshrc', '/etc/zprofile', '/etc/csh.cshrc', '/etc/fish/config.fish'];
const SYSTEM_FOLDERS_UNIX = ['/etc/profile.d'];
export const SYSTEM_FILES_WINDOWS = [
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\profile.ps1',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\Microsoft.PowerShell_profile.ps1',
  'C:\\Program Files\\PowerShell\\7\\profile.ps1',
  'C:\\Program Files\\PowerShell\\7\\Microsoft.PowerShell_profile.ps1',
];

// Assignments in every shell syntax a start-up file may use; group 1 is the name, 2 the rest of the line.
// In PowerShell an unquoted right-hand side is a command (Get-Secret ...), never a literal.
const ASSIGNMENTS: readonly { pattern: RegExp; quotedOnly: boolean }[] = [
  { pattern: /^\s*(?:export\s+|declare\s+-x\s+|typeset\s+-x\s+|readonly\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/, quotedOnly: false },
  { pattern: /^\s*set\s+(?:-[A-Za-z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/, quotedOnly: false },
  { pattern: /^\s*setenv\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/, quotedOnly: false },
  { pattern: /^\s*\$env:([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/i, quotedOnly: true },
  { pattern: /\[(?:System\.)?Environment\]::SetEnvironmentVariable\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*,\s*(['"][^'"]*['"])/i, quotedOnly: true },
];

/**
 * The assigned literal: a quoted string as a whole, or a lone word. A word followed by more words
 * (`X=value cmd`, `$env:X = Get-Secret -Name x`) is a command line, not a stored value.
 */
function assignedValue(rest: string, quotedOnly: boolean): string | undefined {
  const trimmed = rest.trim().replace(/\s+#.*$/, '');
  const quoted = /^(['"])(.*?)\1\s*;?\s*$/.exec(trimmed);
  if (quoted) return quoted[2] ?? '';
  if (quotedOnly) return undefined;
  const words = trimmed.replace(/;$/, '').split(/\s+/);
  return words.length === 1 ? words[0] : undefined;
}

/** Token-shaped secrets on any line (a commented-out key is still a leaked key), and literal values of secret-named variables. */
export function scanProfileText(text: string): Omit<ProfileSighting, 'path' | 'owner'>[] {
  const out: Omit<ProfileSighting, 'path' | 'owner'>[] = [];
  splitLines(text).forEach((line, index) => {
    const tokens = findTokens(line);
    for (const token of tokens) out.push({ line: index + 1, kind: token.kind, hint: token.hint });
    if (tokens.length > 0 || /^\s*(#|\/\/|REM\s)/i.test(line)) return;
    for (const { pattern, quotedOnly } of ASSIGNMENTS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const name = match[1] as string;
      const raw = assignedValue(match[2] ?? '', quotedOnly);
      const value = raw === undefined ? undefined : stripMatchingQuotes(raw);
      if (value !== undefined && isSecretLikeName(name) && isLiteralSecretValue(value)) {
        out.push({ line: index + 1, kind: 'secret in a variable assignment', hint: redactedHint(value), variable: name });
      }
      break;
    }
  });
  return out;
}

export const shellProfiles = defineCollector<ShellProfiles>({
  id: 'shell-profiles',
  description: 'secrets written into shell start-up files, /etc/environment and PowerShell profiles',
  async collect({ host, get }) {
    const users = await get(targetUsers);
    const paths = targetPaths(host.platform);
    const files: { path: string; owner: string }[] = [];
    const userFiles = host.platform === 'win32' ? USER_FILES_WINDOWS : USER_FILES_UNIX;
    for (const user of users.audited) {
      for (const rel of userFiles) files.push({ path: paths.join(user.home, ...rel.split('/')), owner: user.name });
    }
    if (host.platform === 'win32') {
      files.push(...SYSTEM_FILES_WINDOWS.map((path) => ({ path, owner: 'system' })));
    } else {
      files.push(...SYSTEM_FILES_UNIX.map((path) => ({ path, owner: 'system' })));
      for (const folder of SYSTEM_FOLDERS_UNIX) {
        const names = (await host.listDir(folder).catch(() => undefined)) ?? [];
        for (const name of names.filter((item) => item.endsWith('.sh') || item.endsWith('.csh'))) {
          files.push({ path: paths.join(folder, name), owner: 'system' });
        }
      }
    }
    return scanFiles(host, files);
  },
});

async function scanFiles(host: Host, files: { path: string; owner: string }[]): Promise<ShellProfiles> {
  const result: ShellProfiles = { read: [], unreadable: [], sightings: [] };
  // Read concurrently (an image may have a thousand homes), report in the order of the list.
  const outcomes = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, bytes: await host.readFile(file.path) };
      } catch (error) {
        return { file, error: describeError(error) };
      }
    }),
  );
  for (const outcome of outcomes) {
    const { file } = outcome;
    if ('error' in outcome) {
      result.unreadable.push({ path: file.path, error: outcome.error ?? 'unreadable' });
      continue;
    }
    if (!outcome.bytes) continue;
    result.read.push(file.path);
    for (const sighting of scanProfileText(outcome.bytes.toString('utf8'))) result.sightings.push({ ...sighting, path: file.path, owner: file.owner });
  }
  return result;
}
