import { splitLines, stripBom } from '../util/text-lines.js';

// Evidence of full-disk encryption, one reader per source: /etc/crypttab and /etc/fstab of a Linux image,
// `lsblk -J` and /proc/mounts of a running Linux, LVM metadata backups, `fdesetup status` and
// `diskutil apfs list` on macOS, `Get-BitLockerVolume | ConvertTo-Json` and `manage-bde -status` on
// Windows. Every reader is lenient: what it cannot read it reports, with the line.

export interface CrypttabEntry {
  /** The mapped name: the device appears as /dev/mapper/<name>. */
  name: string;
  device: string;
  keyFile: string;
  options: string[];
  line: number;
}

/** crypttab(5): `name device [keyfile [options]]`, # comments. */
export function parseCrypttab(text: string): CrypttabEntry[] {
  const entries: CrypttabEntry[] = [];
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const [name, device = '', keyFile = 'none', options = ''] = line.split(/\s+/);
    if (!name) return;
    entries.push({ name, device, keyFile, options: options ? options.split(',') : [], line: index + 1 });
  });
  return entries;
}

export interface FstabEntry {
  spec: string;
  mountPoint: string;
  type: string;
  options: string[];
  line: number;
}

/** fstab(5): `spec file vfstype mntops freq passno`; octal escapes (\040) in the first two fields. */
export function parseFstab(text: string): FstabEntry[] {
  const unescape = (value: string) => value.replace(/\\([0-7]{3})/g, (_m, code: string) => String.fromCharCode(parseInt(code, 8)));
  const entries: FstabEntry[] = [];
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [spec, mountPoint, type = '', options = ''] = line.split(/\s+/);
    if (!spec || !mountPoint) return;
    entries.push({ spec: unescape(spec), mountPoint: unescape(mountPoint), type, options: options.split(','), line: index + 1 });
  });
  return entries;
}

/** Physical volumes of an LVM volume group, from its metadata backup (/etc/lvm/backup/<vg>): `device = "/dev/..."`. */
export function lvmBackupDevices(text: string): string[] {
  return [...text.matchAll(/^\s*device\s*=\s*"([^"]+)"/gm)].map((match) => match[1] as string);
}

export interface BlockDevice {
  name: string;
  type: string;
  fstype?: string;
  mountpoints: string[];
  children: BlockDevice[];
}

/** `lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT[,MOUNTPOINTS],PKNAME`: the device tree, parents above children. */
export function parseLsblkJson(text: string): { devices: BlockDevice[]; error?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { devices: [], error: `lsblk output is not JSON: ${(error as Error).message}` };
  }
  const list = (data as { blockdevices?: unknown })?.blockdevices;
  if (!Array.isArray(list)) return { devices: [], error: 'lsblk output has no blockdevices list' };
  const convert = (item: unknown): BlockDevice | undefined => {
    if (!item || typeof item !== 'object') return undefined;
    const record = item as Record<string, unknown>;
    const points = new Set<string>();
    if (typeof record.mountpoint === 'string') points.add(record.mountpoint);
    if (Array.isArray(record.mountpoints)) for (const point of record.mountpoints) if (typeof point === 'string') points.add(point);
    return {
      name: String(record.name ?? ''),
      type: String(record.type ?? ''),
      ...(typeof record.fstype === 'string' ? { fstype: record.fstype } : {}),
      mountpoints: [...points],
      children: Array.isArray(record.children) ? record.children.flatMap((child) => convert(child) ?? []) : [],
    };
  };
  return { devices: list.flatMap((item) => convert(item) ?? []) };
}

/** The chains from a top-level device down to the one mounted at `mountPoint` (more than one for RAID or LVM spanning disks). */
export function chainsTo(devices: readonly BlockDevice[], mountPoint: string): BlockDevice[][] {
  const chains: BlockDevice[][] = [];
  const walk = (device: BlockDevice, above: BlockDevice[]) => {
    const chain = [...above, device];
    if (device.mountpoints.includes(mountPoint)) chains.push(chain);
    for (const child of device.children) walk(child, chain);
  };
  for (const device of devices) walk(device, []);
  return chains;
}

export interface MountEntry {
  device: string;
  mountPoint: string;
  type: string;
}

/** /proc/mounts (or /proc/self/mounts): octal escapes as in fstab. */
export function parseProcMounts(text: string): MountEntry[] {
  return parseFstab(text).map((entry) => ({ device: entry.spec, mountPoint: entry.mountPoint, type: entry.type }));
}

export interface FileVaultStatus {
  on: boolean;
  /** `Encryption in progress: Percent completed = 45.2`, `Decryption in progress ...`. */
  progress?: string;
}

/** `fdesetup status`: "FileVault is On." / "FileVault is Off.", maybe followed by a progress line. */
export function parseFdesetupStatus(text: string): FileVaultStatus | { error: string } {
  const state = /FileVault is (On|Off)/i.exec(text);
  if (!state) return { error: `fdesetup status printed no "FileVault is On/Off" line: ${JSON.stringify(text.trim().split(/\r?\n/)[0] ?? '')}` };
  const progress = /(Encryption|Decryption) in progress[^\r\n]*/i.exec(text)?.[0]?.trim();
  return { on: state[1]?.toLowerCase() === 'on', ...(progress ? { progress } : {}) };
}

export interface ApfsVolume {
  device: string;
  role: string;
  name?: string;
  mountPoint?: string;
  fileVault?: string;
  encrypted?: string;
  line: number;
}

/** `diskutil apfs list`: one block per `+-> Volume diskNsM UUID`, with `Key: value` lines after `|` rulers. */
export function parseDiskutilApfsList(text: string): ApfsVolume[] {
  const volumes: ApfsVolume[] = [];
  let current: ApfsVolume | undefined;
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = raw.replace(/^[\s|]+/, '');
    const start = /^\+->\s*Volume\s+(disk\d+s\d+)/.exec(line);
    if (start) {
      current = { device: start[1] as string, role: '', line: index + 1 };
      volumes.push(current);
      return;
    }
    if (/^\+-[-<]/.test(line)) current = undefined;
    if (!current) return;
    const pair = /^([A-Za-z][A-Za-z ()]*?):\s+(.*)$/.exec(line);
    if (!pair) return;
    const [key, value] = [pair[1] as string, (pair[2] as string).trim()];
    if (key === 'APFS Volume Disk (Role)') current.role = /\(([^)]*)\)\s*$/.exec(value)?.[1] ?? '';
    else if (key === 'Name') current.name = value.replace(/\s*\(Case-(in)?sensitive\)$/, '');
    else if (key === 'Mount Point') current.mountPoint = value;
    else if (key === 'FileVault') current.fileVault = value;
    else if (key === 'Encrypted') current.encrypted = value;
  });
  return volumes;
}

export interface BitLockerVolume {
  mountPoint: string;
  /** OperatingSystem, FixedData or Removable. */
  volumeType?: string;
  volumeStatus: string;
  protectionStatus: string;
  encryptionPercentage?: number;
  encryptionMethod?: string;
}

// Enum numbers as Windows PowerShell 5.1 serialises them when not cast to text.
const VOLUME_STATUS = ['FullyDecrypted', 'FullyEncrypted', 'EncryptionInProgress', 'DecryptionInProgress', 'EncryptionSuspended', 'DecryptionSuspended'];
const PROTECTION_STATUS = ['Off', 'On', 'Unknown'];
const VOLUME_TYPE = ['OperatingSystem', 'FixedData', 'Removable'];

/** `Get-BitLockerVolume | Select-Object ... | ConvertTo-Json`: one object or a list; enums as text or numbers. */
export function parseBitLockerJson(text: string): { volumes: BitLockerVolume[]; error?: string } {
  const trimmed = stripBom(text).trim();
  if (trimmed === '') return { volumes: [] };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (error) {
    return { volumes: [], error: `Get-BitLockerVolume output is not JSON: ${(error as Error).message}` };
  }
  const items = Array.isArray(data) ? data : [data];
  const volumes: BitLockerVolume[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const named = (value: unknown, names: string[]) => (typeof value === 'number' ? (names[value] ?? String(value)) : String(value ?? ''));
    volumes.push({
      mountPoint: String(record.MountPoint ?? ''),
      ...(record.VolumeType !== undefined && record.VolumeType !== null ? { volumeType: named(record.VolumeType, VOLUME_TYPE) } : {}),
      volumeStatus: named(record.VolumeStatus, VOLUME_STATUS),
      protectionStatus: named(record.ProtectionStatus, PROTECTION_STATUS),
      ...(typeof record.EncryptionPercentage === 'number' ? { encryptionPercentage: record.EncryptionPercentage } : {}),
      ...(record.EncryptionMethod !== undefined && record.EncryptionMethod !== null ? { encryptionMethod: String(record.EncryptionMethod) } : {}),
    });
  }
  return { volumes };
}

/** `manage-bde -status C:` (English output): the Conversion Status, Percentage Encrypted and Protection Status lines. */
export function parseManageBde(text: string, mountPoint: string): BitLockerVolume | { error: string } {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+?)\\s*$`, 'mi').exec(text)?.[1];
  const conversion = field('Conversion Status');
  const protection = field('Protection Status');
  if (!conversion || !protection) return { error: 'manage-bde output has no Conversion Status / Protection Status lines (a non-English Windows, or not run as administrator)' };
  const percent = Number.parseFloat(field('Percentage Encrypted') ?? '');
  const volumeStatus = conversion.replace(/\s+/g, '').replace(/Paused$/i, 'Suspended');
  return {
    mountPoint,
    volumeStatus: volumeStatus === 'UsedSpaceOnlyEncrypted' ? 'FullyEncrypted' : volumeStatus,
    protectionStatus: /protection on/i.test(protection) ? 'On' : /protection off/i.test(protection) ? 'Off' : protection,
    ...(Number.isFinite(percent) ? { encryptionPercentage: percent } : {}),
    ...(field('Encryption Method') ? { encryptionMethod: field('Encryption Method') as string } : {}),
  };
}
