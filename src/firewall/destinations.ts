// The baseline's egress destinations ("HOST-or-CIDR[:PORT][/tcp|udp]"): parsed strictly, so that a value
// that is not a destination (a quote, a newline, a wildcard) is refused when the baseline is loaded and can
// never reach a generated ruleset or script.
import type { Schema, SchemaIssue } from '../engine/params-schema.js';
import { AddressSet, lastAddress, parseCidr, type Cidr } from '../network/ip.js';
import type { Destination } from './model.js';

export type Protocol = 'tcp' | 'udp';

export interface EgressEntry {
  /** As written in the baseline. */
  text: string;
  /** An address or range; absent for a host name. */
  cidr?: Cidr;
  /** A host name in lower case (cannot be resolved offline). */
  host?: string;
  /** Undefined: any port. */
  port?: number;
  /** As written; undefined means tcp (with a port) or any protocol (without one). */
  protocol?: Protocol;
}

/** Port a destination without one is evaluated at: the port agents use. */
export const ANY_PORT_SAMPLE = 443;

// Letters, digits, dot, colon, hyphen, brackets and slash: every valid entry is made of these, and none of
// them means anything to a shell, PowerShell, nft or pf.
const SAFE = /^[A-Za-z0-9.:\-[\]/]+$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function hostName(text: string): string | undefined {
  const host = text.toLowerCase().replace(/\.$/, '');
  if (host.length === 0 || host.length > 253) return undefined;
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  // "300.1.2.3" is a mistyped address, not a host name: a name ends in a label with a letter.
  if (!/[a-z]/.test(labels[labels.length - 1] ?? '')) return undefined;
  return host;
}

function parsePort(text: string): number | string {
  if (!/^\d{1,5}$/.test(text)) return `"${text}" is not a port number`;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : `port ${port} is outside 1..65535`;
}

/** One entry, or the reason it is not one. */
export function parseEgressEntry(raw: string): EgressEntry | string {
  const text = raw.trim();
  if (text === '') return 'an empty entry';
  if (!SAFE.test(text)) {
    if (text.includes('*')) return 'a wildcard cannot be enforced by a packet filter (allow the proxy, and let the proxy filter names)';
    return 'only letters, digits and . : - [ ] / may appear (HOST-or-CIDR[:PORT][/tcp|udp])';
  }
  let rest = text;
  let protocol: Protocol | undefined;
  const suffix = /\/(tcp|udp)$/i.exec(rest);
  if (suffix) {
    protocol = (suffix[1] as string).toLowerCase() as Protocol;
    rest = rest.slice(0, -suffix[0].length);
  }
  let target = rest;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return 'an opening [ without a closing ]';
    target = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return `"${after}" after ] (expected :PORT)`;
      portText = after.slice(1);
    }
    if (!target.includes(':')) return 'brackets are for IPv6 addresses';
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const colon = rest.indexOf(':');
    target = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
  }
  const entry: EgressEntry = { text };
  if (protocol) entry.protocol = protocol;
  if (portText !== undefined) {
    const port = parsePort(portText);
    if (typeof port === 'string') return port;
    entry.port = port;
  }
  const cidr = parseCidr(target);
  if (cidr) {
    if (/%/.test(target)) return 'an address with a zone (%iface) cannot be matched by a firewall rule';
    entry.cidr = cidr;
    return entry;
  }
  if (target.includes('/') || target.includes(':') || /^[\d.]+$/.test(target)) return `"${target}" is not an IP address or CIDR range${rest.includes(':') && !rest.startsWith('[') ? ' (write an IPv6 address with a port as [ADDRESS]:PORT)' : ''}`;
  const host = hostName(target);
  if (!host) return `"${target}" is not a host name, an IP address or a CIDR range`;
  entry.host = host;
  return entry;
}

/** Entries that must be addresses with a port (probes). */
export function parseProbe(raw: string): EgressEntry | string {
  const entry = parseEgressEntry(raw);
  if (typeof entry === 'string') return entry;
  if (!entry.cidr) return 'a probe must be an IP address (a host name cannot be resolved offline)';
  if (entry.cidr.prefix !== (entry.cidr.family === 'ipv4' ? 32 : 128)) return 'a probe is one address, not a range';
  if (entry.port === undefined) return 'a probe needs a port (ADDRESS:PORT, [IPv6]:PORT)';
  return entry;
}

/** Parses a list, throwing one error that names every bad entry (for code paths past baseline validation). */
export function parseEntries(name: string, values: readonly string[], probes = false): EgressEntry[] {
  const problems: string[] = [];
  const entries: EgressEntry[] = [];
  values.forEach((value, index) => {
    const parsed = probes ? parseProbe(value) : parseEgressEntry(value);
    if (typeof parsed === 'string') problems.push(`${name}[${index}] ${JSON.stringify(value)}: ${parsed}`);
    else entries.push(parsed);
  });
  if (problems.length > 0) throw new Error(problems.join('; '));
  return entries;
}

/** A list-of-destinations parameter: every entry is parsed when the baseline is loaded (errors name the index). */
export function destinationList(description: string, defaultValue: string[], probes = false): Schema<string[]> {
  return {
    type: 'string[]',
    description,
    defaultValue,
    describe: () => (probes ? 'list of ADDRESS:PORT[/tcp|udp]' : 'list of HOST-or-CIDR[:PORT][/tcp|udp]'),
    validate(value, path, issues: SchemaIssue[]) {
      if (!Array.isArray(value)) {
        issues.push({ path, message: `expected a list, got ${value === null ? 'null' : typeof value}` });
        return undefined;
      }
      const before = issues.length;
      const out: string[] = [];
      value.forEach((item, index) => {
        if (typeof item !== 'string') {
          issues.push({ path: [...path, index], message: `expected a string, got ${item === null ? 'null' : typeof item}` });
          return;
        }
        const parsed = probes ? parseProbe(item) : parseEgressEntry(item);
        if (typeof parsed === 'string') issues.push({ path: [...path, index], message: `${JSON.stringify(item)}: ${parsed}` });
        else out.push(item);
      });
      return issues.length > before ? undefined : out;
    },
  };
}

/**
 * Default probes: public addresses an agent must not reach directly, one reason each. None is private, and
 * each belongs to a long-lived service whose address does not move.
 */
export const DEFAULT_PROBES: readonly { entry: string; why: string }[] = [
  { entry: '1.1.1.1:443/tcp', why: 'Cloudflare\'s DNS-over-HTTPS endpoint: DoH bypasses the corporate resolvers and their logging' },
  { entry: '8.8.8.8:53/udp', why: 'Google Public DNS: plain DNS to a public resolver carries data out a name at a time' },
  { entry: '9.9.9.9:53/tcp', why: 'Quad9 over TCP: DNS rules written for UDP alone leave TCP open' },
  { entry: '140.82.112.3:22/tcp', why: 'GitHub over SSH (140.82.112.0/20, api.github.com/meta): git push of stolen data to an attacker\'s repository' },
  { entry: '185.199.108.133:80/tcp', why: 'GitHub Pages and raw content (185.199.108.0/22) over plain HTTP: unproxied, uninspected download and upload' },
  { entry: '[2606:4700:4700::1111]:443/tcp', why: 'Cloudflare over IPv6: rulesets written for IPv4 alone leave IPv6 open' },
  { entry: '[2001:4860:4860::8888]:53/udp', why: 'Google Public DNS over IPv6' },
];

/** A destination's address as written in messages: IPv6 with a port in brackets. */
export function describeDestination(destination: Destination): string {
  const address = destination.family === 'ipv6' ? `[${destination.address}]` : destination.address;
  return `${address}:${destination.port}/${destination.protocol}`;
}

/** The concrete destinations an address entry is evaluated at: first and last address of a range, each protocol it names. */
export function sampleDestinations(entry: EgressEntry): Destination[] {
  if (!entry.cidr) return [];
  const cidr = entry.cidr;
  const addresses = [...new Set([cidr.address, lastAddress(cidr)])];
  const protocol = entry.protocol ?? 'tcp';
  const port = entry.port ?? ANY_PORT_SAMPLE;
  return addresses.map((address) => ({ address: address.toLowerCase(), family: cidr.family, protocol, port }));
}

/** The entry's protocol: as written, else tcp when a port is given; undefined = any. */
export function entryProtocol(entry: EgressEntry): Protocol | undefined {
  return entry.protocol ?? (entry.port !== undefined ? 'tcp' : undefined);
}

/** True when an address entry covers the destination (address inside, port and protocol equal or unrestricted). */
export function entryCovers(entry: EgressEntry, destination: Destination): boolean {
  if (!entry.cidr || entry.cidr.family !== destination.family) return false;
  if (entry.port !== undefined && entry.port !== destination.port) return false;
  const protocol = entryProtocol(entry);
  if (protocol !== undefined && protocol !== destination.protocol) return false;
  return new AddressSet([`${entry.cidr.address}/${entry.cidr.prefix}`]).has(destination.address);
}

/** The probe as a destination. */
export function probeDestination(entry: EgressEntry): Destination {
  const [destination] = sampleDestinations(entry);
  if (!destination) throw new Error(`${entry.text} is not an address`);
  return destination;
}
