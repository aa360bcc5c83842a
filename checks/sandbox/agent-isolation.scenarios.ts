import { CONTAINER_NS, HOST_NS, INIT, computerSystem, detectVirt, dmi, proc, ps, sysctlModel, windowsProcesses } from '../host-sandbox-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const THINKPAD = dmi('LENOVO', '21HMCTO1WW');
const USER_SLICE = '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-5f1c.scope';
// Claude Code from npm sets process.title to "claude": comm and cmdline both say claude.
const CLAUDE_ON_HOST = proc(4242, { name: 'claude', uid: 1000, ppid: 4100, argv: ['claude'], cgroup: USER_SLICE, ns: HOST_NS });
const CLAUDE_IN_DOCKER = proc(5120, {
  name: 'node',
  uid: 1001,
  ppid: 5101,
  argv: ['node', '/usr/local/lib/node_modules/@anthropic-ai/claude-code/cli.js', '--dangerously-skip-permissions'],
  cgroup: '0::/system.slice/docker-3f4e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f.scope',
  ns: CONTAINER_NS,
});

const MAC_PHYSICAL = sysctlModel('Mac15,6', 0);
const CLAUDE_CODE_MAC = [612, 598, 501, 'alice', 'node /opt/homebrew/lib/node_modules/@anthropic-ai/claude-code/cli.js'] as [number, number, number, string, string];
const DESKTOP_MAC = [733, 1, 502, 'claude', '/Applications/Claude.app/Contents/MacOS/Claude'] as [number, number, number, string, string];
const DESKTOP_HELPER = [741, 733, 502, 'claude', '/Applications/Claude.app/Contents/Frameworks/Claude Helper (Renderer).app/Contents/MacOS/Claude Helper (Renderer) --type=renderer --lang=en-GB'] as [number, number, number, string, string];
const VZ = [802, 1, 502, 'claude', '/System/Library/Frameworks/Virtualization.framework/Versions/A/XPCServices/com.apple.Virtualization.VirtualMachine.xpc/Contents/MacOS/com.apple.Virtualization.VirtualMachine'] as [number, number, number, string, string];

const DESKTOP_WIN = { pid: 8812, name: 'claude.exe', path: 'C:\\Program Files\\WindowsApps\\Claude_1.2278.0.0_x64__pzs8sxrjxfjjc\\app\\claude.exe', owner: 'DESKTOP\\claude' };

export default defineScenarios('sandbox.agent-isolation', [
  {
    name: 'linux: Claude Code in a Docker container on a physical laptop passes',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...CLAUDE_IN_DOCKER, ...THINKPAD }, { commands: detectVirt('none') }),
    expect: { status: 'pass', message: /1 agent process\(es\), all isolated: Claude Code \(pid 5120, user claude\): its cgroup is a docker container's/ },
  },
  {
    name: 'linux: Claude Code in the host namespaces on a physical laptop fails',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...CLAUDE_ON_HOST, ...THINKPAD, ...proc(3001, { name: 'vim', uid: 1000, argv: ['vim', 'claude-notes.md'], cgroup: USER_SLICE, ns: HOST_NS }) }, { commands: detectVirt('none') }),
    expect: {
      status: 'fail',
      findings: [{ path: '/proc/4242/cgroup', subject: 'alice', message: /Claude Code \(pid 4242, user alice\) runs outside any VM or container: cgroup 0::\/user\.slice.*shares the mount and the PID namespaces of pid 1/, actions: ['manual'] }],
    },
  },
  {
    name: 'linux: own mount and PID namespaces without a container cgroup (bubblewrap) count as isolated',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...proc(4242, { name: 'claude', uid: 1001, argv: ['claude'], cgroup: USER_SLICE, ns: CONTAINER_NS }), ...THINKPAD }, { commands: detectVirt('none') }),
    expect: { status: 'pass', message: 'it has its own mount and PID namespaces' },
  },
  {
    name: 'linux: the machine is a KVM guest, so the agent on it is isolated from the physical host',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...CLAUDE_ON_HOST, ...dmi('QEMU', 'Standard PC (Q35 + ICH9, 2009)') }, { commands: detectVirt('kvm') }),
    expect: { status: 'pass', message: 'this machine is a virtual machine (kvm: systemd-detect-virt prints "kvm")' },
  },
  {
    name: 'linux: WSL 2 is no boundary: the agent still fails',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...CLAUDE_ON_HOST, '/proc/sys/kernel/osrelease': { content: '5.15.167.4-microsoft-standard-WSL2\n' } }, { commands: detectVirt('wsl') }),
    expect: { status: 'fail', findings: [{ path: '/proc/4242/cgroup', message: 'WSL 2 is no boundary' }] },
  },
  {
    name: 'linux: no agent running on a physical laptop is unknown, reported and passed by default',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...THINKPAD, '/home/alice/.local/bin/claude': { mode: '0755', uid: 1000, gid: 1000, content: '' } }, { commands: detectVirt('none') }),
    expect: { status: 'pass', message: /isolation unknown: no agent process running among 1; this machine is physical.*installed: Claude Code at \/home\/alice\/\.local\/bin\/claude \(report only/ },
  },
  {
    name: 'linux: the same with requireIsolation fails on the installed agent',
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...THINKPAD, '/home/alice/.local/bin/claude': { mode: '0755', uid: 1000, gid: 1000, content: '' } }, { commands: detectVirt('none') }),
    params: { requireIsolation: true },
    expect: { status: 'fail', findings: [{ path: '/home/alice/.local/bin/claude', subject: 'alice', message: 'Claude Code is installed at /home/alice/.local/bin/claude and would run on this host' }] },
  },
  {
    name: "linux: another user's agent whose namespaces cannot be read is unknown, not a failure",
    platform: 'linux',
    endpoint: endpoint('linux', { ...INIT, ...proc(4242, { name: 'claude', uid: 1001, argv: ['claude'], cgroup: '0::/user.slice/user-1001.slice/session-3.scope' }), ...THINKPAD }, { commands: detectVirt('none') }),
    expect: { status: 'pass', message: 'its namespaces could not be compared with /proc/1' },
  },
  {
    name: 'darwin: Claude Code from npm and a Claude Desktop without its VM on a physical Mac fail on Claude Code',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...MAC_PHYSICAL, ...ps([[1, 0, 0, 'root', '/sbin/launchd'], CLAUDE_CODE_MAC, DESKTOP_MAC, DESKTOP_HELPER]) } }),
    expect: { status: 'fail', findings: [{ subject: 'alice', message: /Claude Code \(pid 612, user alice\) runs outside any VM or container: it runs directly on macOS, and this machine is physical \(hw\.model "Mac15,6"/ }] },
  },
  {
    name: 'darwin: Claude Desktop with its Cowork VM running passes',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...MAC_PHYSICAL, ...ps([[1, 0, 0, 'root', '/sbin/launchd'], DESKTOP_MAC, DESKTOP_HELPER, VZ]) } }),
    expect: { status: 'pass', message: 'Claude Desktop (pid 733, user claude): its Cowork workspace VM is running (Virtualization.framework VM process com.apple.Virtualization.VirtualMachine (pid 802))' },
  },
  {
    name: 'darwin: Claude Desktop without a VM is unknown: requireIsolation fails it',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...MAC_PHYSICAL, ...ps([DESKTOP_MAC, DESKTOP_HELPER]) } }),
    params: { requireIsolation: true },
    expect: { status: 'fail', findings: [{ subject: 'claude', message: 'no Cowork workspace VM is running' }] },
  },
  {
    name: 'darwin: an agent inside a macOS VM (VirtualMac2,1) passes',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...sysctlModel('VirtualMac2,1', 1), ...ps([CLAUDE_CODE_MAC]) } }),
    expect: { status: 'pass', message: 'this machine is a virtual machine (apple: hw.model is "VirtualMac2,1")' },
  },
  {
    name: 'win32: Claude Code (native claude.exe) on a physical laptop fails',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: {
        ...computerSystem('Dell Inc.', 'Latitude 7440'),
        ...windowsProcesses([
          { pid: 4, name: 'System' },
          { pid: 9120, name: 'claude.exe', path: 'C:\\Users\\alice\\.local\\bin\\claude.exe', commandLine: 'claude', owner: 'DESKTOP\\alice' },
          { pid: 9300, name: 'Cursor.exe', path: 'C:\\Users\\alice\\AppData\\Local\\Programs\\cursor\\Cursor.exe', commandLine: '"C:\\Users\\alice\\AppData\\Local\\Programs\\cursor\\Cursor.exe" --type=gpu-process' },
        ]),
      },
    }),
    expect: { status: 'fail', findings: [{ subject: 'DESKTOP\\alice', message: /Claude Code \(pid 9120, user DESKTOP\\alice\) runs outside any VM or container: it runs directly on Windows, and this machine is physical/ }] },
  },
  {
    name: 'win32: Claude Desktop with CoworkVMService and its Hyper-V worker passes',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: {
        ...computerSystem('Dell Inc.', 'Latitude 7440'),
        ...windowsProcesses([
          DESKTOP_WIN,
          { pid: 8890, ppid: 8812, name: 'claude.exe', path: DESKTOP_WIN.path, commandLine: `"${DESKTOP_WIN.path}" --type=renderer`, owner: 'DESKTOP\\claude' },
          { pid: 3120, ppid: 700, name: 'cowork-svc.exe', path: 'C:\\Program Files\\WindowsApps\\Claude_1.2278.0.0_x64__pzs8sxrjxfjjc\\app\\resources\\cowork-svc.exe' },
          { pid: 3388, ppid: 2920, name: 'vmwp.exe', path: 'C:\\Windows\\System32\\vmwp.exe', commandLine: 'C:\\Windows\\System32\\vmwp.exe 5E4B2C1A-9F3D-4E8B-A7C6-1D2E3F4A5B6C 0x1a2c' },
        ]),
      },
    }),
    expect: { status: 'pass', message: 'Cowork VM service cowork-svc.exe (pid 3120) and Hyper-V worker vmwp.exe (pid 3388)' },
  },
  {
    name: 'win32: an agent inside a Hyper-V guest passes',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: { ...computerSystem('Microsoft Corporation', 'Virtual Machine'), ...windowsProcesses([{ pid: 9120, name: 'claude.exe', path: 'C:\\Users\\claude\\.local\\bin\\claude.exe', owner: 'VM\\claude' }]) } }),
    expect: { status: 'pass', message: 'this machine is a virtual machine (microsoft: Win32_ComputerSystem manufacturer "Microsoft Corporation", model "Virtual Machine")' },
  },
]);
