import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import {
  chainsTo,
  lvmBackupDevices,
  parseBitLockerJson,
  parseCrypttab,
  parseDiskutilApfsList,
  parseFdesetupStatus,
  parseFstab,
  parseLsblkJson,
  parseManageBde,
  parseProcMounts,
  type BitLockerVolume,
  type CrypttabEntry,
} from '../parsers/disk-encryption.js';
import { runPowerShell } from './windows-commands.js';

// Whether the volumes that hold users' data are encrypted at rest, from the best evidence the target
// offers: Linux `lsblk -J` (live), else /proc/mounts with device-mapper's sysfs uuid (CRYPT-...), else an
// image's /etc/fstab, /etc/crypttab, LVM metadata backups and kernel command line; macOS `fdesetup status`
// and `diskutil apfs list`; Windows Get-BitLockerVolume, else `manage-bde -status`.

export type EncryptionState = 'encrypted' | 'not-encrypted' | 'in-progress' | 'suspended' | 'unknown';

export interface VolumeEncryption {
  /** `/`, `/home`, `C:`, `/Volumes/Projects`. */
  mountPoint: string;
  state: EncryptionState;
  /** What shows it: `nvme0n1p3 (part, crypto_LUKS) > luks-1f2e (crypt) > vgubuntu-root (lvm)`, `fdesetup status: FileVault is Off.`. */
  evidence: string;
  /** The file line that shows it (an image's fstab). */
  location?: { path: string; line?: number };
  /** The boot volume of the platform (macOS Data volume, Windows system drive). */
  boot?: boolean;
}

export interface DiskEncryption {
  platform: Platform;
  /** Which evidence was used: `lsblk`, `/proc/mounts`, `/etc/fstab`, `fdesetup`, `Get-BitLockerVolume`, `manage-bde`. */
  source?: string;
  volumes: VolumeEncryption[];
  unavailable: string[];
}

export const LSBLK_ARGS = ['-J', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT,MOUNTPOINTS,PKNAME'];
export const LSBLK_OLD_ARGS = ['-J', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME'];
/** Every BitLocker volume with its type (OperatingSystem, FixedData, Removable), enums as text. */
export const BITLOCKER_SCRIPT =
  "Get-BitLockerVolume | Select-Object MountPoint, @{n='VolumeType';e={[string]$_.VolumeType}}, @{n='VolumeStatus';e={[string]$_.VolumeStatus}}, @{n='ProtectionStatus';e={[string]$_.ProtectionStatus}}, EncryptionPercentage, @{n='EncryptionMethod';e={[string]$_.EncryptionMethod}} | ConvertTo-Json -Compress";
const IGNORED_TYPES = new Set(['swap', 'tmpfs', 'proc', 'sysfs', 'devpts', 'devtmpfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'efivarfs', 'vfat', 'overlay', 'squashfs', 'nfs', 'nfs4', 'cifs', 'fuse.sshfs', 'autofs', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'pstore', 'ramfs', 'binfmt_misc', 'none']);

async function readText(host: Host, path: string): Promise<string | undefined> {
  try {
    return (await host.readFile(path))?.toString('utf8');
  } catch {
    return undefined;
  }
}

function commandProblem(name: string, result: { ran: boolean; exitCode: number | null; stderr: string; unavailable?: string }): string {
  return `${name}: ${result.unavailable ?? (result.stderr.trim().split('\n')[0] || `exit ${result.exitCode}`)}`;
}

async function fromLsblk(host: Host, unavailable: string[]): Promise<VolumeEncryption[] | undefined> {
  let result = await host.run('lsblk', LSBLK_ARGS, { timeoutMs: 5_000 });
  // util-linux before 2.37 has no MOUNTPOINTS column.
  if (result.ran && result.exitCode !== 0) result = await host.run('lsblk', LSBLK_OLD_ARGS, { timeoutMs: 5_000 });
  if (!result.ran || result.exitCode !== 0) {
    unavailable.push(commandProblem('lsblk', result));
    return undefined;
  }
  const parsed = parseLsblkJson(result.stdout);
  if (parsed.error) {
    unavailable.push(parsed.error);
    return undefined;
  }
  const mounts = new Set<string>();
  const visit = (devices: typeof parsed.devices) => {
    for (const device of devices) {
      if (!IGNORED_TYPES.has(device.fstype ?? '') && device.fstype !== 'crypto_LUKS') for (const point of device.mountpoints) if (point.startsWith('/') && !point.startsWith('/boot') && !point.startsWith('/snap/')) mounts.add(point);
      visit(device.children);
    }
  };
  visit(parsed.devices);
  return [...mounts].map((mountPoint) => {
    const chains = chainsTo(parsed.devices, mountPoint);
    const describe = (chain: typeof chains[number]) => chain.map((device) => `${device.name} (${[device.type, device.fstype].filter(Boolean).join(', ')})`).join(' > ');
    const encrypted = chains.every((chain) => chain.some((device) => device.type === 'crypt' || device.fstype === 'crypto_LUKS'));
    return { mountPoint, state: encrypted ? 'encrypted' : 'not-encrypted', evidence: `lsblk: ${chains.map(describe).join('; ')}` };
  });
}

/** device-mapper devices below a dm device, through sysfs: `CRYPT-...` uuids are dm-crypt. */
async function dmEncrypted(host: Host, dm: string, depth = 0): Promise<{ encrypted: boolean; chain: string[] }> {
  const uuid = (await readText(host, `/sys/block/${dm}/dm/uuid`))?.trim() ?? '';
  if (uuid.startsWith('CRYPT-')) return { encrypted: true, chain: [`${dm} (${uuid.split('-').slice(0, 2).join('-')})`] };
  if (depth > 4) return { encrypted: false, chain: [dm] };
  const slaves = (await host.listDir(`/sys/block/${dm}/slaves`).catch(() => undefined)) ?? [];
  const below = await Promise.all(slaves.filter((name) => name.startsWith('dm-')).map((name) => dmEncrypted(host, name, depth + 1)));
  const encrypted = below.length > 0 && below.every((item) => item.encrypted);
  return { encrypted, chain: [`${dm}${uuid ? ` (${uuid.split('-')[0]})` : ''}`, ...below.flatMap((item) => item.chain)] };
}

async function fromProcMounts(host: Host): Promise<VolumeEncryption[] | undefined> {
  const text = await readText(host, '/proc/mounts');
  if (text === undefined) return undefined;
  const out: VolumeEncryption[] = [];
  for (const mount of parseProcMounts(text)) {
    if (IGNORED_TYPES.has(mount.type) || !mount.device.startsWith('/dev/') || mount.mountPoint.startsWith('/boot') || mount.mountPoint.startsWith('/snap/')) continue;
    const real = (await host.realPath(mount.device).catch(() => undefined)) ?? mount.device;
    const dm = /\/dev\/(dm-\d+)$/.exec(real)?.[1];
    if (!dm) {
      out.push({ mountPoint: mount.mountPoint, state: 'not-encrypted', evidence: `/proc/mounts: ${mount.device} is not a device-mapper device` });
      continue;
    }
    const found = await dmEncrypted(host, dm);
    out.push({ mountPoint: mount.mountPoint, state: found.encrypted ? 'encrypted' : 'not-encrypted', evidence: `/proc/mounts: ${mount.device} -> ${found.chain.join(' > ')}` });
  }
  return out;
}

/** An offline image: the fstab line of each mount, through crypttab and LVM metadata to a LUKS device. */
async function fromImageFiles(host: Host): Promise<VolumeEncryption[] | undefined> {
  const fstabText = await readText(host, '/etc/fstab');
  if (fstabText === undefined) return undefined;
  const crypttab = parseCrypttab((await readText(host, '/etc/crypttab')) ?? '');
  const byName = new Map<string, CrypttabEntry>(crypttab.map((entry) => [entry.name, entry]));
  const cmdline = [
    ...(await Promise.all(['/etc/default/grub', '/etc/kernel/cmdline'].map((path) => readText(host, path)))),
    ...(await Promise.all(((await host.listDir('/boot/loader/entries').catch(() => undefined)) ?? []).map((name) => readText(host, `/boot/loader/entries/${name}`)))),
  ].join('\n');
  const rootOnLuks = /\b(rd\.luks\.(uuid|name)|luks\.(uuid|name)|cryptdevice)=/.test(cmdline);
  const mapperName = (spec: string) => /^\/dev\/mapper\/(.+)$/.exec(spec)?.[1] ?? /^\/dev\/disk\/by-id\/dm-name-(.+)$/.exec(spec)?.[1];
  const crypttabWhere = (entry: CrypttabEntry) => `/etc/crypttab:${entry.line} (${entry.name} ${entry.device})`;

  const lvmDevices = async (vg: string): Promise<string[] | undefined> => {
    const text = await readText(host, `/etc/lvm/backup/${vg}`);
    return text === undefined ? undefined : lvmBackupDevices(text);
  };
  const out: VolumeEncryption[] = [];
  const entries = parseFstab(fstabText).filter((entry) => entry.mountPoint.startsWith('/') && !IGNORED_TYPES.has(entry.type) && !entry.mountPoint.startsWith('/boot'));
  // Judge / first: a btrfs subvolume mounted at /home names the same device as / (Fedora), and shares its state.
  entries.sort((a, b) => (a.mountPoint === '/' ? -1 : b.mountPoint === '/' ? 1 : 0));
  for (const entry of entries) {
    const location = { path: '/etc/fstab', line: entry.line };
    const sameDevice = out.find((done) => done.mountPoint !== entry.mountPoint && entries.find((item) => item.mountPoint === done.mountPoint)?.spec === entry.spec);
    if (sameDevice) {
      out.push({ mountPoint: entry.mountPoint, state: sameDevice.state, evidence: `${entry.spec} is the file system mounted at ${sameDevice.mountPoint}: ${sameDevice.evidence}`, location });
      continue;
    }
    const name = mapperName(entry.spec);
    const crypt = name ? byName.get(name) : undefined;
    if (crypt) {
      out.push({ mountPoint: entry.mountPoint, state: 'encrypted', evidence: `${entry.spec} is opened by ${crypttabWhere(crypt)}`, location });
      continue;
    }
    // LVM: /dev/mapper/VG-LV (a dash in a name is doubled) or /dev/VG/LV.
    const lvm = name ? /^((?:[^-]|--)+)-((?:[^-]|--)+)$/.exec(name) : /^\/dev\/([^/]+)\/([^/]+)$/.exec(entry.spec);
    const vg = lvm ? (lvm[1] as string).replace(/--/g, '-') : undefined;
    const pvs = vg ? await lvmDevices(vg) : undefined;
    if (vg && pvs && pvs.length > 0) {
      const opened = pvs.map((pv) => byName.get(mapperName(pv) ?? ''));
      if (opened.every((item) => item !== undefined)) {
        out.push({ mountPoint: entry.mountPoint, state: 'encrypted', evidence: `${entry.spec} is on volume group ${vg}, whose physical volumes (${pvs.join(', ')}) are opened by ${opened.map((item) => crypttabWhere(item as CrypttabEntry)).join(', ')}`, location });
      } else {
        out.push({ mountPoint: entry.mountPoint, state: 'not-encrypted', evidence: `${entry.spec} is on volume group ${vg}, whose physical volumes (${pvs.join(', ')}) are not all LUKS devices in /etc/crypttab`, location });
      }
      continue;
    }
    if (/^(UUID|PARTUUID|LABEL|PARTLABEL)=/.test(entry.spec) || (vg && !pvs)) {
      // The filesystem inside a LUKS device is often named by its UUID (Fedora); only the boot command line ties it to LUKS.
      if (crypttab.length > 0 && entry.mountPoint === '/' && rootOnLuks) {
        out.push({ mountPoint: entry.mountPoint, state: 'encrypted', evidence: `${entry.spec}; the kernel command line unlocks a LUKS device for the root filesystem (rd.luks / cryptdevice) and /etc/crypttab lists ${crypttab.map((item) => item.name).join(', ')}`, location });
      } else if (crypttab.length > 0) {
        out.push({ mountPoint: entry.mountPoint, state: 'unknown', evidence: `${entry.spec}${vg ? ' (no LVM metadata backup in /etc/lvm/backup)' : ''}: /etc/crypttab opens ${crypttab.map((item) => item.name).join(', ')}, but the image does not show which device holds this file system`, location });
      } else {
        out.push({ mountPoint: entry.mountPoint, state: 'not-encrypted', evidence: `${entry.spec} is a plain device: /etc/crypttab opens no LUKS device`, location });
      }
      continue;
    }
    out.push({ mountPoint: entry.mountPoint, state: crypttab.length > 0 ? 'unknown' : 'not-encrypted', evidence: `${entry.spec}${crypttab.length > 0 ? ' is not a device /etc/crypttab opens' : ' is a plain device: /etc/crypttab opens no LUKS device'}`, location });
  }
  return out;
}

function bitLockerState(volume: BitLockerVolume): EncryptionState {
  const status = volume.volumeStatus.toLowerCase();
  if (status === 'fullyencrypted') return volume.protectionStatus.toLowerCase() === 'on' ? 'encrypted' : 'suspended';
  if (status.includes('encryptioninprogress') || status.includes('encryptionsuspended')) return 'in-progress';
  return 'not-encrypted';
}

function describeBitLocker(volume: BitLockerVolume): string {
  return `${volume.volumeType ? `${volume.volumeType} volume, ` : ''}VolumeStatus ${volume.volumeStatus}, ProtectionStatus ${volume.protectionStatus}${volume.encryptionPercentage !== undefined ? `, ${volume.encryptionPercentage}% encrypted` : ''}${volume.encryptionMethod ? `, ${volume.encryptionMethod}` : ''}`;
}

export const diskEncryption = defineCollector<DiskEncryption>({
  id: 'disk-encryption',
  description: 'full-disk encryption of the data volumes (LUKS via lsblk, sysfs or fstab/crypttab; FileVault; BitLocker)',
  async collect({ host }) {
    const unavailable: string[] = [];
    const live = host.kind === 'live' || host.kind === 'replay';
    if (host.platform === 'linux') {
      if (live) {
        const volumes = await fromLsblk(host, unavailable);
        if (volumes) return { platform: host.platform, source: 'lsblk', volumes, unavailable };
        const mounts = await fromProcMounts(host);
        if (mounts) return { platform: host.platform, source: '/proc/mounts', volumes: mounts, unavailable };
      }
      const files = await fromImageFiles(host);
      if (files) return { platform: host.platform, source: '/etc/fstab', volumes: files, unavailable };
      unavailable.push('no /etc/fstab');
      return { platform: host.platform, volumes: [], unavailable };
    }
    if (!live) return { platform: host.platform, volumes: [], unavailable: [`the encryption of an offline ${host.platform === 'darwin' ? 'macOS' : 'Windows'} image cannot be read`] };
    if (host.platform === 'darwin') {
      const volumes: VolumeEncryption[] = [];
      const status = await host.run('fdesetup', ['status'], { timeoutMs: 10_000 });
      if (status.ran && status.exitCode === 0) {
        const parsed = parseFdesetupStatus(status.stdout);
        if ('error' in parsed) unavailable.push(parsed.error);
        else {
          const state: EncryptionState = parsed.progress ? (/^encryption/i.test(parsed.progress) ? 'in-progress' : 'not-encrypted') : parsed.on ? 'encrypted' : 'not-encrypted';
          volumes.push({ mountPoint: '/System/Volumes/Data', boot: true, state, evidence: `fdesetup status: ${status.stdout.trim().split(/\r?\n/).join(' ')}` });
        }
      } else unavailable.push(commandProblem('fdesetup status', status));
      const apfs = await host.run('diskutil', ['apfs', 'list'], { timeoutMs: 10_000 });
      if (apfs.ran && apfs.exitCode === 0) {
        for (const volume of parseDiskutilApfsList(apfs.stdout)) {
          // The boot volume group is judged by fdesetup; other mounted volumes with no system role hold user data.
          const role = volume.role.toLowerCase();
          if (role !== '' && role !== 'no specific role') continue;
          if (!volume.mountPoint || !volume.mountPoint.startsWith('/Volumes/')) continue;
          const encrypted = /^yes/i.test(volume.fileVault ?? '') || /^yes/i.test(volume.encrypted ?? '');
          volumes.push({ mountPoint: volume.mountPoint, state: encrypted ? 'encrypted' : 'not-encrypted', evidence: `diskutil apfs list: ${volume.device} "${volume.name ?? ''}" FileVault ${volume.fileVault ?? 'unknown'}` });
        }
      } else unavailable.push(commandProblem('diskutil apfs list', apfs));
      return { platform: host.platform, source: 'fdesetup', volumes, unavailable };
    }
    const run = await runPowerShell(host, BITLOCKER_SCRIPT).catch((error: unknown) => ({ stdout: undefined, unavailable: describeError(error) }));
    if (run.stdout !== undefined) {
      const parsed = parseBitLockerJson(run.stdout);
      if (parsed.error) unavailable.push(parsed.error);
      else if (parsed.volumes.length > 0) {
        // Removable drives come and go; the operating system and fixed data drives hold the data.
        const fixed = parsed.volumes.filter((volume) => (volume.volumeType ?? '').toLowerCase() !== 'removable');
        return {
          platform: host.platform,
          source: 'Get-BitLockerVolume',
          volumes: fixed.map((volume) => ({ mountPoint: volume.mountPoint || 'C:', boot: (volume.volumeType ?? 'OperatingSystem').toLowerCase() === 'operatingsystem', state: bitLockerState(volume), evidence: `Get-BitLockerVolume: ${describeBitLocker(volume)}` })),
          unavailable,
        };
      }
    } else unavailable.push(`Get-BitLockerVolume: ${run.unavailable ?? 'not run'}`);
    const bde = await host.run('manage-bde', ['-status', 'C:'], { timeoutMs: 20_000 });
    if (bde.ran && bde.exitCode === 0) {
      const parsed = parseManageBde(bde.stdout, 'C:');
      if ('error' in parsed) unavailable.push(parsed.error);
      else return { platform: host.platform, source: 'manage-bde', volumes: [{ mountPoint: 'C:', boot: true, state: bitLockerState(parsed), evidence: `manage-bde -status C:: ${describeBitLocker(parsed)}` }], unavailable };
    } else unavailable.push(commandProblem('manage-bde -status C:', bde));
    return { platform: host.platform, volumes: [], unavailable };
  },
});
