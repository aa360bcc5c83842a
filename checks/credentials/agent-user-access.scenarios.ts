import { WINDOWS_SIDS, defineScenarios, endpoint } from '../scenario-kit.js';

const agent = { agentUser: 'claude' };

export default defineScenarios('credentials.agent-user-access', [
  {
    name: 'linux: a traversable home does not help when the credential is private',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice': { type: 'dir', mode: '0755', uid: 1000, gid: 1000 },
      '/home/alice/.aws': { type: 'dir', mode: '0755', uid: 1000, gid: 1000 },
      '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: '[default]\n' },
      '/home/alice/.ssh/authorized_keys': { mode: '0644', uid: 1000, gid: 1000, content: '' },
    }),
    params: agent,
    expect: { status: 'pass', message: /can reach none of/ },
  },
  {
    name: 'linux: a named ACL entry on the file and a readable folder chain fail',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice': { type: 'dir', mode: '0711', uid: 1000, gid: 1000 },
      '/home/alice/.aws': { type: 'dir', mode: '0711', uid: 1000, gid: 1000 },
      '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: '[default]\n', acl: 'user::rw-\nuser:1001:r--\ngroup::---\nmask::r--\nother::---\n' },
    }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.aws/credentials', subject: 'alice', message: 'can read alice', actions: ['remove-acl-entry'] }],
    },
  },
  {
    name: 'linux: a world-readable file behind a closed home stays out of reach',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice': { type: 'dir', mode: '0700', uid: 1000, gid: 1000 },
      '/home/alice/.netrc': { mode: '0644', uid: 1000, gid: 1000, content: '' },
    }),
    params: agent,
    expect: { status: 'pass' },
  },
  {
    name: 'linux: shared group membership grants the agent read',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice': { type: 'dir', mode: '0750', uid: 1000, gid: 100 },
      '/home/alice/.kube': { type: 'dir', mode: '0750', uid: 1000, gid: 100 },
      '/home/alice/.kube/config': { mode: '0640', uid: 1000, gid: 100, content: 'apiVersion: v1\n' },
    }, {
      groups: [
        { name: 'root', gid: 0, members: [] },
        { name: 'alice', gid: 1000, members: [] },
        { name: 'claude', gid: 1001, members: [] },
        { name: 'users', gid: 100, members: ['alice', 'claude'] },
      ],
    }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.kube/config', message: 'can read', actions: ['chmod'] }],
    },
  },
  {
    name: 'linux: a group-writable credential folder lets the agent plant files',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice': { type: 'dir', mode: '0751', uid: 1000, gid: 1000 },
      '/home/alice/.ssh': { type: 'dir', mode: '0773', uid: 1000, gid: 1000 },
    }),
    params: agent,
    expect: { status: 'fail', findings: [{ path: '/home/alice/.ssh', message: 'can write into', actions: ['chmod'] }] },
  },
  {
    name: 'linux: an agent account with uid 0 fails outright',
    platform: 'linux',
    endpoint: endpoint('linux', {}, {
      users: [
        { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' },
        { name: 'claude', uid: 0, gid: 0, home: '/root' },
      ],
    }),
    params: agent,
    expect: { status: 'fail', findings: [{ subject: 'claude', message: 'uid 0' }] },
  },
  {
    name: 'linux: no agent user in the baseline skips',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    expect: { status: 'skipped', message: 'agentUser' },
  },
  {
    name: 'darwin: mode 0700 homes keep the agent out',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice': { type: 'dir', mode: '0700', uid: 501, gid: 20 },
      '/Users/alice/.aws/credentials': { mode: '0640', uid: 501, gid: 20, content: '[default]\n' },
    }),
    params: agent,
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: staff group read through an open home fails',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice': { type: 'dir', mode: '0755', uid: 501, gid: 20 },
      '/Users/alice/.aws': { type: 'dir', mode: '0750', uid: 501, gid: 20 },
      '/Users/alice/.aws/credentials': { mode: '0640', uid: 501, gid: 20, content: '[default]\n' },
    }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [{ path: '/Users/alice/.aws/credentials', message: 'can read' }],
    },
  },
  {
    name: 'win32: only alice, SYSTEM and Administrators on her profile pass',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Users\\alice\\.aws\\credentials': { content: '[default]\n' } }),
    params: agent,
    expect: { status: 'pass' },
  },
  {
    name: 'win32: an Authenticated Users grant lets the agent read',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\.docker\\config.json': {
        content: '{}',
        acl: JSON.stringify({
          owner: 'DESKTOP\\alice',
          ownerSid: WINDOWS_SIDS.alice,
          access: [
            { sid: WINDOWS_SIDS.alice, principal: 'DESKTOP\\alice', type: 'Allow', rights: 2032127, inherited: false },
            { sid: 'S-1-5-11', principal: 'NT AUTHORITY\\Authenticated Users', type: 'Allow', rights: 1179817, inherited: false },
          ],
        }),
      },
    }),
    params: agent,
    expect: {
      status: 'fail',
      findings: [{ path: 'C:\\Users\\alice\\.docker\\config.json', message: 'can read', actions: ['remove-acl-entry'] }],
    },
  },
]);
