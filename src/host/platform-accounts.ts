import type { Account, Group } from './host.js';

// Account databases of macOS (dscl) and Windows (PowerShell), parsed from the commands' text output.

/** Records of `dscl . -readall /Users|/Groups ATTR...`: `Key: value` lines, `-` between records. */
export function parseDsclRecords(text: string): Record<string, string[]>[] {
  const records: Record<string, string[]>[] = [];
  let current: Record<string, string[]> = {};
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '-') {
      if (Object.keys(current).length) records.push(current);
      current = {};
      lastKey = undefined;
      continue;
    }
    const continuation = /^\s+(\S.*)$/.exec(line);
    if (continuation && lastKey) {
      current[lastKey] = [...(current[lastKey] ?? []), ...(continuation[1] ?? '').trim().split(/\s+/)];
      continue;
    }
    const match = /^([A-Za-z][\w.:-]*):(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    lastKey = match[1] as string;
    current[lastKey] = match[2] ? match[2].trim().split(/\s+/) : [];
  }
  if (Object.keys(current).length) records.push(current);
  return records;
}

export function dsclAccounts(text: string): Account[] {
  return parseDsclRecords(text).flatMap((record) => {
    const name = record.RecordName?.[0];
    const uid = Number(record.UniqueID?.[0]);
    const gid = Number(record.PrimaryGroupID?.[0]);
    if (!name || !Number.isInteger(uid) || !Number.isInteger(gid)) return [];
    const account: Account = { name, uid, gid, home: record.NFSHomeDirectory?.join(' ') ?? '' };
    if (record.UserShell?.[0]) account.shell = record.UserShell[0];
    return [account];
  });
}

export function dsclGroups(text: string): Group[] {
  return parseDsclRecords(text).flatMap((record) => {
    const name = record.RecordName?.[0];
    const gid = Number(record.PrimaryGroupID?.[0]);
    if (!name || !Number.isInteger(gid)) return [];
    return [{ name, gid, members: record.GroupMembership ?? [] }];
  });
}

/** Prints local users and groups as JSON; run by the live host on Windows. */
export const WINDOWS_ACCOUNTS_SCRIPT = [
  '$users = @(Get-CimInstance Win32_UserProfile | Where-Object { -not $_.Special } | ForEach-Object {',
  '  $name = try { (New-Object System.Security.Principal.SecurityIdentifier($_.SID)).Translate([System.Security.Principal.NTAccount]).Value } catch { $_.SID }',
  '  [pscustomobject]@{ name = ($name -split "\\\\")[-1]; sid = $_.SID; home = $_.LocalPath } })',
  '$groups = @(Get-LocalGroup | ForEach-Object { $g = $_; [pscustomobject]@{ name = $g.Name; sid = $g.SID.Value;',
  '  members = @(Get-LocalGroupMember -Group $g -ErrorAction SilentlyContinue | ForEach-Object { ($_.Name -split "\\\\")[-1] }) } })',
  '[pscustomobject]@{ users = $users; groups = $groups } | ConvertTo-Json -Depth 4 -Compress',
].join('\n');

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function parseWindowsAccounts(text: string): { users: Account[]; groups: Group[] } {
  let data: { users?: unknown; groups?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    return { users: [], groups: [] };
  }
  const users = asArray(data.users).flatMap((item, index) => {
    const { name, sid, home } = (item ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof home !== 'string') return [];
    // Windows has no numeric uid; a stable index keeps the Account shape uniform.
    return [{ name, uid: 1000 + index, gid: 0, home, ...(typeof sid === 'string' ? { sid } : {}) }];
  });
  const groups = asArray(data.groups).flatMap((item, index) => {
    const { name, sid, members } = (item ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string') return [];
    return [{ name, gid: index, members: asArray(members).filter((m): m is string => typeof m === 'string'), ...(typeof sid === 'string' ? { sid } : {}) }];
  });
  return { users, groups };
}
