// One shape for every kind of container definition (compose service, devcontainer, Dockerfile, docker run
// line, Kubernetes container), so that one set of rules judges them all and every finding has a line.

export type ContainerFormat = 'compose' | 'devcontainer' | 'dockerfile' | 'docker-run' | 'kubernetes';

/** A setting and the 1-based line it is written on. */
export interface Located<T> {
  value: T;
  line: number;
  /** Where it comes from when not written directly (a devcontainer feature, an anchor). */
  via?: string;
}

export interface MountSpec {
  /** As written (short syntax, or a summary of the long form). */
  text: string;
  /** Host side for bind mounts, with `~` for the home folder; a volume name for named volumes. */
  source?: string;
  target?: string;
  readOnly: boolean;
  /** True when the source is a host path (bind mount, hostPath). */
  bind: boolean;
  line: number;
  via?: string;
}

export type NamespaceKind = 'network' | 'pid' | 'ipc' | 'uts' | 'userns' | 'cgroup';

/** Hardening a container can lack; each names the setting that gives it. */
export type HardeningItem = 'cap-drop-all' | 'no-new-privileges' | 'read-only' | 'non-root-user' | 'pids-limit';
export const HARDENING_ITEMS: readonly HardeningItem[] = ['cap-drop-all', 'no-new-privileges', 'read-only', 'non-root-user', 'pids-limit'];

export interface ContainerSpec {
  format: ContainerFormat;
  /** Which container of the file: the service name, the devcontainer name, the workload and container. */
  name: string;
  /** Position among the containers of its file, for the fix builders. */
  index: number;
  /** Line where the container is declared (service key, FROM of the final stage, `docker run`). */
  line: number;
  privileged?: Located<boolean>;
  capAdd: Located<string>[];
  capDrop: Located<string>[];
  /** security_opt entries in docker's spelling: `no-new-privileges:true`, `seccomp=unconfined`, ... */
  securityOpt: Located<string>[];
  readOnly?: Located<boolean>;
  /** The user the container runs as; `non-root` when only known to be non-root (runAsNonRoot). */
  user?: Located<string>;
  pidsLimit?: Located<string>;
  /** Namespaces shared with the host or another container (`host`, `container:x`, `service:x`). */
  namespaces: Located<{ kind: NamespaceKind; value: string }>[];
  mounts: MountSpec[];
  /** Hardening that cannot be set in this kind of definition (a Dockerfile sets only its user). */
  notApplicable: HardeningItem[];
  /** Things the parser could not follow, said in the finding (an `extends` of another file). */
  notes: string[];
}

export interface DefinitionFile {
  /** Path on the target. */
  path: string;
  /** The folder it was found under (the repository root, or a folder of the baseline). */
  root: string;
  /** Path relative to root with `/`, as a patch names it. */
  relative: string;
  format: ContainerFormat;
  text: string;
  containers: ContainerSpec[];
  /** A parse failure: the file is reported, never silently passed. */
  error?: string;
}

export function emptySpec(format: ContainerFormat, name: string, index: number, line: number): ContainerSpec {
  return { format, name, index, line, capAdd: [], capDrop: [], securityOpt: [], namespaces: [], mounts: [], notApplicable: [], notes: [] };
}

/** `CAP_SYS_ADMIN`, `sys_admin`, `SYS_ADMIN` -> `SYS_ADMIN`. */
export function normalizeCapability(text: string): string {
  return text.trim().toUpperCase().replace(/^CAP_/, '');
}

/**
 * Expands the ways a definition names the home folder to `~`: `$HOME`, `${HOME}`, `${localEnv:HOME}`,
 * `${localEnv:USERPROFILE}`, `${env:HOME}`, and turns `${VAR:-default}` into its default; any other
 * variable stays as written (unknown until run time).
 */
export function normalizeHostPath(text: string): string {
  let out = text.trim();
  out = out.replace(/\$\{(?:localEnv|env):(?:HOME|USERPROFILE)(?::[^}]*)?\}|\$\{(?:HOME|USERPROFILE)(?::?-[^}]*)?\}|\$(?:HOME|USERPROFILE)\b|%USERPROFILE%/g, '~');
  // ${localEnv:HOME}${localEnv:USERPROFILE}: the cross-platform spelling of devcontainer.json.
  out = out.replace(/^~~/, '~');
  // ${VAR:-default} and ${VAR-default}: the default is what runs when the variable is unset.
  for (let guard = 0; guard < 5 && /\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^{}]*)\}/.test(out); guard++) {
    out = out.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^{}]*)\}/g, '$1');
  }
  out = out.replace(/\\/g, '/');
  if (out.length > 1) out = out.replace(/\/+$/, '');
  return out;
}

/** Whether a mount source (or target) names a container engine's API socket. */
export function isEngineSocket(path: string | undefined): boolean {
  if (!path) return false;
  return /(?:^|\/)(?:docker|podman|containerd|crio)\.sock$/i.test(normalizeHostPath(path)) || /\/\/\.\/pipe\/docker_engine$/i.test(path);
}
