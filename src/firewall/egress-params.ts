import { record, string } from '../engine/params-schema.js';
import { allowedResolversParam } from '../network/resolver-params.js';
import { DEFAULT_PROBES, destinationList } from './destinations.js';

// The parameters the firewall checks share (baseline `params:`), defined once so that their docs and
// defaults agree. `allowedResolvers` is the network checks' own parameter, reused as it is.

const ALLOW_TEXT =
  'Destinations that must stay reachable: HOST-or-CIDR[:PORT][/tcp|udp] ([IPv6]:PORT with a port). No port: any port (checked at 443/tcp); no protocol: tcp. A host name cannot be resolved offline: it is checked only where a rule names it, otherwise reported as unverifiable.';
const PROBES_TEXT = `Destinations that must be denied (ADDRESS:PORT[/tcp|udp]); a probe the allowlist or allowedResolvers covers is not run. Default: ${DEFAULT_PROBES.map((probe) => `${probe.entry} (${probe.why})`).join('; ')}.`;

// A record's docs show its fields' names and types only, so the field texts are in its description too.
export const egressParam = record(`Egress policy. allow: ${ALLOW_TEXT} probes: ${PROBES_TEXT}`, {
  allow: destinationList(ALLOW_TEXT, []),
  probes: destinationList(PROBES_TEXT, DEFAULT_PROBES.map((probe) => probe.entry), true),
});

export { allowedResolversParam };

export const firewallAgentUserParam = string(
  'Account the agent runs as: rules on the socket owner (nft meta skuid, iptables --uid-owner) are evaluated for its uid. Empty: for any process (a verdict that depends on the uid is unknown).',
  '',
);

/** The params every firewall egress check declares (firewall.egress-default-deny, egress-allowlist, dns-egress). */
export const egressCheckParamSchemas = {
  egress: egressParam,
  allowedResolvers: allowedResolversParam,
  agentUser: firewallAgentUserParam,
};
