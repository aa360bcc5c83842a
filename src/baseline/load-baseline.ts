import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnyCheck } from '../engine/check.js';
import { validateParams, type SchemaIssue } from '../engine/params-schema.js';
import { SEVERITIES, type Severity } from '../engine/severity.js';
import { UsageError } from '../util/usage-error.js';
import { YamlSource, formatIssue, type KeyPath, type SourceIssue } from '../util/yaml-source.js';
import { BUILTIN_BASELINES } from './builtin-baselines.js';

export interface CheckSetting {
  enabled: boolean;
  severity?: Severity;
  params: Record<string, unknown>;
}

export interface Waiver {
  check: string;
  reason: string;
  /** YYYY-MM-DD; the waiver holds through the end of that day (UTC). */
  expires: string;
  hosts?: string[];
  users?: string[];
  paths?: string[];
  /** file:line of the waiver, so an expired one can be found and renewed or removed. */
  source: string;
}

export interface Baseline {
  id: string;
  title: string;
  /** `builtin:NAME` or the file path as given. */
  source: string;
  sha256: string;
  params: Record<string, unknown>;
  checks: Map<string, CheckSetting>;
  waivers: Waiver[];
}

export class BaselineError extends UsageError {
  constructor(readonly issues: SourceIssue[]) {
    super(`invalid baseline:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    this.name = 'BaselineError';
  }
}

const TOP_KEYS = ['id', 'title', 'description', 'extends', 'include', 'params', 'checks', 'waivers'] as const;
const CHECK_KEYS = ['enabled', 'severity', 'params'] as const;
const WAIVER_KEYS = ['check', 'reason', 'expires', 'hosts', 'users', 'paths'] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function builtinBaselineNames(): string[] {
  return Object.keys(BUILTIN_BASELINES).sort();
}

/** Loads a built-in baseline by name or a baseline file, follows `extends`, and validates it strictly. */
export function loadBaseline(nameOrFile: string, registry: readonly AnyCheck[]): Baseline {
  const chain = readChain(nameOrFile, undefined, []);
  const checksById = new Map(registry.map((check) => [check.meta.id, check]));
  const issues: SourceIssue[] = [];
  const merged: Omit<Baseline, 'source' | 'sha256'> = { id: '', title: '', params: {}, checks: new Map(), waivers: [] };
  for (const source of chain) mergeInto(merged, source, checksById, issues);
  if (issues.length > 0) throw new BaselineError(issues);
  const last = chain[chain.length - 1] as YamlSource;
  const sha256 = createHash('sha256')
    .update(chain.map((source) => source.text).join('\0'))
    .digest('hex');
  return { ...merged, source: last.file, sha256 };
}

/**
 * Folders of declarative custom checks that a baseline (or one it extends) names in `include:`, resolved
 * against the baseline's own folder. Callers load them into the registry before loadBaseline validates.
 */
export function baselineIncludes(nameOrFile: string): { dir: string; origin: string }[] {
  const includes: { dir: string; origin: string }[] = [];
  for (const source of readChain(nameOrFile, undefined, [])) {
    const list = (source.toJS() as Record<string, unknown>).include;
    if (!Array.isArray(list)) continue;
    const base = source.file.startsWith('builtin:') ? process.cwd() : path.dirname(source.file);
    list.forEach((item, index) => {
      if (typeof item === 'string' && item !== '') {
        includes.push({ dir: path.resolve(base, item), origin: `${source.file}:${source.position(['include', index]).line}: include ${item}` });
      }
    });
  }
  return includes;
}

/** Reads a baseline and the ones it extends, root first. */
function readChain(nameOrFile: string, from: string | undefined, seen: string[]): YamlSource[] {
  const { file, text } = readBaselineText(nameOrFile, from);
  if (seen.includes(file)) {
    throw new UsageError(`baseline ${file}: extends cycle: ${[...seen, file].join(' -> ')}`);
  }
  const source = new YamlSource(file, text);
  if (source.syntaxIssues.length > 0) throw new BaselineError(source.syntaxIssues);
  const value = source.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BaselineError([source.issue([], 'a baseline is a YAML mapping (id, title, params, checks, waivers)')]);
  }
  const parent = (value as Record<string, unknown>).extends;
  if (parent === undefined) return [source];
  if (typeof parent !== 'string' || parent === '') {
    throw new BaselineError([source.issue(['extends'], 'expected the name of a built-in baseline or a file path')]);
  }
  return [...readChain(parent, file, [...seen, file]), source];
}

function readBaselineText(nameOrFile: string, from: string | undefined): { file: string; text: string } {
  const builtin = BUILTIN_BASELINES[nameOrFile];
  if (builtin !== undefined && !nameOrFile.includes('/') && !nameOrFile.endsWith('.yaml') && !nameOrFile.endsWith('.yml')) {
    return { file: `builtin:${nameOrFile}`, text: builtin };
  }
  const base = from && !from.startsWith('builtin:') ? path.dirname(from) : process.cwd();
  const file = path.resolve(base, nameOrFile);
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const known = builtinBaselineNames().join(', ');
    throw new UsageError(
      code === 'ENOENT'
        ? `baseline "${nameOrFile}" is neither a built-in baseline (${known}) nor a readable file (${file})`
        : `cannot read baseline ${file}: ${code ?? String(error)}`,
    );
  }
}

function mergeInto(
  merged: Omit<Baseline, 'source' | 'sha256'>,
  source: YamlSource,
  checksById: Map<string, AnyCheck>,
  issues: SourceIssue[],
): void {
  const raw = source.toJS() as Record<string, unknown>;
  const issue = (keyPath: KeyPath, message: string) => issues.push(source.issue(keyPath, message));
  const schemaIssues = (found: SchemaIssue[]) => found.forEach((item) => issue(item.path, item.message));

  for (const key of Object.keys(raw)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) issue([key], `unknown key (allowed: ${TOP_KEYS.join(', ')})`);
  }
  for (const key of ['id', 'title', 'description'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') issue([key], 'expected a string');
  }
  if (typeof raw.id === 'string') merged.id = raw.id;
  if (typeof raw.title === 'string') merged.title = raw.title;
  if (!merged.id) issue(['id'], 'a baseline needs an id');

  if (raw.include !== undefined && (!Array.isArray(raw.include) || raw.include.some((item) => typeof item !== 'string' || item === ''))) {
    issue(['include'], 'expected a list of folders of custom checks (relative to this baseline)');
  }

  if (isMapping(raw.params, ['params'], issue)) {
    for (const [name, value] of Object.entries(raw.params)) {
      const declaring = [...checksById.values()].filter((check) => name in check.params);
      if (declaring.length === 0) {
        issue(['params', name], `no check takes a parameter "${name}"`);
        continue;
      }
      for (const check of declaring) {
        const found: SchemaIssue[] = [];
        validateParams(check.params, { [name]: value }, ['params'], found);
        schemaIssues(found);
        if (found.length > 0) break;
      }
      // A mapping parameter (egress, telemetry) extends the parent's field by field.
      const previous = merged.params[name];
      merged.params[name] = isPlainMapping(previous) && isPlainMapping(value) ? { ...previous, ...value } : value;
    }
  }

  if (isMapping(raw.checks, ['checks'], issue)) {
    for (const [id, setting] of Object.entries(raw.checks)) {
      const check = checksById.get(id);
      if (!check) {
        issue(['checks', id], `unknown check id "${id}" (see: cowork-audit checks list)`);
        continue;
      }
      const previous = merged.checks.get(id) ?? { enabled: true, params: {} };
      const next: CheckSetting = { ...previous, params: { ...previous.params } };
      const at: KeyPath = ['checks', id];
      if (setting !== null && isMapping(setting, at, issue)) {
        for (const key of Object.keys(setting)) {
          if (!(CHECK_KEYS as readonly string[]).includes(key)) issue([...at, key], `unknown key (allowed: ${CHECK_KEYS.join(', ')})`);
        }
        if (setting.enabled !== undefined) {
          if (typeof setting.enabled === 'boolean') next.enabled = setting.enabled;
          else issue([...at, 'enabled'], 'expected true or false');
        }
        if (setting.severity !== undefined) {
          if ((SEVERITIES as readonly unknown[]).includes(setting.severity)) next.severity = setting.severity as Severity;
          else issue([...at, 'severity'], `expected one of ${SEVERITIES.join(', ')}`);
        }
        const found: SchemaIssue[] = [];
        Object.assign(next.params, validateParams(check.params, setting.params, [...at, 'params'], found));
        schemaIssues(found);
      }
      merged.checks.set(id, next);
    }
  }

  if (raw.waivers !== undefined && raw.waivers !== null) {
    if (!Array.isArray(raw.waivers)) issue(['waivers'], 'expected a list of waivers');
    else raw.waivers.forEach((waiver, index) => {
      const parsed = parseWaiver(waiver, ['waivers', index], checksById, issue);
      if (parsed) merged.waivers.push({ ...parsed, source: `${source.file}:${source.position(['waivers', index]).line}` });
    });
  }
}

function parseWaiver(
  value: unknown,
  at: KeyPath,
  checksById: Map<string, AnyCheck>,
  issue: (keyPath: KeyPath, message: string) => void,
): Omit<Waiver, 'source'> | undefined {
  if (!isMapping(value, at, issue)) return undefined;
  let ok = true;
  const fail = (key: string, message: string) => {
    issue([...at, key], message);
    ok = false;
  };
  for (const key of Object.keys(value)) {
    if (!(WAIVER_KEYS as readonly string[]).includes(key)) fail(key, `unknown key (allowed: ${WAIVER_KEYS.join(', ')})`);
  }
  const { check, reason, expires } = value;
  if (typeof check !== 'string') fail('check', 'a waiver names the check id it waives');
  else if (!checksById.has(check)) fail('check', `unknown check id "${check}"`);
  if (typeof reason !== 'string' || reason.trim() === '') fail('reason', 'a waiver needs a reason');
  if (typeof expires !== 'string' || !isRealDate(expires)) {
    fail('expires', 'a waiver needs an expiry date written YYYY-MM-DD (for example 2026-12-31)');
  }
  const lists: Partial<Record<'hosts' | 'users' | 'paths', string[]>> = {};
  for (const key of ['hosts', 'users', 'paths'] as const) {
    const list = value[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item === '')) fail(key, 'expected a list of non-empty strings');
    else lists[key] = list as string[];
  }
  if (!ok) return undefined;
  return { check: check as string, reason: reason as string, expires: expires as string, ...lists };
}

function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isMapping(
  value: unknown,
  at: KeyPath,
  issue: (keyPath: KeyPath, message: string) => void,
): value is Record<string, unknown> {
  if (value === undefined || value === null) return false;
  if (typeof value === 'object' && !Array.isArray(value)) return true;
  issue(at, `expected a mapping, got ${Array.isArray(value) ? 'a list' : typeof value}`);
  return false;
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
