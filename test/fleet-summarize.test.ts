// `cowork-audit fleet summarize`: a few hundred synthetic reports (scans of the recorded endpoints, varied)
// in JSON and multi-host NDJSON, with superseded reports, a duplicate and invalid files, summarised by the
// built CLI and compared with a naive in-memory count; the JSON against its schema; the table, the HTML
// (escaped, offline) and the exit codes; and flat memory over 10,000 reports, measured in a child process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/engine/result.js';
import { parseDuration } from '../src/fleet/duration.js';
import type { FleetSummaryJson } from '../src/fleet/fleet-model.js';
import { FLEET_HTML_CSP, renderFleetHtml } from '../src/fleet/render-html.js';
import { printable } from '../src/fleet/render-table.js';
import { summarizeFleet } from '../src/fleet/summarize.js';
import { renderNdjson } from '../src/report/ndjson-reporter.js';
import type { AuditReport } from '../src/report/report-model.js';
import { CHROMIUM_MISSING, dumpDom } from './support/chromium.js';
import { CLI, runCli } from './support/cli.js';
import { fleetSchemaErrors } from './support/fleet-schema.js';
import { FLEET_HOSTS, FLEET_NOW, OLD_RECOMMENDED_SHA, expectedSummary, scanBases, variant, writeFleet, writeSyntheticFleet, type Bases, type PlannedFleet } from './support/fleet-reports.js';

const NOW = FLEET_NOW.toISOString();
const WEEK = 7 * 86_400;

let tmp: string;
let fleetDir: string;
let bases: Bases;
let plan: PlannedFleet;
let summary: FleetSummaryJson;
let stderr: string;

function summarizeJson(args: string[]): { code: number | null; summary: FleetSummaryJson; stderr: string } {
  const run = runCli(['fleet', 'summarize', ...args, '--format', 'json', '--output', '-']);
  expect(run.stderr).not.toMatch(/internal error/);
  return { code: run.code, summary: JSON.parse(run.stdout) as FleetSummaryJson, stderr: run.stderr };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cowork-audit-fleet-'));
  fleetDir = path.join(tmp, 'fleet');
  bases = await scanBases();
  plan = writeFleet(fleetDir, bases);
  const run = summarizeJson([fleetDir, '--now', NOW]);
  expect(run.code).toBe(0);
  summary = run.summary;
  stderr = run.stderr;
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('fleet summarize: aggregates of a synthetic fleet', () => {
  it('is built from valid reports, one per host, with every status the roll-up counts', async () => {
    const { reportSchemaErrors } = await import('./support/report-schema.js');
    for (const report of plan.latest.values()) expect(reportSchemaErrors(report)).toEqual([]);
    const statuses = new Set([...plan.latest.values()].flatMap((report) => report.results.map((result) => result.status)));
    expect([...statuses].sort()).toEqual(['error', 'fail', 'pass', 'skipped', 'waived']);
  });

  it('matches the fleet-summary JSON Schema', () => {
    expect(fleetSchemaErrors(summary)).toEqual([]);
    expect(summary.schemaVersion).toBe('fleet-1');
    expect(summary.generatedAt).toBe(NOW);
    expect(summary.maxAge).toEqual({ text: '7d', seconds: WEEK });
  });

  it('counts files, reports, hosts, superseded and duplicate reports', () => {
    // 160 JSON hosts + 8 NDJSON files + 1 duplicate + 48 older reports + 6 broken files; notes.txt is not a report file.
    expect(summary.inputs).toEqual({ files: 223, reports: 290, hosts: FLEET_HOSTS + 1, superseded: 48, duplicates: 1 });
    expect(summary.inputs).toEqual({ files: plan.files, reports: plan.reports, hosts: plan.latest.size, superseded: plan.superseded, duplicates: plan.duplicates });
  });

  it('gives per check the pass rate over hosts that ran it, the counts, the worst severity and the failing and errored hosts', () => {
    const expected = expectedSummary(plan.latest, FLEET_NOW, WEEK);
    expect(summary.checks).toEqual(expected.checks);
    // Spelled out for one check, so that the oracle cannot be wrong in the same way as the code.
    const permissions = summary.checks.find((check) => check.checkId === 'credentials.file-permissions');
    // Even hosts are hardened endpoints (pass), odd ones weak (fail), and so is ndjson-partial: 121 failing,
    // less the 15 errored (i % 16 == 7) and the 15 waived (i % 16 == 9). 120 / (120 + 91 + 15) = 0.531.
    expect(permissions).toMatchObject({ hosts: 241, worstSeverity: 'high', counts: { pass: 120, fail: 91, error: 15, waived: 15, skipped: 0 }, ran: 226, passRate: 0.531 });
    expect(permissions?.failingHosts.total).toBe(91);
    expect(permissions?.failingHosts.items).toHaveLength(50);
    expect(permissions?.failingHosts.items.slice(0, 4)).toEqual(['host-001', 'host-003', 'host-005', 'host-011']);
    expect(permissions?.erroredHosts.items.slice(0, 3)).toEqual(['host-007', 'host-023', 'host-039']);
    // The agent-user check is skipped under recommended and runs under agent-claude (every 8th host, all of
    // them even: hardened endpoints, where it passes). It is critical under both baselines.
    const agent = summary.checks.find((check) => check.checkId === 'credentials.agent-user-access');
    expect(agent).toMatchObject({ ran: 30, passRate: 1, worstSeverity: 'critical', counts: { pass: 30, fail: 0, error: 0, waived: 0, skipped: 211 } });
    // long-lived-keys: 120 hardened less 15 made to fail (i % 16 == 14) pass: 105 / 241 = 0.4357;
    // secrets-in-shell-profiles: 120 + 15 made to pass (i % 16 == 3): 135 / 241 = 0.5602.
    expect(summary.checks.map((check) => [check.checkId, check.passRate])).toEqual([
      ['credentials.long-lived-keys', 0.4357],
      ['credentials.file-permissions', 0.531],
      ['credentials.secrets-in-shell-profiles', 0.5602],
      ['credentials.agent-user-access', 1],
    ]);
  });

  it('gives per host the latest report: score, fails by severity, errors, age; an older report never wins', () => {
    const expected = expectedSummary(plan.latest, FLEET_NOW, WEEK);
    expect(summary.hosts.map((host) => host.id).sort()).toEqual([...expected.hosts.keys()]);
    for (const host of summary.hosts) {
      const want = expected.hosts.get(host.id);
      expect({ id: host.id, score: host.score, fails: host.fails, errors: host.errors, ageSeconds: host.ageSeconds, stale: host.stale }).toEqual({
        id: host.id,
        score: want?.score,
        fails: want?.fails,
        errors: want?.errors,
        ageSeconds: want?.ageSeconds,
        stale: want?.stale,
      });
      const report = plan.latest.get(host.id) as AuditReport;
      expect(host.startedAt).toBe(report.startedAt);
      expect(host.toolVersion).toBe(report.tool.version);
      expect(host.baseline).toEqual({ id: report.baseline.id, sha256: report.baseline.sha256 });
      expect(host.platform).toBe(report.target.platform);
      // host-003's JSON copy is read after its NDJSON report (ndjson/ sorts before reports/) and merged into it.
      expect(path.extname(host.source.file)).toBe(plan.formats.get(host.id) === 'ndjson' ? '.ndjson' : '.json');
    }
    const olderOf = (id: string) => summary.hosts.find((host) => host.id === id)?.olderReports;
    expect([olderOf('host-000'), olderOf('host-005'), olderOf('host-001')]).toEqual([1, 1, 0]);
    // Lowest score first, then by id.
    const order = summary.hosts.map((host) => [host.score, host.id] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)));
  });

  it('names at most three worst findings per host, the worst check first, short and from the latest report', () => {
    const expected = expectedSummary(plan.latest, FLEET_NOW, WEEK);
    for (const host of summary.hosts) {
      const report = plan.latest.get(host.id) as AuditReport;
      const failing = report.results.filter((result) => result.status === 'fail' || result.status === 'error');
      // JSON has every finding's message; NDJSON one message per check.
      const available =
        plan.formats.get(host.id) === 'ndjson' ? failing.length : failing.reduce((sum, result) => sum + Math.max(1, result.findings.filter((finding) => !finding.waived).length), 0);
      expect(host.worstFindings.length).toBe(Math.min(3, available));
      for (const finding of host.worstFindings) {
        expect(failing.map((result) => result.checkId)).toContain(finding.checkId);
        expect(finding.message.length).toBeLessThanOrEqual(200);
      }
      if (host.worstFindings[0]) expect(host.worstFindings[0].severity).toBe(expected.hosts.get(host.id)?.worstSeverity);
    }
    // A JSON host (host-001, darwin-weak) shows the findings' own messages, one per failing check first.
    const darwinWeak = plan.latest.get('host-001') as AuditReport;
    const byId = (id: string) => darwinWeak.results.find((result) => result.checkId === id) as CheckResult;
    expect(plan.formats.get('host-001')).toBe('json');
    expect(summary.hosts.find((host) => host.id === 'host-001')?.worstFindings).toEqual([
      { checkId: 'credentials.file-permissions', severity: 'high', status: 'fail', message: byId('credentials.file-permissions').findings[0]?.message },
      { checkId: 'credentials.secrets-in-shell-profiles', severity: 'high', status: 'fail', message: byId('credentials.secrets-in-shell-profiles').findings[0]?.message },
      { checkId: 'credentials.long-lived-keys', severity: 'medium', status: 'fail', message: byId('credentials.long-lived-keys').findings[0]?.message },
    ]);
    // An NDJSON host (host-015, linux-weak) has the check's message and its first location.
    const ndjsonHost = plan.latest.get('host-015') as AuditReport;
    const first = ndjsonHost.results.find((result) => result.checkId === 'credentials.file-permissions') as CheckResult;
    expect(summary.hosts.find((host) => host.id === 'host-015')?.worstFindings[0]?.message).toBe(`${first.message}: ${first.findings[0]?.location?.path}`);
  });

  it('lists stale hosts oldest first, measured from --now and --max-age', () => {
    const expected = expectedSummary(plan.latest, FLEET_NOW, WEEK);
    expect(summary.stale.total).toBe(72);
    const age = (id: string) => expected.hosts.get(id)?.ageSeconds ?? 0;
    const oldestFirst = [...expected.staleIds].sort((a, b) => age(b) - age(a) || (a < b ? -1 : 1));
    expect(summary.stale.items).toEqual(
      oldestFirst.slice(0, 50).map((id) => ({ id, startedAt: (plan.latest.get(id) as AuditReport).startedAt, ageSeconds: age(id) })),
    );
    expect(summary.stale.items[0]).toEqual({ id: 'host-009', startedAt: '2024-11-11T11:00:00.000Z', ageSeconds: 9 * 86_400 + 3600 });
    expect(summary.hosts.filter((host) => host.stale).map((host) => host.id).sort()).toEqual(expected.staleIds);

    const shorter = summarizeJson([fleetDir, '--now', NOW, '--max-age', '36h']).summary;
    expect(shorter.maxAge).toEqual({ text: '36h', seconds: 36 * 3600 });
    expect(shorter.stale.total).toBe(192);
    // A week later everything is stale.
    expect(summarizeJson([fleetDir, '--now', '2024-11-27T12:00:01Z']).summary.stale.total).toBe(FLEET_HOSTS + 1);
  });

  it('flags mixed baselines (id and sha256 with host counts: the same id with another sha256 is another baseline) and mixed tool versions', () => {
    const recommended = (bases.get('linux-weak/recommended') as AuditReport).baseline;
    const agentClaude = (bases.get('linux-weak/agent-claude') as AuditReport).baseline;
    expect(summary.baselines).toEqual({
      mixed: true,
      entries: [
        { id: 'recommended', sha256: recommended.sha256, hosts: 191 },
        { id: 'agent-claude', sha256: agentClaude.sha256, hosts: 30 },
        { id: 'recommended', sha256: OLD_RECOMMENDED_SHA, hosts: 20 },
      ],
    });
    const expected = expectedSummary(plan.latest, FLEET_NOW, WEEK);
    expect(new Map(summary.baselines.entries.map((entry) => [`${entry.id} ${entry.sha256}`, entry.hosts]))).toEqual(expected.baselines);
    expect(new Map(summary.toolVersions.entries.map((entry) => [entry.version, entry.hosts]))).toEqual(expected.versions);
    expect(summary.toolVersions).toEqual({
      mixed: true,
      entries: [
        { version: summary.tool.version, hosts: 221 },
        { version: '0.0.9', hosts: 20 },
      ],
    });
  });

  it('counts and names the invalid files, with the reason and, for NDJSON and JSON syntax errors, the line', () => {
    expect(summary.invalid.total).toBe(6);
    expect(summary.invalid.items.map((file) => path.relative(fleetDir, file.path))).toEqual(plan.invalid.map((file) => file.file));
    summary.invalid.items.forEach((file, index) => {
      const want = plan.invalid[index];
      expect(file.reason).toMatch(want?.reason ?? /x^/);
      expect({ line: file.line, badLines: file.badLines }).toEqual({ line: want?.line, badLines: want?.badLines });
    });
    expect(stderr).toMatch(/6 file\(s\) could not be read as reports/);
  });

  it('computes the score histogram and the score statistics', () => {
    const scores = summary.hosts.map((host) => host.score).sort((a, b) => a - b);
    expect(summary.scores.histogram.map((bucket) => bucket.hosts)).toEqual(
      summary.scores.histogram.map((bucket) => scores.filter((score) => score >= bucket.from && score <= bucket.to).length),
    );
    // Weak endpoints score 0, hardened 100; 15 weak ones pass a check (40), 15 hardened ones fail one (80).
    expect(summary.scores.histogram.map((bucket) => bucket.hosts)).toEqual([106, 0, 0, 0, 15, 0, 0, 0, 15, 105]);
    expect(summary.scores).toMatchObject({ min: 0, median: 40, mean: 51, max: 100 });
    expect(summary.scores.median).toBe(scores[120]);
  });
});

describe('fleet summarize: streaming details', () => {
  it('groups interleaved NDJSON records of several hosts by host and time, and reads UTF-8 and UTF-16 files with a byte-order mark', async () => {
    const dir = mkdtempSync(path.join(tmp, 'interleaved-'));
    const a = variant(bases.get('linux-weak/recommended') as AuditReport, { hostname: 'a', startedAt: FLEET_NOW });
    const b = variant(bases.get('linux-hardened/recommended') as AuditReport, { hostname: 'b', startedAt: FLEET_NOW });
    const linesA = renderNdjson(a).trimEnd().split('\n');
    const linesB = renderNdjson(b).trimEnd().split('\n');
    writeFileSync(path.join(dir, 'mixed.ndjson'), `\ufeff${linesA.flatMap((line, index) => [line, linesB[index] ?? '']).join('\r\n')}\r\n`);
    const c = variant(bases.get('win32-weak/recommended') as AuditReport, { hostname: 'c', startedAt: FLEET_NOW });
    writeFileSync(path.join(dir, 'powershell.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(c), 'utf16le')]));
    const result = await summarizeFleet([dir], { now: FLEET_NOW, maxAgeSeconds: WEEK, maxAgeText: '7d' });
    expect(result.head.invalid.total).toBe(0);
    expect(result.head.inputs).toEqual({ files: 2, reports: 3, hosts: 3, superseded: 0, duplicates: 0 });
    const hosts = [...result.hosts()];
    const want = [a, b, c].map((report) => [report.target.hostname ?? '', report.summary.score] as const).sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
    expect(hosts.map((host) => [host.id, host.score])).toEqual(want);
    expect(hosts.find((host) => host.id === 'a')?.fails).toEqual({ critical: 0, high: 2, medium: 1, low: 0, info: 0 });
    expect(hosts.find((host) => host.id === 'a')?.source).toEqual({ file: path.join(dir, 'mixed.ndjson'), line: 1 });
  });

  it('takes the newest report of a host whatever the order the files are read in', async () => {
    const dir = mkdtempSync(path.join(tmp, 'order-'));
    const weak = bases.get('linux-weak/recommended') as AuditReport;
    const hardened = bases.get('linux-hardened/recommended') as AuditReport;
    const newest = variant(hardened, { hostname: 'h', startedAt: FLEET_NOW });
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(variant(weak, { hostname: 'h', startedAt: new Date(FLEET_NOW.getTime() - 1000) })));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(newest));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(variant(weak, { hostname: 'h', startedAt: new Date(FLEET_NOW.getTime() - 2000) })));
    const result = await summarizeFleet([dir], { now: FLEET_NOW, maxAgeSeconds: WEEK, maxAgeText: '7d' });
    const [host] = [...result.hosts()];
    expect(host).toMatchObject({ id: 'h', score: newest.summary.score, olderReports: 2, startedAt: newest.startedAt });
    expect(result.head.inputs.superseded).toBe(2);
    expect(result.head.checks.every((check) => check.counts.fail === 0)).toBe(true);
  });

  it('parses --max-age durations', () => {
    expect([parseDuration('7d'), parseDuration('36h'), parseDuration('90m'), parseDuration('2w'), parseDuration('1.5d')]).toEqual([604_800, 129_600, 5400, 1_209_600, 129_600]);
    expect([parseDuration('7'), parseDuration('0d'), parseDuration('-1d'), parseDuration('7 days'), parseDuration('')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('fleet summarize: formats', () => {
  it('prints a table: checks with pass rates and failing hosts, lowest-scoring hosts, stale, mixed, invalid; no colour off a terminal', () => {
    const run = runCli(['fleet', 'summarize', fleetDir, '--now', NOW]);
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/^cowork-audit fleet summary · 241 hosts · 290 reports in 223 files · as of 2024-11-20 12:00 UTC$/m);
    expect(text).toMatch(/^48 superseded by a newer report of the same host · 1 duplicate merged · 6 invalid files \(listed below\)$/m);
    expect(text).toMatch(/^ {2}████░░░░░░ {2}43% {2}credentials\.long-lived-keys +medium +105 +136 +0 +0 +0$/m);
    expect(text).toMatch(/^ {2}██████░░░░ {2}56% {2}credentials\.secrets-in-shell-profiles +high +135 +106 +0 +0 +0$/m);
    expect(text).toMatch(/^ {2}█████░░░░░ {2}53% {2}credentials\.file-permissions +high +120 +91 +15 +15 +0$/m);
    expect(text).toMatch(/^ {2}██████████ 100% {2}credentials\.agent-user-access +critical +30 +0 +0 +0 +211$/m);
    expect(text).toMatch(/^ +failing: host-001, host-003, host-005, host-011, host-013, host-015, host-017, host-019, host-021, host-027 … and 81 more$/m);
    expect(text).toMatch(/^ +errored: host-007, host-023, host-039, host-055, host-071, host-087, host-103, host-119, host-135, host-151 … and 5 more$/m);
    expect(text).toMatch(/^Hosts lowest score first \(20 of 241; --format json or html lists all\)$/m);
    expect(text).toMatch(/^Stale: 72 hosts last reported more than 7d ago \(oldest first\)$/m);
    expect(text).toMatch(/^ {2}host-009 {2}9d 1h ago \(2024-11-11 11:00 UTC\)$/m);
    expect(text).toMatch(/^Mixed baselines: 3 in use$/m);
    expect(text).toMatch(/^ {2}recommended {2}sha256 eeeeeeeeeeee {2}20 hosts$/m);
    expect(text).toMatch(/^ {2}agent-claude {2}sha256 [0-9a-f]{12} {2}30 hosts$/m);
    expect(text).toMatch(/^Mixed tool versions: \d+\.\d+\.\d+ \(221 hosts\), 0\.0\.9 \(20 hosts\)$/m);
    expect(text).toMatch(/^Invalid files: 6 \(counted, not read\)$/m);
    expect(text).toContain(`${path.join(fleetDir, 'broken/partly-bad.ndjson')}:4: not JSON\n`);
  });

  it('makes host names and messages printable on a terminal', () => {
    expect(printable('evil\u001b]0;title\u0007\u001b[2J\u202eexe.txt\nnext')).toBe('evil[U+001B]]0;title[U+0007][U+001B][2J[U+202E]exe.txt[U+000A]next');
  });

  it('writes --output FILE, and leaves that file out when it lies in an input folder', () => {
    const out = path.join(fleetDir, 'fleet.json');
    try {
      for (let round = 0; round < 2; round += 1) {
        const run = runCli(['fleet', 'summarize', fleetDir, '--now', NOW, '--format', 'json', '--output', out]);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain(`fleet summary written: ${out}`);
        const written = JSON.parse(readFileSync(out, 'utf8')) as FleetSummaryJson;
        expect(written.inputs).toEqual(summary.inputs);
      }
      expect(readdirSync(fleetDir).filter((name) => name.includes('.tmp'))).toEqual([]);
    } finally {
      rmSync(out, { force: true });
    }
  });
});

/** Start tags with their attributes, outside <style> (as in html-report.test.ts). */
function startTags(html: string): { name: string; attributes: { name: string; value: string }[] }[] {
  const markup = html.replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/gi, '$1$2');
  return [...markup.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)].map((match) => ({
    name: (match[1] ?? '').toLowerCase(),
    attributes: [...(match[2] ?? '').matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)].map((attribute) => ({
      name: (attribute[1] ?? '').toLowerCase(),
      value: attribute[2] ?? attribute[3] ?? attribute[4] ?? '',
    })),
  }));
}

describe('fleet summarize: HTML', () => {
  const HOSTILE = `<img src=x onerror=alert(1)>`;
  let html: string;
  let hostileDir: string;

  beforeAll(() => {
    hostileDir = mkdtempSync(path.join(tmp, 'hostile-'));
    const weak = bases.get('linux-weak/recommended') as AuditReport;
    const hostile = variant(weak, {
      hostname: HOSTILE,
      startedAt: FLEET_NOW,
      edit: (results) => {
        const first = results[0] as CheckResult;
        first.title = `Title <script>document.title='PWNED'</script>`;
        first.findings = [{ message: `file "<svg onload=alert(2)>" & 'quoted' ${'x'.repeat(400)}`, location: { path: '/home/a/.aws/credentials' } }];
      },
    });
    writeFileSync(path.join(hostileDir, 'hostile.json'), JSON.stringify(hostile));
    writeFileSync(path.join(hostileDir, `<img src=y onerror=alert(3)>.json`), '{ not json');
    const run = runCli(['fleet', 'summarize', hostileDir, fleetDir, '--now', NOW, '--format', 'html']);
    expect(run.code).toBe(0);
    html = run.stdout;
  });

  it('shows a hostile host name, title, message and file name as text', () => {
    expect(html).toContain('<td class="host"><strong>&lt;img src=x onerror=alert(1)&gt;</strong>');
    expect(html).toContain('&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;');
    expect(html).toContain('file &quot;&lt;svg onload=alert(2)&gt;&quot; &amp; &#39;quoted&#39; xxx');
    expect(html).toContain('&lt;img src=y onerror=alert(3)&gt;.json</code>');
    expect(html).not.toMatch(/<img\b|<svg onload|<script\b/i);
    // The long message is cut to 200 characters.
    expect(html).toMatch(/x{150,}… <code class="check-ref">credentials\.file-permissions<\/code><\/li>/);
    expect(html).not.toContain('x'.repeat(200));
  });

  it('is self-contained with a strict CSP: no script, nothing loaded, no external reference', () => {
    expect(html).toMatch(/^<!DOCTYPE html>\s*<html lang="en">\s*<head>\s*<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
    expect(FLEET_HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;"`);
    const tags = startTags(html);
    expect(tags.filter((tag) => ['script', 'link', 'img', 'iframe', 'object', 'embed', 'base', 'audio', 'video', 'source', 'frame', 'a'].includes(tag.name))).toEqual([]);
    const loading = ['src', 'srcset', 'href', 'action', 'formaction', 'poster', 'background', 'data', 'xlink:href', 'ping', 'manifest'];
    expect(tags.flatMap((tag) => tag.attributes.filter((attribute) => loading.includes(attribute.name) || attribute.name.startsWith('on')))).toEqual([]);
    for (const tag of tags) for (const attribute of tag.attributes) expect(`${tag.name} ${attribute.name}=${attribute.value}`).not.toMatch(/(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(tags.filter((tag) => tag.name === 'meta' && tag.attributes.some((attribute) => attribute.name === 'http-equiv'))).toHaveLength(1);
  });

  it('draws a pass-rate bar per check and a score histogram, readable as numbers too', () => {
    const bars = [...html.matchAll(/<div class="bar" role="img" aria-label="([^"]*)">/g)].map((match) => match[1]);
    expect(bars).toHaveLength(summary.checks.length);
    // file-permissions: 120 passing of 227 that ran it (the synthetic fleet's 226 and the hostile host).
    expect(bars).toContain('52% of 227 hosts pass');
    expect(bars).toContain('100% of 30 hosts pass');
    expect(html).toMatch(/<svg class="histogram" viewBox="[\d ]+" role="img" aria-label="Hosts by score: 0–9: \d+, 10–19: \d+/);
    expect([...html.matchAll(/<rect class="h-(good|fair|weak|poor)"/g)]).toHaveLength(10);
    expect([...html.matchAll(/<tr><td class="host"><strong>/g)]).toHaveLength(242);
  });

  it.skipIf(CHROMIUM_MISSING)('renders in Chromium with the hostile strings as text and nothing injected', async () => {
    const file = path.join(tmp, 'fleet.html');
    writeFileSync(file, html);
    const dom = (await dumpDom(file)).stdout;
    expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(dom).not.toMatch(/<img\b/i);
    expect(dom).not.toContain('<title>PWNED');
    expect(dom).toContain('Fleet summary: 242 hosts');
  }, 120_000);

  it('renders an empty summary', async () => {
    const dir = mkdtempSync(path.join(tmp, 'empty-'));
    const result = await summarizeFleet([dir], { now: FLEET_NOW, maxAgeSeconds: WEEK, maxAgeText: '7d' });
    const page = [...renderFleetHtml(result)].join('');
    expect(page).toContain('<h1>Fleet summary: 0 hosts</h1>');
    expect(page).toContain('<div class="label" id="score-label">Median score</div>\n<p class="muted">No report could be read.</p>');
    expect(page).not.toMatch(/null|NaN|undefined|Infinity/);
    expect(page).toContain('</html>');
  });
});

describe('fleet summarize: exit codes', () => {
  it('exits 0 with invalid files present, and with nothing but invalid files', () => {
    const dir = mkdtempSync(path.join(tmp, 'only-invalid-'));
    writeFileSync(path.join(dir, 'x.json'), '');
    writeFileSync(path.join(dir, 'y.json'), '[1, 2]');
    const run = runCli(['fleet', 'summarize', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No report could be read.');
  });

  it('exits 2 with no inputs, a missing path, a bad --max-age, --now or --format', () => {
    const none = runCli(['fleet', 'summarize']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument/);
    const missing = runCli(['fleet', 'summarize', fleetDir, path.join(tmp, 'no-such-folder')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${path.join(tmp, 'no-such-folder')}: no such file or folder`);
    expect(missing.stdout).toBe('');
    expect(runCli(['fleet', 'summarize', fleetDir, '--max-age', 'a week']).code).toBe(2);
    expect(runCli(['fleet', 'summarize', fleetDir, '--now', 'yesterday']).code).toBe(2);
    expect(runCli(['fleet', 'summarize', fleetDir, '--format', 'sarif']).code).toBe(2);
  });
});

describe('fleet summarize: memory', () => {
  /** Peak live heap (after GC) of the CLI summarising `count` synthetic reports, and its summary. */
  function measure(count: number): { peak: number; samples: number; writes: number; summary: FleetSummaryJson } {
    const dir = path.join(tmp, `synthetic-${count}`);
    mkdirSync(dir);
    const templates = ['linux-weak/recommended', 'win32-weak/agent-claude', 'linux-hardened/recommended', 'darwin-weak/recommended'].map((key) => bases.get(key) as AuditReport);
    writeSyntheticFleet(dir, count, templates);
    const out = path.join(tmp, `synthetic-${count}.json`);
    const heapFile = path.join(tmp, `heap-${count}.json`);
    const sampler = pathToFileURL(path.resolve(import.meta.dirname, 'support/heap-sampler.mjs')).href;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', sampler, CLI, 'fleet', 'summarize', dir, '--now', NOW, '--format', 'json', '--output', out], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', HEAP_SAMPLER_OUT: heapFile },
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(0);
    const heap = JSON.parse(readFileSync(heapFile, 'utf8')) as { peak: number; samples: number; writes: number };
    // The probe saw the summary complete (at the first write of the output), not only the start and the end.
    expect(heap.writes).toBeGreaterThan(0);
    const result = { ...heap, summary: JSON.parse(readFileSync(out, 'utf8')) as FleetSummaryJson };
    rmSync(dir, { recursive: true, force: true });
    return result;
  }

  it('keeps aggregates, not reports: 10,000 reports peak at under twice the live heap of 1,000', () => {
    const small = measure(1000);
    const large = measure(10_000);
    // Nine in ten hosts are JSON files, the tenth ones NDJSON in files of 100 hosts.
    expect(small.summary.inputs).toEqual({ files: 901, reports: 1000, hosts: 1000, superseded: 0, duplicates: 0 });
    expect(large.summary.inputs).toEqual({ files: 9010, reports: 10_000, hosts: 10_000, superseded: 0, duplicates: 0 });
    expect(large.summary.hosts).toHaveLength(10_000);
    expect(large.summary.invalid.total).toBe(0);
    const perReport = (large.peak - small.peak) / 9000;
    console.info(
      `fleet summarize live heap peak: 1,000 reports ${(small.peak / 1e6).toFixed(1)} MB, 10,000 reports ${(large.peak / 1e6).toFixed(1)} MB (${(large.peak / small.peak).toFixed(2)}x, ${Math.round(perReport)} bytes a report)`,
    );
    // Not proportional: ten times the reports, well under twice the heap.
    expect(large.peak).toBeLessThan(2 * small.peak);
    // What each further report costs is its host's row (id, file, scores, three short messages), under 1 KB,
    // where the report itself is 4 to 28 KB of JSON.
    expect(perReport).toBeLessThan(1024);
  }, 300_000);
});
