import type { EgressRuleset, IpFamily, SourceRef } from '../firewall/model.js';
import { splitLines, stripBom } from '../util/text-lines.js';
import { declaredChains, iptablesRuleset, mergeIptablesSaves, parseIptablesSave, type IptablesSave } from './iptables-save.js';

// ufw: /etc/ufw/ufw.conf (ENABLED), /etc/default/ufw (DEFAULT_OUTPUT_POLICY, IPV6), and the rules files
// it restores with `iptables-restore --noflush` (before[6].rules, after[6].rules, user[6].rules; older
// releases keep user rules in /lib/ufw). The chains are wired the way ufw-init does it:
//
//   OUTPUT -> ufw-before-logging-output, ufw-before-output (ending in a jump to ufw-user-output),
//             ufw-after-output, ufw-after-logging-output, ufw-reject-output (REJECT when the default is
//             REJECT), ufw-track-output (NEW tcp/udp ACCEPT when the default is ACCEPT);
//   OUTPUT policy = DEFAULT_OUTPUT_POLICY (REJECT becomes DROP plus the reject chain);
//   IPV6=no: ip6tables OUTPUT DROP with only `-o lo -j ACCEPT`.
//
// `ufw status [verbose]` output gives the live state (Status: active|inactive) and the defaults.

export interface ConfValue {
  value: string;
  line: number;
}

/** `KEY=value` / `KEY="value"` lines of a shell-sourced file; the last assignment wins, as in the shell. */
export function parseShellAssignments(text: string): Map<string, ConfValue> {
  const out = new Map<string, ConfValue>();
  splitLines(stripBom(text)).forEach((raw, index) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!match) return;
    let value = (match[2] as string).trim();
    const quoted = /^"([^"]*)"|^'([^']*)'/.exec(value);
    if (quoted) value = quoted[1] ?? quoted[2] ?? '';
    else value = value.replace(/\s+#.*$/, '').trim();
    out.set(match[1] as string, { value, line: index + 1 });
  });
  return out;
}

export interface UfwConf {
  path: string;
  /** ENABLED=yes|no (ufw-init compares with "yes" and "YES"). */
  enabled?: { value: boolean; line: number; text: string };
  logLevel?: string;
}

export function parseUfwConf(text: string, path: string): UfwConf {
  const values = parseShellAssignments(text);
  const enabled = values.get('ENABLED');
  const out: UfwConf = { path };
  if (enabled) out.enabled = { value: enabled.value === 'yes' || enabled.value === 'YES', line: enabled.line, text: `ENABLED=${enabled.value}` };
  const level = values.get('LOGLEVEL')?.value;
  if (level !== undefined) out.logLevel = level;
  return out;
}

export type UfwPolicy = 'ACCEPT' | 'ACCEPT_NO_TRACK' | 'DROP' | 'REJECT';

export interface UfwDefaults {
  path: string;
  /** Upstream default ACCEPT when the file does not set it. */
  outputPolicy: UfwPolicy;
  outputPolicyLine?: number;
  inputPolicy?: string;
  ipv6: boolean;
  ipv6Line?: number;
  manageBuiltins?: boolean;
  /** Values this reader does not know (a typo in the policy), with their lines. */
  problems: { message: string; line: number }[];
}

const POLICIES: readonly UfwPolicy[] = ['ACCEPT', 'ACCEPT_NO_TRACK', 'DROP', 'REJECT'];

export function parseUfwDefaults(text: string, path: string): UfwDefaults {
  const values = parseShellAssignments(text);
  const out: UfwDefaults = { path, outputPolicy: 'ACCEPT', ipv6: true, problems: [] };
  const output = values.get('DEFAULT_OUTPUT_POLICY');
  if (output) {
    out.outputPolicyLine = output.line;
    if ((POLICIES as readonly string[]).includes(output.value)) out.outputPolicy = output.value as UfwPolicy;
    else out.problems.push({ message: `DEFAULT_OUTPUT_POLICY="${output.value}" is not ACCEPT, ACCEPT_NO_TRACK, DROP or REJECT: ufw-init fails to load it`, line: output.line });
  }
  const input = values.get('DEFAULT_INPUT_POLICY')?.value;
  if (input !== undefined) out.inputPolicy = input;
  const ipv6 = values.get('IPV6');
  if (ipv6) {
    out.ipv6 = ipv6.value === 'yes' || ipv6.value === 'YES';
    out.ipv6Line = ipv6.line;
  }
  const builtins = values.get('MANAGE_BUILTINS')?.value;
  if (builtins !== undefined) out.manageBuiltins = builtins === 'yes';
  return out;
}

export interface UfwStatusRule {
  to: string;
  action: string;
  from: string;
  line: number;
}

export interface UfwStatus {
  /** Status: active / inactive; undefined when the output has no status line (an error message). */
  active?: boolean;
  line?: number;
  /** `Default: deny (incoming), allow (outgoing), disabled (routed)` (verbose only). */
  defaults?: { incoming?: string; outgoing?: string; routed?: string; line: number };
  rules: UfwStatusRule[];
}

/** `ufw status` / `ufw status verbose` output. */
export function parseUfwStatus(text: string): UfwStatus {
  const out: UfwStatus = { rules: [] };
  let inTable = false;
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = index + 1;
    const status = /^Status:\s*(\w+)/.exec(raw);
    if (status) {
      out.active = (status[1] as string).toLowerCase() === 'active';
      out.line = line;
      return;
    }
    const defaults = /^Default:\s*(.*)$/.exec(raw);
    if (defaults) {
      const entry: NonNullable<UfwStatus['defaults']> = { line };
      for (const part of (defaults[1] as string).split(',')) {
        const item = /^\s*(\w+)\s*\((\w+)\)/.exec(part);
        if (!item) continue;
        const direction = (item[2] as string).toLowerCase();
        if (direction === 'incoming' || direction === 'outgoing' || direction === 'routed') entry[direction] = (item[1] as string).toLowerCase();
      }
      out.defaults = entry;
      return;
    }
    if (/^--\s+-+\s+-+/.test(raw.trim())) {
      inTable = true;
      return;
    }
    if (!inTable || raw.trim() === '') return;
    // Columns are aligned: To (up to the action), Action (ALLOW|DENY|REJECT|LIMIT [IN|OUT|FWD]), From.
    const row = /^(.*?)\s{2,}((?:ALLOW|DENY|REJECT|LIMIT)(?:\s+(?:IN|OUT|FWD))?)\s{2,}(.*?)\s*$/.exec(raw);
    if (row) out.rules.push({ to: (row[1] as string).trim(), action: row[2] as string, from: (row[3] as string).trim(), line });
  });
  return out;
}

export interface UfwRulesFile {
  kind: 'before' | 'after' | 'user';
  path: string;
  text?: string;
  /** Present but unreadable. */
  error?: string;
}

export interface UfwInput {
  family: IpFamily;
  conf?: UfwConf;
  defaults?: UfwDefaults;
  /** The family's files: before[6].rules, after[6].rules, user[6].rules (absent ones left out). */
  files: readonly UfwRulesFile[];
  active: boolean | undefined;
  activeEvidence: string;
  resolveUser?: (name: string) => number | undefined;
}

const FAMILY_LABEL: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** Parses synthetic restore text and gives every rule and chain the same origin. */
function synthetic(text: string, family: IpFamily, source: SourceRef, known: Map<string, Set<string>>): IptablesSave {
  const save = parseIptablesSave(text, { path: source.path ?? 'ufw-init', family, knownChains: known });
  for (const table of save.tables) {
    for (const chain of table.chains) {
      if (chain.source) chain.source = { ...source, text: `${chain.source.text ?? chain.name} (${source.text ?? 'ufw-init'})` };
      for (const rule of chain.rules) rule.source = { ...source, text: `${rule.source.text ?? ''} (${source.text ?? 'ufw-init'})` };
    }
  }
  return save;
}

/** The model of one family's ufw firewall, as ufw-init loads it. */
export function ufwRuleset(input: UfwInput): EgressRuleset {
  const { family } = input;
  const type = family === 'ipv6' ? '6' : '';
  const defaults = input.defaults;
  const defaultsPath = defaults?.path ?? '/etc/default/ufw';
  const policy: UfwPolicy = defaults?.outputPolicy ?? 'ACCEPT';
  const policySource: SourceRef = defaults?.outputPolicyLine !== undefined ? { path: defaultsPath, line: defaults.outputPolicyLine, text: `DEFAULT_OUTPUT_POLICY="${policy}"` } : { path: defaultsPath, text: 'DEFAULT_OUTPUT_POLICY not set: ACCEPT' };
  const label = `ufw ${FAMILY_LABEL[family]} (${[...input.files.map((file) => file.path), defaultsPath].join(', ')})`;
  const sources = [...(input.conf ? [input.conf.path] : []), ...(defaults ? [defaults.path] : []), ...input.files.map((file) => file.path)];
  const errors: EgressRuleset['errors'] = (defaults?.problems ?? []).map((problem) => ({ message: problem.message, source: { path: defaultsPath, line: problem.line } }));

  if (family === 'ipv6' && defaults && !defaults.ipv6) {
    // ufw-init with IPV6=no: IPv6 only on loopback.
    const source: SourceRef = { path: defaultsPath, ...(defaults.ipv6Line !== undefined ? { line: defaults.ipv6Line } : {}), text: 'IPV6=no' };
    const save = synthetic('*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A OUTPUT -o lo -j ACCEPT\nCOMMIT\n', family, { ...source, text: 'IPV6=no: ufw-init drops IPv6 except on loopback' }, new Map());
    const ruleset = iptablesRuleset(save, { backend: 'ufw', label, active: input.active, activeEvidence: input.activeEvidence, sources });
    for (const chain of ruleset.chains) if (chain.id === 'filter/OUTPUT') chain.policySource = source;
    ruleset.errors.push(...errors);
    return ruleset;
  }

  const outputPolicy = policy === 'DROP' || policy === 'REJECT' ? 'DROP' : 'ACCEPT';
  const ufw = (name: string) => `ufw${type}-${name}`;
  const primary = ['before-logging', 'before', 'after', 'after-logging', 'reject', 'track'];
  const texts: { text: string; source: SourceRef }[] = [];
  const wire: SourceRef = { path: 'ufw-init', text: 'ufw-init primary chains' };
  texts.push({
    text: `*filter\n${['input', 'output', 'forward'].flatMap((direction) => primary.map((name) => `:${ufw(`${name}-${direction}`)} - [0:0]`)).join('\n')}\n${primary.map((name) => `-A OUTPUT -j ${ufw(`${name}-output`)}`).join('\n')}\nCOMMIT\n`,
    source: wire,
  });
  if (policy === 'REJECT') texts.push({ text: `*filter\n-A ${ufw('reject-output')} -j REJECT\nCOMMIT\n`, source: { ...policySource, text: 'ufw-init reject chain for DEFAULT_OUTPUT_POLICY="REJECT"' } });
  if (policy === 'ACCEPT') texts.push({ text: `*filter\n-A ${ufw('track-output')} -p tcp -m conntrack --ctstate NEW -j ACCEPT\n-A ${ufw('track-output')} -p udp -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n`, source: { ...policySource, text: 'ufw-init tracking rules for DEFAULT_OUTPUT_POLICY="ACCEPT"' } });
  texts.push({ text: `*filter\n:${ufw('logging-deny')} - [0:0]\n:${ufw('logging-allow')} - [0:0]\n:${ufw('skip-to-policy-output')} - [0:0]\n-A ${ufw('skip-to-policy-output')} -j ${outputPolicy === 'DROP' ? (policy === 'REJECT' ? 'REJECT' : 'DROP') : 'ACCEPT'}\nCOMMIT\n`, source: { ...policySource, text: 'ufw-init skip-to-policy chain' } });

  const known = new Map<string, Set<string>>();
  const order: UfwRulesFile['kind'][] = ['before', 'after', 'user'];
  const files = [...input.files].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const userDecl = `*filter\n${['user-input', 'user-output', 'user-forward', 'user-logging-input', 'user-logging-output', 'user-logging-forward', 'user-limit', 'user-limit-accept'].map((name) => `:${ufw(name)} - [0:0]`).join('\n')}\nCOMMIT\n`;
  const all = [...texts.map((item) => item.text), ...files.map((file) => file.text ?? ''), userDecl];
  for (const text of all) for (const [table, chains] of declaredChains(text)) for (const chain of chains) (known.get(table) ?? known.set(table, new Set()).get(table))?.add(chain);

  const parts: IptablesSave[] = texts.map((item) => synthetic(item.text, family, item.source, known));
  const userFile = files.find((file) => file.kind === 'user');
  for (const file of files) {
    if (file.kind === 'user') parts.push(synthetic(userDecl, family, { path: 'ufw-init', text: 'ufw-init user chains' }, known));
    if (file.text !== undefined) {
      const save = parseIptablesSave(file.text, { path: file.path, family, knownChains: known, ...(input.resolveUser ? { resolveUser: input.resolveUser } : {}) });
      parts.push(save);
    } else {
      // Present but unreadable: whatever its chains hold is unknown.
      const chain = file.kind === 'before' ? ufw('before-output') : file.kind === 'after' ? ufw('after-output') : ufw('user-output');
      const save = synthetic(`*filter\n:${chain} - [0:0]\nCOMMIT\n`, family, { path: file.path, text: `${file.path} could not be read` }, known);
      const target = save.tables[0]?.chains.find((candidate) => candidate.name === chain);
      target?.rules.push({ match: {}, action: { kind: 'unknown', construct: `the rules of ${file.path}, which could not be read (${file.error ?? 'unreadable'})` }, source: { path: file.path, text: `${file.path} could not be read` } });
      save.errors.push({ message: `cannot be read: ${file.error ?? 'unreadable'}`, source: { path: file.path } });
      parts.push(save);
    }
    if (file.kind === 'user') parts.push(synthetic(`*filter\n-A ${ufw('before-output')} -j ${ufw('user-output')}\nCOMMIT\n`, family, { path: 'ufw-init', text: `ufw-init hooks ${ufw('user-output')} into ${ufw('before-output')}` }, known));
  }
  if (!userFile) errors.push({ message: `no user${type}.rules: ufw-init reports "Couldn't find" it and loads no user rules`, source: { path: `/etc/ufw/user${type}.rules` } });
  parts.push(synthetic(`*filter\n:OUTPUT ${outputPolicy} [0:0]\nCOMMIT\n`, family, { ...policySource }, known));

  const merged = mergeIptablesSaves(parts, family);
  const ruleset = iptablesRuleset(merged, { backend: 'ufw', label, active: input.active, activeEvidence: input.activeEvidence, sources });
  for (const chain of ruleset.chains) if (chain.id === 'filter/OUTPUT') chain.policySource = policySource;
  ruleset.errors.push(...errors);
  return ruleset;
}
