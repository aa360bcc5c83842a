import { ADMINISTRATORS_SID, checkmember, windowsAdministrators } from '../host-sandbox-kit.js';
import { WINDOWS_SIDS, defineScenarios, endpoint } from '../scenario-kit.js';

const agent = { agentUser: 'claude' };

const DEBIAN_SUDOERS = {
  '/etc/sudoers': {
    mode: '0440',
    content: 'Defaults\tenv_reset\nDefaults\tmail_badpass\nDefaults\tuse_pty\n\n# User privilege specification\nroot\tALL=(ALL:ALL) ALL\n\n# Allow members of group sudo to execute any command\n%sudo\tALL=(ALL:ALL) ALL\n\n@includedir /etc/sudoers.d\n',
  },
  '/etc/sudoers.d/README': { mode: '0440', content: '#\n# Files in this directory are read by sudo unless their name ends in ~ or contains a .\n#\n' },
};
const LINUX_GROUPS = [
  { name: 'root', gid: 0, members: [] },
  { name: 'sudo', gid: 27, members: ['alice'] },
  { name: 'docker', gid: 999, members: ['alice'] },
  { name: 'alice', gid: 1000, members: [] },
  { name: 'claude', gid: 1001, members: [] },
];
const MACOS_SUDOERS = {
  '/etc/sudoers': { mode: '0440', content: 'Defaults\tenv_reset\nroot\t\tALL = (ALL) ALL\n%admin\t\tALL = (ALL) ALL\n\n## Read drop-in files from /private/etc/sudoers.d\n#includedir /private/etc/sudoers.d\n' },
};
const HYPERV_ADMINS = 'S-1-5-32-578';

export default defineScenarios('sandbox.agent-user', [
  {
    name: "linux: claude in no privileged group and Debian's default sudoers pass",
    platform: 'linux',
    endpoint: endpoint('linux', { ...DEBIAN_SUDOERS, '/etc/sudoers.d/local.conf': { mode: '0440', content: 'claude ALL=(ALL) NOPASSWD: ALL\n' } }, { groups: LINUX_GROUPS }),
    params: agent,
    expect: { status: 'pass', message: 'agent user "claude" (uid 1001) is in no privileged group and no sudoers rule names it (2 sudoers file(s) read)' },
  },
  {
    name: 'linux: claude in docker and a NOPASSWD rule in sudoers.d fail, with the line to remove',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...DEBIAN_SUDOERS,
      '/etc/sudoers.d/claude-agent': { mode: '0440', content: '# so the agent can install packages\nDefaults:claude !requiretty\nclaude ALL=(root) NOPASSWD: /usr/bin/apt-get, \\\n    /usr/bin/systemctl restart *\n' },
    }, { groups: LINUX_GROUPS.map((group) => (group.name === 'docker' ? { ...group, members: ['alice', 'claude'] } : group)) }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [
        { subject: 'claude', message: 'is in group docker (gid 999): members control the Docker daemon', actions: ['remove-group-member'] },
        { path: '/etc/sudoers.d/claude-agent', line: 3, subject: 'claude', message: 'lets "claude" (user claude) run /usr/bin/apt-get, /usr/bin/systemctl restart * as (root) without a password', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: membership of sudo fails twice: the group, and the %sudo rule it opens',
    platform: 'linux',
    endpoint: endpoint('linux', DEBIAN_SUDOERS, { groups: LINUX_GROUPS.map((group) => (group.name === 'sudo' ? { ...group, members: ['alice', 'claude'] } : group)) }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [
        { subject: 'claude', message: 'is in group sudo (gid 27)', actions: ['remove-group-member'] },
        { path: '/etc/sudoers', line: 9, message: 'lets "claude" (group %sudo) run any command as (ALL:ALL)', actions: ['remove-group-member', 'manual'] },
      ],
    },
  },
  {
    name: 'linux: an agent account with uid 0 fails',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { users: [{ name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' }, { name: 'claude', uid: 0, gid: 0, home: '/root' }], groups: [{ name: 'root', gid: 0, members: [] }] }),
    params: agent,
    expect: { status: 'fail', findings: [{ subject: 'claude', message: 'has uid 0: it is root' }, { subject: 'claude', message: 'is in group root (gid 0) as its primary group', actions: ['manual'] }] },
  },
  {
    name: 'linux: a sudoers file that cannot be read is not evidence of safety',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/sudoers': { mode: '0440', error: 'EACCES' } }),
    params: agent,
    expect: { status: 'fail', findings: [{ path: '/etc/sudoers', message: 'cannot be read (EACCES); run the audit as root' }] },
  },
  {
    name: 'linux: a baseline agent user without an account fails',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    params: { agentUser: 'cowork-agent' },
    expect: { status: 'fail', findings: [{ subject: 'cowork-agent', message: 'no account named "cowork-agent"' }] },
  },
  {
    name: 'linux: no agentUser in the baseline skips',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    expect: { status: 'skipped', message: 'agentUser' },
  },
  {
    name: "darwin: claude outside admin with macOS's sudoers passes",
    platform: 'darwin',
    endpoint: endpoint('darwin', MACOS_SUDOERS, { commands: { ...checkmember('alice', true), ...checkmember('claude', false) } }),
    params: agent,
    expect: { status: 'pass', message: 'agent user "claude" (uid 502) is in no privileged group' },
  },
  {
    name: 'darwin: claude in admin fails on the group and on the %admin rule',
    platform: 'darwin',
    endpoint: endpoint('darwin', MACOS_SUDOERS, {
      groups: [{ name: 'wheel', gid: 0, members: ['root'] }, { name: 'staff', gid: 20, members: ['root'] }, { name: 'admin', gid: 80, members: ['root', 'alice', 'claude'] }],
      commands: { ...checkmember('alice', true), ...checkmember('claude', true) },
    }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [
        { subject: 'claude', message: 'is in group admin (gid 80): members are administrators', actions: ['remove-group-member'] },
        { path: '/etc/sudoers', line: 3, message: 'lets "claude" (group %admin) run any command as (ALL)', actions: ['remove-group-member', 'manual'] },
      ],
    },
  },
  {
    name: 'darwin: admin through a nested group shows only in dseditgroup',
    platform: 'darwin',
    endpoint: endpoint('darwin', MACOS_SUDOERS, { commands: { ...checkmember('alice', true), ...checkmember('claude', true) } }),
    params: agent,
    expect: { status: 'fail', findings: [{ subject: 'claude', message: '`dseditgroup -o checkmember -m claude admin` answers yes (through a nested group', actions: ['manual'] }] },
  },
  {
    name: 'win32: claude a standard user, Administrators holding Administrator and alice, passes',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsAdministrators([{ name: 'DESKTOP\\Administrator', sid: 'S-1-5-21-1004336348-1177238915-682003330-500' }, { name: 'DESKTOP\\alice', sid: WINDOWS_SIDS.alice }]) }),
    params: agent,
    expect: { status: 'pass', message: `agent user "claude" (${WINDOWS_SIDS.claude}) is no administrator and in no privileged group` },
  },
  {
    name: 'win32: Get-LocalGroupMember shows claude in Administrators by SID',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsAdministrators([{ name: 'DESKTOP\\alice', sid: WINDOWS_SIDS.alice }, { name: 'AzureAD\\claude', sid: WINDOWS_SIDS.claude, source: 'AzureAD' }]) }),
    params: agent,
    expect: { status: 'fail', findings: [{ subject: 'claude', message: `is a member of Administrators (${ADMINISTRATORS_SID}) as AzureAD\\claude (AzureAD)`, actions: ['remove-group-member'] }] },
  },
  {
    name: 'win32: Hyper-V Administrators and docker-users are privileged too',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      groups: [
        { name: 'Administrators', gid: 0, members: ['alice'], sid: WINDOWS_SIDS.administrators },
        { name: 'Users', gid: 1, members: ['alice', 'claude'], sid: WINDOWS_SIDS.users },
        { name: 'Hyper-V-Administratoren', gid: 2, members: ['claude'], sid: HYPERV_ADMINS },
        { name: 'docker-users', gid: 3, members: ['alice', 'claude'], sid: 'S-1-5-21-1004336348-1177238915-682003330-1003' },
      ],
      commands: windowsAdministrators([{ name: 'DESKTOP\\alice', sid: WINDOWS_SIDS.alice }]),
    }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [
        { subject: 'claude', message: `is in group Hyper-V-Administratoren (${HYPERV_ADMINS}): Hyper-V Administrators`, actions: ['remove-group-member'] },
        { subject: 'claude', message: 'is in group docker-users', actions: ['remove-group-member'] },
      ],
    },
  },
]);
