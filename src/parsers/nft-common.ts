// Shared by the two nftables readers (nft-json.ts for `nft -j list ruleset`, nft-config.ts for the nft
// language): what a selector means for an outgoing packet, value conversion (addresses, ports, service
// names, protocols, users), and building one model Match from several conditions, including two
// conditions on the same field (`tcp dport != 53 tcp dport 1-1023`), which are intersected exactly.

import { formatCidr, intersectCidrs, parseCidr, rangeToCidrs, subtractCidr, type Cidr } from '../network/ip.js';
import type { FieldMatch, IpFamily, Match, Range, RuleAction } from '../firewall/model.js';

// ---------------------------------------------------------------------------------------------------
// Names nft resolves when it loads a ruleset

/** Service names (getservbyname, /etc/services of a Debian netbase, plus sftp) to port numbers. */
const SERVICE_TEXT =
  'tcpmux=1 echo=7 discard=9 null=9 sink=9 systat=11 users=11 daytime=13 netstat=15 qotd=17 quote=17 chargen=19 ' +
  'source=19 ttytst=19 ftp-data=20 fsp=21 fspd=21 ftp=21 ssh=22 telnet=23 mail=25 smtp=25 time=37 timserver=37 ' +
  'nicname=43 whois=43 tacacs=49 domain=53 bootps=67 bootpc=68 tftp=69 gopher=70 finger=79 http=80 www=80 kerberos=88 ' +
  'kerberos-sec=88 kerberos5=88 krb5=88 iso-tsap=102 tsap=102 acr-nema=104 dicom=104 poppassd=106 pop-3=110 pop3=110 ' +
  'portmapper=111 sunrpc=111 auth=113 authentication=113 ident=113 tap=113 nntp=119 readnews=119 untp=119 ntp=123 ' +
  'epmap=135 loc-srv=135 netbios-ns=137 netbios-dgm=138 netbios-ssn=139 imap=143 imap2=143 snmp=161 snmp-trap=162 ' +
  'snmptrap=162 cmip-man=163 cmip-agent=164 mailq=174 xdmcp=177 bgp=179 smux=199 qmtp=209 wais=210 z3950=210 ipx=213 ' +
  'ptp-event=319 ptp-general=320 pawserv=345 zserv=346 rpc2portmap=369 codaauth2=370 Clearcase=371 clearcase=371 ' +
  'ldap=389 svrloc=427 https=443 snpp=444 microsoft-ds=445 kpasswd=464 smtps=465 ssmtp=465 submissions=465 urd=465 ' +
  'saft=487 isakmp=500 biff=512 comsat=512 exec=512 login=513 who=513 whod=513 cmd=514 shell=514 syslog=514 printer=515 ' +
  'spooler=515 talk=517 ntalk=518 route=520 routed=520 router=520 gdomap=538 uucp=540 uucpd=540 klogin=543 krcmd=544 ' +
  'kshell=544 dhcpv6-client=546 dhcpv6-server=547 afpovertcp=548 rtsp=554 nntps=563 snntp=563 submission=587 nqs=607 ' +
  'asf-rmcp=623 qmqp=628 ipp=631 ldaps=636 ldp=646 tinc=655 silc=706 kerberos-adm=749 kdc=750 kerberos-iv=750 ' +
  'kerberos4=750 kerberos-master=751 kerberos_master=751 passwd-server=752 passwd_server=752 hprop=754 krb-prop=754 ' +
  'krb5_prop=754 krb_prop=754 moira-db=775 moira_db=775 moira-update=777 moira_update=777 moira-ureg=779 moira_ureg=779 ' +
  'spamd=783 domain-s=853 supfilesrv=871 rsync=873 ftps-data=989 ftps=990 telnets=992 imaps=993 pop3s=995 socks=1080 ' +
  'proofd=1093 rootd=1094 rmiregistry=1099 supfiledbg=1127 skkserv=1178 openvpn=1194 predict=1210 rmtcfg=1236 xtel=1313 ' +
  'xtelw=1314 lotusnote=1352 lotusnotes=1352 ms-sql-s=1433 ms-sql-m=1434 ingreslock=1524 datametrics=1645 ' +
  'old-radius=1645 old-radacct=1646 sa-msg-port=1646 kermit=1649 groupwise=1677 l2f=1701 l2tp=1701 radius=1812 ' +
  'radacct=1813 radius-acct=1813 cisco-sccp=2000 nfs=2049 gnunet=2086 rtcm-sc104=2101 zephyr-srv=2102 zephyr-clt=2103 ' +
  'zephyr-hm=2104 gsigatekeeper=2119 iprop=2121 gris=2135 cvspserver=2401 venus=2430 venus-se=2431 codasrv=2432 ' +
  'codasrv-se=2433 mon=2583 zebrasrv=2600 zebra=2601 ripd=2602 ripngd=2603 ospfd=2604 bgpd=2605 ospf6d=2606 ospfapi=2607 ' +
  'isisd=2608 dict=2628 f5-globalsite=2792 gsiftp=2811 gpsd=2947 gds-db=3050 gds_db=3050 icp=3130 icpv2=3130 isns=3205 ' +
  'iscsi-target=3260 mysql=3306 ms-wbt-server=3389 nut=3493 distcc=3632 daap=3689 subversion=3690 svn=3690 suucp=4031 ' +
  'sysrqd=4094 sieve=4190 f5-iquery=4353 epmd=4369 remctl=4373 ntske=4460 ipsec-nat-t=4500 fax=4557 hylafax=4559 ' +
  'iax=4569 mtn=4691 radmin-port=4899 lrrd=4949 munin=4949 sip=5060 sip-tls=5061 jabber-client=5222 xmpp-client=5222 ' +
  'jabber-server=5269 xmpp-server=5269 cfengine=5308 mdns=5353 postgres=5432 postgresql=5432 rplay=5555 freeciv=5556 ' +
  'rptp=5556 nrpe=5666 nsca=5667 amqps=5671 amqp=5672 canna=5680 x11=6000 x11-0=6000 x11-1=6001 x11-2=6002 x11-3=6003 ' +
  'x11-4=6004 x11-5=6005 x11-6=6006 x11-7=6007 gnutella-svc=6346 gnutella-rtr=6347 redis=6379 sge-qmaster=6444 ' +
  'sge_qmaster=6444 sge-execd=6445 sge_execd=6445 mysql-proxy=6446 syslog-tls=6514 sane=6566 sane-port=6566 saned=6566 ' +
  'ircd=6667 babel=6696 ircs-u=6697 afs3-fileserver=7000 bbs=7000 afs3-callback=7001 afs3-prserver=7002 ' +
  'afs3-vlserver=7003 afs3-kaserver=7004 afs3-volser=7005 afs3-bos=7007 afs3-update=7008 afs3-rmtsys=7009 ' +
  'font-service=7100 xfs=7100 zope-ftp=8021 http-alt=8080 webcache=8080 tproxy=8081 omniorb=8088 puppet=8140 ' +
  'clc-build-daemon=8990 xinetd=9098 bacula-dir=9101 bacula-fd=9102 bacula-sd=9103 git=9418 xmms2=9667 zope=9673 ' +
  'webmin=10000 zabbix-agent=10050 zabbix-trapper=10051 amanda=10080 kamanda=10081 amandaidx=10082 amidxtape=10083 ' +
  'nbd=10809 hkp=11371 sgi-cmsd=17001 sgi-crsd=17002 sgi-gcd=17003 sgi-cad=17004 db-lsp=17500 dcap=22125 gsidcap=22128 ' +
  'wnn6=22273 binkp=24554 asp=27374 csync2=30865 dircproxy=57000 tfido=60177 fido=60179' +  ' sftp=115';

export const SERVICES: ReadonlyMap<string, number> = new Map(
  SERVICE_TEXT.split(' ').filter(Boolean).map((pair) => {
    const [name = '', port = '0'] = pair.split('=');
    return [name, Number(port)] as const;
  }),
);

/** Layer-4 protocol names and numbers to the model's lower-case names. */
const PROTOCOLS: Record<string, string> = {
  tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', icmpv6: 'ipv6-icmp', 'ipv6-icmp': 'ipv6-icmp', '58': 'ipv6-icmp',
  igmp: 'igmp', '2': 'igmp', esp: 'esp', '50': 'esp', ah: 'ah', '51': 'ah', gre: 'gre', '47': 'gre', sctp: 'sctp', '132': 'sctp',
  udplite: 'udplite', '136': 'udplite', dccp: 'dccp', '33': 'dccp', comp: 'comp', '108': 'comp', ipip: 'ipip', '4': 'ipip',
  ipv6: 'ipv6', '41': 'ipv6', l2tp: 'l2tp', '115': 'l2tp', ospf: 'ospf', '89': 'ospf', vrrp: 'vrrp', '112': 'vrrp', pim: 'pim', '103': 'pim',
};

export function protocolName(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  if (PROTOCOLS[lower]) return PROTOCOLS[lower];
  return /^\d{1,3}$/.test(lower) && Number(lower) < 256 ? lower : undefined;
}

/** Standard chain priority names (nft(8), ip/ip6/inet); bridge has its own. */
const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const BRIDGE_PRIORITIES: Record<string, number> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

/** `filter`, `raw`, `-5`, `filter - 10`, `mangle + 5` (already split into words); undefined when not one. */
export function priorityValue(words: readonly string[], family: string): number | undefined {
  const text = words.join(' ').replace(/\s+/g, ' ').trim();
  const parts = /^([a-z]+|-?\d+)(?:\s*([+-])\s*(\d+))?$/i.exec(text);
  if (!parts) return undefined;
  const names = family === 'bridge' ? BRIDGE_PRIORITIES : PRIORITIES;
  const head = /^-?\d+$/.test(parts[1] as string) ? Number(parts[1]) : names[(parts[1] as string).toLowerCase()];
  if (head === undefined) return undefined;
  const offset = parts[3] ? Number(parts[3]) * (parts[2] === '-' ? -1 : 1) : 0;
  return head + offset;
}

/** Families whose chains see IP packets on the output path. */
export function familiesOf(tableFamily: string): IpFamily[] {
  if (tableFamily === 'ip') return ['ipv4'];
  if (tableFamily === 'ip6') return ['ipv6'];
  if (tableFamily === 'inet') return ['ipv4', 'ipv6'];
  return [];
}

export const TABLE_FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
export const HOOKS = new Set(['output', 'input', 'forward', 'prerouting', 'postrouting', 'ingress', 'egress']);

// ---------------------------------------------------------------------------------------------------
// Values as both readers see them

export type NftValue =
  | { kind: 'atom'; text: string }
  | { kind: 'range'; low: string; high: string }
  | { kind: 'prefix'; addr: string; len: number }
  | { kind: 'concat'; parts: NftValue[] }
  /** Something the reader could not turn into a value (a map lookup, an expression). */
  | { kind: 'opaque'; text: string };

export function showValue(value: NftValue): string {
  switch (value.kind) {
    case 'atom':
      return value.text;
    case 'range':
      return `${value.low}-${value.high}`;
    case 'prefix':
      return `${value.addr}/${value.len}`;
    case 'concat':
      return value.parts.map(showValue).join(' . ');
    case 'opaque':
      return value.text;
  }
}

export function showValues(values: readonly NftValue[]): string {
  return values.length === 1 ? showValue(values[0] as NftValue) : `{ ${values.map(showValue).join(', ')} }`;
}

// ---------------------------------------------------------------------------------------------------
// Selectors: what the left-hand side of a match means for an outgoing packet

export type ModelField = 'daddr' | 'protocol' | 'dport' | 'uid' | 'oif' | 'iif' | 'ctState' | 'addrType' | 'family';

export interface Selector {
  /** As written (`ip daddr`, `meta skuid`), for messages. */
  text: string;
  /** The model field it fills; undefined for a selector the model has no field for (its matches become unknown). */
  field?: ModelField;
  /** Implied by the selector: `ip daddr` only sees IPv4 packets. */
  family?: IpFamily;
  /** Implied layer-4 protocols: `tcp dport` only sees TCP, `th dport` TCP or UDP (as far as our packets go). */
  protocols?: string[];
  /** A header test the reader knows the answer to for the first packet of a new connection (`tcp flags syn`, `ip frag-off & 0x1fff != 0`). */
  special?: 'tcp-flags' | 'frag-off' | 'saddr' | 'sport';
  /** `tcp flags & (fin | syn | rst | ack)`: the mask the flags are cut to. */
  mask?: string[];
}

const L4 = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
const L4_ONLY = new Set(['icmp', 'icmpv6', 'igmp', 'esp', 'ah', 'comp', 'gre']);

/** A header field: `ip daddr`, `tcp dport`, `icmp type`... */
export function payloadSelector(protocol: string, field: string): Selector {
  const text = `${protocol} ${field}`;
  if (protocol === 'ip') {
    if (field === 'daddr') return { text, field: 'daddr', family: 'ipv4' };
    if (field === 'protocol') return { text, field: 'protocol', family: 'ipv4' };
    if (field === 'frag-off') return { text, family: 'ipv4', special: 'frag-off' };
    if (field === 'saddr') return { text, family: 'ipv4', special: 'saddr' };
    return { text, family: 'ipv4' };
  }
  if (protocol === 'ip6') {
    if (field === 'daddr') return { text, field: 'daddr', family: 'ipv6' };
    if (field === 'nexthdr') return { text, field: 'protocol', family: 'ipv6' };
    if (field === 'saddr') return { text, family: 'ipv6', special: 'saddr' };
    return { text, family: 'ipv6' };
  }
  if (protocol === 'th') {
    if (field === 'dport') return { text, field: 'dport', protocols: ['tcp', 'udp', 'udplite', 'sctp', 'dccp'] };
    if (field === 'sport') return { text, protocols: ['tcp', 'udp', 'udplite', 'sctp', 'dccp'], special: 'sport' };
    return { text, protocols: ['tcp', 'udp', 'udplite', 'sctp', 'dccp'] };
  }
  if (L4.has(protocol)) {
    if (field === 'dport') return { text, field: 'dport', protocols: [protocol] };
    if (protocol === 'tcp' && field === 'flags') return { text, protocols: ['tcp'], special: 'tcp-flags' };
    if (field === 'sport') return { text, protocols: [protocol], special: 'sport' };
    return { text, protocols: [protocol] };
  }
  if (L4_ONLY.has(protocol)) {
    const name = protocolName(protocol) ?? protocol;
    const family = protocol === 'icmp' ? 'ipv4' : protocol === 'icmpv6' ? 'ipv6' : undefined;
    return { text, protocols: [name], ...(family ? { family } : {}) };
  }
  return { text };
}

/** `meta KEY` (or the bare key): l4proto, nfproto, skuid, oifname... */
export function metaSelector(key: string, written?: string): Selector {
  const text = written ?? `meta ${key}`;
  switch (key) {
    case 'l4proto':
      return { text, field: 'protocol' };
    case 'nfproto':
      return { text, field: 'family' };
    case 'skuid':
      return { text, field: 'uid' };
    case 'oif':
    case 'oifname':
      return { text, field: 'oif' };
    case 'iif':
    case 'iifname':
      return { text, field: 'iif' };
    default:
      return { text };
  }
}

export function ctSelector(key: string, written?: string): Selector {
  const text = written ?? `ct ${key}`;
  return key === 'state' ? { text, field: 'ctState' } : { text };
}

// ---------------------------------------------------------------------------------------------------
// Conditions and building a Match

export type Condition =
  | { kind: 'family'; family: IpFamily }
  | { kind: 'field'; field: Exclude<ModelField, 'family'>; match: FieldMatch<string> | FieldMatch<Range> }
  | { kind: 'unknown'; construct: string }
  | { kind: 'impossible'; why: string };

export type Operator = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in';

/** Source ports Linux gives new connections (net.ipv4.ip_local_port_range default). */
export const EPHEMERAL_PORTS: Range = [32768, 60999];

const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr'];

/** TCP flag names of a mask (`(fin|syn|rst|ack)`, `syn,ack`); undefined when not only flag names. */
export function tcpFlagNames(text: string): string[] | undefined {
  const set = flagSet(text);
  return set && set.size > 0 ? [...set] : undefined;
}

/** `syn`, `syn|ack`, `(fin|syn)`, `0x0`: flag names; undefined when not readable. */
function flagSet(text: string): Set<string> | undefined {
  const trimmed = text.replace(/[()\s]/g, '');
  if (/^(0|0x0+)$/i.test(trimmed)) return new Set();
  const names = trimmed.split(/[|,]/).filter(Boolean);
  return names.every((name) => TCP_FLAGS.includes(name)) ? new Set(names) : undefined;
}

/**
 * Whether a `tcp flags` test holds for the first packet of a new connection (flags = SYN alone):
 * `tcp flags syn` (a bit test), `tcp flags == syn`, `tcp flags & (fin|syn|rst|ack) == syn`, their
 * negations, and sets of single flags. Undefined when the form is not one of those.
 */
function firstPacketFlags(mask: readonly string[] | undefined, op: Operator, values: readonly NftValue[]): boolean | undefined {
  const sets = values.map((value) => (value.kind === 'atom' ? flagSet(value.text) : undefined));
  if (sets.some((set) => !set)) return undefined;
  const wanted = sets as Set<string>[];
  const packet = new Set(['syn'].filter((flag) => !mask || mask.includes(flag)));
  const equal = (set: Set<string>) => set.size === packet.size && [...set].every((flag) => packet.has(flag));
  let holds: boolean;
  if (mask) {
    if (op === 'in') holds = wanted.some((set) => [...set].every((flag) => packet.has(flag)));
    else holds = wanted.some(equal);
  } else if (op === 'in' || (op === '==' && wanted.length > 1)) {
    // A bit test (`tcp flags syn`, `syn,ack`) or a set of single flags: the SYN bit is what counts.
    if (wanted.length > 1 && wanted.some((set) => set.size > 1)) return undefined;
    holds = wanted.some((set) => set.has('syn'));
  } else if (op === '==' || op === '!=') {
    holds = wanted.some(equal);
  } else return undefined;
  return op === '!=' ? !holds : holds;
}

const NOT_A_SOURCE: readonly Cidr[] = ['224.0.0.0/4', '255.255.255.255/32', 'ff00::/8'].map((text) => parseCidr(text) as Cidr);

const CT_STATES = ['new', 'established', 'related', 'invalid', 'untracked'];
const ADDRESS_TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit'];
const PORT_MAX = 65535;
const UID_MAX = 4294967295;

export interface ValueContext {
  /** User name to uid (the target's /etc/passwd); undefined when the name is not known. */
  resolveUser?: (name: string) => number | undefined;
}

function atomTexts(values: readonly NftValue[]): { atoms: string[]; bad: string[] } {
  const atoms: string[] = [];
  const bad: string[] = [];
  for (const value of values) {
    if (value.kind === 'atom') atoms.push(value.text);
    else bad.push(showValue(value));
  }
  return { atoms, bad };
}

function addressValues(values: readonly NftValue[]): { cidrs: string[]; bad: string[] } {
  const cidrs: string[] = [];
  const bad: string[] = [];
  const add = (cidr: Cidr | undefined, text: string) => (cidr ? cidrs.push(formatCidr(cidr)) : bad.push(text));
  for (const value of values) {
    if (value.kind === 'atom') {
      const text = value.text.trim();
      const dash = /^([0-9a-f:.]+)-([0-9a-f:.]+)$/i.exec(text);
      if (dash && !parseCidr(text)) {
        const list = rangeToCidrs(dash[1] as string, dash[2] as string);
        if (list) list.forEach((cidr) => cidrs.push(formatCidr(cidr)));
        else bad.push(text);
      } else add(parseCidr(text), text);
    } else if (value.kind === 'prefix') add(parseCidr(`${value.addr}/${value.len}`), showValue(value));
    else if (value.kind === 'range') {
      const list = rangeToCidrs(value.low, value.high);
      if (list) list.forEach((cidr) => cidrs.push(formatCidr(cidr)));
      else bad.push(showValue(value));
    } else bad.push(showValue(value));
  }
  return { cidrs, bad };
}

function numberValue(text: string, names: (name: string) => number | undefined, max: number): number | undefined {
  const trimmed = text.trim().replace(/^"(.*)"$/, '$1');
  if (/^\d+$/.test(trimmed)) {
    const value = Number(trimmed);
    return value <= max ? value : undefined;
  }
  if (/^0x[0-9a-f]+$/i.test(trimmed)) {
    const value = parseInt(trimmed, 16);
    return value <= max ? value : undefined;
  }
  return names(trimmed);
}

function rangeValues(values: readonly NftValue[], names: (name: string) => number | undefined, max: number): { ranges: Range[]; bad: string[] } {
  const ranges: Range[] = [];
  const bad: string[] = [];
  for (const value of values) {
    let low: number | undefined;
    let high: number | undefined;
    if (value.kind === 'atom') {
      const whole = numberValue(value.text, names, max);
      const dash = whole === undefined ? /^([^-\s]+)-([^-\s]+)$/.exec(value.text.trim()) : null;
      if (whole !== undefined) low = high = whole;
      else if (dash) {
        low = numberValue(dash[1] as string, names, max);
        high = numberValue(dash[2] as string, names, max);
      } else low = high = numberValue(value.text, names, max);
    } else if (value.kind === 'range') {
      low = numberValue(value.low, names, max);
      high = numberValue(value.high, names, max);
    }
    if (low === undefined || high === undefined || low > high) bad.push(showValue(value));
    else ranges.push([low, high]);
  }
  return { ranges, bad };
}

/**
 * What `selector op values` means: the conditions to add to a rule (implied family and protocol
 * included). A value the model cannot read makes an unknown condition naming it.
 */
export function relation(selector: Selector, op: Operator, values: readonly NftValue[], context: ValueContext = {}, text?: string): Condition[] {
  const out: Condition[] = [];
  if (selector.family) out.push({ kind: 'family', family: selector.family });
  if (selector.protocols) out.push({ kind: 'field', field: 'protocol', match: { values: selector.protocols } });
  const written = text ?? `${selector.text} ${op === '==' || op === 'in' ? '' : `${op} `}${showValues(values)}`;
  const unknown = (why?: string): Condition[] => [...out, { kind: 'unknown', construct: why ? `${written} (${why})` : written }];
  const negate = op === '!=';
  const ordered = op === '<' || op === '>' || op === '<=' || op === '>=';

  if (selector.special === 'tcp-flags' && !ordered) {
    const known = firstPacketFlags(selector.mask, op, values);
    if (known === true) return out;
    if (known === false) return [...out, { kind: 'impossible', why: `${written}: the first packet of a new connection is a bare SYN` }];
    return unknown();
  }
  if (selector.special === 'sport' && !ordered) {
    // The source port of a new connection is an ephemeral one the kernel picks (Linux: 32768-60999).
    const { ranges, bad } = rangeValues(values, (name) => SERVICES.get(name), PORT_MAX);
    if (bad.length === 0) {
      const [low, high] = EPHEMERAL_PORTS;
      const overlaps = ranges.some(([a, b]) => a <= high && b >= low);
      const covers = normaliseRanges(ranges).some(([a, b]) => a <= low && b >= high);
      if (!overlaps) return negate ? out : [...out, { kind: 'impossible', why: `${written}: a new connection leaves from an ephemeral port (${low}-${high})` }];
      if (covers) return negate ? [...out, { kind: 'impossible', why: `${written}: a new connection leaves from an ephemeral port (${low}-${high})` }] : out;
    }
    return unknown();
  }
  if (selector.special === 'frag-off') {
    // An unfragmented packet has no fragment offset.
    const text = values.map(showValue).join(' ');
    // `ip frag-off & 0x1fff != 0`: a fragment other than the first; the first packet of a connection is not one.
    if (selector.special === 'frag-off' && /&\s*0x1fff$/i.test(selector.text) && (op === '!=' || op === '==') && /^(0|0x0+)$/i.test(text)) {
      return negate ? [...out, { kind: 'impossible', why: `${written}: the first packet of a connection is not a fragment` }] : out;
    }
    return unknown();
  }
  if (selector.special === 'saddr' && (op === '==' || op === 'in' || op === '!=')) {
    // A locally generated packet leaves from one of the host's unicast addresses: never a multicast or
    // broadcast source. Any other source address depends on the interface, and stays unknown.
    const { cidrs, bad } = addressValues(values);
    const parsed = cidrs.map((cidr) => parseCidr(cidr));
    if (bad.length === 0 && parsed.length > 0 && parsed.every((cidr) => cidr && NOT_A_SOURCE.some((range) => intersectCidrs(range, cidr)?.prefix === cidr.prefix))) {
      return negate ? out : [...out, { kind: 'impossible', why: `${written}: a local source address is never multicast or broadcast` }];
    }
    return unknown();
  }
  if (!selector.field) return unknown();
  if (values.some((value) => value.kind === 'opaque' || value.kind === 'concat')) return unknown();

  switch (selector.field) {
    case 'family': {
      if (ordered) return unknown();
      const { atoms, bad } = atomTexts(values);
      const families = atoms.map((atom) => (atom === 'ipv4' || atom === 'ip' ? 'ipv4' : atom === 'ipv6' || atom === 'ip6' ? 'ipv6' : undefined));
      if (bad.length > 0 || families.some((family) => !family)) return unknown();
      const chosen = new Set(families as IpFamily[]);
      const kept = (['ipv4', 'ipv6'] as const).filter((family) => chosen.has(family) !== negate);
      if (kept.length === 0) return [...out, { kind: 'impossible', why: `${written} matches no IP family` }];
      if (kept.length === 1) out.push({ kind: 'family', family: kept[0] as IpFamily });
      return out;
    }
    case 'daddr': {
      if (ordered) return unknown();
      const { cidrs, bad } = addressValues(values);
      if (bad.length > 0) return unknown(`${bad.join(', ')}: not an address, prefix or range`);
      out.push({ kind: 'field', field: 'daddr', match: negate ? { values: cidrs, negate } : { values: cidrs } });
      return out;
    }
    case 'protocol': {
      if (ordered) return unknown();
      const { atoms, bad } = atomTexts(values);
      const names = atoms.map(protocolName);
      if (bad.length > 0 || names.some((name) => !name)) return unknown();
      out.push({ kind: 'field', field: 'protocol', match: negate ? { values: names as string[], negate } : { values: names as string[] } });
      return out;
    }
    case 'dport':
    case 'uid': {
      const isPort = selector.field === 'dport';
      const max = isPort ? PORT_MAX : UID_MAX;
      const names = isPort ? (name: string) => SERVICES.get(name) : (name: string) => (name === 'root' ? 0 : context.resolveUser?.(name));
      const { ranges, bad } = rangeValues(values, names, max);
      if (bad.length > 0) return unknown(isPort ? `${bad.join(', ')}: not a port or known service name` : `${bad.join(', ')}: not a uid or a user of the target`);
      let list = ranges;
      let neg = negate;
      if (ordered) {
        if (ranges.length !== 1 || ranges[0]?.[0] !== ranges[0]?.[1]) return unknown();
        const n = ranges[0]?.[0] as number;
        const bounds: Record<string, Range> = { '<': [0, n - 1], '<=': [0, n], '>': [n + 1, max], '>=': [n, max] };
        const range = bounds[op] as Range;
        list = range[0] <= range[1] ? [range] : [];
        neg = false;
      }
      out.push({ kind: 'field', field: selector.field, match: neg ? { values: list, negate: true } : { values: list } });
      return out;
    }
    case 'oif':
    case 'iif': {
      if (ordered) return unknown();
      const { atoms, bad } = atomTexts(values);
      if (bad.length > 0) return unknown();
      const names = atoms.map((atom) => atom.replace(/^"(.*)"$/, '$1').replace(/\\\*$/, '*'));
      out.push({ kind: 'field', field: selector.field, match: negate ? { values: names, negate } : { values: names } });
      return out;
    }
    case 'ctState':
    case 'addrType': {
      if (ordered) return unknown();
      const { atoms, bad } = atomTexts(values);
      const universe = selector.field === 'ctState' ? CT_STATES : ADDRESS_TYPES;
      const names = atoms.flatMap((atom) => atom.split(/[|,]/)).map((atom) => atom.trim().toLowerCase()).filter(Boolean);
      if (bad.length > 0 || names.some((name) => !universe.includes(name))) return unknown();
      out.push({ kind: 'field', field: selector.field, match: negate ? { values: names, negate } : { values: names } });
      return out;
    }
  }
}

// --- intersecting two conditions on one field -----------------------------------------------------

function normaliseRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [low, high] of sorted) {
    const last = out[out.length - 1];
    if (last && low <= last[1] + 1) last[1] = Math.max(last[1], high);
    else out.push([low, high]);
  }
  return out;
}

function positiveRanges(match: FieldMatch<Range>, max: number): Range[] {
  const ranges = normaliseRanges(match.values);
  if (!match.negate) return ranges;
  const out: Range[] = [];
  let next = 0;
  for (const [low, high] of ranges) {
    if (low > next) out.push([next, low - 1]);
    next = Math.max(next, high + 1);
  }
  if (next <= max) out.push([next, max]);
  return out;
}

function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [al, ah] of a) for (const [bl, bh] of b) if (Math.max(al, bl) <= Math.min(ah, bh)) out.push([Math.max(al, bl), Math.min(ah, bh)]);
  return normaliseRanges(out);
}

function mergeFinite(a: FieldMatch<string>, b: FieldMatch<string>, universe: readonly string[]): FieldMatch<string> {
  const positive = (match: FieldMatch<string>) => universe.filter((item) => match.values.includes(item) !== Boolean(match.negate));
  const left = positive(a);
  return { values: positive(b).filter((item) => left.includes(item)) };
}

function mergeNames(a: FieldMatch<string>, b: FieldMatch<string>): FieldMatch<string> {
  if (a.negate && b.negate) return { values: [...new Set([...a.values, ...b.values])], negate: true };
  if (!a.negate && !b.negate) return { values: a.values.filter((value) => b.values.includes(value)) };
  const [pos, neg] = a.negate ? [b, a] : [a, b];
  return { values: pos.values.filter((value) => !neg.values.includes(value)) };
}

function mergeAddresses(a: FieldMatch<string>, b: FieldMatch<string>): FieldMatch<string> | undefined {
  const parse = (values: readonly string[]) => values.map((value) => parseCidr(value));
  const left = parse(a.values);
  const right = parse(b.values);
  if (left.some((cidr) => !cidr) || right.some((cidr) => !cidr)) return undefined;
  if (a.negate && b.negate) return { values: [...new Set([...a.values, ...b.values])], negate: true };
  if (!a.negate && !b.negate) {
    const out: string[] = [];
    for (const x of left as Cidr[]) for (const y of right as Cidr[]) {
      const common = intersectCidrs(x, y);
      if (common) out.push(formatCidr(common));
    }
    return { values: [...new Set(out)] };
  }
  const [pos, neg] = a.negate ? [right as Cidr[], left as Cidr[]] : [left as Cidr[], right as Cidr[]];
  let pieces = pos;
  for (const cut of neg) pieces = pieces.flatMap((piece) => subtractCidr(piece, cut));
  if (pieces.length > 4096) return undefined;
  return { values: [...new Set(pieces.map(formatCidr))] };
}

function patternCovers(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function mergeInterfaces(a: FieldMatch<string>, b: FieldMatch<string>): FieldMatch<string> | undefined {
  if (a.negate && b.negate) return { values: [...new Set([...a.values, ...b.values])], negate: true };
  if (!a.negate && !b.negate) {
    const out = new Set<string>();
    for (const x of a.values) for (const y of b.values) {
      if (patternCovers(x, y.replace(/\*$/, '')) || patternCovers(x, y)) out.add(y);
      else if (patternCovers(y, x.replace(/\*$/, '')) || patternCovers(y, x)) out.add(x);
    }
    return { values: [...out] };
  }
  const [pos, neg] = a.negate ? [b, a] : [a, b];
  const kept: string[] = [];
  for (const name of pos.values) {
    if (neg.values.some((pattern) => patternCovers(pattern, name.replace(/\*$/, '')) && (!name.endsWith('*') || pattern.endsWith('*')))) continue;
    // A wildcard only partly excluded (`eth*` but not `eth1`) has no single list form.
    if (name.endsWith('*') && neg.values.some((pattern) => pattern.startsWith(name.slice(0, -1)))) return undefined;
    kept.push(name);
  }
  return { values: kept };
}

/** The match a list of conditions makes together. */
export function buildMatch(conditions: readonly Condition[]): Match {
  const match: Match = {};
  const unknown: string[] = [];
  for (const condition of conditions) {
    if (condition.kind === 'unknown') {
      if (!unknown.includes(condition.construct)) unknown.push(condition.construct);
      continue;
    }
    if (condition.kind === 'impossible') {
      match.impossible ??= condition.why;
      continue;
    }
    if (condition.kind === 'family') {
      if (match.family && match.family !== condition.family) match.impossible ??= 'it asks for both IPv4 and IPv6';
      else match.family = condition.family;
      continue;
    }
    const field = condition.field;
    const existing = match[field] as FieldMatch<string> | FieldMatch<Range> | undefined;
    if (!existing) {
      (match as Record<string, unknown>)[field] = condition.match;
      continue;
    }
    let merged: FieldMatch<string> | FieldMatch<Range> | undefined;
    if (field === 'dport' || field === 'uid') {
      const max = field === 'dport' ? PORT_MAX : UID_MAX;
      merged = { values: intersectRanges(positiveRanges(existing as FieldMatch<Range>, max), positiveRanges(condition.match as FieldMatch<Range>, max)) };
    } else if (field === 'ctState') merged = mergeFinite(existing as FieldMatch<string>, condition.match as FieldMatch<string>, CT_STATES);
    else if (field === 'addrType') merged = mergeFinite(existing as FieldMatch<string>, condition.match as FieldMatch<string>, ADDRESS_TYPES);
    else if (field === 'protocol') merged = mergeNames(existing as FieldMatch<string>, condition.match as FieldMatch<string>);
    else if (field === 'daddr') merged = mergeAddresses(existing as FieldMatch<string>, condition.match as FieldMatch<string>);
    else merged = mergeInterfaces(existing as FieldMatch<string>, condition.match as FieldMatch<string>);
    if (merged) (match as Record<string, unknown>)[field] = merged;
    else unknown.push(`two ${field} matches that cannot be combined`);
  }
  if (unknown.length > 0) match.unknown = unknown;
  return match;
}

// ---------------------------------------------------------------------------------------------------
// Rules with alternatives (concatenated sets, verdict maps) expanded into plain rules

/** One alternative of a set or verdict map: its conditions, and for a verdict map its verdict. */
export interface Alternative {
  conditions: Condition[];
  action?: RuleAction;
}

/** The most plain rules one written rule may expand to before it is kept whole with an unknown construct. */
export const MAX_EXPANSION = 4096;

/**
 * The plain rules a written rule stands for. Alternatives of one set or map are disjoint (nft refuses
 * duplicate or overlapping keys), so the rules in a row give the same first verdict the lookup would.
 */
export function expandRule(
  conditions: readonly Condition[],
  groups: readonly Alternative[][],
  action: RuleAction,
): { match: Match; action: RuleAction }[] {
  let rows: { conditions: Condition[]; action: RuleAction }[] = [{ conditions: [...conditions], action }];
  for (const group of groups) {
    const next: typeof rows = [];
    for (const row of rows) {
      for (const alternative of group) {
        next.push({ conditions: [...row.conditions, ...alternative.conditions], action: alternative.action ?? row.action });
      }
    }
    rows = next;
  }
  return rows.map((row) => ({ match: buildMatch(row.conditions), action: row.action }));
}

/** Number of plain rules the groups would make. */
export function expansionSize(groups: readonly Alternative[][]): number {
  return groups.reduce((product, group) => product * group.length, 1);
}

/**
 * The plain rules a written rule stands for, or, when its sets and maps would make more than
 * MAX_EXPANSION of them, the rule kept whole (alternatives left out) with an unknown construct saying so;
 * `note` is told that construct.
 */
export function expandOrKeepWhole(
  conditions: readonly Condition[],
  groups: readonly Alternative[][],
  action: RuleAction,
  note: (construct: string) => void,
): { match: Match; action: RuleAction }[] {
  if (expansionSize(groups) > MAX_EXPANSION) {
    const construct = `a set or map of more than ${MAX_EXPANSION} combinations`;
    note(construct);
    return expandRule([...conditions, { kind: 'unknown', construct }], [], action);
  }
  return expandRule(conditions, groups, action);
}

/** A verdict word of the nft language or JSON to a model action (undefined when not a verdict). */
export function verdictAction(word: string, target?: string): RuleAction | undefined {
  switch (word) {
    case 'accept':
      return { kind: 'accept' };
    case 'drop':
      return { kind: 'drop' };
    case 'reject':
      return { kind: 'reject' };
    case 'return':
      return { kind: 'return' };
    case 'continue':
      return { kind: 'continue' };
    case 'jump':
    case 'goto':
      return target ? { kind: word, chain: target } : undefined;
    default:
      return undefined;
  }
}

/** Conditions for one set element against a concatenation of selectors (`ip daddr . tcp dport`). */
export function concatAlternative(selectors: readonly Selector[], element: NftValue, context: ValueContext): Condition[] | undefined {
  const parts = element.kind === 'concat' ? element.parts : [element];
  if (parts.length !== selectors.length) return undefined;
  return selectors.flatMap((selector, index) => relation(selector, '==', [parts[index] as NftValue], context));
}
