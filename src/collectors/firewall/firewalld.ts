import type { EgressRuleset } from '../../firewall/model.js';
import type { Host } from '../../host/host.js';
import { firewalldRuleset, parseFirewalldConf, readXmlFile, type XmlFile } from '../../parsers/firewalld.js';
import { canRun, readTextFile, runCommand, unitEnabled, userResolver, whyUnavailable } from './evidence.js';

// firewalld's permanent configuration (src/parsers/firewalld.ts): firewalld.conf, zones, services and
// policies (/etc/firewalld overriding /usr/lib/firewalld by file name), direct.xml. Active: `firewall-cmd
// --state` (running / not running) on a live or recorded endpoint; in an image, firewalld.service enabled.
// Runtime-only changes (firewall-cmd without --permanent) are not seen. [] when firewalld is not installed.

const ETC = '/etc/firewalld';
const LIB = '/usr/lib/firewalld';
const MAX_FILES_PER_KIND = 200;

async function xmlFiles(host: Host, kind: 'zones' | 'services' | 'policies', unreadable: { path: string; error: string }[]): Promise<Map<string, XmlFile>> {
  const out = new Map<string, XmlFile>();
  for (const base of [LIB, ETC]) {
    const dir = `${base}/${kind}`;
    const names = ((await host.listDir(dir).catch(() => undefined)) ?? []).filter((name) => name.endsWith('.xml')).sort().slice(0, MAX_FILES_PER_KIND);
    for (const name of names) {
      const path = `${dir}/${name}`;
      const read = await readTextFile(host, path);
      if (read.text !== undefined) out.set(name.replace(/\.xml$/, ''), readXmlFile(path, read.text));
      else if (read.error !== undefined) unreadable.push({ path, error: read.error });
    }
  }
  return out;
}

async function activeState(host: Host): Promise<{ active: boolean | undefined; evidence: string }> {
  let note = '';
  if (canRun(host)) {
    const result = await runCommand(host, 'firewall-cmd', ['--state']);
    const state = `${result.stdout}\n${result.stderr}`.trim();
    if (result.ran && /^running$/m.test(state)) return { active: true, evidence: 'firewall-cmd --state: running' };
    if (result.ran && /not running/.test(state)) return { active: false, evidence: 'firewall-cmd --state: not running' };
    note = `firewall-cmd --state gave no state (${whyUnavailable(result)}); `;
  }
  const unit = await unitEnabled(host, ['firewalld.service']);
  return { active: unit.enabled, evidence: `${note}${unit.evidence}` };
}

export async function collectFirewalld(host: Host): Promise<EgressRuleset[]> {
  if (host.platform !== 'linux') return [];
  const installed = (await host.stat(ETC).catch(() => undefined)) ?? (await host.stat(LIB).catch(() => undefined));
  if (!installed) return [];
  const unreadable: { path: string; error: string }[] = [];
  const confFile = await readTextFile(host, `${ETC}/firewalld.conf`);
  if (confFile.error) unreadable.push({ path: confFile.path, error: confFile.error });
  const conf = confFile.text !== undefined ? parseFirewalldConf(confFile.text, confFile.path) : undefined;
  const zones = await xmlFiles(host, 'zones', unreadable);
  const services = await xmlFiles(host, 'services', unreadable);
  const policies = await xmlFiles(host, 'policies', unreadable);
  const directFile = await readTextFile(host, `${ETC}/direct.xml`);
  if (directFile.error) unreadable.push({ path: directFile.path, error: directFile.error });
  const direct = directFile.text !== undefined ? readXmlFile(directFile.path, directFile.text) : undefined;
  const { active, evidence } = await activeState(host);
  const resolveUser = await userResolver(host);
  return [firewalldRuleset({ ...(conf ? { conf } : {}), zones, services, policies, ...(direct ? { direct } : {}), active, activeEvidence: evidence, resolveUser, unreadable })];
}
