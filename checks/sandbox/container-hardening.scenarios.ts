import { defineScenarios, endpoint } from '../scenario-kit.js';

const HARDENED_COMPOSE = `services:
  agent:
    image: ghcr.io/example/agent:1.4
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    security_opt:
      - no-new-privileges:true
    pids_limit: 256
    tmpfs:
      - /tmp
    volumes:
      - ./workspace:/workspace
`;

// Line 3 privileged, 6 the socket, 7 ~/.aws, 9 network_mode host; the service is at line 2.
const WEAK_COMPOSE = `services:
  agent:
    privileged: true
    image: ghcr.io/example/agent:1.4
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - \${HOME}/.aws:/home/agent/.aws
      - ./workspace:/workspace
    network_mode: host
`;

// JSONC, as editors write it: comments and a trailing comma.
const HARDENED_DEVCONTAINER = `// Claude Code sandbox
{
  "name": "agent sandbox",
  "image": "mcr.microsoft.com/devcontainers/base:ubuntu",
  "remoteUser": "vscode",
  "securityOpt": ["no-new-privileges"],
  "runArgs": [
    "--cap-drop=ALL",
    "--cap-add=NET_ADMIN", // the sandbox's own egress firewall
    "--read-only",
    "--pids-limit=512",
  ],
}
`;

// Line 5 --privileged, 6 SYS_ADMIN, 9 the ~/.ssh mount; the object opens at line 1.
const WEAK_DEVCONTAINER = `{
  "name": "yolo",
  "image": "mcr.microsoft.com/devcontainers/base:ubuntu",
  "runArgs": [
    "--privileged",
    "--cap-add", "SYS_ADMIN"
  ],
  "mounts": [
    "source=\${localEnv:HOME}/.ssh,target=/home/vscode/.ssh,type=bind,readonly"
  ],
  "remoteUser": "root"
}
`;

const sandbox = (home: string, sep = '/') => `${home}${sep}.config${sep}claude-sandbox`;

export default defineScenarios('sandbox.container-hardening', [
  {
    name: 'linux: a locked-down compose service in ~/.config/claude-sandbox passes',
    platform: 'linux',
    endpoint: endpoint('linux', { [`${sandbox('/home/alice')}/compose.yaml`]: { content: HARDENED_COMPOSE } }),
    expect: { status: 'pass', message: /1 container definition\(s\) in 1 file\(s\)/ },
  },
  {
    name: 'linux: privileged, the Docker socket (even read-only), ~/.aws and host network fail at their lines, plus the missing hardening',
    platform: 'linux',
    endpoint: endpoint('linux', { [`${sandbox('/home/alice')}/compose.yaml`]: { content: WEAK_COMPOSE } }),
    expect: {
      status: 'fail',
      findings: [
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 2, subject: 'service agent', message: /^\[medium\] service agent: lacks cap_drop: \[ALL\], security_opt: \[no-new-privileges:true\], read_only: true, a non-root user \(none set/, actions: ['manual'] },
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 3, message: /^\[critical\] service agent: runs privileged/, actions: ['manual'] },
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 6, message: /\[critical\].*API socket.*read-only does not help/ },
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 7, message: /\[high\] service agent: mounts ~\/\.aws from the host/ },
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 9, message: /\[high\] service agent: uses the host network namespace/ },
      ],
    },
  },
  {
    name: 'linux: the diff of a finding removes exactly the privileged line',
    platform: 'linux',
    endpoint: endpoint('linux', { [`${sandbox('/home/alice')}/compose.yaml`]: { content: 'services:\n  agent:\n    privileged: true\n    image: x\n    user: "1000"\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges]\n    pids_limit: 64\n' } }),
    expect: {
      status: 'fail',
      findings: [{ line: 3, message: 'runs privileged', actions: ['manual'] }],
    },
  },
  {
    name: 'linux: a devcontainer in ~/.claude-devcontainer with --privileged, SYS_ADMIN, ~/.ssh and remoteUser root fails',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/claude/.claude-devcontainer/devcontainer.json': { content: WEAK_DEVCONTAINER } }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/claude/.claude-devcontainer/devcontainer.json', line: 1, subject: 'devcontainer "yolo"', message: /lacks --cap-drop=ALL, no-new-privileges .*, --read-only, a non-root remoteUser \(user root\), --pids-limit/ },
        { path: '/home/claude/.claude-devcontainer/devcontainer.json', line: 5, message: '[critical] devcontainer "yolo": runs privileged' },
        { path: '/home/claude/.claude-devcontainer/devcontainer.json', line: 6, message: '[critical] devcontainer "yolo": adds capability SYS_ADMIN' },
        { path: '/home/claude/.claude-devcontainer/devcontainer.json', line: 9, message: 'mounts ~/.ssh from the host' },
      ],
    },
  },
  {
    name: 'linux: NET_ADMIN accepted by allowedCapabilities, in a JSONC devcontainer with comments and trailing commas, passes',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude-devcontainer/devcontainer.json': { content: HARDENED_DEVCONTAINER } }),
    params: { allowedCapabilities: ['cap_net_admin'] },
    expect: { status: 'pass' },
  },
  {
    name: 'linux: the same devcontainer without the allowance fails on NET_ADMIN only',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude-devcontainer/devcontainer.json': { content: HARDENED_DEVCONTAINER } }),
    expect: { status: 'fail', findings: [{ line: 9, message: '[high] devcontainer "agent sandbox": adds capability NET_ADMIN' }] },
  },
  {
    name: 'linux: a docker run script in /etc/claude-sandbox, with line continuations, fails at the flag lines',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-sandbox/start-agent.sh': {
        mode: '0755',
        content: '#!/bin/sh\n# start the agent\nexec docker run --rm -it \\\n  --cap-drop=ALL --read-only --pids-limit=128 --user 1000:1000 \\\n  --security-opt no-new-privileges \\\n  --pid=host \\\n  -v "$HOME/.kube:/root/.kube" \\\n  ghcr.io/example/agent:1.4 --privileged\n',
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/claude-sandbox/start-agent.sh', line: 6, subject: 'docker run ghcr.io/example/agent:1.4 (line 3)', message: '[high] docker run ghcr.io/example/agent:1.4 (line 3): uses the host pid namespace' },
        { path: '/etc/claude-sandbox/start-agent.sh', line: 7, message: 'mounts ~/.kube from the host' },
      ],
    },
  },
  {
    name: 'linux: a definition outside the folders the baseline keeps is not judged',
    platform: 'linux',
    endpoint: endpoint('linux', { [`${sandbox('/home/alice')}/compose.yaml`]: { content: WEAK_COMPOSE } }),
    params: { containerDefinitionPaths: ['~/.claude-devcontainer'] },
    expect: { status: 'skipped', message: /no container definitions in \/home\/alice\/\.claude-devcontainer, \/home\/claude\/\.claude-devcontainer|no container definitions in no folder/ },
  },
  {
    name: 'linux: a folder the baseline adds (containerDefinitionPaths) is searched, per home with ~/',
    platform: 'linux',
    endpoint: endpoint('linux', { '/opt/agent-sandbox/compose.yaml': { content: WEAK_COMPOSE }, '/home/alice/sandboxes/agent/compose.yaml': { content: WEAK_COMPOSE } }),
    params: { containerDefinitionPaths: ['/opt/agent-sandbox', '~/sandboxes'] },
    expect: { status: 'fail', message: /in 2 file\(s\)/ },
  },
  {
    name: 'linux: a compose file that does not parse is a finding with its line, not a pass',
    platform: 'linux',
    endpoint: endpoint('linux', { [`${sandbox('/home/alice')}/compose.yaml`]: { content: 'services:\n  agent:\n    image: [unclosed\n' } }),
    expect: {
      status: 'fail',
      findings: [
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 4, message: /^\[medium\] compose\.yaml: invalid YAML at line 4: .*; judged as far as it could be read$/ },
        { path: `${sandbox('/home/alice')}/compose.yaml`, line: 2, message: 'service agent: lacks cap_drop' },
      ],
    },
  },
  {
    name: 'darwin: a locked-down devcontainer in ~/.claude-devcontainer passes',
    platform: 'darwin',
    endpoint: endpoint('darwin', { '/Users/alice/.claude-devcontainer/devcontainer.json': { content: HARDENED_DEVCONTAINER } }),
    params: { allowedCapabilities: ['NET_ADMIN'] },
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: the docker-outside-of-docker feature hands the container the Docker socket',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.claude-devcontainer/devcontainer.json': {
        content: '{\n  "name": "dood",\n  "image": "mcr.microsoft.com/devcontainers/base:ubuntu",\n  "remoteUser": "vscode",\n  "securityOpt": ["no-new-privileges"],\n  "runArgs": ["--cap-drop=ALL", "--read-only", "--pids-limit=512"],\n  "features": {\n    "ghcr.io/devcontainers/features/docker-outside-of-docker:1": {}\n  }\n}\n',
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/.claude-devcontainer/devcontainer.json', line: 8, message: /\[critical\].*API socket.*feature ghcr\.io\/devcontainers\/features\/docker-outside-of-docker:1/ },
        { path: '/Users/alice/.claude-devcontainer/devcontainer.json', line: 8, message: /\[medium\].*label=disable/ },
      ],
    },
  },
  {
    name: 'win32: a locked-down compose file in the profile passes',
    platform: 'win32',
    endpoint: endpoint('win32', { [`${sandbox('C:\\Users\\alice', '\\')}\\compose.yaml`]: { content: HARDENED_COMPOSE } }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: a compose file mounting the Docker Desktop engine pipe and the profile fails',
    platform: 'win32',
    endpoint: endpoint('win32', {
      [`${sandbox('C:\\Users\\alice', '\\')}\\compose.yaml`]: {
        content: HARDENED_COMPOSE.replace('      - ./workspace:/workspace\n', '      - //./pipe/docker_engine://./pipe/docker_engine\n      - C:\\Users\\alice:/home/agent\n'),
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: `${sandbox('C:\\Users\\alice', '\\')}\\compose.yaml`, line: 13, message: /\[critical\].*API socket/ },
        { path: `${sandbox('C:\\Users\\alice', '\\')}\\compose.yaml`, line: 14, message: /\[high\].*mounts C:\/Users\/alice from the host/ },
      ],
    },
  },
]);
