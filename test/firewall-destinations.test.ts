// The baseline's egress destinations: the grammar, its errors (at baseline load, with the key path), and
// that nothing that is not a destination gets through to a generated ruleset.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBES, destinationList, entryCovers, parseEgressEntry, parseProbe, probeDestination, sampleDestinations } from '../src/firewall/destinations.js';
import { egressPolicy } from '../src/firewall/egress-policy.js';
import type { SchemaIssue } from '../src/engine/params-schema.js';
import { isNonPublicAddress } from '../src/network/public-resolvers.js';

describe('parseEgressEntry', () => {
  it.each([
    ['10.0.0.0/8', { cidr: { address: '10.0.0.0', prefix: 8, family: 'ipv4' } }],
    ['203.0.113.7:443', { cidr: { address: '203.0.113.7', prefix: 32, family: 'ipv4' }, port: 443 }],
    ['203.0.113.0/24:8443/udp', { cidr: { address: '203.0.113.0', prefix: 24, family: 'ipv4' }, port: 8443, protocol: 'udp' }],
    ['10.0.0.0/8/udp', { cidr: { address: '10.0.0.0', prefix: 8, family: 'ipv4' }, protocol: 'udp' }],
    ['2001:db8::/32', { cidr: { address: '2001:db8::', prefix: 32, family: 'ipv6' } }],
    ['[2001:db8::1]:443/tcp', { cidr: { address: '2001:db8::1', prefix: 128, family: 'ipv6' }, port: 443, protocol: 'tcp' }],
    ['[2001:db8::/48]:22', { cidr: { address: '2001:db8::', prefix: 48, family: 'ipv6' }, port: 22 }],
    ['API.Anthropic.com:443', { host: 'api.anthropic.com', port: 443 }],
    ['proxy.corp.example.', { host: 'proxy.corp.example' }],
  ])('%s', (text, expected) => {
    expect(parseEgressEntry(text)).toEqual({ text, ...expected });
  });

  it.each([
    ['', 'an empty entry'],
    ['*.anthropic.com:443', 'wildcard'],
    ["1.2.3.4'; rm -rf /", 'only letters'],
    ['1.2.3.4\n} table inet x {', 'only letters'],
    ['"1.2.3.4"', 'only letters'],
    ['$(touch x)', 'only letters'],
    ['1.2.3.4:0', 'outside 1..65535'],
    ['1.2.3.4:70000', 'outside 1..65535'],
    ['1.2.3.4:http', 'not a port number'],
    ['300.1.2.3', 'not an IP address'],
    ['10.0.0.0/33', 'not an IP address'],
    ['2001:db8::1:443', undefined],
    ['[10.0.0.1]:443', 'brackets are for IPv6'],
    ['[2001:db8::1', 'without a closing'],
    ['-bad-.example', 'not a host name'],
    ['a..b', 'not a host name'],
  ])('%j is refused (%s)', (text, reason) => {
    const parsed = parseEgressEntry(text);
    if (reason === undefined) {
      // An IPv6 address without brackets cannot carry a port: the whole text is the address.
      expect(parsed).toMatchObject({ cidr: { family: 'ipv6' } });
      expect((parsed as { port?: number }).port).toBeUndefined();
      return;
    }
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(reason);
  });

  it('probes must be single addresses with a port', () => {
    expect(parseProbe('api.example.com:443')).toContain('must be an IP address');
    expect(parseProbe('1.1.1.1')).toContain('needs a port');
    expect(parseProbe('1.1.1.0/24:443')).toContain('one address');
    expect(probeDestination(parseProbe('[2606:4700:4700::1111]:443/tcp') as never)).toEqual({ address: '2606:4700:4700::1111', family: 'ipv6', protocol: 'tcp', port: 443 });
  });

  it('a range is evaluated at its first and last address; no port means 443/tcp', () => {
    const entry = parseEgressEntry('203.0.113.0/24') as never;
    expect(sampleDestinations(entry)).toEqual([
      { address: '203.0.113.0', family: 'ipv4', protocol: 'tcp', port: 443 },
      { address: '203.0.113.255', family: 'ipv4', protocol: 'tcp', port: 443 },
    ]);
    expect(entryCovers(entry, { address: '203.0.113.9', family: 'ipv4', protocol: 'udp', port: 53 })).toBe(true);
    const port = parseEgressEntry('203.0.113.0/24:443') as never;
    expect(entryCovers(port, { address: '203.0.113.9', family: 'ipv4', protocol: 'udp', port: 443 })).toBe(false);
    expect(entryCovers(port, { address: '203.0.113.9', family: 'ipv4', protocol: 'tcp', port: 443 })).toBe(true);
    expect(entryCovers(port, { address: '203.0.114.9', family: 'ipv4', protocol: 'tcp', port: 443 })).toBe(false);
  });
});

describe('default probes', () => {
  it('are public addresses on 443, 80, 22 and 53, IPv4 and IPv6, each with a reason', () => {
    const parsed = DEFAULT_PROBES.map((probe) => parseProbe(probe.entry));
    for (const probe of parsed) expect(typeof probe, String(probe)).toBe('object');
    const destinations = parsed.map((probe) => probeDestination(probe as never));
    for (const destination of destinations) expect(isNonPublicAddress(destination.address), destination.address).toBe(false);
    expect(new Set(destinations.map((destination) => destination.port))).toEqual(new Set([443, 80, 22, 53]));
    expect(new Set(destinations.map((destination) => destination.family))).toEqual(new Set(['ipv4', 'ipv6']));
    for (const probe of DEFAULT_PROBES) expect(probe.why.length).toBeGreaterThan(20);
  });
});

describe('destinationList schema', () => {
  it('names each bad entry by its index, and accepts good ones', () => {
    const schema = destinationList('d', []);
    const issues: SchemaIssue[] = [];
    expect(schema.validate(['10.0.0.0/8:443', 'bad entry', 7], ['egress', 'allow'], issues)).toBeUndefined();
    expect(issues).toEqual([
      { path: ['egress', 'allow', 1], message: expect.stringContaining('"bad entry"') },
      { path: ['egress', 'allow', 2], message: 'expected a string, got number' },
    ]);
    expect(schema.validate(['10.0.0.0/8:443'], [], [])).toEqual(['10.0.0.0/8:443']);
  });
});

describe('egressPolicy (what a report may carry into a ruleset)', () => {
  it('refuses every value that is not a destination, naming it', () => {
    const problems = egressPolicy('linux', ['1.2.3.4:443', 'x" ; flush ruleset ; "', 5], ['10.0.0.53', '10.0.0.53\naccept']);
    expect(problems).toEqual([
      expect.stringContaining('allow entry "x\\" ; flush ruleset ; \\""'),
      expect.stringContaining('allow entry 5: not a string'),
      expect.stringContaining('resolver "10.0.0.53\\naccept"'),
    ]);
    expect(egressPolicy('beos' as never, [], [])).toEqual([expect.stringContaining('platform "beos"')]);
  });

  it('groups address entries by family, protocol and port; host names stay apart; no resolvers means private ranges', () => {
    const policy = egressPolicy('linux', ['10.20.30.0/24:443', '203.0.113.7:443', '2001:db8::/32', 'api.example.com:443', '198.51.100.1/udp'], []);
    if (Array.isArray(policy)) throw new Error(policy.join());
    expect(policy.groups).toEqual([
      { family: 'ipv6', addresses: ['2001:db8::/32'] },
      { family: 'ipv4', protocol: 'tcp', port: 443, addresses: ['10.20.30.0/24', '203.0.113.7'] },
      { family: 'ipv4', protocol: 'udp', addresses: ['198.51.100.1'] },
    ]);
    expect(policy.hosts.map((host) => host.text)).toEqual(['api.example.com:443']);
    expect(policy.resolversGiven).toBe(false);
    expect(policy.dns.ipv4).toContain('192.168.0.0/16');
    expect(policy.dns.ipv6).toEqual(['fc00::/7', 'fe80::/10']);
  });
});
