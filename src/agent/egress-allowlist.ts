import { ipFamily } from '../network/ip.js';

// Where a hook or an OpenTelemetry exporter sends data, judged against a baseline allowlist. Entries are
// hosts (`collector.example.com`, `*.example.com` for any subdomain, `host:4318` for one port) or URL
// prefixes (`https://otel.example.com/v1/`). Pure.

export interface Destination {
  /** Lower-case host name or address (IPv6 without brackets); undefined when it cannot be read. */
  host?: string;
  port?: number;
  /** The full URL when one was given (used for prefix matching only: it may carry a token, never print it). */
  url?: string;
}

/** Host (and port) of a URL, or undefined when it is not an absolute URL with a literal host. */
export function destinationOfUrl(text: string): Destination | undefined {
  const trimmed = text.trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^:/?#\s]*)(?::(\d+))?/i.exec(trimmed);
  if (!match) return undefined;
  const rawHost = (match[2] ?? '').replace(/^\[|\]$/g, '');
  if (!isLiteralHost(rawHost)) return { url: trimmed };
  return { host: rawHost.toLowerCase().replace(/\.$/, ''), ...(match[3] ? { port: Number(match[3]) } : {}), url: trimmed };
}

/** A host as written on a command line: a name or an address, not an expression that is filled in at run time. */
export function isLiteralHost(host: string): boolean {
  if (host === '') return false;
  if (ipFamily(host)) return true;
  return /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/.test(host);
}

/** Loopback and unspecified addresses: data sent there does not leave the machine. */
export function isLocalHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name === 'ip6-localhost') return true;
  if (ipFamily(name) === 'ipv4') return name.startsWith('127.') || name === '0.0.0.0';
  if (ipFamily(name) === 'ipv6') return name === '::1' || name === '::' || name.startsWith('::ffff:127.');
  return false;
}

function hostMatches(entry: string, host: string): boolean {
  const wanted = entry.toLowerCase().replace(/\.$/, '');
  if (wanted.startsWith('*.')) return host.endsWith(wanted.slice(1)) && host.length > wanted.length - 1;
  if (wanted.startsWith('.')) return host === wanted.slice(1) || host.endsWith(wanted);
  return host === wanted;
}

/** Whether one allowlist entry admits a destination. */
export function entryAdmits(entry: string, destination: Destination): boolean {
  const text = entry.trim();
  if (text === '') return false;
  if (text.includes('://')) {
    if (!destination.url) return false;
    // Scheme and host are case-insensitive; the rest of the prefix is compared as written.
    const normalize = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i, (head) => head.toLowerCase());
    return normalize(destination.url).startsWith(normalize(text));
  }
  if (destination.host === undefined) return false;
  const port = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (port) {
    const host = (port[1] ?? '').replace(/^\[|\]$/g, '');
    return hostMatches(host, destination.host) && destination.port === Number(port[2]);
  }
  return hostMatches(text.replace(/^\[|\]$/g, ''), destination.host);
}

export function allowlistAdmits(entries: readonly string[], destination: Destination): string | undefined {
  return entries.find((entry) => entryAdmits(entry, destination));
}

/** A Claude Code URL pattern (allowedHttpHookUrls): the whole URL, `*` matching any run of characters. */
export function urlPatternMatches(pattern: string, url: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(url.trim());
}
