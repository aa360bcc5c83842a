import type { Chain, IpFamily, Match, Range, Rule, RuleAction, Unsupported } from '../firewall/model.js';
import { formatCidr, parseCidr, rangeToCidrs } from '../network/ip.js';

// Pieces the iptables, ufw, firewalld, pf and Windows Firewall parsers share: service names, ports,
// address text, and what a new outgoing connection's first packet looks like.
//
// The model evaluates one new outgoing connection. Its first packet is a TCP SYN (or a UDP datagram), is
// not a fragment, carries no IPv6 routing or option headers, and leaves from an ephemeral source port the
// operating system picks (Linux 32768-60999, macOS and Windows 49152-65535). A rule that can only match
// other packets (`--tcp-flags RST RST`, `! --syn`, `-f`, `--sport 443`) never decides such a connection:
// the parsers mark its match `impossible` (with why), and keep the rule with its line.

export const EPHEMERAL_PORTS = {
  linux: [32768, 60999] as Range,
  darwin: [49152, 65535] as Range,
  win32: [49152, 65535] as Range,
} as const;

/** Well-known service names as /etc/services spells them (the ones firewall files use). */
const SERVICES: Record<string, number> = {
  ftp: 21, 'ftp-data': 20, ssh: 22, telnet: 23, smtp: 25, domain: 53, dns: 53, bootps: 67, bootpc: 68, tftp: 69,
  http: 80, www: 80, 'www-http': 80, kerberos: 88, pop3: 110, sunrpc: 111, auth: 113, ident: 113, nntp: 119, ntp: 123,
  'netbios-ns': 137, 'netbios-dgm': 138, 'netbios-ssn': 139, imap: 143, imap2: 143, snmp: 161, 'snmp-trap': 162,
  snmptrap: 162, ldap: 389, https: 443, 'microsoft-ds': 445, isakmp: 500, syslog: 514, submission: 587, ldaps: 636,
  rsync: 873, imaps: 993, pop3s: 995, 'imap4-ssl': 585, openvpn: 1194, 'ms-sql-s': 1433, mysql: 3306, 'ms-wbt-server': 3389,
  mdns: 5353, postgresql: 5432, postgres: 5432, 'ipp': 631, 'http-alt': 8080, webcache: 8080, privoxy: 8118,
  'ipsec-nat-t': 4500, 'nat-t-ike': 4500, sip: 5060, hkp: 11371, tor: 9050, 'tor-socks': 9050, dot: 853, 'domain-s': 853,
  'ntp-over-tls': 4460, xmpp: 5222, 'xmpp-client': 5222, irc: 6667, ircs: 6697, git: 9418, ftps: 990, vnc: 5900,
};

/** A port number or service name; undefined when it is neither. */
export function portNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{1,5}$/.test(trimmed)) {
    const value = Number(trimmed);
    return value <= 65535 ? value : undefined;
  }
  return SERVICES[trimmed.toLowerCase()];
}

/** `a:b`, `a-b`, `:b`, `a:`, or a single port/name, as an inclusive range. */
export function portRange(text: string, separator: ':' | '-' | ':-' = ':'): Range | undefined {
  const trimmed = text.trim();
  const separators = separator === ':-' ? /[:-]/ : separator === ':' ? /:/ : /-/;
  const parts = trimmed.split(separators);
  if (parts.length === 1) {
    const port = portNumber(trimmed);
    return port === undefined ? undefined : [port, port];
  }
  if (parts.length !== 2) return undefined;
  const low = parts[0] === '' ? 0 : portNumber(parts[0] as string);
  const high = parts[1] === '' ? 65535 : portNumber(parts[1] as string);
  if (low === undefined || high === undefined || low > high) return undefined;
  return [low, high];
}

/** Protocol numbers and aliases as the model spells them (lower case names). */
const PROTOCOL_NUMBERS: Record<string, string> = {
  '1': 'icmp', '2': 'igmp', '6': 'tcp', '17': 'udp', '41': 'ipv6', '47': 'gre', '50': 'esp', '51': 'ah', '58': 'ipv6-icmp', '132': 'sctp', '136': 'udplite',
  icmpv6: 'ipv6-icmp', icmp6: 'ipv6-icmp', 'ipv6-icmp': 'ipv6-icmp', icmpv4: 'icmp',
};

export function protocolName(text: string): string {
  const lower = text.trim().toLowerCase();
  return PROTOCOL_NUMBERS[lower] ?? lower;
}

/** Dotted netmask (255.255.255.0) to a prefix length; undefined when the mask is not contiguous. */
function maskPrefix(mask: string): number | undefined {
  const parts = mask.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  const value = parts.reduce((sum, part) => sum * 256 + Number(part), 0);
  const bits = value.toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
}

/**
 * An address or network as written in a firewall file (`10.0.0.0/8`, `192.168.1.0/255.255.255.0`, pf's
 * `10/8` and `172.16/12`, a bare address), as canonical CIDR text; undefined when it is not one (a host
 * name, an interface, a keyword).
 */
export function normalizeNetwork(text: string, options: { abbreviated?: boolean } = {}): string | undefined {
  let value = text.trim();
  if (value === '') return undefined;
  const [address = '', prefix, extra] = value.split('/');
  if (extra !== undefined) return undefined;
  let base = address;
  if (options.abbreviated && /^\d{1,3}(\.\d{1,3}){0,2}$/.test(base) && prefix !== undefined) {
    // pf: `10/8` is 10.0.0.0/8, `172.16/12` is 172.16.0.0/12.
    const parts = base.split('.');
    while (parts.length < 4) parts.push('0');
    base = parts.join('.');
  }
  let prefixText = prefix;
  if (prefix !== undefined && prefix.includes('.')) {
    const bits = maskPrefix(prefix);
    if (bits === undefined) return undefined;
    prefixText = String(bits);
  }
  value = prefixText === undefined ? base : `${base}/${prefixText}`;
  const cidr = parseCidr(value);
  return cidr ? formatCidr(cidr) : undefined;
}

/** Family of a normalised network text. */
export function networkFamily(text: string): IpFamily | undefined {
  return parseCidr(text)?.family;
}

/** `a-b` address range as CIDR texts; undefined when not a range of one family. */
export function addressRangeCidrs(text: string): string[] | undefined {
  const [first, last, extra] = text.split('-');
  if (first === undefined || last === undefined || extra !== undefined) return undefined;
  return rangeToCidrs(first.trim(), last.trim())?.map(formatCidr);
}

/** Ranges that cannot be the source of a host's own new connection: multicast, limited broadcast. */
export const NEVER_SOURCE = ['224.0.0.0/4', '255.255.255.255', 'ff00::/8'];
export const LOOPBACK = ['127.0.0.0/8', '::1'];
export const MULTICAST = ['224.0.0.0/4', 'ff00::/8'];

/** True when every network of `inner` lies within one of `outer` (same family). */
export function networksWithin(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((text) => {
    const cidr = parseCidr(text);
    if (!cidr) return false;
    return outer.some((candidate) => {
      const wide = parseCidr(candidate);
      return !!wide && wide.family === cidr.family && wide.prefix <= cidr.prefix && formatCidr({ ...cidr, prefix: wide.prefix }) === formatCidr(wide);
    });
  });
}

/** Classification of a source-port constraint for a new connection from an ephemeral port. */
export function sourcePortVerdict(ranges: readonly Range[], negate: boolean, ephemeral: Range): 'always' | 'never' | 'unknown' {
  const covers = ranges.some(([low, high]) => low <= ephemeral[0] && high >= ephemeral[1]);
  const disjoint = ranges.every(([low, high]) => high < ephemeral[0] || low > ephemeral[1]);
  if (covers) return negate ? 'never' : 'always';
  if (disjoint) return negate ? 'always' : 'never';
  return 'unknown';
}

/** Adds an unknown construct to a match (kept once). */
export function addUnknown(match: Match, construct: string): void {
  const list = [...(match.unknown ?? [])];
  if (!list.includes(construct)) list.push(construct);
  match.unknown = list;
}

/** A match no new outgoing connection satisfies (the first reason is kept). */
export function makeNever(match: Match, why: string): void {
  match.impossible ??= why;
}

export function isNever(match: Match): boolean {
  return match.impossible !== undefined;
}

/** A rule whose action cannot change the verdict does not need its unknown constructs (they cannot stop evaluation). */
export function settleUnknowns(match: Match, action: RuleAction): Match {
  if (action.kind !== 'continue') return match;
  const { unknown: _unknown, impossible: _impossible, ...rest } = match;
  return rest;
}

/**
 * Both matches at once, or undefined when a field is constrained by both in a way this conjunction does
 * not compute (the caller then records an unknown construct instead).
 */
export function conjoin(a: Match, b: Match): Match | undefined {
  const out: Match = { ...a };
  for (const key of ['daddr', 'protocol', 'dport', 'uid', 'oif', 'ctState', 'iif', 'addrType'] as const) {
    const right = b[key];
    if (right === undefined) continue;
    const left = out[key];
    if (left === undefined) {
      (out as Record<string, unknown>)[key] = right;
      continue;
    }
    if (JSON.stringify(left) === JSON.stringify(right)) continue;
    if (key === 'protocol' && !left.negate && !right.negate) {
      const common = (left.values as string[]).filter((value) => (right.values as string[]).includes(value));
      if (common.length === 0) makeNever(out, `protocol ${String(left.values)} and ${String(right.values)} at once`);
      else out.protocol = { values: common };
      continue;
    }
    return undefined;
  }
  if (b.family !== undefined) {
    if (out.family !== undefined && out.family !== b.family) makeNever(out, 'two address families at once');
    else out.family = b.family;
  }
  if (b.impossible) makeNever(out, b.impossible);
  if (b.unknown?.length) for (const construct of b.unknown) addUnknown(out, construct);
  return out;
}

/** Adds "leaves through lo" (or not) to the rule's output-interface match. */
export function loopbackOif(match: Match, negate: boolean): void {
  const oif = match.oif;
  if (!oif) {
    match.oif = { values: ['lo'], ...(negate ? { negate: true } : {}) };
    return;
  }
  const name = oif.values[0] ?? '';
  const isLo = name === 'lo' || (name.endsWith('*') && 'lo'.startsWith(name.slice(0, -1)));
  if (!negate) {
    // Must be lo: keep it when the rule's interface test lets lo through, else nothing matches.
    if (oif.negate ? isLo : !isLo) makeNever(match, `a loopback source leaving through ${name}`);
    else match.oif = { values: ['lo'] };
    return;
  }
  // Must not be lo: `-o eth0` already excludes it; `! -o lo` says the same; `! -o eth0` needs both.
  if (!oif.negate && name === 'lo') makeNever(match, 'a non-loopback source leaving through lo');
  else if (oif.negate && name !== 'lo') addUnknown(match, `a non-loopback source with an interface other than ${name}`);
}


/** The constructs a rule uses that the model cannot follow, for its ruleset's `unsupported`: its match's unknowns, then an unmodelled action. */
export function ruleUnsupported(rule: Rule): Unsupported[] {
  const out: Unsupported[] = (rule.match.unknown ?? []).map((construct) => ({ construct, source: rule.source }));
  if (rule.action.kind === 'unknown') out.push({ construct: rule.action.construct, source: rule.source });
  return out;
}

/** ruleUnsupported of every rule of the chains, in order. */
export function chainsUnsupported(chains: readonly Chain[]): Unsupported[] {
  return chains.flatMap((chain) => chain.rules.flatMap(ruleUnsupported));
}
