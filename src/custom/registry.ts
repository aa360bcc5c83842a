import { BUILTIN_CHECKS } from '../../checks/index.js';
import { baselineIncludes } from '../baseline/load-baseline.js';
import type { AnyCheck } from '../engine/check.js';
import { loadCustomChecks } from './declarative.js';
import { loadPlugin } from './plugins.js';

export interface CustomSources {
  /** Folders of declarative YAML checks (--checks). */
  checkDirs?: readonly string[];
  /** The baseline whose `include:` folders are loaded too (after --checks). */
  baseline?: string;
  /** ES module plugins (--plugin). */
  plugins?: readonly string[];
}

/** Built-in checks first, then declarative ones, then plugins; ids are unique across all of them. */
export async function loadRegistry(sources: CustomSources = {}): Promise<AnyCheck[]> {
  const ids = new Set(BUILTIN_CHECKS.map((check) => check.meta.id));
  const checks: AnyCheck[] = [...BUILTIN_CHECKS];
  const dirs = [
    ...(sources.checkDirs ?? []).map((dir) => ({ dir, origin: `--checks ${dir}` })),
    ...(sources.baseline ? baselineIncludes(sources.baseline) : []),
  ];
  for (const { dir, origin } of dirs) {
    const loaded = loadCustomChecks(dir, ids, origin);
    for (const check of loaded) ids.add(check.meta.id);
    checks.push(...loaded);
  }
  for (const file of sources.plugins ?? []) checks.push(...(await loadPlugin(file, ids)));
  return checks;
}

export function sourceOf(check: AnyCheck): string {
  return check.source ?? 'built-in';
}
