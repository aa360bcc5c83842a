import { ALF_PLIST, firewallRulesets, type FirewallFacts } from '../../src/collectors/firewall.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { describeInactive, noteText } from '../../src/firewall/egress-judge.js';
import { filtersTraffic } from '../../src/firewall/ruleset-facts.js';
import type { EgressRuleset } from '../../src/firewall/model.js';

function fileOf(ruleset: EgressRuleset): { path: string } | undefined {
  const file = ruleset.sources.find((source) => source.startsWith('/'));
  return file ? { path: file } : undefined;
}

/** "Windows Firewall, Public profile" -> "Public". */
function profileName(ruleset: EgressRuleset): string {
  return ruleset.label.replace(/^.*?,\s*/, '').replace(/ profile$/i, '');
}

/** Rulesets of one backend with the same evidence (ufw's IPv4 and IPv6 halves) as one item. */
function grouped(rulesets: readonly EgressRuleset[]): { labels: string[]; evidence: string | undefined; rulesets: EgressRuleset[] }[] {
  const groups = new Map<string, { labels: string[]; evidence: string | undefined; rulesets: EgressRuleset[] }>();
  for (const ruleset of rulesets) {
    const key = `${ruleset.backend} ${String(ruleset.active)} ${ruleset.activeEvidence ?? ''}`;
    const group = groups.get(key) ?? { labels: [], evidence: ruleset.activeEvidence, rulesets: [] };
    group.labels.push(ruleset.label);
    group.rulesets.push(ruleset);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function finding(message: string, ruleset: EgressRuleset | undefined, action: RemediationAction): Finding {
  const location = ruleset ? fileOf(ruleset) : undefined;
  return { message, ...(location ? { location } : {}), subject: 'system', actions: [action] };
}

function linuxAction(facts: FirewallFacts): RemediationAction {
  return facts.targetKind === 'root'
    ? { kind: 'manual', text: 'Install a firewall in the image (nftables) and enable it at boot: systemctl --root <image> enable nftables.service; the egress checks\' remediation writes the ruleset it loads.' }
    : { kind: 'manual', text: 'Install and enable a firewall: apt-get install nftables (or dnf install nftables) and systemctl enable --now nftables.service (or ufw enable, or systemctl enable --now firewalld); the egress checks\' remediation writes the ruleset.' };
}

const DARWIN_ACTION: RemediationAction = {
  kind: 'manual',
  text: 'Enable pf with an egress policy: load the cowork-audit anchor from /etc/pf.conf, then pfctl -E -f /etc/pf.conf, and keep it on at boot with a LaunchDaemon (pf is not enabled by default; the application firewall filters inbound connections only).',
  reference: 'https://man.openbsd.org/pfctl',
};

export default defineCheck({
  meta: {
    id: 'firewall.enabled',
    title: 'A host firewall is installed and active',
    area: 'firewall',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Every egress control in this area assumes a firewall that is loaded now (on a running machine) or enabled at boot (in an image). ' +
      'On Linux a ruleset counts when it is active and drops or rejects something on the input or output path (Docker\'s forwarding and NAT rules alone do not); ' +
      'on macOS pf must be enabled: the application firewall (socketfilterfw) filters inbound connections only and does nothing against egress; ' +
      'on Windows every profile (Domain, Private, Public) must be on, since the network decides which applies.',
    references: [
      { title: 'nftables wiki: Quick reference', url: 'https://wiki.nftables.org/wiki-nftables/index.php/Quick_reference-nftables_in_10_minutes' },
      { title: 'pfctl(8)', url: 'https://man.openbsd.org/pfctl' },
      { title: 'Apple: Use the application firewall (incoming connections)', url: 'https://support.apple.com/guide/mac-help/block-connections-to-your-mac-with-a-firewall-mh34041/mac' },
      { title: 'Get-NetFirewallProfile', url: 'https://learn.microsoft.com/en-us/powershell/module/netsecurity/get-netfirewallprofile' },
    ],
    fix: 'Enable the host firewall (nftables.service, ufw or firewalld; pf with a LaunchDaemon; every Windows Firewall profile) and load an egress policy into it.',
  },
  params: {},
  uses: [firewallRulesets],
  evaluate(facts) {
    const fw = facts.get(firewallRulesets);
    const notes = [...fw.notes];
    if (fw.platform === 'win32') {
      if (fw.rulesets.length === 0) {
        if (fw.notes.length) throw new Error(`Windows Firewall state could not be read: ${fw.notes.join('; ')}`);
        return { status: 'skipped', message: fw.targetKind === 'root' ? 'the Windows Firewall settings of an offline image (registry hives) are not read' : 'Windows Firewall state is not available (Get-NetFirewallProfile)' };
      }
      const off = fw.rulesets.filter((ruleset) => ruleset.active !== true);
      if (off.length === 0) return { status: 'pass', message: `every Windows Firewall profile is on (${fw.rulesets.map(profileName).join(', ')})${noteText(notes)}` };
      const findings = off.map((ruleset) =>
        finding(`${describeInactive(ruleset)}: on such a network nothing filters inbound or outbound traffic`, ruleset, {
          kind: 'manual',
          text: `Turn the profile on (as administrator): Set-NetFirewallProfile -Name '${profileName(ruleset).replace(/'/g, "''")}' -Enabled True (or by Group Policy or Intune).`,
        }),
      );
      return { status: 'fail', message: `${off.length} of ${fw.rulesets.length} firewall profile(s) off${noteText(notes)}`, findings };
    }

    const protecting = fw.rulesets.filter((ruleset) => ruleset.active === true && filtersTraffic(ruleset));
    const alf = fw.appFirewall;
    const alfText = alf
      ? `the application firewall is ${alf.enabled === undefined ? 'in an unknown state' : alf.enabled ? 'on' : 'off'} (${alf.evidence})${alf.enabled ? ', but it' : '; it'} filters inbound connections only: pf is what filters egress`
      : '';
    if (protecting.length > 0) {
      const what = grouped(protecting).map(({ labels, evidence }) => `${labels.join(' and ')} ${labels.length > 1 ? 'are' : 'is'} active${evidence ? ` (${evidence})` : ''}`).join('; ');
      return { status: 'pass', message: `${what}${alfText ? `; ${alfText}` : ''}${noteText(notes)}` };
    }

    const action = fw.platform === 'darwin' ? DARWIN_ACTION : linuxAction(fw);
    const findings: Finding[] = [];
    for (const { labels, evidence, rulesets } of grouped(fw.rulesets)) {
      const first = rulesets[0] as EgressRuleset;
      const subject = `${labels.join(' and ')} ${labels.length > 1 ? 'are' : 'is'}`;
      if (first.active === true) findings.push(finding(`${subject} active${evidence ? ` (${evidence})` : ''} but drop${labels.length > 1 ? '' : 's'} nothing on the input or output path (no drop or reject rule there, every policy accept)`, first, action));
      else findings.push(finding(`${subject} ${first.active === false ? 'inactive' : 'not shown to be active'}${evidence ? ` (${evidence})` : ''}`, first, action));
    }
    if (fw.rulesets.length === 0) {
      findings.push({ message: `no firewall ruleset found (${fw.backends.join(', ')})${fw.targetKind === 'root' ? ' in the image' : ''}`, subject: 'system', actions: [action] });
    }
    if (alf) {
      const location = alf.evidence.startsWith(ALF_PLIST) ? { path: ALF_PLIST } : undefined;
      findings.push({ message: alfText.replace(/^the/, 'The'), ...(location ? { location } : {}), subject: 'system', actions: [DARWIN_ACTION] });
    }
    return { status: 'fail', message: `no active firewall filters this ${fw.targetKind === 'root' ? 'image' : 'machine'}${noteText(notes)}`, findings };
  },
});
