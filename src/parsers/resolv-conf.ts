import { ipFamily } from '../network/ip.js';
import { splitLines, stripBom } from '../util/text-lines.js';

// resolv.conf(5) as glibc reads it: `nameserver ADDR` (the first three count), `search`/`domain`,
// `options`; `#` and `;` start comments. glibc skips lines it does not understand, and so do we, but a
// `nameserver` line whose value is no IP address is kept as an error with its line.

export interface ResolvNameserver {
  address: string;
  line: number;
}

export interface ResolvConf {
  nameservers: ResolvNameserver[];
  search: string[];
  options: string[];
  /** `nameserver` lines that glibc ignores because the value is no address. */
  invalid: { line: number; text: string }[];
}

/** glibc uses at most this many nameservers (MAXNS). */
export const MAX_NAMESERVERS = 3;

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: [], invalid: [] };
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const [keyword, ...rest] = trimmed.replace(/\s[#;].*$/, '').split(/\s+/);
    if (keyword === 'nameserver') {
      const address = rest[0] ?? '';
      if (rest.length === 1 && ipFamily(address)) conf.nameservers.push({ address, line });
      else conf.invalid.push({ line, text: trimmed });
    } else if (keyword === 'search' || keyword === 'domain') {
      conf.search = rest;
    } else if (keyword === 'options') {
      conf.options.push(...rest);
    }
  });
  return conf;
}

/** systemd-resolved's stub listeners: resolv.conf naming one of these hands every query to resolved. */
export const RESOLVED_STUB_ADDRESSES = ['127.0.0.53', '127.0.0.54'];
