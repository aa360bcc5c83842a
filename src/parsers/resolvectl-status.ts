import { splitLines } from '../util/text-lines.js';
import { parseDnsServer, type DnsServerEntry } from './resolved-conf.js';

// `resolvectl status` (systemd 246+): a `Global` block and one `Link N (name)` block per interface, each
// with right-aligned `Key: value` lines; long server lists wrap onto indented lines without a key.
// `Protocols:` carries `+DNSOverTLS`, `-DNSOverTLS` or `DNSOverTLS=opportunistic`.

export interface ResolvectlScope {
  /** `Global` or the link name (`eth0`). */
  name: string;
  servers: DnsServerEntry[];
  fallback: DnsServerEntry[];
  /** Present when the output had a `Fallback DNS Servers:` line. */
  hasFallbackLine: boolean;
  dnsOverTls?: 'yes' | 'no' | 'opportunistic';
  domains: string[];
  defaultRoute?: boolean;
}

export interface ResolvectlStatus {
  scopes: ResolvectlScope[];
  resolvConfMode?: string;
}

export function parseResolvectlStatus(text: string): ResolvectlStatus {
  const status: ResolvectlStatus = { scopes: [] };
  let scope: ResolvectlScope | undefined;
  let lastKey = '';
  for (const raw of splitLines(text)) {
    const header = /^(Global|Link \d+ \(([^)]*)\))\s*$/.exec(raw.trim());
    if (header) {
      scope = { name: header[2] ?? 'Global', servers: [], fallback: [], hasFallbackLine: false, domains: [] };
      status.scopes.push(scope);
      lastKey = '';
      continue;
    }
    if (!scope) continue;
    const pair = /^\s*([A-Za-z][A-Za-z .]*?):\s*(.*)$/.exec(raw);
    let key: string;
    let value: string;
    if (pair && !/^\s*[\d[]/.test(raw.trim()) && !/^[0-9a-f:]+$/i.test(pair[1] as string)) {
      key = pair[1] as string;
      value = pair[2] as string;
      lastKey = key;
    } else {
      key = lastKey;
      value = raw.trim();
    }
    const words = value.split(/\s+/).filter(Boolean);
    const servers = () => words.flatMap((word) => parseDnsServer(word) ?? []);
    if (key === 'DNS Servers') scope.servers.push(...servers());
    else if (key === 'Fallback DNS Servers') {
      scope.hasFallbackLine = true;
      scope.fallback.push(...servers());
    } else if (key === 'DNS Domain') scope.domains.push(...words);
    else if (key === 'resolv.conf mode') status.resolvConfMode = value;
    else if (key === 'Protocols') {
      for (const word of words) {
        if (word === '+DNSOverTLS') scope.dnsOverTls = 'yes';
        else if (word === '-DNSOverTLS') scope.dnsOverTls = 'no';
        else if (/^DNSOverTLS=/.test(word)) scope.dnsOverTls = word.endsWith('=opportunistic') ? 'opportunistic' : word.endsWith('=yes') ? 'yes' : 'no';
        else if (word === '+DefaultRoute') scope.defaultRoute = true;
        else if (word === '-DefaultRoute') scope.defaultRoute = false;
      }
    }
  }
  return status;
}
