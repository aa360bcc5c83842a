import { BROAD_WINDOWS_SIDS } from '../host/acl-parsers.js';
import type { Account, AclEvidence, DarwinAclEntry, FileInfo, Group, PosixAclEntry, WindowsAce } from '../host/host.js';

// Who may read or write a path, computed from owner, mode and ACL the way each kernel decides it.

export interface Bits {
  read: boolean;
  write: boolean;
  execute: boolean;
}

/** A grant to someone other than the owner; `via` says what grants it, for the finding and the fix. */
export interface Grant extends Bits {
  who: string;
  via: 'mode' | 'acl' | 'default-acl';
  /** The ACL entry to remove, when an ACL grants it. */
  posixEntry?: PosixAclEntry;
  darwinEntry?: DarwinAclEntry;
  windowsAce?: WindowsAce;
}

export interface Principal {
  uid: number;
  gids: number[];
  name: string;
  /** Names of the principal's groups (for ACLs that name groups instead of ids). */
  groupNames: string[];
  sids: string[];
}

const NONE: Bits = { read: false, write: false, execute: false };

function modeBits(mode: number, shift: number): Bits {
  return { read: !!(mode & (4 << shift)), write: !!(mode & (2 << shift)), execute: !!(mode & (1 << shift)) };
}

function and(a: Bits, b: Bits): Bits {
  return { read: a.read && b.read, write: a.write && b.write, execute: a.execute && b.execute };
}

function or(a: Bits, b: Bits): Bits {
  return { read: a.read || b.read, write: a.write || b.write, execute: a.execute || b.execute };
}

function any(bits: Bits): boolean {
  return bits.read || bits.write || bits.execute;
}

export function principalFor(account: Account, groups: readonly Group[]): Principal {
  // Windows has no primary gid worth the name: membership lists alone decide.
  const member = groups.filter((group) => (!account.sid && group.gid === account.gid) || group.members.includes(account.name));
  return {
    uid: account.uid,
    gids: [...new Set([account.gid, ...member.map((group) => group.gid)])],
    name: account.name,
    groupNames: member.map((group) => group.name),
    sids: [...(account.sid ? [account.sid] : []), ...member.flatMap((group) => (group.sid ? [group.sid] : []))],
  };
}

/** Access of anyone but the owner: group and other mode bits, and every named ACL entry (masked). */
export function grantsToOthers(info: FileInfo, acl: AclEvidence | undefined, ownerSid?: string): Grant[] {
  if (acl?.kind === 'windows') return windowsGrants(acl.entries, ownerSid);
  const grants: Grant[] = [];
  const group = modeBits(info.mode, 3);
  const other = modeBits(info.mode, 0);
  if (acl?.kind === 'posix') {
    const mask = acl.entries.find((entry) => entry.tag === 'mask' && !entry.isDefault);
    const groupObj = acl.entries.find((entry) => entry.tag === 'group_obj' && !entry.isDefault);
    const masked = (bits: Bits) => (mask ? and(bits, mask) : bits);
    if (groupObj && any(masked(groupObj))) grants.push({ who: `group ${info.gid}`, via: 'mode', ...masked(groupObj) });
    for (const entry of acl.entries) {
      if (entry.tag !== 'user' && entry.tag !== 'group') continue;
      const bits = entry.isDefault ? entry : masked(entry);
      if (!any(bits)) continue;
      grants.push({
        who: `${entry.tag} ${entry.qualifier ?? '?'}`,
        via: entry.isDefault ? 'default-acl' : 'acl',
        read: bits.read,
        write: bits.write,
        execute: bits.execute,
        posixEntry: entry,
      });
    }
  } else if (any(group)) {
    grants.push({ who: `group ${info.gid}`, via: 'mode', ...group });
  }
  if (any(other)) grants.push({ who: 'everyone (other)', via: 'mode', ...other });
  if (acl?.kind === 'darwin') {
    for (const entry of acl.entries) {
      if (!entry.allow) continue;
      const bits = darwinBits(entry);
      if (any(bits)) grants.push({ who: `${entry.principalKind} ${entry.principal}`, via: 'acl', ...bits, darwinEntry: entry });
    }
  }
  return grants;
}

// Principals that hold every file on a Windows machine anyway: a grant to them exposes nothing.
const TRUSTED_WINDOWS_SIDS = new Set(['S-1-5-18' /* SYSTEM */, 'S-1-5-32-544' /* Administrators */, 'S-1-3-0' /* CREATOR OWNER */, 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464' /* TrustedInstaller */]);

function windowsGrants(entries: readonly WindowsAce[], ownerSid?: string): Grant[] {
  return entries
    .filter((ace) => ace.allow && (ace.read || ace.write) && ace.sid !== ownerSid && !TRUSTED_WINDOWS_SIDS.has(ace.sid))
    .map((ace) => ({
      who: ace.principal || BROAD_WINDOWS_SIDS[ace.sid] || ace.sid,
      via: 'acl' as const,
      read: ace.read,
      write: ace.write,
      execute: false,
      windowsAce: ace,
    }));
}

const DARWIN_READ = ['read', 'list', 'readattr', 'readextattr'];
const DARWIN_WRITE = ['write', 'append', 'add_file', 'add_subdirectory', 'delete', 'delete_child', 'writeattr', 'writeextattr', 'writesecurity', 'chown'];
const DARWIN_EXEC = ['execute', 'search'];

function darwinBits(entry: DarwinAclEntry): Bits {
  const has = (names: string[]) => entry.permissions.some((permission) => names.includes(permission));
  return { read: has(['read', 'list']), write: has(DARWIN_WRITE), execute: has(DARWIN_EXEC) };
}

/** What a principal may do to one path, by the platform's rules. */
export function accessOf(principal: Principal, info: FileInfo, acl: AclEvidence | undefined): Bits {
  if (acl?.kind === 'windows') return windowsAccess(principal, acl.entries);
  if (principal.uid === 0) return { read: true, write: true, execute: true };
  if (acl?.kind === 'darwin') {
    const decided = darwinAccess(principal, acl.entries);
    if (decided) return decided;
  }
  if (principal.uid === info.uid) return modeBits(info.mode, 6);
  if (acl?.kind === 'posix') return posixAclAccess(principal, info, acl.entries);
  if (principal.gids.includes(info.gid)) return modeBits(info.mode, 3);
  return modeBits(info.mode, 0);
}

// POSIX.1e: owner, then named user, then every matching group entry (masked), then other.
function posixAclAccess(principal: Principal, info: FileInfo, entries: readonly PosixAclEntry[]): Bits {
  const access = entries.filter((entry) => !entry.isDefault);
  const mask = access.find((entry) => entry.tag === 'mask');
  const masked = (bits: Bits) => (mask ? and(bits, mask) : bits);
  const matches = (qualifier: string | undefined, id: number, names: string[]) =>
    qualifier !== undefined && (qualifier === String(id) || names.includes(qualifier));
  const named = access.find((entry) => entry.tag === 'user' && matches(entry.qualifier, principal.uid, [principal.name]));
  if (named) return masked(named);
  const groupMatches = access.filter(
    (entry) =>
      (entry.tag === 'group_obj' && principal.gids.includes(info.gid)) ||
      (entry.tag === 'group' && principal.gids.some((gid) => matches(entry.qualifier, gid, principal.groupNames))),
  );
  if (groupMatches.length > 0) return groupMatches.map(masked).reduce(or, NONE);
  const other = access.find((entry) => entry.tag === 'other');
  return other ? other : modeBits(info.mode, 0);
}

// macOS evaluates ACL entries in order before the mode; the first entry naming a right decides it.
function darwinAccess(principal: Principal, entries: readonly DarwinAclEntry[]): Bits | undefined {
  const applies = (entry: DarwinAclEntry) =>
    entry.principalKind === 'user'
      ? entry.principal === principal.name
      : entry.principal === 'everyone' || principal.groupNames.includes(entry.principal);
  const decide = (names: string[]): boolean | undefined => {
    const entry = entries.find((candidate) => applies(candidate) && candidate.permissions.some((permission) => names.includes(permission)));
    return entry ? entry.allow : undefined;
  };
  const read = decide(DARWIN_READ.slice(0, 2));
  const write = decide(DARWIN_WRITE.slice(0, 2));
  const execute = decide(DARWIN_EXEC);
  if (read === undefined && write === undefined && execute === undefined) return undefined;
  return { read: read ?? false, write: write ?? false, execute: execute ?? false };
}

// Windows: an explicit deny for any of the principal's SIDs wins; otherwise any allow grants.
function windowsAccess(principal: Principal, entries: readonly WindowsAce[]): Bits {
  const sids = new Set([...principal.sids, 'S-1-1-0', 'S-1-5-11', 'S-1-5-32-545', 'S-1-5-4']);
  const mine = entries.filter((ace) => sids.has(ace.sid));
  const denied = (right: 'read' | 'write') => mine.some((ace) => !ace.allow && ace[right]);
  const allowed = (right: 'read' | 'write') => mine.some((ace) => ace.allow && ace[right]);
  const read = allowed('read') && !denied('read');
  // Bypass-traverse-checking is granted to everyone by default, so folders never block the way.
  return { read, write: allowed('write') && !denied('write'), execute: true };
}
