import { WINDOWS_FIREWALL_COMMAND_LINE } from '../../src/collectors/firewall/windows.js';
import { HARDENED_OUTPUT, NFT_JSON_AGENT_UID, NFT_JSON_HARDENED, PF_APPLE_DEFAULT, WEAK_OUTPUT, WIN_ALL_BLOCK, WIN_DEFAULT, WIN_HARDENED_RULES, nftConf, nftJson, nftWithOutput, pfctl, socketfilterfw, windowsFirewall } from '../firewall-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const IPTABLES_V4_DROP = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A OUTPUT -d 10.20.30.40/32 -p tcp -m tcp --dport 3128 -j ACCEPT\nCOMMIT\n';
const IP6TABLES_OPEN = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n';

export default defineScenarios('firewall.egress-default-deny', [
  {
    name: 'linux: nftables.conf (enabled at boot) with output policy drop',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(HARDENED_OUTPUT))),
    expect: { status: 'pass', message: /outbound is denied by default for any process: IPv4 in nftables configuration \/etc\/nftables\.conf .*rejected by "reject with icmpx type admin-prohibited" \(\/etc\/nftables\.conf:20\)/ },
  },
  {
    name: 'linux: the loaded ruleset (nft -j list ruleset) with output policy drop',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: nftJson(NFT_JSON_HARDENED) }),
    expect: { status: 'pass', message: 'IPv6 in nftables ruleset (nft -j list ruleset)' },
  },
  {
    name: 'linux: policy accept, only the agent\'s uid is confined, and the baseline names the agent user: denied for it',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: nftJson(NFT_JSON_AGENT_UID) }),
    params: { agentUser: 'claude' },
    expect: { status: 'pass', message: 'outbound is denied by default for claude (uid 1001)' },
  },
  {
    name: 'linux: the same ruleset without agentUser: the default depends on the uid, so it cannot be shown',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: nftJson(NFT_JSON_AGENT_UID) }),
    expect: {
      status: 'fail',
      findings: [{ message: /IPv4 and IPv6 cannot be shown to deny outbound traffic by default for any process: .*socket owner uid/, actions: ['firewall-egress'] }],
    },
  },
  {
    name: 'linux: nftables.conf with output policy accept: one finding at the policy, both families',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(WEAK_OUTPUT))),
    expect: {
      status: 'fail',
      findings: [{ path: '/etc/nftables.conf', line: 14, subject: 'system', message: 'IPv4 and IPv6 allow outbound traffic by default for any process: no rule decided: allowed by the accept policy of inet filter output', actions: ['firewall-egress'] }],
    },
  },
  {
    name: 'linux: iptables drops IPv4 by default, but ip6tables leaves IPv6 open',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: { 'iptables-save': { stdout: IPTABLES_V4_DROP }, 'ip6tables-save': { stdout: IP6TABLES_OPEN } } }),
    expect: { status: 'fail', findings: [{ message: /IPv6 allows outbound traffic by default .*ACCEPT|accept/, actions: ['firewall-egress'] }] },
  },
  {
    name: 'linux: no firewall at all: both families open',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    expect: { status: 'fail', findings: [{ message: 'IPv4: no active firewall filters outgoing traffic' }, { message: 'IPv6: no active firewall filters outgoing traffic' }] },
  },
  {
    name: 'darwin: pf enabled, block out by default, loopback and the proxy allowed',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(true, `${PF_APPLE_DEFAULT}block drop out all\npass out quick on lo0 all flags S/SA keep state\npass out quick inet proto tcp from any to 10.20.30.40 port = 3128 flags S/SA keep state\n`), ...socketfilterfw(1) } }),
    expect: { status: 'pass', message: 'IPv4 in pf (pfctl -s rules) (' },
  },
  {
    name: 'darwin: pf disabled (the application firewall is on, inbound only): outbound open',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(false, `${PF_APPLE_DEFAULT}block drop out all\n`), ...socketfilterfw(1) } }),
    expect: { status: 'fail', message: 'pf (pfctl -s rules) is inactive', findings: [{ message: 'IPv4: no active firewall' }, { message: 'IPv6: no active firewall' }] },
  },
  {
    name: 'win32: every profile blocks outbound by default (allow rules for DNS and the proxy)',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, WIN_ALL_BLOCK, WIN_HARDENED_RULES) }),
    expect: { status: 'pass', message: 'IPv4 in Windows Firewall, Public profile (' },
  },
  {
    name: 'win32: the Windows default (outbound NotConfigured = Allow) in every profile',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, WIN_DEFAULT, WIN_HARDENED_RULES) }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'Windows Firewall, Domain profile: IPv4 and IPv6 allow outbound traffic by default', actions: ['firewall-egress'] },
        { message: 'Windows Firewall, Private profile: IPv4 and IPv6 allow outbound traffic by default' },
        { message: 'Windows Firewall, Public profile: IPv4 and IPv6 allow outbound traffic by default' },
      ],
    },
  },
  {
    name: 'win32: outbound Block, but the Public profile is off',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, [WIN_ALL_BLOCK[0] as never, WIN_ALL_BLOCK[1] as never, { name: 'Public', enabled: false, outbound: 'Block' }]) }),
    expect: { status: 'fail', findings: [{ message: 'Windows Firewall, Public profile is off (Get-NetFirewallProfile/Get-NetFirewallRule (ActiveStore): Public profile Enabled False): on such a network nothing filters outbound traffic, IPv4 and IPv6 alike', actions: ['firewall-egress'] }] },
  },
]);
