import { firewallRulesets } from '../../src/collectors/firewall.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { decisionKey, egressCheckParams, egressCheckStart, systemFinding } from '../../src/firewall/egress-check.js';
import { decideStack, inactiveLocation, locationOf, noFirewall, noteText, openText, type StackDecision } from '../../src/firewall/egress-judge.js';
import { egressCheckParamSchemas } from '../../src/firewall/egress-params.js';
import type { Destination, IpFamily } from '../../src/firewall/model.js';
import { AddressSet, ipFamily, parseCidr } from '../../src/network/ip.js';
import { publicResolverOperator } from '../../src/network/public-resolvers.js';

/** Where DNS must not go: well-known public resolvers, and a documentation address standing for an attacker's own name server. */
const PUBLIC_PROBES = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '2001:4860:4860::8888', '2606:4700:4700::1111', '198.51.100.53', '2001:db8::53'];
/** With allowedResolvers, also a home router's resolver (IPv4 and IPv6 ULA): the DHCP-given DNS the baseline replaces. */
const PRIVATE_PROBES = ['192.168.1.1', 'fd00::1'];
const PORTS: readonly { protocol: 'tcp' | 'udp'; port: number }[] = [
  { protocol: 'udp', port: 53 },
  { protocol: 'tcp', port: 53 },
  { protocol: 'tcp', port: 853 },
];
const NAME: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };
/** The firewall checks' params, allowedResolvers first: the order this check's docs have always listed them in. */
const { allowedResolvers, ...otherParams } = egressCheckParamSchemas;

function label(address: string): string {
  const operator = publicResolverOperator(address);
  if (operator) return `${address} (${operator})`;
  return address === '198.51.100.53' || address === '2001:db8::53' ? `${address} (any other public name server)` : address;
}

export default defineCheck({
  meta: {
    id: 'firewall.dns-egress',
    title: 'DNS (53/udp, 53/tcp, 853/tcp) leaves only to the corporate resolvers',
    area: 'firewall',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A resolver setting only says where the system asks; a process can still send queries anywhere port 53 is open, and DNS is the channel a ' +
      'prompt-injected agent uses to leak data a name at a time. This check evaluates the firewall for DNS and DNS over TLS to well-known public ' +
      'resolvers and to an arbitrary public name server, which must be denied. With the baseline\'s allowedResolvers (the network checks\' parameter) ' +
      'a private resolver outside it (a home router) must be denied too, and the listed resolvers should be reachable; without it, DNS to private ' +
      'ranges is not judged, like network.dns-resolvers only fails public resolvers then.',
    references: [
      { title: 'MITRE ATT&CK T1071.004: Application Layer Protocol: DNS', url: 'https://attack.mitre.org/techniques/T1071/004/' },
      { title: 'RFC 7858: DNS over TLS (port 853)', url: 'https://www.rfc-editor.org/rfc/rfc7858' },
      { title: 'nft(8)', url: 'https://www.netfilter.org/projects/nftables/manpage.html' },
    ],
    fix: 'Allow 53/udp, 53/tcp and 853/tcp only to the corporate resolvers (the generated egress policy does), and remove broad DNS accept rules.',
  },
  params: { allowedResolvers, ...otherParams },
  uses: [firewallRulesets],
  evaluate(facts, given) {
    const start = egressCheckStart(facts, egressCheckParams(given));
    if ('skip' in start) return { status: 'skipped', message: start.skip };
    const { params, fw, setting, action } = start;
    const resolvers = new AddressSet(params.allowedResolvers);
    const named = resolvers.size > 0;
    const targets = [...PUBLIC_PROBES, ...(named ? PRIVATE_PROBES : [])].filter((address) => !resolvers.has(address));
    const notes = [...(named ? [] : ['no allowedResolvers in the baseline: DNS to public addresses must be denied, DNS to private ranges is not judged']), ...setting.notes];
    const uid = setting.uid;

    if (noFirewall(setting.layout)) {
      const location = inactiveLocation(setting.layout);
      const findings: Finding[] = (['ipv4', 'ipv6'] as const).map((family) =>
        systemFinding(
          `${NAME[family]}: DNS to any name server is reachable (${targets.filter((address) => ipFamily(address) === family).map(label).join(', ')}, on 53/udp, 53/tcp, 853/tcp): no active firewall (${fw.backends.join(', ')})`,
          location,
          action,
        ),
      );
      return { status: 'fail', message: `DNS can go anywhere: no active firewall${noteText(notes)}`, findings };
    }

    const findings: Finding[] = setting.layout.open.map((ruleset) => systemFinding(`${openText(ruleset)}: DNS can go to any name server`, undefined, action));
    let denied = 0;
    for (const stack of setting.layout.stacks) {
      const open = new Map<string, { hits: Map<string, string[]>; decision: StackDecision }>();
      for (const address of targets) {
        const family = ipFamily(address) as IpFamily;
        for (const { protocol, port } of PORTS) {
          const destination: Destination = { address, family, protocol, port, ...(uid !== undefined ? { uid } : {}) };
          const decision = decideStack(stack, destination);
          if (decision.verdict === 'deny') {
            denied += 1;
            continue;
          }
          const key = decisionKey(decision);
          const group = open.get(key) ?? { hits: new Map<string, string[]>(), decision };
          group.hits.set(address, [...(group.hits.get(address) ?? []), `${port}/${protocol}`]);
          open.set(key, group);
        }
      }
      for (const { hits, decision } of open.values()) {
        // "53/udp to 8.8.8.8 (Google Public DNS), 1.1.1.1 (Cloudflare); 53/tcp, 853/tcp to ...": addresses sharing their ports together.
        const byPorts = new Map<string, string[]>();
        for (const [address, ports] of hits) byPorts.set(ports.join(', '), [...(byPorts.get(ports.join(', ')) ?? []), label(address)]);
        const list = [...byPorts].map(([ports, addresses]) => `${ports} to ${addresses.join(', ')}`).join('; ');
        findings.push(systemFinding(`${stack.label}: DNS ${decision.verdict === 'allow' ? 'is allowed' : 'is not shown to be denied'} ${setting.whom}: ${list}: ${decision.reason}`, locationOf(decision.decidedBy), action));
      }
      // The corporate resolvers themselves: a blocked one breaks name resolution (said, not failed: it is no leak).
      for (const entry of params.allowedResolvers) {
        const cidr = parseCidr(entry);
        if (!cidr) continue;
        const destination: Destination = { address: cidr.address, family: cidr.family, protocol: 'udp', port: 53, ...(uid !== undefined ? { uid } : {}) };
        const decision = decideStack(stack, destination);
        if (decision.verdict !== 'allow') notes.push(`DNS to the resolver ${entry} (53/udp) is ${decision.verdict === 'deny' ? 'denied' : 'not shown to be allowed'} in ${stack.label}: ${decision.reason}`);
      }
    }
    const tail = noteText(notes);
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} DNS path(s) outside the resolvers ${setting.whom}${tail}`, findings };
    return { status: 'pass', message: `DNS to ${targets.length} address(es) outside the resolvers is denied (${denied} verdict(s)) ${setting.whom}${tail}` };
  },
});
