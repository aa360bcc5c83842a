import { splitLines, stripBom } from '../util/text-lines.js';
import type { DarwinAclEntry, PosixAclEntry, WindowsAce } from './host.js';

const POSIX_TAGS: Record<string, 'user' | 'group' | 'mask' | 'other'> = {
  user: 'user',
  u: 'user',
  group: 'group',
  g: 'group',
  mask: 'mask',
  m: 'mask',
  other: 'other',
  o: 'other',
};

/** Parses one file's block of `getfacl -n --absolute-names` output; `#effective:` comments are ignored. */
export function parseGetfacl(text: string): PosixAclEntry[] {
  const entries: PosixAclEntry[] = [];
  for (const rawLine of splitLines(text)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const fields = line.split(':');
    let isDefault = false;
    if (fields[0] === 'default' || fields[0] === 'd') {
      isDefault = true;
      fields.shift();
    }
    if (fields.length !== 3) continue;
    const [tagText, qualifier, perms] = fields as [string, string, string];
    const tag = POSIX_TAGS[tagText];
    if (tag === undefined || !/^[r-][w-][xX-]$/.test(perms)) continue;
    if ((tag === 'mask' || tag === 'other') && qualifier !== '') continue;
    const entry: PosixAclEntry = {
      tag: qualifier === '' ? objectTag(tag) : tag,
      read: perms[0] === 'r',
      write: perms[1] === 'w',
      execute: perms[2] !== '-',
      isDefault,
    };
    if (qualifier !== '') entry.qualifier = qualifier;
    entries.push(entry);
  }
  return entries;
}

function objectTag(tag: 'user' | 'group' | 'mask' | 'other'): PosixAclEntry['tag'] {
  if (tag === 'user') return 'user_obj';
  if (tag === 'group') return 'group_obj';
  return tag;
}

const DARWIN_ACL_LINE = /^\s*(\d+):\s+(user|group):(.+?)\s+(inherited\s+)?(allow|deny)(?:\s+(\S+))?\s*$/;

/** Parses the ACL lines of macOS `ls -led PATH`; the first (long listing) line and anything else is skipped. */
export function parseDarwinLsAcl(text: string): DarwinAclEntry[] {
  const entries: DarwinAclEntry[] = [];
  for (const line of splitLines(text)) {
    const m = DARWIN_ACL_LINE.exec(line);
    if (!m) continue;
    const [, index, kind, principal, inherited, verdict, perms] = m;
    entries.push({
      index: Number(index),
      principalKind: kind === 'user' ? 'user' : 'group',
      principal: principal ?? '',
      allow: verdict === 'allow',
      permissions: (perms ?? '').split(',').filter((p) => p !== ''),
      inherited: inherited !== undefined,
      text: line.trim(),
    });
  }
  return entries;
}

/** Prints the ACL of $env:COWORK_AUDIT_PATH as JSON; the path travels in the environment, never in the command line. */
export const WINDOWS_ACL_SCRIPT =
  '$a = Get-Acl -LiteralPath $env:COWORK_AUDIT_PATH; [pscustomobject]@{ owner = $a.Owner; ownerSid = $a.GetOwner([System.Security.Principal.SecurityIdentifier]).Value; access = @($a.GetAccessRules($true,$true,[System.Security.Principal.SecurityIdentifier]) | ForEach-Object { [pscustomobject]@{ sid = $_.IdentityReference.Value; principal = try { $_.IdentityReference.Translate([System.Security.Principal.NTAccount]).Value } catch { $_.IdentityReference.Value }; type = $_.AccessControlType.ToString(); rights = [int64]$_.FileSystemRights; inherited = $_.IsInherited } }) } | ConvertTo-Json -Depth 4 -Compress';

/** Well-known SIDs that stand for (nearly) everyone on the machine or network. */
export const BROAD_WINDOWS_SIDS: Record<string, string> = {
  'S-1-1-0': 'Everyone',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-32-545': 'BUILTIN\\Users',
  'S-1-5-7': 'Anonymous Logon',
  'S-1-5-32-546': 'BUILTIN\\Guests',
  'S-1-5-4': 'Interactive',
};

const GENERIC_ALL = 0x10000000;
const READ_RIGHTS = 0x1 /* ReadData */ | 0x80000000 /* GenericRead */ | GENERIC_ALL;
// Rights that change data or who may change it; attribute-only rights are left out on purpose.
const WRITE_RIGHTS =
  0x2 /* WriteData */ |
  0x4 /* AppendData */ |
  0x10000 /* Delete */ |
  0x40000 /* ChangePermissions */ |
  0x80000 /* TakeOwnership */ |
  0x40000000 /* GenericWrite */ |
  GENERIC_ALL;

export type WindowsAclResult = { owner?: string; ownerSid?: string; entries: WindowsAce[] } | { error: string };

/** Parses the JSON printed by WINDOWS_ACL_SCRIPT; ACEs it cannot read are skipped. */
export function parseWindowsAclJson(text: string): WindowsAclResult {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text).trim());
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  if (!isRecord(data)) return { error: 'expected a JSON object with owner, ownerSid and access' };
  // ConvertTo-Json prints a one-element array as the element itself, and an empty one as null.
  const access = data.access === null || data.access === undefined ? [] : Array.isArray(data.access) ? data.access : [data.access];
  const entries: WindowsAce[] = [];
  for (const item of access) {
    const ace = toWindowsAce(item);
    if (ace) entries.push(ace);
  }
  const result: { owner?: string; ownerSid?: string; entries: WindowsAce[] } = { entries };
  if (typeof data.owner === 'string' && data.owner !== '') result.owner = data.owner;
  if (typeof data.ownerSid === 'string' && data.ownerSid !== '') result.ownerSid = data.ownerSid;
  return result;
}

function toWindowsAce(item: unknown): WindowsAce | undefined {
  if (!isRecord(item) || typeof item.sid !== 'string' || item.sid === '') return undefined;
  const type = typeof item.type === 'string' ? item.type.toLowerCase() : '';
  if (type !== 'allow' && type !== 'deny') return undefined;
  if (typeof item.rights !== 'number' || !Number.isInteger(item.rights)) return undefined;
  // [int64] of GenericRead arrives as -2147483648: only the low 32 bits are flags, read them unsigned.
  const rights = item.rights >>> 0;
  return {
    sid: item.sid,
    principal: typeof item.principal === 'string' && item.principal !== '' ? item.principal : item.sid,
    allow: type === 'allow',
    read: (rights & READ_RIGHTS) !== 0,
    write: (rights & WRITE_RIGHTS) !== 0,
    inherited: item.inherited === true,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
