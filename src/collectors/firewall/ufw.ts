import type { EgressRuleset, IpFamily } from '../../firewall/model.js';
import type { Host } from '../../host/host.js';
import { parseUfwConf, parseUfwDefaults, parseUfwStatus, ufwRuleset, type UfwConf, type UfwRulesFile } from '../../parsers/ufw.js';
import { canRun, readTextFile, runCommand, unitEnabled, userResolver, whyUnavailable } from './evidence.js';

// ufw: the configuration files, wired into chains the way ufw-init loads them (src/parsers/ufw.ts), one
// ruleset per family. Active: `ufw status` on a live or recorded endpoint (it needs root); otherwise
// ENABLED=yes in /etc/ufw/ufw.conf, unless the image's ufw.service is installed but not enabled.
// [] when ufw is not installed (no ufw.conf, no /etc/default/ufw).

const CONF = '/etc/ufw/ufw.conf';
const DEFAULTS = '/etc/default/ufw';

async function rulesFiles(host: Host, family: IpFamily): Promise<UfwRulesFile[]> {
  const type = family === 'ipv6' ? '6' : '';
  const out: UfwRulesFile[] = [];
  const candidates: { kind: UfwRulesFile['kind']; paths: string[] }[] = [
    { kind: 'before', paths: [`/etc/ufw/before${type}.rules`] },
    { kind: 'after', paths: [`/etc/ufw/after${type}.rules`] },
    // ufw before 0.34 kept the user rules in /lib/ufw.
    { kind: 'user', paths: [`/etc/ufw/user${type}.rules`, `/lib/ufw/user${type}.rules`] },
  ];
  for (const { kind, paths } of candidates) {
    for (const path of paths) {
      const read = await readTextFile(host, path);
      if (read.text === undefined && read.error === undefined) continue;
      out.push({ kind, path, ...(read.text !== undefined ? { text: read.text } : {}), ...(read.error !== undefined ? { error: read.error } : {}) });
      break;
    }
  }
  return out;
}

async function activeState(host: Host, conf: UfwConf | undefined): Promise<{ active: boolean | undefined; evidence: string }> {
  let note = '';
  if (canRun(host)) {
    const result = await runCommand(host, 'ufw', ['status', 'verbose']);
    if (result.ran && result.exitCode === 0) {
      const status = parseUfwStatus(result.stdout);
      if (status.active !== undefined) return { active: status.active, evidence: `ufw status verbose: Status: ${status.active ? 'active' : 'inactive'}` };
    }
    if (result.ran || result.unavailable) note = `ufw status verbose gave no status (${whyUnavailable(result)}); `;
  }
  const enabled = conf?.enabled;
  if (!enabled) return { active: undefined, evidence: `${note}${conf ? `${conf.path} does not set ENABLED` : `no ${CONF}`}` };
  const where = `${enabled.text} in ${conf.path}:${enabled.line}`;
  if (!enabled.value) return { active: false, evidence: `${note}${where}: ufw does not start` };
  if (!canRun(host)) {
    const unit = await unitEnabled(host, ['ufw.service']);
    if (unit.enabled === false) return { active: false, evidence: `${where}, but ${unit.evidence}` };
    return { active: true, evidence: unit.enabled ? `${where}; ${unit.evidence}` : where };
  }
  return { active: true, evidence: `${note}${where}` };
}

export async function collectUfw(host: Host): Promise<EgressRuleset[]> {
  if (host.platform !== 'linux') return [];
  const confFile = await readTextFile(host, CONF);
  const defaultsFile = await readTextFile(host, DEFAULTS);
  const present = (file: { text?: string; error?: string }) => file.text !== undefined || file.error !== undefined;
  if (!present(confFile) && !present(defaultsFile)) return [];
  const conf = confFile.text !== undefined ? parseUfwConf(confFile.text, CONF) : undefined;
  const defaults = defaultsFile.text !== undefined ? parseUfwDefaults(defaultsFile.text, DEFAULTS) : undefined;
  const { active, evidence } = await activeState(host, conf);
  const resolveUser = await userResolver(host);
  const out: EgressRuleset[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const files = await rulesFiles(host, family);
    const ruleset = ufwRuleset({ family, ...(conf ? { conf } : {}), ...(defaults ? { defaults } : {}), files, active, activeEvidence: evidence, resolveUser });
    if (defaultsFile.error) {
      // The default policy is not known: evaluation stops before the chain's policy could decide.
      const source = { path: DEFAULTS, text: `${DEFAULTS} could not be read` };
      ruleset.chains.find((chain) => chain.id === 'filter/OUTPUT')?.rules.push({ match: {}, action: { kind: 'unknown', construct: `DEFAULT_OUTPUT_POLICY (${DEFAULTS} could not be read: ${defaultsFile.error})` }, source });
      ruleset.errors.push({ message: `cannot be read (${defaultsFile.error})`, source: { path: DEFAULTS } });
    }
    if (confFile.error) ruleset.errors.push({ message: `cannot be read (${confFile.error})`, source: { path: CONF } });
    out.push(ruleset);
  }
  return out;
}
