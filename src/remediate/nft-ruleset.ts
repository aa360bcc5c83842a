// The nftables ruleset of a firewall-egress action: a table of its own, so that the machine's other tables
// keep their rules (a packet leaves only when every output chain accepts it, so this table alone decides
// what may leave). Every value in it was parsed as an address, a CIDR or a port (src/firewall/egress-policy.ts).
import { DNS_PORTS, isPlainPath, NFT_EGRESS_FILE, NFT_TABLE, describeGroup, type AllowGroup, type EgressPolicy } from '../firewall/egress-policy.js';

function elements(values: readonly string[]): string {
  return values.join(', ');
}

function setBlock(name: string, family: 'ipv4' | 'ipv6', values: readonly string[]): string[] {
  return [
    `\tset ${name} {`,
    `\t\ttype ${family === 'ipv4' ? 'ipv4_addr' : 'ipv6_addr'}`,
    '\t\tflags interval',
    `\t\telements = { ${elements(values)} }`,
    '\t}',
  ];
}

function setName(group: AllowGroup): string {
  const family = group.family === 'ipv4' ? '4' : '6';
  if (!group.protocol) return `allow${family}`;
  return group.port === undefined ? `allow${family}_${group.protocol}` : `allow${family}_${group.protocol}_${group.port}`;
}

function allowRule(group: AllowGroup): string {
  const daddr = `${group.family === 'ipv4' ? 'ip' : 'ip6'} daddr @${setName(group)}`;
  if (!group.protocol) return `\t\t${daddr} accept`;
  if (group.port === undefined) return `\t\t${daddr} meta l4proto ${group.protocol} accept`;
  return `\t\t${daddr} ${group.protocol} dport ${group.port} accept`;
}

/** The whole file: load with `nft -f FILE`; loading it again replaces the table (declare, delete, define). */
export function nftEgressRuleset(policy: EgressPolicy, file = NFT_EGRESS_FILE): string {
  if (!isPlainPath(file)) throw new Error(`not a plain absolute path: ${JSON.stringify(file)}`);
  const lines: string[] = [
    '#!/usr/sbin/nft -f',
    '# Written by cowork-audit (firewall.egress-default-deny, firewall.egress-allowlist, firewall.dns-egress):',
    '# outbound traffic is dropped unless it is loopback, a reply, DHCP or IPv6 neighbour discovery, DNS to',
    '# the resolvers, or on the allowlist. A table of its own: the other tables keep their rules.',
    `# Check: nft -c -f ${file}`,
    `# Load:  nft -f ${file} (replaces this table only)`,
    '# Boot:  include it from the nftables service configuration (/etc/nftables.conf), enable nftables.service.',
    `# Allowlist: ${policy.allowText.length ? policy.allowText.join(' ') : '(empty)'}`,
    `# Resolvers: ${policy.resolversGiven ? policy.resolverText.join(' ') : '(none in the baseline: DNS may go to private, CGNAT and link-local ranges only)'}`,
    '',
    '# Declared, deleted and defined again in one transaction, so that loading the file twice replaces the table.',
    `table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
    '',
    `table inet ${NFT_TABLE} {`,
  ];
  if (policy.dns.ipv4.length) lines.push(...setBlock('dns4', 'ipv4', policy.dns.ipv4));
  if (policy.dns.ipv6.length) lines.push(...setBlock('dns6', 'ipv6', policy.dns.ipv6));
  for (const group of policy.groups) lines.push(...setBlock(setName(group), group.family, group.addresses));
  lines.push(
    '',
    '\tchain output {',
    '\t\ttype filter hook output priority filter; policy drop;',
    '\t\toif "lo" accept',
    '\t\tct state established,related accept',
    '\t\tct state invalid drop',
    '\t\t# Without neighbour discovery and router solicitation IPv6 stops working altogether.',
    '\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept',
    '\t\t# DHCP lease renewals (the first request goes out on a raw socket, renewals come through here).',
    '\t\tudp sport 68 udp dport 67 accept',
    '\t\tudp sport 546 udp dport 547 accept',
    '\t\t# DNS, and DNS over TLS, to the resolvers only.',
  );
  for (const [family, set] of [['ip', 'dns4'], ['ip6', 'dns6']] as const) {
    if (!policy.dns[set === 'dns4' ? 'ipv4' : 'ipv6'].length) continue;
    lines.push(`\t\t${family} daddr @${set} udp dport ${DNS_PORTS.udp.join(', ')} accept`);
    lines.push(`\t\t${family} daddr @${set} tcp dport { ${DNS_PORTS.tcp.join(', ')} } accept`);
  }
  if (policy.groups.length) lines.push('\t\t# The allowlist.');
  for (const group of policy.groups) lines.push(`${allowRule(group)} comment "${describeGroup(group)}"`);
  for (const host of policy.hosts) {
    lines.push(`\t\t# ${host.text}: a host name. nftables resolves a name once, when the file is loaded, and CDN addresses move: allow it through the proxy, or add its published ranges.`);
  }
  lines.push(
    '\t\t# The rest is refused at once (a silent drop makes every connection hang until it times out).',
    '\t\treject with icmpx type admin-prohibited',
    '\t}',
    '}',
    '',
  );
  return lines.join('\n');
}
