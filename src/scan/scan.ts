import { BUILTIN_CHECKS } from '../../checks/index.js';
import { applyWaivers } from '../baseline/apply-waivers.js';
import { loadBaseline, type Baseline } from '../baseline/load-baseline.js';
import { planChecks, type Selection } from '../baseline/plan.js';
import { targetUsers } from '../collectors/target-users.js';
import type { AnyCheck } from '../engine/check.js';
import { FactStore } from '../engine/fact-store.js';
import type { CheckResult } from '../engine/result.js';
import { collectorParams, runChecks } from '../engine/runner.js';
import { meetsThreshold, type FailOn } from '../engine/severity.js';
import type { Host } from '../host/host.js';
import { buildReport, type AuditReport } from '../report/report-model.js';
import { UsageError } from '../util/usage-error.js';

export interface ScanOptions {
  host: Host;
  baseline: string | Baseline;
  selection?: Selection;
  user?: string;
  checks?: readonly AnyCheck[];
  /** Clock for waiver expiry, injectable for tests. */
  now?: Date;
  collectorTimeoutMs?: number;
  checkTimeoutMs?: number;
  onResult?: (result: CheckResult) => void;
}

export async function scan(options: ScanOptions): Promise<AuditReport> {
  const registry = options.checks ?? BUILTIN_CHECKS;
  const baseline = typeof options.baseline === 'string' ? loadBaseline(options.baseline, registry) : options.baseline;
  const planned = planChecks(registry, baseline, options.selection);
  const known = async (name: string) =>
    (await options.host.users()).some((account) => account.name === name) || (await options.host.currentUser())?.name === name;
  if (options.user && !(await known(options.user))) {
    throw new UsageError(`--user ${options.user}: no such account on this ${options.host.kind === 'live' ? 'machine' : 'target'}`);
  }
  const started = options.now ?? new Date();
  const clock = performance.now();
  const store = new FactStore(options.host, {
    ...(options.user ? { user: options.user } : {}),
    ...(options.collectorTimeoutMs ? { timeoutMs: options.collectorTimeoutMs } : {}),
    params: collectorParams(planned),
  });
  try {
    const target = await options.host.info();
    const { results } = await runChecks({
      host: options.host,
      checks: planned,
      store,
      ...(options.checkTimeoutMs ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
      ...(options.onResult ? { onResult: options.onResult } : {}),
    });
    const waived = applyWaivers(results, baseline.waivers, { ...(target.hostname ? { hostname: target.hostname } : {}), today: started.toISOString().slice(0, 10) });
    const users = await store.get(targetUsers).then((facts) => `${facts.scope}: ${facts.audited.map((user) => user.name).join(', ') || 'none'}`).catch(() => undefined);
    return buildReport({ target, ...(users ? { usersScope: users } : {}), baseline, startedAt: started, durationMs: performance.now() - clock, results: waived });
  } finally {
    store.close();
  }
}

/** 1 when a failed (or errored: the gate fails closed) check is at or above the threshold. */
export function exitCodeFor(report: AuditReport, failOn: FailOn): 0 | 1 {
  return report.results.some((result) => (result.status === 'fail' || result.status === 'error') && meetsThreshold(result.severity, failOn)) ? 1 : 0;
}
