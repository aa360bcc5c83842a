import type { Baseline } from '../baseline/load-baseline.js';
import type { CheckResult, Status } from '../engine/result.js';
import { SEVERITY_WEIGHT } from '../engine/severity.js';
import type { TargetInfo } from '../host/host.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export const SCHEMA_VERSION = '1';

export interface Summary {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  waived: number;
  /** 0..100, weighted by severity over the checks that ran; waived and skipped ones do not count. */
  score: number;
}

/** The JSON report (schemaVersion 1): the stable contract for CI, SIEM and fleet tooling. */
export interface AuditReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: string; version: string };
  target: TargetInfo & { users?: string };
  baseline: { id: string; source: string; sha256: string };
  startedAt: string;
  durationMs: number;
  summary: Summary;
  results: CheckResult[];
}

export function summarize(results: readonly CheckResult[]): Summary {
  const count = (status: Status) => results.filter((result) => result.status === status).length;
  let earned = 0;
  let possible = 0;
  for (const result of results) {
    if (result.status !== 'pass' && result.status !== 'fail' && result.status !== 'error') continue;
    const weight = SEVERITY_WEIGHT[result.severity];
    possible += weight;
    if (result.status === 'pass') earned += weight;
  }
  return {
    pass: count('pass'),
    fail: count('fail'),
    error: count('error'),
    skipped: count('skipped'),
    waived: count('waived'),
    score: possible === 0 ? 100 : Math.round((100 * earned) / possible),
  };
}

export function buildReport(input: {
  target: TargetInfo;
  usersScope?: string;
  baseline: Baseline;
  startedAt: Date;
  durationMs: number;
  results: CheckResult[];
}): AuditReport {
  const results = input.results.map((result) => (result.durationMs === undefined ? result : { ...result, durationMs: Math.round(result.durationMs) }));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: { ...input.target, ...(input.usersScope ? { users: input.usersScope } : {}) },
    baseline: { id: input.baseline.id, source: input.baseline.source, sha256: input.baseline.sha256 },
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    summary: summarize(results),
    results,
  };
}
