// The one-line summary (`--format summary`): for MDM (a Jamf extension attribute, an Intune detection
// script), cron logs and syslog. Pure: the report in, one line out.
//
// Grammar (README "Formats"):
//
//   line   = "cowork-audit" SP version 1*(SP key "=" value) LF
//   key    = 1*( %x61-7A / DIGIT / "_" )                       ; a-z, 0-9, _
//   value  = bare / quoted
//   bare   = 1*( ALPHA / DIGIT / "." / "_" / ":" / "/" / "@" / "+" / "-" )
//   quoted = a JSON string literal in which every character outside %x21-7E (the space included) is
//            written as \uXXXX
//
// So the line is printable ASCII, has no space except between fields, and no field but the first has a
// space or a second line: split on " ", cut each field at its first "=", JSON-decode a value that starts
// with `"`. A shell can read it with `read -ra`; a value never contains " key=" by accident.
// Keys, in this order: host result fail_on score pass fail error waived skipped critical high medium low
// info baseline. Later versions may add keys; consumers look fields up by key.
import type { CheckResult } from '../engine/result.js';
import { SEVERITIES, meetsThreshold, type FailOn, type Severity } from '../engine/severity.js';
import type { AuditReport } from './report-model.js';

const BARE = /^[A-Za-z0-9._:/@+-]+$/;

/** A field value in the summary grammar: bare when it can be, else a JSON string with only printable ASCII. */
export function summaryValue(value: string): string {
  if (BARE.test(value)) return value;
  return JSON.stringify(value).replace(/[^\x21-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function failing(result: CheckResult): boolean {
  return result.status === 'fail' || result.status === 'error';
}

/** Failing (fail and error) checks counted by severity. */
export function failingBySeverity(report: AuditReport): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const result of report.results) if (failing(result)) counts[result.severity] += 1;
  return counts;
}

export function renderSummary(report: AuditReport, context: { failOn: FailOn }): string {
  const s = report.summary;
  const gateFailed = report.results.some((result) => failing(result) && meetsThreshold(result.severity, context.failOn));
  const bySeverity = failingBySeverity(report);
  const fields: [string, string | number][] = [
    ['host', report.target.hostname ?? ''],
    ['result', gateFailed ? 'FAIL' : 'PASS'],
    ['fail_on', context.failOn],
    ['score', s.score],
    ['pass', s.pass],
    ['fail', s.fail],
    ['error', s.error],
    ['waived', s.waived],
    ['skipped', s.skipped],
    ...SEVERITIES.map((severity): [string, number] => [severity, bySeverity[severity]]),
    ['baseline', report.baseline.id],
  ];
  const text = fields.map(([key, value]) => `${key}=${typeof value === 'number' ? String(value) : summaryValue(value)}`).join(' ');
  return `${report.tool.name} ${summaryValue(report.tool.version)} ${text}\n`;
}
