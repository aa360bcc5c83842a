import type { EgressRuleset } from '../../firewall/model.js';
import type { Host } from '../../host/host.js';
import { parsePfctlInfo, pfAnchorNames, pfReferencedFiles, pfRuleset, pfTableNames } from '../../parsers/pf-conf.js';
import { canRun, readTextFile, runCommand, userResolver, whyUnavailable } from './evidence.js';

// macOS pf. pf is not enabled automatically on macOS (Apple's launch daemon loads /etc/pf.conf without
// enabling it): active comes from `pfctl -s info` (Status: Enabled|Disabled) on a live or recorded
// endpoint, or, in an image, from a launch daemon that runs `pfctl -e`/`-E`; otherwise unknown. The rules
// are the loaded ones (`pfctl -s rules`, anchors with `pfctl -a NAME -s rules`, child anchors with
// `pfctl -a NAME -s Anchors`, tables with `pfctl -t NAME -T show`) when pfctl answers (it needs root),
// else /etc/pf.conf and the files it loads. The application firewall (socketfilterfw) filters inbound
// connections only and is read by the firewall collector, not here. [] without pf evidence.

const PF_CONF = '/etc/pf.conf';
const MAX_FILES = 32;
const MAX_ANCHOR_COMMANDS = 24;
const MAX_TABLE_COMMANDS = 16;
const LAUNCH_DAEMON_DIRS = ['/Library/LaunchDaemons', '/System/Library/LaunchDaemons'];

async function bootEnabler(host: Host): Promise<string | undefined> {
  for (const dir of LAUNCH_DAEMON_DIRS) {
    for (const name of ((await host.listDir(dir).catch(() => undefined)) ?? []).sort()) {
      if (!name.endsWith('.plist')) continue;
      const path = `${dir}/${name}`;
      const bytes = await host.readFile(path, 256 * 1024).catch(() => undefined);
      // Binary plists keep ASCII strings as they are: a text search finds the arguments in both forms.
      const text = bytes?.toString('latin1') ?? '';
      if (!text.includes('pfctl')) continue;
      const words = text.startsWith('bplist') ? text.split(/[^\x21-\x7e]+/) : text.replace(/<[^>]*>/g, ' ').split(/[\s'"]+/);
      // `-e`, `-E`, `-Ef`, `-ef`: pfctl's enable flags, alone or with others.
      if (words.some((word) => /^[\x50-\x5f]?-[a-zA-Z]*[eE][a-zA-Z]*$/.test(word) && !/^[\x50-\x5f]?--/.test(word))) return `${path} runs pfctl with -e or -E (enable) at boot`;
    }
  }
  return undefined;
}

async function activeState(host: Host): Promise<{ active: boolean | undefined; evidence: string }> {
  let note = '';
  if (canRun(host)) {
    const result = await runCommand(host, 'pfctl', ['-s', 'info']);
    const info = parsePfctlInfo(`${result.stdout}\n${result.stderr}`);
    if (result.ran && info.enabled !== undefined) return { active: info.enabled, evidence: `pfctl -s info: ${info.text}` };
    note = `pfctl -s info gave no status (${whyUnavailable(result)}); `;
  }
  const daemon = await bootEnabler(host);
  if (daemon) return { active: true, evidence: `${note}${daemon}` };
  return { active: undefined, evidence: `${note}pf is not enabled automatically on macOS, and nothing here shows it enabled${canRun(host) ? '' : ' (no launch daemon runs pfctl -e)'}` };
}

async function fromPfctl(host: Host, active: { active: boolean | undefined; evidence: string }, resolveUser: (name: string) => number | undefined): Promise<EgressRuleset | undefined> {
  const main = await runCommand(host, 'pfctl', ['-s', 'rules']);
  if (!main.ran || main.exitCode !== 0) return undefined;
  const anchorRules = new Map<string, { path: string; text: string } | { error: string }>();
  const anchorChildren = new Map<string, string[]>();
  let budget = MAX_ANCHOR_COMMANDS;
  const visit = async (text: string, parent: string | undefined, depth: number): Promise<void> => {
    for (const raw of pfAnchorNames(text)) {
      if (budget <= 0 || depth > 3) return;
      const wildcard = raw.endsWith('/*') || raw === '*';
      const name = [parent, raw.replace(/\/?\*$/, '')].filter(Boolean).join('/');
      const names: string[] = [];
      if (wildcard) {
        if (anchorChildren.has(name)) continue;
        budget--;
        const listed = await runCommand(host, 'pfctl', ['-a', name, '-s', 'Anchors']);
        const children = listed.ran && listed.exitCode === 0 ? listed.stdout.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : [];
        anchorChildren.set(name, children);
        names.push(...children);
      } else names.push(name);
      for (const child of names) {
        if (anchorRules.has(child) || budget <= 0) continue;
        budget--;
        const args = ['-a', child, '-s', 'rules'];
        const result = await runCommand(host, 'pfctl', args);
        if (result.ran && result.exitCode === 0) {
          anchorRules.set(child, { path: `pfctl ${args.join(' ')}`, text: result.stdout });
          await visit(result.stdout, child, depth + 1);
        } else anchorRules.set(child, { error: whyUnavailable(result) });
      }
    }
  };
  await visit(main.stdout, undefined, 0);
  const tableEntries = new Map<string, { path: string; text: string }>();
  const allText = [main.stdout, ...[...anchorRules.values()].flatMap((value) => ('text' in value ? [value.text] : []))].join('\n');
  for (const table of pfTableNames(allText).slice(0, MAX_TABLE_COMMANDS)) {
    const args = ['-t', table, '-T', 'show'];
    const result = await runCommand(host, 'pfctl', args);
    if (result.ran && result.exitCode === 0) tableEntries.set(table, { path: `pfctl ${args.join(' ')}`, text: result.stdout });
  }
  // Anchors pfctl could not list: their rules are unknown, unless the configuration loads them from a file.
  const ruleset = pfRuleset(
    { main: { path: 'pfctl -s rules', text: main.stdout }, expanded: true, anchorRules: new Map([...anchorRules].filter(([, value]) => 'text' in value)), anchorChildren, tableEntries, resolveUser },
    { label: 'pf (pfctl -s rules)', active: active.active, activeEvidence: active.evidence },
  );
  for (const [name, value] of anchorRules) {
    if ('error' in value) ruleset.unsupported.push({ construct: `anchor ${name}: pfctl -a ${name} -s rules gave nothing (${value.error})`, source: { path: 'pfctl -s rules' } });
  }
  return ruleset;
}

async function fromFiles(host: Host, active: { active: boolean | undefined; evidence: string }, resolveUser: (name: string) => number | undefined): Promise<EgressRuleset | undefined> {
  const main = await readTextFile(host, PF_CONF);
  if (main.text === undefined && main.error === undefined) return undefined;
  if (main.text === undefined) {
    const source = { path: PF_CONF, text: `${PF_CONF} could not be read` };
    return {
      backend: 'pf',
      label: `pf (${PF_CONF})`,
      semantics: 'last-match',
      active: active.active,
      activeEvidence: active.evidence,
      chains: [{ id: 'pf out', name: 'pf filter rules (out)', hook: 'output', priority: 0, families: ['ipv4', 'ipv6'], policy: 'accept', rules: [{ match: {}, action: { kind: 'unknown', construct: `the rules of ${PF_CONF}, which could not be read (${main.error})` }, source }], source }],
      unsupported: [{ construct: `${PF_CONF} could not be read (${main.error})`, source }],
      sources: [PF_CONF],
      errors: [{ message: `cannot be read: ${main.error}`, source: { path: PF_CONF } }],
    };
  }
  const files = new Map<string, string | { error: string }>();
  const queue = pfReferencedFiles(main.text);
  while (queue.length > 0 && files.size < MAX_FILES) {
    const path = queue.shift() as string;
    if (files.has(path)) continue;
    const read = await readTextFile(host, path);
    if (read.text !== undefined) {
      files.set(path, read.text);
      queue.push(...pfReferencedFiles(read.text));
    } else files.set(path, { error: read.error ?? 'no such file' });
  }
  return pfRuleset({ main: { path: PF_CONF, text: main.text }, files, resolveUser }, { label: `pf (${PF_CONF})`, active: active.active, activeEvidence: active.evidence });
}

export async function collectPf(host: Host): Promise<EgressRuleset[]> {
  if (host.platform !== 'darwin') return [];
  const resolveUser = await userResolver(host);
  const active = await activeState(host);
  const loaded = canRun(host) ? await fromPfctl(host, active, resolveUser) : undefined;
  if (loaded) return [loaded];
  const configured = await fromFiles(host, active, resolveUser);
  return configured ? [configured] : [];
}
