import type { RemediationAction } from '../engine/remediation.js';
import { parseCidr } from './ip.js';

// Shared by network.dns-resolvers and network.dns-fallback: the allowlist parameter and the drop-ins
// that point systemd-resolved at the corporate resolvers. Drop-ins apply in name order and list settings
// accumulate, so ours are named to sort last and start with an empty assignment that resets the list.

export const DNS_DROP_IN = '/etc/systemd/resolved.conf.d/zz-cowork-audit-dns.conf';
export const FALLBACK_DROP_IN = '/etc/systemd/resolved.conf.d/zz-cowork-audit-fallback.conf';

/** The allowlist entries that are single addresses (what DNS= can name); CIDRs cannot be written there. */
export function allowedAddresses(allowed: readonly string[]): string[] {
  return allowed.filter((entry) => {
    const cidr = parseCidr(entry);
    return cidr !== undefined && !entry.includes('/');
  });
}

/** Throws (the check's error) on an allowlist entry that is neither an address nor a CIDR. */
export function validateAllowlist(allowed: readonly string[]): void {
  const bad = allowed.filter((entry) => !parseCidr(entry));
  if (bad.length > 0) throw new Error(`allowedResolvers: ${bad.map((entry) => `"${entry}"`).join(', ')} is neither an IP address nor a CIDR range`);
}

export const RESTART_RESOLVED: RemediationAction = { kind: 'manual', text: 'Restart systemd-resolved (systemctl restart systemd-resolved) to apply the new drop-in.' };

/** A resolved.conf.d drop-in naming only the corporate resolvers, with no fallback; manual without addresses. */
export function resolvedDnsActions(allowed: readonly string[]): RemediationAction[] {
  const addresses = allowedAddresses(allowed);
  if (addresses.length === 0) {
    return [{ kind: 'manual', text: 'Point systemd-resolved at the corporate resolvers: a drop-in in /etc/systemd/resolved.conf.d/ with "DNS=" (empty, to drop earlier entries), "DNS=<corporate resolvers>", "FallbackDNS=" and "Domains=~.". Set allowedResolvers in the baseline to have this written for you.' }];
  }
  return [
    {
      kind: 'write-file',
      path: DNS_DROP_IN,
      content: `# Written by cowork-audit (network.dns-resolvers): the corporate resolvers only.\n[Resolve]\nDNS=\nDNS=${addresses.join(' ')}\nFallbackDNS=\nDomains=~.\n`,
      mode: '0644',
    },
    RESTART_RESOLVED,
  ];
}
