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
  /**
   * A default-deny egress policy, rendered by the script writers for the platform's firewall (see
   * src/remediate/egress-policy.ts): Linux, an nftables table of its own in `path`, included from
   * `includeFrom`; macOS, a pf anchor in `path` plus the pf.conf lines that load it; Windows, allow rules
   * (New-NetFirewallRule) then Set-NetFirewallProfile -DefaultOutboundAction Block. `allow` entries are
   * HOST-or-CIDR[:PORT][/tcp|udp]; `resolvers` addresses or CIDRs (empty: DNS to private ranges only).
   */
  | { kind: 'firewall-egress'; platform: 'linux' | 'darwin' | 'win32'; path?: string; includeFrom?: string; allow: string[]; resolvers: string[] }
  | { kind: 'manual'; text: string; reference?: string };

export interface Remediation {
  summary: string;
  actions: RemediationAction[];
}

export function actionKey(action: RemediationAction): string {
  return JSON.stringify(action);
}
