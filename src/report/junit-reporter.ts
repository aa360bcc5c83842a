// JUnit XML as GitLab (artifacts:reports:junit) and Jenkins (junit step) read it: one <testsuite> per area,
// one <testcase> per check. Pure: the report in, the XML text out.
//
// Mapping: pass → a bare testcase; fail → <failure type="<severity>"> with the findings as text, one per
// line; error → <error>; skipped and waived → <skipped> (a waiver is an accepted risk, not a pass). Every
// check's message goes to <system-out>. A testcase's time is the check's durationMs (checks run
// concurrently, so suites add up to more than the scan's wall time, which <testsuites> carries).
import type { CheckResult, Status } from '../engine/result.js';
import type { AuditReport } from './report-model.js';

/** Findings listed in one <failure>; the rest are counted. */
export const MAX_JUNIT_FINDINGS = 200;

// Characters XML 1.0 does not allow at all (§2.2 Char): C0 controls other than tab, LF and CR; lone
// surrogates; U+FFFE and U+FFFF.
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes what XML 1.0 cannot carry. */
export function stripIllegalXml(text: string): string {
  return text.replace(ILLEGAL_XML, '');
}

/** Element text: `&`, `<`, `>` escaped (so `]]>` cannot appear), CR kept as a reference (parsers fold it). */
export function escapeXmlText(text: string): string {
  return stripIllegalXml(text).replace(/[&<>\r]/g, (character) => XML_ENTITIES[character] as string);
}

/** Attribute value in double quotes: also `"` and `'`, and tab/LF/CR as references (parsers turn them into spaces). */
export function escapeXmlAttribute(text: string): string {
  return stripIllegalXml(text).replace(/[&<>"'\t\n\r]/g, (character) => XML_ENTITIES[character] as string);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function countsOf(results: readonly CheckResult[]): Counts {
  const count = (...statuses: Status[]) => results.filter((result) => statuses.includes(result.status)).length;
  return { tests: results.length, failures: count('fail'), errors: count('error'), skipped: count('skipped', 'waived') };
}

/** JUnit's timestamp type (ISO 8601 without a zone); ours is UTC. */
function junitTimestamp(iso: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return match?.[1];
}

export function renderJunit(report: AuditReport): string {
  const areas = [...new Set(report.results.map((result) => result.area))];
  const total = countsOf(report.results);
  const timestamp = junitTimestamp(report.startedAt);
  const hostname = report.target.hostname ?? report.target.path ?? report.target.kind;
  const seconds = (Math.max(0, report.durationMs) / 1000).toFixed(3);
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites${attributes({ name: 'cowork-audit', ...total, time: seconds, timestamp })}>`);
  areas.forEach((area, id) => {
    const results = report.results.filter((result) => result.area === area);
    const suite = `cowork-audit.${area}`;
    lines.push(`  <testsuite${attributes({ name: suite, id, package: 'cowork-audit', hostname, timestamp, ...countsOf(results), time: (results.reduce((sum, result) => sum + (result.durationMs ?? 0), 0) / 1000).toFixed(3) })}>`);
    lines.push('    <properties>');
    for (const [name, value] of properties(report)) lines.push(`      <property${attributes({ name, value })}/>`);
    lines.push('    </properties>');
    for (const result of results) lines.push(...testcase(suite, result));
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function properties(report: AuditReport): [string, string][] {
  const t = report.target;
  const entries: [string, string | undefined][] = [
    ['target.kind', t.kind],
    ['target.platform', t.platform],
    ['target.hostname', t.hostname],
    ['target.path', t.path],
    ['target.os', t.os],
    ['target.users', t.users],
    ['baseline.id', report.baseline.id],
    ['baseline.source', report.baseline.source],
    ['baseline.sha256', report.baseline.sha256],
    ['tool.version', report.tool.version],
    ['startedAt', report.startedAt],
    ['score', String(report.summary.score)],
  ];
  return entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

function testcase(suite: string, result: CheckResult): string[] {
  const open = `    <testcase${attributes({ classname: suite, name: result.checkId, time: ((result.durationMs ?? 0) / 1000).toFixed(3) })}>`;
  const out = `      <system-out>${escapeXmlText(result.message)}</system-out>`;
  switch (result.status) {
    case 'fail':
      return [
        open,
        `      <failure${attributes({ message: result.message, type: result.severity })}>${escapeXmlText(failureText(result))}</failure>`,
        out,
        '    </testcase>',
      ];
    case 'error': {
      const message = result.error ? `${result.error.origin}: ${result.error.message}` : result.message;
      return [open, `      <error${attributes({ message, type: 'error' })}>${escapeXmlText(message)}</error>`, out, '    </testcase>'];
    }
    case 'skipped':
      return [open, `      <skipped${attributes({ message: result.message })}/>`, out, '    </testcase>'];
    case 'waived': {
      const waiver = result.waiver;
      const message = waiver ? `waived until ${waiver.expires}: ${waiver.reason}` : result.message;
      return [open, `      <skipped${attributes({ message })}/>`, out, '    </testcase>'];
    }
    default:
      return [open, out, '    </testcase>'];
  }
}

/** The findings of a failing check, one per line with its location, then the fix. */
function failureText(result: CheckResult): string {
  const shown = result.findings.slice(0, MAX_JUNIT_FINDINGS);
  const lines = shown.map((finding) => {
    const where = finding.location ? `${oneLine(finding.location.path)}${finding.location.line ? `:${finding.location.line}` : ''}: ` : '';
    const who = finding.subject ? ` [${finding.subject}]` : '';
    return `${where}${oneLine(finding.message)}${who}${finding.waived ? ' (waived)' : ''}`;
  });
  if (result.findings.length > shown.length) lines.push(`… and ${result.findings.length - shown.length} more finding(s)`);
  if (lines.length === 0) lines.push(oneLine(result.message));
  if (result.remediation?.summary) lines.push(`fix: ${oneLine(result.remediation.summary)}`);
  if (result.waiver?.expired) lines.push(`waiver expired on ${result.waiver.expires}: ${oneLine(result.waiver.reason)}`);
  return lines.join('\n');
}

/** A finding per line: a line break inside a message would look like another finding. */
function oneLine(text: string): string {
  return text.replace(/\r\n?|\n/g, ' ⏎ ');
}
