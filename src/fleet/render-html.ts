// The fleet summary as one self-contained HTML page, in the style of the single-host report (its
// stylesheet, escaping and CSP approach): no script at all, nothing loaded, every value from a report
// escaped. At a glance: the median score, a score histogram (inline SVG), a pass-rate bar per check, and
// what needs attention (stale hosts, mixed baselines and versions, invalid files). Then every host,
// lowest score first. Written in pieces, a host row at a time.
import { SEVERITIES, type Severity } from '../engine/severity.js';
import { escapeHtml as e } from '../report/html/escape.js';
import { htmlHead } from '../report/html/head.js';
import { REPORT_CSS } from '../report/html/styles.js';
import { formatAge } from './duration.js';
import type { BoundedList, FleetCheck, FleetHost, FleetSummary, FleetSummaryHead } from './fleet-model.js';

/** Nothing may load and nothing may run; only the inline stylesheet (and style attributes for bar widths) apply. */
export const FLEET_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const FLEET_CSS = `
.fleet-overview { grid-template-columns: 250px minmax(0, 1.3fr) minmax(0, 1fr); }
.score-range { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
svg.histogram { display: block; width: 100%; height: auto; margin-top: 10px; }
svg.histogram text { font: 10px var(--sans); fill: var(--muted); }
svg.histogram text.n { fill: var(--ink-2); font-weight: 600; }
svg.histogram .axis { stroke: var(--line-2); stroke-width: 1; }
.h-good { fill: var(--good); } .h-fair { fill: var(--fair); } .h-weak { fill: var(--weak); } .h-poor { fill: var(--poor); }
.attention { list-style: none; margin: 12px 0 0; padding: 0; }
.attention li { display: flex; gap: 10px; align-items: baseline; padding: 7px 0; border-bottom: 1px solid var(--line); }
.attention li:last-child { border-bottom: 0; }
.attention b { min-width: 48px; text-align: right; font-size: 18px; font-variant-numeric: tabular-nums; }
.attention .warn b { color: var(--waived); } .attention .ok b { color: var(--pass); }
.rates { display: grid; grid-template-columns: minmax(180px, 1.2fr) minmax(160px, 1fr) 56px minmax(200px, 1.1fr); gap: 12px 16px; align-items: center; }
.rates .head { font-size: 11px; text-transform: uppercase; letter-spacing: 0.07em; color: var(--muted); font-weight: 600; }
.rate-check code { font-weight: 600; overflow-wrap: anywhere; }
.rate-check .title { display: block; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.rate { font-size: 18px; font-weight: 700; text-align: right; font-variant-numeric: tabular-nums; }
.rate-none { color: var(--muted); }
.rate-counts { font-size: 12px; color: var(--ink-2); font-variant-numeric: tabular-nums; }
.rate-counts details { margin-top: 2px; }
.rate-counts summary { cursor: pointer; color: var(--fail); }
.rate-counts ul { margin: 4px 0 0; padding-left: 18px; columns: 2; overflow-wrap: anywhere; }
.bar .rest { flex-grow: 1; }
table.hosts { width: 100%; border-collapse: collapse; font-size: 13px; }
table.hosts th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); font-weight: 650; padding: 6px 8px; border-bottom: 1px solid var(--line-2); position: sticky; top: 0; background: var(--card); }
table.hosts td { padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
table.hosts td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.hosts .zero { color: var(--line-2); }
table.hosts ul { margin: 0; padding-left: 16px; }
table.hosts .host-os { display: block; font-size: 12px; color: var(--muted); }
table.hosts td.host { min-width: 150px; } table.hosts td.worst { min-width: 340px; } table.hosts td.base { min-width: 130px; }
table.hosts .check-ref { font-size: 11px; color: var(--muted); }
.score-pill { display: inline-block; min-width: 38px; text-align: center; padding: 1px 6px; border-radius: 999px; color: #fff; font-weight: 700; background: var(--band); font-variant-numeric: tabular-nums; }
.sev-text-critical { color: var(--critical); font-weight: 700; } .sev-text-high { color: var(--high); font-weight: 700; }
.sev-text-medium { color: var(--medium); font-weight: 650; } .sev-text-low { color: var(--low); }
.stale-age { color: var(--waived); font-weight: 650; }
table.plain { border-collapse: collapse; font-size: 13px; }
table.plain th, table.plain td { text-align: left; padding: 5px 12px 5px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
table.plain th { font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
@media (max-width: 900px) {
  .fleet-overview { grid-template-columns: 1fr; }
  .rates { grid-template-columns: 1fr; gap: 4px; }
}
`;

export function* renderFleetHtml(summary: FleetSummary): Generator<string> {
  const h = summary.head;
  const title = ['cowork-audit fleet summary', `${h.inputs.hosts} host${h.inputs.hosts === 1 ? '' : 's'}`, h.scores.median === null ? '' : `median score ${h.scores.median}`].filter(Boolean);
  yield `${htmlHead({ csp: FLEET_HTML_CSP, generator: `${h.tool.name} ${h.tool.version}`, title: title.join(' · '), css: `${REPORT_CSS}${FLEET_CSS}` })}
<body>
${masthead(h)}
<main class="wrap">
${overview(h)}
${checksPanel(h.checks)}
`;
  yield* hostsPanel(summary);
  yield `${stalePanel(h)}
${versionsPanel(h)}
${invalidPanel(h)}
</main>
<footer class="foot wrap">
<p>Generated by ${e(h.tool.name)} ${e(h.tool.version)} (fleet summary schema ${e(h.schemaVersion)}). This file is self-contained: it loads nothing and runs no script. Reports carry no secret values, and neither does this page.</p>
</footer>
</body>
</html>
`;
}

function masthead(h: FleetSummaryHead): string {
  const facts: [string, string][] = [
    ['Hosts', `${h.inputs.hosts}`],
    ['Reports read', `${h.inputs.reports} <span class="dim">in ${h.inputs.files} file${h.inputs.files === 1 ? '' : 's'}</span>`],
    ['Superseded', `${h.inputs.superseded} <span class="dim">older reports of the same hosts</span>`],
    ['Invalid files', `${h.invalid.total}`],
    ['As of', `<time datetime="${e(h.generatedAt)}">${e(utc(h.generatedAt))}</time>`],
    ['Stale after', e(h.maxAge.text)],
  ];
  return `<header class="masthead">
<div class="wrap">
<div class="brand"><strong>${e(h.tool.name)}</strong> <span>${e(h.tool.version)}</span> <span>· fleet roll-up</span></div>
<h1>Fleet summary: ${h.inputs.hosts} host${h.inputs.hosts === 1 ? '' : 's'}</h1>
<p class="subtitle">How safely the fleet's machines are set up for desktop AI agents: the latest report of every host, checks worst first.</p>
<dl class="facts">
${facts.map(([label, html]) => `<div><dt>${e(label)}</dt><dd>${html}</dd></div>`).join('\n')}
</dl>
</div>
</header>`;
}

function overview(h: FleetSummaryHead): string {
  const s = h.scores;
  const median = s.median === null ? 0 : Math.round(s.median);
  const band = scoreBand(median);
  const attention: [boolean, number, string][] = [
    [h.stale.total > 0, h.stale.total, `stale host${h.stale.total === 1 ? '' : 's'} (no report in ${e(h.maxAge.text)})`],
    [h.baselines.mixed, h.baselines.entries.length, `baseline${h.baselines.entries.length === 1 ? '' : 's'} in use${h.baselines.mixed ? ' (mixed)' : ''}`],
    [h.toolVersions.mixed, h.toolVersions.entries.length, `tool version${h.toolVersions.entries.length === 1 ? '' : 's'} in use${h.toolVersions.mixed ? ' (mixed)' : ''}`],
    [h.invalid.total > 0, h.invalid.total, `invalid file${h.invalid.total === 1 ? '' : 's'} (counted, not read)`],
  ];
  return `<div class="overview fleet-overview">
<section class="panel score" aria-labelledby="score-label">
<div class="label" id="score-label">Median score</div>
${
  s.median === null
    ? '<p class="muted">No report could be read.</p>'
    : `<div class="ring band-${band.id}" style="--score: ${median}"><div class="ring-inner"><span class="score-value">${e(s.median)}</span><span class="score-of">out of 100</span></div></div>
<span class="band band-${band.id}">${e(band.label)}</span>
<div class="score-range">min ${e(s.min)} · mean ${e(s.mean)} · max ${e(s.max)}</div>`
}
</section>
<section class="panel" aria-labelledby="histogram-label">
<div class="label" id="histogram-label">Hosts by score</div>
${histogram(h)}
</section>
<section class="panel" aria-labelledby="attention-label">
<div class="label" id="attention-label">Needs attention</div>
<ul class="attention">
${attention.map(([warn, count, text]) => `<li class="${warn ? 'warn' : 'ok'}"><b>${count}</b><span>${text}</span></li>`).join('\n')}
</ul>
</section>
</div>`;
}

/** Ten bars, one per score bucket, coloured by the score bands of the host report. */
function histogram(h: FleetSummaryHead): string {
  const buckets = h.scores.histogram;
  const most = Math.max(...buckets.map((bucket) => bucket.hosts), 1);
  const width = 36;
  const gap = 6;
  const top = 16;
  const height = 110;
  const bars = buckets.map((bucket, index) => {
    const x = index * (width + gap);
    const barHeight = bucket.hosts ? Math.max(2, Math.round((bucket.hosts / most) * height)) : 0;
    const y = top + height - barHeight;
    return `<g><title>${e(`${bucket.from}–${bucket.to}: ${bucket.hosts} host${bucket.hosts === 1 ? '' : 's'}`)}</title><rect class="h-${scoreBand(bucket.from).id}" x="${x}" y="${y}" width="${width}" height="${barHeight}" rx="2"></rect><text class="n" x="${x + width / 2}" y="${y - 4}" text-anchor="middle">${bucket.hosts}</text><text x="${x + width / 2}" y="${top + height + 14}" text-anchor="middle">${bucket.from}–${bucket.to === 100 ? 100 : bucket.to}</text></g>`;
  });
  const total = buckets.length * (width + gap) - gap;
  const label = buckets.map((bucket) => `${bucket.from}–${bucket.to}: ${bucket.hosts}`).join(', ');
  return `<svg class="histogram" viewBox="0 0 ${total} ${top + height + 20}" role="img" aria-label="${e(`Hosts by score: ${label}`)}"><line class="axis" x1="0" y1="${top + height + 0.5}" x2="${total}" y2="${top + height + 0.5}"></line>${bars.join('')}</svg>`;
}

function checksPanel(checks: readonly FleetCheck[]): string {
  const rows = checks.map((check) => {
    const rate = check.passRate;
    const segments = (['pass', 'fail', 'error'] as const)
      .filter((status) => check.counts[status] > 0)
      .map((status) => `<span class="seg c-${status}" style="flex-grow: ${check.counts[status]}" title="${e(`${check.counts[status]} ${status}`)}"></span>`)
      .join('');
    const counts = `${check.counts.pass} pass · ${check.counts.fail} fail · ${check.counts.error} error · ${check.counts.waived} waived · ${check.counts.skipped} skipped`;
    return `<div class="rate-check"><code>${e(check.checkId)}</code> <span class="sev sev-${severityClass(check.worstSeverity)}">${e(check.worstSeverity)}</span><span class="title">${e(check.title)} · ${e(check.area)}</span></div>
<div class="bar" role="img" aria-label="${e(rate === null ? 'no host ran this check' : `${percent(rate)} of ${check.ran} hosts pass`)}">${segments || '<span class="rest"></span>'}</div>
<div class="rate${rate === null ? ' rate-none' : ''}">${rate === null ? '–' : e(percent(rate))}</div>
<div class="rate-counts">${e(counts)}${hostList('failing', check.failingHosts)}${hostList('errored', check.erroredHosts)}</div>`;
  });
  return `<section class="panel" aria-labelledby="checks-title">
<h2 id="checks-title">Checks <span class="count">(${checks.length}, worst pass rate first)</span></h2>
<div class="legend" aria-hidden="true"><span class="c-pass">pass</span><span class="c-fail">fail</span><span class="c-error">error</span></div>
<p class="muted">Pass rate: passing hosts over hosts that ran the check (pass, fail, error); waived and skipped do not count, as in the score.</p>
<div class="rates">
<div class="head">Check</div><div class="head">Hosts that ran it</div><div class="head">Pass</div><div class="head">Counts</div>
${rows.join('\n') || '<p class="muted">No checks.</p>'}
</div>
</section>`;
}

function hostList(word: string, list: BoundedList<string>): string {
  if (!list.total) return '';
  const more = list.total - list.items.length;
  return `<details><summary>${list.total} ${word} host${list.total === 1 ? '' : 's'}</summary><ul>${list.items.map((id) => `<li>${e(id)}</li>`).join('')}${more > 0 ? `<li class="muted">… and ${more} more</li>` : ''}</ul></details>`;
}

function* hostsPanel(summary: FleetSummary): Generator<string> {
  yield `<section class="panel" aria-labelledby="hosts-title">
<h2 id="hosts-title">Hosts <span class="count">(${summary.hostCount}, lowest score first)</span></h2>
<table class="hosts">
<thead><tr><th scope="col">Host</th><th scope="col">Target</th><th scope="col" class="num">Score</th>${(['critical', 'high', 'medium', 'low'] as const).map((severity) => `<th scope="col" class="num" title="failed ${severity} checks">${severity === 'medium' ? 'med' : severity === 'critical' ? 'crit' : severity}</th>`).join('')}<th scope="col" class="num">Errors</th><th scope="col">Worst findings</th><th scope="col">Report age</th><th scope="col">Baseline · version</th></tr></thead>
<tbody>
`;
  let chunk = '';
  for (const host of summary.hosts()) {
    chunk += hostRow(host);
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}</tbody>
</table>
${summary.hostCount ? '' : '<p class="muted">No report could be read.</p>'}
</section>
`;
}

function hostRow(host: FleetHost): string {
  const band = scoreBand(host.score);
  const count = (value: number, severity?: Severity) => (value ? `<span class="${severity ? `sev-text-${severity}` : ''}">${value}</span>` : '<span class="zero">0</span>');
  const findings = host.worstFindings.length
    ? `<ul>${host.worstFindings.map((finding) => `<li><span class="sev sev-${severityClass(finding.severity)}">${e(finding.severity)}</span>${finding.status === 'error' ? ' <strong>error</strong>' : ''} ${e(finding.message)} <code class="check-ref">${e(finding.checkId)}</code></li>`).join('')}</ul>`
    : '<span class="muted">—</span>';
  const target = [host.platform, host.targetKind].map((part) => e(part)).join(' · ');
  return `<tr><td class="host"><strong>${e(host.id)}</strong>${host.os ? `<span class="host-os">${e(host.os)}</span>` : ''}${host.targetPath && !host.id.includes(host.targetPath) ? `<span class="host-os"><code>${e(host.targetPath)}</code></span>` : ''}</td><td>${target}</td><td class="num"><span class="score-pill band-${band.id}">${host.score}</span></td>${(['critical', 'high', 'medium', 'low'] as const).map((severity) => `<td class="num">${count(host.fails[severity], severity)}</td>`).join('')}<td class="num">${count(host.errors)}</td><td class="worst">${findings}</td><td${host.stale ? ' class="stale-age" title="stale"' : ''}><time datetime="${e(host.startedAt)}">${e(formatAge(host.ageSeconds))}</time>${host.stale ? ' (stale)' : ''}</td><td class="base">${e(host.baseline.id)} <span class="muted">${e(host.baseline.sha256.slice(0, 8))}</span> · ${e(host.toolVersion)}</td></tr>
`;
}

function stalePanel(h: FleetSummaryHead): string {
  if (!h.stale.total) return '';
  const more = h.stale.total - h.stale.items.length;
  return `<section class="panel" aria-labelledby="stale-title">
<h2 id="stale-title">Stale hosts <span class="count">(${h.stale.total}: latest report older than ${e(h.maxAge.text)}, oldest first)</span></h2>
<table class="plain"><thead><tr><th scope="col">Host</th><th scope="col">Latest report</th><th scope="col">Age</th></tr></thead><tbody>
${h.stale.items.map((host) => `<tr><td>${e(host.id)}</td><td><time datetime="${e(host.startedAt)}">${e(utc(host.startedAt))}</time></td><td>${e(formatAge(host.ageSeconds))}</td></tr>`).join('\n')}
</tbody></table>
${more > 0 ? `<p class="muted">… and ${more} more (every host's age is in the table above).</p>` : ''}
</section>`;
}

function versionsPanel(h: FleetSummaryHead): string {
  if (!h.baselines.entries.length && !h.toolVersions.entries.length) return '';
  return `<section class="panel" aria-labelledby="versions-title">
<h2 id="versions-title">Baselines and tool versions${h.baselines.mixed || h.toolVersions.mixed ? ' <span class="count">(mixed)</span>' : ''}</h2>
<table class="plain"><thead><tr><th scope="col">Baseline</th><th scope="col">sha256</th><th scope="col">Hosts</th></tr></thead><tbody>
${h.baselines.entries.map((entry) => `<tr><td>${e(entry.id)}</td><td><code>${e(entry.sha256)}</code></td><td>${entry.hosts}</td></tr>`).join('\n')}
</tbody></table>
<table class="plain"><thead><tr><th scope="col">Tool version</th><th scope="col">Hosts</th></tr></thead><tbody>
${h.toolVersions.entries.map((entry) => `<tr><td>${e(entry.version)}</td><td>${entry.hosts}</td></tr>`).join('\n')}
</tbody></table>
</section>`;
}

function invalidPanel(h: FleetSummaryHead): string {
  if (!h.invalid.total) return '';
  const more = h.invalid.total - h.invalid.items.length;
  return `<section class="panel" aria-labelledby="invalid-title">
<h2 id="invalid-title">Invalid files <span class="count">(${h.invalid.total}, counted and not read)</span></h2>
<table class="plain"><thead><tr><th scope="col">File</th><th scope="col">Line</th><th scope="col">Reason</th></tr></thead><tbody>
${h.invalid.items.map((file) => `<tr><td><code>${e(file.path)}</code></td><td>${file.line ?? ''}</td><td>${e(file.reason)}${file.badLines > 1 ? ` <span class="muted">(${file.badLines} bad lines)</span>` : ''}</td></tr>`).join('\n')}
</tbody></table>
${more > 0 ? `<p class="muted">… and ${more} more.</p>` : ''}
</section>`;
}

function scoreBand(score: number): { id: string; label: string } {
  if (score >= 90) return { id: 'good', label: 'Good' };
  if (score >= 70) return { id: 'fair', label: 'Fair' };
  if (score >= 50) return { id: 'weak', label: 'Weak' };
  return { id: 'poor', label: 'Poor' };
}

function severityClass(severity: unknown): Severity {
  return (SEVERITIES as readonly unknown[]).includes(severity) ? (severity as Severity) : 'info';
}

function percent(rate: number): string {
  return `${Math.floor(rate * 100)}%`;
}

function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
