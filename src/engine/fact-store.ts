import type { Host } from '../host/host.js';
import type { CollectContext, Collector } from './collector.js';
import { withTimeout } from './timeout.js';

export const DEFAULT_COLLECTOR_TIMEOUT_MS = 60_000;

/** A collector failure, carrying the id of the collector where it started. */
export class CollectorError extends Error {
  constructor(
    readonly collectorId: string,
    readonly underlying: unknown,
  ) {
    super(underlying instanceof CollectorError ? underlying.message : `collector "${collectorId}" failed: ${describeError(underlying)}`);
    this.name = 'CollectorError';
  }

  /** The collector that failed first, when one collector failed because another did. */
  get origin(): string {
    return this.underlying instanceof CollectorError ? this.underlying.origin : this.collectorId;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs each collector at most once a scan and shares its facts with every check that asks. */
export class FactStore {
  // Keyed by id: a plugin built against cowork-audit/sdk carries its own copy of a built-in collector,
  // which must share the scan's facts, not collect them again.
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly controller = new AbortController();
  readonly timings = new Map<string, number>();

  constructor(
    private readonly host: Host,
    private readonly options: { user?: string; timeoutMs?: number; params?: Record<string, unknown> } = {},
  ) {}

  get<T>(collector: Collector<T>): Promise<T> {
    let pending = this.cache.get(collector.id) as Promise<T> | undefined;
    if (!pending) {
      pending = this.start(collector);
      this.cache.set(collector.id, pending);
      // A failure is reported to each check that awaits it; this keeps it from being "unhandled" meanwhile.
      pending.catch(() => undefined);
    }
    return pending;
  }

  private async start<T>(collector: Collector<T>): Promise<T> {
    const started = performance.now();
    const context: CollectContext = {
      host: this.host,
      user: this.options.user,
      signal: this.controller.signal,
      params: this.options.params ?? {},
      get: (other) => this.get(other),
    };
    const ms = collector.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS;
    try {
      return await withTimeout(Promise.resolve().then(() => collector.collect(context)), ms, `collector "${collector.id}"`);
    } catch (error) {
      throw new CollectorError(collector.id, error);
    } finally {
      this.timings.set(collector.id, performance.now() - started);
    }
  }

  /** Stops commands still running for collectors that timed out. */
  close(): void {
    this.controller.abort();
  }
}
