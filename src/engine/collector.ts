import type { Host, Platform } from '../host/host.js';

export interface CollectContext {
  readonly host: Host;
  /** The --user selection, when given. */
  readonly user?: string;
  readonly signal: AbortSignal;
  /** Another collector's facts; each collector runs at most once a scan. */
  get<T>(collector: Collector<T>): Promise<T>;
}

/** Gathers evidence through the Host and turns it into typed facts, shared by every check that needs them. */
export interface Collector<T> {
  readonly id: string;
  readonly description: string;
  /** Upper bound on how long collection may take before the checks that need it report an error. */
  readonly timeoutMs?: number;
  collect(context: CollectContext): Promise<T>;
}

export function defineCollector<T>(collector: Collector<T>): Collector<T> {
  return collector;
}

export type CollectorPlatforms = readonly Platform[];
