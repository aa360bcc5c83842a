// Synthetic fleets for the `fleet summarize` tests: reports made by scanning the recorded endpoints, then
// varied (host name, start time, baseline, tool version, a status here and there) and written as JSON files
// and multi-host NDJSON files, with older reports of some hosts, a duplicate, and files that are not
// reports. `expectedSummary` is a deliberately naive oracle: every latest report in memory, counted directly.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_CHECKS } from '../../checks/index.js';
import { loadBaseline } from '../../src/baseline/load-baseline.js';
import type { CheckResult, Status } from '../../src/engine/result.js';
import { SEVERITIES, severityRank, type Severity } from '../../src/engine/severity.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { renderNdjson } from '../../src/report/ndjson-reporter.js';
import { summarize, type AuditReport } from '../../src/report/report-model.js';
import { scan } from '../../src/scan/scan.js';
import { TOOL_VERSION } from '../../src/version.js';
import { BASELINE_NAMES, ENDPOINTS, ENDPOINTS_DIR, SCAN_DATE, withAgentClaudeBaseline, type BaselineName } from './sample-reports.js';

export const FLEET_NOW = new Date('2024-11-20T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type Bases = Map<string, AuditReport>;

/**
 * Every recorded endpoint scanned with each baseline: `${endpoint}/${baseline}`. Only the credentials
 * checks run, so that the exact counts of the tests stay true while other areas gain checks.
 */
export async function scanBases(): Promise<Bases> {
  const bases: Bases = new Map();
  for (const endpoint of ENDPOINTS) {
    for (const name of BASELINE_NAMES) {
      const baseline = name === 'recommended' ? loadBaseline('recommended', BUILTIN_CHECKS) : withAgentClaudeBaseline((loaded) => loaded);
      const host = ReplayHost.fromFolder(path.join(ENDPOINTS_DIR, endpoint));
      bases.set(`${endpoint}/${name}`, await scan({ host, baseline, now: SCAN_DATE, selection: { only: ['credentials'] } }));
    }
  }
  return bases;
}

export const OLD_RECOMMENDED_SHA = 'e'.repeat(64);

export function variant(
  base: AuditReport,
  change: { hostname: string; startedAt: Date; toolVersion?: string; baselineSha?: string; edit?: (results: CheckResult[]) => void },
): AuditReport {
  const report = structuredClone(base);
  report.target.hostname = change.hostname;
  report.startedAt = change.startedAt.toISOString();
  if (change.toolVersion) report.tool.version = change.toolVersion;
  if (change.baselineSha) report.baseline.sha256 = change.baselineSha;
  if (change.edit) {
    change.edit(report.results);
    report.summary = summarize(report.results);
  }
  return report;
}

export interface PlannedFleet {
  /** The report each host's summary must come from. */
  latest: Map<string, AuditReport>;
  /** How each latest report was written. */
  formats: Map<string, 'json' | 'ndjson'>;
  files: number;
  reports: number;
  superseded: number;
  duplicates: number;
  /** Paths relative to the fleet folder, with the reason they are invalid (a regex) and the line. */
  invalid: { file: string; reason: RegExp; line: number | null; badLines: number }[];
}

export const FLEET_HOSTS = 240;

/**
 * The fleet of the exact-aggregate test. Host i (host-000 .. host-239):
 * - endpoint ENDPOINTS[i % 6]; baseline agent-claude when i % 8 == 0, else recommended;
 * - started (i % 10) days and 1 hour before FLEET_NOW (stale after 7d: i % 10 >= 7);
 * - tool version 0.0.9 when i % 12 == 5, with that version's own `recommended` (same id, another sha256);
 * - check results edited: the first result (file-permissions) errored when i % 16 == 7, waived when
 *   i % 16 == 9; secrets-in-shell-profiles passing when i % 16 == 3 (a weak endpoint: score 40);
 *   long-lived-keys failing when i % 16 == 14 (a hardened one: score 80, 88 under agent-claude);
 * - NDJSON (10 hosts a file) when i % 3 == 0, else a JSON file in one of two layouts;
 * - when i % 5 == 0, an older report (3 days older, the opposite endpoint) that must lose; for i % 20 == 0
 *   it is in a folder walked before the newer one, otherwise after;
 * - host-003 also has its NDJSON report as JSON: a duplicate.
 * Plus: ndjson-partial (an NDJSON file whose 4th line is garbage), and files that are not reports.
 */
export function writeFleet(dir: string, bases: Bases): PlannedFleet {
  const plan: PlannedFleet = { latest: new Map(), formats: new Map(), files: 0, reports: 0, superseded: 0, duplicates: 0, invalid: [] };
  const write = (relative: string, text: string) => {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    plan.files += 1;
  };
  const json = (report: AuditReport) => `${JSON.stringify(report, null, 2)}\n`;
  const ndjsonBatches = new Map<number, string[]>();

  for (let i = 0; i < FLEET_HOSTS; i += 1) {
    const hostname = `host-${String(i).padStart(3, '0')}`;
    const endpoint = ENDPOINTS[i % ENDPOINTS.length] as string;
    const baseline: BaselineName = i % 8 === 0 ? 'agent-claude' : 'recommended';
    const base = bases.get(`${endpoint}/${baseline}`) as AuditReport;
    const startedAt = new Date(FLEET_NOW.getTime() - (i % 10) * DAY - HOUR);
    const edits: Record<number, (results: CheckResult[]) => void> = {
      7: (results) => setStatus(results[0] as CheckResult, 'error'),
      9: (results) => setStatus(results[0] as CheckResult, 'waived'),
      3: (results) => setStatus(byCheck(results, 'credentials.secrets-in-shell-profiles'), 'pass'),
      14: (results) => setStatus(byCheck(results, 'credentials.long-lived-keys'), 'fail'),
    };
    const edit = edits[i % 16];
    const report = variant(base, { hostname, startedAt, ...(i % 12 === 5 ? { toolVersion: '0.0.9', baselineSha: OLD_RECOMMENDED_SHA } : {}), ...(edit ? { edit } : {}) });
    plan.latest.set(hostname, report);
    plan.reports += 1;
    if (i % 3 === 0) {
      plan.formats.set(hostname, 'ndjson');
      const batch = Math.floor(i / 30);
      ndjsonBatches.set(batch, [...(ndjsonBatches.get(batch) ?? []), renderNdjson(report)]);
    } else {
      plan.formats.set(hostname, 'json');
      write(i % 2 ? `reports/${hostname}/cowork-audit.json` : `reports/flat/${hostname}.json`, json(report));
    }
    if (i === 3) {
      write(`reports/${hostname}/cowork-audit.json`, json(report));
      plan.reports += 1;
      plan.duplicates += 1;
    }
    if (i % 5 === 0) {
      const opposite = endpoint.endsWith('-weak') ? endpoint.replace('-weak', '-hardened') : endpoint.replace('-hardened', '-weak');
      const older = variant(bases.get(`${opposite}/recommended`) as AuditReport, { hostname, startedAt: new Date(startedAt.getTime() - 3 * DAY) });
      write(`${i % 20 === 0 ? '0-archive' : 'z-archive'}/${hostname}.json`, json(older));
      plan.reports += 1;
      plan.superseded += 1;
    }
  }
  for (const [batch, texts] of ndjsonBatches) write(`ndjson/batch-${String(batch).padStart(2, '0')}.ndjson`, texts.join(''));

  // An NDJSON file with one bad line among good ones: the host keeps its four results.
  const partial = variant(bases.get('linux-weak/recommended') as AuditReport, { hostname: 'ndjson-partial', startedAt: new Date(FLEET_NOW.getTime() - HOUR) });
  const lines = renderNdjson(partial).trimEnd().split('\n');
  lines.splice(3, 0, '{"schema":"cowork-audit.ndjson/1", this is not json');
  write('broken/partly-bad.ndjson', `${lines.join('\n')}\n`);
  plan.latest.set('ndjson-partial', partial);
  plan.formats.set('ndjson-partial', 'ndjson');
  plan.reports += 1;
  plan.invalid.push({ file: 'broken/partly-bad.ndjson', reason: /^not JSON$/, line: 4, badLines: 1 });

  // Cut short inside a string: JSON.parse names the position, the summary the line.
  const cut = json(bases.get('linux-weak/recommended') as AuditReport).slice(0, 700);
  write('broken/corrupt.json', cut);
  plan.invalid.push({ file: 'broken/corrupt.json', reason: /^invalid JSON \(corrupt or cut short\)$/, line: cut.split('\n').length, badLines: 1 });
  write('broken/empty.json', '');
  plan.invalid.push({ file: 'broken/empty.json', reason: /^empty file$/, line: null, badLines: 1 });
  write('broken/foreign.json', '{ "name": "left-pad", "version": "1.3.0" }\n');
  plan.invalid.push({ file: 'broken/foreign.json', reason: /^not a cowork-audit report \(no schemaVersion\)$/, line: null, badLines: 1 });
  write('broken/next-version.json', '{ "schemaVersion": "2", "results": [] }\n');
  plan.invalid.push({ file: 'broken/next-version.json', reason: /^unsupported schemaVersion "2"/, line: null, badLines: 1 });
  write('broken/last-week-fleet.json', '{ "schemaVersion": "fleet-1" }\n');
  plan.invalid.push({ file: 'broken/last-week-fleet.json', reason: /fleet summary/, line: null, badLines: 1 });
  // Not a report file by its name: never read, never counted.
  writeFileSync(path.join(dir, 'broken/notes.txt'), 'not a report');
  plan.invalid.sort((a, b) => (a.file < b.file ? -1 : 1));
  return plan;
}

function byCheck(results: CheckResult[], checkId: string): CheckResult {
  const result = results.find((candidate) => candidate.checkId === checkId);
  if (!result) throw new Error(`no ${checkId} in the report`);
  return result;
}

function setStatus(result: CheckResult, status: Extract<Status, 'error' | 'waived' | 'pass' | 'fail'>): void {
  if (result.status === status) throw new Error(`${result.checkId} is already ${status}`);
  result.status = status;
  if (status === 'pass') {
    result.message = 'nothing found';
    result.findings = [];
    delete result.remediation;
  } else if (status === 'fail') {
    result.message = '1 long-lived credential(s) found';
    result.findings = [{ message: '/home/alice/.aws/credentials:2 holds a long-lived AWS access key ID (AKIA…WXYZ)', location: { path: '/home/alice/.aws/credentials', line: 2 }, subject: 'alice' }];
  } else if (status === 'error') {
    result.message = `${result.checkId}: EACCES reading evidence`;
    result.findings = [];
    result.error = { origin: 'collector "credential-paths"', message: 'EACCES' };
    delete result.remediation;
    delete result.waiver;
  } else {
    result.message = 'waived until 2099-01-01: SEC-1 accepted';
    result.findings = result.findings.map((finding) => ({ ...finding, waived: true }));
    result.waiver = { reason: 'SEC-1 accepted', expires: '2099-01-01' };
  }
}

/** What the summary must say, computed the obvious way from every latest report held in memory. */
export function expectedSummary(latest: Map<string, AuditReport>, now: Date, maxAgeSeconds: number, listLimit = 50) {
  const ids = [...latest.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  type Row = { checkId: string; title: string; area: string; severities: Severity[]; statuses: Map<string, Status> };
  const checks = new Map<string, Row>();
  for (const id of ids) {
    for (const result of (latest.get(id) as AuditReport).results) {
      const check: Row = checks.get(result.checkId) ?? { checkId: result.checkId, title: result.title, area: result.area, severities: [], statuses: new Map() };
      check.severities.push(result.severity);
      check.statuses.set(id, result.status);
      checks.set(result.checkId, check);
    }
  }
  const checkRows = [...checks.values()].map((check) => {
    const statuses = [...check.statuses.values()];
    const count = (status: Status) => statuses.filter((candidate) => candidate === status).length;
    const ran = count('pass') + count('fail') + count('error');
    const hostsWith = (status: Status) => ids.filter((id) => check.statuses.get(id) === status);
    return {
      checkId: check.checkId,
      title: check.title,
      area: check.area,
      worstSeverity: [...SEVERITIES].find((severity) => check.severities.includes(severity)),
      hosts: statuses.length,
      ran,
      passRate: ran ? Math.round((count('pass') / ran) * 10_000) / 10_000 : null,
      counts: { pass: count('pass'), fail: count('fail'), error: count('error'), waived: count('waived'), skipped: count('skipped') },
      failingHosts: { total: hostsWith('fail').length, items: hostsWith('fail').slice(0, listLimit) },
      erroredHosts: { total: hostsWith('error').length, items: hostsWith('error').slice(0, listLimit) },
    };
  });
  checkRows.sort((a, b) => (a.passRate ?? 2) - (b.passRate ?? 2) || (a.checkId < b.checkId ? -1 : 1));
  const age = (report: AuditReport) => Math.floor((now.getTime() - Date.parse(report.startedAt)) / 1000);
  const stale = ids.filter((id) => age(latest.get(id) as AuditReport) > maxAgeSeconds);
  const countBy = (key: (report: AuditReport) => string) => {
    const counts = new Map<string, number>();
    for (const report of latest.values()) counts.set(key(report), (counts.get(key(report)) ?? 0) + 1);
    return counts;
  };
  return {
    checks: checkRows,
    staleIds: stale,
    baselines: countBy((report) => `${report.baseline.id} ${report.baseline.sha256}`),
    versions: countBy((report) => report.tool.version),
    hosts: new Map(
      ids.map((id) => {
        const report = latest.get(id) as AuditReport;
        const fails = Object.fromEntries(SEVERITIES.map((severity) => [severity, report.results.filter((result) => result.status === 'fail' && result.severity === severity).length]));
        const failing = report.results.filter((result) => result.status === 'fail' || result.status === 'error');
        const worstSeverity = failing.map((result) => result.severity).sort((a, b) => severityRank(b) - severityRank(a))[0];
        return [id, { score: report.summary.score, fails, errors: report.summary.error, ageSeconds: age(report), stale: age(report) > maxAgeSeconds, worstSeverity }];
      }),
    ),
  };
}

/**
 * A large fleet, fast: one report's JSON text per template with a placeholder host name, written `count`
 * times under 100 folders; every tenth host goes into an NDJSON file of 100 hosts instead.
 */
export function writeSyntheticFleet(dir: string, count: number, templates: readonly AuditReport[]): void {
  const marker = 'fleet-host-placeholder';
  const jsonTexts = templates.map((template) => JSON.stringify({ ...template, target: { ...template.target, hostname: marker } }).split(marker));
  const ndjsonTexts = templates.map((template) => renderNdjson({ ...template, target: { ...template.target, hostname: marker } }).split(marker));
  for (let folder = 0; folder < 100; folder += 1) mkdirSync(path.join(dir, `f${String(folder).padStart(2, '0')}`), { recursive: true });
  let ndjson: string[] = [];
  let ndjsonFile = 0;
  for (let i = 0; i < count; i += 1) {
    const hostname = `synthetic-${String(i).padStart(6, '0')}`;
    const pick = i % templates.length;
    if (i % 10 === 9) {
      ndjson.push((ndjsonTexts[pick] as string[]).join(hostname));
      if (ndjson.length === 100) {
        writeFileSync(path.join(dir, `batch-${String(ndjsonFile++).padStart(4, '0')}.ndjson`), ndjson.join(''));
        ndjson = [];
      }
    } else {
      writeFileSync(path.join(dir, `f${String(i % 100).padStart(2, '0')}`, `${hostname}.json`), (jsonTexts[pick] as string[]).join(hostname));
    }
  }
  if (ndjson.length) writeFileSync(path.join(dir, `batch-${String(ndjsonFile).padStart(4, '0')}.ndjson`), ndjson.join(''));
}

export { TOOL_VERSION };
