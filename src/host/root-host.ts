import { existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { parseGroup, parsePasswd } from './accounts.js';
import { accessError, isAbsentError, listDirectory, readRegularFile, statPath, toFileInfo } from './fs-evidence.js';
import {
  DEFAULT_MAX_READ_BYTES,
  HostAccessError,
  type Account,
  type AclEvidence,
  type CommandResult,
  type FileInfo,
  type Group,
  type Host,
  type Platform,
  type TargetInfo,
} from './host.js';
import { readPosixAcl } from './read-acl.js';
import { UsageError } from '../util/usage-error.js';

const MAX_LINK_HOPS = 40;

export interface ResolvedPath {
  /** Where the entry lives on the scanning machine, always inside the image folder. */
  real: string;
  /** The same entry as seen from inside the image. */
  inside: string;
  /** A component was found missing: the entry does not exist, no need to look again. */
  absent?: boolean;
  /** What the last component is (lstat), when the path has one. */
  last?: Stats;
  lastLink?: string;
}

type PathEntry = { kind: 'present'; stats: Stats } | { kind: 'link'; target: string; stats: Stats } | { kind: 'absent' } | { kind: 'error'; error: unknown };

/** Guesses the platform of an image from the files only that platform has. */
export function detectImagePlatform(root: string): Platform {
  if (existsSync(path.join(root, 'System/Library/CoreServices/SystemVersion.plist'))) return 'darwin';
  if (existsSync(path.join(root, 'Windows/System32'))) return 'win32';
  return 'linux';
}

/**
 * An offline image mounted at a folder (`--root DIR`), or a repository (`--repo DIR`). Paths resolve as
 * if DIR were `/`: links are followed inside the image like a chroot would (an absolute target starts
 * again at DIR, `..` stops at DIR), so no link, absolute, relative or chained, can lead out. No command
 * is ever run; the only helper is getfacl on files already confined to the image.
 */
export class RootHost implements Host {
  readonly platform: Platform;
  private readonly root: string;
  private accounts?: Promise<{ users: Account[]; groups: Group[] }>;
  /**
   * What each real path is (folder, link and its target, absent), looked up once a scan: thousands of
   * homes share their ancestors, and the image is not changed while it is audited.
   */
  private readonly entries = new Map<string, Promise<PathEntry>>();
  private readonly listings = new Map<string, Promise<Set<string> | undefined>>();

  constructor(
    root: string,
    readonly kind: 'root' | 'repo' = 'root',
    platform?: Platform,
  ) {
    let real: string;
    try {
      real = realpathSync(root);
    } catch {
      throw new UsageError(`--${kind} ${root}: no such folder`);
    }
    if (!statSync(real).isDirectory()) throw new UsageError(`--${kind} ${root}: not a folder`);
    this.root = real;
    this.platform = platform ?? (kind === 'repo' ? 'linux' : detectImagePlatform(real));
  }

  async info(): Promise<TargetInfo> {
    const info: TargetInfo = { kind: this.kind, platform: this.platform, path: this.root };
    if (this.kind === 'root') {
      const hostname = (await this.readText('/etc/hostname'))?.trim();
      if (hostname) info.hostname = hostname;
      const osRelease = await this.readText('/etc/os-release');
      const pretty = osRelease ? /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] : undefined;
      if (pretty) info.os = pretty;
    }
    return info;
  }

  /** Confines a target path to the image, following links within it. */
  async resolve(targetPath: string, followFinal: boolean): Promise<ResolvedPath> {
    const pending = this.components(targetPath).reverse();
    // resolved[i] is a component inside the image; reals[i] the real path up to and including it.
    const resolved: string[] = [];
    const reals: string[] = [];
    const realOf = () => (reals.length > 0 ? (reals[reals.length - 1] as string) : this.root);
    const result = (extra: Partial<ResolvedPath> = {}): ResolvedPath => ({ real: realOf(), inside: `/${resolved.join('/')}`, ...extra });
    const push = (part: string) => {
      resolved.push(part);
      reals.push(`${realOf()}${path.sep}${part}`);
    };
    let hops = 0;
    let lastEntry: PathEntry | undefined;
    while (pending.length > 0) {
      const part = pending.pop() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        resolved.pop();
        reals.pop();
        lastEntry = undefined;
        continue;
      }
      const real = `${realOf()}${path.sep}${part}`;
      const last = pending.length === 0;
      const entry = await this.entry(real);
      lastEntry = entry;
      if (entry.kind === 'error') accessError(targetPath, entry.error);
      if (entry.kind === 'absent' || entry.kind === 'error') {
        // Absent (or below a file): so is everything under it, as the kernel would say. Keep the rest
        // without `.` and `..`, so the lexical remainder can never cancel the missing part and climb.
        push(part);
        for (const item of pending.reverse()) if (item !== '' && item !== '.' && item !== '..') push(item);
        return result({ absent: true });
      }
      if (entry.kind !== 'link' || (last && !followFinal)) {
        push(part);
        continue;
      }
      hops += 1;
      if (hops > MAX_LINK_HOPS) throw new HostAccessError(targetPath, 'ELOOP', `cannot read ${targetPath}: too many links`);
      const target = entry.target;
      lastEntry = undefined;
      if (target.startsWith('/')) {
        resolved.length = 0;
        reals.length = 0;
      }
      pending.push(...target.split('/').reverse());
    }
    if (lastEntry?.kind === 'present') return result({ last: lastEntry.stats });
    if (lastEntry?.kind === 'link') return result({ last: lastEntry.stats, lastLink: lastEntry.target });
    return result();
  }

  /** lstat of a resolved path, from what resolving it already saw. */
  private async fileInfo(resolved: ResolvedPath, targetPath: string): Promise<FileInfo | undefined> {
    if (resolved.absent) return undefined;
    if (resolved.last) return toFileInfo(targetPath, resolved.last, resolved.lastLink);
    return statPath(resolved.real, targetPath, false);
  }

  private entry(real: string): Promise<PathEntry> {
    let entry = this.entries.get(real);
    if (!entry) {
      entry = this.lookUp(real);
      this.entries.set(real, entry);
    }
    return entry;
  }

  /**
   * Most paths a scan asks for do not exist (~/.azure, ~/.kube... in every home): one listing of the
   * folder answers all of them, where an lstat each would fail one by one.
   */
  private async lookUp(real: string): Promise<PathEntry> {
    const parent = path.dirname(real);
    if (parent !== real && parent.length >= this.root.length) {
      const names = await this.names(parent);
      if (names && !names.has(path.basename(real))) return { kind: 'absent' };
    }
    try {
      const stats = await lstat(real);
      return stats.isSymbolicLink() ? { kind: 'link', target: await readlink(real), stats } : { kind: 'present', stats };
    } catch (error) {
      return isAbsentError(error) ? { kind: 'absent' } : { kind: 'error', error };
    }
  }

  /** Entry names of a real folder; undefined when it cannot be listed (then each name is looked up). */
  private names(real: string): Promise<Set<string> | undefined> {
    let names = this.listings.get(real);
    if (!names) {
      names = readdir(real).then(
        (list) => new Set(list),
        () => undefined,
      );
      this.listings.set(real, names);
    }
    return names;
  }

  private components(targetPath: string): string[] {
    // A mounted Windows volume: C:\Users\alice -> <root>/Users/alice.
    const posixPath = this.platform === 'win32' ? targetPath.replace(/^[A-Za-z]:/, '').replace(/\\/g, '/') : targetPath;
    return posixPath.split('/');
  }

  async lstat(targetPath: string): Promise<FileInfo | undefined> {
    const resolved = await this.resolve(targetPath, false);
    return this.fileInfo(resolved, targetPath);
  }

  async stat(targetPath: string): Promise<FileInfo | undefined> {
    const info = await this.fileInfo(await this.resolve(targetPath, true), targetPath);
    return info?.type === 'symlink' ? undefined : info;
  }

  async realPath(targetPath: string): Promise<string | undefined> {
    const resolved = await this.resolve(targetPath, true);
    const { inside } = resolved;
    const info = await this.fileInfo(resolved, targetPath);
    if (!info || info.type === 'symlink') return undefined;
    return this.platform === 'win32' ? `C:${inside.replace(/\//g, '\\')}` : inside;
  }

  async readFile(targetPath: string, maxBytes = DEFAULT_MAX_READ_BYTES): Promise<Buffer | undefined> {
    const { real, absent } = await this.resolve(targetPath, true);
    return absent ? undefined : readRegularFile(real, targetPath, maxBytes, true);
  }

  private async readText(targetPath: string): Promise<string | undefined> {
    try {
      return (await this.readFile(targetPath))?.toString('utf8');
    } catch {
      return undefined;
    }
  }

  async listDir(targetPath: string): Promise<string[] | undefined> {
    const { real, absent } = await this.resolve(targetPath, true);
    return absent ? undefined : listDirectory(real, targetPath);
  }

  async acl(targetPath: string): Promise<AclEvidence> {
    if (this.platform === 'win32') return { kind: 'unavailable', reason: 'Windows ACLs are not readable from a mounted image' };
    if (this.platform === 'darwin') return { kind: 'unavailable', reason: 'macOS ACLs are not readable from a mounted image' };
    const { real, absent } = await this.resolve(targetPath, true);
    if (absent) return { kind: 'unavailable', reason: `${targetPath} does not exist` };
    return readPosixAcl(real);
  }

  async run(command: string): Promise<CommandResult> {
    return { ran: false, exitCode: null, stdout: '', stderr: '', unavailable: `no command is run against an offline ${this.kind} (${command})` };
  }

  async env(): Promise<Record<string, string>> {
    return {};
  }

  async users(): Promise<Account[]> {
    return (await this.loadAccounts()).users;
  }

  async groups(): Promise<Group[]> {
    return (await this.loadAccounts()).groups;
  }

  async currentUser(): Promise<Account | undefined> {
    return undefined;
  }

  private loadAccounts(): Promise<{ users: Account[]; groups: Group[] }> {
    this.accounts ??= this.readAccounts();
    return this.accounts;
  }

  private async readAccounts(): Promise<{ users: Account[]; groups: Group[] }> {
    if (this.kind === 'repo') return { users: [], groups: [] };
    const users = parsePasswd((await this.readText('/etc/passwd')) ?? '');
    const groups = parseGroup((await this.readText('/etc/group')) ?? '');
    if (this.platform === 'linux') return { users, groups };
    // macOS and Windows images keep accounts elsewhere (Directory Services, SAM); their homes show who exists.
    for (const name of (await this.listDir('/Users')) ?? []) {
      if (name.startsWith('.') || name === 'Shared' || name === 'Public' || name === 'Default' || name === 'All Users' || name === 'Default User') continue;
      const home = this.platform === 'win32' ? `C:\\Users\\${name}` : `/Users/${name}`;
      const info = await this.stat(home).catch(() => undefined);
      if (info?.type !== 'dir' || users.some((user) => user.name === name)) continue;
      users.push({ name, uid: info.uid, gid: info.gid, home });
    }
    return { users, groups };
  }
}
