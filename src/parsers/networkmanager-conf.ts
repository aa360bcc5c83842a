import { ipFamily } from '../network/ip.js';
import { iniValue, parseIni } from './ini.js';

// NetworkManager.conf(5) and conf.d/*.conf: `[main] dns=` says who writes resolv.conf (default, dnsmasq,
// systemd-resolved, none); `[global-dns-domain-*] servers=` sets resolvers for every connection;
// `[connection] connection.dns-over-tls=` is a default for every connection. Keyfiles in
// system-connections/*.nmconnection carry static `[ipv4] dns=` / `[ipv6] dns=` lists (`;` separated).
// Section names are matched exactly, as NetworkManager does: a misspelt `[connetion]` is ignored.

export interface NmValue {
  value: string;
  path: string;
  line: number;
}

export interface NmServer {
  address: string;
  path: string;
  line: number;
}

export interface NmConfFile {
  path: string;
  dnsMode?: NmValue;
  rcManager?: NmValue;
  dnsOverTls?: NmValue;
  globalServers: NmServer[];
}

export interface NmConnection {
  path: string;
  id?: string;
  servers: NmServer[];
  /** ignore-auto-dns=true: DHCP-provided resolvers are not used. */
  ignoreAutoDns: boolean;
  invalid: { line: number; text: string }[];
}

function serversOf(value: string, path: string, line: number, invalid: { line: number; text: string }[]): NmServer[] {
  return value
    .split(/[;,\s]+/)
    .filter(Boolean)
    .flatMap((address) => {
      if (ipFamily(address)) return [{ address, path, line }];
      invalid.push({ line, text: address });
      return [];
    });
}

export function parseNetworkManagerConf(path: string, text: string): NmConfFile {
  const doc = parseIni(text);
  const file: NmConfFile = { path, globalServers: [] };
  const ignored: { line: number; text: string }[] = [];
  for (const section of doc.sections) {
    if (section.name === 'main') {
      const dns = iniValue(section, 'dns');
      if (dns) file.dnsMode = { value: dns.value, path, line: dns.line };
      const rc = iniValue(section, 'rc-manager');
      if (rc) file.rcManager = { value: rc.value, path, line: rc.line };
    } else if (section.name === 'connection' || section.name.startsWith('connection-')) {
      const dot = iniValue(section, 'connection.dns-over-tls');
      if (dot) file.dnsOverTls = { value: dot.value, path, line: dot.line };
    } else if (section.name.startsWith('global-dns-domain-')) {
      const servers = iniValue(section, 'servers');
      if (servers) file.globalServers.push(...serversOf(servers.value, path, servers.line, ignored));
    }
  }
  return file;
}

export function parseNmConnection(path: string, text: string): NmConnection {
  const doc = parseIni(text);
  const connection: NmConnection = { path, servers: [], ignoreAutoDns: false, invalid: [] };
  for (const section of doc.sections) {
    if (section.name === 'connection') {
      const id = iniValue(section, 'id');
      if (id) connection.id = id.value;
    }
    if (section.name !== 'ipv4' && section.name !== 'ipv6') continue;
    const dns = iniValue(section, 'dns');
    if (dns) connection.servers.push(...serversOf(dns.value, path, dns.line, connection.invalid));
    if (/^(true|yes|1)$/i.test(iniValue(section, 'ignore-auto-dns')?.value ?? '')) connection.ignoreAutoDns = true;
  }
  return connection;
}

/** NetworkManager's connection.dns-over-tls: -1 default, 0 no, 1 opportunistic, 2 yes (names accepted too). */
export function nmDnsOverTls(value: string): 'yes' | 'no' | 'opportunistic' | 'default' | undefined {
  const v = value.trim().toLowerCase();
  if (['2', 'yes', 'true', 'on'].includes(v)) return 'yes';
  if (['0', 'no', 'false', 'off'].includes(v)) return 'no';
  if (['1', 'opportunistic'].includes(v)) return 'opportunistic';
  if (['-1', 'default'].includes(v)) return 'default';
  return undefined;
}
