import type { Host, Platform } from '../host/host.js';

export interface CollectContext {
  readonly host: Host;
  /** The --user selection, when given. */
  readonly user?: string;
  readonly signal: AbortSignal;
  /**
   * The effective value of every parameter the scan's checks declare (the first planned check that declares
   * a name gives it), for the few collectors whose search scope a baseline widens (container definition
   * folders). Facts must not depend on anything else a check is told.
   */
  readonly params: Readonly<Record<string, unknown>>;
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
