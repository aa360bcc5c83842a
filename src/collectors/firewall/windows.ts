import type { EgressRuleset } from '../../firewall/model.js';
import type { Host } from '../../host/host.js';
import { parseNetshAllProfiles, parseWindowsFirewallJson, PROFILES, WINDOWS_FIREWALL_SCRIPT, windowsFirewallRulesets, type ProfileName, type WindowsFirewallEvidence, type WindowsProfile } from '../../parsers/windows-firewall.js';
import { powershellCommandLine, readRegistryKey, registryText, runPowerShell } from '../windows-commands.js';
import { canRun, runCommand } from './evidence.js';

// Windows Defender Firewall, one ruleset per profile (Domain, Private, Public), from a live or recorded
// endpoint only (an image's registry hives are not read). Preferred: WINDOWS_FIREWALL_SCRIPT (profiles and
// enabled outbound rules with their filters, from the ActiveStore, so Group Policy included). Fallbacks,
// which show the profiles but not the rules (the rules are then an unknown construct): `netsh advfirewall
// show allprofiles` (English output only), then the registry values EnableFirewall and
// DefaultOutboundAction (Group Policy key first, then the local FirewallPolicy key).

export const NETSH_ALLPROFILES = ['netsh', 'advfirewall', 'show', 'allprofiles'] as const;

const LOCAL_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';
const POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall';
const LOCAL_PROFILE_KEY: Record<ProfileName, string> = { Domain: 'DomainProfile', Private: 'StandardProfile', Public: 'PublicProfile' };
const POLICY_PROFILE_KEY: Record<ProfileName, string> = { Domain: 'DomainProfile', Private: 'PrivateProfile', Public: 'PublicProfile' };

async function fromRegistry(host: Host): Promise<WindowsFirewallEvidence | undefined> {
  const evidence: WindowsFirewallEvidence = { profiles: [], errors: [] };
  for (const name of PROFILES) {
    const policy = await readRegistryKey(host, `${POLICY_KEY}\\${POLICY_PROFILE_KEY[name]}`);
    const local = await readRegistryKey(host, `${LOCAL_KEY}\\${LOCAL_PROFILE_KEY[name]}`);
    if (!policy.values && !local.values) continue;
    const pick = (value: string) => {
      const fromPolicy = registryText(policy.values, value);
      if (fromPolicy !== undefined) return { value: fromPolicy, key: policy.key };
      const fromLocal = registryText(local.values, value);
      return fromLocal !== undefined ? { value: fromLocal, key: local.key } : undefined;
    };
    const enabled = pick('EnableFirewall');
    const outbound = pick('DefaultOutboundAction');
    const profile: WindowsProfile = { name, source: { path: outbound?.key ?? enabled?.key ?? local.key, text: outbound ? `DefaultOutboundAction = ${outbound.value}` : `${LOCAL_PROFILE_KEY[name]} (no DefaultOutboundAction)` } };
    if (enabled) profile.enabled = enabled.value === '0' ? 'False' : 'True';
    if (outbound) profile.defaultOutbound = outbound.value === '1' ? 'Block' : outbound.value === '0' ? 'Allow' : outbound.value;
    evidence.profiles.push(profile);
  }
  return evidence.profiles.length > 0 ? evidence : undefined;
}

export async function collectWindowsFirewall(host: Host): Promise<EgressRuleset[]> {
  if (host.platform !== 'win32' || !canRun(host)) return [];
  const notes: string[] = [];
  const query = await runPowerShell(host, WINDOWS_FIREWALL_SCRIPT);
  if (query.stdout !== undefined) {
    const evidence = parseWindowsFirewallJson(query.stdout, 'Get-NetFirewallProfile/Get-NetFirewallRule');
    if (evidence.profiles.length > 0) return windowsFirewallRulesets(evidence, { source: 'Get-NetFirewallProfile/Get-NetFirewallRule (ActiveStore)' });
    notes.push(`the PowerShell firewall query printed no profile${evidence.errors[0] ? ` (${evidence.errors[0].message})` : ''}`);
  } else notes.push(`the PowerShell firewall query could not be run (${query.unavailable ?? 'no output'})`);
  const [command, ...args] = NETSH_ALLPROFILES;
  const netsh = await runCommand(host, command, args);
  if (netsh.ran && netsh.exitCode === 0) {
    const evidence = parseNetshAllProfiles(netsh.stdout, NETSH_ALLPROFILES.join(' '));
    if (evidence.profiles.length > 0) return withNotes(windowsFirewallRulesets(evidence, { source: NETSH_ALLPROFILES.join(' ') }), notes);
    notes.push(`${NETSH_ALLPROFILES.join(' ')}: ${evidence.errors[0]?.message ?? 'no profile'}`);
  }
  const registry = await fromRegistry(host);
  if (registry) return withNotes(windowsFirewallRulesets(registry, { source: 'the firewall registry keys' }), notes);
  return [];
}

function withNotes(rulesets: EgressRuleset[], notes: string[]): EgressRuleset[] {
  for (const ruleset of rulesets) if (notes.length > 0) ruleset.activeEvidence = `${ruleset.activeEvidence ?? ''} (${notes.join('; ')})`;
  return rulesets;
}

/** The command line the replay fixtures record the firewall query under. */
export const WINDOWS_FIREWALL_COMMAND_LINE = powershellCommandLine(WINDOWS_FIREWALL_SCRIPT);
