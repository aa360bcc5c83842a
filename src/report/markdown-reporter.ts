// A Markdown summary for a GitHub Actions step summary ($GITHUB_STEP_SUMMARY) or a pull-request comment.
// Pure: the report and the gate in, text out.
//
// Everything that comes from the audited machine (messages, paths, subjects, waiver reasons) is hostile
// until escaped: it can hold `|` (breaks a table), backticks, `<img src=x onerror=...>`, `[x](javascript:...)`,
// `@team` (a mention that pings people in a PR comment) or newlines that start new Markdown blocks. Text goes
// through escapeMarkdown, paths through codeSpan.
import type { CheckResult, Status } from '../engine/result.js';
import { meetsThreshold, severityRank, type FailOn, type Severity } from '../engine/severity.js';
import type { AuditReport } from './report-model.js';

export interface MarkdownContext {
  failOn: FailOn;
  /** The exit code the CLI returns for this report (exitCodeFor(report, failOn)). */
  exitCode: number;
}

/** GitHub refuses a step summary over 1 MiB; this leaves room for other steps' summaries in the same job. */
export const MAX_MARKDOWN_BYTES = 900 * 1024;
/** Findings shown per failing check. */
export const MAX_FINDINGS_PER_CHECK = 10;
/** Longest message shown, in characters. */
export const MAX_TEXT_CHARS = 1_000;

const SEVERITY_ICON: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

// C0 controls other than tab and line breaks, DEL, lone surrogates and the two non-characters.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from the report as inert inline Markdown, on one line: `<`, `>` and `&` as HTML entities; `\`, `` ` ``,
 * `*`, `_`, `[`, `]`, `|`, `~` backslash-escaped (no emphasis, code, link, image or table cell break can
 * start); a block marker at the start (`#`, `+`, `-`, `=`, `1.`) escaped; line breaks as spaces; control
 * characters dropped; `@name` broken with a word joiner so that a PR comment mentions nobody.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (character) => `\\${character}`)
    .replace(/@(?=[A-Za-z0-9])/g, '@\u2060')
    .replace(/^(\s*)([#+\-=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Shows control characters in a path instead of dropping them: a newline in a file name is itself a finding. */
function visible(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\u0000-\u001F\u007F\u2028\u2029]/g, (character) => {
      if (character === '\n') return '\\n';
      if (character === '\r') return '\\r';
      if (character === '\t') return '\\t';
      return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
}

/**
 * A path (or any literal) as inline code. The fence is one backtick longer than the longest run of
 * backticks inside, padded with a space when the text starts or ends with a backtick or a space (CommonMark
 * strips one space on each side). Text with `<`, `>` or `&` goes into `<code>` with entities instead, so
 * that no raw markup is in the Markdown source at all (a backtick span would show it inert, but a reader
 * of the raw file, or a renderer without code-span support, would not).
 */
export function codeSpan(text: string): string {
  const clean = visible(text);
  if (clean === '' || /[<>&]/.test(clean)) return `<code>${escapeMarkdown(clean)}</code>`;
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(clean) ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function clipText(text: string): string {
  return text.length <= MAX_TEXT_CHARS ? text : `${text.slice(0, MAX_TEXT_CHARS)}…`;
}

function md(text: string): string {
  return escapeMarkdown(clipText(text));
}

/** The count columns of the summary table, in order. */
const TABLE_COLUMNS: readonly Status[] = ['pass', 'fail', 'error', 'waived', 'skipped'];

export function renderMarkdown(report: AuditReport, context: MarkdownContext): string {
  const t = report.target;
  const s = report.summary;
  const failing = report.results
    .filter((result) => result.status === 'fail')
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.checkId.localeCompare(b.checkId));
  const gated = report.results.filter((result) => (result.status === 'fail' || result.status === 'error') && meetsThreshold(result.severity, context.failOn));
  const passed = context.exitCode === 0;

  const head: string[] = [];
  head.push(`## ${passed ? '✅' : '❌'} cowork-audit: ${passed ? 'PASS' : 'FAIL'} · score ${s.score}/100`, '');
  const where = [
    `${md(t.kind)} target`,
    md(t.platform),
    t.os ? md(t.os) : undefined,
    t.hostname ? `host ${codeSpan(t.hostname)}` : undefined,
    t.path ? `at ${codeSpan(t.path)}` : undefined,
  ].filter(Boolean);
  head.push(`${where.join(' · ')}  `);
  head.push(`baseline ${codeSpan(report.baseline.id)} (${md(report.baseline.source)}) · cowork-audit ${md(report.tool.version)} · ${md(report.startedAt)}  `);
  head.push(
    gated.length
      ? `**${gated.length} check(s) failed at or above \`${context.failOn}\`** (exit code ${context.exitCode})`
      : `Nothing failed at or above \`${context.failOn}\` (exit code ${context.exitCode})`,
  );
  head.push('');
  head.push(...countsTable(report.results), '');

  const sections: Block[] = [];
  if (failing.length) {
    sections.push({ text: '### Failing checks\n', always: true });
    for (const result of failing) sections.push({ text: failingBlock(result, context.failOn), kind: 'failing check' });
  }
  const waived = report.results.filter((result) => result.status === 'waived');
  const partlyWaived = report.results.filter((result) => result.status === 'fail' && result.waiver && !result.waiver.expired);
  const expired = report.results.filter((result) => result.waiver?.expired);
  if (waived.length || partlyWaived.length || expired.length) {
    sections.push({ text: '### Waivers\n', always: true });
    for (const result of [...waived, ...partlyWaived, ...expired]) sections.push({ text: waiverLine(result), kind: 'waiver' });
    sections.push({ text: '', always: true });
  }
  const errors = report.results.filter((result) => result.status === 'error');
  if (errors.length) {
    sections.push({ text: '### Errors\n', always: true });
    for (const result of errors) sections.push({ text: errorLine(result), kind: 'error' });
    sections.push({ text: '', always: true });
  }

  const foot = `\n<sub>${s.pass} pass · ${s.fail} fail · ${s.error} error · ${s.waived} waived · ${s.skipped} skipped. Full details: the JSON report (cowork-audit.json).</sub>\n`;
  return assemble(head.join('\n') + '\n', sections, foot);
}

interface Block {
  text: string;
  /** Headings and spacing: kept even when the budget is spent. */
  always?: boolean;
  kind?: string;
}

/** Joins the blocks within MAX_MARKDOWN_BYTES; what does not fit is counted, per kind, at the end. */
function assemble(head: string, blocks: readonly Block[], foot: string): string {
  const reserve = 2_048;
  let size = Buffer.byteLength(head + foot, 'utf8') + reserve;
  const out: string[] = [head];
  const left = new Map<string, number>();
  for (const block of blocks) {
    const text = `${block.text}\n`;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (!block.always && (left.size > 0 || size + bytes > MAX_MARKDOWN_BYTES)) {
      const kind = block.kind ?? 'item';
      left.set(kind, (left.get(kind) ?? 0) + 1);
      continue;
    }
    out.push(text);
    size += bytes;
  }
  if (left.size) {
    const parts = [...left].map(([kind, count]) => `${count} more ${kind}(s)`);
    out.push(`> [!NOTE]\n> Summary cut to stay under GitHub's 1 MiB limit: ${parts.join(', ')} not shown. See the JSON report.\n`);
  }
  out.push(foot);
  return out.join('').replace(/\n{3,}/g, '\n\n');
}

function countsTable(results: readonly CheckResult[]): string[] {
  const areas = [...new Set(results.map((result) => result.area))];
  const lines = ['| Area | Pass | Fail | Error | Waived | Skipped |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  const row = (name: string, of: readonly CheckResult[]) => {
    const count = (status: Status) => of.filter((result) => result.status === status).length;
    return `| ${name} | ${TABLE_COLUMNS.map(count).join(' | ')} |`;
  };
  for (const area of areas) lines.push(row(md(area), results.filter((result) => result.area === area)));
  lines.push(row('**Total**', results));
  return lines;
}

function locationText(path: string, line: number | undefined): string {
  return codeSpan(line ? `${path}:${line}` : path);
}

function failingBlock(result: CheckResult, failOn: FailOn): string {
  const gate = meetsThreshold(result.severity, failOn) ? '' : ` _(below \`${failOn}\`)_`;
  const lines = [`#### ${SEVERITY_ICON[result.severity]} ${result.severity} · ${codeSpan(result.checkId)} ${md(result.title)}${gate}`, '', md(result.message), ''];
  const shown = result.findings.slice(0, MAX_FINDINGS_PER_CHECK);
  for (const finding of shown) {
    const where = finding.location ? `${locationText(finding.location.path, finding.location.line)} ` : '';
    const who = finding.subject ? ` (${md(finding.subject)})` : '';
    lines.push(`- ${where}${md(finding.message)}${who}${finding.waived ? ' _(waived)_' : ''}`);
  }
  if (result.findings.length > shown.length) lines.push(`- … and ${result.findings.length - shown.length} more finding(s)`);
  if (shown.length) lines.push('');
  if (result.remediation?.summary) lines.push(`**Fix:** ${md(result.remediation.summary)}`, '');
  return lines.join('\n');
}

function waiverLine(result: CheckResult): string {
  const waiver = result.waiver;
  const what = `${codeSpan(result.checkId)} ${md(result.title)}`;
  if (!waiver) return `- ${what}: ${md(result.message)}`;
  const source = waiver.source ? ` (${codeSpan(waiver.source)})` : '';
  if (waiver.expired) return `- ⚠️ ${what}: waiver **expired** on ${md(waiver.expires)}: ${md(waiver.reason)}${source}`;
  const scope = result.status === 'waived' ? 'waived' : `partly waived (${result.findings.filter((finding) => finding.waived).length} of ${result.findings.length} findings)`;
  return `- ${what}: ${scope} until ${md(waiver.expires)}: ${md(waiver.reason)}${source}`;
}

function errorLine(result: CheckResult): string {
  const detail = result.error ? `${md(result.error.origin)}: ${md(result.error.message)}` : md(result.message);
  return `- ${SEVERITY_ICON[result.severity]} ${codeSpan(result.checkId)} could not be evaluated: ${detail}`;
}
