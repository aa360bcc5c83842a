import type { Host } from '../host/host.js';
import { scrubSecrets } from '../secrets/scrub.js';
import type { AnyCheck, EvaluateOutcome, Facts } from './check.js';
import type { Collector } from './collector.js';
import { CollectorError, FactStore, describeError } from './fact-store.js';
import { actionKey, type RemediationAction } from './remediation.js';
import type { CheckResult } from './result.js';
import type { Severity } from './severity.js';
import { withTimeout } from './timeout.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

export interface PlannedCheck {
  check: AnyCheck;
  severity: Severity;
  params: Record<string, unknown>;
}

export interface RunOptions {
  host: Host;
  checks: readonly PlannedCheck[];
  user?: string;
  collectorTimeoutMs?: number;
  checkTimeoutMs?: number;
  onResult?: (result: CheckResult) => void;
  /** A store owned by the caller, to read shared facts after the run; closed by the caller. */
  store?: FactStore;
}

export interface RunOutput {
  results: CheckResult[];
  collectorTimings: Map<string, number>;
}

/** What collectors see as `params`: the effective value of each parameter, from the first planned check that declares it. */
export function collectorParams(checks: readonly PlannedCheck[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const { params: effective } of checks) for (const [name, value] of Object.entries(effective)) if (!(name in params)) params[name] = value;
  return params;
}

/** Runs every planned check concurrently over shared, once-per-scan collectors. Never throws for one check. */
export async function runChecks(options: RunOptions): Promise<RunOutput> {
  const store = options.store ?? new FactStore(options.host, { user: options.user, timeoutMs: options.collectorTimeoutMs, params: collectorParams(options.checks) });
  try {
    const results = await Promise.all(
      options.checks.map(async (planned) => {
        const result = await runOne(planned, options, store);
        options.onResult?.(result);
        return result;
      }),
    );
    return { results, collectorTimings: store.timings };
  } finally {
    if (!options.store) store.close();
  }
}

async function runOne(planned: PlannedCheck, options: RunOptions, store: FactStore): Promise<CheckResult> {
  const { check } = planned;
  const started = performance.now();
  const base = {
    checkId: check.meta.id,
    title: check.meta.title,
    area: check.meta.area,
    severity: planned.severity,
    references: [...check.meta.references],
  };
  const notApplicable = applicability(check, options.host);
  if (notApplicable) return { ...base, status: 'skipped', message: notApplicable, findings: [] };

  let origin = `check "${check.meta.id}"`;
  try {
    const facts = await gatherFacts(check, store);
    const outcome = await withTimeout(
      Promise.resolve().then(() => check.evaluate(facts, planned.params)),
      options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      origin,
    );
    return { ...toResult(check, outcome, base), durationMs: performance.now() - started };
  } catch (error) {
    if (error instanceof CollectorError) origin = `collector "${error.origin}"`;
    const message = scrubSecrets(describeError(error));
    return {
      ...base,
      status: 'error',
      message: `${check.meta.id}: ${message}`,
      findings: [],
      error: { origin, message },
      durationMs: performance.now() - started,
    };
  }
}

function applicability(check: AnyCheck, host: Host): string | undefined {
  if (!check.meta.platforms.includes(host.platform)) {
    return `not applicable on ${host.platform} (checks ${check.meta.platforms.join(', ')})`;
  }
  if (!check.meta.targets.includes(host.kind)) {
    return `not applicable to ${host.kind} targets (checks ${check.meta.targets.join(', ')})`;
  }
  return undefined;
}

async function gatherFacts(check: AnyCheck, store: FactStore): Promise<Facts> {
  const values = new Map<Collector<unknown>, unknown>();
  await Promise.all(
    check.uses.map(async (collector) => {
      values.set(collector, await store.get(collector));
    }),
  );
  return {
    get<T>(collector: Collector<T>): T {
      if (!values.has(collector)) {
        throw new Error(`asked for facts of collector "${collector.id}" without declaring it in uses`);
      }
      return values.get(collector) as T;
    },
  };
}

function toResult(check: AnyCheck, outcome: EvaluateOutcome, base: Omit<CheckResult, 'status' | 'message' | 'findings'>): CheckResult {
  if (outcome.status === 'skipped') return { ...base, status: 'skipped', message: outcome.message, findings: [] };
  const findings = outcome.findings ?? [];
  const result: CheckResult = { ...base, status: outcome.status, message: outcome.message, findings };
  if (outcome.status === 'fail') {
    const seen = new Set<string>();
    const actions: RemediationAction[] = [];
    for (const finding of findings) {
      for (const action of finding.actions ?? []) {
        const key = actionKey(action);
        if (!seen.has(key)) {
          seen.add(key);
          actions.push(action);
        }
      }
    }
    result.remediation = { summary: check.meta.fix, actions };
  }
  return result;
}
