import { readFile as readFileFs, realpath } from 'node:fs/promises';
import os from 'node:os';
import { parseGroup, parsePasswd } from './accounts.js';
import { accessError, listDirectory, readRegularFile, statPath } from './fs-evidence.js';
import {
  DEFAULT_MAX_READ_BYTES,
  type Account,
  type AclEvidence,
  type CommandResult,
  type FileInfo,
  type Group,
  type Host,
  type Platform,
  type RunOptions,
  type TargetInfo,
} from './host.js';
import { dsclAccounts, dsclGroups, parseWindowsAccounts, WINDOWS_ACCOUNTS_SCRIPT } from './platform-accounts.js';
import { readLiveAcl } from './read-acl.js';
import { runCommand } from './run-command.js';

export function livePlatform(): Platform {
  const platform = process.platform;
  if (platform === 'darwin' || platform === 'win32') return platform;
  return 'linux';
}

/** The running machine: node fs for files, execa (with timeouts) for commands. */
export class LiveHost implements Host {
  readonly kind = 'live' as const;
  readonly platform: Platform = livePlatform();
  private accounts?: Promise<{ users: Account[]; groups: Group[] }>;

  async info(): Promise<TargetInfo> {
    return { kind: 'live', platform: this.platform, hostname: os.hostname(), os: `${os.type()} ${os.release()}` };
  }

  lstat(path: string): Promise<FileInfo | undefined> {
    return statPath(path, path, false);
  }

  stat(path: string): Promise<FileInfo | undefined> {
    return statPath(path, path, true);
  }

  async realPath(path: string): Promise<string | undefined> {
    try {
      return await realpath(path);
    } catch (error) {
      return accessError(path, error);
    }
  }

  readFile(path: string, maxBytes = DEFAULT_MAX_READ_BYTES): Promise<Buffer | undefined> {
    return readRegularFile(path, path, maxBytes, false);
  }

  listDir(path: string): Promise<string[] | undefined> {
    return listDirectory(path, path);
  }

  acl(path: string): Promise<AclEvidence> {
    return readLiveAcl(this.platform, path);
  }

  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return runCommand(command, args, options);
  }

  async env(): Promise<Record<string, string>> {
    return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  }

  async users(): Promise<Account[]> {
    return (await this.loadAccounts()).users;
  }

  async groups(): Promise<Group[]> {
    return (await this.loadAccounts()).groups;
  }

  async currentUser(): Promise<Account | undefined> {
    const info = os.userInfo();
    const known = (await this.users()).find((account) => account.name === info.username);
    return known ?? { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir };
  }

  private loadAccounts(): Promise<{ users: Account[]; groups: Group[] }> {
    this.accounts ??= this.readAccounts();
    return this.accounts;
  }

  private async readAccounts(): Promise<{ users: Account[]; groups: Group[] }> {
    if (this.platform === 'linux') {
      const read = (file: string) => readFileFs(file, 'utf8').catch(() => '');
      return { users: parsePasswd(await read('/etc/passwd')), groups: parseGroup(await read('/etc/group')) };
    }
    if (this.platform === 'darwin') {
      const users = await runCommand('dscl', ['.', '-readall', '/Users', 'RecordName', 'UniqueID', 'PrimaryGroupID', 'NFSHomeDirectory', 'UserShell']);
      const groups = await runCommand('dscl', ['.', '-readall', '/Groups', 'RecordName', 'PrimaryGroupID', 'GroupMembership']);
      return { users: dsclAccounts(users.stdout), groups: dsclGroups(groups.stdout) };
    }
    const result = await runCommand('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_ACCOUNTS_SCRIPT], { timeoutMs: 20_000 });
    return result.ran ? parseWindowsAccounts(result.stdout) : { users: [], groups: [] };
  }
}
