// The egress policy a baseline asks for, as the remediation generators render it (nftables, pf, Windows
// Firewall): loopback, replies, DHCP and IPv6 neighbour discovery, DNS to the resolvers, the allowlist,
// nothing else. Built from a `firewall-egress` action, whose values are parsed again here: a report is a
// file anyone may edit, and nothing that is not a destination may reach a ruleset or a script.
import type { RemediationAction } from '../engine/remediation.js';
import { parseCidr, type Cidr } from '../network/ip.js';
import { parseEgressEntry, type EgressEntry, type Protocol } from './destinations.js';

export type EgressPlatform = 'linux' | 'darwin' | 'win32';

/** The nftables file the remediation writes, and the main configuration that must include it. */
export const NFT_EGRESS_FILE = '/etc/nftables.d/cowork-audit-egress.nft';
export const NFT_MAIN_CONF = '/etc/nftables.conf';
export const NFT_TABLE = 'cowork_audit_egress';
/** The pf anchor (loaded from /etc/pf.conf) and its file. */
export const PF_ANCHOR = 'cowork-audit.egress';
export const PF_ANCHOR_FILE = '/etc/pf.anchors/cowork-audit.egress';
/** Group name of the Windows Firewall rules the remediation adds. */
export const WINDOWS_RULE_GROUP = 'cowork-audit egress';

/**
 * Where DNS may go when the baseline names no resolvers: private, CGNAT and link-local ranges, where a
 * corporate or DHCP-given resolver lives. Public resolvers stay unreachable, which is what
 * firewall.dns-egress holds a ruleset to without allowedResolvers.
 */
export const PRIVATE_DNS_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'];

/** DNS ports: 53 over UDP and TCP, DNS over TLS on 853/tcp. */
export const DNS_PORTS = { udp: [53], tcp: [53, 853] } as const;

export interface AllowGroup {
  family: 'ipv4' | 'ipv6';
  /** Undefined: any protocol (and then any port). */
  protocol?: Protocol;
  port?: number;
  /** CIDR text, in the order written. */
  addresses: string[];
}

export interface EgressPolicy {
  platform: EgressPlatform;
  /** Address entries, grouped by family, protocol and port (one rule each). */
  groups: AllowGroup[];
  /** Host-name entries: a packet filter cannot follow a name, so they become comments and a manual step. */
  hosts: EgressEntry[];
  /** Resolvers as CIDR text, per family. */
  dns: { ipv4: string[]; ipv6: string[] };
  /** False when the baseline named no resolvers and the private ranges stand in. */
  resolversGiven: boolean;
  allowText: string[];
  resolverText: string[];
}

function cidrText(cidr: Cidr): string {
  const full = cidr.family === 'ipv4' ? 32 : 128;
  return cidr.prefix === full ? cidr.address.toLowerCase() : `${cidr.address.toLowerCase()}/${cidr.prefix}`;
}

/** The policy of a firewall-egress action, or the reasons it cannot be rendered (each value named). */
export function egressPolicy(platform: EgressPlatform, allow: readonly unknown[], resolvers: readonly unknown[]): EgressPolicy | string[] {
  const problems: string[] = [];
  if (!['linux', 'darwin', 'win32'].includes(platform)) problems.push(`platform ${JSON.stringify(platform)} is not linux, darwin or win32`);
  const groups = new Map<string, AllowGroup>();
  const hosts: EgressEntry[] = [];
  const allowText: string[] = [];
  for (const value of Array.isArray(allow) ? allow : [allow]) {
    const entry = typeof value === 'string' ? parseEgressEntry(value) : 'not a string';
    if (typeof entry === 'string') {
      problems.push(`allow entry ${JSON.stringify(value)}: ${entry}`);
      continue;
    }
    allowText.push(entry.text);
    if (!entry.cidr) {
      hosts.push(entry);
      continue;
    }
    const protocol = entry.protocol ?? (entry.port !== undefined ? 'tcp' : undefined);
    const key = `${entry.cidr.family} ${protocol ?? 'any'} ${entry.port ?? 'any'}`;
    const group = groups.get(key) ?? { family: entry.cidr.family, ...(protocol ? { protocol } : {}), ...(entry.port !== undefined ? { port: entry.port } : {}), addresses: [] };
    const text = cidrText(entry.cidr);
    if (!group.addresses.includes(text)) group.addresses.push(text);
    groups.set(key, group);
  }
  const dns = { ipv4: [] as string[], ipv6: [] as string[] };
  const resolverText: string[] = [];
  for (const value of Array.isArray(resolvers) ? resolvers : [resolvers]) {
    const cidr = typeof value === 'string' && !/%/.test(value) ? parseCidr(value) : undefined;
    if (!cidr) {
      problems.push(`resolver ${JSON.stringify(value)}: not an IP address or CIDR range`);
      continue;
    }
    resolverText.push(value as string);
    const text = cidrText(cidr);
    if (!dns[cidr.family].includes(text)) dns[cidr.family].push(text);
  }
  if (problems.length > 0) return problems;
  const resolversGiven = resolverText.length > 0;
  if (!resolversGiven) {
    for (const range of PRIVATE_DNS_RANGES) {
      const cidr = parseCidr(range) as Cidr;
      dns[cidr.family].push(range);
    }
  }
  // Any-port groups first (they are the widest), then by family, protocol and port: a stable file.
  const order = (group: AllowGroup) => `${group.protocol ? 1 : 0}${group.family}${group.protocol ?? ''}${String(group.port ?? 0).padStart(5, '0')}`;
  const sorted = [...groups.values()].sort((a, b) => order(a).localeCompare(order(b)));
  return { platform, groups: sorted, hosts, dns, resolversGiven, allowText, resolverText };
}

/** The action a failing egress check carries: everything the writers need, nothing they must trust. */
export function egressAction(platform: EgressPlatform, allow: readonly string[], resolvers: readonly string[], includeFrom = NFT_MAIN_CONF): RemediationAction {
  if (platform === 'linux') return { kind: 'firewall-egress', platform, path: NFT_EGRESS_FILE, includeFrom, allow: [...allow], resolvers: [...resolvers] };
  if (platform === 'darwin') return { kind: 'firewall-egress', platform, path: PF_ANCHOR_FILE, includeFrom: '/etc/pf.conf', allow: [...allow], resolvers: [...resolvers] };
  return { kind: 'firewall-egress', platform, allow: [...allow], resolvers: [...resolvers] };
}

/** Absolute, no `..`, no quote, space or control character: a path an nft include or a pf load line can carry. */
export function isPlainPath(value: unknown): value is string {
  return typeof value === 'string' && /^\/[A-Za-z0-9._/+-]+$/.test(value) && !value.split('/').includes('..');
}

/** A group as words for comments and rule names: "tcp/443", "udp (any port)", "any protocol". */
export function describeGroup(group: AllowGroup): string {
  if (!group.protocol) return 'any protocol and port';
  return group.port === undefined ? `${group.protocol} (any port)` : `${group.protocol}/${group.port}`;
}
