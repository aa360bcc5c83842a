import { BlockList, isIP } from 'node:net';

// Address arithmetic for resolver allowlists and NO_PROXY ranges. Pure: node:net's BlockList and isIP
// only compute, they open nothing.

export type IpFamily = 'ipv4' | 'ipv6';

/** The address without a zone (`fe80::1%eth0`), or undefined when it is not an IP address. */
export function ipFamily(address: string): IpFamily | undefined {
  const kind = isIP(address.replace(/%.*$/, ''));
  return kind === 4 ? 'ipv4' : kind === 6 ? 'ipv6' : undefined;
}

export interface Cidr {
  address: string;
  prefix: number;
  family: IpFamily;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128); undefined when neither. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const family = ipFamily(address);
  if (!family) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { address: address.replace(/%.*$/, ''), prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address: address.replace(/%.*$/, ''), prefix, family } : undefined;
}

/** A set of addresses and ranges; membership of IPv4-mapped IPv6 addresses follows their IPv4 form. */
export class AddressSet {
  private readonly list = new BlockList();
  readonly invalid: string[] = [];
  readonly size: number;

  constructor(entries: readonly string[]) {
    let size = 0;
    for (const entry of entries) {
      const cidr = parseCidr(entry);
      if (!cidr) {
        this.invalid.push(entry);
        continue;
      }
      this.list.addSubnet(cidr.address, cidr.prefix, cidr.family);
      size += 1;
    }
    this.size = size;
  }

  has(address: string): boolean {
    const bare = address.replace(/%.*$/, '');
    const family = ipFamily(bare);
    if (!family) return false;
    if (this.list.check(bare, family)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
    return mapped !== undefined && this.list.check(mapped, 'ipv4');
  }

  /** True when every address of the range is in the set (checked at its first and last address). */
  covers(cidr: Cidr): boolean {
    return this.has(cidr.address) && this.has(lastAddress(cidr));
  }
}

/** Loopback, private (RFC 1918, ULA), link-local and carrier-grade NAT space: never a public resolver. */
export const NON_PUBLIC_RANGES = new AddressSet([
  '127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '0.0.0.0/32',
  '::1/128', '::/128', 'fc00::/7', 'fe80::/10',
]);

/** The last address of a range, written in its family's canonical-enough form for BlockList.check. */
export function lastAddress(cidr: Cidr): string {
  if (cidr.family === 'ipv4') {
    const value = cidr.address.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
    const host = (1n << BigInt(32 - cidr.prefix)) - 1n;
    const last = value | host;
    return [24n, 16n, 8n, 0n].map((shift) => String((last >> shift) & 255n)).join('.');
  }
  const value = ipv6ToBigInt(cidr.address);
  const host = (1n << BigInt(128 - cidr.prefix)) - 1n;
  const last = value | host;
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((last >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...new Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}

/** Number of addresses a range spans, as a power of two. */
export function rangeBits(cidr: Cidr): number {
  return (cidr.family === 'ipv4' ? 32 : 128) - cidr.prefix;
}

// Exact range arithmetic for the firewall evaluator (src/firewall/evaluate.ts) and the nftables parsers:
// membership stays within one family (an IPv4 range never holds an IPv6 address, mapped or not, the way
// `ip daddr` never matches an IPv6 packet), host bits of a prefix are ignored like nft ignores them.

/** The address as a number within its family; undefined when it is not an IP address. */
export function addressValue(address: string): { value: bigint; family: IpFamily } | undefined {
  const bare = address.replace(/%.*$/, '');
  const family = ipFamily(bare);
  if (!family) return undefined;
  if (family === 'ipv6') return { value: ipv6ToBigInt(bare), family };
  return { value: bare.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n), family };
}

function familyBits(family: IpFamily): number {
  return family === 'ipv4' ? 32 : 128;
}

/** First address of a range as a number (host bits cleared). */
function networkValue(cidr: Cidr): bigint {
  const bits = BigInt(familyBits(cidr.family) - cidr.prefix);
  return ((addressValue(cidr.address)?.value ?? 0n) >> bits) << bits;
}

/** A number back to address text: dotted quad, or RFC 5952 IPv6 (longest zero run compressed). */
export function valueToAddress(value: bigint, family: IpFamily): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Canonical text of a range: network address, and `/prefix` unless it is a single address. */
export function formatCidr(cidr: Cidr): string {
  const address = valueToAddress(networkValue(cidr), cidr.family);
  return cidr.prefix === familyBits(cidr.family) ? address : `${address}/${cidr.prefix}`;
}

/** True when the address is in the range (same family only). */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const parsed = addressValue(address);
  if (!parsed || parsed.family !== cidr.family) return false;
  const bits = BigInt(familyBits(cidr.family) - cidr.prefix);
  return parsed.value >> bits === networkValue(cidr) >> bits;
}

function cidrFromValue(value: bigint, prefix: number, family: IpFamily): Cidr {
  return { address: valueToAddress(value, family), prefix, family };
}

/** The smallest list of prefixes covering `first`..`last` exactly (nft `10.0.0.1-10.0.0.9`); undefined when not one family or reversed. */
export function rangeToCidrs(first: string, last: string): Cidr[] | undefined {
  const a = addressValue(first);
  const b = addressValue(last);
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  const width = familyBits(a.family);
  const out: Cidr[] = [];
  let start = a.value;
  while (start <= b.value) {
    let size = 0;
    while (size < width) {
      const next = size + 1;
      const mask = (1n << BigInt(next)) - 1n;
      if ((start & mask) !== 0n || start + mask > b.value) break;
      size = next;
    }
    out.push(cidrFromValue(start, width - size, a.family));
    start += 1n << BigInt(size);
  }
  return out;
}

/** The common part of two ranges (prefixes are nested or disjoint), undefined when none. */
export function intersectCidrs(a: Cidr, b: Cidr): Cidr | undefined {
  if (a.family !== b.family) return undefined;
  const [wide, narrow] = a.prefix <= b.prefix ? [a, b] : [b, a];
  return cidrContains(wide, valueToAddress(networkValue(narrow), narrow.family)) ? cidrFromValue(networkValue(narrow), narrow.prefix, narrow.family) : undefined;
}

/** `a` without the addresses of `b`, as prefixes. */
export function subtractCidr(a: Cidr, b: Cidr): Cidr[] {
  const common = intersectCidrs(a, b);
  if (!common) return [a];
  if (common.prefix <= a.prefix) return [];
  const out: Cidr[] = [];
  // Walk from a down to b, keeping the sibling half at each step.
  const width = familyBits(a.family);
  const target = networkValue(b);
  let base = networkValue(a);
  for (let prefix = a.prefix + 1; prefix <= b.prefix; prefix++) {
    const half = 1n << BigInt(width - prefix);
    const inUpper = (target & half) !== 0n;
    out.push(cidrFromValue(inUpper ? base : base + half, prefix, a.family));
    if (inUpper) base += half;
  }
  return out;
}
