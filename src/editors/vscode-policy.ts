import type { EditorSettingsFacts, VscodePolicySource } from '../collectors/editor-settings.js';
import type { Location } from '../engine/check.js';
import type { RemediationAction } from '../engine/remediation.js';
import { VSCODE_POLICIES, type SettingScalar, type VscodePolicyName } from '../parsers/editor-settings.js';

// VS Code policies as the checks use them (pure): which source decides a setting for a user, how to
// name it in a message, and the remediation that sets a policy on this platform.

export interface PolicyDecision {
  name: VscodePolicyName;
  value: SettingScalar;
  source: VscodePolicySource;
  line?: number;
}

/** The policy that decides `name` for `user` (per-user managed preferences first), or undefined. */
export function policyFor(facts: EditorSettingsFacts, name: VscodePolicyName, user?: string): PolicyDecision | undefined {
  for (const source of facts.policies) {
    if (source.user !== undefined && source.user !== user) continue;
    const found = source.values[name];
    if (found) return { name, value: found.value, source, ...(found.line !== undefined ? { line: found.line } : {}) };
  }
  return undefined;
}

/** Where a policy decision is, for a message: `/etc/vscode/policy.json:3` or `HKLM\...\VSCode value ChatMCP`. */
export function describePolicy(decision: PolicyDecision): string {
  if (decision.source.kind === 'registry') return `policy ${decision.source.location} value ${decision.name}`;
  return `policy ${decision.name} in ${decision.source.location}${decision.line !== undefined ? `:${decision.line}` : ''}`;
}

/** A finding location for a policy decision: files and plists only (a registry key is no file). */
export function policyLocation(decision: PolicyDecision): Location | undefined {
  if (decision.source.kind === 'registry') return undefined;
  return { path: decision.source.location, ...(decision.line !== undefined ? { line: decision.line } : {}) };
}

/** Registry values: DWORD 0/1 for booleans, REG_SZ for strings. Truthiness of a policy boolean as VS Code reads it. */
export function policyBoolean(value: SettingScalar): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && /^(?:0|1|true|false)$/i.test(value.trim())) return /^(?:1|true)$/i.test(value.trim());
  return undefined;
}

/** The action that sets a VS Code policy on this platform. */
export function setPolicyActions(facts: EditorSettingsFacts, name: VscodePolicyName, value: string | boolean): RemediationAction[] {
  const target = facts.policyTarget;
  if (target.kind === 'file') {
    // The script writers skip set-json-key on a missing file: create the policy file when there is none.
    const exists = facts.policies.some((source) => source.kind === 'file' && source.location === target.location);
    return exists
      ? [{ kind: 'set-json-key', path: target.location, keyPath: [name], value }]
      : [{ kind: 'write-file', path: target.location, content: `${JSON.stringify({ [name]: value }, null, 2)}\n`, mode: '0644' }];
  }
  if (target.kind === 'registry') {
    return typeof value === 'boolean'
      ? [{ kind: 'registry-set', key: target.location, name, type: 'DWord', value: value ? 1 : 0 }]
      : [{ kind: 'registry-set', key: target.location, name, type: 'String', value }];
  }
  return [
    {
      kind: 'manual',
      text: `Deploy a configuration profile (MDM) for the preference domain com.microsoft.VSCode with ${name} = ${JSON.stringify(value)}; VS Code then locks ${VSCODE_POLICIES[name]} for every user.`,
      reference: 'https://code.visualstudio.com/docs/setup/enterprise',
    },
  ];
}
