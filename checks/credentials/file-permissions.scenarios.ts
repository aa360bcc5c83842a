import { WINDOWS_SIDS, defineScenarios, endpoint } from '../scenario-kit.js';

const winAcl = (ownerSid: string, extra: object[] = []) =>
  JSON.stringify({
    owner: 'DESKTOP\\alice',
    ownerSid,
    access: [
      { sid: WINDOWS_SIDS.system, principal: 'NT AUTHORITY\\SYSTEM', type: 'Allow', rights: 2032127, inherited: false },
      { sid: ownerSid, principal: 'DESKTOP\\alice', type: 'Allow', rights: 2032127, inherited: false },
      ...extra,
    ],
  });

export default defineScenarios('credentials.file-permissions', [
  {
    name: 'linux: private .aws, .ssh and kubeconfig pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.aws': { type: 'dir', mode: '0700', uid: 1000, gid: 1000 },
      '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: '[default]\nregion = eu-west-1\n' },
      '/home/alice/.ssh': { type: 'dir', mode: '0700', uid: 1000, gid: 1000 },
      '/home/alice/.ssh/id_ed25519': { mode: '0600', uid: 1000, gid: 1000, content: '-----BEGIN OPENSSH PRIVATE KEY-----\n' },
      '/home/alice/.ssh/id_ed25519.pub': { mode: '0644', uid: 1000, gid: 1000, content: 'ssh-ed25519 AAAA alice\n' },
      '/home/alice/.ssh/known_hosts': { mode: '0644', uid: 1000, gid: 1000, content: '' },
      '/home/alice/.ssh/authorized_keys': { mode: '0644', uid: 1000, gid: 1000, content: '' },
      '/home/alice/.kube': { type: 'dir', mode: '0700', uid: 1000, gid: 1000 },
      '/home/alice/.kube/config': { mode: '0600', uid: 1000, gid: 1000, content: 'apiVersion: v1\n' },
    }),
    expect: { status: 'pass', message: /private to their owners/ },
  },
  {
    name: 'linux: world-readable credentials, a foreign owner and an ACL grant fail',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.aws': { type: 'dir', mode: '0755', uid: 1000, gid: 1000 },
      '/home/alice/.aws/credentials': { mode: '0644', uid: 1000, gid: 1000, content: '[default]\n' },
      '/home/alice/.ssh': { type: 'dir', mode: '0700', uid: 1000, gid: 1000 },
      '/home/alice/.ssh/deploy_key': { mode: '0600', uid: 0, gid: 0, content: '-----BEGIN RSA PRIVATE KEY-----\n' },
      '/home/alice/.ssh/authorized_keys': { mode: '0664', uid: 1000, gid: 1000, content: '' },
      '/home/alice/.docker/config.json': {
        mode: '0600',
        uid: 1000,
        gid: 1000,
        content: '{}',
        acl: '# file: x\nuser::rw-\nuser:1001:r--\ngroup::---\nmask::r--\nother::---\n',
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.aws', message: 'mode 0755', subject: 'alice', actions: ['chmod'] },
        { path: '/home/alice/.aws/credentials', message: /mode 0644.*want 0600/, actions: ['chmod'] },
        { path: '/home/alice/.ssh/deploy_key', message: 'owned by uid 0, not alice', actions: ['chown'] },
        { path: '/home/alice/.ssh/authorized_keys', message: /mode 0664.*others must not be able to write/, actions: ['chmod'] },
        { path: '/home/alice/.docker/config.json', message: 'ACL grants user claude (1001) read', actions: ['remove-acl-entry'] },
      ],
    },
  },
  {
    name: 'linux: a masked ACL entry grants nothing and passes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.netrc': { mode: '0600', uid: 1000, gid: 1000, content: '', acl: 'user::rw-\nuser:1001:r--\ngroup::---\nmask::---\nother::---\n' },
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'linux: AWS_SHARED_CREDENTIALS_FILE outside ~/.aws is audited too',
    platform: 'linux',
    endpoint: endpoint(
      'linux',
      { '/srv/keys/aws-creds': { mode: '0640', uid: 1000, gid: 1000, content: '[default]\n' } },
      { currentUser: 'alice', env: { AWS_SHARED_CREDENTIALS_FILE: '/srv/keys/aws-creds' } },
    ),
    expect: { status: 'fail', findings: [{ path: '/srv/keys/aws-creds', message: /mode 0640/ }] },
  },
  {
    name: 'linux: credentials that could not be read fail instead of passing unseen',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.aws': { type: 'dir', mode: '0700', uid: 1000, gid: 1000, error: 'EACCES' },
      '/home/alice/.aws/credentials': { mode: '0644', uid: 1000, gid: 1000, content: '[default]\n', error: 'EACCES' },
    }),
    expect: { status: 'fail', findings: [{ path: '/home/alice', subject: 'alice', message: /2 credential location\(s\) of alice could not be inspected .*EACCES/, actions: ['manual'] }] },
  },
  {
    name: 'darwin: private keychain-less credentials pass',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.aws': { type: 'dir', mode: '0700', uid: 501, gid: 20 },
      '/Users/alice/.aws/config': { mode: '0600', uid: 501, gid: 20, content: '[default]\n' },
      '/Users/alice/.config/gcloud': { type: 'dir', mode: '0700', uid: 501, gid: 20 },
      '/Users/alice/.config/gcloud/application_default_credentials.json': { mode: '0600', uid: 501, gid: 20, content: '{}' },
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: group staff can read and an ACL grants everyone read',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.config/gcloud': { type: 'dir', mode: '0750', uid: 501, gid: 20 },
      '/Users/alice/.config/gh/hosts.yml': {
        mode: '0600',
        uid: 501,
        gid: 20,
        content: 'github.com:\n  user: alice\n',
        acl: '-rw-------+ 1 alice  staff  31 Nov  2 10:00 hosts.yml\n 0: group:everyone allow read,readattr,readextattr,readsecurity\n',
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/.config/gcloud', message: /mode 0750/ },
        { path: '/Users/alice/.config/gh/hosts.yml', message: 'ACL grants group everyone read', actions: ['remove-acl-entry'] },
      ],
    },
  },
  {
    name: 'win32: credentials readable only by the user and SYSTEM pass',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\.aws\\credentials': { content: '[default]\n', acl: winAcl(WINDOWS_SIDS.alice) },
      'C:\\Users\\alice\\AppData\\Roaming\\gcloud\\credentials.db': { content: '' },
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: Everyone and BUILTIN\\Users grants fail',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\.aws': {
        type: 'dir',
        acl: winAcl(WINDOWS_SIDS.alice, [{ sid: WINDOWS_SIDS.users, principal: 'BUILTIN\\Users', type: 'Allow', rights: 1179817, inherited: false }]),
      },
      'C:\\Users\\alice\\.aws\\credentials': { content: '[default]\n' },
      'C:\\Users\\alice\\.ssh\\id_rsa': {
        content: '-----BEGIN OPENSSH PRIVATE KEY-----\n',
        acl: winAcl(WINDOWS_SIDS.alice, [{ sid: WINDOWS_SIDS.everyone, principal: 'Everyone', type: 'Allow', rights: 1179817, inherited: false }]),
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\.aws', message: 'ACL grants BUILTIN\\Users read', actions: ['remove-acl-entry'] },
        { path: 'C:\\Users\\alice\\.aws\\credentials', message: 'ACL grants BUILTIN\\Users read' },
        { path: 'C:\\Users\\alice\\.ssh\\id_rsa', message: 'ACL grants Everyone read' },
      ],
    },
  },
]);
