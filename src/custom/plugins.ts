import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AREAS, type AnyCheck } from '../engine/check.js';
import { SEVERITIES } from '../engine/severity.js';
import { PLATFORMS, TARGET_KINDS } from '../host/host.js';
import { UsageError } from '../util/usage-error.js';
import { customIdProblem } from './custom-ids.js';

// A plugin is an ES module whose default export (or `checks` export) is a check or a list of checks with the
// built-in contract (see src/sdk.ts). A plugin that throws while loading, or exports something that is not
// a check, is bad input (exit 2, naming the file); one that throws in evaluate is that check's `error`.

/** Loads the checks of one plugin file; `ids` holds ids in use and receives the new ones. */
export async function loadPlugin(file: string, ids: Set<string>): Promise<AnyCheck[]> {
  const resolved = path.resolve(file);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`--plugin ${resolved}: failed to load: ${error instanceof Error ? error.message : String(error)}`);
  }
  const exported = module.checks ?? module.default;
  const list = Array.isArray(exported) ? exported : exported === undefined ? [] : [exported];
  if (list.length === 0) throw new UsageError(`--plugin ${resolved}: exports no checks (export default a check or a list of checks, or export const checks)`);
  return list.map((candidate, index) => {
    const problem = checkShapeProblem(candidate);
    const where = `--plugin ${resolved}: export ${Array.isArray(exported) ? `[${index}]` : 'default'}`;
    if (problem) throw new UsageError(`${where}: ${problem}`);
    const check = candidate as AnyCheck;
    const idProblem = customIdProblem(check.meta.id);
    if (idProblem) throw new UsageError(`${where}: ${idProblem}`);
    if (ids.has(check.meta.id)) throw new UsageError(`${where}: check id "${check.meta.id}" is already defined (built-in or another custom check)`);
    ids.add(check.meta.id);
    return { ...check, source: resolved } as AnyCheck;
  });
}

function checkShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not a check (expected { meta, params, uses, evaluate })';
  const check = value as Partial<AnyCheck>;
  const meta = check.meta as Partial<AnyCheck['meta']> | undefined;
  if (!meta || typeof meta !== 'object') return 'a check needs meta';
  for (const key of ['id', 'title', 'rationale', 'fix'] as const) if (typeof meta[key] !== 'string' || meta[key] === '') return `meta.${key}: expected a non-empty string`;
  if (!(AREAS as readonly unknown[]).includes(meta.area)) return `meta.area: expected one of ${AREAS.join(', ')}`;
  if (!(SEVERITIES as readonly unknown[]).includes(meta.severity)) return `meta.severity: expected one of ${SEVERITIES.join(', ')}`;
  if (!Array.isArray(meta.platforms) || meta.platforms.length === 0 || meta.platforms.some((item) => !PLATFORMS.includes(item))) return `meta.platforms: expected a list of ${PLATFORMS.join(', ')}`;
  if (!Array.isArray(meta.targets) || meta.targets.length === 0 || meta.targets.some((item) => !TARGET_KINDS.includes(item))) return `meta.targets: expected a list of ${TARGET_KINDS.join(', ')}`;
  if (!Array.isArray(meta.references)) return 'meta.references: expected a list (may be empty)';
  if (typeof check.params !== 'object' || check.params === null) return 'params: expected an object of parameter schemas (may be empty)';
  for (const [name, schema] of Object.entries(check.params)) {
    if (typeof schema?.validate !== 'function' || typeof schema.describe !== 'function') return `params.${name}: expected a parameter schema (string(), boolean(), integer(), ... from cowork-audit/sdk)`;
  }
  if (!Array.isArray(check.uses) || check.uses.some((collector) => typeof collector?.collect !== 'function' || typeof collector.id !== 'string')) return 'uses: expected a list of collectors (defineCollector)';
  if (typeof check.evaluate !== 'function') return 'evaluate: expected a function';
  return undefined;
}
