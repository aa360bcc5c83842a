import { defineScenarios, endpoint } from '../scenario-kit.js';

const GROUPS = (dockerMembers: string[]) => [
  { name: 'root', gid: 0, members: [] },
  { name: 'alice', gid: 1000, members: [] },
  { name: 'claude', gid: 1001, members: [] },
  { name: 'users', gid: 100, members: ['alice'] },
  { name: 'docker', gid: 998, members: dockerMembers },
];
const ENABLED = {
  '/usr/bin/docker': { mode: '0755', content: '' },
  '/usr/lib/systemd/system/docker.service': { content: '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n' },
  '/etc/systemd/system/multi-user.target.wants/docker.service': { type: 'symlink' as const, target: '/usr/lib/systemd/system/docker.service' },
};
const HARDENED_JSON = '{\n  "userns-remap": "default",\n  "no-new-privileges": true,\n  "icc": false,\n  "live-restore": true\n}\n';
// Line 2 hosts with a tcp:// listener, line 3 an insecure registry; userns-remap, no-new-privileges and icc unset.
const WEAK_JSON = '{\n  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],\n  "insecure-registries": ["registry.corp.example:5000"],\n  "log-driver": "json-file"\n}\n';

export default defineScenarios('sandbox.docker-daemon', [
  {
    name: 'linux: no docker binary, daemon.json, unit or group: skipped, naming what was looked for',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    params: { agentUser: 'claude' },
    expect: { status: 'skipped', message: /Docker is not installed: none of \/usr\/bin\/docker, .*\/etc\/docker\/daemon\.json/ },
  },
  {
    name: 'linux: userns-remap, no-new-privileges, icc false and an empty docker group pass',
    platform: 'linux',
    endpoint: endpoint('linux', { ...ENABLED, '/etc/docker/daemon.json': { content: HARDENED_JSON } }, { groups: GROUPS([]) }),
    params: { agentUser: 'claude' },
    expect: { status: 'pass', message: /the rootful daemon \(in use: \/etc\/docker\/daemon\.json, .*multi-user\.target\.wants\/docker\.service \(enabled\)\).*docker group: empty/ },
  },
  {
    name: 'linux: an open tcp:// API, an insecure registry, no userns/nnp/icc, and alice and the agent in the docker group fail',
    platform: 'linux',
    endpoint: endpoint(
      'linux',
      {
        ...ENABLED,
        '/etc/docker/daemon.json': { content: WEAK_JSON },
        // Docker's documented override when daemon.json sets hosts (dockerd refuses -H and "hosts" together).
        '/etc/systemd/system/docker.service.d/override.conf': { content: '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd\n' },
      },
      { groups: GROUPS(['alice', 'claude']) },
    ),
    params: { agentUser: 'claude' },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/docker/daemon.json', message: /^\[high\] the rootful daemon: runs containers without user-namespace remapping/, actions: ['set-json-key', 'manual'] },
        { path: '/etc/docker/daemon.json', message: '"no-new-privileges": true', actions: ['set-json-key'] },
        { path: '/etc/docker/daemon.json', message: 'inter-container communication', actions: ['set-json-key'] },
        { path: '/etc/docker/daemon.json', line: 2, message: /^\[critical\] the rootful daemon: serves the Docker API on tcp:\/\/0\.0\.0\.0:2375 without TLS client verification/, actions: ['set-json-key'] },
        { path: '/etc/docker/daemon.json', line: 3, message: 'registry.corp.example:5000', actions: ['set-json-key'] },
        { subject: 'alice', message: '[high] user alice is in the docker group', actions: ['remove-group-member'] },
        { subject: 'claude', message: /agent user claude is in the docker group.*a prompt-injected agent is root/, actions: ['remove-group-member'] },
      ],
    },
  },
  {
    name: 'linux: an enabled daemon without daemon.json gets a write-file action creating it',
    platform: 'linux',
    endpoint: endpoint('linux', ENABLED, { groups: GROUPS([]) }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/docker/daemon.json', message: 'user-namespace remapping', actions: ['write-file'] },
        { path: '/etc/docker/daemon.json', message: 'no-new-privileges', actions: ['write-file'] },
        { path: '/etc/docker/daemon.json', message: 'icc', actions: ['write-file'] },
      ],
    },
  },
  {
    name: 'linux: a -H tcp:// flag in a unit drop-in is found in the drop-in, with a manual action',
    platform: 'linux',
    endpoint: endpoint(
      'linux',
      {
        ...ENABLED,
        '/etc/docker/daemon.json': { content: HARDENED_JSON },
        '/etc/systemd/system/docker.service.d/override.conf': { content: '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// \\\n  -H tcp://127.0.0.1:2375\n' },
      },
      { groups: GROUPS([]) },
    ),
    expect: {
      status: 'fail',
      findings: [{ path: '/etc/systemd/system/docker.service.d/override.conf', line: 3, message: /^\[high\] the rootful daemon: serves the Docker API on tcp:\/\/127\.0\.0\.1:2375.*any local user or process, the agent included/, actions: ['manual'] }],
    },
  },
  {
    name: 'linux: a gVisor default runtime stands in for userns-remap',
    platform: 'linux',
    endpoint: endpoint('linux', { ...ENABLED, '/etc/docker/daemon.json': { content: '{\n  "default-runtime": "runsc",\n  "runtimes": { "runsc": { "path": "/usr/local/bin/runsc" } },\n  "no-new-privileges": true,\n  "icc": false\n}\n' } }, { groups: GROUPS([]) }),
    expect: { status: 'pass' },
  },
  {
    name: 'linux: alice uses rootless Docker, the system daemon is installed but not enabled: her docker group membership grants nothing',
    platform: 'linux',
    endpoint: endpoint(
      'linux',
      {
        '/usr/bin/docker': { mode: '0755', content: '' },
        '/usr/lib/systemd/system/docker.service': { content: '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n' },
        '/home/alice/.config/systemd/user/docker.service': { content: '[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n' },
        '/home/alice/.config/docker/daemon.json': { content: '{\n  "no-new-privileges": true,\n  "icc": false\n}\n' },
      },
      { groups: GROUPS(['alice']) },
    ),
    params: { agentUser: 'claude' },
    expect: { status: 'pass', message: /alice's rootless daemon.*the rootful daemon is not in use, so the docker group \(alice\) grants nothing/ },
  },
  {
    name: "linux: a rootless daemon without no-new-privileges fails in the user's daemon.json",
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.config/systemd/user/docker.service': { content: '[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n' },
      '/home/alice/.config/docker/daemon.json': { content: '{\n  "icc": false,\n  "no-new-privileges": false\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.config/docker/daemon.json', line: 3, subject: "alice's rootless daemon", message: '(it is false)', actions: ['set-json-key', 'manual'] }],
    },
  },
  {
    name: 'linux: a daemon.json with a comment is an error dockerd would refuse',
    platform: 'linux',
    endpoint: endpoint('linux', { ...ENABLED, '/etc/docker/daemon.json': { content: '{\n  // remap\n  "userns-remap": "default"\n}\n' } }, { groups: GROUPS([]) }),
    expect: { status: 'fail', findings: [{ path: '/etc/docker/daemon.json', line: 2, message: /invalid JSON at line 2.*dockerd refuses to start/ }] },
  },
  {
    name: 'linux: service accounts and allowed members of the docker group are fine',
    platform: 'linux',
    endpoint: endpoint('linux', { ...ENABLED, '/etc/docker/daemon.json': { content: HARDENED_JSON } }, {
      users: [
        { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
        { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' },
        { name: 'claude', uid: 1001, gid: 1001, home: '/home/claude', shell: '/bin/bash' },
        { name: 'gitlab-runner', uid: 998, gid: 997, home: '/home/gitlab-runner', shell: '/bin/bash' },
        { name: 'ci', uid: 1002, gid: 1002, home: '/home/ci', shell: '/bin/bash' },
      ],
      groups: GROUPS(['gitlab-runner', 'ci']),
    }),
    params: { agentUser: 'claude', allowedDockerGroupMembers: ['ci'] },
    expect: { status: 'pass', message: 'docker group: only gitlab-runner, ci' },
  },
]);
