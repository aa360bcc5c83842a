import { WINDOWS_FIREWALL_COMMAND_LINE } from '../../src/collectors/firewall/windows.js';
import { HARDENED_OUTPUT, PF_APPLE_DEFAULT, WEAK_OUTPUT, WIN_ALL_BLOCK, WIN_HARDENED_RULES, nftConf, nftWithOutput, pfctl, socketfilterfw, windowsFirewall } from '../firewall-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

// DNS to any private resolver (the home router included), the rest dropped: lines 14-19.
const PRIVATE_DNS_OUTPUT = [
  'type filter hook output priority filter; policy drop;',
  'oif "lo" accept',
  'ct state established,related accept',
  'ip daddr { 10.0.0.0/8, 192.168.0.0/16 } udp dport 53 accept',
  'ip daddr { 10.0.0.0/8, 192.168.0.0/16 } tcp dport { 53, 853 } accept',
  'ip6 daddr fc00::/7 meta l4proto { tcp, udp } th dport 53 accept',
].join('\n');

export default defineScenarios('firewall.dns-egress', [
  {
    name: 'linux: DNS only to the corporate resolver; no allowedResolvers: public name servers are what must be denied',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(HARDENED_OUTPUT))),
    expect: { status: 'pass', message: /DNS to 7 address\(es\) outside the resolvers is denied \(21 verdict\(s\)\) for any process; .*no allowedResolvers in the baseline/ },
  },
  {
    name: 'linux: with allowedResolvers, the listed resolver is reachable and a home router is not',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(HARDENED_OUTPUT))),
    params: { allowedResolvers: ['10.20.0.53', '10.20.0.54'] },
    expect: { status: 'pass', message: /^DNS to 9 address\(es\) outside the resolvers is denied \(27 verdict\(s\)\) for any process; DNS to the resolver 10\.20\.0\.54 \(53\/udp\) is denied/ },
  },
  {
    name: 'linux: output policy accept and a DNS rule for any address',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(WEAK_OUTPUT))),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/nftables.conf', line: 17, subject: 'system', message: 'DNS is allowed for any process: 53/udp to 8.8.8.8 (Google Public DNS), 1.1.1.1 (Cloudflare), 9.9.9.9 (Quad9),', actions: ['firewall-egress'] },
        { path: '/etc/nftables.conf', line: 14, message: /DNS is allowed for any process: 53\/tcp, 853\/tcp to 8\.8\.8\.8 \(Google Public DNS\), .*198\.51\.100\.53 \(any other public name server\), 2001:db8::53 \(any other public name server\): no rule decided: allowed by the accept policy/ },
      ],
    },
  },
  {
    name: 'linux: DNS to every private range is fine without allowedResolvers',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(PRIVATE_DNS_OUTPUT))),
    expect: { status: 'pass' },
  },
  {
    name: 'linux: with allowedResolvers, DNS to every private range lets the home router answer',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(PRIVATE_DNS_OUTPUT))),
    params: { allowedResolvers: ['10.20.0.53'] },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/nftables.conf', line: 17, message: 'DNS is allowed for any process: 53/udp to 192.168.1.1: accepted by' },
        { path: '/etc/nftables.conf', line: 18, message: '53/tcp, 853/tcp to 192.168.1.1: accepted by' },
        { path: '/etc/nftables.conf', line: 19, message: '53/udp, 53/tcp to fd00::1: accepted by' },
      ],
    },
  },
  {
    name: 'darwin: pf lets DNS out only to the corporate resolver',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(true, `${PF_APPLE_DEFAULT}block drop out all\npass out quick proto udp from any to 10.20.0.53 port = 53 keep state\npass out quick proto tcp from any to 10.20.0.53 port = 53 flags S/SA keep state\n`), ...socketfilterfw(1) } }),
    params: { allowedResolvers: ['10.20.0.53'] },
    expect: { status: 'pass', message: 'DNS to 9 address(es) outside the resolvers is denied' },
  },
  {
    name: 'darwin: pf passes DNS to anywhere',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(true, `${PF_APPLE_DEFAULT}block drop out all\npass out quick proto udp from any to any port = 53 keep state\npass out quick proto tcp from any to any port = 853 flags S/SA keep state\n`), ...socketfilterfw(1) } }),
    expect: {
      status: 'fail',
      findings: [
        { message: 'pf (pfctl -s rules): DNS is allowed for any process: 53/udp to 8.8.8.8 (Google Public DNS), 1.1.1.1 (Cloudflare)' },
        { message: /: 853\/tcp to 8\.8\.8\.8 \(Google Public DNS\), .*pfctl -s rules:5/ },
      ],
    },
  },
  {
    name: 'win32: DNS allowed to the corporate resolver only',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, WIN_ALL_BLOCK, WIN_HARDENED_RULES) }),
    params: { allowedResolvers: ['10.20.0.53'] },
    expect: { status: 'pass', message: 'DNS to 9 address(es) outside the resolvers is denied (81 verdict(s))' },
  },
  {
    name: 'win32: an allow rule for UDP 53 to anywhere, in every profile',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, WIN_ALL_BLOCK, [{ name: 'DNS-Out-Any', displayName: 'DNS out', action: 'Allow', protocol: 'UDP', remotePort: ['53'] }]),
    }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'Windows Firewall, Domain profile: DNS is allowed for any process: 53/udp to 8.8.8.8 (Google Public DNS)', actions: ['firewall-egress'] },
        { message: 'Windows Firewall, Private profile: DNS is allowed for any process: 53/udp to 8.8.8.8' },
        { message: 'Windows Firewall, Public profile: DNS is allowed for any process: 53/udp to 8.8.8.8' },
      ],
    },
  },
]);
