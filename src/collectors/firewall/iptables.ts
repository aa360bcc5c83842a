import type { EgressRuleset, IpFamily } from '../../firewall/model.js';
import type { Host } from '../../host/host.js';
import { iptablesIsEmpty, iptablesRuleset, parseIptablesSave, type IptablesSave } from '../../parsers/iptables-save.js';
import { canRun, readTextFile, runCommand, unitEnabled, userResolver, whyUnavailable, type UnitState } from './evidence.js';

// iptables (legacy or iptables-nft): the loaded rules from `iptables-save` / `ip6tables-save` on a live or
// recorded endpoint; otherwise the files a boot service restores (Debian netfilter-persistent
// /etc/iptables/rules.v4|v6, RHEL iptables-services /etc/sysconfig/iptables|ip6tables, Arch iptables.service
// /etc/iptables/iptables.rules|ip6tables.rules), active when that service is enabled. One ruleset per
// family and source; [] when there is no evidence at all.

interface RulesFile {
  path: string;
  family: IpFamily;
  units: string[];
}

const RULES_FILES: readonly RulesFile[] = [
  { path: '/etc/iptables/rules.v4', family: 'ipv4', units: ['netfilter-persistent.service', 'iptables-persistent.service'] },
  { path: '/etc/iptables/rules.v6', family: 'ipv6', units: ['netfilter-persistent.service', 'iptables-persistent.service'] },
  { path: '/etc/sysconfig/iptables', family: 'ipv4', units: ['iptables.service'] },
  { path: '/etc/sysconfig/ip6tables', family: 'ipv6', units: ['ip6tables.service'] },
  { path: '/etc/iptables/iptables.rules', family: 'ipv4', units: ['iptables.service'] },
  { path: '/etc/iptables/ip6tables.rules', family: 'ipv6', units: ['ip6tables.service'] },
];

const SAVE_COMMANDS: readonly { command: string; family: IpFamily }[] = [
  { command: 'iptables-save', family: 'ipv4' },
  { command: 'ip6tables-save', family: 'ipv6' },
];

const FAMILY_LABEL: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };
const TOOL: Record<IpFamily, string> = { ipv4: 'iptables', ipv6: 'ip6tables' };

/** A ruleset for rules that exist but could not be read: evaluation stops at it instead of allowing. */
export function unreadableRuleset(backend: EgressRuleset['backend'], label: string, family: IpFamily | 'both', path: string, why: string, active: boolean | undefined, activeEvidence: string): EgressRuleset {
  const source = { path, text: `${path} (${why})` };
  return {
    backend,
    label,
    semantics: 'first-match',
    active,
    activeEvidence,
    chains: [
      {
        id: `${backend} unread`,
        name: 'output',
        hook: 'output',
        priority: 0,
        families: family === 'both' ? ['ipv4', 'ipv6'] : [family],
        policy: 'accept',
        rules: [{ match: {}, action: { kind: 'unknown', construct: `rules in ${path} that could not be read (${why})` }, source }],
        source,
      },
    ],
    unsupported: [{ construct: `rules in ${path} that could not be read (${why})`, source }],
    sources: [path],
    errors: [{ message: `cannot be read: ${why}`, source: { path } }],
  };
}

/** Does a boot script restore this file (Debian's old /etc/network/if-pre-up.d hook, rc.local)? */
async function bootScriptLoads(host: Host, path: string): Promise<string | undefined> {
  const scripts: string[] = ['/etc/rc.local'];
  for (const dir of ['/etc/network/if-pre-up.d', '/etc/network/if-up.d']) {
    for (const name of ((await host.listDir(dir).catch(() => undefined)) ?? []).sort()) scripts.push(`${dir}/${name}`);
  }
  for (const script of scripts) {
    const { text } = await readTextFile(host, script);
    if (text && /ip6?tables-restore/.test(text) && text.includes(path)) return `${script} runs ip(6)tables-restore on ${path}`;
  }
  return undefined;
}

async function fileRulesets(host: Host, families: ReadonlySet<IpFamily>, resolveUser: (name: string) => number | undefined, liveNote: Map<IpFamily, string>): Promise<EgressRuleset[]> {
  const out: EgressRuleset[] = [];
  const units = new Map<string, UnitState>();
  for (const file of RULES_FILES) {
    if (!families.has(file.family)) continue;
    const read = await readTextFile(host, file.path);
    if (read.text === undefined && read.error === undefined) continue;
    const key = file.units.join(',');
    let unit = units.get(key);
    if (!unit) {
      unit = await unitEnabled(host, file.units);
      units.set(key, unit);
    }
    let active = unit.enabled;
    let evidence = `${file.path} is restored at boot only when its service is: ${unit.evidence}`;
    if (active !== true) {
      const script = await bootScriptLoads(host, file.path);
      if (script) {
        active = true;
        evidence = script;
      }
    }
    const note = liveNote.get(file.family);
    if (note) evidence = `${note}; ${evidence}`;
    const label = `${TOOL[file.family]} ${FAMILY_LABEL[file.family]} rules (${file.path})`;
    if (read.text === undefined) {
      out.push(unreadableRuleset('iptables', label, file.family, file.path, read.error ?? 'unreadable', active, evidence));
      continue;
    }
    const save = parseIptablesSave(read.text, { path: file.path, family: file.family, resolveUser });
    out.push(iptablesRuleset(save, { backend: 'iptables', label, active, activeEvidence: evidence, sources: [file.path] }));
  }
  return out;
}

function liveRuleset(save: IptablesSave, command: string, family: IpFamily): EgressRuleset {
  const empty = iptablesIsEmpty(save);
  return iptablesRuleset(save, {
    backend: 'iptables',
    label: `${TOOL[family]} ${FAMILY_LABEL[family]} rules (${command})`,
    active: !empty,
    activeEvidence: empty ? `${command} shows only empty chains with ACCEPT policies: loaded, filtering nothing` : `${command} printed the rules loaded in the kernel`,
    sources: [command],
  });
}

export async function collectIptables(host: Host): Promise<EgressRuleset[]> {
  if (host.platform !== 'linux') return [];
  const resolveUser = await userResolver(host);
  const out: EgressRuleset[] = [];
  const needFiles = new Set<IpFamily>(['ipv4', 'ipv6']);
  const liveNote = new Map<IpFamily, string>();
  if (canRun(host)) {
    for (const { command, family } of SAVE_COMMANDS) {
      const result = await runCommand(host, command, []);
      if (!result.ran || result.exitCode !== 0) {
        if (result.ran) liveNote.set(family, `${command} gave no rules (${whyUnavailable(result)})`);
        continue;
      }
      needFiles.delete(family);
      if (/^\*\w+/m.test(result.stdout)) out.push(liveRuleset(parseIptablesSave(result.stdout, { path: command, family, resolveUser }), command, family));
      // iptables-nft warns when legacy (x_tables) rules are loaded too: both filter every packet.
      if (/iptables-legacy tables present/.test(result.stdout + result.stderr)) {
        const legacy = command.replace('-save', '-legacy-save');
        const old = await runCommand(host, legacy, []);
        if (old.ran && old.exitCode === 0 && /^\*\w+/m.test(old.stdout)) out.push(liveRuleset(parseIptablesSave(old.stdout, { path: legacy, family, resolveUser }), legacy, family));
      }
    }
  }
  if (needFiles.size > 0) out.push(...(await fileRulesets(host, needFiles, resolveUser, liveNote)));
  return out;
}
