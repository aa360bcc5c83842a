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
