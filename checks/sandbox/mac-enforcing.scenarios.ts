import { HOST_NS, INIT, proc } from '../host-sandbox-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const GRUB = (line: string) => ({
  '/etc/default/grub': {
    content: `# If you change this file, run 'update-grub' afterwards to update\n# /boot/grub/grub.cfg.\n\nGRUB_DEFAULT=0\nGRUB_TIMEOUT_STYLE=hidden\nGRUB_TIMEOUT=0\nGRUB_DISTRIBUTOR=\`( . /etc/os-release; echo \${NAME:-Ubuntu} ) 2>/dev/null || echo Ubuntu\`\n${line}\nGRUB_CMDLINE_LINUX=""\n`,
  },
});
const UBUNTU_PROFILES = '/usr/bin/man (enforce)\nman_filter (enforce)\nman_groff (enforce)\n/usr/sbin/cups-browsed (enforce)\nlsb_release (enforce)\nfirefox (unconfined)\nunprivileged_userns (enforce)\n';
const APPARMOR_ON = {
  '/sys/module/apparmor/parameters/enabled': { content: 'Y\n' },
  '/sys/kernel/security/apparmor/profiles': { mode: '0444', content: UBUNTU_PROFILES },
  '/sys/kernel/security/lsm': { content: 'lockdown,capability,landlock,yama,apparmor,ima,evm' },
  '/proc/cmdline': { content: 'BOOT_IMAGE=/vmlinuz-6.8.0-48-generic root=/dev/mapper/ubuntu--vg-root ro quiet splash vt.handoff=7\n' },
  '/usr/sbin/apparmor_parser': { mode: '0755', content: '' },
  '/etc/apparmor.d/usr.bin.man': { content: '# vim:syntax=apparmor\nabi <abi/4.0>,\ninclude <tunables/global>\n\n/usr/bin/man {\n  include <abstractions/base>\n  profile man_groff {\n  }\n}\n' },
  '/etc/apparmor.d/firefox': { content: 'abi <abi/4.0>,\ninclude <tunables/global>\n\n@{exec_path} = /usr/lib/firefox/firefox{,*[^s][^h]}\nprofile firefox @{exec_path} flags=(unconfined) {\n  userns,\n}\n' },
  ...GRUB('GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"'),
};
const CLAUDE_PROFILE = { '/etc/apparmor.d/usr.local.bin.claude': { content: 'abi <abi/4.0>,\ninclude <tunables/global>\n\nprofile claude /usr/local/bin/claude {\n  include <abstractions/base>\n  deny @{HOME}/.aws/** rw,\n  deny @{HOME}/.ssh/** rw,\n}\n' } };

export default defineScenarios('sandbox.mac-enforcing', [
  {
    name: 'linux: AppArmor enabled with enforcing profiles (Ubuntu 24.04) passes',
    platform: 'linux',
    endpoint: endpoint('linux', APPARMOR_ON),
    expect: { status: 'pass', message: 'AppArmor enforces: AppArmor enabled with 6 of 7 loaded profile(s) enforcing' },
  },
  {
    name: 'linux: AppArmor turned off with apparmor=0 in grub fails on the module and the grub line',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...APPARMOR_ON,
      '/sys/module/apparmor/parameters/enabled': { content: 'N\n' },
      '/sys/kernel/security/apparmor/profiles': { error: 'ENOENT' },
      '/proc/cmdline': { content: 'BOOT_IMAGE=/vmlinuz-6.8.0-48-generic root=/dev/mapper/ubuntu--vg-root ro quiet splash apparmor=0 vt.handoff=7\n' },
      ...GRUB('GRUB_CMDLINE_LINUX_DEFAULT="quiet splash apparmor=0"'),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/sys/module/apparmor/parameters/enabled', subject: 'system', message: 'AppArmor is disabled in the running kernel: /sys/module/apparmor/parameters/enabled is N (the kernel was booted with apparmor=0, /proc/cmdline)', actions: ['manual'] },
        { path: '/etc/default/grub', line: 8, message: 'GRUB_CMDLINE_LINUX_DEFAULT has "apparmor=0", which turns AppArmor off at the next boot', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: AppArmor enabled but every profile in complain mode fails',
    platform: 'linux',
    endpoint: endpoint('linux', { ...APPARMOR_ON, '/sys/kernel/security/apparmor/profiles': { content: '/usr/bin/man (complain)\nlsb_release (complain)\nfirefox (unconfined)\n' } }),
    expect: { status: 'fail', findings: [{ path: '/sys/kernel/security/apparmor/profiles', message: 'AppArmor is enabled but no loaded profile enforces (2 complain, 1 unconfined' }] },
  },
  {
    name: 'linux: AppArmor on now, but a grub.d drop-in turns it off at the next boot',
    platform: 'linux',
    endpoint: endpoint('linux', { ...APPARMOR_ON, '/etc/default/grub.d/90-debug.cfg': { content: 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT security=tomoyo"\n' } }),
    expect: { status: 'fail', message: 'mandatory access control is on, with problems', findings: [{ path: '/etc/default/grub.d/90-debug.cfg', line: 1, message: '"security=tomoyo", which makes tomoyo the major LSM instead of AppArmor' }] },
  },
  {
    name: 'linux: SELinux enforcing (Fedora) passes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/sys/fs/selinux/enforce': { content: '1' },
      '/etc/selinux/config': { content: '# This file controls the state of SELinux on the system.\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' },
      '/etc/selinux/targeted/policy/policy.33': { content: '' },
      '/sys/kernel/security/lsm': { content: 'lockdown,capability,yama,selinux,bpf,landlock,ima,evm' },
    }),
    expect: { status: 'pass', message: 'SELinux enforces: SELinux enforcing' },
  },
  {
    name: 'linux: SELinux permissive now and in its config fails on both',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/sys/fs/selinux/enforce': { content: '0' },
      '/etc/selinux/config': { content: '# This file controls the state of SELinux on the system.\nSELINUX=permissive\nSELINUXTYPE=targeted\n' },
      '/etc/selinux/targeted/policy/policy.33': { content: '' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/sys/fs/selinux/enforce', message: 'SELinux is permissive' },
        { path: '/etc/selinux/config', line: 2, message: '/etc/selinux/config:2 sets SELINUX=permissive for every boot', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: the agent binary under an enforcing profile, and its process confined, pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...APPARMOR_ON,
      ...CLAUDE_PROFILE,
      '/sys/kernel/security/apparmor/profiles': { content: `${UBUNTU_PROFILES}claude (enforce)\n` },
      ...INIT,
      ...proc(4242, { name: 'claude', uid: 1001, argv: ['/usr/local/bin/claude'], cgroup: '0::/user.slice', ns: HOST_NS, label: 'claude (enforce)' }),
    }),
    params: { agentBinaries: ['/usr/local/bin/claude'] },
    expect: { status: 'pass', message: '1 agent binary(ies) confined' },
  },
  {
    name: 'linux: the agent profile in complain mode and an unconfined agent process fail',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...APPARMOR_ON,
      ...CLAUDE_PROFILE,
      '/sys/kernel/security/apparmor/profiles': { content: `${UBUNTU_PROFILES}claude (complain)\n` },
      ...INIT,
      ...proc(4242, { name: 'claude', uid: 1001, argv: ['/usr/local/bin/claude'], cgroup: '0::/user.slice', ns: HOST_NS, label: 'unconfined' }),
    }),
    params: { agentBinaries: ['/usr/local/bin/claude', '/opt/Cursor/cursor'] },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/apparmor.d/usr.local.bin.claude', subject: '/usr/local/bin/claude', message: 'agent binary /usr/local/bin/claude is not confined: no AppArmor profile attached to it is in enforce mode (profile claude in /etc/apparmor.d/usr.local.bin.claude: complain)' },
        { path: '/opt/Cursor/cursor', subject: '/opt/Cursor/cursor', message: 'agent binary /opt/Cursor/cursor is not confined' },
        { path: '/proc/4242/attr/current', message: 'agent process 4242 (/usr/local/bin/claude, user claude) runs unconfined' },
      ],
    },
  },
  {
    name: 'linux: no AppArmor and no SELinux at all fails',
    platform: 'linux',
    endpoint: endpoint('linux', { '/sys/kernel/security/lsm': { content: 'lockdown,capability,landlock,yama' } }),
    expect: { status: 'fail', findings: [{ path: '/sys/kernel/security/lsm', message: 'neither AppArmor nor SELinux is active (active LSMs: lockdown, capability, landlock, yama)' }] },
  },
]);
