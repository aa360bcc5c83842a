// Declarative checks: an organisation's own controls written in YAML (kube-bench style) and run on the same
// spine as the built-in checks. A per-check collector gathers evidence through the Host (so --root and
// replay work), and a pure evaluate judges it. Files are validated as strictly as baselines.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findNodeAtLocation, getNodeValue } from 'jsonc-parser';
import { targetUsers } from '../collectors/target-users.js';
import { AREAS, defineCheck, type AnyCheck, type Area, type EvaluateOutcome, type Finding, type Reference } from '../engine/check.js';
import { defineCollector } from '../engine/collector.js';
import type { RemediationAction } from '../engine/remediation.js';
import { SEVERITIES, type Severity } from '../engine/severity.js';
import { PLATFORMS, TARGET_KINDS, type Platform, type TargetKind } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { parseIni, iniValue } from '../parsers/ini.js';
import { parseJsonTree } from '../parsers/json-tree.js';
import { parsePamEnvironment } from '../parsers/shell-env.js';
import { parseYamlTree } from '../parsers/yaml-tree.js';
import { scrubSecrets } from '../secrets/scrub.js';
import { octal } from '../util/octal.js';
import { lineAt } from '../util/text-lines.js';
import { UsageError } from '../util/usage-error.js';
import { YamlSource, formatIssue, type KeyPath, type SourceIssue } from '../util/yaml-source.js';
import { customIdProblem } from './custom-ids.js';

export const DECLARATIVE_TYPES = ['file-present', 'file-absent', 'file-mode', 'json-key', 'yaml-key', 'env-key', 'ini-key', 'command-output'] as const;
export type DeclarativeType = (typeof DECLARATIVE_TYPES)[number];

export class CustomCheckError extends UsageError {
  constructor(readonly issues: SourceIssue[]) {
    super(`invalid custom check:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    this.name = 'CustomCheckError';
  }
}

type Condition = { op: 'equals' | 'not-equals'; value: unknown } | { op: 'matches'; re: RegExp } | { op: 'absent' };
type Missing = 'pass' | 'fail' | 'skip';

interface Definition {
  type: DeclarativeType;
  paths: string[];
  missing: Missing;
  maxMode?: number;
  owner?: string;
  key?: KeyPath;
  section?: string;
  condition?: Condition;
  command?: string[];
  timeoutMs: number;
  matches?: RegExp;
  notMatches?: RegExp;
  actions?: RemediationAction[];
}

const COMMON_KEYS = ['id', 'title', 'area', 'severity', 'platforms', 'targets', 'rationale', 'fix', 'references', 'remediation', 'type'];
const TYPE_KEYS: Record<DeclarativeType, string[]> = {
  'file-present': ['path', 'paths'],
  'file-absent': ['path', 'paths'],
  'file-mode': ['path', 'paths', 'max-mode', 'owner', 'missing'],
  'json-key': ['path', 'paths', 'key', 'equals', 'not-equals', 'matches', 'absent', 'missing'],
  'yaml-key': ['path', 'paths', 'key', 'equals', 'not-equals', 'matches', 'absent', 'missing'],
  'env-key': ['path', 'paths', 'key', 'equals', 'not-equals', 'matches', 'absent', 'missing'],
  'ini-key': ['path', 'paths', 'section', 'key', 'equals', 'not-equals', 'matches', 'absent', 'missing'],
  'command-output': ['command', 'matches', 'not-matches', 'timeout-ms'],
};
const ACTION_KEYS: Record<string, { required: string[]; optional: string[] }> = {
  chmod: { required: ['path', 'mode'], optional: [] },
  chown: { required: ['path', 'user'], optional: ['group'] },
  'set-json-key': { required: ['path', 'keyPath', 'value'], optional: [] },
  'set-env-line': { required: ['path', 'name', 'value'], optional: [] },
  'write-file': { required: ['path', 'content', 'mode'], optional: [] },
  'registry-set': { required: ['key', 'name', 'type', 'value'], optional: [] },
  manual: { required: ['text'], optional: ['reference'] },
};
const MODE = /^0?[0-7]{3}$/;
const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** Reads every *.yaml / *.yml file of a folder (sorted) as custom checks; `taken` holds ids already in use. */
export function loadCustomChecks(dir: string, taken: ReadonlySet<string>, origin = `--checks ${dir}`): AnyCheck[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    throw new UsageError(`${origin}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const ids = new Set(taken);
  const checks: AnyCheck[] = [];
  const issues: SourceIssue[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    checks.push(...parseCustomChecks(file, readFileSync(file, 'utf8'), ids, issues));
  }
  if (issues.length > 0) throw new CustomCheckError(issues);
  return checks;
}

/** Parses one file: a mapping with a `checks:` list. Adds the ids it defines to `ids`, problems to `issues`. */
export function parseCustomChecks(file: string, text: string, ids: Set<string>, issues: SourceIssue[]): AnyCheck[] {
  const source = new YamlSource(file, text);
  if (source.syntaxIssues.length > 0) {
    issues.push(...source.syntaxIssues);
    return [];
  }
  const raw = source.toJS();
  const issue = (keyPath: KeyPath, message: string) => issues.push(source.issue(keyPath, message));
  if (!isRecord(raw)) {
    issue([], 'a custom check file is a YAML mapping with a `checks:` list');
    return [];
  }
  for (const key of Object.keys(raw)) if (key !== 'checks') issue([key], 'unknown key (allowed: checks)');
  if (!Array.isArray(raw.checks) || raw.checks.length === 0) {
    issue(['checks'], 'expected a non-empty list of checks');
    return [];
  }
  const checks: AnyCheck[] = [];
  raw.checks.forEach((item, index) => {
    const before = issues.length;
    const at: KeyPath = ['checks', index];
    const built = parseOne(item, at, issue, ids);
    if (built && issues.length === before) checks.push(built.check(`${file}:${source.position(at).line}`));
  });
  return checks;
}

type Issue = (keyPath: KeyPath, message: string) => void;

function parseOne(value: unknown, at: KeyPath, issue: Issue, ids: Set<string>): { check: (source: string) => AnyCheck } | undefined {
  if (!isRecord(value)) {
    issue(at, 'expected a mapping (id, title, area, severity, platforms, targets, rationale, fix, type, ...)');
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string' || !(DECLARATIVE_TYPES as readonly string[]).includes(type)) {
    issue([...at, 'type'], `expected one of ${DECLARATIVE_TYPES.join(', ')}`);
    return undefined;
  }
  const kind = type as DeclarativeType;
  const allowed = [...COMMON_KEYS, ...TYPE_KEYS[kind]];
  for (const key of Object.keys(value)) if (!allowed.includes(key)) issue([...at, key], `unknown key for a ${kind} check (allowed: ${allowed.join(', ')})`);

  const text = (key: string): string => {
    const item = value[key];
    if (typeof item === 'string' && item.trim() !== '') return item;
    issue([...at, key], 'expected a non-empty string');
    return '';
  };
  const id = text('id');
  if (id) {
    const problem = customIdProblem(id);
    if (problem) issue([...at, 'id'], problem);
    else if (ids.has(id)) issue([...at, 'id'], `check id "${id}" is already defined (built-in or another custom check)`);
    else ids.add(id);
  }
  const title = text('title');
  const rationale = text('rationale');
  const fix = text('fix');
  const area = value.area;
  if (!(AREAS as readonly unknown[]).includes(area)) issue([...at, 'area'], `expected one of ${AREAS.join(', ')}`);
  const severity = value.severity;
  if (!(SEVERITIES as readonly unknown[]).includes(severity)) issue([...at, 'severity'], `expected one of ${SEVERITIES.join(', ')}`);
  const platforms = choiceList(value.platforms, PLATFORMS, [...at, 'platforms'], issue);
  const defaultTargets: TargetKind[] = kind === 'command-output' ? ['live', 'replay'] : ['live', 'root', 'replay'];
  const targets = value.targets === undefined ? defaultTargets : choiceList(value.targets, TARGET_KINDS, [...at, 'targets'], issue);
  if (kind === 'command-output' && targets.some((target) => target === 'root' || target === 'repo')) {
    issue([...at, 'targets'], 'command-output checks run commands, so only on live (and recorded replay) targets, never on root or repo');
  }
  const references = parseReferences(value.references, [...at, 'references'], issue);
  const definition = parseDefinition(kind, value, at, issue);
  if (value.remediation !== undefined) definition.actions = parseActions(value.remediation, [...at, 'remediation'], issue);

  return {
    check: (source) => buildCheck({ id, title, area: area as Area, severity: severity as Severity, platforms, targets, rationale, fix, references }, definition, source),
  };
}

function parseDefinition(kind: DeclarativeType, value: Record<string, unknown>, at: KeyPath, issue: Issue): Definition {
  const definition: Definition = { type: kind, paths: [], missing: 'skip', timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS };
  if (kind === 'command-output') {
    const command = value.command;
    if (!Array.isArray(command) || command.length === 0 || command.some((item) => typeof item !== 'string' || item === '')) {
      issue([...at, 'command'], 'expected a list: the program, then its arguments (no shell is involved)');
    } else definition.command = command as string[];
    const matches = regex(value.matches, [...at, 'matches'], issue);
    const notMatches = regex(value['not-matches'], [...at, 'not-matches'], issue);
    if ((value.matches === undefined) === (value['not-matches'] === undefined)) {
      issue(at, 'a command-output check needs exactly one of matches, not-matches');
    }
    if (matches) definition.matches = matches;
    if (notMatches) definition.notMatches = notMatches;
    const timeout = value['timeout-ms'];
    if (timeout !== undefined) {
      if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 100 || timeout > 60_000) issue([...at, 'timeout-ms'], 'expected a whole number of milliseconds, 100..60000');
      else definition.timeoutMs = timeout;
    }
    return definition;
  }

  if (value.path !== undefined && value.paths !== undefined) issue([...at, 'paths'], 'give path or paths, not both');
  const paths = value.paths ?? (value.path === undefined ? undefined : [value.path]);
  const pathKey = value.paths !== undefined ? 'paths' : 'path';
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((item) => typeof item !== 'string' || item === '')) {
    issue([...at, pathKey], 'expected a path (absolute, or ~/... for every audited home) or a list of them');
  } else {
    paths.forEach((item: string, index) => {
      if (!item.startsWith('/') && !item.startsWith('~/') && !/^[A-Za-z]:\\/.test(item)) {
        issue(value.paths !== undefined ? [...at, 'paths', index] : [...at, 'path'], `"${item}" must be absolute or start with ~/`);
      }
    });
    definition.paths = paths as string[];
  }
  if (value.missing !== undefined) {
    if (value.missing === 'pass' || value.missing === 'fail' || value.missing === 'skip') definition.missing = value.missing;
    else issue([...at, 'missing'], 'expected pass, fail or skip (what a file that does not exist means)');
  }

  if (kind === 'file-mode') {
    const mode = value['max-mode'];
    if (mode !== undefined) {
      if (typeof mode !== 'string' || !MODE.test(mode)) issue([...at, 'max-mode'], 'expected an octal mode in quotes, for example "0600"');
      else definition.maxMode = parseInt(mode, 8);
    }
    if (value.owner !== undefined) {
      if (typeof value.owner !== 'string' || value.owner === '') issue([...at, 'owner'], 'expected an account name, or {user} for the owner of the home');
      else definition.owner = value.owner;
    }
    if (mode === undefined && value.owner === undefined) issue(at, 'a file-mode check needs max-mode, owner or both');
  }

  if (kind === 'json-key' || kind === 'yaml-key' || kind === 'env-key' || kind === 'ini-key') {
    const key = value.key;
    if (kind === 'json-key' || kind === 'yaml-key') {
      if (typeof key === 'string' && key !== '') definition.key = key.split('.');
      else if (Array.isArray(key) && key.length > 0 && key.every((item) => (typeof item === 'string' && item !== '') || Number.isInteger(item))) definition.key = key as KeyPath;
      else issue([...at, 'key'], 'expected a dotted key path (permissions.defaultMode) or a list of keys (for keys that contain dots)');
    } else if (typeof key === 'string' && key !== '') definition.key = [key];
    else issue([...at, 'key'], 'expected the name of the key');
    if (kind === 'ini-key' && value.section !== undefined) {
      if (typeof value.section !== 'string') issue([...at, 'section'], 'expected a section name (without brackets)');
      else definition.section = value.section;
    }
    const given = (['equals', 'not-equals', 'matches', 'absent'] as const).filter((op) => value[op] !== undefined);
    if (given.length !== 1) issue(at, 'a key check needs exactly one of equals, not-equals, matches, absent');
    const op = given[0];
    if (op === 'matches') {
      const re = regex(value.matches, [...at, 'matches'], issue);
      if (re) definition.condition = { op, re };
    } else if (op === 'absent') {
      if (value.absent !== true) issue([...at, 'absent'], 'expected true');
      definition.condition = { op };
    } else if (op) {
      const expected = value[op];
      if ((kind === 'env-key' || kind === 'ini-key') && typeof expected !== 'string') issue([...at, op], `${kind} values are text: quote the value`);
      definition.condition = { op, value: expected };
    }
  }
  return definition;
}

function regex(value: unknown, at: KeyPath, issue: Issue): RegExp | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    issue(at, 'expected a regular expression as a string');
    return undefined;
  }
  try {
    return new RegExp(value, 'm');
  } catch (error) {
    issue(at, `invalid regular expression: ${(error as Error).message}`);
    return undefined;
  }
}

function choiceList<T extends string>(value: unknown, choices: readonly T[], at: KeyPath, issue: Issue): T[] {
  if (!Array.isArray(value) || value.length === 0) {
    issue(at, `expected a non-empty list of ${choices.join(', ')}`);
    return [];
  }
  value.forEach((item, index) => {
    if (!(choices as readonly unknown[]).includes(item)) issue([...at, index], `expected one of ${choices.join(', ')}`);
  });
  return value as T[];
}

function parseReferences(value: unknown, at: KeyPath, issue: Issue): Reference[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issue(at, 'expected a list of {title, url}');
    return [];
  }
  const out: Reference[] = [];
  value.forEach((item, index) => {
    if (!isRecord(item) || typeof item.title !== 'string' || (item.url !== undefined && typeof item.url !== 'string')) {
      issue([...at, index], 'expected {title, url?} with text values');
      return;
    }
    for (const key of Object.keys(item)) if (key !== 'title' && key !== 'url') issue([...at, index, key], 'unknown key (allowed: title, url)');
    out.push(item.url ? { title: item.title, url: item.url as string } : { title: item.title });
  });
  return out;
}

function parseActions(value: unknown, at: KeyPath, issue: Issue): RemediationAction[] {
  if (!Array.isArray(value) || value.length === 0) {
    issue(at, 'expected a list of remediation actions ({kind: chmod, path: "{path}", mode: "0600"}, ...)');
    return [];
  }
  const out: RemediationAction[] = [];
  value.forEach((item, index) => {
    const where: KeyPath = [...at, index];
    if (!isRecord(item) || typeof item.kind !== 'string' || !ACTION_KEYS[item.kind]) {
      issue([...where, 'kind'], `expected one of ${Object.keys(ACTION_KEYS).join(', ')}`);
      return;
    }
    const shape = ACTION_KEYS[item.kind] as { required: string[]; optional: string[] };
    const known = ['kind', ...shape.required, ...shape.optional];
    let ok = true;
    for (const key of Object.keys(item)) {
      if (!known.includes(key)) {
        issue([...where, key], `unknown key for a ${item.kind} action (allowed: ${known.join(', ')})`);
        ok = false;
      }
    }
    for (const key of shape.required) {
      if (item[key] === undefined) {
        issue([...where, key], `a ${item.kind} action needs ${key}`);
        ok = false;
      }
    }
    for (const key of Object.keys(item)) {
      if (key === 'value' || key === 'keyPath' || key === 'kind') continue;
      if (typeof item[key] !== 'string') {
        issue([...where, key], 'expected text');
        ok = false;
      }
    }
    if (item.mode !== undefined && (typeof item.mode !== 'string' || !MODE.test(item.mode))) {
      issue([...where, 'mode'], 'expected an octal mode in quotes, for example "0600"');
      ok = false;
    }
    if (item.kind === 'set-json-key' && (!Array.isArray(item.keyPath) || item.keyPath.length === 0)) {
      issue([...where, 'keyPath'], 'expected a list of keys');
      ok = false;
    }
    if (item.kind === 'registry-set' && item.type !== 'String' && item.type !== 'DWord') {
      issue([...where, 'type'], 'expected String or DWord');
      ok = false;
    }
    if (ok) out.push(item as unknown as RemediationAction);
  });
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- evidence and judgement ----

interface FileEvidence {
  /** The path as written in the check, for messages. */
  declared: string;
  path: string;
  user?: string;
  exists: boolean;
  type?: string;
  mode?: number;
  uid?: number;
  ownerName?: string;
  content?: string;
  error?: string;
}

type Evidence =
  | { kind: 'files'; files: FileEvidence[]; note?: string }
  | { kind: 'command'; ran: boolean; exitCode: number | null; output: string; unavailable?: string };

interface Meta {
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  platforms: Platform[];
  targets: TargetKind[];
  rationale: string;
  fix: string;
  references: Reference[];
}

function buildCheck(meta: Meta, definition: Definition, source: string): AnyCheck {
  const needsContent = ['json-key', 'yaml-key', 'env-key', 'ini-key'].includes(definition.type);
  const collector = defineCollector<Evidence>({
    id: `custom:${meta.id}`,
    description: definition.type === 'command-output' ? `output of ${definition.command?.join(' ')}` : `${definition.type} evidence for ${definition.paths.join(', ')}`,
    async collect({ host, get, signal }) {
      if (definition.type === 'command-output') {
        const [program, ...args] = definition.command ?? [];
        const result = await host.run(program ?? '', args, { timeoutMs: definition.timeoutMs, signal });
        return { kind: 'command', ran: result.ran && !result.timedOut, exitCode: result.exitCode, output: result.stdout, ...(result.unavailable ? { unavailable: result.unavailable } : {}) };
      }
      const join = targetPaths(host.platform).join;
      const homeBased = definition.paths.some((item) => item.startsWith('~/'));
      const users = homeBased ? await get(targetUsers) : undefined;
      const files: FileEvidence[] = [];
      for (const declared of definition.paths) {
        const targets = declared.startsWith('~/')
          ? (users?.audited ?? []).map((account) => ({ path: join(account.home, declared.slice(2)), user: account.name }))
          : [{ path: declared, user: undefined }];
        for (const target of targets) {
          const evidence: FileEvidence = { declared, path: target.path, exists: false, ...(target.user ? { user: target.user } : {}) };
          try {
            const info = await host.stat(target.path);
            if (info) {
              Object.assign(evidence, { exists: true, type: info.type, mode: info.mode, uid: info.uid });
              const owner = users?.accounts.find((account) => account.uid === info.uid)?.name ?? (await host.users()).find((account) => account.uid === info.uid)?.name;
              if (owner) evidence.ownerName = owner;
              if (needsContent && info.type === 'file') evidence.content = (await host.readFile(target.path))?.toString('utf8') ?? '';
            }
          } catch (error) {
            evidence.error = error instanceof Error ? error.message : String(error);
          }
          files.push(evidence);
        }
      }
      const note = homeBased && (users?.audited.length ?? 0) === 0 ? 'no audited user has a home' : undefined;
      return { kind: 'files', files, ...(note ? { note } : {}) };
    },
  });

  return defineCheck({
    meta: { ...meta, references: meta.references },
    params: {},
    uses: [collector],
    source,
    evaluate(facts) {
      return judge(definition, meta, facts.get(collector));
    },
  }) as unknown as AnyCheck;
}

function judge(definition: Definition, meta: Meta, evidence: Evidence): EvaluateOutcome {
  if (evidence.kind === 'command') {
    const command = definition.command?.join(' ') ?? '';
    if (!evidence.ran) return { status: 'skipped', message: `evidence unavailable: ${evidence.unavailable ?? `${command} did not run`}` };
    const re = definition.matches ?? definition.notMatches;
    const found = re?.test(evidence.output) ?? false;
    const ok = definition.matches ? found : !found;
    if (ok) return { status: 'pass', message: `output of ${command} ${definition.matches ? 'matches' : 'does not match'} /${re?.source}/` };
    return {
      status: 'fail',
      message: `output of ${command} ${definition.matches ? 'does not match' : 'matches'} /${re?.source}/`,
      findings: [{ message: `output of ${command} ${definition.matches ? 'does not match' : 'matches'} /${re?.source}/`, actions: actionsFor(definition, meta, {}) }],
    };
  }
  const unreadable = evidence.files.filter((file) => file.error);
  if (unreadable.length > 0) throw new Error(unreadable.map((file) => `${file.path}: ${file.error}`).join('; '));
  if (evidence.files.length === 0) return { status: 'skipped', message: evidence.note ?? 'no path to look at' };

  const findings: Finding[] = [];
  let looked = 0;
  for (const file of evidence.files) {
    const subject = file.user ? { subject: file.user } : {};
    const location = { path: file.path };
    const vars = { path: file.path, ...(file.user ? { user: file.user } : {}) };
    if (definition.type === 'file-present') {
      looked += 1;
      if (!file.exists) findings.push({ message: `${file.path} is missing`, location, ...subject, actions: actionsFor(definition, meta, vars) });
      continue;
    }
    if (definition.type === 'file-absent') {
      looked += 1;
      if (file.exists) findings.push({ message: `${file.path} exists and must not`, location, ...subject, actions: actionsFor(definition, meta, vars) });
      continue;
    }
    if (!file.exists) {
      if (definition.missing === 'fail') findings.push({ message: `${file.path} does not exist`, location, ...subject, actions: actionsFor(definition, meta, vars) });
      if (definition.missing !== 'skip') looked += 1;
      continue;
    }
    looked += 1;
    if (definition.type === 'file-mode') findings.push(...judgeMode(definition, meta, file, vars));
    else findings.push(...judgeKey(definition, meta, file, vars));
  }
  if (looked === 0) return { status: 'skipped', message: `none of ${[...new Set(evidence.files.map((file) => file.path))].join(', ')} exists` };
  if (findings.length > 0) return { status: 'fail', message: `${findings.length} problem(s) in ${looked} path(s)`, findings };
  return { status: 'pass', message: `${looked} path(s) checked: ${evidence.files.filter((file) => file.exists || definition.missing !== 'skip').map((file) => file.path).join(', ')}` };
}

function judgeMode(definition: Definition, meta: Meta, file: FileEvidence, vars: Record<string, string>): Finding[] {
  const findings: Finding[] = [];
  const base = { location: { path: file.path }, ...(file.user ? { subject: file.user } : {}) };
  const mode = file.mode ?? 0;
  if (definition.maxMode !== undefined && (mode & ~definition.maxMode & 0o7777) !== 0) {
    const wanted = mode & definition.maxMode;
    findings.push({
      ...base,
      message: `${file.path} has mode ${octal(mode)}, more than ${octal(definition.maxMode)} allows`,
      actions: actionsFor(definition, meta, vars, [{ kind: 'chmod', path: file.path, mode: octal(wanted) }]),
    });
  }
  if (definition.owner !== undefined) {
    const owner = substitute(definition.owner, vars);
    if (file.ownerName !== owner) {
      findings.push({
        ...base,
        message: `${file.path} is owned by ${file.ownerName ?? `uid ${file.uid}`}, not ${owner}`,
        actions: actionsFor(definition, meta, vars, [{ kind: 'chown', path: file.path, user: owner }]),
      });
    }
  }
  return findings;
}

interface KeyLookup {
  found: boolean;
  value?: unknown;
  line?: number;
  error?: { message: string; line?: number };
}

function lookupKey(definition: Definition, content: string): KeyLookup {
  const key = definition.key ?? [];
  if (definition.type === 'json-key') {
    const tree = parseJsonTree(content, { jsonc: true });
    if (tree.error || !tree.root) return { found: false, error: { message: tree.error ?? 'empty JSON', ...lineOf(tree.error) } };
    const node = findNodeAtLocation(tree.root, key);
    return node ? { found: true, value: getNodeValue(node), line: lineAt(content, node.parent?.type === 'property' ? node.parent.offset : node.offset) } : { found: false };
  }
  if (definition.type === 'yaml-key') {
    const tree = parseYamlTree(content);
    if (tree.error) return { found: false, error: { message: tree.error, ...lineOf(tree.error) } };
    if (!tree.doc.hasIn(key)) return { found: false };
    const node = tree.doc.getIn(key, true) as { toJSON?: () => unknown; range?: [number, number, number] } | undefined;
    const value = node && typeof node === 'object' && 'toJSON' in node && typeof node.toJSON === 'function' ? node.toJSON() : node;
    return { found: true, value, ...(node?.range ? { line: lineAt(content, node.range[0]) } : {}) };
  }
  const name = String(key[0]);
  if (definition.type === 'env-key') {
    const match = parsePamEnvironment(content).assignments.filter((item) => item.name === name).pop();
    return match ? { found: true, value: match.value, line: match.line } : { found: false };
  }
  const wanted = definition.section ?? '';
  const section = parseIni(content).sections.filter((item) => item.name === wanted && iniValue(item, name)).pop();
  const match = section ? iniValue(section, name) : undefined;
  return match ? { found: true, value: match.value, line: match.line } : { found: false };
}

function lineOf(error: string | undefined): { line?: number } {
  const line = /line (\d+)/.exec(error ?? '')?.[1];
  return line ? { line: Number(line) } : {};
}

function show(value: unknown): string {
  return scrubSecrets(typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? 'null');
}

function judgeKey(definition: Definition, meta: Meta, file: FileEvidence, vars: Record<string, string>): Finding[] {
  const keyText = definition.type === 'ini-key' && definition.section ? `[${definition.section}] ${String(definition.key?.[0])}` : (definition.key ?? []).join('.');
  const lookup = lookupKey(definition, file.content ?? '');
  const subject = file.user ? { subject: file.user } : {};
  if (lookup.error) {
    return [{ message: `${file.path}: ${lookup.error.message}`, location: { path: file.path, ...(lookup.error.line ? { line: lookup.error.line } : {}) }, ...subject, actions: [{ kind: 'manual', text: `Fix the syntax of ${file.path}.` }] }];
  }
  const location = { path: file.path, ...(lookup.line ? { line: lookup.line } : {}) };
  const condition = definition.condition;
  if (!condition) return [];
  const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
  let problem: string | undefined;
  let fixes: RemediationAction[] = [];
  if (condition.op === 'absent') {
    if (lookup.found) problem = `${keyText} is set (${show(lookup.value)}) and must be absent`;
  } else if (condition.op === 'matches') {
    if (!lookup.found) problem = `${keyText} is not set; it must match /${condition.re.source}/`;
    else if (!condition.re.test(asText(lookup.value))) problem = `${keyText} is ${show(lookup.value)}, which does not match /${condition.re.source}/`;
  } else {
    const same = lookup.found && (definition.type === 'env-key' || definition.type === 'ini-key' ? asText(lookup.value) === asText(condition.value) : JSON.stringify(lookup.value) === JSON.stringify(condition.value));
    if (condition.op === 'equals' && !same) {
      problem = lookup.found ? `${keyText} is ${show(lookup.value)}; it must be ${show(condition.value)}` : `${keyText} is not set; it must be ${show(condition.value)}`;
      if (definition.type === 'json-key') fixes = [{ kind: 'set-json-key', path: file.path, keyPath: definition.key ?? [], value: condition.value }];
      if (definition.type === 'env-key') fixes = [{ kind: 'set-env-line', path: file.path, name: String(definition.key?.[0]), value: asText(condition.value) }];
    }
    if (condition.op === 'not-equals' && same) problem = `${keyText} is ${show(lookup.value)}, which is not allowed`;
  }
  if (!problem) return [];
  return [{ message: `${file.path}: ${problem}`, location, ...subject, actions: actionsFor(definition, meta, vars, fixes) }];
}

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(path|user)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The check's own remediation (with {path} and {user} filled in), else the built-in fix, else manual. */
function actionsFor(definition: Definition, meta: Meta, vars: Record<string, string>, fallback: RemediationAction[] = []): RemediationAction[] {
  if (definition.actions) {
    return definition.actions.map((action) => {
      const copy: Record<string, unknown> = { ...action };
      for (const [key, value] of Object.entries(copy)) if (typeof value === 'string' && key !== 'kind') copy[key] = substitute(value, vars);
      return copy as unknown as RemediationAction;
    });
  }
  return fallback.length > 0 ? fallback : [{ kind: 'manual', text: meta.fix }];
}
