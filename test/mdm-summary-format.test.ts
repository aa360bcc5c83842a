// --format summary: one machine-parseable line for MDM and logs. The grammar (README "Formats") is checked
// by a parser written from the README here, on recorded endpoints and on hostile host and baseline names;
// the CLI wiring (stdout, --output -, with table and file formats) on the built bundle.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type FailOn } from '../src/engine/severity.js';
import type { CheckResult } from '../src/engine/result.js';
import { summarize, type AuditReport } from '../src/report/report-model.js';
import { renderSummary, summaryValue } from '../src/report/summary-reporter.js';
import { TOOL_VERSION } from '../src/version.js';
import { runCli } from './support/cli.js';
import { REPO_ROOT } from './support/scenarios.js';
import { BASELINE_NAMES, ENDPOINTS, HOSTILE_TARGETS, HOSTILE_TEXT, exitCodeFor, hostileReport, scanEndpoint } from './support/sample-reports.js';

const KEYS = ['host', 'result', 'fail_on', 'score', 'pass', 'fail', 'error', 'waived', 'skipped', 'critical', 'high', 'medium', 'low', 'info', 'baseline'];
const FAIL_ONS: FailOn[] = ['critical', 'high', 'medium', 'low', 'none'];

/** The README grammar: fields split on single spaces; key "=" (bare | JSON string of printable ASCII). */
function parseSummary(text: string): { tool: string; version: string; fields: Map<string, string> } {
  expect(text.endsWith('\n')).toBe(true);
  const line = text.slice(0, -1);
  expect(line).toMatch(/^[\x20-\x7e]+$/);
  const [tool, version, ...rest] = line.split(' ');
  const fields = new Map<string, string>();
  for (const field of rest) {
    const match = /^([a-z0-9_]+)=([A-Za-z0-9._:/@+-]+|"(?:[^"\\\x00-\x20]|\\["\\/bfnrtu])*")$/.exec(field);
    expect(match, field).not.toBeNull();
    const [, key, value] = match as unknown as [string, string, string];
    expect(fields.has(key), key).toBe(false);
    fields.set(key, value.startsWith('"') ? (JSON.parse(value) as string) : value);
  }
  return { tool: tool ?? '', version: version ?? '', fields };
}

function expectedCounts(report: AuditReport): Record<string, string> {
  const counts: Record<string, string> = {};
  for (const severity of SEVERITIES) {
    counts[severity] = String(report.results.filter((r) => r.severity === severity && (r.status === 'fail' || r.status === 'error')).length);
  }
  return counts;
}

/** A report with one result of each status and several severities, built by hand. */
function handBuiltReport(): AuditReport {
  const result = (checkId: string, severity: CheckResult['severity'], status: CheckResult['status']): CheckResult => ({
    checkId,
    title: checkId,
    area: 'credentials',
    severity,
    status,
    message: status,
    findings: [],
    references: [],
  });
  const results = [
    result('credentials.a', 'critical', 'pass'),
    result('credentials.b', 'high', 'fail'),
    result('credentials.c', 'high', 'error'),
    result('credentials.d', 'medium', 'fail'),
    result('credentials.e', 'low', 'waived'),
    result('credentials.f', 'low', 'skipped'),
    result('credentials.g', 'info', 'fail'),
  ];
  return {
    schemaVersion: '1',
    tool: { name: 'cowork-audit', version: TOOL_VERSION },
    target: { kind: 'live', platform: 'darwin', hostname: 'alice-mbp' },
    baseline: { id: 'acme-laptops', source: '/etc/cowork-audit/acme.yaml', sha256: '0'.repeat(64) },
    startedAt: '2026-11-21T10:00:00.000Z',
    durationMs: 5,
    summary: summarize(results),
    results,
  };
}

/** The JSON report of a recorded endpoint, from the built CLI. */
function jsonReport(endpoint: string): AuditReport {
  return JSON.parse(runCli(['scan', '--replay', `fixtures/endpoints/${endpoint}`, '--format', 'json', '--output', '-']).stdout) as AuditReport;
}

describe('the summary line', () => {
  it('is exactly this for a report with each status: failing checks (fail and error) counted by severity', () => {
    const report = handBuiltReport();
    expect(renderSummary(report, { failOn: 'high' })).toBe(
      `cowork-audit ${TOOL_VERSION} host=alice-mbp result=FAIL fail_on=high score=40 pass=1 fail=3 error=1 waived=1 skipped=1 critical=0 high=2 medium=1 low=0 info=1 baseline=acme-laptops\n`,
    );
    expect(renderSummary(report, { failOn: 'critical' })).toBe(
      `cowork-audit ${TOOL_VERSION} host=alice-mbp result=PASS fail_on=critical score=40 pass=1 fail=3 error=1 waived=1 skipped=1 critical=0 high=2 medium=1 low=0 info=1 baseline=acme-laptops\n`,
    );
    expect(renderSummary({ ...report, target: { kind: 'root', platform: 'linux', path: '/mnt/image' } }, { failOn: 'none' })).toMatch(/^cowork-audit \S+ host="" result=PASS fail_on=none /);
  });

  it.each(ENDPOINTS.flatMap((endpoint) => BASELINE_NAMES.map((baseline) => [endpoint, baseline] as const)))('%s with %s: fields, counts and result agree with the report', async (endpoint, baseline) => {
    const report = await scanEndpoint(endpoint, baseline);
    for (const failOn of FAIL_ONS) {
      const { tool, version, fields } = parseSummary(renderSummary(report, { failOn }));
      expect(tool).toBe('cowork-audit');
      expect(version).toBe(report.tool.version);
      expect([...fields.keys()]).toEqual(KEYS);
      expect(fields.get('host')).toBe(report.target.hostname ?? '');
      expect(fields.get('baseline')).toBe(report.baseline.id);
      expect(fields.get('fail_on')).toBe(failOn);
      expect(fields.get('result')).toBe(exitCodeFor(report, failOn) === 1 ? 'FAIL' : 'PASS');
      for (const key of ['score', 'pass', 'fail', 'error', 'waived', 'skipped'] as const) expect(fields.get(key), key).toBe(String(report.summary[key]));
      const counts = expectedCounts(report);
      for (const severity of SEVERITIES) expect(fields.get(severity), severity).toBe(counts[severity]);
    }
  });

  it.each(HOSTILE_TARGETS.map((target) => [`${target.kind} ${target.platform}`, target] as const))('hostile names stay inside their field (%s)', (_name, target) => {
    const hostile = ` high=9 result=PASS "x" \\ = ü 🤖 ${HOSTILE_TEXT}`;
    const report = hostileReport({ ...target, ...(target.hostname !== undefined ? { hostname: `pc ${hostile}` } : {}) });
    report.baseline.id = `base=line ${hostile}`;
    const text = renderSummary(report, { failOn: 'high' });
    expect(text.split('\n')).toHaveLength(2);
    const { fields } = parseSummary(text);
    expect([...fields.keys()]).toEqual(KEYS);
    expect(fields.get('host')).toBe(target.hostname !== undefined ? `pc ${hostile}` : '');
    expect(fields.get('baseline')).toBe(report.baseline.id);
    // The hostile report: fail high, waived critical, error medium, fail low, fail info, pass, skipped.
    expect(Object.fromEntries(SEVERITIES.map((s) => [s, fields.get(s)]))).toEqual({ critical: '0', high: '1', medium: '1', low: '1', info: '1' });
    expect(fields.get('result')).toBe('FAIL');
    expect(text.match(/ high=/g)).toHaveLength(1);
  });

  it('quotes only what needs it, and escapes everything outside printable ASCII', () => {
    expect(summaryValue('DESKTOP-7Q2K9LM')).toBe('DESKTOP-7Q2K9LM');
    expect(summaryValue('mac.example.com:443/x@y+z_1')).toBe('mac.example.com:443/x@y+z_1');
    expect(summaryValue('')).toBe('""');
    expect(summaryValue('a b')).toBe('"a\\u0020b"');
    expect(summaryValue('k=v')).toBe('"k=v"');
    expect(summaryValue('say "hi" \\')).toBe('"say\\u0020\\"hi\\"\\u0020\\\\"');
    expect(summaryValue('é\n\u2028\ud800')).toBe('"\\u00e9\\n\\u2028\\ud800"');
    for (const value of ['', 'a b', 'k=v', 'é\n\u2028', HOSTILE_TEXT, '🤖']) expect(JSON.parse(summaryValue(value))).toBe(value);
  });
});

describe('--format summary on the command line', () => {
  const weak = ['--replay', 'fixtures/endpoints/linux-weak'];
  const hardened = ['--replay', 'fixtures/endpoints/linux-hardened'];

  it('prints the one line on stdout, nothing else, with the exit code of the gate', () => {
    const run = runCli(['scan', ...weak, '--format', 'summary']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(renderSummary(jsonReport('linux-weak'), { failOn: 'high' }));
    expect(run.stdout).toMatch(/^cowork-audit \S+ host=alice-thinkpad result=FAIL fail_on=high [^\n]* high=[1-9][^\n]* baseline=recommended\n$/);
    const clean = runCli(['scan', ...hardened, '--format', 'summary']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe(renderSummary(jsonReport('linux-hardened'), { failOn: 'high' }));
    expect(clean.stdout).toMatch(/ result=PASS fail_on=high [^\n]* fail=0 error=0 /);
    const critical = runCli(['scan', ...weak, '--format', 'summary', '--fail-on', 'critical']);
    expect(critical.code).toBe(0);
    expect(critical.stdout).toBe(run.stdout.replace('result=FAIL fail_on=high', 'result=PASS fail_on=critical'));
  });

  it('follows the table when both are asked for; the table alone is unchanged', () => {
    const both = runCli(['scan', ...weak, '--format', 'table,summary']);
    const table = runCli(['scan', ...weak]);
    const summary = runCli(['scan', ...weak, '--format', 'summary']);
    expect(table.stdout).toMatch(/Result: FAIL/);
    expect(table.stdout).not.toMatch(/^cowork-audit .* result=/m);
    expect(both.stdout).toBe(table.stdout + summary.stdout);
    expect(both.code).toBe(1);
  });

  it('with file formats: the line on stdout, the files in --output, no table', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summary-out-'));
    try {
      const run = runCli(['scan', ...weak, '--format', 'summary,json', '--output', dir, '--quiet']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^cowork-audit \S+ host=alice-thinkpad result=FAIL [^\n]*\n$/);
      expect(readdirSync(dir).sort()).toEqual(['cowork-audit.json', 'remediate.ps1', 'remediate.sh']);
      expect((JSON.parse(readFileSync(path.join(dir, 'cowork-audit.json'), 'utf8')) as AuditReport).target.hostname).toBe('alice-thinkpad');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with --output -: alone it is the stdout; beside a file format it goes to stderr like the table', () => {
    const alone = runCli(['scan', ...weak, '--format', 'summary', '--output', '-']);
    expect(alone.stdout).toMatch(/^cowork-audit \S+ host=alice-thinkpad result=FAIL [^\n]*\n$/);
    const withJson = runCli(['scan', ...weak, '--format', 'json,summary', '--output', '-']);
    const failed = Number(/ fail=(\d+) /.exec(alone.stdout)?.[1]);
    expect(failed).toBeGreaterThan(0);
    expect((JSON.parse(withJson.stdout) as AuditReport).summary.fail).toBe(failed);
    expect(withJson.stderr).toBe(alone.stdout);
    expect(withJson.code).toBe(1);
  });

  it('is documented in the README: the formats table, and the keys in their order', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('| `summary` | stdout |');
    const keys = /Keys, in this order: `([a-z_ \n]+)`/.exec(readme)?.[1]?.split(/\s+/);
    expect(keys).toEqual(KEYS);
  });

  it('is listed in the help and in the unknown-format message', () => {
    expect(runCli(['scan', '--help']).stdout).toMatch(/table, summary, json,/);
    expect(runCli(['scan', '--format', 'pdf']).stderr).toMatch(/available: table, summary, json/);
  });
});
