import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, Status } from '../engine/result.js';
import { meetsThreshold, severityRank, type FailOn } from '../engine/severity.js';
import type { AuditReport } from './report-model.js';

export interface TableOptions {
  color: boolean;
  failOn: FailOn;
  /** Show every finding, and passing and skipped checks with their messages. */
  verbose?: boolean;
  /** Only failing checks and the summary. */
  quiet?: boolean;
  /** Terminal width for wrapping; 100 when unknown. */
  width?: number;
}

const STATUS_ORDER: Record<Status, number> = { error: 0, fail: 1, waived: 2, pass: 3, skipped: 4 };
const MAX_FINDINGS = 8;

/** The human report: failing checks first with their findings and a one-line fix, then a summary. */
export function renderTable(report: AuditReport, options: TableOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  const t = report.target;
  const where = [t.kind, t.platform, t.hostname && `host ${t.hostname}`, t.path && `at ${t.path}`].filter(Boolean).join(' ');
  lines.push(c.bold(`cowork-audit ${report.tool.version}`) + c.dim(` · ${where} · baseline ${report.baseline.id} (${report.baseline.source})`));
  if (t.users) lines.push(c.dim(`users: ${t.users}`));
  lines.push('');

  const sorted = [...report.results].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || severityRank(b.severity) - severityRank(a.severity) || a.checkId.localeCompare(b.checkId),
  );
  const idWidth = Math.max(...sorted.map((result) => result.checkId.length), 10);
  for (const result of sorted) {
    const failing = result.status === 'fail' || result.status === 'error';
    if (options.quiet && !failing) continue;
    lines.push(`${badge(c, result.status)} ${severityText(c, result)} ${result.checkId.padEnd(idWidth)}  ${result.message}`);
    if (failing || result.status === 'waived' || options.verbose) {
      const shown = options.verbose ? result.findings : result.findings.slice(0, MAX_FINDINGS);
      for (const finding of shown) {
        const where = finding.location ? c.dim(` (${finding.location.path}${finding.location.line ? `:${finding.location.line}` : ''})`) : '';
        const text = finding.location && finding.message.includes(finding.location.path) ? finding.message : `${finding.message}${where}`;
        lines.push(`       ${finding.waived ? c.dim('waived ') : c.dim('- ')}${text}`);
      }
      if (shown.length < result.findings.length) lines.push(c.dim(`       … ${result.findings.length - shown.length} more (--verbose or --format json)`));
      if (result.remediation && result.status === 'fail') lines.push(`       ${c.cyan('fix:')} ${result.remediation.summary}`);
      if (result.waiver?.expired) lines.push(`       ${c.yellow('waiver expired')} ${result.waiver.expires}: ${result.waiver.reason} (${result.waiver.source ?? 'baseline'})`);
    }
  }
  lines.push('');
  lines.push(...areaLines(c, report.results));
  lines.push('');
  const s = report.summary;
  const gate = report.results.filter((result) => (result.status === 'fail' || result.status === 'error') && meetsThreshold(result.severity, options.failOn));
  lines.push(
    `${c.bold(`Score ${s.score}/100`)}  ${c.green(`${s.pass} pass`)}  ${c.red(`${s.fail} fail`)}  ${c.magenta(`${s.error} error`)}  ${c.dim(`${s.skipped} skipped`)}  ${c.yellow(`${s.waived} waived`)}`,
  );
  lines.push(
    gate.length
      ? c.red.bold(`Result: FAIL (${gate.length} check(s) failed at or above ${options.failOn})`)
      : c.green.bold(`Result: PASS (nothing failed at or above ${options.failOn})`),
  );
  return lines.join('\n') + '\n';
}

function badge(c: ChalkInstance, status: Status): string {
  switch (status) {
    case 'pass':
      return c.green(' PASS ');
    case 'fail':
      return c.bgRed.white.bold(' FAIL ');
    case 'error':
      return c.bgMagenta.white.bold(' ERR  ');
    case 'waived':
      return c.yellow(' WAIV ');
    default:
      return c.dim(' SKIP ');
  }
}

function severityText(c: ChalkInstance, result: CheckResult): string {
  const text = result.severity.padEnd(8);
  if (result.status !== 'fail' && result.status !== 'error') return c.dim(text);
  return result.severity === 'critical' || result.severity === 'high' ? c.red(text) : c.yellow(text);
}

function areaLines(c: ChalkInstance, results: readonly CheckResult[]): string[] {
  const areas = [...new Set(results.map((result) => result.area))];
  const width = Math.max(...areas.map((area) => area.length), 8);
  return areas.map((area) => {
    const of = results.filter((result) => result.area === area);
    const count = (status: Status) => of.filter((result) => result.status === status).length;
    const parts = [
      count('fail') && c.red(`${count('fail')} fail`),
      count('error') && c.magenta(`${count('error')} error`),
      count('pass') && c.green(`${count('pass')} pass`),
      count('waived') && c.yellow(`${count('waived')} waived`),
      count('skipped') && c.dim(`${count('skipped')} skipped`),
    ].filter(Boolean);
    return `${area.padEnd(width)}  ${parts.join('  ')}`;
  });
}
