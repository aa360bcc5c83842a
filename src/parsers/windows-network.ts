import { ipFamily } from '../network/ip.js';
import { splitLines, stripBom } from '../util/text-lines.js';

// Windows network evidence as recorded commands print it.

export interface WinHttpProxy {
  direct: boolean;
  server?: { value: string; line: number };
  bypass?: { value: string; line: number };
}

/**
 * `netsh winhttp show proxy`: `Direct access (no proxy server).`, or `Proxy Server(s) :  host:port` and
 * `Bypass List     :  ...` (`(none)` when empty). The labels are localised; the layout `label :  value`
 * is not, so an unrecognised output with exactly two such lines is read by position.
 */
export function parseNetshWinhttp(text: string): WinHttpProxy | { error: string } {
  const lines = splitLines(stripBom(text));
  if (lines.some((line) => /direct access|\(no proxy server\)/i.test(line))) return { direct: true };
  const pairs = lines.flatMap((raw, index) => {
    const match = /^\s*(.+?)\s+:\s+(.*?)\s*$/.exec(raw);
    return match ? [{ label: match[1] as string, value: match[2] as string, line: index + 1 }] : [];
  });
  const server = pairs.find((pair) => /proxy/i.test(pair.label)) ?? (pairs.length === 2 ? pairs[0] : undefined);
  const bypass = pairs.find((pair) => /bypass/i.test(pair.label)) ?? (pairs.length === 2 ? pairs[1] : undefined);
  if (!server) return { error: 'neither "Direct access" nor a proxy server line in the output' };
  const result: WinHttpProxy = { direct: false, server: { value: server.value, line: server.line } };
  if (bypass && bypass.value !== '' && !/^\(none\)$/i.test(bypass.value)) result.bypass = { value: bypass.value, line: bypass.line };
  return result;
}

/** One line of PowerShell output parsed as JSON: an object, or undefined for empty output. */
export function parsePowerShellJson(text: string): { value?: unknown; error?: string } {
  const trimmed = stripBom(text).trim();
  if (trimmed === '') return {};
  try {
    return { value: JSON.parse(trimmed) };
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message.split('\n')[0]}` };
  }
}

export interface DnsClientServers {
  interfaceAlias: string;
  interfaceIndex?: number;
  family: 'IPv4' | 'IPv6';
  servers: string[];
}

/**
 * `Get-DnsClientServerAddress | Select-Object InterfaceAlias, InterfaceIndex, AddressFamily,
 * ServerAddresses | ConvertTo-Json`: one object or an array; AddressFamily is 2 (IPv4) or 23 (IPv6), or
 * the name when the enum was serialised as text.
 */
export function parseDnsClientServers(text: string): { interfaces: DnsClientServers[]; error?: string } {
  const parsed = parsePowerShellJson(text);
  if (parsed.error) return { interfaces: [], error: parsed.error };
  if (parsed.value === undefined) return { interfaces: [] };
  const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const interfaces: DnsClientServers[] = [];
  for (const [index, item] of items.entries()) {
    if (!item || typeof item !== 'object') return { interfaces, error: `item ${index} is not an object` };
    const record = item as Record<string, unknown>;
    const alias = typeof record.InterfaceAlias === 'string' ? record.InterfaceAlias : `interface ${String(record.InterfaceIndex ?? index)}`;
    const familyValue = record.AddressFamily;
    const family = familyValue === 23 || familyValue === 'IPv6' ? 'IPv6' : 'IPv4';
    const raw = record.ServerAddresses;
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
    const servers = list.filter((value): value is string => typeof value === 'string' && ipFamily(value) !== undefined);
    if (list.length !== servers.length) return { interfaces, error: `${alias}: ServerAddresses holds something that is not an IP address` };
    interfaces.push({ interfaceAlias: alias, ...(typeof record.InterfaceIndex === 'number' ? { interfaceIndex: record.InterfaceIndex } : {}), family, servers });
  }
  return { interfaces };
}
