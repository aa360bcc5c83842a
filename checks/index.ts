import type { AnyCheck } from '../src/engine/check.js';
import agentUserAccess from './credentials/agent-user-access.js';
import filePermissions from './credentials/file-permissions.js';
import longLivedKeys from './credentials/long-lived-keys.js';
import secretsInShellProfiles from './credentials/secrets-in-shell-profiles.js';
import dnsFallback from './network/dns-fallback.js';
import dnsResolvers from './network/dns-resolvers.js';
import dohBypass from './network/doh-bypass.js';
import noProxyScope from './network/no-proxy-scope.js';
import proxyConfigured from './network/proxy-configured.js';
import tlsInspectionCa from './network/tls-inspection-ca.js';

/** Every built-in check, in report order. A meta-test keeps this list equal to the files in checks/. */
export const BUILTIN_CHECKS: readonly AnyCheck[] = [
  filePermissions,
  agentUserAccess,
  longLivedKeys,
  secretsInShellProfiles,
  proxyConfigured,
  noProxyScope,
  tlsInspectionCa,
  dnsResolvers,
  dnsFallback,
  dohBypass,
] as unknown as readonly AnyCheck[];
