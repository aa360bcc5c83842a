import { diskEncryption, type VolumeEncryption } from '../../src/collectors/disk-encryption.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import type { Platform } from '../../src/host/host.js';

const LINUX_FIX =
  'LUKS cannot be added safely by a script. Reinstall with full-disk encryption (Ubuntu installer: Advanced features > Use LVM and encryption; Fedora/RHEL: Encrypt my data), ' +
  'or move the data to a LUKS volume (cryptsetup luksFormat, cryptsetup open, mkfs, then /etc/crypttab and /etc/fstab), or after a full backup encrypt in place with cryptsetup reencrypt --encrypt --reduce-device-size 32M.';
const FILEVAULT_FIX = 'Turn FileVault on: an MDM FileVault payload that escrows the recovery key, or sudo fdesetup enable (prints the personal recovery key); check with fdesetup status.';
function bitLockerFix(volume: VolumeEncryption): string {
  const drive = volume.mountPoint;
  if (!volume.boot) return `Turn BitLocker on for the data drive with the recovery key escrowed: an Intune disk encryption policy, or Enable-BitLocker -MountPoint ${drive} -EncryptionMethod XtsAes256 -RecoveryPasswordProtector then Enable-BitLockerAutoUnlock -MountPoint ${drive} (manage-bde -on ${drive} -RecoveryPassword); check with manage-bde -status ${drive}.`;
  return `Turn BitLocker on with the recovery key escrowed: an Intune disk encryption policy, or Enable-BitLocker -MountPoint ${drive} -EncryptionMethod XtsAes256 -TpmProtector then BackupToAAD-BitLockerKeyProtector (manage-bde -on ${drive} -RecoveryPassword); check with manage-bde -status ${drive}.`;
}

function fixFor(platform: Platform, volume: VolumeEncryption): RemediationAction {
  if (platform === 'linux') return { kind: 'manual', text: volume.state === 'unknown' ? `Confirm which device holds ${volume.mountPoint} (lsblk -o NAME,TYPE,FSTYPE,MOUNTPOINTS on the running system); if it is not on LUKS: ${LINUX_FIX}` : LINUX_FIX };
  if (platform === 'darwin') {
    if (!volume.boot) return { kind: 'manual', text: `Encrypt the volume: diskutil apfs encryptVolume <device of ${volume.mountPoint}> -user disk (or Finder > Encrypt), or move the data to the FileVault-protected Data volume.` };
    return { kind: 'manual', text: volume.state === 'in-progress' ? 'FileVault encryption is still running: keep the Mac on power until fdesetup status reports it finished.' : FILEVAULT_FIX };
  }
  if (volume.state === 'suspended') return { kind: 'manual', text: `Resume protection: Resume-BitLocker -MountPoint ${volume.mountPoint} (manage-bde -protectors -enable ${volume.mountPoint}); while suspended the key is stored in the clear on the disk.` };
  if (volume.state === 'in-progress') return { kind: 'manual', text: `BitLocker encryption of ${volume.mountPoint} has not finished: keep the machine on until manage-bde -status ${volume.mountPoint} reports Fully Encrypted (Resume-BitLocker if it is paused).` };
  return { kind: 'manual', text: bitLockerFix(volume) };
}

const STATE_TEXT: Record<string, string> = {
  'not-encrypted': 'is not encrypted',
  unknown: 'cannot be shown to be encrypted',
  'in-progress': 'is still being encrypted',
  suspended: 'has BitLocker protection suspended (the key is in the clear on the disk)',
};

export default defineCheck({
  meta: {
    id: 'monitoring.disk-encryption',
    title: 'The disks that hold users\' data are encrypted',
    area: 'monitoring',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'An agent\'s workstation holds its transcripts, the repositories it works on and the credential files of its users; a lost or stolen laptop, or ' +
      'a disk image copied out of a VM host, gives all of it away unless the disk is encrypted. Linux: the root and /home file systems (the ' +
      'mountPoints param) on LUKS, from lsblk on a running system (else /proc/mounts and device-mapper sysfs), or from /etc/fstab through ' +
      '/etc/crypttab, LVM metadata backups and the kernel command line in an image (ZFS native encryption, fscrypt and eCryptfs homes are not ' +
      'recognised: waive with the reason). macOS: FileVault on the Data volume (fdesetup status) and other mounted APFS volumes (diskutil apfs ' +
      'list). Windows: BitLocker on the system drive, fully encrypted and protection on (Get-BitLockerVolume, else manage-bde -status). Offline ' +
      'macOS and Windows images are skipped.',
    references: [
      { title: 'crypttab(5) and cryptsetup(8): LUKS volumes, reencrypt', url: 'https://man7.org/linux/man-pages/man5/crypttab.5.html' },
      { title: 'lsblk(8): -J, MOUNTPOINTS (util-linux 2.37+)', url: 'https://man7.org/linux/man-pages/man8/lsblk.8.html' },
      { title: 'Apple Platform Deployment: FileVault and fdesetup', url: 'https://support.apple.com/guide/deployment/intro-to-filevault-dep82064ec40/web' },
      { title: 'Get-BitLockerVolume (VolumeStatus, ProtectionStatus, EncryptionPercentage)', url: 'https://learn.microsoft.com/en-us/powershell/module/bitlocker/get-bitlockervolume' },
      { title: 'manage-bde status', url: 'https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/manage-bde-status' },
      { title: 'CIS Controls v8 3.6: Encrypt Data on End-User Devices' },
    ],
    fix: 'Encrypt the data volumes: LUKS (at installation), FileVault (MDM payload or fdesetup enable), BitLocker (Intune policy or Enable-BitLocker), with recovery keys escrowed.',
  },
  params: {
    mountPoints: stringList('Linux mount points whose file system must be on LUKS, when they are separate file systems.', ['/', '/home']),
    otherVolumes: boolean('On macOS, also require other mounted APFS volumes under /Volumes (external disks included) to be encrypted.', true),
  },
  uses: [diskEncryption],
  evaluate(facts, params) {
    const evidence = facts.get(diskEncryption);
    const note = evidence.unavailable.length ? `; ${evidence.unavailable.join('; ')}` : '';
    if (evidence.volumes.length === 0 && evidence.platform !== 'linux' && !evidence.source) {
      if (evidence.unavailable.some((item) => item.includes('offline'))) return { status: 'skipped', message: evidence.unavailable.join('; ') };
    }
    let volumes = evidence.volumes;
    const findings: Finding[] = [];
    if (evidence.platform === 'linux') {
      volumes = volumes.filter((volume) => params.mountPoints.includes(volume.mountPoint));
      if (!evidence.source) return { status: 'skipped', message: `no mount information to judge (${evidence.unavailable.join('; ') || 'none found'})` };
      if (params.mountPoints.includes('/') && !volumes.some((volume) => volume.mountPoint === '/')) {
        findings.push({ message: `the root file system is not listed in ${evidence.source}: its encryption cannot be judged`, subject: 'system', actions: [fixFor('linux', { mountPoint: '/', state: 'unknown', evidence: '' })] });
      }
    } else if (evidence.platform === 'darwin' && !params.otherVolumes) {
      volumes = volumes.filter((volume) => volume.boot);
    }
    if (volumes.length === 0 && findings.length === 0) {
      return {
        status: 'fail',
        message: `the encryption of the boot volume could not be determined${note}`,
        findings: [{ message: `no encryption evidence could be gathered${note}`, subject: 'system', actions: [{ kind: 'manual', text: 'Run the audit as root or administrator (fdesetup, Get-BitLockerVolume and manage-bde need it), then re-run.' }] }],
      };
    }
    for (const volume of volumes) {
      if (volume.state === 'encrypted') continue;
      findings.push({
        message: `${volume.mountPoint} ${STATE_TEXT[volume.state] ?? volume.state}: ${volume.evidence}`,
        ...(volume.location ? { location: volume.location } : {}),
        subject: 'system',
        actions: [fixFor(evidence.platform, volume)],
      });
    }
    const summary = volumes.map((volume) => `${volume.mountPoint} ${volume.state}`).join(', ');
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} volume(s) not shown to be encrypted (${summary}; from ${evidence.source ?? 'no evidence'})${note}`, findings };
    return { status: 'pass', message: `${summary} (from ${evidence.source})${note}` };
  },
});
