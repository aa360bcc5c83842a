import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseDarwinLsAcl, parseGetfacl, parseWindowsAclJson } from './acl-parsers.js';
import {
  DEFAULT_MAX_READ_BYTES,
  HostAccessError,
  PLATFORMS,
  type Account,
  type AclEvidence,
  type CommandResult,
  type FileInfo,
  type FileType,
  type Group,
  type Host,
  type Platform,
  type PosixAclEntry,
  type TargetInfo,
} from './host.js';
import { targetPaths, type TargetPaths } from './target-paths.js';
import { UsageError } from '../util/usage-error.js';

/** One recorded file-system entry. Git keeps no modes or owners, so the manifest records them. */
export interface ReplayEntry {
  type?: 'file' | 'dir' | 'symlink';
  /** Octal, as text: "0600". */
  mode?: string;
  uid?: number;
  gid?: number;
  content?: string;
  /** Content kept in the fixture's files/ folder, relative to it. */
  contentFile?: string;
  /** Symlink target. */
  target?: string;
  /** Recorded ACL output: getfacl text (Linux), `ls -led` text (macOS), Get-Acl JSON (Windows). */
  acl?: string | Record<string, unknown>;
  /** Recorded read error, such as EACCES. */
  error?: string;
}

export interface ReplayCommand {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** The tool was missing or timed out when recorded. */
  unavailable?: string;
}

export interface ReplaySpec {
  platform: Platform;
  hostname?: string;
  os?: string;
  /** Who ran the recorded scan. */
  currentUser?: string;
  env?: Record<string, string>;
  users: Account[];
  groups?: Group[];
  files: Record<string, ReplayEntry>;
  /** Keyed by the command line: program and arguments joined by single spaces. */
  commands?: Record<string, ReplayCommand>;
}

const IMPLIED_DIR: ReplayEntry = { type: 'dir', mode: '0755', uid: 0, gid: 0 };
const MAX_LINK_HOPS = 40;

export function commandKey(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}

/**
 * Loads fixtures/endpoints/NAME/endpoint.yaml (or a folder given by path), plus the fragments in
 * endpoint.d/*.yaml in name order: a recording assembled per area (firewall, agent settings, ...). A
 * fragment adds files, commands, env, users and groups (members of a group it names again are added);
 * naming a file, command, variable or user the manifest already has is an error, never a silent override.
 */
export function loadReplaySpec(folder: string): ReplaySpec {
  const file = path.join(folder, 'endpoint.yaml');
  const spec = readManifest(file) as ReplaySpec;
  if (!spec || !PLATFORMS.includes(spec.platform)) throw new UsageError(`replay fixture ${file}: platform must be one of ${PLATFORMS.join(', ')}`);
  for (const fragment of fragmentFiles(path.join(folder, 'endpoint.d'))) mergeFragment(spec, readManifest(fragment) as Partial<ReplaySpec> | null, fragment);
  for (const [target, entry] of Object.entries(spec.files ?? {})) {
    if (entry?.contentFile) {
      const source = path.resolve(folder, 'files', entry.contentFile);
      if (!source.startsWith(path.resolve(folder, 'files') + path.sep)) throw new UsageError(`replay fixture ${file}: ${target}: contentFile outside files/`);
      entry.content = readFileSync(source, 'utf8');
      delete entry.contentFile;
    }
  }
  return spec;
}

/** The .yaml files of a fragment folder, in name order; none when the folder is absent. */
export function fragmentFiles(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.filter((name) => name.endsWith('.yaml') && !name.startsWith('.')).sort().map((name) => path.join(folder, name));
}

function readManifest(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`replay fixture ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function mergeFragment(spec: ReplaySpec, fragment: Partial<ReplaySpec> | null, file: string): void {
  if (!fragment) return;
  const clash = (what: string, key: string) => new UsageError(`replay fixture ${file}: ${what} ${key} is already recorded`);
  if (fragment.platform !== undefined && fragment.platform !== spec.platform) throw new UsageError(`replay fixture ${file}: platform ${fragment.platform} differs from the manifest's ${spec.platform}`);
  const mergeMap = <T>(into: Record<string, T>, from: Record<string, T> | undefined, what: string) => {
    for (const [key, value] of Object.entries(from ?? {})) {
      if (key in into) throw clash(what, key);
      into[key] = value;
    }
  };
  spec.files ??= {};
  mergeMap(spec.files, fragment.files, 'file');
  if (fragment.commands) mergeMap((spec.commands ??= {}), fragment.commands, 'command');
  if (fragment.env) mergeMap((spec.env ??= {}), fragment.env, 'variable');
  for (const user of fragment.users ?? []) {
    if (spec.users.some((known) => known.name === user.name)) throw clash('user', user.name);
    spec.users.push(user);
  }
  for (const group of fragment.groups ?? []) {
    const known = (spec.groups ??= []).find((candidate) => candidate.name === group.name);
    if (known) known.members = [...new Set([...known.members, ...group.members])];
    else spec.groups.push(group);
  }
}

/** A recorded endpoint: how macOS and Windows checks are tested on a Linux CI. */
export class ReplayHost implements Host {
  readonly kind = 'replay' as const;
  readonly platform: Platform;
  private readonly paths: TargetPaths;
  private readonly entries = new Map<string, ReplayEntry & { path: string }>();

  constructor(private readonly spec: ReplaySpec) {
    this.platform = spec.platform;
    this.paths = targetPaths(spec.platform);
    for (const [target, entry] of Object.entries(spec.files ?? {})) {
      const type = entry.type ?? (entry.target !== undefined ? 'symlink' : 'file');
      this.entries.set(this.key(target), { ...entry, type, path: this.paths.normalize(target) });
    }
  }

  static fromFolder(folder: string): ReplayHost {
    return new ReplayHost(loadReplaySpec(folder));
  }

  private key(target: string): string {
    const normalized = this.paths.normalize(target).replace(/[\\/]+$/, '') || this.paths.sep;
    return this.platform === 'win32' ? normalized.toLowerCase() : normalized;
  }

  /** What the keys of a folder's children start with (`/` has no second separator, `C:\\` neither). */
  private childPrefix(key: string): string {
    const separator = this.platform === 'win32' ? '\\' : '/';
    return key.endsWith(separator) ? key : key + separator;
  }

  private lookup(target: string): (ReplayEntry & { path: string }) | undefined {
    const found = this.entries.get(this.key(target));
    if (found) return found;
    // Parents of recorded entries exist as plain directories.
    const prefix = this.childPrefix(this.key(target));
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) return { ...IMPLIED_DIR, path: this.paths.normalize(target) };
    }
    return undefined;
  }

  /** Follows recorded links, the way the kernel would. */
  private resolve(target: string, followFinal: boolean): string {
    let current = this.paths.normalize(target);
    for (let hops = 0; hops < MAX_LINK_HOPS; hops += 1) {
      const parts = current.split(/[\\/]/);
      let rebuilt = '';
      let changed = false;
      for (let index = 0; index < parts.length; index += 1) {
        const prefix = index === 0 ? parts[0] || this.paths.sep : this.paths.join(rebuilt, parts[index] as string);
        const entry = this.entries.get(this.key(prefix));
        const last = index === parts.length - 1;
        if (entry?.type === 'symlink' && entry.target !== undefined && (!last || followFinal)) {
          const base = this.paths.isAbsolute(entry.target) ? entry.target : this.paths.join(this.paths.dirname(prefix), entry.target);
          current = this.paths.join(base, ...parts.slice(index + 1));
          changed = true;
          break;
        }
        rebuilt = prefix;
      }
      if (!changed) return current;
    }
    return current;
  }

  async info(): Promise<TargetInfo> {
    const info: TargetInfo = { kind: 'replay', platform: this.platform };
    if (this.spec.hostname) info.hostname = this.spec.hostname;
    if (this.spec.os) info.os = this.spec.os;
    return info;
  }

  private toInfo(target: string, entry: ReplayEntry & { path: string }): FileInfo {
    const type: FileType = entry.type ?? 'file';
    const info: FileInfo = {
      path: target,
      type,
      mode: this.platform === 'win32' ? 0 : parseInt(entry.mode ?? (type === 'dir' ? '0755' : '0644'), 8),
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      size: Buffer.byteLength(entry.content ?? ''),
      mtimeMs: 0,
    };
    if (entry.target !== undefined) info.linkTarget = entry.target;
    return info;
  }

  private failIfRecorded(target: string, entry: ReplayEntry | undefined): void {
    if (entry?.error) {
      throw new HostAccessError(target, entry.error, `cannot read ${target}: ${entry.error}`);
    }
  }

  async lstat(target: string): Promise<FileInfo | undefined> {
    const entry = this.lookup(this.resolve(target, false));
    this.failIfRecorded(target, entry);
    return entry ? this.toInfo(target, entry) : undefined;
  }

  async stat(target: string): Promise<FileInfo | undefined> {
    const entry = this.lookup(this.resolve(target, true));
    this.failIfRecorded(target, entry);
    if (!entry || entry.type === 'symlink') return undefined;
    return this.toInfo(target, entry);
  }

  async realPath(target: string): Promise<string | undefined> {
    const resolved = this.resolve(target, true);
    const entry = this.lookup(resolved);
    this.failIfRecorded(target, entry);
    return entry && entry.type !== 'symlink' ? entry.path : undefined;
  }

  async readFile(target: string, maxBytes = DEFAULT_MAX_READ_BYTES): Promise<Buffer | undefined> {
    const entry = this.lookup(this.resolve(target, true));
    this.failIfRecorded(target, entry);
    if (!entry || entry.type !== 'file') return undefined;
    return Buffer.from(entry.content ?? '', 'utf8').subarray(0, maxBytes);
  }

  async listDir(target: string): Promise<string[] | undefined> {
    const resolved = this.resolve(target, true);
    const entry = this.lookup(resolved);
    this.failIfRecorded(target, entry);
    if (!entry || entry.type !== 'dir') return undefined;
    const prefix = this.childPrefix(this.key(resolved));
    const names = new Set<string>();
    for (const value of this.entries.values()) {
      const key = this.key(value.path);
      if (key.startsWith(prefix)) names.add(value.path.slice(prefix.length).split(/[\\/]/)[0] as string);
    }
    return [...names].sort();
  }

  async acl(target: string): Promise<AclEvidence> {
    const resolved = this.resolve(target, true);
    const entry = this.lookup(resolved);
    if (!entry) return { kind: 'unavailable', reason: `${target} does not exist` };
    if (this.platform === 'linux') {
      return { kind: 'posix', entries: typeof entry.acl === 'string' ? parseGetfacl(entry.acl) : baseAcl(this.toInfo(target, entry).mode) };
    }
    if (this.platform === 'darwin') {
      return { kind: 'darwin', entries: typeof entry.acl === 'string' ? parseDarwinLsAcl(entry.acl) : [] };
    }
    return this.windowsAcl(resolved);
  }

  /** NTFS inheritance: a path without its own recorded ACL carries its nearest ancestor's, inherited. */
  private windowsAcl(resolved: string): AclEvidence {
    let current = resolved;
    let inherited = false;
    for (;;) {
      const recorded = this.entries.get(this.key(current))?.acl;
      if (recorded !== undefined) {
        const parsed = parseWindowsAclJson(typeof recorded === 'string' ? recorded : JSON.stringify(recorded));
        if ('error' in parsed) return { kind: 'unavailable', reason: parsed.error };
        const entries = inherited ? parsed.entries.map((ace) => ({ ...ace, inherited: true })) : parsed.entries;
        return { kind: 'windows', ...parsed, entries };
      }
      const parent = this.paths.dirname(current);
      if (parent === current) return { kind: 'unavailable', reason: 'no ACL recorded' };
      current = parent;
      inherited = true;
    }
  }

  async run(command: string, args: readonly string[]): Promise<CommandResult> {
    const recorded = this.spec.commands?.[commandKey(command, args)];
    if (!recorded) return { ran: false, exitCode: null, stdout: '', stderr: '', unavailable: `${commandKey(command, args)} was not recorded` };
    if (recorded.unavailable) return { ran: false, exitCode: null, stdout: '', stderr: '', unavailable: recorded.unavailable };
    return { ran: true, exitCode: recorded.exitCode ?? 0, stdout: recorded.stdout ?? '', stderr: recorded.stderr ?? '' };
  }

  async env(): Promise<Record<string, string>> {
    return { ...(this.spec.env ?? {}) };
  }

  async users(): Promise<Account[]> {
    return this.spec.users ?? [];
  }

  async groups(): Promise<Group[]> {
    return this.spec.groups ?? [];
  }

  async currentUser(): Promise<Account | undefined> {
    return this.spec.users?.find((user) => user.name === this.spec.currentUser);
  }
}

/** What getfacl prints for a file without extended entries. */
function baseAcl(mode: number): PosixAclEntry[] {
  const bits = (shift: number) => ({ read: !!(mode & (4 << shift)), write: !!(mode & (2 << shift)), execute: !!(mode & (1 << shift)), isDefault: false });
  return [
    { tag: 'user_obj', ...bits(6) },
    { tag: 'group_obj', ...bits(3) },
    { tag: 'other', ...bits(0) },
  ];
}
