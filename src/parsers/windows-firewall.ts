import type { EgressRuleset, Match, Range, Rule, SourceRef, Unsupported } from '../firewall/model.js';
import { splitLines, stripBom } from '../util/text-lines.js';
import { addressRangeCidrs, addUnknown, EPHEMERAL_PORTS, makeNever, normalizeNetwork, portRange, protocolName, ruleUnsupported, sourcePortVerdict } from './egress-common.js';

// Windows Defender Firewall evidence, as recorded commands and exports print it:
//
// - the JSON of the PowerShell query WINDOWS_FIREWALL_SCRIPT (profiles from Get-NetFirewallProfile, and
//   the enabled outbound rules of Get-NetFirewallRule with their address, port, application, service and
//   interface-type filters), read from the ActiveStore (local and Group Policy rules merged);
// - `Get-NetFirewallProfile | Format-List` text;
// - `netsh advfirewall show allprofiles` (English labels only: netsh localises them);
// - a .reg export of ...\SharedAccess\Parameters\FirewallPolicy (UTF-16LE): EnableFirewall and
//   DefaultOutboundAction per profile (DomainProfile, StandardProfile = Private, PublicProfile) and the
//   FirewallRules values (`v2.26|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=443|RA4=...|App=...|`).
//
// Each profile is one ruleset with block-wins semantics: a matching block rule denies, else a matching
// allow rule allows, else DefaultOutboundAction (NotConfigured and absent mean the Windows default, Allow).
// A rule scoped to a program, a user or an interface type depends on something the model does not know:
// an unknown construct. A rule scoped to a Windows service or an app package applies only to that
// service's or package's processes, which the agent is not: it never matches the agent's connection.

export type ProfileName = 'Domain' | 'Private' | 'Public';
export const PROFILES: readonly ProfileName[] = ['Domain', 'Private', 'Public'];

export interface WindowsProfile {
  name: ProfileName;
  /** True / False / NotConfigured as Windows prints it; undefined when not recorded. */
  enabled?: string;
  defaultOutbound?: string;
  defaultInbound?: string;
  source: SourceRef;
}

export interface WindowsRule {
  name: string;
  displayName?: string;
  action: string;
  /** Profiles the rule applies to; empty means all (Any). */
  profiles: ProfileName[];
  protocol?: string;
  remoteAddresses: string[];
  remotePorts: string[];
  localAddresses: string[];
  localPorts: string[];
  program?: string;
  service?: string;
  package?: string;
  localUser?: string;
  interfaceType?: string;
  source: SourceRef;
}

export interface WindowsFirewallEvidence {
  profiles: WindowsProfile[];
  /** Undefined when the evidence lists no rules at all (netsh, Format-List): rules are then unknown. */
  rules?: WindowsRule[];
  errors: { message: string; source: SourceRef }[];
}

/**
 * One PowerShell one-liner (its command line is the replay key): profiles and enabled outbound rules of
 * the ActiveStore, filters joined by InstanceID, enums as text, as JSON.
 */
export const WINDOWS_FIREWALL_SCRIPT = [
  "$ErrorActionPreference='Stop'",
  "$s='ActiveStore'",
  '$r=@(Get-NetFirewallRule -PolicyStore $s -Direction Outbound -Enabled True)',
  '$a=@{}; $r | Get-NetFirewallAddressFilter | ForEach-Object { $a[$_.InstanceID]=$_ }',
  '$p=@{}; $r | Get-NetFirewallPortFilter | ForEach-Object { $p[$_.InstanceID]=$_ }',
  '$g=@{}; $r | Get-NetFirewallApplicationFilter | ForEach-Object { $g[$_.InstanceID]=$_ }',
  '$v=@{}; $r | Get-NetFirewallServiceFilter | ForEach-Object { $v[$_.InstanceID]=$_ }',
  '$i=@{}; $r | Get-NetFirewallInterfaceTypeFilter | ForEach-Object { $i[$_.InstanceID]=$_ }',
  '$u=@{}; $r | Get-NetFirewallSecurityFilter | ForEach-Object { $u[$_.InstanceID]=$_ }',
  '[pscustomobject]@{ Profiles=@(Get-NetFirewallProfile -PolicyStore $s | ForEach-Object { [pscustomobject]@{ Name=[string]$_.Name; Enabled=[string]$_.Enabled; DefaultInboundAction=[string]$_.DefaultInboundAction; DefaultOutboundAction=[string]$_.DefaultOutboundAction } }); Rules=@($r | ForEach-Object { $id=$_.InstanceID; [pscustomobject]@{ Name=[string]$_.Name; DisplayName=[string]$_.DisplayName; Action=[string]$_.Action; Profile=[string]$_.Profile; Protocol=[string]$p[$id].Protocol; RemoteAddress=@($a[$id].RemoteAddress); RemotePort=@($p[$id].RemotePort); LocalAddress=@($a[$id].LocalAddress); LocalPort=@($p[$id].LocalPort); Program=[string]$g[$id].Program; Package=[string]$g[$id].Package; Service=[string]$v[$id].Service; InterfaceType=[string]$i[$id].InterfaceType; LocalUser=[string]$u[$id].LocalUser } }) } | ConvertTo-Json -Depth 4 -Compress',
].join('; ');

function profileName(text: string): ProfileName | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'domain' || lower === 'domainprofile') return 'Domain';
  if (lower === 'private' || lower === 'standard' || lower === 'standardprofile' || lower === 'privateprofile') return 'Private';
  if (lower === 'public' || lower === 'publicprofile') return 'Public';
  return undefined;
}

/** `Domain, Private`, `Any`, `2` (flags 1 Domain, 2 Private, 4 Public): the profiles, empty for all. */
function profilesOf(value: unknown): ProfileName[] {
  if (typeof value === 'number') return PROFILES.filter((_, index) => (value & (1 << index)) !== 0);
  const text = String(value ?? '').trim();
  if (text === '' || /^any$/i.test(text) || text === '0' || text === '2147483647') return [];
  if (/^\d+$/.test(text)) return profilesOf(Number(text));
  return text.split(/[,\s]+/).flatMap((part) => {
    const name = profileName(part);
    return name ? [name] : [];
  });
}

/** A JSON value as a list of strings: PowerShell prints one value bare, several as an array, none as null. */
const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value])
    .filter((item) => item !== undefined && item !== null)
    .map((item) => String(item))
    .filter((item) => item !== '');

/** The JSON of WINDOWS_FIREWALL_SCRIPT. */
export function parseWindowsFirewallJson(text: string, path: string): WindowsFirewallEvidence {
  const out: WindowsFirewallEvidence = { profiles: [], rules: [], errors: [] };
  const trimmed = stripBom(text).trim();
  let value: unknown;
  try {
    value = trimmed === '' ? {} : JSON.parse(trimmed);
  } catch (error) {
    out.errors.push({ message: `not JSON: ${(error as Error).message.split('\n')[0]}`, source: { path } });
    delete out.rules;
    return out;
  }
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  for (const [index, item] of (Array.isArray(record.Profiles) ? record.Profiles : record.Profiles ? [record.Profiles] : []).entries()) {
    const profile = item as Record<string, unknown>;
    const name = profileName(String(profile.Name ?? ''));
    if (!name) {
      out.errors.push({ message: `profile ${index} has no known Name`, source: { path } });
      continue;
    }
    out.profiles.push({
      name,
      ...(profile.Enabled !== undefined ? { enabled: String(profile.Enabled) } : {}),
      ...(profile.DefaultOutboundAction !== undefined ? { defaultOutbound: String(profile.DefaultOutboundAction) } : {}),
      ...(profile.DefaultInboundAction !== undefined ? { defaultInbound: String(profile.DefaultInboundAction) } : {}),
      source: { path, text: `${name} profile` },
    });
  }
  for (const item of Array.isArray(record.Rules) ? record.Rules : record.Rules ? [record.Rules] : []) {
    const rule = item as Record<string, unknown>;
    const name = String(rule.Name ?? '');
    const display = rule.DisplayName !== undefined ? String(rule.DisplayName) : undefined;
    const text = (value: unknown) => (value === undefined || value === null || String(value) === '' ? undefined : String(value));
    (out.rules as WindowsRule[]).push({
      name,
      ...(display ? { displayName: display } : {}),
      action: String(rule.Action ?? ''),
      profiles: profilesOf(rule.Profile),
      ...(text(rule.Protocol) ? { protocol: text(rule.Protocol) as string } : {}),
      remoteAddresses: strings(rule.RemoteAddress),
      remotePorts: strings(rule.RemotePort),
      localAddresses: strings(rule.LocalAddress),
      localPorts: strings(rule.LocalPort),
      ...(text(rule.Program) ? { program: text(rule.Program) as string } : {}),
      ...(text(rule.Package) ? { package: text(rule.Package) as string } : {}),
      ...(text(rule.Service) ? { service: text(rule.Service) as string } : {}),
      ...(text(rule.InterfaceType) ? { interfaceType: text(rule.InterfaceType) as string } : {}),
      ...(text(rule.LocalUser) ? { localUser: text(rule.LocalUser) as string } : {}),
      source: { path, text: `rule ${display ? `"${display}" ` : ''}(${name})` },
    });
  }
  return out;
}

/** `Get-NetFirewallProfile | Format-List` text: blocks of `Name : Domain`, `Enabled : False`, ... */
export function parseNetFirewallProfileList(text: string, path: string): WindowsFirewallEvidence {
  const out: WindowsFirewallEvidence = { profiles: [], errors: [] };
  let current: WindowsProfile | undefined;
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = index + 1;
    const match = /^\s*(\w+)\s*:\s*(.*?)\s*$/.exec(raw);
    if (!match) return;
    const key = (match[1] as string).toLowerCase();
    const value = match[2] as string;
    if (key === 'name') {
      const name = profileName(value);
      current = name ? { name, source: { path, line, text: `Name : ${value}` } } : undefined;
      if (current) out.profiles.push(current);
      else out.errors.push({ message: `unknown profile ${value}`, source: { path, line } });
      return;
    }
    if (!current) return;
    if (key === 'enabled') current.enabled = value;
    else if (key === 'defaultoutboundaction') {
      current.defaultOutbound = value;
      current.source = { ...current.source, line, text: `DefaultOutboundAction : ${value}` };
    } else if (key === 'defaultinboundaction') current.defaultInbound = value;
  });
  return out;
}

/**
 * `netsh advfirewall show allprofiles`: `Domain Profile Settings:` sections with `State  ON|OFF` and
 * `Firewall Policy  BlockInbound,AllowOutbound`. English only (netsh translates the labels).
 */
export function parseNetshAllProfiles(text: string, path: string): WindowsFirewallEvidence {
  const out: WindowsFirewallEvidence = { profiles: [], errors: [] };
  let current: WindowsProfile | undefined;
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = index + 1;
    const header = /^\s*(Domain|Private|Public) Profile Settings:/i.exec(raw);
    if (header) {
      current = { name: profileName(header[1] as string) as ProfileName, source: { path, line, text: raw.trim() } };
      out.profiles.push(current);
      return;
    }
    if (!current) return;
    const state = /^\s*State\s+(ON|OFF)\s*$/i.exec(raw);
    if (state) current.enabled = (state[1] as string).toUpperCase() === 'ON' ? 'True' : 'False';
    const policy = /^\s*Firewall Policy\s+(\w+),(\w+)\s*$/i.exec(raw);
    if (policy) {
      const outbound = (policy[2] as string).replace(/outbound$/i, '');
      current.defaultOutbound = /^allow$/i.test(outbound) ? 'Allow' : /^block$/i.test(outbound) ? 'Block' : outbound;
      current.defaultInbound = (policy[1] as string).replace(/inbound$/i, '');
      current.source = { path, line, text: raw.trim() };
    }
  });
  if (out.profiles.length === 0 && text.trim() !== '') out.errors.push({ message: 'no "Domain/Private/Public Profile Settings:" section (netsh output in another language is not read)', source: { path } });
  return out;
}

/** A .reg export's text: UTF-16LE with a BOM (as regedit writes it), or UTF-8. */
export function decodeRegExport(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return stripBom(bytes.toString('utf8'));
}

interface RegValue {
  name: string;
  raw: string;
  line: number;
}

/** A .reg export's keys and values (continuation lines joined), with lines. */
export function parseRegExport(text: string): { key: string; line: number; values: RegValue[] }[] {
  const keys: { key: string; line: number; values: RegValue[] }[] = [];
  const lines = splitLines(stripBom(text));
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let raw = lines[index] as string;
    const header = /^\[(.*)\]\s*$/.exec(raw);
    if (header) {
      keys.push({ key: header[1] as string, line, values: [] });
      continue;
    }
    while (raw.endsWith('\\') && index + 1 < lines.length) {
      index++;
      raw = raw.slice(0, -1) + (lines[index] as string).trim();
    }
    const value = /^"((?:[^"\\]|\\.)*)"=(.*)$/.exec(raw) ?? /^(@)=(.*)$/.exec(raw);
    if (value && keys.length > 0) (keys[keys.length - 1] as { values: RegValue[] }).values.push({ name: (value[1] as string).replace(/\\(.)/g, '$1'), raw: value[2] as string, line });
  }
  return keys;
}

function regString(raw: string): string | undefined {
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
  return match ? (match[1] as string).replace(/\\(.)/g, '$1') : undefined;
}

function regDword(raw: string): number | undefined {
  const match = /^dword:([0-9a-f]{8})$/i.exec(raw);
  return match ? parseInt(match[1] as string, 16) : undefined;
}

/** `v2.26|Action=Block|Active=TRUE|Dir=Out|...|` as a rule (outbound, active ones only). */
export function parseFirewallRuleValue(name: string, value: string, source: SourceRef): WindowsRule | undefined {
  const fields: [string, string][] = value.split('|').slice(1).flatMap((part) => {
    const at = part.indexOf('=');
    return at > 0 ? [[part.slice(0, at).toLowerCase(), part.slice(at + 1)] as [string, string]] : [];
  });
  const get = (key: string) => fields.filter(([field]) => field === key).map(([, item]) => item);
  if ((get('dir')[0] ?? '').toLowerCase() !== 'out') return undefined;
  // A rule without Active is active (the Windows Service Hardening and v2.0 rules omit it).
  if ((get('active')[0] ?? 'TRUE').toUpperCase() !== 'TRUE') return undefined;
  const profiles = get('profile').flatMap((item) => {
    const profile = profileName(item);
    return profile ? [profile] : [];
  });
  const remote = [...get('ra4'), ...get('ra6'), ...get('ra42'), ...get('ra62')];
  const ports = [...get('rport'), ...get('rport2_10')];
  const display = get('name')[0];
  const program = get('app')[0];
  const service = get('svc')[0];
  const pkg = get('apppkgid')[0];
  const user = get('luauth')[0];
  const ifType = get('iftype')[0];
  const protocol = get('protocol')[0];
  const localAddresses = [...get('la4'), ...get('la6')];
  return {
    name,
    ...(display ? { displayName: display } : {}),
    action: get('action')[0] ?? '',
    profiles,
    ...(protocol ? { protocol } : {}),
    remoteAddresses: remote,
    remotePorts: ports,
    localAddresses,
    localPorts: [...get('lport'), ...get('lport2_10')],
    ...(program ? { program } : {}),
    ...(service ? { service } : {}),
    ...(pkg ? { package: pkg } : {}),
    ...(user ? { localUser: user } : {}),
    ...(ifType ? { interfaceType: ifType } : {}),
    source,
  };
}

const REG_PROFILE_KEYS: Record<string, ProfileName> = { domainprofile: 'Domain', standardprofile: 'Private', privateprofile: 'Private', publicprofile: 'Public' };

/** A FirewallPolicy .reg export: EnableFirewall and DefaultOutboundAction per profile, and the FirewallRules. */
export function parseFirewallPolicyReg(text: string, path: string): WindowsFirewallEvidence {
  const out: WindowsFirewallEvidence = { profiles: [], rules: [], errors: [] };
  const keys = parseRegExport(text);
  if (keys.length === 0) out.errors.push({ message: 'no registry key in the export', source: { path } });
  for (const key of keys) {
    const last = key.key.split('\\').pop()?.toLowerCase() ?? '';
    const profile = REG_PROFILE_KEYS[last];
    if (profile && /FirewallPolicy\\[^\\]+$/i.test(key.key)) {
      const entry: WindowsProfile = out.profiles.find((item) => item.name === profile) ?? { name: profile, source: { path, line: key.line, text: `[${key.key}]` } };
      if (!out.profiles.includes(entry)) out.profiles.push(entry);
      for (const value of key.values) {
        const dword = regDword(value.raw);
        if (/^EnableFirewall$/i.test(value.name) && dword !== undefined) entry.enabled = dword ? 'True' : 'False';
        if (/^DefaultOutboundAction$/i.test(value.name) && dword !== undefined) {
          entry.defaultOutbound = dword ? 'Block' : 'Allow';
          entry.source = { path, line: value.line, text: `"DefaultOutboundAction"=${value.raw}` };
        }
        if (/^DefaultInboundAction$/i.test(value.name) && dword !== undefined) entry.defaultInbound = dword ? 'Block' : 'Allow';
      }
      continue;
    }
    if (/\\FirewallRules$/i.test(key.key)) {
      for (const value of key.values) {
        const body = regString(value.raw);
        if (body === undefined) continue;
        const rule = parseFirewallRuleValue(value.name, body, { path, line: value.line, text: `"${value.name}"` });
        if (rule) out.rules?.push(rule);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// To the model

const REMOTE_KEYWORDS = /^(localsubnet|localsubnet4|localsubnet6|dns|dhcp|wins|defaultgateway|internet|intranet|intranetremoteaccess|playtodevice|captiveportal|remotecorpnetwork|ply2renders|cpl)$/i;

function ruleMatch(rule: WindowsRule): Match {
  const match: Match = {};
  const protocol = (rule.protocol ?? 'Any').trim();
  if (!/^any$/i.test(protocol) && protocol !== '256') match.protocol = { values: [protocolName(protocol)] };
  const remotes = rule.remoteAddresses.filter((item) => !/^any$|^\*$/i.test(item));
  if (remotes.length > 0) {
    const networks: string[] = [];
    for (const item of remotes) {
      if (REMOTE_KEYWORDS.test(item)) {
        addUnknown(match, `remote address ${item} (a Windows keyword for addresses the host learns at run time)`);
        continue;
      }
      const network = normalizeNetwork(item) ?? undefined;
      const range = network ? undefined : addressRangeCidrs(item);
      if (network) networks.push(network);
      else if (range) networks.push(...range);
      else addUnknown(match, `remote address ${item}`);
    }
    if (!match.unknown?.length) match.daddr = { values: networks };
  }
  const ports = rule.remotePorts.filter((item) => !/^any$|^\*$/i.test(item));
  if (ports.length > 0) {
    const ranges: Range[] = [];
    for (const item of ports.flatMap((port) => port.split(','))) {
      const range = portRange(item, '-');
      if (range) ranges.push(range);
      else addUnknown(match, `remote port ${item} (a Windows port keyword)`);
    }
    if (ranges.length > 0) match.dport = { values: ranges };
    if (!match.protocol) match.protocol = { values: ['tcp', 'udp'] };
  }
  const localPorts = rule.localPorts.filter((item) => !/^any$|^\*$/i.test(item));
  if (localPorts.length > 0) {
    const ranges = localPorts.flatMap((port) => port.split(',')).map((item) => portRange(item, '-'));
    if (ranges.some((range) => range === undefined)) addUnknown(match, `local port ${localPorts.join(',')}`);
    else {
      const verdict = sourcePortVerdict(ranges as Range[], false, EPHEMERAL_PORTS.win32);
      if (verdict === 'never') makeNever(match, `local port ${localPorts.join(',')}: a new connection leaves from an ephemeral port (${EPHEMERAL_PORTS.win32.join('-')})`);
      else if (verdict === 'unknown') addUnknown(match, `local port ${localPorts.join(',')} (the source port of a new connection is ephemeral)`);
    }
  }
  const locals = rule.localAddresses.filter((item) => !/^any$|^\*$/i.test(item));
  if (locals.length > 0) addUnknown(match, `local address ${locals.join(',')} (the host's own address)`);
  const service = rule.service && !/^any$/i.test(rule.service) ? rule.service : undefined;
  const pkg = rule.package && !/^any$/i.test(rule.package) ? rule.package : undefined;
  // `*` means every service (or every app package), and still only those.
  if (service) makeNever(match, service === '*' ? 'applies only to Windows services, which the agent is not' : `applies only to the Windows service ${service}, which the agent is not`);
  else if (pkg) makeNever(match, pkg === '*' ? 'applies only to app packages (AppContainers), which the agent is not' : `applies only to the app package ${pkg}, which the agent is not`);
  else if (rule.program && !/^any$/i.test(rule.program)) addUnknown(match, `program ${rule.program} (the rule applies to that program only)`);
  if (rule.localUser && !/^any$/i.test(rule.localUser) && rule.localUser !== '') addUnknown(match, `local user ${rule.localUser}`);
  if (rule.interfaceType && !/^any$/i.test(rule.interfaceType)) addUnknown(match, `interface type ${rule.interfaceType}`);
  return match;
}

export interface WindowsRulesetMeta {
  /** Where the evidence came from (a command or a file). */
  source: string;
}

/** One ruleset per profile (Domain, Private, Public). Never throws. */
export function windowsFirewallRulesets(evidence: WindowsFirewallEvidence, meta: WindowsRulesetMeta): EgressRuleset[] {
  const out: EgressRuleset[] = [];
  for (const profile of evidence.profiles) {
    const rules: Rule[] = [];
    const unsupported: Unsupported[] = [];
    if (evidence.rules === undefined) {
      const source: SourceRef = { path: meta.source, text: 'outbound rules not listed' };
      rules.push({ match: {}, action: { kind: 'unknown', construct: `outbound rules, which ${meta.source} does not list` }, source });
      unsupported.push({ construct: `outbound rules (not listed by ${meta.source})`, source });
    }
    for (const rule of evidence.rules ?? []) {
      if (rule.profiles.length > 0 && !rule.profiles.includes(profile.name)) continue;
      const match = ruleMatch(rule);
      const action = /^allow$/i.test(rule.action) ? { kind: 'accept' as const } : /^block$/i.test(rule.action) ? { kind: 'drop' as const } : { kind: 'unknown' as const, construct: `action ${rule.action}` };
      const modelled: Rule = { match, action, source: rule.source };
      rules.push(modelled);
      unsupported.push(...ruleUnsupported(modelled));
    }
    const outbound = profile.defaultOutbound ?? 'NotConfigured';
    const block = /^block$/i.test(outbound);
    const enabled = profile.enabled;
    const active = enabled === undefined ? undefined : /^(true|notconfigured|1)$/i.test(enabled);
    const enabledText = enabled === undefined ? 'Enabled not recorded' : /^notconfigured$/i.test(enabled) ? 'Enabled NotConfigured (the Windows default: on)' : `Enabled ${enabled}`;
    const policyText = /^(allow|block)$/i.test(outbound) ? `DefaultOutboundAction ${outbound}` : `DefaultOutboundAction ${outbound} (the Windows default: Allow)`;
    out.push({
      backend: 'windows',
      label: `Windows Firewall, ${profile.name} profile`,
      semantics: 'block-wins',
      active,
      activeEvidence: `${meta.source}: ${profile.name} profile ${enabledText}`,
      chains: [
        {
          id: `windows ${profile.name} outbound`,
          name: `${profile.name} outbound`,
          hook: 'output',
          priority: 0,
          families: ['ipv4', 'ipv6'],
          policy: block ? 'drop' : 'accept',
          rules,
          source: profile.source,
          policySource: { ...profile.source, text: policyText },
        },
      ],
      unsupported,
      sources: [meta.source],
      errors: evidence.errors,
    });
  }
  return out;
}
