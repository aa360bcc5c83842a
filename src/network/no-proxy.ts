import { NON_PUBLIC_RANGES, parseCidr, rangeBits } from './ip.js';

// Bypass lists: NO_PROXY (comma separated; curl, Node and Go read `.example.com`, `example.com`,
// `*.example.com`, IPs and CIDRs), macOS ExceptionsList entries and Windows bypass lists (`;` separated,
// `*` wildcards, `<local>` for dotless names). What must not be there: `*` (nothing goes through the
// proxy) and entries that send a whole public suffix or public network around it.

/** Names that are not public suffixes although they have one label: local-only and reserved names. */
const LOCAL_NAMES = new Set(['localhost', 'local', 'localdomain', 'lan', 'home', 'internal', 'intranet', 'corp', 'private', 'test', 'example', 'invalid', 'arpa', 'home.arpa', 'in-addr.arpa', 'ip6.arpa', '<local>']);

/**
 * Public suffixes under which unrelated parties register names (a subset of the Public Suffix List: the
 * hosting and cloud suffixes seen in bypass lists, and second-level registries of country domains).
 */
const SHARED_SUFFIXES = new Set([
  'amazonaws.com', 'cloudfront.net', 'elasticbeanstalk.com', 'awsapprunner.com', 'azurewebsites.net', 'cloudapp.net', 'cloudapp.azure.com',
  'blob.core.windows.net', 'azureedge.net', 'azurestaticapps.net', 'trafficmanager.net', 'appspot.com', 'googleapis.com', 'googleusercontent.com',
  'run.app', 'web.app', 'firebaseapp.com', 'github.io', 'githubusercontent.com', 'gitlab.io', 'herokuapp.com', 'vercel.app', 'netlify.app',
  'pages.dev', 'workers.dev', 'ngrok.io', 'ngrok-free.app', 'ngrok.app', 'fly.dev', 'onrender.com', 'glitch.me', 'repl.co', 'trycloudflare.com',
  'duckdns.org', 'no-ip.org', 'dyndns.org', 'blogspot.com', 'wordpress.com', 'myshopify.com',
]);
const COUNTRY_SECOND_LEVEL = /^(?:co|com|net|org|gov|ac|edu|ltd|plc|or|ne|go|gob|nic|mil)\.[a-z]{2}$/;

export interface BypassEntry {
  /** As written. */
  text: string;
  /** Why this entry is too broad, or undefined when it is fine. */
  problem?: string;
}

/** Splits a bypass list on commas, semicolons and white space. */
export function splitBypassList(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** The domain part of an entry: `*.example.com`, `.example.com`, `example.com:443` -> `example.com`. */
function domainOf(entry: string): string {
  return entry
    .toLowerCase()
    .replace(/^\*?\.+/, '')
    .replace(/^\*+/, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');
}

/** Judges one entry; `allowed` are entries the baseline accepts as written (compared case-insensitively). */
export function judgeBypassEntry(text: string, allowed: ReadonlySet<string>): BypassEntry {
  const entry = text.trim();
  if (allowed.has(entry.toLowerCase())) return { text };
  if (/^\*+$/.test(entry) || entry === '*.*') return { text, problem: '`*` sends every destination around the proxy' };
  const cidr = parseCidr(entry.replace(/^\[|\]$/g, '')) ?? parseShortCidr(entry);
  if (cidr) {
    if (NON_PUBLIC_RANGES.covers(cidr)) return { text };
    const bits = rangeBits(cidr);
    if ((cidr.family === 'ipv4' && bits > 8) || (cidr.family === 'ipv6' && bits > 80)) {
      return { text, problem: `covers ${cidr.prefix === 0 ? 'every address' : 'a public address range'} (/${cidr.prefix})` };
    }
    return { text };
  }
  // Windows and macOS glob patterns with an address part (`10.*`, `192.168.*`): only a leading wildcard matters.
  if (/^[\d.*]+$/.test(entry) && entry.includes('*')) {
    const fixed = entry.split('.').filter((part) => part !== '*' && part !== '');
    if (fixed.length === 0) return { text, problem: '`*` sends every destination around the proxy' };
    return { text };
  }
  const domain = domainOf(entry);
  if (domain === '' ) return { text, problem: '`*` sends every destination around the proxy' };
  if (LOCAL_NAMES.has(domain) || LOCAL_NAMES.has(entry.toLowerCase())) return { text };
  // Not a host name (`$no_proxy` left unexpanded by pam_env): it matches no destination.
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(domain)) return { text };
  if (!domain.includes('.')) return { text, problem: `covers the public top-level domain .${domain}` };
  if (SHARED_SUFFIXES.has(domain) || COUNTRY_SECOND_LEVEL.test(domain)) return { text, problem: `covers the public suffix .${domain}, shared by unrelated sites` };
  return { text };
}

/** macOS writes IPv4 ranges without trailing zero octets: `169.254/16`. */
function parseShortCidr(entry: string) {
  const match = /^(\d{1,3}(?:\.\d{1,3}){0,2})\/(\d{1,2})$/.exec(entry);
  if (!match) return undefined;
  const octets = (match[1] as string).split('.');
  while (octets.length < 4) octets.push('0');
  return parseCidr(`${octets.join('.')}/${match[2]}`);
}
