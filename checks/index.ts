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
import { AGENT_CHECKS } from './agent.registry.js';
import { AGENT_MCP_CHECKS } from './agent-mcp.registry.js';
import { AGENT_RUNTIME_CHECKS } from './agent-runtime.registry.js';
import { CONTAINERS_CHECKS } from './containers.registry.js';
import { FIREWALL_CHECKS } from './firewall.registry.js';
import { HOST_SANDBOX_CHECKS } from './host-sandbox.registry.js';
import { TELEMETRY_CHECKS } from './telemetry.registry.js';

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
  ...(FIREWALL_CHECKS as unknown as AnyCheck[]),
  ...(HOST_SANDBOX_CHECKS as unknown as AnyCheck[]),
  ...(CONTAINERS_CHECKS as unknown as AnyCheck[]),
  ...(AGENT_CHECKS as unknown as AnyCheck[]),
  ...(AGENT_RUNTIME_CHECKS as unknown as AnyCheck[]),
  ...(AGENT_MCP_CHECKS as unknown as AnyCheck[]),
  ...(TELEMETRY_CHECKS as unknown as AnyCheck[]),
] as unknown as readonly AnyCheck[];
