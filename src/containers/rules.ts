// What makes a container definition unsafe for an agent inside it, judged on the common ContainerSpec.
// Pure: the check passes its params; the fix builders of each format turn an issue's plan into a diff.
import { type ContainerFormat, type ContainerSpec, type HardeningItem, type MountSpec, isEngineSocket, normalizeCapability, normalizeHostPath } from './model.js';

export type IssueSeverity = 'critical' | 'high' | 'medium' | 'low';

export type IssueKind = 'privileged' | 'engine-socket' | 'host-root' | 'sensitive-mount' | 'capability' | 'host-namespace' | 'unconfined' | 'missing-hardening';

/** The change that fixes one issue: remove one setting, or add hardening. */
export type Removal =
  | { setting: 'privileged' }
  | { setting: 'capAdd'; index: number }
  | { setting: 'securityOpt'; index: number }
  | { setting: 'namespace'; index: number }
  | { setting: 'mount'; index: number };

export interface FixPlan {
  remove?: Removal;
  add?: HardeningItem[];
}

export interface ContainerIssue {
  kind: IssueKind;
  severity: IssueSeverity;
  line: number;
  /** What was seen and why it matters, without the container's name. */
  message: string;
  plan: FixPlan;
}

export interface RuleOptions {
  /** Capabilities the organisation accepts in cap_add (normalised, without CAP_). */
  allowedCapabilities: readonly string[];
}

const CAPABILITY_RISK: Record<string, [IssueSeverity, string]> = {
  ALL: ['critical', 'every capability: root in the container is root on the host kernel'],
  SYS_ADMIN: ['critical', 'mount, namespaces, BPF and more: the usual first step of a container escape'],
  SYS_MODULE: ['critical', 'loads kernel modules into the host kernel'],
  SYS_PTRACE: ['high', 'traces and injects into other processes (with host pid, the host\'s own)'],
  SYS_RAWIO: ['high', 'raw I/O ports and memory of the host'],
  DAC_READ_SEARCH: ['high', 'reads any file by handle (the "shocker" escape)'],
  NET_ADMIN: ['high', 'reconfigures interfaces, routes and firewall rules: an agent can lift its own egress limits'],
  BPF: ['high', 'loads BPF programs into the kernel'],
  SYS_BOOT: ['high', 'reboots the host'],
  MAC_ADMIN: ['high', 'changes the AppArmor/SELinux policy'],
  MAC_OVERRIDE: ['high', 'bypasses the AppArmor/SELinux policy'],
  AUDIT_CONTROL: ['high', 'turns kernel auditing off'],
  PERFMON: ['medium', 'reads kernel and other processes\' performance data'],
  SYS_TIME: ['medium', 'sets the host clock'],
  SYS_RESOURCE: ['medium', 'overrides resource limits and quotas'],
  SYSLOG: ['medium', 'reads the kernel log (kernel addresses)'],
  LINUX_IMMUTABLE: ['medium', 'changes immutable and append-only file flags'],
  CHECKPOINT_RESTORE: ['medium', 'checkpoints and restores other processes'],
  AUDIT_READ: ['low', 'reads the kernel audit log'],
};

const NAMESPACE_RISK: Record<string, [IssueSeverity, string]> = {
  network: ['high', "shares the host's network stack: every host-local service (databases, the Docker API on localhost, cloud metadata) and no per-container egress rules"],
  pid: ['high', 'sees, signals and (with SYS_PTRACE) enters every host process'],
  ipc: ['medium', "shares the host's System V IPC and /dev/shm"],
  uts: ['low', "can change the host's hostname"],
  userns: ['high', "turns the daemon's user-namespace remapping off: root in the container is root on the host"],
  cgroup: ['medium', "sees the host's cgroup tree"],
};

/** Home-relative credential stores and files that a container should not see. */
const SENSITIVE_HOME = ['.ssh', '.aws', '.azure', '.config/gcloud', '.kube', '.docker', '.gnupg', '.config/gh', '.git-credentials', '.config/git/credentials', '.netrc', '.npmrc', '.pypirc', '.pgpass', '.terraform.d', '.vault-token', '.password-store', '.local/share/keyrings'];
/** Host folders that are sensitive as a whole or below (a credential or control store). */
const SENSITIVE_UNDER = ['/root', '/etc/ssh', '/etc/kubernetes', '/etc/docker', '/var/lib/docker', '/var/lib/kubelet', '/var/lib/containerd', '/etc/sudoers', '/etc/sudoers.d', '/etc/shadow', '/etc/gshadow', '/boot'];
/** Host folders that are sensitive when mounted whole (their subfolders are routine: /etc/localtime, /dev/kvm). */
const SENSITIVE_EXACT = ['~', '/etc', '/home', '/Users', '/var', '/var/run', '/run', '/proc', '/sys', '/dev', '/usr', '/lib', '/var/log', 'C:/Users'];

function sensitiveReason(source: string): string | undefined {
  if (source === '~') return "the whole home folder (every credential in it)";
  for (const entry of SENSITIVE_HOME) if (source === `~/${entry}` || source.startsWith(`~/${entry}/`)) return 'a credential store of the home folder';
  if (/^(\/home|\/Users|[A-Za-z]:\/Users)\/[^/]+$/i.test(source)) return 'a whole home folder (every credential in it)';
  for (const entry of SENSITIVE_HOME) if (new RegExp(`^(/home|/Users|[A-Za-z]:/Users)/[^/]+/${entry.replace(/\./g, '\\.')}(/|$)`, 'i').test(source)) return 'a credential store of a home folder';
  for (const entry of SENSITIVE_UNDER) if (source === entry || source.startsWith(`${entry}/`)) return 'a host folder holding credentials or control files';
  if (SENSITIVE_EXACT.includes(source)) return source === '/proc' || source === '/sys' ? 'kernel interfaces of the host' : 'a whole system folder of the host';
  return undefined;
}

/** How each format spells the hardening, for messages. */
const SPELLING: Record<ContainerFormat, Record<HardeningItem, string>> = {
  compose: { 'cap-drop-all': 'cap_drop: [ALL]', 'no-new-privileges': 'security_opt: [no-new-privileges:true]', 'read-only': 'read_only: true', 'non-root-user': 'a non-root user', 'pids-limit': 'pids_limit' },
  devcontainer: { 'cap-drop-all': '--cap-drop=ALL', 'no-new-privileges': 'no-new-privileges (securityOpt or runArgs)', 'read-only': '--read-only', 'non-root-user': 'a non-root remoteUser', 'pids-limit': '--pids-limit' },
  'docker-run': { 'cap-drop-all': '--cap-drop=ALL', 'no-new-privileges': '--security-opt=no-new-privileges', 'read-only': '--read-only', 'non-root-user': 'a non-root --user', 'pids-limit': '--pids-limit' },
  kubernetes: { 'cap-drop-all': 'capabilities.drop: [ALL]', 'no-new-privileges': 'allowPrivilegeEscalation: false', 'read-only': 'readOnlyRootFilesystem: true', 'non-root-user': 'runAsNonRoot: true', 'pids-limit': 'a pids limit' },
  dockerfile: { 'cap-drop-all': 'cap drop', 'no-new-privileges': 'no-new-privileges', 'read-only': 'read-only root', 'non-root-user': 'a final non-root USER', 'pids-limit': 'pids limit' },
};

export function spelling(format: ContainerFormat, item: HardeningItem): string {
  return SPELLING[format][item];
}

const isNnp = (option: string) => /^no-new-privileges(?:[:=]true)?$/i.test(option.trim());

export function isRootUser(user: string): boolean {
  return /^(root|0)(:.*)?$/i.test(user.trim());
}

/** The hardening a container lacks, with what it has instead (`user: root`). */
export function missingHardening(spec: ContainerSpec): { item: HardeningItem; seen?: string }[] {
  const missing: { item: HardeningItem; seen?: string }[] = [];
  const applies = (item: HardeningItem) => !spec.notApplicable.includes(item);
  if (applies('cap-drop-all') && !spec.capDrop.some((cap) => normalizeCapability(cap.value) === 'ALL')) missing.push({ item: 'cap-drop-all' });
  if (applies('no-new-privileges') && !spec.securityOpt.some((option) => isNnp(option.value))) {
    const off = spec.securityOpt.find((option) => /^no-new-privileges[:=]false$/i.test(option.value.trim()));
    missing.push(off ? { item: 'no-new-privileges', seen: off.value } : { item: 'no-new-privileges' });
  }
  if (applies('read-only') && spec.readOnly?.value !== true) missing.push(spec.readOnly ? { item: 'read-only', seen: 'set to false' } : { item: 'read-only' });
  if (applies('non-root-user')) {
    if (!spec.user) missing.push({ item: 'non-root-user', seen: "none set: the image's default, usually root" });
    else if (isRootUser(spec.user.value)) missing.push({ item: 'non-root-user', seen: `user ${spec.user.value}` });
  }
  if (applies('pids-limit')) {
    const limit = spec.pidsLimit?.value.trim();
    if (limit === undefined) missing.push({ item: 'pids-limit' });
    else if (/^-?\d+$/.test(limit) && Number(limit) <= 0) missing.push({ item: 'pids-limit', seen: `${limit} means unlimited` });
  }
  return missing;
}

function describeMount(mount: MountSpec): string {
  return mount.via ? `${mount.text} (${mount.via})` : mount.text;
}

/** Every issue of one container, in line order. */
export function judgeContainer(spec: ContainerSpec, options: RuleOptions): ContainerIssue[] {
  const issues: ContainerIssue[] = [];
  const allowed = new Set(options.allowedCapabilities.map(normalizeCapability));
  if (spec.privileged?.value) {
    issues.push({
      kind: 'privileged',
      severity: 'critical',
      line: spec.privileged.line,
      message: `runs privileged${spec.privileged.via ? ` (${spec.privileged.via})` : ''}: every capability, every host device, no seccomp or AppArmor; root in the container is root on the host`,
      plan: { remove: { setting: 'privileged' } },
    });
  }
  spec.capAdd.forEach((cap, index) => {
    const name = normalizeCapability(cap.value);
    const risk = CAPABILITY_RISK[name];
    if (!risk || allowed.has(name)) return;
    issues.push({ kind: 'capability', severity: risk[0], line: cap.line, message: `adds capability ${name}${cap.via ? ` (${cap.via})` : ''}: ${risk[1]}`, plan: { remove: { setting: 'capAdd', index } } });
  });
  spec.securityOpt.forEach((option, index) => {
    const text = option.value.trim();
    const match = /^(seccomp|apparmor|systempaths|label)[:=](unconfined|disable)$/i.exec(text);
    if (!match) return;
    const what = (match[1] as string).toLowerCase();
    const [severity, why]: [IssueSeverity, string] =
      what === 'seccomp' ? ['high', 'the system-call filter is off, so every kernel interface is open to an exploit']
      : what === 'apparmor' ? ['high', 'the AppArmor profile is off']
      : what === 'systempaths' ? ['high', "/proc and /sys are not masked: the host's kernel settings are exposed"]
      : ['medium', 'SELinux labels are off, so SELinux no longer confines the container'];
    issues.push({ kind: 'unconfined', severity, line: option.line, message: `security option ${text}${option.via ? ` (${option.via})` : ''}: ${why}`, plan: { remove: { setting: 'securityOpt', index } } });
  });
  spec.namespaces.forEach((namespace, index) => {
    if (namespace.value.value.toLowerCase() !== 'host') return;
    const [severity, why] = NAMESPACE_RISK[namespace.value.kind] as [IssueSeverity, string];
    issues.push({ kind: 'host-namespace', severity, line: namespace.line, message: `uses the host ${namespace.value.kind} namespace: ${why}`, plan: { remove: { setting: 'namespace', index } } });
  });
  spec.mounts.forEach((mount, index) => {
    const plan: FixPlan = { remove: { setting: 'mount', index } };
    if (isEngineSocket(mount.source) || (mount.bind && isEngineSocket(mount.target))) {
      issues.push({
        kind: 'engine-socket',
        severity: 'critical',
        line: mount.line,
        message: `mounts the container engine's API socket ${describeMount(mount)}${mount.readOnly ? ' (read-only does not help: the API still starts privileged containers)' : ''}: whoever runs code in this container controls the host`,
        plan,
      });
      return;
    }
    if (!mount.bind || mount.source === undefined) return;
    const source = normalizeHostPath(mount.source);
    if (source === '/' || /^[A-Za-z]:\/?$/.test(source)) {
      issues.push({ kind: 'host-root', severity: 'critical', line: mount.line, message: `mounts the host's root folder (${describeMount(mount)}): every host file is in reach`, plan });
      return;
    }
    const reason = sensitiveReason(source);
    if (reason) {
      issues.push({
        kind: 'sensitive-mount',
        severity: 'high',
        line: mount.line,
        message: `mounts ${source} from the host (${describeMount(mount)}), ${reason}${mount.readOnly ? '; read-only still lets the container read it' : ''}`,
        plan,
      });
    }
  });
  const missing = missingHardening(spec);
  if (missing.length > 0) {
    const parts = missing.map(({ item, seen }) => `${spelling(spec.format, item)}${seen ? ` (${seen})` : ''}`);
    issues.push({
      kind: 'missing-hardening',
      severity: 'medium',
      line: spec.line,
      message: `lacks ${parts.join(', ')}${spec.notes.length > 0 ? ` (${spec.notes.join('; ')})` : ''}`,
      plan: { add: missing.map(({ item }) => item) },
    });
  }
  // The container's own summary heads its group when it shares a line with a setting (`{ "privileged": true }`).
  return issues.sort((a, b) => a.line - b.line || Number(b.kind === 'missing-hardening') - Number(a.kind === 'missing-hardening'));
}
