// Windows Defender Firewall steps of a firewall-egress action: outbound allow rules first (so nothing the
// policy allows breaks in between), then every profile's DefaultOutboundAction to Block. The lines call
// functions of powershell-template.ps1 with verbatim-quoted values; the values were parsed as addresses,
// CIDRs and ports (src/firewall/egress-policy.ts) before they got here.
import { DNS_PORTS, WINDOWS_RULE_GROUP, type EgressPolicy } from '../firewall/egress-policy.js';
import { psQuote as q } from './quote.js';

export interface WindowsAllowRule {
  /** Rule Name (unique, stable: re-running the script finds it). */
  name: string;
  /** TCP, UDP or Any. */
  protocol: 'TCP' | 'UDP' | 'Any';
  /** Remote port, or '' for any. */
  port: string;
  addresses: string[];
  why: string;
}

/** The allow rules of the policy: DNS per protocol and port, then the allowlist per protocol and port (IPv4 and IPv6 together). */
export function windowsAllowRules(policy: EgressPolicy): WindowsAllowRule[] {
  const dns = [...policy.dns.ipv4, ...policy.dns.ipv6];
  const rules: WindowsAllowRule[] = [];
  const why = policy.resolversGiven ? 'DNS to the corporate resolvers' : 'DNS to private ranges (no resolvers in the baseline)';
  for (const port of DNS_PORTS.udp) rules.push({ name: `cowork-audit-egress-dns-udp-${port}`, protocol: 'UDP', port: String(port), addresses: dns, why });
  for (const port of DNS_PORTS.tcp) rules.push({ name: `cowork-audit-egress-dns-tcp-${port}`, protocol: 'TCP', port: String(port), addresses: dns, why });
  const byKey = new Map<string, WindowsAllowRule>();
  for (const group of policy.groups) {
    const protocol = group.protocol === 'tcp' ? 'TCP' : group.protocol === 'udp' ? 'UDP' : 'Any';
    const port = group.protocol && group.port !== undefined ? String(group.port) : '';
    const name = `cowork-audit-egress-${protocol.toLowerCase()}${port ? `-${port}` : ''}`;
    const rule = byKey.get(name) ?? { name, protocol, port, addresses: [], why: `allowlist, ${protocol === 'Any' ? 'any protocol' : `${protocol}${port ? `/${port}` : ' (any port)'}`}` };
    rule.addresses.push(...group.addresses.filter((address) => !rule.addresses.includes(address)));
    byKey.set(name, rule);
  }
  return [...rules, ...byKey.values()];
}

/** Step lines for the PowerShell remediation script. */
export function windowsEgressSteps(policy: EgressPolicy, checkId: string): string[] {
  const lines = windowsAllowRules(policy).map(
    (rule) => `Set-EgressAllowRule ${q(rule.name)} ${q(WINDOWS_RULE_GROUP)} ${q(rule.protocol)} ${q(rule.port)} ${q(rule.addresses.join(','))} ${q(rule.why)}`,
  );
  lines.push('Set-DefaultOutboundBlock');
  for (const host of policy.hosts) {
    lines.push(`Write-Manual ${q(checkId)} ${q(`${host.text} is a host name: Windows Firewall rules take addresses. Allow it through the proxy, or add its published ranges to egress.allow.`)}`);
  }
  lines.push(
    `Write-Manual ${q(checkId)} ${q('Review the enabled outbound allow rules outside the "cowork-audit egress" group (Get-NetFirewallRule -Direction Outbound -Action Allow -Enabled True): with outbound Block they are the only other way out. The predefined "Core Networking - DNS (UDP-Out)" rule lets the DNS Client service reach any resolver.')}`,
  );
  return lines;
}
