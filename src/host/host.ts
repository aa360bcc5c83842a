// The Host is the only door to the audited machine. Collectors ask it for evidence; nothing else in the
// scan touches the file system or runs a command. Three implementations: live, root (offline image),
// replay (recorded endpoint).

export type Platform = 'linux' | 'darwin' | 'win32';
export type TargetKind = 'live' | 'root' | 'repo' | 'replay';

export const PLATFORMS: readonly Platform[] = ['linux', 'darwin', 'win32'];
export const TARGET_KINDS: readonly TargetKind[] = ['live', 'root', 'repo', 'replay'];

export type FileType = 'file' | 'dir' | 'symlink' | 'other';

export interface FileInfo {
  /** The path as seen on the target (inside the image for root hosts). */
  path: string;
  type: FileType;
  /** Permission bits, including setuid/setgid/sticky (mode & 0o7777). Windows: 0. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  /** Only for lstat of a symlink. */
  linkTarget?: string;
}

/** One POSIX ACL entry as getfacl prints it (`user:alice:r--`). */
export interface PosixAclEntry {
  tag: 'user_obj' | 'user' | 'group_obj' | 'group' | 'mask' | 'other';
  /** User or group name or numeric id, for named entries. */
  qualifier?: string;
  read: boolean;
  write: boolean;
  execute: boolean;
  /** True for entries from the default ACL of a directory (inherited by new files). */
  isDefault: boolean;
}

/** One macOS extended ACL entry as `ls -le` prints it (` 0: group:everyone allow read`). */
export interface DarwinAclEntry {
  index: number;
  principalKind: 'user' | 'group';
  principal: string;
  allow: boolean;
  permissions: string[];
  inherited: boolean;
  /** The line as recorded, used to name the entry in a remediation. */
  text: string;
}

/** One Windows access control entry, principals by SID (names are localised, SIDs are not). */
export interface WindowsAce {
  sid: string;
  principal: string;
  allow: boolean;
  read: boolean;
  write: boolean;
  inherited: boolean;
}

export type AclEvidence =
  | { kind: 'posix'; entries: PosixAclEntry[] }
  | { kind: 'darwin'; entries: DarwinAclEntry[] }
  | { kind: 'windows'; ownerSid?: string; owner?: string; entries: WindowsAce[] }
  | { kind: 'unavailable'; reason: string };

export interface CommandResult {
  /** False when the command could not be run at all (missing tool, no commands on this host, timeout). */
  ran: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why the evidence is unavailable when ran is false, or the command timed out. */
  unavailable?: string;
  timedOut?: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Extra environment, used to pass values (such as paths) without putting them in a command line. */
  env?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell?: string;
  /** Windows security identifier. */
  sid?: string;
}

export interface Group {
  name: string;
  gid: number;
  members: string[];
  sid?: string;
}

export interface TargetInfo {
  kind: TargetKind;
  platform: Platform;
  path?: string;
  hostname?: string;
  os?: string;
}

/** Raised for evidence that exists but cannot be read (permission denied, I/O error, escape attempt). */
export class HostAccessError extends Error {
  constructor(
    readonly targetPath: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostAccessError';
  }
}

export interface Host {
  readonly kind: TargetKind;
  readonly platform: Platform;
  info(): Promise<TargetInfo>;
  /** Metadata of the entry itself; undefined when it does not exist. */
  lstat(path: string): Promise<FileInfo | undefined>;
  /** Metadata after following links (never out of an image); undefined when absent or dangling. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** The path with every link resolved (inside the image for root hosts); undefined when absent. */
  realPath(path: string): Promise<string | undefined>;
  /** File bytes, at most maxBytes (default 4 MiB); undefined when absent. */
  readFile(path: string, maxBytes?: number): Promise<Buffer | undefined>;
  /** Entry names of a directory; undefined when absent or not a directory. */
  listDir(path: string): Promise<string[] | undefined>;
  /** Extended access control entries of a path. */
  acl(path: string): Promise<AclEvidence>;
  /** Runs a command with a timeout. Never throws for a missing tool: ran is false. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Environment of the scanning process (live), as recorded (replay), or empty (images, repos). */
  env(): Promise<Record<string, string>>;
  users(): Promise<Account[]>;
  groups(): Promise<Group[]>;
  /** The user running the scan on a live or recorded endpoint; undefined for images and repos. */
  currentUser(): Promise<Account | undefined>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_READ_BYTES = 4 * 1024 * 1024;
