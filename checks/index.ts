import type { AnyCheck } from '../src/engine/check.js';
import agentUserAccess from './credentials/agent-user-access.js';
import filePermissions from './credentials/file-permissions.js';
import longLivedKeys from './credentials/long-lived-keys.js';
import secretsInShellProfiles from './credentials/secrets-in-shell-profiles.js';

/** Every built-in check, in report order. A meta-test keeps this list equal to the files in checks/. */
export const BUILTIN_CHECKS: readonly AnyCheck[] = [
  filePermissions,
  agentUserAccess,
  longLivedKeys,
  secretsInShellProfiles,
] as unknown as readonly AnyCheck[];
