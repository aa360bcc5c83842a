import type { AnyCheck } from '../src/engine/check.js';
import broadAllowRules from './agent/broad-allow-rules.js';
import credentialReachability from './agent/credential-reachability.js';
import editorSettings from './agent/editor-settings.js';
import hooks from './agent/hooks.js';
import managedPolicy from './agent/managed-policy.js';
import mcpServers from './agent/mcp-servers.js';
import permissionMode from './agent/permission-mode.js';
import transcriptRetention from './agent/transcript-retention.js';
import agentUserAccess from './credentials/agent-user-access.js';
import filePermissions from './credentials/file-permissions.js';
import longLivedKeys from './credentials/long-lived-keys.js';
import secretsInShellProfiles from './credentials/secrets-in-shell-profiles.js';
import dnsEgress from './firewall/dns-egress.js';
import egressAllowlist from './firewall/egress-allowlist.js';
import egressDefaultDeny from './firewall/egress-default-deny.js';
import firewallEnabled from './firewall/enabled.js';
import auditRules from './monitoring/audit-rules.js';
import diskEncryption from './monitoring/disk-encryption.js';
import edrPresent from './monitoring/edr-present.js';
import dnsFallback from './network/dns-fallback.js';
import dnsResolvers from './network/dns-resolvers.js';
import dohBypass from './network/doh-bypass.js';
import noProxyScope from './network/no-proxy-scope.js';
import proxyConfigured from './network/proxy-configured.js';
import tlsInspectionCa from './network/tls-inspection-ca.js';
import agentIsolation from './sandbox/agent-isolation.js';
import agentSandboxSettings from './sandbox/agent-sandbox-settings.js';
import agentUser from './sandbox/agent-user.js';
import containerHardening from './sandbox/container-hardening.js';
import dockerDaemon from './sandbox/docker-daemon.js';
import macEnforcing from './sandbox/mac-enforcing.js';
import claudeCodeTelemetry from './telemetry/claude-code.js';
import devToolsTelemetry from './telemetry/dev-tools.js';
import editorTelemetry from './telemetry/editors.js';
import osTelemetry from './telemetry/os.js';

/** Every built-in check, in report order (area by area). A meta-test keeps this list equal to the files in checks/. */
export const BUILTIN_CHECKS: readonly AnyCheck[] = [
  // credentials
  filePermissions,
  agentUserAccess,
  longLivedKeys,
  secretsInShellProfiles,
  // network
  proxyConfigured,
  noProxyScope,
  tlsInspectionCa,
  dnsResolvers,
  dnsFallback,
  dohBypass,
  // firewall
  firewallEnabled,
  egressDefaultDeny,
  egressAllowlist,
  dnsEgress,
  // sandbox
  agentIsolation,
  agentUser,
  macEnforcing,
  containerHardening,
  dockerDaemon,
  agentSandboxSettings,
  // agent
  permissionMode,
  broadAllowRules,
  credentialReachability,
  managedPolicy,
  hooks,
  transcriptRetention,
  mcpServers,
  editorSettings,
  // telemetry
  claudeCodeTelemetry,
  editorTelemetry,
  devToolsTelemetry,
  osTelemetry,
  // monitoring
  edrPresent,
  auditRules,
  diskEncryption,
] as unknown as readonly AnyCheck[];
