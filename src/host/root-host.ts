import { existsSync, realpathSync, statSync } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { parseGroup, parsePasswd } from './accounts.js';
import { accessError, listDirectory, readRegularFile, statPath } from './fs-evidence.js';
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
}

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
    const pending = this.components(targetPath);
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const real = path.join(this.root, ...resolved, part);
      const last = pending.length === 0;
      let stats;
      try {
        stats = await lstat(real);
      } catch (error) {
        accessError(targetPath, error);
        // Absent (or below a file): so is everything under it, as the kernel would say. Keep the rest
        // without `.` and `..`, so the lexical remainder can never cancel the missing part and climb.
        resolved.push(part, ...pending.filter((item) => item !== '' && item !== '.' && item !== '..'));
        break;
      }
      if (!stats.isSymbolicLink() || (last && !followFinal)) {
        resolved.push(part);
        continue;
      }
      hops += 1;
      if (hops > MAX_LINK_HOPS) throw new HostAccessError(targetPath, 'ELOOP', `cannot read ${targetPath}: too many links`);
      const target = await readlink(real);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...target.split('/'));
    }
    return { real: path.join(this.root, ...resolved), inside: `/${resolved.join('/')}` };
  }

  private components(targetPath: string): string[] {
    // A mounted Windows volume: C:\Users\alice -> <root>/Users/alice.
    const posixPath = this.platform === 'win32' ? targetPath.replace(/^[A-Za-z]:/, '').replace(/\\/g, '/') : targetPath;
    return posixPath.split('/');
  }

  async lstat(targetPath: string): Promise<FileInfo | undefined> {
    const { real } = await this.resolve(targetPath, false);
    return statPath(real, targetPath, false);
  }

  async stat(targetPath: string): Promise<FileInfo | undefined> {
    const { real } = await this.resolve(targetPath, true);
    const info = await statPath(real, targetPath, false);
    return info?.type === 'symlink' ? undefined : info;
  }

  async realPath(targetPath: string): Promise<string | undefined> {
    const { real, inside } = await this.resolve(targetPath, true);
    const info = await statPath(real, targetPath, false);
    if (!info || info.type === 'symlink') return undefined;
    return this.platform === 'win32' ? `C:${inside.replace(/\//g, '\\')}` : inside;
  }

  async readFile(targetPath: string, maxBytes = DEFAULT_MAX_READ_BYTES): Promise<Buffer | undefined> {
    const { real } = await this.resolve(targetPath, true);
    return readRegularFile(real, targetPath, maxBytes, true);
  }

  private async readText(targetPath: string): Promise<string | undefined> {
    try {
      return (await this.readFile(targetPath))?.toString('utf8');
    } catch {
      return undefined;
    }
  }

  async listDir(targetPath: string): Promise<string[] | undefined> {
    const { real } = await this.resolve(targetPath, true);
    return listDirectory(real, targetPath);
  }

  async acl(targetPath: string): Promise<AclEvidence> {
    if (this.platform === 'win32') return { kind: 'unavailable', reason: 'Windows ACLs are not readable from a mounted image' };
    if (this.platform === 'darwin') return { kind: 'unavailable', reason: 'macOS ACLs are not readable from a mounted image' };
    const { real } = await this.resolve(targetPath, true);
    try {
      await lstat(real);
    } catch (error) {
      accessError(targetPath, error);
      return { kind: 'unavailable', reason: `${targetPath} does not exist` };
    }
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
