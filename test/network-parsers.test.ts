// The network parsers on every real file of their kind in ../shared/corpus (dns/, macos/, windows/,
// claude/): none throws, each keeps its lines, and a few files are held to concrete facts. Then the same
// files go through the collectors and checks on a recorded endpoint: no check errors on real input.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { endpoint } from '../checks/scenario-kit.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import { runChecks } from '../src/engine/runner.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { parseClaudeSettingsEnv } from '../src/parsers/claude-settings.js';
import { nmDnsOverTls, parseNetworkManagerConf } from '../src/parsers/networkmanager-conf.js';
import { parsePlistXml, plistEntry } from '../src/parsers/plist-xml.js';
import { parseResolvConf } from '../src/parsers/resolv-conf.js';
import { dnsOverTlsMode, mergeResolved, parseDnsServer, parseResolvedFile } from '../src/parsers/resolved-conf.js';
import { parseResolvectlStatus } from '../src/parsers/resolvectl-status.js';
import { parseScutilDictionary, parseScutilDns, scutilProxy } from '../src/parsers/scutil.js';
import { parseShellExports, parsePamEnvironment, parseSystemdEnvironment } from '../src/parsers/shell-env.js';
import { parseDnsClientServers, parseNetshWinhttp } from '../src/parsers/windows-network.js';
import { splitLines } from '../src/util/text-lines.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const files = (kind: string) => readdirSync(path.join(CORPUS, kind)).sort();
const read = (kind: string, name: string) => readFileSync(path.join(CORPUS, kind, name), 'utf8');

type DnsKind = 'resolv.conf' | 'resolved.conf' | 'NetworkManager';
function dnsKind(name: string): DnsKind {
  if (/resolved\.conf/.test(name)) return 'resolved.conf';
  if (/networkmanager/i.test(name)) return 'NetworkManager';
  if (/resolv\.conf/.test(name)) return 'resolv.conf';
  throw new Error(`unclassified corpus file dns/${name}`);
}

describe('dns corpus', () => {
  const names = files('dns');

  it('has 14 files, each of a kind a parser reads', () => {
    expect(names).toHaveLength(14);
    const kinds = names.map(dnsKind);
    expect(kinds.filter((kind) => kind === 'resolv.conf')).toHaveLength(3);
    expect(kinds.filter((kind) => kind === 'resolved.conf')).toHaveLength(8);
    expect(kinds.filter((kind) => kind === 'NetworkManager')).toHaveLength(3);
  });

  it.each(names)('%s parses, and every value points at its own line', (name) => {
    const text = read('dns', name);
    const lines = splitLines(text);
    const kind = dnsKind(name);
    if (kind === 'resolv.conf') {
      const conf = parseResolvConf(text);
      for (const server of conf.nameservers) expect(lines[server.line - 1]).toMatch(new RegExp(`^nameserver\\s+${server.address.replace(/[.]/g, '\\.')}`));
      expect(conf.invalid).toEqual([]);
    } else if (kind === 'resolved.conf') {
      const file = parseResolvedFile(`/etc/systemd/${name}`, text);
      expect(file.entries.length).toBeGreaterThan(0);
      for (const entry of file.entries) expect(lines[entry.line - 1]?.trimStart().startsWith(entry.key)).toBe(true);
      expect(file.invalid).toEqual([]);
    } else {
      const conf = parseNetworkManagerConf(`/etc/NetworkManager/${name}`, text);
      expect(conf.dnsMode).toBeDefined();
      expect(lines[(conf.dnsMode?.line ?? 0) - 1]).toMatch(/^dns\s*=/);
    }
  });

  it('resolv.conf: search before nameserver, an IPv6 server with options, a commented-out server left out', () => {
    expect(parseResolvConf(read('dns', 'efforg-openwireless-resolv.conf-search-first'))).toEqual({ nameservers: [{ address: '127.0.0.1', line: 2 }], search: ['home.lan'], options: [], invalid: [] });
    expect(parseResolvConf(read('dns', 'grapheneos-resolv.conf-ipv6-trust-ad'))).toMatchObject({ nameservers: [{ address: '::1', line: 1 }], options: ['edns0', 'trust-ad'] });
    const mikaela = parseResolvConf(read('dns', 'mikaela-resolv.conf-commented-search-dot'));
    expect(mikaela.nameservers).toEqual([
      { address: '::1', line: 21 },
      { address: '127.0.0.1', line: 22 },
      { address: '127.0.0.53', line: 25 },
    ]);
    expect(mikaela.search).toEqual(['.']);
    expect(mikaela.options).toEqual(['timeout:1', 'attempts:5', 'rotate', 'edns0', 'trust-ad']);
  });

  it('resolved.conf: lists accumulate, an empty assignment resets, `Key = Value` with spaces, ip#sni and [v6]:port#sni', () => {
    const cstallar = mergeResolved([parseResolvedFile('/etc/systemd/resolved.conf', read('dns', 'cstallar-resolved.conf-multi-dns'))]);
    expect(cstallar.dns?.servers.map((server) => [server.address, server.line])).toEqual([['127.0.1.1', 15], ['1.1.1.1', 15]]);
    expect(cstallar.fallbackDns?.servers.map((server) => server.address)).toEqual(['1.0.0.1']);

    const spaced = mergeResolved([parseResolvedFile('/etc/systemd/resolved.conf', read('dns', 'idigitalflame-resolved.conf-spaced-keys'))]);
    expect(spaced.dnsOverTls).toEqual({ value: 'opportunistic', path: '/etc/systemd/resolved.conf', line: 41 });
    expect(spaced.fallbackDns?.servers.map((server) => [server.address, server.line])).toEqual([['127.0.0.1', 42]]);
    expect(spaced.dns).toBeUndefined();

    const resets = mergeResolved([parseResolvedFile('/etc/systemd/resolved.conf.d/00-defaults.conf', read('dns', 'mikaela-resolved.conf.d-00-defaults-empty-resets.conf'))]);
    expect(resets.dns?.servers.map((server) => [server.address, server.line])).toEqual([['::1', 16], ['127.0.0.1', 17]]);
    expect(resets.fallbackDns?.servers.map((server) => [server.address, server.line])).toEqual([['::1', 19], ['127.0.0.1', 20]]);
    expect(dnsOverTlsMode(resets.dnsOverTls?.value ?? '')).toBe('opportunistic');
    expect(resets.domains?.value).toBe('~.');

    const brackets = parseResolvedFile('/x.conf', read('dns', 'mikaela-resolved.conf.d-dot-ipv6-brackets.conf'));
    const merged = mergeResolved([brackets]);
    expect(merged.dns?.servers.map(({ address, port, sni }) => ({ address, port, sni }))).toEqual([
      { address: '2a02:1b8:10:234::2', port: 853, sni: 'dot1.applied-privacy.net' },
      { address: '146.255.56.98', port: 853, sni: 'dot1.applied-privacy.net' },
      { address: '2a02:1b8:10:234::2', port: 443, sni: 'dot1.applied-privacy.net' },
      { address: '146.255.56.98', port: 443, sni: 'dot1.applied-privacy.net' },
    ]);
    expect(dnsOverTlsMode(merged.dnsOverTls?.value ?? '')).toBe('yes');

    const quad9 = mergeResolved([parseResolvedFile('/x.conf', read('dns', 'mikaela-resolved.conf.d-dot-quad9-sni-ports.conf'))]);
    // Four DNS= lines are commented out; two count, four servers each.
    expect(quad9.dns?.servers.map((server) => server.text)).toEqual([
      '149.112.112.11#dns11.quad9.net', '9.9.9.11#dns11.quad9.net', '149.112.112.11:8853#dns11.quad9.net', '9.9.9.11:8853#dns11.quad9.net',
      '2620:fe::11#dns11.quad9.net', '2620:fe::fe:11#dns11.quad9.net', '[2620:fe::11]:8853#dns11.quad9.net', '[2620:fe::fe:11]:8853#dns11.quad9.net',
    ]);
    expect(quad9.dns?.servers.map((server) => server.line)).toEqual([12, 12, 12, 12, 13, 13, 13, 13]);

    const prismos = mergeResolved([parseResolvedFile('/usr/lib/systemd/resolved.conf', read('dns', 'prismos-resolved.conf-fallback-sni-ipv6'))]);
    expect(prismos.fallbackDns?.servers.map((server) => server.address)).toEqual(['1.1.1.1', '2606:4700:4700::1111']);
    expect(prismos.dns).toEqual({ servers: [], path: '/usr/lib/systemd/resolved.conf', line: 21 });

    const empty = mergeResolved([parseResolvedFile('/etc/systemd/resolved.conf', read('dns', 'pyamsoft-resolved.conf-empty-fallback'))]);
    expect(empty.fallbackDns).toEqual({ servers: [], path: '/etc/systemd/resolved.conf', line: 22 });
    expect(empty.dns?.servers.map((server) => server.address)).toEqual(['193.138.218.74']);
    expect(dnsOverTlsMode(empty.dnsOverTls?.value ?? '')).toBe('no');

    expect(mergeResolved([parseResolvedFile('/x', read('dns', 'maximbaz-resolved.conf.d-global.conf'))]).dns?.servers.map((server) => server.address)).toEqual(['94.140.14.14', '94.140.15.15']);
  });

  it('resolved.conf: the main file, then drop-ins in order (a later empty FallbackDNS= wins)', () => {
    const config = mergeResolved([
      parseResolvedFile('/etc/systemd/resolved.conf', read('dns', 'cstallar-resolved.conf-multi-dns')),
      parseResolvedFile('/etc/systemd/resolved.conf.d/00-defaults.conf', read('dns', 'mikaela-resolved.conf.d-00-defaults-empty-resets.conf')),
      parseResolvedFile('/etc/systemd/resolved.conf.d/global.conf', read('dns', 'maximbaz-resolved.conf.d-global.conf')),
    ]);
    expect(config.dns?.servers.map((server) => `${server.address}@${path.basename(server.path)}:${server.line}`)).toEqual(['::1@00-defaults.conf:16', '127.0.0.1@00-defaults.conf:17', '94.140.14.14@global.conf:2', '94.140.15.15@global.conf:2']);
    expect(config.fallbackDns?.servers.map((server) => server.address)).toEqual(['::1', '127.0.0.1']);
  });

  it('NetworkManager: aligned keys, dns=none, and a misspelt [connetion] section that NetworkManager ignores', () => {
    const aligned = parseNetworkManagerConf('/nm.conf', read('dns', 'idigitalflame-NetworkManager.conf-aligned'));
    expect(aligned.dnsMode).toEqual({ value: 'systemd-resolved', path: '/nm.conf', line: 38 });
    expect(nmDnsOverTls(aligned.dnsOverTls?.value ?? '')).toBe('no');
    const typo = parseNetworkManagerConf('/nm.conf', read('dns', 'mikaela-networkmanager-systemd-resolved-typo-section.conf'));
    expect(typo.dnsMode).toMatchObject({ value: 'systemd-resolved', line: 3 });
    expect(typo.rcManager).toMatchObject({ value: 'none', line: 6 });
    expect(typo.dnsOverTls).toBeUndefined();
    expect(parseNetworkManagerConf('/nm.conf', read('dns', 'pyamsoft-networkmanager-dns-none.conf')).dnsMode).toMatchObject({ value: 'none', line: 3 });
  });

  it.each(names)('%s through the collectors and the DNS checks on a recorded endpoint: a result, never an error', async (name) => {
    const kind = dnsKind(name);
    const target = kind === 'resolv.conf' ? '/etc/resolv.conf' : kind === 'resolved.conf' ? '/etc/systemd/resolved.conf' : '/etc/NetworkManager/NetworkManager.conf';
    const files: Record<string, { content: string } | { target: string }> = { [target]: { content: read('dns', name) } };
    if (kind !== 'resolv.conf') files['/etc/resolv.conf'] = { content: 'nameserver 127.0.0.53\n' };
    const host = new ReplayHost(endpoint('linux', files));
    const checks = BUILTIN_CHECKS.filter((check) => check.meta.id.startsWith('network.dns-')).map((check) => ({ check, severity: check.meta.severity, params: defaultsOf(check.params) }));
    const { results } = await runChecks({ host, checks });
    for (const result of results) {
      expect(result.status, `${result.checkId}: ${result.message}`).not.toBe('error');
      expect(['pass', 'fail', 'skipped']).toContain(result.status);
    }
  });
});

describe('macos corpus', () => {
  const names = files('macos');
  const proxies = names.filter((name) => name.includes('scutil-proxy'));
  const dns = names.filter((name) => name.includes('scutil-dns'));

  it('has three scutil --proxy and two scutil --dns outputs (the alf globalstate file is no network evidence)', () => {
    expect(proxies).toHaveLength(3);
    expect(dns).toHaveLength(2);
    expect(names.filter((name) => !proxies.includes(name) && !dns.includes(name))).toEqual(['fusioninventory-defaults-read-alf-globalstate.txt']);
  });

  it.each(proxies)('%s parses as a dictionary', (name) => {
    const parsed = parseScutilDictionary(read('macos', name));
    expect(parsed.error).toBeUndefined();
    expect(parsed.root?.kind).toBe('dictionary');
  });

  it('scutil --proxy: Privoxy HTTP only; default exceptions only (CRLF); HTTP and HTTPS enabled (CRLF, no final newline)', () => {
    const proxy = (name: string) => {
      const root = parseScutilDictionary(read('macos', name)).root;
      if (!root) throw new Error(name);
      return scutilProxy(root);
    };
    expect(proxy('drduh-guide-scutil-proxy-privoxy-http-only.txt')).toEqual({
      http: { host: '127.0.0.1', port: 8118, line: 9 },
      autoDiscovery: false,
      exceptions: [{ value: '*.local', line: 3 }, { value: '169.254/16', line: 4 }],
      excludeSimpleHostnames: false,
    });
    const none = proxy('icedtea-web-scutil-proxy-default-exceptions.txt');
    expect(none.http ?? none.https ?? none.pac).toBeUndefined();
    expect(none.exceptions.map((item) => item.value)).toEqual(['*.local', '169.254/16']);
    expect(proxy('icedtea-web-scutil-proxy-http-https-enabled.txt')).toMatchObject({ http: { host: 'example.proxy', port: 80, line: 4 }, https: { host: 'example.https.proxy', port: 88, line: 7 } });
  });

  it('scutil dictionaries that are cut, unbalanced or not dictionaries at all are errors with a line', () => {
    expect(parseScutilDictionary('<dictionary> {\n  HTTPEnable : 1\n}\n}\n').error).toEqual({ line: 4, message: 'unbalanced "}"' });
    expect(parseScutilDictionary('<dictionary> {\n  ExceptionsList : <array> {\n    0 : *.local\n').error).toEqual({ line: 3, message: 'the output ends inside a <dictionary> or <array>' });
    expect(parseScutilDictionary('HTTPEnable : 1\n').error).toEqual({ line: 1, message: 'not a scutil dictionary line: "HTTPEnable : 1"' });
    expect(parseScutilDictionary('').error).toEqual({ line: 1, message: 'no <dictionary> in the output' });
  });

  it.each(dns)('%s parses into resolvers', (name) => {
    const parsed = parseScutilDns(read('macos', name));
    expect(parsed.invalid).toEqual([]);
    expect(parsed.resolvers.length).toBeGreaterThan(0);
  });

  it('scutil --dns: a dnsmasq head, and the 10.8 format with ppp0 and scoped queries', () => {
    expect(parseScutilDns(read('macos', 'drduh-guide-scutil-dns-head-dnsmasq.txt')).resolvers).toEqual([
      { index: 1, line: 3, scoped: false, nameservers: [{ address: '127.0.0.1', line: 5 }], searchDomains: ['whatever'], options: [] },
    ]);
    const old = parseScutilDns(read('macos', 'lj020326-scutil-dns-wlan-ppp0-scoped.txt'));
    const main = old.resolvers.filter((resolver) => !resolver.scoped);
    const scoped = old.resolvers.filter((resolver) => resolver.scoped);
    expect(main).toHaveLength(8);
    expect(main[0]).toMatchObject({ nameservers: [{ address: '192.168.80.10', line: 2 }, { address: '192.168.80.24', line: 3 }], interfaceName: 'ppp0' });
    expect(main[2]).toMatchObject({ domain: 'local', options: ['mdns'], nameservers: [] });
    expect(scoped.map((resolver) => [resolver.interfaceName, resolver.nameservers.map((server) => server.address)])).toEqual([
      ['en0', ['192.168.1.1']],
      ['ppp0', ['192.168.80.10', '192.168.80.24']],
    ]);
  });
});

describe('windows corpus', () => {
  it('netsh winhttp show proxy: the recorded proxy, and "(none)" as no bypass list', () => {
    const netsh = files('windows').filter((name) => name.includes('netsh-winhttp'));
    expect(netsh).toEqual(['rapid7-netsh-winhttp-proxy-set-output.txt']);
    expect(parseNetshWinhttp(read('windows', netsh[0] as string))).toEqual({ direct: false, server: { value: 'testProxy:8999', line: 3 } });
  });

  it('the other Windows files are firewall evidence, not network-proxy evidence, and do not read as a proxy', () => {
    for (const name of files('windows').filter((item) => !item.includes('netsh-winhttp'))) {
      const text = readFileSync(path.join(CORPUS, 'windows', name)).toString(name.endsWith('.reg') ? 'utf16le' : 'utf8');
      expect(() => parseNetshWinhttp(text)).not.toThrow();
      expect(parseDnsClientServers(text).error, name).toBeDefined();
    }
  });

  it('netsh: direct access, and a localised output read by position', () => {
    expect(parseNetshWinhttp('\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n')).toEqual({ direct: true });
    expect(parseNetshWinhttp('Aktuelle WinHTTP-Proxyeinstellungen:\n\n    Proxyserver   :  proxy:8080\n    Umgehungsliste     :  <local>\n')).toEqual({ direct: false, server: { value: 'proxy:8080', line: 3 }, bypass: { value: '<local>', line: 4 } });
    expect(parseNetshWinhttp('Access is denied.\n')).toEqual({ error: expect.stringContaining('neither') });
  });

  it('Get-DnsClientServerAddress JSON: one object or an array, AddressFamily as a number or a name', () => {
    expect(parseDnsClientServers('{"InterfaceAlias":"Wi-Fi","InterfaceIndex":7,"AddressFamily":23,"ServerAddresses":["fd00::1"]}').interfaces).toEqual([{ interfaceAlias: 'Wi-Fi', interfaceIndex: 7, family: 'IPv6', servers: ['fd00::1'] }]);
    expect(parseDnsClientServers('[{"InterfaceAlias":"Ethernet","AddressFamily":"IPv4","ServerAddresses":"10.0.0.1"}]').interfaces).toEqual([{ interfaceAlias: 'Ethernet', family: 'IPv4', servers: ['10.0.0.1'] }]);
    expect(parseDnsClientServers('').interfaces).toEqual([]);
    expect(parseDnsClientServers('{"InterfaceAlias":"x","ServerAddresses":["dns.example"]}').error).toMatch(/not an IP address/);
  });
});

describe('claude corpus: the env of settings files', () => {
  const names = files('claude');

  it.each(names)('%s: env is read with its lines, no exception', (name) => {
    const text = read('claude', name);
    const parsed = parseClaudeSettingsEnv(text);
    const lines = splitLines(text);
    for (const entry of parsed.env) expect(lines[entry.line - 1]).toContain(`"${entry.name}"`);
  });

  it('string and numeric env values (no final newline), JSONC comments, and files without env', () => {
    expect(parseClaudeSettingsEnv(read('claude', 'dhiller-container-managed-settings-env-telemetry.json')).env.map((entry) => [entry.name, entry.value, entry.line])).toEqual([
      ['DISABLE_TELEMETRY', '1', 3],
      ['DISABLE_ERROR_REPORTING', '1', 4],
      ['DISABLE_FEEDBACK_COMMAND', '1', 5],
      ['CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY', '1', 6],
      ['CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS', '0', 7],
    ]);
    expect(parseClaudeSettingsEnv(read('claude', 'simcap-managed-settings-numeric-env-no-eol.json'))).toEqual({ env: [{ name: 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', value: '1', line: 3 }] });
    expect(parseClaudeSettingsEnv(read('claude', 'zed-settings-jsonc-comments.json')).error).toBeUndefined();
    expect(parseClaudeSettingsEnv(read('claude', 'adamrupe-managed-settings-test-malformed-rule.json'))).toEqual({ env: [] });
    expect(parseClaudeSettingsEnv(read('claude', 'trailofbits-stdio-and-http.mcp.json'))).toEqual({ env: [] });
  });

  it('invalid JSON is an error with its line, and what came before it still counts', () => {
    expect(parseClaudeSettingsEnv('{\n  "env": { "HTTPS_PROXY": "http://p:3128" }\n  "x": 1\n}')).toEqual({ env: [{ name: 'HTTPS_PROXY', value: 'http://p:3128', line: 2 }], error: 'invalid JSON at line 3: CommaExpected' });
    expect(parseClaudeSettingsEnv('[1]').error).toBe('the top level is not a JSON object');
  });
});

describe('environment files', () => {
  it('pam_env: quotes stripped, no expansion, an export prefix tolerated', () => {
    expect(parsePamEnvironment('PATH="/usr/bin"\n# c\nexport https_proxy=http://p:3128\nNO_PROXY=$no_proxy\nbroken line\n').assignments).toEqual([
      { name: 'PATH', value: '/usr/bin', line: 1 },
      { name: 'https_proxy', value: 'http://p:3128', line: 3 },
      { name: 'NO_PROXY', value: '$no_proxy', line: 4 },
    ]);
  });

  it('shell: export forms, expansion from earlier lines and the inherited session, commands left alone', () => {
    const parsed = parseShellExports(
      'P=http://proxy:3128\nexport http_proxy="$P" https_proxy=${P}\nA=1 some-command\nif [ -n "$x" ]; then export NO_PROXY="${no_proxy},.corp"; fi\ndeclare -x ALL_PROXY=\'socks5://s:1080\' # comment\n',
      { no_proxy: 'localhost' },
    );
    expect(parsed.assignments.map((item) => [item.name, item.value, item.line])).toEqual([
      ['P', 'http://proxy:3128', 1],
      ['http_proxy', 'http://proxy:3128', 2],
      ['https_proxy', 'http://proxy:3128', 2],
      ['NO_PROXY', 'localhost,.corp', 4],
      ['ALL_PROXY', 'socks5://s:1080', 5],
    ]);
    expect(parseShellExports('export A="unterminated\nexport B=2\n')).toEqual({ assignments: [{ name: 'B', value: '2', line: 2 }], error: { line: 1, message: 'unterminated quote' } });
  });

  it('systemd DefaultEnvironment: quoted words, as systemctl show prints them too', () => {
    expect(parseSystemdEnvironment('"https_proxy=http://p:3128" NO_PROXY=localhost "X=a b"', 4)).toEqual([
      { name: 'https_proxy', value: 'http://p:3128', line: 4 },
      { name: 'NO_PROXY', value: 'localhost', line: 4 },
      { name: 'X', value: 'a b', line: 4 },
    ]);
  });
});

describe('resolvectl status and XML plists', () => {
  it('resolvectl: global and per-link servers, wrapped lines, IPv6 continuation, fallback and DNS over TLS', () => {
    const status = parseResolvectlStatus(
      'Global\n           Protocols: -LLMNR -mDNS DNSOverTLS=opportunistic DNSSEC=no/unsupported\n    resolv.conf mode: stub\nFallback DNS Servers: 1.1.1.1#cloudflare-dns.com\n                      abcd::1\n\nLink 3 (wlan0)\n    Current Scopes: DNS\n         Protocols: +DefaultRoute -DNSOverTLS\n       DNS Servers: 192.168.1.135 192.168.1.150\n                    fe80::1%wlan0\n        DNS Domain: home\n',
    );
    expect(status.resolvConfMode).toBe('stub');
    expect(status.scopes.map((scope) => ({ name: scope.name, servers: scope.servers.map((server) => server.address), fallback: scope.fallback.map((server) => server.address), dot: scope.dnsOverTls }))).toEqual([
      { name: 'Global', servers: [], fallback: ['1.1.1.1', 'abcd::1'], dot: 'opportunistic' },
      { name: 'wlan0', servers: ['192.168.1.135', '192.168.1.150', 'fe80::1'], fallback: [], dot: 'no' },
    ]);
    expect(parseDnsServer('fe80::1%wlan0')).toEqual({ text: 'fe80::1%wlan0', address: 'fe80::1', iface: 'wlan0' });
  });

  it('plist: nested dicts with key lines, entities, self-closing values; binary and broken plists are errors with a line', () => {
    const parsed = parsePlistXml('<?xml version="1.0"?>\n<!DOCTYPE plist>\n<plist version="1.0">\n<dict>\n  <key>A &amp; B</key>\n  <string>x &lt; y</string>\n  <key>N</key>\n  <integer>2</integer>\n  <key>D</key>\n  <dict><key>Locked</key><true/><key>E</key><string/></dict>\n</dict>\n</plist>\n');
    expect(parsed.error).toBeUndefined();
    expect(plistEntry(parsed.root, 'A & B')).toMatchObject({ line: 5, value: { type: 'string', value: 'x < y' } });
    expect(plistEntry(parsed.root, 'N')).toMatchObject({ value: { type: 'integer', value: 2 } });
    expect(plistEntry(plistEntry(parsed.root, 'D')?.value, 'Locked')).toMatchObject({ line: 10, value: { type: 'boolean', value: true } });
    expect(parsePlistXml('bplist00\u0000').error).toMatch(/binary property list/);
    expect(parsePlistXml('<plist>\n<dict>\n  <key>A</key>\n  <string>x</strin>\n</dict>\n</plist>').error).toMatch(/^line 4: /);
    expect(parsePlistXml('<plist>\n<dict>\n  <string>no key</string>\n</dict>\n</plist>').error).toMatch(/^line 3: expected <key>/);
  });
});
