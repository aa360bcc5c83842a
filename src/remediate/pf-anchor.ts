// The pf anchor of a firewall-egress action (macOS). pf lets the last matching rule decide, so every rule
// here is `quick`: the anchor decides outbound traffic whatever pf.conf says after it. Values were parsed as
// addresses, CIDRs and ports (src/firewall/egress-policy.ts).
import { DNS_PORTS, isPlainPath, PF_ANCHOR, PF_ANCHOR_FILE, describeGroup, type AllowGroup, type EgressPolicy } from '../firewall/egress-policy.js';

function tableName(group: AllowGroup): string {
  const family = group.family === 'ipv4' ? '4' : '6';
  if (!group.protocol) return `cowork_allow${family}`;
  return group.port === undefined ? `cowork_allow${family}_${group.protocol}` : `cowork_allow${family}_${group.protocol}_${group.port}`;
}

/** The lines /etc/pf.conf needs to load the anchor (after Apple's com.apple anchors). */
export function pfConfLines(file = PF_ANCHOR_FILE): string[] {
  if (!isPlainPath(file)) throw new Error(`not a plain absolute path: ${JSON.stringify(file)}`);
  return [`anchor "${PF_ANCHOR}"`, `load anchor "${PF_ANCHOR}" from "${file}"`];
}

export function pfEgressAnchor(policy: EgressPolicy, file = PF_ANCHOR_FILE): string {
  if (!isPlainPath(file)) throw new Error(`not a plain absolute path: ${JSON.stringify(file)}`);
  const lines: string[] = [
    '# Written by cowork-audit (firewall.egress-default-deny, firewall.egress-allowlist, firewall.dns-egress):',
    '# outbound traffic is blocked unless it is loopback, DHCP, IPv6 neighbour discovery, DNS to the',
    '# resolvers, or on the allowlist. Replies to accepted connections pass by pf\'s state table.',
    '# Load it from /etc/pf.conf with:',
    ...pfConfLines(file).map((line) => `#   ${line}`),
    '# then: pfctl -vnf /etc/pf.conf (check), pfctl -f /etc/pf.conf (load), pfctl -E (enable).',
    `# Allowlist: ${policy.allowText.length ? policy.allowText.join(' ') : '(empty)'}`,
    `# Resolvers: ${policy.resolversGiven ? policy.resolverText.join(' ') : '(none in the baseline: DNS may go to private, CGNAT and link-local ranges only)'}`,
    '',
    `table <cowork_dns> const { ${[...policy.dns.ipv4, ...policy.dns.ipv6].join(', ')} }`,
  ];
  for (const group of policy.groups) lines.push(`table <${tableName(group)}> const { ${group.addresses.join(', ')} }`);
  lines.push(
    '',
    'pass out quick on lo0 all',
    'pass out quick inet6 proto ipv6-icmp all icmp6-type { routersol, neighbrsol, neighbradv }',
    'pass out quick inet proto udp from any port 68 to any port 67',
    'pass out quick inet6 proto udp from any port 546 to any port 547',
    `pass out quick proto udp to <cowork_dns> port ${DNS_PORTS.udp.join(', ')}`,
    `pass out quick proto tcp to <cowork_dns> port { ${DNS_PORTS.tcp.join(', ')} }`,
  );
  for (const group of policy.groups) {
    const family = group.family === 'ipv4' ? 'inet' : 'inet6';
    const proto = group.protocol ? ` proto ${group.protocol}` : '';
    const port = group.port !== undefined ? ` port ${group.port}` : '';
    lines.push(`pass out quick ${family}${proto} to <${tableName(group)}>${port}   # ${describeGroup(group)}`);
  }
  for (const host of policy.hosts) lines.push(`# ${host.text}: a host name. pf resolves a name once, when the rules load: allow it through the proxy, or add its published ranges.`);
  lines.push('block return out quick all', '');
  return lines.join('\n');
}
