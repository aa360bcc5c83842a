import { agentInstalls } from '../../src/collectors/agent-installs.js';
import { processes, type ProcessInfo, type ProcessListing } from '../../src/collectors/processes.js';
import { cgroupContainer, virtualization, type Virtualization } from '../../src/collectors/virtualization.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { AGENT_LABELS, agentProcesses, coworkVmEvidence, type AgentProcess } from '../../src/sandbox/agents.js';

type Verdict = { state: 'isolated' | 'exposed' | 'unknown'; why: string };

const ISOLATE: RemediationAction = {
  kind: 'manual',
  text:
    'Run the agent inside a VM or container: Claude Desktop\'s Cowork (its shell and code run in a VM), a devcontainer or `docker run` with only the workspace mounted, ' +
    'or a dedicated VM. Claude Code\'s own sandbox (sandbox.enabled) confines the commands it runs, not the agent process itself.',
  reference: 'https://code.claude.com/docs/en/sandboxing',
};

function hostSummary(virt: Virtualization): string {
  if (virt.kind === 'vm' || virt.kind === 'container') {
    const seen = virt.evidence.find((item) => item.kind === virt.kind)?.detail;
    return `this machine is a ${virt.kind === 'vm' ? 'virtual machine' : 'container'} (${virt.technology ?? 'unknown technology'}${seen ? `: ${seen}` : ''})`;
  }
  if (virt.kind === 'none') return `this machine is physical (${virt.evidence.find((item) => item.kind === 'none')?.detail ?? 'no hypervisor seen'})`;
  return `whether this machine is virtual is unknown${virt.notes.length ? ` (${virt.notes.join('; ')})` : ''}`;
}

function sameNamespace(process: ProcessInfo, listing: ProcessListing, name: string): boolean | undefined {
  const mine = process.namespaces?.[name];
  const reference = listing.initNamespaces?.[name];
  if (!mine || !reference) return undefined;
  return mine === reference;
}

function linuxVerdict(process: ProcessInfo, listing: ProcessListing): Verdict {
  const runtime = process.cgroup ? cgroupContainer(process.cgroup) : undefined;
  if (runtime) return { state: 'isolated', why: `its cgroup is a ${runtime} container's (${process.cgroup?.find((line) => cgroupContainer([line]))})` };
  const mnt = sameNamespace(process, listing, 'mnt');
  const pid = sameNamespace(process, listing, 'pid');
  const from = listing.initNamespacesFrom ?? '/proc/1';
  if (mnt === false && pid === false) return { state: 'isolated', why: `it has its own mount and PID namespaces (${process.namespaces?.mnt}, ${process.namespaces?.pid}; ${from} has ${listing.initNamespaces?.mnt}, ${listing.initNamespaces?.pid})` };
  const cgroup = process.cgroup?.[0] ? `cgroup ${process.cgroup[process.cgroup.length - 1]}` : 'cgroup not readable';
  if (mnt === undefined || pid === undefined) return { state: 'unknown', why: `${cgroup}; its namespaces could not be compared with ${from}'s (run the audit as root)` };
  return { state: 'exposed', why: `${cgroup}, and it shares ${mnt ? 'the mount' : ''}${mnt && pid ? ' and ' : ''}${pid ? 'the PID' : ''} namespace${mnt && pid ? 's' : ''} of ${from === '/proc/1' ? 'pid 1' : 'the audit itself'}` };
}

function verdict(agent: AgentProcess, listing: ProcessListing, platform: string, virt: Virtualization): Verdict {
  if ((virt.kind === 'vm' || virt.kind === 'container') && virt.isolating) return { state: 'isolated', why: hostSummary(virt) };
  if (platform === 'linux') return linuxVerdict(agent.process, listing);
  if (agent.kind === 'claude-desktop') {
    const vm = coworkVmEvidence(listing.processes, agent.process, platform);
    if (vm) return { state: 'isolated', why: `its Cowork workspace VM is running (${vm.detail}): shell commands and code run in the VM, the app itself on the host` };
    return { state: 'unknown', why: 'no Cowork workspace VM is running (it starts with a Cowork session); the app and the local MCP servers it starts run on the host' };
  }
  return { state: 'exposed', why: `it runs directly on ${platform === 'darwin' ? 'macOS' : 'Windows'}, and ${hostSummary(virt)}` };
}

function processLocation(process: ProcessInfo): { path: string } | undefined {
  return process.source.startsWith('/proc/') ? { path: `${process.source}/cgroup` } : undefined;
}

function describeAgent(agent: AgentProcess): string {
  return `${AGENT_LABELS[agent.kind]} (pid ${agent.process.pid}${agent.process.user ? `, user ${agent.process.user}` : ''})`;
}

export default defineCheck({
  meta: {
    id: 'sandbox.agent-isolation',
    title: 'Desktop AI agents run inside a VM or container',
    area: 'sandbox',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'An agent that runs directly on the host reaches everything its account can: every file, credential store, socket and network path. ' +
      'A VM or container puts a boundary between a prompt-injected agent and the machine. This check finds running agents (Claude Code, Claude Desktop, ' +
      'Cursor, VS Code, Windsurf) by executable and command line and decides, from what the machine shows, whether each is isolated: the machine itself ' +
      'being a VM or container (systemd-detect-virt, container markers, cgroups, DMI, sysctl, Win32_ComputerSystem); on Linux the process\'s cgroup and its ' +
      'mount and PID namespaces compared with pid 1\'s; for Claude Desktop a running Cowork workspace VM. An agent seen running unisolated fails. What nothing ' +
      'can show (no agent running, Claude Desktop without a Cowork VM, namespaces unreadable, an offline image) is reported as unknown: it passes unless ' +
      'the baseline sets requireIsolation. An offline image shows its VM guest tools and container markers and the agents installed in it, never processes.',
    references: [
      { title: 'Claude Cowork desktop architecture overview (VM on the device)', url: 'https://support.claude.com/en/articles/14479288-claude-cowork-desktop-architecture-overview' },
      { title: 'Claude Code: sandboxing', url: 'https://code.claude.com/docs/en/sandboxing' },
      { title: 'Claude Code: development containers', url: 'https://code.claude.com/docs/en/devcontainer' },
      { title: 'systemd-detect-virt(1)', url: 'https://www.freedesktop.org/software/systemd/man/latest/systemd-detect-virt.html' },
      { title: 'namespaces(7): /proc/[pid]/ns', url: 'https://man7.org/linux/man-pages/man7/namespaces.7.html' },
      {
        title:
          'Cowork VM markers (secondary: anthropics/claude-code issues #33784, #36298; Virtualization.framework XPC service com.apple.Virtualization.VirtualMachine): ' +
          'Windows CoworkVMService (cowork-svc.exe) with a Hyper-V worker vmwp.exe; macOS a VM process of the app\'s user',
        url: 'https://github.com/anthropics/claude-code/issues/33784',
      },
    ],
    fix: 'Run agents in a VM or container (Cowork, a devcontainer, docker run with only the workspace mounted, a dedicated VM).',
  },
  params: {
    requireIsolation: boolean('Fail when isolation cannot be shown (no agent running, Claude Desktop without its Cowork VM, an offline image); false reports it and passes.', false),
  },
  uses: [processes, virtualization, agentInstalls],
  evaluate(facts, params) {
    const virt = facts.get(virtualization);
    const listing = facts.get(processes);
    const installs = facts.get(agentInstalls);
    const hostIsolates = (virt.kind === 'vm' || virt.kind === 'container') && virt.isolating;
    const host = hostSummary(virt);
    const wsl = virt.technology === 'wsl' ? '; WSL 2 is no boundary: it mounts the Windows drives and runs Windows programs' : '';
    const installed = installs.length ? `installed: ${installs.map((item) => `${AGENT_LABELS[item.kind]} at ${item.path}`).join(', ')}` : 'no agent installation found';

    if (!listing.available) {
      if (hostIsolates) return { status: 'pass', message: `${host}: agents on it run isolated from the physical host (${listing.unavailable}; ${installed})` };
      const message = `isolation unknown: ${listing.unavailable}; ${host}${wsl}; ${installed}`;
      if (!params.requireIsolation) return { status: 'pass', message: `${message} (report only: requireIsolation is false)` };
      const findings: Finding[] = installs.length
        ? installs.map((item) => ({ message: `${AGENT_LABELS[item.kind]} is installed at ${item.path}, and nothing shows it would run in a VM or container (${host})`, location: { path: item.path }, ...(item.user ? { subject: item.user } : {}), actions: [ISOLATE] }))
        : [{ message: `nothing shows that agents run isolated: ${host}`, actions: [ISOLATE] }];
      return { status: 'fail', message, findings };
    }

    const agents = agentProcesses(listing.processes);
    const judged = agents.map((agent) => ({ agent, ...verdict(agent, listing, listing.platform, virt) }));
    const truncated = listing.truncated ? ` (only the first ${listing.processes.length} processes were read)` : '';
    const exposed = judged.filter((item) => item.state === 'exposed');
    const unknown = judged.filter((item) => item.state === 'unknown');
    const isolated = judged.filter((item) => item.state === 'isolated');
    const list = (items: typeof judged) => items.map((item) => `${describeAgent(item.agent)}: ${item.why}`).join('; ');

    if (exposed.length > 0) {
      const findings: Finding[] = [...exposed, ...(params.requireIsolation ? unknown : [])].map((item) => {
        const location = processLocation(item.agent.process);
        return {
          message: `${describeAgent(item.agent)} ${item.state === 'exposed' ? 'runs outside any VM or container' : 'cannot be shown to run isolated'}: ${item.why}${wsl} (${item.agent.process.commandLine.slice(0, 160)})`,
          ...(location ? { location } : {}),
          ...(item.agent.process.user ? { subject: item.agent.process.user } : {}),
          actions: [ISOLATE],
        };
      });
      return { status: 'fail', message: `${exposed.length} of ${agents.length} agent process(es) run unisolated on the host${truncated}`, findings };
    }
    if (agents.length === 0) {
      if (hostIsolates) return { status: 'pass', message: `no agent process running${truncated}; ${host}: agents on it run isolated from the physical host` };
      const message = `isolation unknown: no agent process running among ${listing.processes.length}${truncated}; ${host}${wsl}; ${installed}`;
      if (!params.requireIsolation) return { status: 'pass', message: `${message} (report only: requireIsolation is false)` };
      const findings: Finding[] = installs.length
        ? installs.map((item) => ({ message: `${AGENT_LABELS[item.kind]} is installed at ${item.path} and would run on this host (${host})`, location: { path: item.path }, ...(item.user ? { subject: item.user } : {}), actions: [ISOLATE] }))
        : [{ message: `no agent is running, so nothing shows that agents run isolated (${host})`, actions: [ISOLATE] }];
      return { status: 'fail', message, findings };
    }
    if (unknown.length > 0) {
      const message = `${isolated.length} of ${agents.length} agent process(es) shown isolated, ${unknown.length} unknown: ${list(unknown)}${truncated}`;
      if (!params.requireIsolation) return { status: 'pass', message: `${message} (report only: requireIsolation is false)` };
      const findings: Finding[] = unknown.map((item) => {
        const location = processLocation(item.agent.process);
        return { message: `${describeAgent(item.agent)} cannot be shown to run isolated: ${item.why}`, ...(location ? { location } : {}), ...(item.agent.process.user ? { subject: item.agent.process.user } : {}), actions: [ISOLATE] };
      });
      return { status: 'fail', message, findings };
    }
    return { status: 'pass', message: `${agents.length} agent process(es), all isolated: ${list(isolated)}${truncated}` };
  },
});
