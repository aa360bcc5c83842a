// `fleet summarize`: walks the inputs, reads one report file at a time into the aggregator, and returns
// the summary. Memory holds the aggregates (see aggregate.ts), one file's report, and the names of the
// folder being walked: never the reports already read.
import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { FleetAggregator } from './aggregate.js';
import type { FleetSummary } from './fleet-model.js';
import { readError, readJsonReport, readNdjsonReports } from './read-reports.js';

export interface FleetOptions {
  now: Date;
  maxAgeSeconds: number;
  maxAgeText: string;
  /** Files never read as input (the summary's own output file). */
  exclude?: readonly string[];
}

type Format = 'json' | 'ndjson';
type Entry = { path: string; format: Format } | { path: string; error: string };

/** Report files in a folder, by extension; a file named on the command line is read whatever its name. */
export function formatOf(file: string, named: boolean): Format | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  return named ? 'json' : undefined;
}

export async function summarizeFleet(inputs: readonly string[], options: FleetOptions): Promise<FleetSummary> {
  const aggregator = new FleetAggregator();
  const excluded = new Set((options.exclude ?? []).map((file) => path.resolve(file)));
  for (const input of inputs) {
    for (const entry of walk(path.resolve(input), true, new Set())) {
      if (excluded.has(entry.path)) continue;
      aggregator.files += 1;
      if ('error' in entry) aggregator.invalid({ path: entry.path, line: null, reason: entry.error, badLines: 1 });
      else if (entry.format === 'ndjson') await readNdjsonReports(entry.path, aggregator);
      else readJsonReport(entry.path, aggregator);
      // Let timers and I/O callbacks run between files (a progress display, a memory probe).
      await yieldToLoop();
    }
  }
  return aggregator.finish(options);
}

/**
 * Report files under a path, depth first, names in code-unit order (the same order on every machine).
 * Links to files are followed; links to folders too, unless they lead back to a folder being walked.
 */
function* walk(target: string, named: boolean, ancestors: Set<string>): Generator<Entry> {
  let stats: Stats;
  try {
    stats = statSync(target);
  } catch (error) {
    yield { path: target, error: readError(error) };
    return;
  }
  if (!stats.isDirectory()) {
    const format = formatOf(target, named);
    if (format && (stats.isFile() || named)) yield { path: target, format };
    return;
  }
  const identity = `${stats.dev}:${stats.ino}`;
  if (ancestors.has(identity)) return;
  let names: string[];
  try {
    names = readdirSync(target).sort();
  } catch (error) {
    yield { path: target, error: `cannot list folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    return;
  }
  ancestors.add(identity);
  try {
    for (const name of names) yield* walk(path.join(target, name), false, ancestors);
  } finally {
    ancestors.delete(identity);
  }
}
