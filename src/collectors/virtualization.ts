import { defineCollector } from '../engine/collector.js';
import type { Host } from '../host/host.js';
import { parsePowerShellJson } from '../parsers/windows-network.js';
import { splitLines } from '../util/text-lines.js';
import { runPowerShell } from './windows-commands.js';

// Is the audited machine itself a virtual machine or a container? Linux: systemd-detect-virt, container
// marker files (/.dockerenv, /run/.containerenv, /run/systemd/container), the cgroups of pid 1 and of the
// scan, DMI product and vendor, the CPU's hypervisor flag, /sys/hypervisor/type, WSL's kernel release.
// macOS: `sysctl -n hw.model kern.hv_vmm_present`. Windows: Win32_ComputerSystem's manufacturer and model.
// Images: guest tools installed in the image (qemu-guest-agent, open-vm-tools, Hyper-V daemons,
// VirtualBox additions, cloud guest agents) and container markers; what it boots on cannot be seen.

export type VirtKind = 'vm' | 'container' | 'none' | 'unknown';

export interface VirtEvidence {
  kind: 'vm' | 'container' | 'none';
  technology: string;
  /** What was seen, for the report: `/sys/class/dmi/id/product_name is "KVM"`. */
  detail: string;
  path?: string;
}

export interface Virtualization {
  kind: VirtKind;
  /** The innermost technology: docker, podman, kvm, vmware, microsoft (Hyper-V), apple, wsl, ... */
  technology?: string;
  /** Whether the boundary separates what runs here from the physical host. WSL 2 does not: it mounts the Windows drives and runs Windows programs. */
  isolating: boolean;
  evidence: VirtEvidence[];
  notes: string[];
}

/** systemd-detect-virt's container identifiers (systemd-detect-virt(1)); the rest are VMs. */
const SYSTEMD_CONTAINERS = new Set(['openvz', 'lxc', 'lxc-libvirt', 'systemd-nspawn', 'docker', 'podman', 'rkt', 'wsl', 'proot', 'pouch', 'container-other']);

/** cgroup path fragments of container runtimes (cgroup v1 and v2 layouts). */
const CGROUP_CONTAINERS: [RegExp, string][] = [
  [/\/docker[-/][0-9a-f]{12,}/, 'docker'],
  [/\/libpod-[0-9a-f]{12,}|\/libpod_parent\//, 'podman'],
  [/\/kubepods/, 'kubernetes'],
  [/\/lxc(\.payload)?[./]/, 'lxc'],
  [/\/cri-containerd-[0-9a-f]{12,}|\/containerd\//, 'containerd'],
  [/\/machine\.slice\/machine-[^/]*\.scope/, 'systemd-nspawn'],
];

export function cgroupContainer(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const path = line.split(':').slice(2).join(':');
    for (const [pattern, name] of CGROUP_CONTAINERS) if (pattern.test(path)) return name;
  }
  return undefined;
}

/** DMI sys_vendor / product_name pairs of hypervisors (physical vendors are left alone: Microsoft makes Surface laptops too). */
export function dmiHypervisor(vendor: string, product: string): string | undefined {
  const v = vendor.toLowerCase();
  const p = product.toLowerCase();
  if (v.includes('qemu') || p === 'kvm' || p.startsWith('standard pc (')) return 'kvm';
  if (v.includes('vmware') || p.startsWith('vmware')) return 'vmware';
  if (v.includes('innotek') || p.includes('virtualbox')) return 'oracle';
  if (v.includes('microsoft') && p === 'virtual machine') return 'microsoft';
  if (v === 'xen' || p.includes('hvm domu')) return 'xen';
  if (v.includes('amazon ec2') || p.startsWith('amazon ec2')) return 'amazon';
  if (v === 'google' || p.includes('google compute engine')) return 'google';
  if (v.includes('parallels') || p.includes('parallels')) return 'parallels';
  if (v.includes('bochs') || p.includes('bochs')) return 'bochs';
  if (v.includes('bhyve') || p.includes('bhyve')) return 'bhyve';
  if (v.includes('openstack') || p.includes('openstack')) return 'kvm';
  if (v.includes('apple') && p.includes('virtual')) return 'apple';
  return undefined;
}

async function readText(host: Host, path: string, maxBytes = 64 * 1024): Promise<string | undefined> {
  try {
    return (await host.readFile(path, maxBytes))?.toString('utf8');
  } catch {
    return undefined;
  }
}

async function exists(host: Host, path: string): Promise<boolean> {
  try {
    return (await host.lstat(path)) !== undefined;
  } catch {
    return false;
  }
}

function conclude(evidence: VirtEvidence[], notes: string[]): Virtualization {
  const container = evidence.find((item) => item.kind === 'container');
  const vm = evidence.find((item) => item.kind === 'vm');
  const chosen = container ?? vm;
  if (chosen) {
    return { kind: chosen.kind as 'vm' | 'container', technology: chosen.technology, isolating: chosen.technology !== 'wsl', evidence, notes };
  }
  const none = evidence.find((item) => item.kind === 'none');
  return { kind: none ? 'none' : 'unknown', isolating: false, evidence, notes };
}

async function linuxLive(host: Host): Promise<Virtualization> {
  const evidence: VirtEvidence[] = [];
  const notes: string[] = [];
  const detect = await host.run('systemd-detect-virt', [], { timeoutMs: 5_000 });
  if (detect.ran) {
    const answer = detect.stdout.trim();
    if (answer === 'none') evidence.push({ kind: 'none', technology: 'none', detail: 'systemd-detect-virt prints "none"' });
    else if (answer === 'wsl') evidence.push({ kind: 'vm', technology: 'wsl', detail: 'systemd-detect-virt prints "wsl" (WSL 2 utility VM)' });
    else if (/^[a-z0-9-]+$/.test(answer)) evidence.push({ kind: SYSTEMD_CONTAINERS.has(answer) ? 'container' : 'vm', technology: answer, detail: `systemd-detect-virt prints "${answer}"` });
  } else {
    notes.push(`systemd-detect-virt: ${detect.unavailable ?? 'not run'}`);
  }
  if (await exists(host, '/.dockerenv')) evidence.push({ kind: 'container', technology: 'docker', detail: '/.dockerenv exists', path: '/.dockerenv' });
  if (await exists(host, '/run/.containerenv')) evidence.push({ kind: 'container', technology: 'podman', detail: '/run/.containerenv exists', path: '/run/.containerenv' });
  const systemdContainer = (await readText(host, '/run/systemd/container'))?.trim();
  if (systemdContainer) evidence.push({ kind: 'container', technology: systemdContainer, detail: `/run/systemd/container says "${systemdContainer}"`, path: '/run/systemd/container' });
  for (const path of ['/proc/1/cgroup', '/proc/self/cgroup']) {
    const text = await readText(host, path);
    const runtime = text ? cgroupContainer(splitLines(text)) : undefined;
    if (runtime) evidence.push({ kind: 'container', technology: runtime, detail: `${path} names a ${runtime} cgroup`, path });
  }
  const osRelease = (await readText(host, '/proc/sys/kernel/osrelease'))?.trim();
  if (osRelease && /microsoft|wsl/i.test(osRelease) && !evidence.some((item) => item.technology === 'wsl')) {
    evidence.push({ kind: 'vm', technology: 'wsl', detail: `kernel release "${osRelease}" is a WSL kernel`, path: '/proc/sys/kernel/osrelease' });
  }
  const vendor = (await readText(host, '/sys/class/dmi/id/sys_vendor'))?.trim();
  const product = (await readText(host, '/sys/class/dmi/id/product_name'))?.trim();
  if (vendor !== undefined || product !== undefined) {
    const hypervisor = dmiHypervisor(vendor ?? '', product ?? '');
    const detail = `DMI vendor "${vendor ?? '?'}", product "${product ?? '?'}"`;
    evidence.push(hypervisor ? { kind: 'vm', technology: hypervisor, detail, path: '/sys/class/dmi/id/product_name' } : { kind: 'none', technology: 'none', detail: `${detail}: physical hardware`, path: '/sys/class/dmi/id/product_name' });
  }
  const hypervisorType = (await readText(host, '/sys/hypervisor/type'))?.trim();
  if (hypervisorType) evidence.push({ kind: 'vm', technology: hypervisorType, detail: `/sys/hypervisor/type is "${hypervisorType}"`, path: '/sys/hypervisor/type' });
  const cpuinfo = await readText(host, '/proc/cpuinfo', 16 * 1024);
  const flags = cpuinfo ? /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] : undefined;
  if (flags?.split(/\s+/).includes('hypervisor')) evidence.push({ kind: 'vm', technology: 'vm-other', detail: 'the CPU reports the "hypervisor" flag (/proc/cpuinfo)', path: '/proc/cpuinfo' });
  return conclude(evidence, notes);
}

/** Guest tools whose presence in an image says it is built to run as a VM guest. */
const LINUX_GUEST_TOOLS: { path: string; technology: string; label: string }[] = [
  { path: '/usr/bin/qemu-ga', technology: 'kvm', label: 'QEMU guest agent' },
  { path: '/usr/sbin/qemu-ga', technology: 'kvm', label: 'QEMU guest agent' },
  { path: '/usr/bin/vmtoolsd', technology: 'vmware', label: 'open-vm-tools' },
  { path: '/usr/sbin/hv_kvp_daemon', technology: 'microsoft', label: 'Hyper-V KVP daemon' },
  { path: '/usr/sbin/hypervkvpd', technology: 'microsoft', label: 'Hyper-V KVP daemon' },
  { path: '/usr/sbin/VBoxService', technology: 'oracle', label: 'VirtualBox guest additions' },
  { path: '/usr/bin/spice-vdagent', technology: 'kvm', label: 'SPICE guest agent' },
  { path: '/usr/sbin/waagent', technology: 'microsoft', label: 'Azure Linux agent' },
  { path: '/usr/bin/google_guest_agent', technology: 'google', label: 'Google guest agent' },
  { path: '/usr/bin/prltoolsd', technology: 'parallels', label: 'Parallels tools' },
];
const WINDOWS_GUEST_TOOLS: { path: string; technology: string; label: string }[] = [
  { path: 'C:\\Program Files\\VMware\\VMware Tools', technology: 'vmware', label: 'VMware Tools' },
  { path: 'C:\\Program Files\\Oracle\\VirtualBox Guest Additions', technology: 'oracle', label: 'VirtualBox guest additions' },
  { path: 'C:\\Program Files\\Qemu-ga', technology: 'kvm', label: 'QEMU guest agent' },
  { path: 'C:\\Program Files (x86)\\Parallels\\Parallels Tools', technology: 'parallels', label: 'Parallels tools' },
];

async function image(host: Host): Promise<Virtualization> {
  const evidence: VirtEvidence[] = [];
  const notes = ['an offline image shows what it is built for, not what it runs on'];
  if (host.platform === 'darwin') return { kind: 'unknown', isolating: false, evidence, notes: [...notes, 'a macOS image carries no guest-tool marker this audit knows'] };
  const tools = host.platform === 'win32' ? WINDOWS_GUEST_TOOLS : LINUX_GUEST_TOOLS;
  for (const tool of tools) {
    if (await exists(host, tool.path)) evidence.push({ kind: 'vm', technology: tool.technology, detail: `${tool.label} is installed (${tool.path})`, path: tool.path });
  }
  if (host.platform === 'linux') {
    for (const name of (await host.listDir('/opt').catch(() => undefined)) ?? []) {
      if (name.startsWith('VBoxGuestAdditions-')) evidence.push({ kind: 'vm', technology: 'oracle', detail: `VirtualBox guest additions are installed (/opt/${name})`, path: `/opt/${name}` });
    }
    if (await exists(host, '/.dockerenv')) evidence.push({ kind: 'container', technology: 'docker', detail: '/.dockerenv exists (exported from a Docker container)', path: '/.dockerenv' });
    if (await exists(host, '/run/.containerenv')) evidence.push({ kind: 'container', technology: 'podman', detail: '/run/.containerenv exists (exported from a Podman container)', path: '/run/.containerenv' });
    const kernels = [
      ...((await host.listDir('/boot').catch(() => undefined)) ?? []).filter((name) => /^(vmlinuz|vmlinux|bzImage|Image)/.test(name)),
      ...((await host.listDir('/lib/modules').catch(() => undefined)) ?? []),
      ...((await host.listDir('/usr/lib/modules').catch(() => undefined)) ?? []),
    ];
    const hasInit = (await exists(host, '/sbin/init')) || (await exists(host, '/usr/lib/systemd/systemd')) || (await exists(host, '/lib/systemd/systemd'));
    // Weakest marker last: guest tools say more about where an image runs than a missing kernel does.
    if (!evidence.length && kernels.length === 0 && (await exists(host, '/etc/os-release')) && !hasInit) {
      evidence.push({ kind: 'container', technology: 'container-other', detail: 'no kernel (/boot, /lib/modules) and no init: it can only run as a container (or under a hypervisor that brings the kernel)' });
    }
  }
  return conclude(evidence, notes);
}

async function darwinLive(host: Host): Promise<Virtualization> {
  const result = await host.run('sysctl', ['-n', 'hw.model', 'kern.hv_vmm_present'], { timeoutMs: 5_000 });
  if (!result.ran) return { kind: 'unknown', isolating: false, evidence: [], notes: [`sysctl: ${result.unavailable ?? 'not run'}`] };
  const [model = '', present = ''] = splitLines(result.stdout).map((line) => line.trim());
  const evidence: VirtEvidence[] = [];
  const lower = model.toLowerCase();
  const technology = lower.startsWith('virtualmac') ? 'apple' : lower.startsWith('vmware') ? 'vmware' : lower.includes('parallels') ? 'parallels' : undefined;
  if (technology) evidence.push({ kind: 'vm', technology, detail: `hw.model is "${model}"` });
  if (present === '1') evidence.push({ kind: 'vm', technology: technology ?? 'vm-other', detail: 'kern.hv_vmm_present is 1 (running under a hypervisor)' });
  if (evidence.length === 0 && present === '0') evidence.push({ kind: 'none', technology: 'none', detail: `hw.model "${model}", kern.hv_vmm_present 0` });
  return conclude(evidence, []);
}

/** The query the Windows check runs (recorded under this command line in fixtures). */
export const WINDOWS_COMPUTER_SYSTEM_SCRIPT = 'Get-CimInstance Win32_ComputerSystem | Select-Object -Property Manufacturer, Model | ConvertTo-Json -Compress';

async function windowsLive(host: Host): Promise<Virtualization> {
  const run = await runPowerShell(host, WINDOWS_COMPUTER_SYSTEM_SCRIPT);
  if (run.stdout === undefined) return { kind: 'unknown', isolating: false, evidence: [], notes: [`Win32_ComputerSystem: ${run.unavailable ?? 'not run'}`] };
  const parsed = parsePowerShellJson(run.stdout);
  const value = (Array.isArray(parsed.value) ? parsed.value[0] : parsed.value) as Record<string, unknown> | undefined;
  if (parsed.error || !value || typeof value !== 'object') return { kind: 'unknown', isolating: false, evidence: [], notes: [`Win32_ComputerSystem: ${parsed.error ?? 'no output'}`] };
  const manufacturer = typeof value.Manufacturer === 'string' ? value.Manufacturer : '';
  const model = typeof value.Model === 'string' ? value.Model : '';
  const hypervisor = dmiHypervisor(manufacturer, model);
  const detail = `Win32_ComputerSystem manufacturer "${manufacturer}", model "${model}"`;
  return conclude([hypervisor ? { kind: 'vm', technology: hypervisor, detail } : { kind: 'none', technology: 'none', detail: `${detail}: physical hardware` }], []);
}

export const virtualization = defineCollector<Virtualization>({
  id: 'virtualization',
  description: 'whether the target is a virtual machine or a container (systemd-detect-virt, cgroups, DMI, sysctl, Win32_ComputerSystem, image guest tools)',
  async collect({ host }) {
    if (host.kind === 'repo') return { kind: 'unknown', isolating: false, evidence: [], notes: ['a repository is not a machine'] };
    if (host.kind === 'root') return image(host);
    if (host.platform === 'linux') return linuxLive(host);
    if (host.platform === 'darwin') return darwinLive(host);
    return windowsLive(host);
  },
});
