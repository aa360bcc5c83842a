import type { Platform, TargetKind } from '../host/host.js';
import type { Collector } from './collector.js';
import type { InferParams, Schema } from './params-schema.js';
import type { RemediationAction } from './remediation.js';
import type { Severity } from './severity.js';

export const AREAS = ['credentials', 'network', 'firewall', 'sandbox', 'agent', 'telemetry', 'monitoring'] as const;
export type Area = (typeof AREAS)[number];

export interface Reference {
  title: string;
  url?: string;
}

export interface CheckMeta {
  /** `<area>.<kebab-name>`, equal to the module's path under checks/; never reused. */
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  platforms: readonly Platform[];
  targets: readonly TargetKind[];
  rationale: string;
  references: readonly Reference[];
  /** One line on how to fix a failure, shown in the table and used as the remediation summary. */
  fix: string;
}

export interface Location {
  path: string;
  line?: number;
}

export interface Finding {
  message: string;
  location?: Location;
  /** Whom or what the finding is about, for example the user whose credential it is. */
  subject?: string;
  actions?: RemediationAction[];
}

export type EvaluateOutcome =
  | { status: 'pass'; message: string; findings?: Finding[] }
  | { status: 'fail'; message: string; findings: Finding[] }
  | { status: 'skipped'; message: string };

/** Read-only view of the facts a check declared in `uses`. */
export interface Facts {
  get<T>(collector: Collector<T>): T;
}

export interface Check<S extends Record<string, Schema<unknown>> = Record<string, Schema<unknown>>> {
  readonly meta: CheckMeta;
  readonly params: S;
  readonly uses: readonly Collector<unknown>[];
  /** Where a custom check comes from (a YAML file or a plugin); absent for built-in checks. */
  readonly source?: string;
  /** Pure: facts and params in, outcome out. No I/O, no clock, no randomness. */
  evaluate(facts: Facts, params: InferParams<S>): EvaluateOutcome | Promise<EvaluateOutcome>;
}

export function defineCheck<S extends Record<string, Schema<unknown>>>(check: Check<S>): Check<S> {
  return check;
}

// The registry holds checks with their own param types; the runner only passes validated params through.
export type AnyCheck = Check<Record<string, Schema<unknown>>>;
