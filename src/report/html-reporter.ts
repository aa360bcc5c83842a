// The HTML report: one self-contained file a security engineer can forward to management. It loads
// nothing (inline CSS, one constant inline script allowed by its hash, no fonts, images or links to
// stylesheets), escapes everything that comes from the report, turns only http(s) URLs into links, and
// is complete with scripts disabled: the script only adds the status/severity/text filters (see
// html/script.ts for the `#status=fail&severity=high&q=text` fragment that presets them).
import { AREAS } from '../engine/check.js';
import type { Reference } from '../engine/check.js';
import { actionKey, type RemediationAction } from '../engine/remediation.js';
import type { CheckResult, ResultFinding, Status } from '../engine/result.js';
import { FAIL_ON_VALUES, SEVERITIES, meetsThreshold, severityRank, type FailOn, type Severity } from '../engine/severity.js';
import { escapeHtml as e, safeHttpUrl } from './html/escape.js';
import { htmlHead } from './html/head.js';
import { FILTER_SCRIPT, FILTER_SCRIPT_HASH } from './html/script.js';
import { REPORT_CSS } from './html/styles.js';
import type { AuditReport } from './report-model.js';

export interface HtmlContext {
  /** The gate the scan ran with (--fail-on). */
  failOn: FailOn;
  /** The exit code the scan ends with: 0 passed the gate, anything else failed it. */
  exitCode: number;
}

/** The Content-Security-Policy of the page: nothing may load, only the page's own script may run. */
export const HTML_REPORT_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${FILTER_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'`;

const STATUS_LABEL: Record<Status, string> = { fail: 'FAIL', error: 'ERROR', waived: 'WAIVED', pass: 'PASS', skipped: 'SKIPPED' };
const STATUS_WORD: Record<Status, string> = { fail: 'fail', error: 'error', waived: 'waived', pass: 'pass', skipped: 'skipped' };
/** Display order of statuses in counts, bars and filters. */
const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'waived', 'pass', 'skipped'];
const GROUPS: readonly { id: string; title: string; statuses: readonly Status[] }[] = [
  { id: 'attention', title: 'Failed and errored', statuses: ['fail', 'error'] },
  { id: 'waived', title: 'Waived', statuses: ['waived'] },
  { id: 'passed', title: 'Passed', statuses: ['pass'] },
  { id: 'skipped', title: 'Skipped (not applicable)', statuses: ['skipped'] },
];

/** Renders the report as one HTML document. Pure: the same report and context give the same text. */
export function renderHtml(report: AuditReport, context: HtmlContext): string {
  const results = [...(report.results ?? [])].sort(byImportance);
  const anchors = anchorIds(results);
  const gateFailed = context.exitCode !== 0;
  const score = clampScore(report.summary?.score);
  const t = report.target ?? ({} as Partial<AuditReport['target']>);
  const titleParts = ['cowork-audit report', t.hostname || t.path || t.kind, `score ${score}`, gateFailed ? 'FAIL' : 'PASS'].filter(Boolean);

  return `${htmlHead({ csp: HTML_REPORT_CSP, generator: `${report.tool?.name ?? 'cowork-audit'} ${report.tool?.version ?? ''}`.trim(), title: titleParts.join(' · '), css: REPORT_CSS })}
<body>
${masthead(report)}
<main class="wrap">
${overview(report, results, anchors, context, score)}
${areaPanel(results)}
${checksPanel(results, anchors)}
</main>
${footer(report)}
<script>${FILTER_SCRIPT}</script>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------------
// Header

function masthead(report: AuditReport): string {
  const t = report.target ?? ({} as Partial<AuditReport['target']>);
  const b = report.baseline ?? ({} as Partial<AuditReport['baseline']>);
  const name = t.hostname || t.path || `${t.kind ?? 'unknown'} target`;
  const sha = typeof b.sha256 === 'string' ? b.sha256 : '';
  const facts: [string, string][] = [
    ['Target', `${e(KIND_TEXT[String(t.kind)] ?? t.kind)}${t.platform ? ` <span class="dim">·</span> ${e(PLATFORM_TEXT[String(t.platform)] ?? t.platform)}` : ''}`],
    ['Hostname', t.hostname ? e(t.hostname) : '<span class="dim">not recorded</span>'],
    ['Operating system', t.os ? e(t.os) : '<span class="dim">not recorded</span>'],
  ];
  if (t.path) facts.push(['Path', `<code>${e(t.path)}</code>`]);
  facts.push(['Audited users', t.users ? e(t.users) : '<span class="dim">not recorded</span>']);
  facts.push([
    'Baseline',
    `${e(b.id)} <span class="dim">(${e(b.source)})</span>${sha ? ` <span class="dim" title="sha256 ${e(sha)}">sha256 <code>${e(sha.slice(0, 12))}</code></span>` : ''}`,
  ]);
  facts.push(['Scanned', `${scanTime(report.startedAt)}${durationText(report.durationMs)}`]);
  return `<header class="masthead">
<div class="wrap">
<div class="brand"><strong>${e(report.tool?.name ?? 'cowork-audit')}</strong> <span>${e(report.tool?.version ?? '')}</span> <span>· security audit for desktop AI agents</span></div>
<h1>Endpoint audit: ${e(name)}</h1>
<p class="subtitle">How safely this ${e(KIND_NOUN[String(t.kind)] ?? 'target')} is set up for desktop AI agents, judged against the baseline <strong>${e(b.id)}</strong>.</p>
<dl class="facts">
${facts.map(([label, html]) => `<div><dt>${e(label)}</dt><dd>${html}</dd></div>`).join('\n')}
</dl>
</div>
</header>`;
}

const KIND_TEXT: Record<string, string> = { live: 'Live machine', root: 'Offline image', repo: 'Repository', replay: 'Recorded endpoint' };
const KIND_NOUN: Record<string, string> = { live: 'machine', root: 'image', repo: 'repository', replay: 'endpoint' };
const PLATFORM_TEXT: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

function scanTime(startedAt: unknown): string {
  const date = typeof startedAt === 'string' ? new Date(startedAt) : undefined;
  if (!date || Number.isNaN(date.getTime())) return e(startedAt ?? 'unknown');
  const iso = date.toISOString();
  return `<time datetime="${e(iso)}">${e(`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`)}</time>`;
}

function durationText(durationMs: unknown): string {
  const ms = finite(durationMs);
  if (ms === undefined) return '';
  const text = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  return ` <span class="dim">(took ${e(text)})</span>`;
}

// ---------------------------------------------------------------------------------------------------
// Overview: score, gate, counts

function overview(report: AuditReport, results: readonly CheckResult[], anchors: Map<CheckResult, string>, context: HtmlContext, score: number): string {
  const band = scoreBand(score);
  const failOn = (FAIL_ON_VALUES as readonly string[]).includes(context.failOn) ? context.failOn : undefined;
  const gating = failOn ? results.filter((result) => isFailing(result.status) && meetsThreshold(result.severity, failOn)) : [];
  const gateFailed = context.exitCode !== 0;
  const threshold = failOn === 'none' ? 'the gate is off (--fail-on none)' : `at or above <strong>${e(failOn ?? context.failOn)}</strong>`;
  const gateText = gateFailed
    ? gating.length
      ? `${gating.length} check${gating.length === 1 ? '' : 's'} ${gating.some((result) => result.status === 'error') ? 'failed or errored' : 'failed'} ${threshold}:`
      : `The scan failed its gate (${threshold}).`
    : failOn === 'none'
      ? 'Nothing fails the scan: the gate is off (--fail-on none).'
      : `Nothing failed ${threshold}.`;
  const counts = statusCounts(results);
  const ran = counts.pass + counts.fail + counts.error;
  return `<div class="overview">
<section class="panel score" aria-labelledby="score-label">
<div class="label" id="score-label">Security score</div>
<div class="ring band-${band.id}" style="--score: ${score}"><div class="ring-inner"><span class="score-value">${score}</span><span class="score-of">out of 100</span></div></div>
<span class="band band-${band.id}">${e(band.label)}</span>
<div class="score-note">Weighted by severity over the ${ran} check${ran === 1 ? '' : 's'} that ran; waived and skipped checks do not count.</div>
</section>
<section class="panel gate ${gateFailed ? 'fail' : 'pass'}" aria-labelledby="gate-label">
<div class="label" id="gate-label">Gate result${failOn && failOn !== 'none' ? ` at --fail-on ${e(failOn)}` : ''}</div>
<div class="gate-word">${gateFailed ? 'FAIL' : 'PASS'}</div>
<p>${gateText}</p>
${gating.length ? `<ul>${gating.map((result) => `<li><a href="#${e(anchors.get(result))}"><code>${e(result.checkId)}</code></a> <span class="sev sev-${severityClass(result.severity)}">${e(result.severity)}</span> ${e(result.title)}</li>`).join('')}</ul>` : ''}
<p class="muted">Exit code ${e(finite(context.exitCode) ?? context.exitCode)}.</p>
</section>
<section class="panel" aria-labelledby="tally-label">
<div class="label" id="tally-label">Checks</div>
<div class="tally">${STATUS_ORDER.map((status) => `<div class="t-${status}"><b>${counts[status]}</b><span>${e(STATUS_WORD[status])}</span></div>`).join('')}</div>
<p class="totals">${results.length} check${results.length === 1 ? '' : 's'} in baseline ${e(report.baseline?.id)}; ${findingCount(results)} finding${findingCount(results) === 1 ? '' : 's'} on failing and errored checks.</p>
</section>
</div>`;
}

function scoreBand(score: number): { id: string; label: string } {
  if (score >= 90) return { id: 'good', label: 'Good' };
  if (score >= 70) return { id: 'fair', label: 'Fair' };
  if (score >= 50) return { id: 'weak', label: 'Weak' };
  return { id: 'poor', label: 'Poor' };
}

function findingCount(results: readonly CheckResult[]): number {
  return results.filter((result) => isFailing(result.status)).reduce((sum, result) => sum + (result.findings?.length ?? 0), 0);
}

// ---------------------------------------------------------------------------------------------------
// Areas

function areaPanel(results: readonly CheckResult[]): string {
  const known = AREAS.filter((area) => results.some((result) => result.area === area));
  const others = [...new Set(results.map((result) => String(result.area)))].filter((area) => !(AREAS as readonly string[]).includes(area)).sort();
  const rows = [...known, ...others].map((area) => {
    const counts = statusCounts(results.filter((result) => String(result.area) === area));
    const present = STATUS_ORDER.filter((status) => counts[status] > 0);
    const segments = present.map((status) => `<span class="seg c-${status}" style="flex-grow: ${counts[status]}"></span>`).join('');
    const text = present.map((status) => `${counts[status]} ${STATUS_WORD[status]}`).join(' · ');
    return `<div class="area-name">${e(area)}</div><div class="bar" aria-hidden="true">${segments}</div><div class="area-counts">${e(text)}</div>`;
  });
  return `<section class="panel" aria-labelledby="areas-title">
<h2 id="areas-title">By area</h2>
<div class="legend" aria-hidden="true">${STATUS_ORDER.map((status) => `<span class="c-${status}">${e(STATUS_WORD[status])}</span>`).join('')}</div>
<div class="areas">
${rows.join('\n') || '<p class="muted">No checks ran.</p>'}
</div>
</section>`;
}

// ---------------------------------------------------------------------------------------------------
// Checks

function checksPanel(results: readonly CheckResult[], anchors: Map<CheckResult, string>): string {
  const counts = statusCounts(results);
  const severityCounts = new Map<Severity, number>(SEVERITIES.map((severity) => [severity, results.filter((result) => result.severity === severity).length]));
  const groups = GROUPS.map((group) => ({ ...group, results: results.filter((result) => group.statuses.includes(statusOf(result))) })).filter((group) => group.results.length);
  return `<section class="panel" aria-labelledby="checks-title">
<h2 id="checks-title">Checks <span class="count">(${results.length})</span></h2>
<div id="filters" class="filters" hidden role="search" aria-label="Filter checks">
<fieldset><legend>Status</legend>${STATUS_ORDER.map((status) => chip('status', status, STATUS_WORD[status], counts[status])).join('')}</fieldset>
<fieldset><legend>Severity</legend>${SEVERITIES.map((severity) => chip('severity', severity, severity, severityCounts.get(severity) ?? 0)).join('')}</fieldset>
<label class="search"><span class="sr-only">Search checks</span><input id="filter-q" type="search" placeholder="Search id, title, path, user…" autocomplete="off"></label>
<button type="button" id="filter-reset" class="reset">Reset</button>
<span id="filter-shown" class="shown" aria-live="polite"></span>
</div>
<p id="filter-empty" class="empty" hidden>No check matches these filters.</p>
${groups
  .map(
    (group) => `<section class="check-group" data-group="${group.id}" aria-labelledby="group-${group.id}">
<h3 id="group-${group.id}">${e(group.title)} (${group.results.length})</h3>
${group.results.map((result) => checkCard(result, anchors.get(result) ?? '')).join('\n')}
</section>`,
  )
  .join('\n') || '<p class="muted">No checks ran.</p>'}
</section>`;
}

function chip(name: string, value: string, label: string, count: number): string {
  return `<label class="chip"><input type="checkbox" name="${e(name)}" value="${e(value)}" checked> ${e(label)} <span class="n">${count}</span></label>`;
}

function checkCard(result: CheckResult, anchor: string): string {
  const status = statusOf(result);
  const severity = severityClass(result.severity);
  const detailed = status !== 'pass' && status !== 'skipped';
  const findings = result.findings ?? [];
  const parts = [
    `<article class="check st-${status}${detailed ? '' : ' compact'}" id="${e(anchor)}" data-status="${status}" data-severity="${severity}">`,
    `<div class="check-head"><span class="badge b-${status}">${STATUS_LABEL[status]}</span><span class="sev sev-${severity}">${e(result.severity)}</span><h4 class="check-title">${e(result.title)}</h4><code class="check-id">${e(result.checkId)}</code><span class="area-tag">${e(result.area)}</span></div>`,
    `<p class="check-msg">${e(result.message)}</p>`,
  ];
  if (result.error) parts.push(`<div class="callout error"><h5>Check error</h5><p>In <code>${e(result.error.origin)}</code>: ${e(result.error.message)}</p></div>`);
  if (result.waiver) parts.push(waiverBox(result));
  const steps = manualSteps(result);
  if (findings.length) parts.push(findingsTable(findings, steps, anchor));
  if ((detailed && result.remediation) || steps.length) parts.push(fixBox(result, steps, anchor));
  if (result.references?.length) parts.push(referenceList(result.references));
  parts.push('</article>');
  return parts.join('\n');
}

function waiverBox(result: CheckResult): string {
  const waiver = result.waiver;
  if (!waiver) return '';
  const source = waiver.source ? ` <span class="muted">(from ${e(waiver.source)})</span>` : '';
  if (waiver.expired) {
    return `<div class="callout waiver expired"><h5>Waiver expired</h5><p>Expired on <strong>${e(waiver.expires)}</strong>; it no longer waives anything.</p><p>Reason given: ${e(waiver.reason)}${source}</p></div>`;
  }
  return `<div class="callout waiver"><h5>Waiver</h5><p>Waived until <strong>${e(waiver.expires)}</strong>.</p><p>Reason: ${e(waiver.reason)}${source}</p></div>`;
}

function findingsTable(findings: readonly ResultFinding[], steps: readonly RemediationAction[], anchor: string): string {
  const rows = findings.map((finding, index) => {
    const location = finding.location?.path
      ? `<code>${e(finding.location.path)}${finite(finding.location.line) !== undefined ? `:${e(finding.location.line)}` : ''}</code>`
      : '<span class="muted">—</span>';
    const fixes = (finding.actions ?? []).map((action) => {
      if (action.kind === 'manual') {
        const step = steps.findIndex((candidate) => actionKey(candidate) === actionKey(action));
        return `<div><a href="#${e(`${anchor}-step-${step + 1}`)}">Step ${step + 1}</a> below</div>`;
      }
      return `<div>${describeAction(action)}</div>`;
    });
    return `<tr${finding.waived ? ' class="waived"' : ''}><td class="n">${index + 1}</td><td>${e(finding.message)}${finding.waived ? '<span class="pill">waived</span>' : ''}</td><td>${location}</td><td>${finding.subject ? e(finding.subject) : '<span class="muted">—</span>'}</td><td class="fixes">${fixes.join('') || '<span class="muted">—</span>'}</td></tr>`;
  });
  return `<table class="findings">
<caption class="sr-only">Findings</caption>
<colgroup><col class="n"><col class="c-msg"><col class="c-loc"><col class="c-sub"><col></colgroup>
<thead><tr><th class="n" scope="col">#</th><th scope="col">Finding</th><th scope="col">Location</th><th scope="col">Subject</th><th scope="col">Fix</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** The manual steps of a result, once each: from its remediation, or from its findings when it has none. */
function manualSteps(result: CheckResult): RemediationAction[] {
  const all = [...(result.remediation?.actions ?? []), ...(result.findings ?? []).flatMap((finding) => finding.actions ?? [])];
  return unique(all.filter((action) => action.kind === 'manual'));
}

function fixBox(result: CheckResult, steps: readonly RemediationAction[], anchor: string): string {
  const carried = new Set((result.findings ?? []).flatMap((finding) => finding.actions ?? []).map(actionKey));
  // Changes no finding carries (a report written by another tool, or a result-wide action).
  const loose = unique((result.remediation?.actions ?? []).filter((action) => action.kind !== 'manual' && !carried.has(actionKey(action))));
  const changes = (result.remediation?.actions ?? []).filter((action) => action.kind !== 'manual').length;
  const items = [
    ...steps.map((action, index) => `<li id="${e(`${anchor}-step-${index + 1}`)}">${describeAction(action)}</li>`),
    ...loose.map((action) => `<li>${describeAction(action)}</li>`),
  ];
  const note =
    changes > loose.length
      ? `<p class="muted">${changes - loose.length} file or account change${changes - loose.length === 1 ? '' : 's'} listed with the findings above; <code>cowork-audit remediate</code> writes them as a script.</p>`
      : '';
  return `<div class="callout fix"><h5>How to fix</h5>${result.remediation?.summary ? `<p>${e(result.remediation.summary)}</p>` : ''}${items.length ? `<ol>${items.join('')}</ol>` : ''}${note}</div>`;
}

/** One remediation action as a sentence, values in code spans. */
function describeAction(action: RemediationAction): string {
  switch (action.kind) {
    case 'chmod':
      return `Change the mode of <code>${e(action.path)}</code> to <code>${e(action.mode)}</code>`;
    case 'chown':
      return `Change the owner of <code>${e(action.path)}</code> to <code>${e(action.user)}</code>${action.group ? `, group <code>${e(action.group)}</code>` : ''}`;
    case 'remove-acl-entry': {
      const entry = action.entry;
      switch (entry?.platform) {
        case 'posix':
          return `Remove the ${entry.isDefault ? 'default ' : ''}ACL entry <code>${e(`${entry.isDefault ? 'default:' : ''}${entry.tag}:${entry.qualifier}`)}</code> from <code>${e(action.path)}</code>`;
        case 'darwin':
          return `Remove the ACL entry <code>${e(entry.entry)}</code> from <code>${e(action.path)}</code>`;
        case 'windows':
          return `Remove the access entry for <code>${e(entry.principal)}</code> (<code>${e(entry.sid)}</code>) from <code>${e(action.path)}</code>${entry.inherited ? ' (inherited: disable inheritance on it first)' : ''}`;
        default:
          return `Remove an ACL entry from <code>${e(action.path)}</code>`;
      }
    }
    case 'remove-group-member':
      return `Remove user <code>${e(action.user)}</code> from group <code>${e(action.group)}</code>`;
    case 'set-json-key':
      return `In <code>${e(action.path)}</code> set <code>${e(JSON.stringify(action.keyPath))}</code> to <code>${e(JSON.stringify(action.value))}</code>`;
    case 'set-env-line':
      return `In <code>${e(action.path)}</code> set <code>${e(`${action.name}="${action.value}"`)}</code>`;
    case 'write-file':
      return `Write <code>${e(action.path)}</code> (mode <code>${e(action.mode)}</code>) with <code>${e(action.content)}</code>`;
    case 'registry-set':
      return `Set the registry value <code>${e(`${action.key}\\${action.name}`)}</code> (${e(action.type)}) to <code>${e(String(action.value))}</code>`;
    case 'firewall-egress': {
      const engine = action.platform === 'linux' ? 'nftables' : action.platform === 'darwin' ? 'pf anchor' : 'Windows Firewall';
      const allow = action.allow.length ? action.allow.map((item) => `<code>${e(item)}</code>`).join(', ') : 'nothing beyond DNS';
      return `Load a default-deny egress policy (${engine})${action.path ? ` in <code>${e(action.path)}</code>` : ''}, allowing ${allow}${action.resolvers.length ? `, DNS only to ${action.resolvers.map((item) => `<code>${e(item)}</code>`).join(', ')}` : ''}`;
    }
    case 'manual':
      return `${e(action.text)}${action.reference ? ` ${link({ title: 'More', url: action.reference })}` : ''}`;
    default:
      // A report from a newer version may carry kinds this one does not know.
      return `Action <code>${e((action as { kind?: unknown }).kind)}</code> (see the JSON report)`;
  }
}

function referenceList(references: readonly Reference[]): string {
  return `<div class="refs"><h5>References</h5><ul>${references.map((reference) => `<li>${link(reference)}</li>`).join('')}</ul></div>`;
}

/** A link only for a valid http(s) URL; anything else (javascript:, data:, relative) stays text. */
function link(reference: Reference): string {
  const url = safeHttpUrl(reference.url);
  if (url) {
    return `<a href="${e(url)}" rel="noopener noreferrer" target="_blank">${e(reference.title || url)}</a> <span class="host">${e(new URL(url).host)}</span>`;
  }
  if (reference.url) return `<span class="not-link">${e(reference.title)}</span> <span class="muted">(not a web link: <code>${e(reference.url)}</code>)</span>`;
  return `<span class="not-link">${e(reference.title)}</span>`;
}

// ---------------------------------------------------------------------------------------------------

function footer(report: AuditReport): string {
  return `<footer class="foot wrap">
<p>Generated by ${e(report.tool?.name ?? 'cowork-audit')} ${e(report.tool?.version ?? '')} (report schema ${e(report.schemaVersion)}). This file is self-contained and loads nothing from the network; secret values are never included, only where they are and what kind they are.</p>
<p>Filters can be preset in the address: <code>#status=fail,error&amp;severity=critical,high&amp;q=aws</code>.</p>
</footer>`;
}

// ---------------------------------------------------------------------------------------------------
// Helpers

function statusOf(result: CheckResult): Status {
  // A status this version does not know is shown as an error: the page fails closed, like the gate.
  return (STATUS_ORDER as readonly string[]).includes(result.status) ? result.status : 'error';
}

function isFailing(status: Status): boolean {
  return status === 'fail' || status === 'error';
}

function severityClass(severity: unknown): Severity {
  return (SEVERITIES as readonly unknown[]).includes(severity) ? (severity as Severity) : 'info';
}

/** Failing and errored first, then waived, passed, skipped; by severity, then id. */
function byImportance(a: CheckResult, b: CheckResult): number {
  const group = (result: CheckResult) => GROUPS.findIndex((candidate) => candidate.statuses.includes(statusOf(result)));
  return (
    group(a) - group(b) ||
    severityRank(severityClass(b.severity)) - severityRank(severityClass(a.severity)) ||
    STATUS_ORDER.indexOf(statusOf(a)) - STATUS_ORDER.indexOf(statusOf(b)) ||
    String(a.checkId).localeCompare(String(b.checkId))
  );
}

function statusCounts(results: readonly CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { fail: 0, error: 0, waived: 0, pass: 0, skipped: 0 };
  for (const result of results) counts[statusOf(result)] += 1;
  return counts;
}

/** Element ids for the checks, safe and unique whatever the check ids hold. */
function anchorIds(results: readonly CheckResult[]): Map<CheckResult, string> {
  const ids = new Map<CheckResult, string>();
  const used = new Set<string>();
  for (const result of results) {
    const base = `check-${String(result.checkId).toLowerCase().replace(/[^a-z0-9.-]+/g, '-').slice(0, 80)}`;
    let id = base;
    for (let n = 2; used.has(id); n += 1) id = `${base}-${n}`;
    used.add(id);
    ids.set(result, id);
  }
  return ids;
}

function unique(actions: readonly RemediationAction[]): RemediationAction[] {
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = actionKey(action);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function clampScore(value: unknown): number {
  const score = finite(value);
  return score === undefined ? 0 : Math.min(100, Math.max(0, Math.round(score)));
}
