import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parseDuration } from '../fleet/duration.js';
import type { FleetSummary } from '../fleet/fleet-model.js';
import { renderFleetHtml } from '../fleet/render-html.js';
import { renderFleetJson } from '../fleet/render-json.js';
import { renderFleetTable } from '../fleet/render-table.js';
import { summarizeFleet } from '../fleet/summarize.js';
import { UsageError } from '../util/usage-error.js';
import type { Io } from './main.js';

export const FLEET_FORMATS = ['table', 'json', 'html'] as const;
type FleetFormat = (typeof FLEET_FORMATS)[number];

interface SummarizeFlags {
  format: FleetFormat;
  output: string;
  maxAge: string;
  now?: string;
  color: boolean;
}

export function registerFleetCommands(program: Command, io: Io): void {
  const fleet = program.command('fleet').description('roll up the reports of many machines');
  fleet
    .command('summarize')
    .description('per check pass rates and failing hosts, per host score and worst findings, stale reports, mixed baselines and versions')
    .argument('<paths...>', 'JSON reports (schemaVersion 1) and NDJSON files, or folders of them (searched recursively)')
    .addOption(new Option('--format <format>', 'table on the terminal, json (schemas/fleet-summary.schema.json) or html').choices(FLEET_FORMATS).default('table'))
    .option('--output <file|->', 'write the summary to FILE; - is stdout', '-')
    .option('--max-age <duration>', 'a host whose latest report is older is stale (s, m, h, d, w: 7d, 36h)', '7d')
    .option('--now <iso>', 'the time ages are measured from (default: now)')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .action(async (paths: string[], flags: SummarizeFlags) => {
      await runSummarize(paths, flags, io);
    });
}

async function runSummarize(paths: string[], flags: SummarizeFlags, io: Io): Promise<void> {
  if (!paths.length) throw new UsageError('fleet summarize: give at least one report file or folder');
  const maxAgeSeconds = parseDuration(flags.maxAge);
  if (maxAgeSeconds === undefined) throw new UsageError(`--max-age ${flags.maxAge}: a duration such as 7d, 36h, 90m or 2w expected`);
  let now = new Date();
  if (flags.now !== undefined) {
    now = new Date(flags.now);
    if (!/^\d{4}-\d{2}-\d{2}/.test(flags.now) || Number.isNaN(now.getTime())) throw new UsageError(`--now ${flags.now}: an ISO 8601 date and time expected (2024-11-20T12:00:00Z)`);
  }
  for (const input of paths) {
    if (!existsSync(input)) throw new UsageError(`${input}: no such file or folder`);
  }
  const toStdout = flags.output === '-';
  const summary = await summarizeFleet(paths, {
    now,
    maxAgeSeconds,
    maxAgeText: flags.maxAge.trim(),
    ...(toStdout ? {} : { exclude: [flags.output] }),
  });

  const color = flags.format === 'table' && toStdout && flags.color && !process.env.NO_COLOR && process.stdout.isTTY === true;
  const chunks = render(summary, flags.format, color);
  if (toStdout) {
    writeBuffered(chunks, io.stdout);
  } else {
    writeFileInPieces(path.resolve(flags.output), chunks);
    io.stderr(`fleet summary written: ${path.resolve(flags.output)}\n`);
  }
  if (summary.head.invalid.total && flags.format !== 'table') {
    io.stderr(`cowork-audit: ${summary.head.invalid.total} file(s) could not be read as reports; they are listed under "invalid"\n`);
  }
}

function render(summary: FleetSummary, format: FleetFormat, color: boolean): Iterable<string> {
  switch (format) {
    case 'json':
      return renderFleetJson(summary);
    case 'html':
      return renderFleetHtml(summary);
    default:
      return [renderFleetTable(summary, { color, ...(process.stdout.columns ? { width: process.stdout.columns } : {}) })];
  }
}

/** Joins small pieces into writes of about 64 KiB. */
function writeBuffered(chunks: Iterable<string>, write: (text: string) => void): void {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length >= 64 * 1024) {
      write(pending);
      pending = '';
    }
  }
  if (pending) write(pending);
}

/** Writes beside the target and renames: a reader never sees half a summary. */
function writeFileInPieces(file: string, chunks: Iterable<string>): void {
  const temporary = `${file}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(temporary, 'w', 0o600);
  } catch (error) {
    throw new UsageError(`--output ${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    writeBuffered(chunks, (text) => {
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    });
    closeSync(fd);
    renameSync(temporary, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temporary, { force: true });
    throw error;
  }
}
