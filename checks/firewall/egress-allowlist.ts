import { firewallRulesets } from '../../src/collectors/firewall.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { DEFAULT_PROBES, describeDestination, entryCovers, entryProtocol, parseEntries, probeDestination, sampleDestinations, ANY_PORT_SAMPLE, type EgressEntry } from '../../src/firewall/destinations.js';
import { decisionKey, egressCheckParams, egressCheckStart, systemFinding } from '../../src/firewall/egress-check.js';
import { decideHost, decideStack, inactiveLocation, locationOf, noFirewall, noteText, openText, type StackDecision } from '../../src/firewall/egress-judge.js';
import { egressCheckParamSchemas } from '../../src/firewall/egress-params.js';
import { AddressSet } from '../../src/network/ip.js';

const DNS_PORTS = new Set([53, 853]);

function why(probe: EgressEntry): string {
  const known = DEFAULT_PROBES.find((candidate) => candidate.entry === probe.text);
  return known ? ` (${known.why})` : '';
}

export default defineCheck({
  meta: {
    id: 'firewall.egress-allowlist',
    title: 'Only allowlisted destinations are reachable',
    area: 'firewall',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A default-deny policy is only as tight as its exceptions: one broad accept rule (any port 443, all of IPv6, a whole cloud range) reopens every exfiltration path. ' +
      'This check evaluates the real rulesets for concrete destinations: every entry of the baseline\'s egress.allow must be allowed (the agent and its tools must work), ' +
      'and every probe (public DoH, DNS, SSH and HTTP endpoints an attacker would use, IPv4 and IPv6) must be denied, each verdict naming the rule that decided. ' +
      'A probe whose verdict cannot be shown (a construct the model does not follow) fails; a host name in the allowlist is checked only where a rule names it.',
    references: [
      { title: 'nft(8): sets and verdicts', url: 'https://www.netfilter.org/projects/nftables/manpage.html' },
      { title: 'MITRE ATT&CK T1048: Exfiltration Over Alternative Protocol', url: 'https://attack.mitre.org/techniques/T1048/' },
      { title: 'New-NetFirewallRule', url: 'https://learn.microsoft.com/en-us/powershell/module/netsecurity/new-netfirewallrule' },
    ],
    fix: 'Replace broad accept rules with the baseline\'s allowlist (the generated nftables table, pf anchor or Windows Firewall rules allow exactly egress.allow and DNS to the resolvers).',
  },
  params: egressCheckParamSchemas,
  uses: [firewallRulesets],
  evaluate(facts, given) {
    const params = egressCheckParams(given);
    const allow = parseEntries('egress.allow', params.egress.allow);
    const probes = parseEntries('egress.probes', params.egress.probes, true);
    const start = egressCheckStart(facts, params);
    if ('skip' in start) return { status: 'skipped', message: start.skip };
    const { fw, setting, action } = start;
    const resolvers = new AddressSet(params.allowedResolvers);
    const notes = [...setting.notes];
    const skippedProbes: string[] = [];
    const live = probes.filter((probe) => {
      const destination = probeDestination(probe);
      if (allow.some((entry) => entryCovers(entry, destination))) skippedProbes.push(`${probe.text} (on the allowlist)`);
      else if (DNS_PORTS.has(destination.port) && resolvers.has(destination.address)) skippedProbes.push(`${probe.text} (an allowed resolver)`);
      else return true;
      return false;
    });
    if (skippedProbes.length) notes.push(`probes not run: ${skippedProbes.join(', ')}`);
    const uid = setting.uid;
    const withUid = <T extends object>(destination: T) => (uid === undefined ? destination : { ...destination, uid });

    if (noFirewall(setting.layout)) {
      const location = inactiveLocation(setting.layout);
      const findings: Finding[] = live.map((probe) => systemFinding(`probe ${probe.text} is reachable: no active firewall (${fw.backends.join(', ')})${why(probe)}`, location, action));
      if (findings.length === 0) return { status: 'pass', message: `no probe to run and no active firewall${noteText(notes)}` };
      return { status: 'fail', message: `${findings.length} probe(s) reachable: no active firewall${noteText(notes)}`, findings };
    }

    const findings: Finding[] = live.length
      ? setting.layout.open.map((ruleset) => systemFinding(`${openText(ruleset)}: probes ${live.map((probe) => probe.text).join(', ')} are reachable`, undefined, action))
      : [];
    const unverified: string[] = [];
    const unnamed = new Set<string>();
    let allowedChecks = 0;
    let deniedProbes = 0;
    const blocked = (label: string, entry: EgressEntry, target: string, decision: StackDecision) => {
      findings.push(systemFinding(`${label}: egress.allow ${entry.text} is denied ${setting.whom} (${target}): ${decision.reason}; the agent or its tools cannot reach it`, locationOf(decision.decidedBy), action));
    };
    for (const stack of setting.layout.stacks) {
      for (const entry of allow) {
        if (entry.host) {
          const protocol = entryProtocol(entry) ?? 'tcp';
          const port = entry.port ?? ANY_PORT_SAMPLE;
          const decision = decideHost(stack, entry.host, protocol, port, uid);
          if (!decision) unnamed.add(entry.text);
          else if (decision.verdict === 'deny') blocked(stack.label, entry, `${entry.host}:${port}/${protocol}`, decision);
          else if (decision.verdict === 'unknown') unverified.push(`${entry.text} in ${stack.label}: ${decision.reason}`);
          else allowedChecks += 1;
          continue;
        }
        for (const destination of sampleDestinations(entry)) {
          const decision = decideStack(stack, withUid(destination));
          if (decision.verdict === 'deny') blocked(stack.label, entry, describeDestination(destination), decision);
          else if (decision.verdict === 'unknown') unverified.push(`${entry.text} (${describeDestination(destination)}) in ${stack.label}: ${decision.reason}`);
          else allowedChecks += 1;
        }
      }
      // Probes let out by the same rule (or policy) make one finding.
      const open = new Map<string, { probes: EgressEntry[]; decision: StackDecision }>();
      for (const probe of live) {
        const decision = decideStack(stack, withUid(probeDestination(probe)));
        if (decision.verdict === 'deny') {
          deniedProbes += 1;
          continue;
        }
        const key = decisionKey(decision, probe.text);
        const group = open.get(key) ?? { probes: [], decision };
        group.probes.push(probe);
        open.set(key, group);
      }
      for (const { probes: group, decision } of open.values()) {
        const what = decision.verdict === 'allow' ? 'reachable' : 'not shown to be denied';
        const list = group.map((probe) => probe.text).join(', ');
        findings.push(systemFinding(`${stack.label}: ${group.length === 1 ? `probe ${list}${why(group[0] as EgressEntry)} is` : `probes ${list} are`} ${what} ${setting.whom}: ${decision.reason}`, locationOf(decision.decidedBy), action));
      }
    }
    if (unnamed.size) notes.push(`unverifiable (a host name no rule names; a packet filter sees addresses): ${[...unnamed].join(', ')}`);
    if (unverified.length) notes.push(`allowlist verdict unknown: ${unverified.join('; ')}`);
    const tail = noteText(notes);
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} problem(s) with the egress allowlist ${setting.whom}${tail}`, findings };
    const allowedText = allow.length ? `, ${allowedChecks} allowlisted destination check(s) allowed` : ', no allowlist in the baseline (egress.allow)';
    return { status: 'pass', message: `${deniedProbes} probe verdict(s) deny ${setting.whom}${allowedText}${tail}` };
  },
});
