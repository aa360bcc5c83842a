// Newline-delimited JSON for SIEM ingestion (Splunk, Elastic, Sentinel, Security Lake pipelines): one flat
// object per check result, not per finding, so that a fleet of thousands of machines sends a bounded number
// of events per scan. The field list is a contract (schema "cowork-audit.ndjson/1"); docs/ndjson-ocsf.md maps
// it to the OCSF Compliance Finding class. Pure: the report in, the text out.
import type { CheckResult } from '../engine/result.js';
import type { Severity } from '../engine/severity.js';
import type { AuditReport } from './report-model.js';

export const NDJSON_SCHEMA = 'cowork-audit.ndjson/1';
/** Locations listed per line; finding_count has the total. */
export const MAX_NDJSON_LOCATIONS = 20;

/** OCSF severity_id for each of our severities (docs/ndjson-ocsf.md). */
export const OCSF_SEVERITY_ID: Readonly<Record<Severity, number>> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };

export interface NdjsonRecord {
  time: string;
  host: string | null;
  target_kind: string;
  platform: string;
  os: string | null;
  check_id: string;
  title: string;
  area: string;
  severity: Severity;
  status: CheckResult['status'];
  message: string;
  finding_count: number;
  locations: { path: string; line: number | null }[];
  subjects: string[];
  waiver: { reason: string; expires: string; expired: boolean } | null;
  baseline: { id: string; sha256: string };
  tool: { name: string; version: string };
  schema: typeof NDJSON_SCHEMA;
}

export function ndjsonRecord(report: AuditReport, result: CheckResult): NdjsonRecord {
  const located = result.findings.filter((finding) => finding.location !== undefined);
  return {
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
    locations: located.slice(0, MAX_NDJSON_LOCATIONS).map((finding) => ({ path: finding.location?.path ?? '', line: finding.location?.line ?? null })),
    subjects: [...new Set(result.findings.flatMap((finding) => (finding.subject !== undefined ? [finding.subject] : [])))],
    waiver: result.waiver ? { reason: result.waiver.reason, expires: result.waiver.expires, expired: result.waiver.expired === true } : null,
    baseline: { id: report.baseline.id, sha256: report.baseline.sha256 },
    tool: { name: report.tool.name, version: report.tool.version },
    schema: NDJSON_SCHEMA,
  };
}

/**
 * One line per result. JSON.stringify escapes line breaks and control characters inside strings and writes
 * lone surrogates as `\udXXX`; U+2028 and U+2029 are escaped too, since some line splitters (JavaScript
 * ones among them) take them for line ends.
 */
export function renderNdjson(report: AuditReport): string {
  return report.results.map((result) => `${JSON.stringify(ndjsonRecord(report, result)).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}\n`).join('');
}
