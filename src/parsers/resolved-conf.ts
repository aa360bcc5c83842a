import { ipFamily } from '../network/ip.js';
import { parseIni } from './ini.js';

// systemd-resolved's resolved.conf(5), main file and drop-ins, read with the lenient INI reader. In
// [Resolve], `DNS=` and `FallbackDNS=` are lists: each assignment adds to the list, an empty assignment
// empties it. Entries are `ADDR[:PORT][%IFACE][#SNI]`, IPv6 with a port in brackets: `[::1]:853#sni`.

export interface DnsServerEntry {
  /** As written: `1.1.1.1#one.one.one.one`. */
  text: string;
  address: string;
  port?: number;
  iface?: string;
  sni?: string;
}

export interface ResolvedSetting {
  value: string;
  path: string;
  line: number;
}

export interface ResolvedList {
  servers: (DnsServerEntry & { path: string; line: number })[];
  /** Where the list was last emptied or set: what a finding points at when the list is empty. */
  path: string;
  line: number;
}

export interface ResolvedFile {
  path: string;
  /** `[Resolve]` entries in file order. */
  entries: { key: string; value: string; line: number }[];
  /** Entries that are not valid server addresses, with their line. */
  invalid: { line: number; text: string }[];
}

/** Parses one `ADDR[:PORT][%IFACE][#SNI]` entry; undefined when the address part is no IP address. */
export function parseDnsServer(text: string): DnsServerEntry | undefined {
  let rest = text;
  let sni: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    sni = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let address: string;
  let port: number | undefined;
  let iface: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?(?:%(.+))?$/.exec(rest);
  if (bracket) {
    address = bracket[1] as string;
    if (bracket[2]) port = Number(bracket[2]);
    iface = bracket[3];
  } else {
    const percent = rest.indexOf('%');
    if (percent >= 0) {
      iface = rest.slice(percent + 1);
      rest = rest.slice(0, percent);
    }
    const v4port = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(rest);
    if (v4port) {
      address = v4port[1] as string;
      port = Number(v4port[2]);
    } else {
      address = rest;
    }
  }
  if (!ipFamily(address) || (port !== undefined && (port < 1 || port > 65535))) return undefined;
  return { text, address, ...(port !== undefined ? { port } : {}), ...(iface ? { iface } : {}), ...(sni ? { sni } : {}) };
}

export function parseResolvedFile(path: string, text: string): ResolvedFile {
  const doc = parseIni(text);
  const file: ResolvedFile = { path, entries: [], invalid: [] };
  for (const section of doc.sections) {
    if (section.name !== 'Resolve') continue;
    for (const key of section.keys) {
      file.entries.push({ key: key.name, value: key.value, line: key.line });
      if (key.name === 'DNS' || key.name === 'FallbackDNS') {
        for (const word of key.value.split(/\s+/).filter(Boolean)) {
          if (!parseDnsServer(word)) file.invalid.push({ line: key.line, text: word });
        }
      }
    }
  }
  return file;
}

export interface ResolvedConfig {
  /** Files in the order resolved applies them. */
  files: ResolvedFile[];
  /** undefined: never assigned (DNS: only per-link servers; FallbackDNS: the compiled-in list). */
  dns?: ResolvedList;
  fallbackDns?: ResolvedList;
  dnsOverTls?: ResolvedSetting;
  domains?: ResolvedSetting;
}

/** Applies the files in order: list settings accumulate and reset on an empty value, others take the last. */
export function mergeResolved(files: readonly ResolvedFile[]): ResolvedConfig {
  const config: ResolvedConfig = { files: [...files] };
  for (const file of files) {
    for (const entry of file.entries) {
      if (entry.key === 'DNS' || entry.key === 'FallbackDNS') {
        const field = entry.key === 'DNS' ? 'dns' : 'fallbackDns';
        const servers = entry.value
          .split(/\s+/)
          .filter(Boolean)
          .flatMap((word) => {
            const server = parseDnsServer(word);
            return server ? [{ ...server, path: file.path, line: entry.line }] : [];
          });
        const previous = config[field];
        config[field] = {
          servers: entry.value.trim() === '' ? [] : [...(previous?.servers ?? []), ...servers],
          path: file.path,
          line: entry.line,
        };
      } else if (entry.key === 'DNSOverTLS') {
        config.dnsOverTls = { value: entry.value, path: file.path, line: entry.line };
      } else if (entry.key === 'Domains') {
        config.domains = { value: entry.value, path: file.path, line: entry.line };
      }
    }
  }
  return config;
}

/** resolved's boolean-or-mode values: `yes|true|1|on`, `no|false|0|off`, `opportunistic`. */
export function dnsOverTlsMode(value: string): 'yes' | 'no' | 'opportunistic' | undefined {
  const v = value.trim().toLowerCase();
  if (['yes', 'true', '1', 'on', 'y', 't'].includes(v)) return 'yes';
  if (['no', 'false', '0', 'off', 'n', 'f', ''].includes(v)) return 'no';
  if (v === 'opportunistic') return 'opportunistic';
  return undefined;
}

/** Upstream systemd's compiled-in FallbackDNS (meson option dns-servers): Cloudflare, then Google. */
export const COMPILED_IN_FALLBACK_DNS = [
  '1.1.1.1#cloudflare-dns.com', '8.8.8.8#dns.google', '1.0.0.1#cloudflare-dns.com', '8.8.4.4#dns.google',
  '2606:4700:4700::1111#cloudflare-dns.com', '2001:4860:4860::8888#dns.google', '2606:4700:4700::1001#cloudflare-dns.com', '2001:4860:4860::8844#dns.google',
];

/** Where systemd looks for resolved.conf, highest priority first; the first main file found wins. */
export const RESOLVED_CONF_DIRS = ['/etc/systemd', '/run/systemd', '/usr/local/lib/systemd', '/usr/lib/systemd'];
