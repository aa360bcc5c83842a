import { ipFamily } from '../network/ip.js';
import { splitLines } from '../util/text-lines.js';

// macOS `scutil --proxy` and `scutil --dns`, as printed (LF or CRLF, with or without a final newline).

export type ScutilValue = { kind: 'scalar'; value: string; line: number } | { kind: 'array' | 'dictionary'; entries: Map<string, ScutilValue>; line: number };

export interface ScutilParse {
  root?: ScutilValue & { kind: 'dictionary' | 'array' };
  error?: { line: number; message: string };
}

/** The `<dictionary> { key : value ... }` tree scutil prints for `--proxy` (and `show`). */
export function parseScutilDictionary(text: string): ScutilParse {
  const lines = splitLines(text);
  const stack: (ScutilValue & { kind: 'dictionary' | 'array' })[] = [];
  let root: ScutilParse['root'];
  for (let index = 0; index < lines.length; index += 1) {
    const line = index + 1;
    const trimmed = (lines[index] as string).trim();
    if (trimmed === '') continue;
    const open = /^(?:(.+?)\s*:\s*)?<(dictionary|array)>\s*\{$/.exec(trimmed);
    if (open) {
      const node: ScutilValue & { kind: 'dictionary' | 'array' } = { kind: open[2] as 'dictionary' | 'array', entries: new Map(), line };
      const parent = stack[stack.length - 1];
      if (parent && open[1] !== undefined) parent.entries.set(open[1], node);
      else if (!parent && open[1] === undefined && !root) root = node;
      else return { ...(root ? { root } : {}), error: { line, message: `unexpected "${trimmed}"` } };
      stack.push(node);
      continue;
    }
    if (trimmed === '}') {
      if (!stack.pop()) return { ...(root ? { root } : {}), error: { line, message: 'unbalanced "}"' } };
      continue;
    }
    const pair = /^(.+?)\s*:\s?(.*)$/.exec(trimmed);
    const parent = stack[stack.length - 1];
    if (!pair || !parent) return { ...(root ? { root } : {}), error: { line, message: `not a scutil dictionary line: "${trimmed.slice(0, 60)}"` } };
    parent.entries.set(pair[1] as string, { kind: 'scalar', value: (pair[2] as string).trim(), line });
  }
  if (!root) return { error: { line: 1, message: 'no <dictionary> in the output' } };
  if (stack.length > 0) return { root, error: { line: lines.length, message: 'the output ends inside a <dictionary> or <array>' } };
  return { root };
}

export interface ScutilProxy {
  http?: { host: string; port?: number; line: number };
  https?: { host: string; port?: number; line: number };
  socks?: { host: string; port?: number; line: number };
  pac?: { url: string; line: number };
  autoDiscovery: boolean;
  exceptions: { value: string; line: number }[];
  excludeSimpleHostnames: boolean;
}

function scalar(dict: ScutilValue | undefined, key: string): { value: string; line: number } | undefined {
  const found = dict?.kind === 'dictionary' ? dict.entries.get(key) : undefined;
  return found?.kind === 'scalar' ? { value: found.value, line: found.line } : undefined;
}

/** The proxies `scutil --proxy` says are enabled. */
export function scutilProxy(root: ScutilValue): ScutilProxy {
  const enabled = (key: string) => scalar(root, key)?.value === '1';
  const server = (prefix: string) => {
    const host = scalar(root, `${prefix}Proxy`);
    if (!enabled(`${prefix}Enable`) || !host || host.value === '') return undefined;
    const port = scalar(root, `${prefix}Port`);
    return { host: host.value, ...(port && /^\d+$/.test(port.value) ? { port: Number(port.value) } : {}), line: host.line };
  };
  const pacUrl = scalar(root, 'ProxyAutoConfigURLString');
  const exceptions = root.kind === 'dictionary' ? root.entries.get('ExceptionsList') : undefined;
  const proxy: ScutilProxy = {
    autoDiscovery: enabled('ProxyAutoDiscoveryEnable'),
    exceptions: exceptions && exceptions.kind !== 'scalar' ? [...exceptions.entries.values()].flatMap((item) => (item.kind === 'scalar' ? [{ value: item.value, line: item.line }] : [])) : [],
    excludeSimpleHostnames: enabled('ExcludeSimpleHostnames'),
  };
  const http = server('HTTP');
  const https = server('HTTPS');
  const socks = server('SOCKS');
  if (http) proxy.http = http;
  if (https) proxy.https = https;
  if (socks) proxy.socks = socks;
  if (enabled('ProxyAutoConfigEnable') && pacUrl && pacUrl.value !== '') proxy.pac = { url: pacUrl.value, line: pacUrl.line };
  return proxy;
}

export interface ScutilResolver {
  /** `resolver #N` as printed. */
  index: number;
  /** Line of the `resolver #N` header. */
  line: number;
  /** From the `(for scoped queries)` section. */
  scoped: boolean;
  nameservers: { address: string; line: number }[];
  domain?: string;
  searchDomains: string[];
  interfaceName?: string;
  options: string[];
}

export interface ScutilDns {
  resolvers: ScutilResolver[];
  /** `No DNS configuration available`. */
  empty: boolean;
  invalid: { line: number; text: string }[];
}

/** `scutil --dns`: `resolver #N` blocks, in the main and the scoped-queries section. */
export function parseScutilDns(text: string): ScutilDns {
  const dns: ScutilDns = { resolvers: [], empty: false, invalid: [] };
  let scoped = false;
  let current: ScutilResolver | undefined;
  splitLines(text).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (/^No DNS configuration available/i.test(trimmed)) {
      dns.empty = true;
      return;
    }
    if (/^DNS configuration/.test(trimmed)) {
      scoped = /scoped/i.test(trimmed);
      current = undefined;
      return;
    }
    const header = /^resolver #(\d+)$/.exec(trimmed);
    if (header) {
      current = { index: Number(header[1]), line, scoped, nameservers: [], searchDomains: [], options: [] };
      dns.resolvers.push(current);
      return;
    }
    if (!current) return;
    const pair = /^([a-z_ ]+?)(?:\[\d+\])?\s*:\s*(.*)$/i.exec(trimmed);
    if (!pair) return;
    const key = (pair[1] as string).trim();
    const value = (pair[2] as string).trim();
    if (key === 'nameserver') {
      if (ipFamily(value)) current.nameservers.push({ address: value, line });
      else dns.invalid.push({ line, text: trimmed });
    } else if (key === 'domain') current.domain = value;
    else if (key === 'search domain') current.searchDomains.push(value);
    else if (key === 'if_index') {
      const name = /\(([^)]+)\)/.exec(value)?.[1];
      if (name) current.interfaceName = name;
    } else if (key === 'options') current.options.push(...value.split(/\s+/));
  });
  return dns;
}
