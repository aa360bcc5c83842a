// Remediation actions are data, never shell text: the script writers quote every value they emit.

export type PosixAclTarget = { platform: 'posix'; tag: 'user' | 'group'; qualifier: string; isDefault: boolean };
export type DarwinAclTarget = { platform: 'darwin'; entry: string };
/** inherited: the entry comes from a parent folder; removing it means breaking inheritance first. */
export type WindowsAclTarget = { platform: 'windows'; sid: string; principal: string; inherited: boolean };

export type RemediationAction =
  | { kind: 'chmod'; path: string; mode: string }
  | { kind: 'chown'; path: string; user: string; group?: string }
  | { kind: 'remove-acl-entry'; path: string; entry: PosixAclTarget | DarwinAclTarget | WindowsAclTarget }
  | { kind: 'remove-group-member'; group: string; user: string }
  /** Sets one key of a JSON/JSONC settings file; comments and other keys stay. keyPath keeps dotted names whole. */
  | { kind: 'set-json-key'; path: string; keyPath: (string | number)[]; value: unknown }
  /** Sets `NAME="value"` in a KEY=VALUE environment file (/etc/environment): the variable's lines are replaced, or one is appended. */
  | { kind: 'set-env-line'; path: string; name: string; value: string }
  /** Creates a file, or replaces its whole content (a drop-in or policy file the tool owns); mode is octal text. */
  | { kind: 'write-file'; path: string; content: string; mode: string }
  /** Sets one Windows registry value; key is `HKLM\...` or `HKCU\...`. */
  | { kind: 'registry-set'; key: string; name: string; type: 'String' | 'DWord'; value: string | number }
  | { kind: 'manual'; text: string; reference?: string };

export interface Remediation {
  summary: string;
  actions: RemediationAction[];
}

export function actionKey(action: RemediationAction): string {
  return JSON.stringify(action);
}
