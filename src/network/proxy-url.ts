// Proxy settings come as URLs (`http://proxy:3128`), bare `host:port` (WinHTTP, WinINET, scutil) or
// per-scheme lists (`http=a:80;https=b:443`). They may carry `user:password@`: that part never leaves
// this module except as `***@`.

/** The variables agents read for a proxy, in the order they read them (curl, Node's undici, Claude Code). */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;
/** Read by curl and some SDKs for every scheme; not by Claude Code (no SOCKS). */
export const ALL_PROXY_VARIABLES = ['all_proxy', 'ALL_PROXY'] as const;
export const NO_PROXY_VARIABLES = ['no_proxy', 'NO_PROXY'] as const;

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, socks: 1080, socks4: 1080, socks4a: 1080, socks5: 1080, socks5h: 1080 };

export interface ProxyEndpoint {
  scheme: string;
  host: string;
  port: number;
  hasCredentials: boolean;
}

/** Parses `http://user:pw@host:port/`, `host:port` or `host`; undefined when it is no proxy address. */
export function parseProxy(value: string): ProxyEndpoint | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (url.hostname === '') return undefined;
  const port = url.port === '' ? (DEFAULT_PORTS[scheme] ?? 0) : Number(url.port);
  return { scheme, host: url.hostname.toLowerCase().replace(/^\[|\]$/g, ''), port, hasCredentials: url.username !== '' || url.password !== '' };
}

/** True when both name the same proxy: scheme, host and port (a missing port is the scheme's default). */
export function sameProxy(a: string, b: string): boolean {
  const left = parseProxy(a);
  const right = parseProxy(b);
  return left !== undefined && right !== undefined && left.scheme === right.scheme && left.host === right.host && left.port === right.port;
}

/** The value with any `user:password@` replaced by `***@`, for messages. */
export function redactProxy(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  // Everything up to the last `@` may be credentials, even a password with `/` or `@` in it.
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  return `${scheme}***${value.slice(at)}`;
}

/** True when the value carries a user name or password. */
export function hasUserinfo(value: string): boolean {
  return redactProxy(value) !== value;
}

/** `host:port` as WinHTTP, WinINET and networksetup take it. */
export function hostPort(value: string): string | undefined {
  const parsed = parseProxy(value);
  if (!parsed) return undefined;
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  return `${host}:${parsed.port}`;
}

/**
 * The proxies of a WinINET/WinHTTP proxy string: `host:port` for every scheme, or a per-scheme list
 * `http=a:80;https=b:443;socks=c:1080`. Keys are the scheme (`*` when one server serves all).
 */
export function parseProxyList(value: string): { scheme: string; server: string }[] {
  const out: { scheme: string; server: string }[] = [];
  for (const part of value.split(/[;\s]+/)) {
    if (part === '') continue;
    const match = /^([a-z]+)=(.+)$/i.exec(part);
    if (match) out.push({ scheme: (match[1] as string).toLowerCase(), server: match[2] as string });
    else out.push({ scheme: '*', server: part });
  }
  return out;
}
