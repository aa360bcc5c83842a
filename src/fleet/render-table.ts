// The fleet summary on a terminal: what needs attention at a glance. Checks worst first with a pass-rate
// bar, the score spread, the lowest-scoring hosts, stale hosts, mixed baselines and versions, and the
// files that could not be read. Every text that came from a report is made printable first: host names
// and messages come from thousands of machines, and a terminal obeys escape sequences.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Severity } from '../engine/severity.js';
import { formatAge } from './duration.js';
import type { BoundedList, FleetHost, FleetSummary } from './fleet-model.js';

export interface FleetTableOptions {
  color: boolean;
  /** Hosts listed (lowest score first); default 20. */
  hosts?: number;
  /** Terminal width for cutting long cells; default 160 (output to a file or a pipe). */
  width?: number;
}

const BAR_WIDTH = 10;
const LISTED = 10;

export function renderFleetTable(summary: FleetSummary, options: FleetTableOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(80, options.width ?? 160);
  const h = summary.head;
  const lines: string[] = [];
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

  lines.push(
    c.bold(`cowork-audit fleet summary`) +
      c.dim(` · ${n(h.inputs.hosts, 'host')} · ${n(h.inputs.reports, 'report')} in ${n(h.inputs.files, 'file')} · as of ${utc(h.generatedAt)}`),
  );
  const notes = [
    h.inputs.superseded ? `${h.inputs.superseded} superseded by a newer report of the same host` : '',
    h.inputs.duplicates ? `${h.inputs.duplicates} duplicate${h.inputs.duplicates === 1 ? '' : 's'} merged` : '',
    h.invalid.total ? c.yellow(`${n(h.invalid.total, 'invalid file')} (listed below)`) : '',
  ].filter(Boolean);
  if (notes.length) lines.push(c.dim(notes.join(' · ')));
  lines.push('');

  // Scores
  if (h.inputs.hosts) {
    const s = h.scores;
    lines.push(`${c.bold('Scores')}  min ${s.min} · median ${s.median} · mean ${s.mean} · max ${s.max}`);
    const most = Math.max(...s.histogram.map((bucket) => bucket.hosts), 1);
    for (const bucket of s.histogram) {
      const length = bucket.hosts ? Math.max(1, Math.round((bucket.hosts / most) * 30)) : 0;
      lines.push(`  ${`${bucket.from}-${bucket.to}`.padStart(6)}  ${bandColor(c, bucket.from)('█'.repeat(length))}${' '.repeat(30 - length)} ${String(bucket.hosts).padStart(6)}`);
    }
    lines.push('');
  } else {
    lines.push(c.yellow('No report could be read.'), '');
  }

  // Checks
  if (h.checks.length) {
    const idWidth = Math.min(44, Math.max(...h.checks.map((check) => check.checkId.length), 5));
    lines.push(c.bold('Checks') + c.dim(' (worst pass rate first; the rate counts hosts that ran the check: pass, fail, error)'));
    lines.push(c.dim(`  ${'pass rate'.padEnd(BAR_WIDTH + 5)}  ${'check'.padEnd(idWidth)}  ${'worst'.padEnd(8)}  ${['pass', 'fail', 'error', 'waived', 'skipped'].map((word) => word.padStart(8)).join('')}`));
    for (const check of h.checks) {
      const rate = check.passRate;
      const filled = rate === null ? 0 : Math.round(rate * BAR_WIDTH);
      const bar = rate === null ? c.dim('·'.repeat(BAR_WIDTH)) : `${rateColor(c, rate)('█'.repeat(filled))}${c.dim('░'.repeat(BAR_WIDTH - filled))}`;
      const percent = rate === null ? '   –' : `${Math.floor(rate * 100)}%`.padStart(4);
      const counts = [check.counts.pass, check.counts.fail, check.counts.error, check.counts.waived, check.counts.skipped].map((count) => String(count).padStart(8)).join('');
      lines.push(`  ${bar} ${percent}  ${cut(printable(check.checkId), idWidth).padEnd(idWidth)}  ${severityColor(c, check.worstSeverity)(check.worstSeverity.padEnd(8))}  ${counts}`);
      if (check.failingHosts.total) lines.push(`  ${' '.repeat(BAR_WIDTH + 7)}${c.red('failing:')} ${names(check.failingHosts, width - BAR_WIDTH - 20)}`);
      if (check.erroredHosts.total) lines.push(`  ${' '.repeat(BAR_WIDTH + 7)}${c.magenta('errored:')} ${names(check.erroredHosts, width - BAR_WIDTH - 20)}`);
    }
    lines.push('');
  }

  // Hosts
  const shownHosts = options.hosts ?? 20;
  if (summary.hostCount) {
    const hosts: FleetHost[] = [];
    for (const host of summary.hosts()) {
      if (hosts.length >= shownHosts) break;
      hosts.push(host);
    }
    const hostWidth = Math.min(32, Math.max(...hosts.map((host) => printable(host.id).length), 4));
    lines.push(
      c.bold('Hosts') +
        c.dim(` lowest score first${summary.hostCount > hosts.length ? ` (${hosts.length} of ${summary.hostCount}; --format json or html lists all)` : ''}`),
    );
    lines.push(c.dim(`  score  ${'host'.padEnd(hostWidth)}  ${'platform'.padEnd(8)}  ${'kind'.padEnd(6)}  crit  high   med   low   err  ${'age'.padEnd(7)}  worst finding`));
    const fixed = 2 + 5 + 2 + hostWidth + 2 + 8 + 2 + 6 + 2 + 28 + 2 + 7 + 2;
    for (const host of hosts) {
      const worst = host.worstFindings[0];
      const finding = worst ? `${worst.severity}: ${printable(worst.message)}` : '';
      const fails = (['critical', 'high', 'medium', 'low'] as const).map((severity) => {
        const count = host.fails[severity];
        return count ? severityColor(c, severity)(String(count).padStart(4)) : c.dim('   0');
      });
      const ageText = (host.ageSeconds < 0 ? 'future' : formatAge(host.ageSeconds)).padEnd(7);
      const age = host.stale ? c.yellow(ageText) : ageText;
      lines.push(
        `  ${bandColor(c, host.score)(String(host.score).padStart(5))}  ${cut(printable(host.id), hostWidth).padEnd(hostWidth)}  ${cut(printable(host.platform), 8).padEnd(8)}  ${cut(printable(host.targetKind), 6).padEnd(6)}  ${fails.join('  ')}  ${(host.errors ? c.magenta(String(host.errors).padStart(4)) : c.dim('   0'))}  ${age}  ${cut(finding, Math.max(30, width - fixed))}`,
      );
    }
    lines.push('');
  }

  // Stale
  if (h.stale.total) {
    lines.push(c.yellow.bold(`Stale: ${n(h.stale.total, 'host')} last reported more than ${h.maxAge.text} ago`) + c.dim(' (oldest first)'));
    for (const host of h.stale.items.slice(0, LISTED)) lines.push(`  ${printable(host.id)}  ${c.dim(`${formatAge(host.ageSeconds)} ago (${utc(host.startedAt)})`)}`);
    if (h.stale.total > LISTED) lines.push(c.dim(`  … and ${h.stale.total - LISTED} more`));
    lines.push('');
  }

  // Baselines and versions
  if (h.baselines.mixed) {
    lines.push(c.yellow.bold(`Mixed baselines: ${h.baselines.entries.length} in use`));
    for (const entry of h.baselines.entries) lines.push(`  ${printable(entry.id)}  ${c.dim(`sha256 ${entry.sha256.slice(0, 12)}`)}  ${n(entry.hosts, 'host')}`);
  } else if (h.baselines.entries[0]) {
    lines.push(`Baseline: ${printable(h.baselines.entries[0].id)} ${c.dim(`sha256 ${h.baselines.entries[0].sha256.slice(0, 12)}`)} on every host`);
  }
  if (h.toolVersions.mixed) {
    lines.push(c.yellow.bold(`Mixed tool versions: `) + h.toolVersions.entries.map((entry) => `${printable(entry.version)} (${n(entry.hosts, 'host')})`).join(', '));
  } else if (h.toolVersions.entries[0]) {
    lines.push(`Tool version: ${printable(h.toolVersions.entries[0].version)} on every host`);
  }
  if (h.baselines.entries.length || h.toolVersions.entries.length) lines.push('');

  // Invalid files
  if (h.invalid.total) {
    lines.push(c.yellow.bold(`Invalid files: ${h.invalid.total}`) + c.dim(' (counted, not read)'));
    for (const file of h.invalid.items.slice(0, 2 * LISTED)) {
      const more = file.badLines > 1 ? c.dim(` (${file.badLines} bad lines)`) : '';
      lines.push(`  ${printable(file.path)}${file.line ? `:${file.line}` : ''}: ${printable(file.reason)}${more}`);
    }
    if (h.invalid.total > 2 * LISTED) lines.push(c.dim(`  … and ${h.invalid.total - 2 * LISTED} more (--format json lists ${h.invalid.items.length})`));
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

function names(list: BoundedList<string>, room: number): string {
  const shown: string[] = [];
  let used = 0;
  for (const name of list.items) {
    const text = printable(name);
    if (shown.length >= LISTED || used + text.length + 2 > room) break;
    shown.push(text);
    used += text.length + 2;
  }
  const rest = list.total - shown.length;
  return `${shown.join(', ')}${rest > 0 ? ` … and ${rest} more` : ''}`;
}

/** Control characters, bidi overrides and zero-width marks shown as [U+XXXX]: a report cannot drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, (char) => `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

function cut(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function bandColor(c: ChalkInstance, score: number): ChalkInstance {
  if (score >= 90) return c.green;
  if (score >= 70) return c.yellow;
  if (score >= 50) return c.hex('#c2410c');
  return c.red;
}

function rateColor(c: ChalkInstance, rate: number): ChalkInstance {
  return bandColor(c, rate * 100);
}

function severityColor(c: ChalkInstance, severity: Severity): ChalkInstance {
  if (severity === 'critical' || severity === 'high') return c.red;
  if (severity === 'medium') return c.yellow;
  return c.dim;
}
