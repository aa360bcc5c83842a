import { firewallRulesets } from '../../src/collectors/firewall.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { decisionKey, egressCheckParams, egressCheckStart, systemFinding } from '../../src/firewall/egress-check.js';
import { defaultOfStack, inactiveLocation, locationOf, noFirewall, noteText, openText } from '../../src/firewall/egress-judge.js';
import { egressCheckParamSchemas } from '../../src/firewall/egress-params.js';
import type { IpFamily } from '../../src/firewall/model.js';

const FAMILIES: readonly IpFamily[] = ['ipv4', 'ipv6'];
const NAME: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** defaultVerdict's reason without the sample it evaluated ("192.0.2.1 tcp/9, udp/9: "), which reads as noise once families merge. */
function withoutProbe(reason: string): string {
  return reason.replace(/^\S+ (?:(?:tcp|udp)\/\d+(?:, )?)+: /, '');
}

export default defineCheck({
  meta: {
    id: 'firewall.egress-default-deny',
    title: 'Outbound traffic is denied by default (IPv4 and IPv6)',
    area: 'firewall',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A prompt-injected agent exfiltrates over whatever the machine lets out; a proxy setting only binds the tools that honour it. ' +
      'Only an egress firewall whose default is drop or reject makes the allowlist the sole way out, and IPv6 must be closed as well as IPv4. ' +
      'This check evaluates the real rulesets (nftables, iptables, ufw, firewalld; pf; Windows Firewall profiles) for a connection no rule singles out, ' +
      'following jumps and every output chain, and names the policy or rule that decides.',
    references: [
      { title: 'nft(8): chains, policy', url: 'https://www.netfilter.org/projects/nftables/manpage.html' },
      { title: 'pf.conf(5)', url: 'https://man.openbsd.org/pf.conf' },
      { title: 'Set-NetFirewallProfile -DefaultOutboundAction', url: 'https://learn.microsoft.com/en-us/powershell/module/netsecurity/set-netfirewallprofile' },
      { title: 'NIST SP 800-41 Rev. 1: default-deny firewall policy', url: 'https://csrc.nist.gov/pubs/sp/800/41/r1/final' },
    ],
    fix: 'Load a default-deny egress policy: the generated nftables table (its own inet table, output policy drop), pf anchor or Windows Firewall outbound Block with allow rules.',
  },
  params: egressCheckParamSchemas,
  uses: [firewallRulesets],
  evaluate(facts, given) {
    const start = egressCheckStart(facts, egressCheckParams(given));
    if ('skip' in start) return { status: 'skipped', message: start.skip };
    const { fw, setting, action } = start;
    const notes = noteText(setting.notes);
    if (noFirewall(setting.layout)) {
      const location = inactiveLocation(setting.layout);
      const findings: Finding[] = FAMILIES.map((family) =>
        systemFinding(`${NAME[family]}: no active firewall filters outgoing traffic (${fw.backends.join(', ')}${fw.rulesets.length ? ' found, none active' : ': no ruleset found'}): every destination is reachable`, location, action),
      );
      return { status: 'fail', message: `outbound is open: no active firewall${notes}`, findings };
    }
    const findings: Finding[] = setting.layout.open.map((ruleset) => systemFinding(`${openText(ruleset)}, IPv4 and IPv6 alike`, undefined, action));
    const denied: string[] = [];
    for (const stack of setting.layout.stacks) {
      // One finding per deciding reason: an inet chain's policy decides both families at once.
      const open = new Map<string, { families: IpFamily[]; decision: ReturnType<typeof defaultOfStack> }>();
      for (const family of FAMILIES) {
        const decision = defaultOfStack(stack, family, setting.uid);
        if (decision.verdict === 'deny') {
          denied.push(`${NAME[family]} in ${stack.label} (${withoutProbe(decision.reason)})`);
          continue;
        }
        const key = decisionKey(decision);
        const entry = open.get(key) ?? { families: [], decision };
        entry.families.push(family);
        open.set(key, entry);
      }
      for (const { families, decision } of open.values()) {
        const plural = families.length > 1;
        const what = decision.verdict === 'allow' ? `allow${plural ? '' : 's'} outbound traffic by default` : 'cannot be shown to deny outbound traffic by default';
        findings.push(systemFinding(`${stack.label}: ${families.map((family) => NAME[family]).join(' and ')} ${what} ${setting.whom}: ${withoutProbe(decision.reason)}`, locationOf(decision.decidedBy), action));
      }
    }
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} default(s) not deny ${setting.whom}${notes}`, findings };
    return { status: 'pass', message: `outbound is denied by default ${setting.whom}: ${denied.join('; ')}${notes}` };
  },
});
