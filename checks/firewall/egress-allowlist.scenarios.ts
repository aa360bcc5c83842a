import { WINDOWS_FIREWALL_COMMAND_LINE } from '../../src/collectors/firewall/windows.js';
import { HARDENED_OUTPUT, NFT_JSON_AGENT_UID, PF_APPLE_DEFAULT, WEAK_OUTPUT, WIN_ALL_BLOCK, WIN_HARDENED_RULES, nftConf, nftJson, nftWithOutput, pfctl, socketfilterfw, windowsFirewall } from '../firewall-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const PROXY = { egress: { allow: ['10.20.30.40:3128'] } };
const PF_PROXY_ONLY = `${PF_APPLE_DEFAULT}block drop out all\npass out quick on lo0 all flags S/SA keep state\npass out quick inet proto tcp from any to 10.20.30.40 port = 3128 flags S/SA keep state\n`;

export default defineScenarios('firewall.egress-allowlist', [
  {
    name: 'linux: only the proxy is allowed: it is reachable, every default probe is denied',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(HARDENED_OUTPUT))),
    params: PROXY,
    expect: { status: 'pass', message: '7 probe verdict(s) deny for any process, 1 allowlisted destination check(s) allowed' },
  },
  {
    name: 'linux: a host name no rule names is reported as unverifiable, not failed',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(HARDENED_OUTPUT))),
    params: { egress: { allow: ['10.20.30.40:3128', 'api.anthropic.com:443'] } },
    expect: { status: 'pass', message: 'unverifiable (a host name no rule names; a packet filter sees addresses): api.anthropic.com:443' },
  },
  {
    name: 'linux: output policy accept with a DNS rule: every probe gets out, the DNS ones by the DNS rule',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(WEAK_OUTPUT))),
    params: PROXY,
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/nftables.conf', line: 14, subject: 'system', message: 'probes 1.1.1.1:443/tcp, 9.9.9.9:53/tcp, 140.82.112.3:22/tcp, 185.199.108.133:80/tcp, [2606:4700:4700::1111]:443/tcp are reachable for any process: no rule decided: allowed by the accept policy of inet filter output', actions: ['firewall-egress'] },
        { path: '/etc/nftables.conf', line: 17, message: 'probes 8.8.8.8:53/udp, [2001:4860:4860::8888]:53/udp are reachable for any process: accepted by "udp dport 53 accept"' },
      ],
    },
  },
  {
    name: 'linux: the allowlist names a destination the ruleset rejects',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(HARDENED_OUTPUT))),
    params: { egress: { allow: ['10.20.30.40:3128', '203.0.113.0/28:443'] } },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/nftables.conf', line: 20, message: 'egress.allow 203.0.113.0/28:443 is denied for any process (203.0.113.0:443/tcp): rejected by', actions: ['firewall-egress'] },
        { path: '/etc/nftables.conf', line: 20, message: 'egress.allow 203.0.113.0/28:443 is denied for any process (203.0.113.15:443/tcp)' },
      ],
    },
  },
  {
    name: 'linux: the agent\'s uid may reach any web server: the 443 and 80 probes get out by that rule',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: nftJson(NFT_JSON_AGENT_UID) }),
    params: { agentUser: 'claude' },
    expect: {
      status: 'fail',
      findings: [{ message: 'probes 1.1.1.1:443/tcp, 185.199.108.133:80/tcp, [2606:4700:4700::1111]:443/tcp are reachable for claude (uid 1001): accepted by "meta skuid 1001 tcp dport { 80, 443 } accept" (chain inet filter output handle 7)' }],
    },
  },
  {
    name: 'linux: a probe on the allowlist is not run',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { commands: nftJson(NFT_JSON_AGENT_UID) }),
    params: { agentUser: 'claude', egress: { allow: ['0.0.0.0/0:443', '0.0.0.0/0:80', '[::/0]:443'] } },
    expect: { status: 'pass', message: 'probes not run: 1.1.1.1:443/tcp (on the allowlist), 185.199.108.133:80/tcp (on the allowlist), [2606:4700:4700::1111]:443/tcp (on the allowlist)' },
  },
  {
    name: 'linux: a host name the ruleset names (nft resolves it at load) is evaluated as an address of its own',
    platform: 'linux',
    endpoint: endpoint('linux', nftConf(nftWithOutput(['type filter hook output priority filter; policy drop;', 'oif "lo" accept', 'ip daddr api.anthropic.com tcp dport 443 accept'].join('\n')))),
    params: { egress: { allow: ['api.anthropic.com:443'], probes: ['8.8.8.8:53/udp', '140.82.112.3:22/tcp'] } },
    expect: { status: 'pass', message: '2 probe verdict(s) deny for any process, 1 allowlisted destination check(s) allowed' },
  },
  {
    name: 'darwin: pf blocks a host the allowlist needs',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(true, `${PF_PROXY_ONLY.replace('block drop out all\n', 'block drop out all\nblock return out quick proto tcp from any to api.anthropic.com port = 443\n')}`), ...socketfilterfw(1) } }),
    params: { egress: { allow: ['10.20.30.40:3128', 'api.anthropic.com:443'], probes: ['8.8.8.8:53/udp'] } },
    expect: {
      status: 'fail',
      findings: [{ message: 'pf (pfctl -s rules): egress.allow api.anthropic.com:443 is denied for any process (api.anthropic.com:443/tcp): rejected by "block return out quick proto tcp from any to api.anthropic.com port = 443" (pfctl -s rules:4)', actions: ['firewall-egress'] }],
    },
  },
  {
    name: 'darwin: pf allows only the proxy',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(true, PF_PROXY_ONLY), ...socketfilterfw(1) } }),
    params: PROXY,
    expect: { status: 'pass', message: '7 probe verdict(s) deny' },
  },
  {
    name: 'darwin: pf passes any web traffic out',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(true, `${PF_APPLE_DEFAULT}block drop out all\npass out quick proto tcp from any to any port = 443 flags S/SA keep state\npass out quick proto tcp from any to any port = 80 flags S/SA keep state\n`), ...socketfilterfw(1) } }),
    expect: {
      status: 'fail',
      findings: [
        { message: 'pf (pfctl -s rules): probes 1.1.1.1:443/tcp, [2606:4700:4700::1111]:443/tcp are reachable for any process: accepted by "pass out quick proto tcp from any to any port = 443 flags S/SA keep state" (pfctl -s rules:4)' },
        { message: /probe 185\.199\.108\.133:80\/tcp \(GitHub Pages.*\) is reachable .*port = 80/ },
      ],
    },
  },
  {
    name: 'darwin: pf disabled: every probe is reachable',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: { ...pfctl(false, PF_PROXY_ONLY), ...socketfilterfw(1) } }),
    expect: { status: 'fail', message: '7 probe(s) reachable: no active firewall', findings: [{ message: 'probe 1.1.1.1:443/tcp is reachable: no active firewall (pf) (Cloudflare' }, {}, {}, {}, {}, {}, {}] },
  },
  {
    name: 'win32: outbound Block with allow rules for DNS and the proxy',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, WIN_ALL_BLOCK, WIN_HARDENED_RULES) }),
    params: PROXY,
    expect: { status: 'pass', message: '21 probe verdict(s) deny for any process, 3 allowlisted destination check(s) allowed' },
  },
  {
    name: 'win32: outbound Block, but an allow rule for any HTTPS server (Private profile only)',
    platform: 'win32',
    endpoint: endpoint('win32', {}, {
      commands: windowsFirewall(WINDOWS_FIREWALL_COMMAND_LINE, WIN_ALL_BLOCK, [...WIN_HARDENED_RULES, { name: '{6c4b1f2e-1111-4c1e-9a57-4be0a7d1f001}', displayName: 'Allow HTTPS out', action: 'Allow', protocol: 'TCP', remotePort: ['443'], profile: 'Private' }]),
    }),
    params: PROXY,
    expect: {
      status: 'fail',
      findings: [{ message: 'Windows Firewall, Private profile: probes 1.1.1.1:443/tcp, [2606:4700:4700::1111]:443/tcp are reachable for any process: accepted by "rule \"Allow HTTPS out\" ({6c4b1f2e-1111-4c1e-9a57-4be0a7d1f001})" (Get-NetFirewallProfile/Get-NetFirewallRule)', actions: ['firewall-egress'] }],
    },
  },
]);
