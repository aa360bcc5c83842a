import type { EnvSource } from '../collectors/network-environment.js';
import type { Location } from '../engine/check.js';
import type { RemediationAction } from '../engine/remediation.js';
import type { EnvAssignment } from '../parsers/shell-env.js';

// What the network checks say about an environment variable and how they fix it, by where it was set.

/** `/etc/environment:3`, `systemctl show --property=DefaultEnvironment`, `HKLM\...\Environment`. */
export function whereSet(source: EnvSource, assignment?: EnvAssignment): string {
  return assignment && assignment.line > 0 && source.path ? `${source.path}:${assignment.line}` : source.label;
}

export function locationOf(source: EnvSource, assignment?: EnvAssignment): Location | undefined {
  if (!source.path) return undefined;
  return assignment && assignment.line > 0 ? { path: source.path, line: assignment.line } : { path: source.path };
}

/** The user a source belongs to (user-level agent settings), for the finding's subject. */
export function subjectOf(source: EnvSource): string | undefined {
  if (source.user) return source.user;
  if (source.scope === 'agent') return 'managed settings';
  return source.scope === 'process' ? undefined : 'system';
}

/**
 * How to give a variable a new value where it is set: set-env-line (/etc/environment), set-json-key
 * (Claude Code settings), registry-set (Windows Environment keys); a MANUAL step with the exact change
 * for shell files, systemd configuration and the scan's environment. `value` must hold no secret.
 */
export function setVariableActions(source: EnvSource, assignment: EnvAssignment, value: string): RemediationAction[] {
  const where = whereSet(source, assignment);
  switch (source.kind) {
    case 'pam-env':
      return [{ kind: 'set-env-line', path: source.path as string, name: assignment.name, value }];
    case 'claude-settings':
      return [{ kind: 'set-json-key', path: source.path as string, keyPath: ['env', assignment.name], value }];
    case 'registry':
      return [{ kind: 'registry-set', key: source.registryKey as string, name: assignment.name, type: 'String', value }];
    case 'shell':
      return [{ kind: 'manual', text: `In ${where} change the assignment to ${assignment.name}="${value}".` }];
    case 'systemd-conf':
      return [{ kind: 'manual', text: `In ${where} change ${assignment.name} in DefaultEnvironment= to "${assignment.name}=${value}", then run systemctl daemon-reexec.` }];
    case 'systemctl':
      return [{ kind: 'manual', text: `systemd's DefaultEnvironment has ${assignment.name} from a file under /etc/systemd or /run/systemd: set it to "${value}" there, then run systemctl daemon-reexec.` }];
    case 'process':
      return [{ kind: 'manual', text: `The scan ran with ${assignment.name} set by its parent process (shell profile, service unit or MDM agent): set it to "${value}" where it is defined.` }];
  }
}

/** How to remove a variable where it is set, as a MANUAL step naming the line (no action deletes keys). */
export function removeVariableText(source: EnvSource, assignment: EnvAssignment): string {
  const where = whereSet(source, assignment);
  if (source.kind === 'claude-settings') return `Remove "${assignment.name}" from the "env" object of ${where}.`;
  if (source.kind === 'registry') return `Remove the ${assignment.name} value from ${source.registryKey}.`;
  if (source.kind === 'process') return `Unset ${assignment.name} where the scan's parent process sets it.`;
  return `Remove the ${assignment.name} assignment at ${where}.`;
}
