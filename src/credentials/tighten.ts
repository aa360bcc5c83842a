import type { CredentialPath } from '../collectors/credential-paths.js';
import type { RemediationAction } from '../engine/remediation.js';
import { octal } from '../util/octal.js';
import { grantsToOthers, type Grant } from './access.js';
import { forbiddenBits } from './catalogue.js';

/** The mode a credential path should have: its own mode without the bits its role forbids. */
export function tightenedMode(entry: CredentialPath, allowGroupRead = false): number | undefined {
  if (!entry.info || entry.acl?.kind === 'windows') return undefined;
  const forbidden = forbiddenBits(entry.role, allowGroupRead);
  return entry.info.mode & forbidden ? entry.info.mode & ~forbidden & 0o7777 : undefined;
}

/** Grants made by ACL entries (not the mode) that a private credential must not carry. */
export function aclGrants(entry: CredentialPath): Grant[] {
  if (!entry.info) return [];
  return grantsToOthers(entry.info, entry.acl, entry.user.sid)
    .filter((grant) => grant.via !== 'mode')
    .filter((grant) => entry.role !== 'protected-config' || grant.write);
}

export function removeGrantAction(path: string, grant: Grant): RemediationAction | undefined {
  const posix = grant.posixEntry;
  if (posix && (posix.tag === 'user' || posix.tag === 'group')) {
    return { kind: 'remove-acl-entry', path, entry: { platform: 'posix', tag: posix.tag, qualifier: posix.qualifier ?? '', isDefault: posix.isDefault } };
  }
  if (grant.darwinEntry) return { kind: 'remove-acl-entry', path, entry: { platform: 'darwin', entry: grant.darwinEntry.text } };
  if (grant.windowsAce) {
    const { sid, principal, inherited } = grant.windowsAce;
    return { kind: 'remove-acl-entry', path, entry: { platform: 'windows', sid, principal, inherited } };
  }
  return undefined;
}

/** Every action that makes the path private to its owner again. */
export function tightenActions(entry: CredentialPath, allowGroupRead = false): RemediationAction[] {
  const actions: RemediationAction[] = [];
  const mode = tightenedMode(entry, allowGroupRead);
  if (mode !== undefined) actions.push({ kind: 'chmod', path: entry.path, mode: octal(mode) });
  for (const grant of aclGrants(entry)) {
    const action = removeGrantAction(entry.path, grant);
    if (action) actions.push(action);
  }
  return actions;
}
