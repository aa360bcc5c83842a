import { AddressSet, NON_PUBLIC_RANGES } from './ip.js';

// Well-known public resolvers, by operator: what a DNS setting must not name when the baseline gives no
// allowlist (network.dns-resolvers, network.dns-fallback). From the operators' own service pages.
const OPERATORS: readonly { name: string; addresses: readonly string[] }[] = [
  { name: 'Google Public DNS', addresses: ['8.8.8.8', '8.8.4.4', '2001:4860:4860::8888', '2001:4860:4860::8844', '2001:4860:4860::6464', '2001:4860:4860::64'] },
  {
    name: 'Cloudflare',
    addresses: ['1.1.1.1', '1.0.0.1', '1.1.1.2', '1.0.0.2', '1.1.1.3', '1.0.0.3', '2606:4700:4700::1111', '2606:4700:4700::1001', '2606:4700:4700::1112', '2606:4700:4700::1002', '2606:4700:4700::1113', '2606:4700:4700::1003', '2606:4700:4700::64', '2606:4700:4700::6400'],
  },
  {
    name: 'Quad9',
    addresses: ['9.9.9.9', '149.112.112.112', '9.9.9.10', '149.112.112.10', '9.9.9.11', '149.112.112.11', '9.9.9.12', '149.112.112.12', '2620:fe::fe', '2620:fe::9', '2620:fe::10', '2620:fe::fe:10', '2620:fe::11', '2620:fe::fe:11', '2620:fe::12', '2620:fe::fe:12'],
  },
  { name: 'OpenDNS', addresses: ['208.67.222.222', '208.67.220.220', '208.67.222.123', '208.67.220.123', '208.67.222.220', '208.67.220.222', '2620:119:35::35', '2620:119:53::53', '2620:0:ccc::2', '2620:0:ccd::2'] },
  { name: 'AdGuard DNS', addresses: ['94.140.14.14', '94.140.15.15', '94.140.14.15', '94.140.15.16', '94.140.14.140', '94.140.14.141', '2a10:50c0::ad1:ff', '2a10:50c0::ad2:ff', '2a10:50c0::bad1:ff', '2a10:50c0::bad2:ff', '2a10:50c0::1:ff', '2a10:50c0::2:ff'] },
  { name: 'CleanBrowsing', addresses: ['185.228.168.9', '185.228.169.9', '185.228.168.10', '185.228.169.11', '185.228.168.168', '185.228.169.168', '2a0d:2a00:1::2', '2a0d:2a00:2::2'] },
  { name: 'Comodo Secure DNS', addresses: ['8.26.56.26', '8.20.247.20'] },
  { name: 'Level3 / Lumen', addresses: ['4.2.2.1', '4.2.2.2', '4.2.2.3', '4.2.2.4', '4.2.2.5', '4.2.2.6'] },
  { name: 'Yandex DNS', addresses: ['77.88.8.8', '77.88.8.1', '77.88.8.88', '77.88.8.2', '77.88.8.7', '77.88.8.3', '2a02:6b8::feed:0ff', '2a02:6b8:0:1::feed:0ff'] },
  { name: 'Control D', addresses: ['76.76.2.0', '76.76.10.0', '76.76.2.1', '76.76.2.2', '2606:1a40::', '2606:1a40:1::'] },
  { name: 'Mullvad DNS', addresses: ['194.242.2.2', '194.242.2.3', '194.242.2.4', '194.242.2.5', '194.242.2.9', '2a07:e340::2', '2a07:e340::3', '2a07:e340::4'] },
  { name: 'DNS.WATCH', addresses: ['84.200.69.80', '84.200.70.40', '2001:1608:10:25::1c04:b12f', '2001:1608:10:25::9249:d69b'] },
  { name: 'Hurricane Electric', addresses: ['74.82.42.42', '2001:470:20::2'] },
  { name: 'Verisign', addresses: ['64.6.64.6', '64.6.65.6'] },
  { name: 'NextDNS', addresses: ['45.90.28.0', '45.90.30.0'] },
  { name: 'Alibaba Public DNS', addresses: ['223.5.5.5', '223.6.6.6'] },
  { name: '114DNS', addresses: ['114.114.114.114', '114.114.115.115'] },
];

const BY_OPERATOR = OPERATORS.map((operator) => ({ name: operator.name, set: new AddressSet(operator.addresses) }));

/** The operator of a well-known public resolver, or undefined. */
export function publicResolverOperator(address: string): string | undefined {
  return BY_OPERATOR.find((operator) => operator.set.has(address))?.name;
}

/** True for loopback, private, link-local and CGNAT addresses. */
export function isNonPublicAddress(address: string): boolean {
  return NON_PUBLIC_RANGES.has(address);
}

/** The baseline's allowlist (addresses and CIDRs), with the entries that are neither. */
export function resolverAllowlist(entries: readonly string[]): AddressSet {
  return new AddressSet(entries);
}

/**
 * Why a resolver address is not acceptable, or undefined when it is. With an allowlist, everything outside
 * it is refused; without one, only well-known public resolvers are.
 */
export function resolverProblem(address: string, allowlist: AddressSet): string | undefined {
  if (allowlist.size > 0) return allowlist.has(address) ? undefined : 'not in the baseline\'s allowedResolvers';
  const operator = publicResolverOperator(address);
  return operator ? `a public resolver (${operator})` : undefined;
}
