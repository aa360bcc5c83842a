import { BITLOCKER_SCRIPT, LSBLK_ARGS } from '../../src/collectors/disk-encryption.js';
import { powershellCommandLine } from '../../src/collectors/windows-commands.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const lsblk = (tree: unknown) => ({ [`lsblk ${LSBLK_ARGS.join(' ')}`]: { stdout: JSON.stringify({ blockdevices: tree }, null, 3) } });
const part = (name: string, fstype: string | null, mount: string | null, children?: unknown[]) => ({ name, type: 'part', fstype, mountpoint: mount, mountpoints: [mount], pkname: 'nvme0n1', ...(children ? { children } : {}) });
const disk = (children: unknown[]) => [{ name: 'nvme0n1', type: 'disk', fstype: null, mountpoint: null, mountpoints: [null], pkname: null, children }];
const LUKS_LVM = disk([
  part('nvme0n1p1', 'vfat', '/boot/efi'),
  part('nvme0n1p2', 'ext4', '/boot'),
  part('nvme0n1p3', 'crypto_LUKS', null, [
    { name: 'dm_crypt-0', type: 'crypt', fstype: 'LVM2_member', mountpoint: null, mountpoints: [null], pkname: 'nvme0n1p3', children: [{ name: 'ubuntu--vg-ubuntu--lv', type: 'lvm', fstype: 'ext4', mountpoint: '/', mountpoints: ['/'], pkname: 'dm_crypt-0' }] },
  ]),
]);
const PLAIN = disk([part('nvme0n1p1', 'vfat', '/boot/efi'), part('nvme0n1p2', 'ext4', '/'), part('nvme0n1p3', 'ext4', '/home'), part('nvme0n1p4', 'swap', '[SWAP]')]);
const bitlocker = (volume: Record<string, unknown> | Record<string, unknown>[]) => ({ [powershellCommandLine(BITLOCKER_SCRIPT)]: { stdout: `${JSON.stringify(volume)}\r\n` } });
const APFS_LIST = (projectsFileVault: string) => `APFS Containers (2 found)
|
+-- Container disk3 2A1B3C4D-0000-4000-8000-000000000001
|   ====================================================
|   APFS Container Reference:     disk3
|   Size (Capacity Ceiling):      494384795648 B (494.4 GB)
|   |
|   +-> Volume disk3s1 AAAAAAAA-0000-4000-8000-000000000001
|   |   ---------------------------------------------------
|   |   APFS Volume Disk (Role):   disk3s1 (System)
|   |   Name:                      Macintosh HD (Case-insensitive)
|   |   Mount Point:               /System/Volumes/Update/mnt1
|   |   FileVault:                 Yes (Unlocked)
|   |
|   +-> Volume disk3s5 AAAAAAAA-0000-4000-8000-000000000005
|       ---------------------------------------------------
|       APFS Volume Disk (Role):   disk3s5 (Data)
|       Name:                      Macintosh HD - Data (Case-insensitive)
|       Mount Point:               /System/Volumes/Data
|       FileVault:                 Yes (Unlocked)
|
+-- Container disk5 2A1B3C4D-0000-4000-8000-000000000002
    ====================================================
    APFS Container Reference:     disk5
    |
    +-> Volume disk5s1 BBBBBBBB-0000-4000-8000-000000000001
        ---------------------------------------------------
        APFS Volume Disk (Role):   disk5s1 (No specific role)
        Name:                      Projects (Case-sensitive)
        Mount Point:               /Volumes/Projects
        FileVault:                 ${projectsFileVault}
`;

export default defineScenarios('monitoring.disk-encryption', [
  {
    name: 'linux: Ubuntu LVM on LUKS, /home on the root file system',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: lsblk(LUKS_LVM) }),
    expect: { status: 'pass', message: '/ encrypted (from lsblk)' },
  },
  {
    name: 'linux: plain ext4 root and /home partitions',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: lsblk(PLAIN) }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: '/ is not encrypted: lsblk: nvme0n1 (disk) > nvme0n1p2 (part, ext4)', actions: ['manual'] },
        { subject: 'system', message: '/home is not encrypted: lsblk: nvme0n1 (disk) > nvme0n1p3 (part, ext4)' },
      ],
    },
  },
  {
    name: 'linux: no lsblk; /proc/mounts and device-mapper sysfs show / on dm-crypt',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/proc/mounts': { content: 'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n/dev/mapper/cryptroot / ext4 rw,relatime 0 0\n/dev/vda1 /boot ext4 rw,relatime 0 0\n' },
      '/dev/mapper/cryptroot': { target: '../dm-0' },
      '/dev/dm-0': { content: '' },
      '/sys/block/dm-0/dm/uuid': { content: 'CRYPT-LUKS2-4f1c2e0a9b8d4c3e8a7f6e5d4c3b2a19-cryptroot\n' },
    }),
    expect: { status: 'pass', message: '/ encrypted (from /proc/mounts)' },
  },
  {
    name: 'darwin: FileVault on, no other volume mounted',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { 'fdesetup status': { stdout: 'FileVault is On.\n' }, 'diskutil apfs list': { stdout: APFS_LIST('Yes (Unlocked)').split('+-- Container disk5')[0] ?? '' } } }),
    expect: { status: 'pass', message: '/System/Volumes/Data encrypted (from fdesetup)' },
  },
  {
    name: 'darwin: FileVault off and an unencrypted Projects volume',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { 'fdesetup status': { stdout: 'FileVault is Off.\n' }, 'diskutil apfs list': { stdout: APFS_LIST('No') } } }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: '/System/Volumes/Data is not encrypted: fdesetup status: FileVault is Off.', actions: ['manual'] },
        { subject: 'system', message: '/Volumes/Projects is not encrypted: diskutil apfs list: disk5s1 "Projects" FileVault No', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'darwin: FileVault still encrypting; the Projects volume is not judged with otherVolumes off',
    platform: 'darwin',
    params: { otherVolumes: false },
    endpoint: endpoint('darwin', {}, { commands: { 'fdesetup status': { stdout: 'FileVault is On.\nEncryption in progress: Percent completed = 41.3\n' }, 'diskutil apfs list': { stdout: APFS_LIST('No') } } }),
    expect: { status: 'fail', findings: [{ message: '/System/Volumes/Data is still being encrypted: fdesetup status: FileVault is On. Encryption in progress: Percent completed = 41.3' }] },
  },
  {
    name: 'win32: the system drive fully encrypted, protection on',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: bitlocker([
        { MountPoint: 'C:', VolumeType: 'OperatingSystem', VolumeStatus: 'FullyEncrypted', ProtectionStatus: 'On', EncryptionPercentage: 100, EncryptionMethod: 'XtsAes128' },
        { MountPoint: 'E:', VolumeType: 'Removable', VolumeStatus: 'FullyDecrypted', ProtectionStatus: 'Off', EncryptionPercentage: 0, EncryptionMethod: 'None' },
      ]),
    }),
    expect: { status: 'pass', message: 'C: encrypted (from Get-BitLockerVolume)' },
  },
  {
    name: 'win32: BitLocker suspended on C: and a fixed data drive never encrypted (numbers as Windows PowerShell 5.1 prints the enums)',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: bitlocker([
        { MountPoint: 'C:', VolumeType: 0, VolumeStatus: 1, ProtectionStatus: 0, EncryptionPercentage: 100, EncryptionMethod: 6 },
        { MountPoint: 'D:', VolumeType: 1, VolumeStatus: 0, ProtectionStatus: 0, EncryptionPercentage: 0, EncryptionMethod: 0 },
      ]),
    }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'C: has BitLocker protection suspended (the key is in the clear on the disk): Get-BitLockerVolume: OperatingSystem volume, VolumeStatus FullyEncrypted, ProtectionStatus Off', actions: ['manual'] },
        { subject: 'system', message: 'D: is not encrypted: Get-BitLockerVolume: FixedData volume, VolumeStatus FullyDecrypted', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'win32: Get-BitLockerVolume not recorded; manage-bde says fully decrypted',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: {
        'manage-bde -status C:': {
          stdout:
            'BitLocker Drive Encryption: Configuration Tool version 10.0.22621\r\nCopyright (C) 2013 Microsoft Corporation. All rights reserved.\r\n\r\nVolume C: [Windows]\r\n[OS Volume]\r\n\r\n    Size:                 475.69 GB\r\n    BitLocker Version:    None\r\n    Conversion Status:    Fully Decrypted\r\n    Percentage Encrypted: 0.0%\r\n    Encryption Method:    None\r\n    Protection Status:    Protection Off\r\n    Lock Status:          Unlocked\r\n    Identification Field: None\r\n    Key Protectors:       None Found\r\n\r\n',
        },
      },
    }),
    expect: { status: 'fail', findings: [{ message: 'C: is not encrypted: manage-bde -status C:: VolumeStatus FullyDecrypted, ProtectionStatus Off, 0% encrypted, None', actions: ['manual'] }] },
  },
]);
