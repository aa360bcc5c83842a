// Builders for the firewall scenarios: rulesets as the backends read them (nftables.conf with its boot
// service, `nft -j list ruleset`, iptables-save, ufw files, pfctl output, Windows Firewall cmdlets).
import type { ReplayCommand, ReplayEntry } from '../src/host/replay-host.js';

type Commands = Record<string, ReplayCommand>;
type Files = Record<string, ReplayEntry>;

const NFT_UNIT = '[Unit]\nDescription=nftables\nDefaultDependencies=no\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\n\n[Install]\nWantedBy=sysinit.target\n';

/** /etc/nftables.conf, and nftables.service installed; enabled at boot (its sysinit.target.wants link) unless `enabled` is false. */
export function nftConf(text: string, enabled = true, extra: Files = {}): Files {
  const files: Files = {
    '/etc/nftables.conf': { mode: '0755', uid: 0, gid: 0, content: text },
    '/lib/systemd/system/nftables.service': { mode: '0644', uid: 0, gid: 0, content: NFT_UNIT },
    '/etc/systemd/system': { type: 'dir', mode: '0755', uid: 0, gid: 0 },
    ...extra,
  };
  if (enabled) files['/etc/systemd/system/sysinit.target.wants/nftables.service'] = { type: 'symlink', target: '/lib/systemd/system/nftables.service' };
  return files;
}

/** An inbound firewall (drop by default, ssh allowed) whose output chain is given, in the inet filter table. */
export function nftWithOutput(output: string): string {
  return [
    '#!/usr/sbin/nft -f',
    '',
    'flush ruleset',
    '',
    'table inet filter {',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tiif "lo" accept',
    '\t\tct state established,related accept',
    '\t\ttcp dport 22 accept',
    '\t}',
    '',
    '\tchain output {',
    ...output.split('\n').map((line) => `\t\t${line}`),
    '\t}',
    '}',
    '',
  ].join('\n');
}

/**
 * A hardened output chain for the default parameters (no allowlist, no resolvers): loopback, replies,
 * DNS to the corporate resolver (private), the corporate proxy, then reject. Lines 14-20 of nftWithOutput.
 */
export const HARDENED_OUTPUT = [
  'type filter hook output priority filter; policy drop;',
  'oif "lo" accept',
  'ct state established,related accept',
  'ip daddr 10.20.0.53 udp dport 53 accept',
  'ip daddr 10.20.0.53 tcp dport { 53, 853 } accept',
  'ip daddr 10.20.30.40 tcp dport 3128 accept comment "corporate proxy"',
  'reject with icmpx type admin-prohibited',
].join('\n');

/**
 * A weak output chain: policy accept, with a DNS rule that looks like hardening but lets DNS go anywhere.
 * Lines: 14 type/policy, 15 lo, 16 established, 17 udp 53 (the DNS hole).
 */
export const WEAK_OUTPUT = ['type filter hook output priority filter; policy accept;', 'oif "lo" accept', 'ct state established,related accept', 'udp dport 53 accept'].join('\n');

/** The wants link that enables a unit at boot, for other backends (ufw, netfilter-persistent). */
export function enabledUnit(target: string, unit: string): Files {
  return {
    [`/lib/systemd/system/${unit}`]: { mode: '0644', uid: 0, gid: 0, content: `[Unit]\nDescription=${unit}\n` },
    [`/etc/systemd/system/${target}.wants/${unit}`]: { type: 'symlink', target: `/lib/systemd/system/${unit}` },
  };
}

/** ufw installed with ENABLED=yes|no, its defaults and (optionally) user rules. */
export function ufw(enabled: boolean, outputPolicy: 'ACCEPT' | 'DROP' | 'REJECT', userRules = ''): Files {
  return {
    '/etc/ufw/ufw.conf': { mode: '0644', uid: 0, gid: 0, content: `# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot. If setting this remotely, be sure to add a rule\n# to allow your remote connection before starting ufw. Eg: 'ufw allow 22/tcp'\nENABLED=${enabled ? 'yes' : 'no'}\n\n# Please use the 'ufw' command to set the loglevel. Eg: 'ufw logging medium'.\n# See 'man ufw' for details.\nLOGLEVEL=low\n` },
    '/etc/default/ufw': { mode: '0644', uid: 0, gid: 0, content: `# /etc/default/ufw\n#\n\nIPV6=yes\n\nDEFAULT_INPUT_POLICY="DROP"\n\nDEFAULT_OUTPUT_POLICY="${outputPolicy}"\n\nDEFAULT_FORWARD_POLICY="DROP"\n\nDEFAULT_APPLICATION_POLICY="SKIP"\n\nMANAGE_BUILTINS=no\n\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n\nIPT_MODULES=""\n` },
    ...(userRules ? { '/etc/ufw/user.rules': { mode: '0640', uid: 0, gid: 0, content: userRules } } : {}),
  };
}

/** `pfctl -s info` and `pfctl -s rules` of a Mac (pfctl run as root). */
export function pfctl(enabled: boolean, rules: string): Commands {
  return {
    'pfctl -s info': { stdout: `Status: ${enabled ? 'Enabled' : 'Disabled'} for 0 days 02:11:45          Debug: Urgent\n\nState Table                          Total             Rate\n  current entries                       12               \n  searches                           48211            6.1/s\n` },
    'pfctl -s rules': { stdout: rules },
  };
}

/** Apple's loaded default rules: anchors only, nothing blocked. */
export const PF_APPLE_DEFAULT = 'scrub-anchor "com.apple/*" all fragment reassemble\nanchor "com.apple/*" all\n';

/** `socketfilterfw --getglobalstate` (the application firewall, inbound only). */
export function socketfilterfw(state: 0 | 1 | 2): Commands {
  const text = state === 0 ? 'Firewall is disabled. (State = 0)' : state === 1 ? 'Firewall is enabled. (State = 1)' : 'Firewall is blocking all non-essential incoming connections. (State = 2)';
  return { '/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate': { stdout: `${text}\n` } };
}

// `nft -j list ruleset` as nft 1.0.6 printed them after loading the rulesets in the comments (in a scratch
// network namespace): real JSON, handles and all.

/**
 * An inbound firewall whose output chain (policy accept) confines only the agent's uid 1001 to web ports and
 * 10/8: `meta skuid 1001 tcp dport { 80, 443 } accept` (handle 7), `meta skuid 1001 ip daddr 10.0.0.0/8
 * accept` (handle 8), `meta skuid 1001 drop` (handle 9).
 */
export const NFT_JSON_AGENT_UID = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "inet", "name": "filter", "handle": 1}}, {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}, {"chain": {"family": "inet", "table": "filter", "name": "output", "handle": 2, "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}}, {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iif"}}, "right": "lo"}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 4, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 5, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 7, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "skuid"}}, "right": 1001}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [80, 443]}}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 8, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "skuid"}}, "right": 1001}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 9, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "skuid"}}, "right": 1001}}, {"drop": null}]}}]}';

/** The hardened ruleset of HARDENED_OUTPUT, loaded: output policy drop, DNS to 10.20.0.53, the proxy 10.20.30.40:3128 (handle 8). */
export const NFT_JSON_HARDENED = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "inet", "name": "filter", "handle": 1}}, {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}, {"chain": {"family": "inet", "table": "filter", "name": "output", "handle": 2, "type": "filter", "hook": "output", "prio": 0, "policy": "drop"}}, {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iif"}}, "right": "lo"}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 4, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 5, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oif"}}, "right": "lo"}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 6, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 7, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.20.0.53"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 9, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.20.0.53"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [53, 853]}}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 10, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.20.30.40"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 3128}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 11, "expr": [{"reject": {"type": "icmpx", "expr": "admin-prohibited"}}]}}]}';

/** `nft -j list ruleset` recorded. */
export function nftJson(json: string): Commands {
  return { 'nft -j list ruleset': { stdout: `${json}\n` } };
}

export interface WinProfile {
  name: 'Domain' | 'Private' | 'Public';
  enabled: boolean;
  outbound: 'Allow' | 'Block' | 'NotConfigured';
}

export interface WinRule {
  name: string;
  displayName: string;
  action: 'Allow' | 'Block';
  protocol?: 'TCP' | 'UDP' | 'Any';
  remoteAddress?: string[];
  remotePort?: string[];
  profile?: string;
  program?: string;
  service?: string;
}

/** The JSON WINDOWS_FIREWALL_SCRIPT prints (profiles and enabled outbound rules of the ActiveStore), recorded under its command line. */
export function windowsFirewall(commandLine: string, profiles: WinProfile[], rules: WinRule[] = []): Commands {
  const json = {
    Profiles: profiles.map((profile) => ({ Name: profile.name, Enabled: profile.enabled ? 'True' : 'False', DefaultInboundAction: 'Block', DefaultOutboundAction: profile.outbound })),
    Rules: rules.map((rule) => ({
      Name: rule.name,
      DisplayName: rule.displayName,
      Action: rule.action,
      Profile: rule.profile ?? 'Any',
      Protocol: rule.protocol ?? 'Any',
      RemoteAddress: rule.remoteAddress ?? ['Any'],
      RemotePort: rule.remotePort ?? ['Any'],
      LocalAddress: ['Any'],
      LocalPort: ['Any'],
      Program: rule.program ?? 'Any',
      Package: '',
      Service: rule.service ?? 'Any',
      InterfaceType: 'Any',
      LocalUser: 'Any',
    })),
  };
  return { [commandLine]: { stdout: `${JSON.stringify(json)}\r\n` } };
}

export const WIN_ALL_BLOCK: WinProfile[] = [
  { name: 'Domain', enabled: true, outbound: 'Block' },
  { name: 'Private', enabled: true, outbound: 'Block' },
  { name: 'Public', enabled: true, outbound: 'Block' },
];

export const WIN_DEFAULT: WinProfile[] = [
  { name: 'Domain', enabled: true, outbound: 'NotConfigured' },
  { name: 'Private', enabled: true, outbound: 'NotConfigured' },
  { name: 'Public', enabled: true, outbound: 'NotConfigured' },
];

/** The allow rules the remediation writes for the default parameters (DNS to private ranges) plus the proxy. */
export const WIN_HARDENED_RULES: WinRule[] = [
  { name: 'cowork-audit-egress-dns-udp-53', displayName: 'cowork-audit egress: DNS', action: 'Allow', protocol: 'UDP', remotePort: ['53'], remoteAddress: ['10.20.0.53'] },
  { name: 'cowork-audit-egress-dns-tcp-53', displayName: 'cowork-audit egress: DNS', action: 'Allow', protocol: 'TCP', remotePort: ['53'], remoteAddress: ['10.20.0.53'] },
  { name: 'cowork-audit-egress-tcp-3128', displayName: 'cowork-audit egress: proxy', action: 'Allow', protocol: 'TCP', remotePort: ['3128'], remoteAddress: ['10.20.30.40'] },
];
