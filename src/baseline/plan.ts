import { AREAS, type AnyCheck } from '../engine/check.js';
import { defaultsOf } from '../engine/params-schema.js';
import type { PlannedCheck } from '../engine/runner.js';
import { UsageError } from '../util/usage-error.js';
import type { Baseline } from './load-baseline.js';

export interface Selection {
  only?: string[];
  skip?: string[];
}

/** The checks a scan runs: enabled in the baseline, narrowed by --only/--skip, with effective params. */
export function planChecks(registry: readonly AnyCheck[], baseline: Baseline, selection: Selection = {}): PlannedCheck[] {
  const only = selection.only?.length ? selection.only : undefined;
  validateSelectors(registry, [...(only ?? []), ...(selection.skip ?? [])]);
  const matches = (check: AnyCheck, selectors: string[]) =>
    selectors.some((selector) => selector === check.meta.id || selector === check.meta.area);
  return registry
    .filter((check) => baseline.checks.get(check.meta.id)?.enabled !== false)
    .filter((check) => !only || matches(check, only))
    .filter((check) => !matches(check, selection.skip ?? []))
    .map((check) => {
      const setting = baseline.checks.get(check.meta.id);
      const shared = Object.fromEntries(Object.entries(baseline.params).filter(([name]) => name in check.params));
      return {
        check,
        severity: setting?.severity ?? check.meta.severity,
        params: withRecordDefaults(check, { ...defaultsOf(check.params), ...shared, ...(setting?.params ?? {}) }),
      };
    });
}

/** A mapping parameter set in part by a baseline gets its other fields from the check's defaults. */
function withRecordDefaults(check: AnyCheck, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    const schema = check.params[name];
    out[name] = schema?.type === 'record' ? (schema.validate(value, [name], []) ?? value) : value;
  }
  return out;
}

function validateSelectors(registry: readonly AnyCheck[], selectors: string[]): void {
  const known = new Set<string>([...AREAS, ...registry.map((check) => check.meta.id)]);
  const unknown = selectors.filter((selector) => !known.has(selector));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown check id or area: ${unknown.join(', ')} (areas: ${AREAS.join(', ')}; ids: cowork-audit checks list)`,
    );
  }
}
