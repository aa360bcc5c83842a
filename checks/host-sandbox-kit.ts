// Builders for the sandbox and monitoring scenarios: /proc entries, `ps` output and PowerShell JSON keyed
// the way the collectors read them.
import { ADMINISTRATORS_SID, WINDOWS_ADMINISTRATORS_SCRIPT, dseditgroupArgs } from '../src/collectors/admin-membership.js';
import { WINDOWS_SERVICES_SCRIPT } from '../src/collectors/edr.js';
import { PS_ARGS, WINDOWS_PROCESS_SCRIPT } from '../src/collectors/processes.js';
import { WINDOWS_COMPUTER_SYSTEM_SCRIPT } from '../src/collectors/virtualization.js';
import { powershellCommandLine } from '../src/collectors/windows-commands.js';
import type { ReplayCommand, ReplayEntry } from '../src/host/replay-host.js';

type Commands = Record<string, ReplayCommand>;
type Files = Record<string, ReplayEntry>;

/** Namespace links of the host (pid 1) and of a container. */
export const HOST_NS = { mnt: 'mnt:[4026531841]', pid: 'pid:[4026531836]', net: 'net:[4026531840]', user: 'user:[4026531837]', cgroup: 'cgroup:[4026531835]' };
export const CONTAINER_NS = { mnt: 'mnt:[4026532611]', pid: 'pid:[4026532614]', net: 'net:[4026532616]', user: 'user:[4026531837]', cgroup: 'cgroup:[4026532615]' };

export interface ProcSpec {
  name: string;
  uid: number;
  ppid?: number;
  argv: string[];
  cgroup: string;
  /** Namespace links; omitted: unreadable (another user's process, scan without root). */
  ns?: Record<string, string>;
  /** /proc/<pid>/attr/current. */
  label?: string;
}

/** The /proc entries of one Linux process. */
export function proc(pid: number, spec: ProcSpec): Files {
  const files: Files = {
    [`/proc/${pid}/status`]: { mode: '0444', content: `Name:\t${spec.name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${pid}\nPid:\t${pid}\nPPid:\t${spec.ppid ?? 1}\nUid:\t${spec.uid}\t${spec.uid}\t${spec.uid}\t${spec.uid}\nGid:\t${spec.uid}\t${spec.uid}\t${spec.uid}\t${spec.uid}\n` },
    [`/proc/${pid}/cmdline`]: { mode: '0444', content: `${spec.argv.join('\0')}\0` },
    [`/proc/${pid}/cgroup`]: { mode: '0444', content: `${spec.cgroup}\n` },
  };
  for (const [name, target] of Object.entries(spec.ns ?? {})) files[`/proc/${pid}/ns/${name}`] = { target };
  if (spec.label !== undefined) files[`/proc/${pid}/attr/current`] = { mode: '0444', content: `${spec.label}\n` };
  return files;
}

/** pid 1 (systemd) in the host namespaces. */
export const INIT = proc(1, { name: 'systemd', uid: 0, ppid: 0, argv: ['/sbin/init', 'splash'], cgroup: '0::/init.scope', ns: HOST_NS });

export function detectVirt(answer: string): Commands {
  return { 'systemd-detect-virt': { stdout: `${answer}\n`, exitCode: answer === 'none' ? 1 : 0 } };
}

export function dmi(vendor: string, product: string): Files {
  return {
    '/sys/class/dmi/id/sys_vendor': { mode: '0444', content: `${vendor}\n` },
    '/sys/class/dmi/id/product_name': { mode: '0444', content: `${product}\n` },
  };
}

/** `ps -axww -o pid=,ppid=,uid=,user=,args=` rows. */
export function ps(rows: [pid: number, ppid: number, uid: number, user: string, args: string][]): Commands {
  const text = rows.map(([pid, ppid, uid, user, args]) => `${String(pid).padStart(5)} ${String(ppid).padStart(5)} ${String(uid).padStart(5)} ${user.padEnd(8)} ${args}`).join('\n');
  return { [['ps', ...PS_ARGS].join(' ')]: { stdout: `${text}\n` } };
}

export function sysctlModel(model: string, vmm: 0 | 1): Commands {
  return { 'sysctl -n hw.model kern.hv_vmm_present': { stdout: `${model}\n${vmm}\n` } };
}

export interface WinProcess {
  pid: number;
  ppid?: number;
  name: string;
  path?: string;
  commandLine?: string;
  owner?: string;
}

export function windowsProcesses(items: WinProcess[]): Commands {
  const json = items.map((item) => ({ ProcessId: item.pid, ParentProcessId: item.ppid ?? 4, Name: item.name, ExecutablePath: item.path ?? null, CommandLine: item.commandLine ?? (item.path ? `"${item.path}"` : null), Owner: item.owner ?? null }));
  return { [powershellCommandLine(WINDOWS_PROCESS_SCRIPT)]: { stdout: JSON.stringify(json) } };
}

export function computerSystem(manufacturer: string, model: string): Commands {
  return { [powershellCommandLine(WINDOWS_COMPUTER_SYSTEM_SCRIPT)]: { stdout: JSON.stringify({ Manufacturer: manufacturer, Model: model }) } };
}

export function windowsServices(items: { name: string; displayName?: string; status: string; startType: string }[]): Commands {
  const json = items.map((item) => ({ Name: item.name, DisplayName: item.displayName ?? item.name, Status: item.status, StartType: item.startType }));
  return { [powershellCommandLine(WINDOWS_SERVICES_SCRIPT)]: { stdout: JSON.stringify(json) } };
}

export function windowsAdministrators(members: { name: string; sid: string; objectClass?: string; source?: string }[]): Commands {
  const json = members.map((member) => ({ Name: member.name, SID: member.sid, ObjectClass: member.objectClass ?? 'User', PrincipalSource: member.source ?? 'Local' }));
  return { [powershellCommandLine(WINDOWS_ADMINISTRATORS_SCRIPT)]: { stdout: JSON.stringify(json.length === 1 ? json[0] : json) } };
}

export function checkmember(user: string, member: boolean): Commands {
  return { [['dseditgroup', ...dseditgroupArgs(user)].join(' ')]: { stdout: member ? `yes ${user} is a member of admin\n` : `no ${user} is NOT a member of admin\n`, exitCode: member ? 0 : 1 } };
}

export { ADMINISTRATORS_SID };
