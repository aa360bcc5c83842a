// NDJSON for SIEMs: one line per result, each a complete JSON object with the documented fields, no raw
// line break inside a line, a newline at the end, and no planted secret.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/report/report-model.js';
import { MAX_NDJSON_LOCATIONS, NDJSON_SCHEMA, OCSF_SEVERITY_ID, renderNdjson, type NdjsonRecord } from '../src/report/ndjson-reporter.js';
import { BASELINE_NAMES, ENDPOINTS, HOSTILE_TARGETS, hostileReport, hugeReport, plantedSecrets, scanEndpoint } from './support/sample-reports.js';

const FIELDS = [
  'time',
  'host',
  'target_kind',
  'platform',
  'os',
  'check_id',
  'title',
  'area',
  'severity',
  'status',
  'message',
  'finding_count',
  'locations',
  'subjects',
  'waiver',
  'baseline',
  'tool',
  'schema',
];

function lines(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  const split = text.slice(0, -1).split('\n');
  // No other line terminator a splitter could take for one.
  for (const line of split) expect(line).not.toMatch(/[\r\u2028\u2029\u0085]/);
  return split;
}

function checkRecords(report: AuditReport, text: string): NdjsonRecord[] {
  const records = lines(text).map((line) => JSON.parse(line) as NdjsonRecord);
  expect(records).toHaveLength(report.results.length);
  records.forEach((record, index) => {
    const result = report.results[index];
    if (!result) throw new Error('no result');
    expect(Object.keys(record)).toEqual(FIELDS);
    expect(record).toMatchObject({
      time: report.startedAt,
      host: report.target.hostname ?? null,
      target_kind: report.target.kind,
      platform: report.target.platform,
      os: report.target.os ?? null,
      check_id: result.checkId,
      title: result.title,
      area: result.area,
      severity: result.severity,
      status: result.status,
      message: result.message,
      finding_count: result.findings.length,
      baseline: { id: report.baseline.id, sha256: report.baseline.sha256 },
      tool: report.tool,
      schema: 'cowork-audit.ndjson/1',
    });
    expect(NDJSON_SCHEMA).toBe('cowork-audit.ndjson/1');
    const located = result.findings.filter((finding) => finding.location);
    expect(record.locations).toEqual(located.slice(0, MAX_NDJSON_LOCATIONS).map((finding) => ({ path: finding.location?.path, line: finding.location?.line ?? null })));
    expect(record.subjects).toEqual([...new Set(result.findings.map((finding) => finding.subject).filter((subject) => subject !== undefined))]);
    expect(record.waiver).toEqual(result.waiver ? { reason: result.waiver.reason, expires: result.waiver.expires, expired: result.waiver.expired === true } : null);
  });
  return records;
}

describe.each(ENDPOINTS)('%s', (name) => {
  describe.each(BASELINE_NAMES)('baseline %s', (baselineName) => {
    let report: AuditReport;
    let text: string;
    beforeAll(async () => {
      report = await scanEndpoint(name, baselineName);
      text = renderNdjson(report);
    });

    it('has one parsable line per result with every field', () => {
      const records = checkRecords(report, text);
      expect(records.map((record) => record.check_id)).toEqual(report.results.map((result) => result.checkId));
      if (name.endsWith('-weak')) expect(records.some((record) => record.status === 'fail' && record.locations.length > 0)).toBe(true);
    });

    // Only weak endpoints put their planted secrets' files into findings (hardened ones keep them in 0600
    // files and short-lived caches that no check reads into a report).
    if (name.endsWith('-weak')) it('carries no planted secret', () => {
      expect(plantedSecrets(name).length).toBeGreaterThan(0);
      for (const secret of plantedSecrets(name)) expect(text.includes(secret), `secret ${secret.slice(0, 6)}…`).toBe(false);
    });
  });
});

describe.each(HOSTILE_TARGETS)('hostile report on a $kind target ($platform)', (target) => {
  const report = hostileReport(target);
  const text = renderNdjson(report);

  it('keeps each record on one line and round-trips the hostile strings', () => {
    const records = checkRecords(report, text);
    expect(records[0]?.message).toBe(report.results[0]?.message);
    expect(records[0]?.locations.some((location) => location.path.includes('\n'))).toBe(true);
    expect(records[0]?.subjects).toEqual(['alice <admin>', 'alice', 'system', 'bob']);
    expect(records[1]?.waiver).toEqual({ reason: 'vendor <b>tool</b> needs it | "really"', expires: '2099-01-01', expired: false });
    expect(records[2]?.status).toBe('error');
  });

  it('escapes U+2028 and U+2029', () => {
    const results = report.results.map((result, index) => (index === 0 ? { ...result, message: 'a\u2028b\u2029c' } : result));
    const again = renderNdjson({ ...report, results });
    expect(again).toContain('a\\u2028b\\u2029c');
    expect((JSON.parse(again.split('\n')[0] ?? '') as NdjsonRecord).message).toBe('a\u2028b\u2029c');
  });
});

describe('limits and mapping', () => {
  it(`lists at most ${MAX_NDJSON_LOCATIONS} locations and counts every finding`, () => {
    const report = hugeReport(2, 45, 10);
    const records = checkRecords(report, renderNdjson(report));
    for (const record of records) {
      expect(record.finding_count).toBe(45);
      expect(record.locations).toHaveLength(MAX_NDJSON_LOCATIONS);
      expect(record.subjects).toHaveLength(1);
    }
  });

  it('writes nothing for a report without results', () => {
    const report = { ...hugeReport(0, 0), results: [] };
    expect(renderNdjson(report)).toBe('');
  });

  it('maps severities to OCSF severity_id as docs/ndjson-ocsf.md says', () => {
    expect(OCSF_SEVERITY_ID).toEqual({ critical: 5, high: 4, medium: 3, low: 2, info: 1 });
    const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/ndjson-ocsf.md'), 'utf8');
    for (const [severity, id] of Object.entries(OCSF_SEVERITY_ID)) expect(doc).toMatch(new RegExp(`\\| \`${severity}\` \\| ${id} `));
    // Every field has its row in the field table, and the table has no other.
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (?:string|integer|array|`|\{)/gm)].map((match) => match[1]);
    expect(rows).toEqual(FIELDS);
  });
});
