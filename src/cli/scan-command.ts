import path from 'node:path';
import { Option, type Command } from 'commander';
import ora from 'ora';
import { FAIL_ON_VALUES, type FailOn } from '../engine/severity.js';
import type { Host } from '../host/host.js';
import { LiveHost } from '../host/live-host.js';
import { ReplayHost } from '../host/replay-host.js';
import { RootHost } from '../host/root-host.js';
import { renderTable } from '../report/table-reporter.js';
import { renderSummary } from '../report/summary-reporter.js';
import { FILE_FORMATS, STDOUT_FORMATS, renderFormat, writeReports, type FileFormat } from '../report/write-reports.js';
import { loadRegistry } from '../custom/registry.js';
import { exitCodeFor, scan } from '../scan/scan.js';
import { UsageError } from '../util/usage-error.js';
import type { Io } from './main.js';

export interface ScanFlags {
  root?: string;
  repo?: string;
  replay?: string;
  baseline: string;
  format: string;
  output: string;
  failOn: FailOn;
  only?: string;
  skip?: string;
  user?: string;
  quiet?: boolean;
  color: boolean;
  verbose?: boolean;
  checks: string[];
  plugin: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerScanCommand(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command('scan', { isDefault: true })
    .description('audit this machine (default), an offline image (--root) or a repository (--repo)')
    .option('--root <dir>', 'audit an offline image mounted at DIR (nothing is run, links never leave DIR)')
    .option('--repo <dir>', "audit a repository's committed agent, MCP and container settings")
    .option('--replay <dir>', 'audit a recorded endpoint (a fixtures/endpoints folder)')
    .option('--baseline <name|file>', 'built-in baseline name or YAML file', 'recommended')
    .option('--format <list>', `comma list of: ${[...STDOUT_FORMATS, ...FILE_FORMATS].join(', ')} (table and summary go to stdout)`, 'table')
    .option('--output <dir>', 'folder for report files; - writes JSON to stdout', './reports')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a check fails at or above this severity').choices(FAIL_ON_VALUES).default('high'))
    .option('--only <ids|areas>', 'run only these check ids or areas (comma list)')
    .option('--skip <ids|areas>', 'skip these check ids or areas (comma list)')
    .option('--user <name>', "audit this user's home only")
    .option('--checks <dir>', 'also run the declarative YAML checks of DIR (repeatable)', collect, [])
    .option('--plugin <file>', 'also run the checks an ES module plugin exports (repeatable)', collect, [])
    .option('-q, --quiet', 'no progress; only failing checks and the summary')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('-v, --verbose', 'every finding, and collector timings on stderr')
    .action(async (flags: ScanFlags) => {
      setExitCode(await runScanCommand(flags, io));
    });
}

function parseFormats(list: string): { table: boolean; summary: boolean; files: FileFormat[] } {
  const names = list.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
  const known: readonly string[] = [...STDOUT_FORMATS, ...FILE_FORMATS];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length) throw new UsageError(`--format: unknown format ${unknown.join(', ')} (available: ${known.join(', ')})`);
  return { table: names.includes('table'), summary: names.includes('summary'), files: names.filter((name): name is FileFormat => (FILE_FORMATS as readonly string[]).includes(name)) };
}

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map((item) => item.trim()).filter(Boolean);
}

function chooseHost(flags: ScanFlags): Host {
  const chosen = [flags.root && '--root', flags.repo && '--repo', flags.replay && '--replay'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be combined: choose one target`);
  if (flags.root) return new RootHost(flags.root, 'root');
  if (flags.repo) return new RootHost(flags.repo, 'repo');
  if (flags.replay) return ReplayHost.fromFolder(path.resolve(flags.replay));
  return new LiveHost();
}

async function runScanCommand(flags: ScanFlags, io: Io): Promise<number> {
  const formats = parseFormats(flags.format);
  const toStdout = flags.output === '-';
  if (toStdout && formats.files.length > 1) throw new UsageError('--output - writes one report to stdout: choose one file format');
  const host = chooseHost(flags);
  const color = flags.color && !process.env.NO_COLOR && process.stdout.isTTY === true && !toStdout;
  const interactive = process.stderr.isTTY === true && !flags.quiet && !process.env.CI;
  const spinner = interactive ? ora({ text: 'auditing…', stream: process.stderr, color: 'cyan' }).start() : undefined;
  let done = 0;

  const registry = await loadRegistry({ checkDirs: flags.checks, plugins: flags.plugin, baseline: flags.baseline });
  const only = list(flags.only);
  const skip = list(flags.skip);
  let report;
  try {
    report = await scan({
      host,
      checks: registry,
      baseline: flags.baseline,
      selection: { ...(only ? { only } : {}), ...(skip ? { skip } : {}) },
      ...(flags.user ? { user: flags.user } : {}),
      onResult: (result) => {
        done += 1;
        if (spinner) spinner.text = `auditing… ${done} checks done (${result.checkId})`;
        if (flags.verbose) io.stderr(`[${result.status}] ${result.checkId}${result.durationMs !== undefined ? ` ${Math.round(result.durationMs)} ms` : ''}\n`);
      },
    });
  } finally {
    spinner?.stop();
  }

  const exitCode = exitCodeFor(report, flags.failOn);
  const tableText = formats.table || (formats.files.length === 0 && !toStdout && !formats.summary)
    ? renderTable(report, { color, failOn: flags.failOn, verbose: flags.verbose ?? false, quiet: flags.quiet ?? false })
    : undefined;
  // The summary line goes to stdout after the table; with --output - it goes to stderr like the table,
  // unless it is all that was asked for.
  const summaryText = formats.summary ? renderSummary(report, { failOn: flags.failOn }) : undefined;
  if (toStdout && summaryText && formats.files.length === 0 && !formats.table) {
    io.stdout(summaryText);
  } else if (toStdout) {
    const format = formats.files[0] ?? 'json';
    io.stdout(renderFormat(report, format, { failOn: flags.failOn, exitCode }));
    if (tableText && formats.table) io.stderr(tableText);
    if (summaryText) io.stderr(summaryText);
  } else {
    if (tableText) io.stdout(tableText);
    if (summaryText) io.stdout(summaryText);
    const written = writeReports(report, formats.files, path.resolve(flags.output), { failOn: flags.failOn, exitCode });
    if (!flags.quiet) for (const file of written) io.stderr(`report written: ${file}\n`);
  }
  return exitCode;
}
