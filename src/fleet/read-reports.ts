// Reading reports for the fleet roll-up, one file at a time: a JSON report (schemaVersion "1") becomes one
// digest; an NDJSON file (cowork-audit.ndjson/1, one line per check result, any number of hosts) is read
// line by line and its records grouped into reports by host and time. Whatever is wrong with a file is its
// reason in the summary, never an exception.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { STATUSES, type Status } from '../engine/result.js';
import { SEVERITIES, severityRank, type Severity } from '../engine/severity.js';
import { NDJSON_SCHEMA, type NdjsonRecord } from '../report/ndjson-reporter.js';
import { scrubSecrets } from '../secrets/scrub.js';
import { cellOf, type Candidate, type FleetAggregator, type ReportDigest } from './aggregate.js';
import { FLEET_SCHEMA_VERSION, MAX_MESSAGE_CHARS, WORST_FINDINGS } from './fleet-model.js';

/** Larger JSON files are not read (a report of a few thousand findings is a few MB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** NDJSON reports still open (records seen, not yet handed over); the least recently used closes first. */
const OPEN_NDJSON_REPORTS = 256;

type Problem = { reason: string; line?: number };

// ---------------------------------------------------------------------------------------------------
// JSON

/** Reads one JSON report file into the aggregator, or records why it is not one. */
export function readJsonReport(file: string, aggregator: FleetAggregator): void {
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    aggregator.invalid({ path: file, line: null, reason: readError(error), badLines: 1 });
    return;
  }
  const result = digestJsonText(text, file, aggregator);
  if ('reason' in result) aggregator.invalid({ path: file, line: result.line ?? null, reason: result.reason, badLines: 1 });
  else aggregator.add(result);
}

/** A digest of a JSON report's text, or what is wrong with it. */
export function digestJsonText(text: string, file: string, aggregator: FleetAggregator): ReportDigest | Problem {
  if (text.trim() === '') return { reason: 'empty file' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    return { reason: 'invalid JSON (corrupt or cut short)', ...(line ? { line } : {}) };
  }
  return digestJsonReport(data, file, aggregator);
}

/** Checks the shape of a parsed report (the fields the roll-up uses) and reduces it to a digest. */
export function digestJsonReport(data: unknown, file: string, aggregator: FleetAggregator): ReportDigest | Problem {
  if (!isObject(data)) return { reason: `not a cowork-audit report (a JSON ${Array.isArray(data) ? 'array' : typeof data}, not an object)` };
  if (data.schemaVersion === FLEET_SCHEMA_VERSION) return { reason: 'a fleet summary (schemaVersion "fleet-1"), not a report' };
  if (data.schemaVersion === undefined) return { reason: 'not a cowork-audit report (no schemaVersion)' };
  if (data.schemaVersion !== '1') return { reason: `unsupported schemaVersion ${clip(JSON.stringify(data.schemaVersion))} (this version reads "1")` };
  const { target, tool, baseline, results, summary } = data;
  if (!isObject(target) || typeof target.kind !== 'string' || typeof target.platform !== 'string') return { reason: 'target: kind and platform expected' };
  if (!optionalString(target.hostname) || !optionalString(target.path) || !optionalString(target.os)) return { reason: 'target: hostname, path and os must be strings' };
  if (!isObject(tool) || typeof tool.version !== 'string') return { reason: 'tool.version missing' };
  if (!isObject(baseline) || typeof baseline.id !== 'string' || typeof baseline.sha256 !== 'string') return { reason: 'baseline: id and sha256 expected' };
  const startedAtMs = typeof data.startedAt === 'string' ? Date.parse(data.startedAt) : Number.NaN;
  if (Number.isNaN(startedAtMs)) return { reason: 'startedAt is not a date' };
  if (!Array.isArray(results)) return { reason: 'results: array expected' };
  for (let index = 0; index < results.length; index += 1) {
    const problem = resultProblem(results[index]);
    if (problem) return { reason: `results[${index}]: ${problem}` };
  }
  const score = isObject(summary) && Number.isInteger(summary.score) && (summary.score as number) >= 0 && (summary.score as number) <= 100 ? (summary.score as number) : null;

  const cells = new Map<number, number>();
  const candidates: Candidate[] = [];
  const failing: { index: number; result: ValidResult; severity: number }[] = [];
  for (const raw of results as ValidResult[]) {
    const index = aggregator.check(raw.checkId, raw.title, raw.area, startedAtMs);
    cells.set(index, cellOf(raw.status, raw.severity));
    if (raw.status === 'fail' || raw.status === 'error') failing.push({ index, result: raw, severity: severityRank(raw.severity) });
  }
  // Worst findings: the first open finding of each failing check, worst check first, then the next ones.
  const ranked = aggregator.rank(failing.map((entry) => ({ check: entry.index, severity: entry.severity, status: entry.result.status as 'fail' | 'error', message: '' })));
  const byCheck = new Map(failing.map((entry) => [entry.index, entry.result]));
  const messages = ranked.map((candidate) => {
    const result = byCheck.get(candidate.check);
    const open = (result?.findings ?? []).filter(
      (finding): finding is { message: string } => isObject(finding) && finding.waived !== true && typeof finding.message === 'string' && finding.message !== '',
    );
    return open.length ? open.map((finding) => finding.message) : [result?.message ?? ''];
  });
  for (let round = 0; candidates.length < WORST_FINDINGS; round += 1) {
    let added = false;
    ranked.forEach((candidate, position) => {
      const message = messages[position]?.[round];
      if (message === undefined || candidates.length >= WORST_FINDINGS) return;
      candidates.push({ ...candidate, message: shortMessage(message) });
      added = true;
    });
    if (!added) break;
  }
  return {
    hostname: nonEmpty(target.hostname),
    targetPath: nonEmpty(target.path),
    kind: target.kind,
    platform: target.platform,
    os: nonEmpty(target.os),
    startedAtMs,
    baselineId: baseline.id,
    baselineSha: baseline.sha256,
    toolVersion: tool.version,
    score,
    cells,
    candidates,
    file,
    line: null,
  };
}

interface ValidResult {
  checkId: string;
  title: string;
  area: string;
  severity: Severity;
  status: Status;
  message?: string;
  findings?: unknown[];
}

function resultProblem(result: unknown): string | undefined {
  if (!isObject(result)) return 'object expected';
  if (typeof result.checkId !== 'string' || result.checkId === '') return 'checkId missing';
  if (!(STATUSES as readonly unknown[]).includes(result.status)) return `status ${clip(JSON.stringify(result.status))} is not one of ${STATUSES.join(', ')}`;
  if (!(SEVERITIES as readonly unknown[]).includes(result.severity)) return `severity ${clip(JSON.stringify(result.severity))} is not one of ${SEVERITIES.join(', ')}`;
  if (typeof result.title !== 'string' || typeof result.area !== 'string') return 'title and area expected';
  if (result.message !== undefined && typeof result.message !== 'string') return 'message must be a string';
  if (result.findings !== undefined && !Array.isArray(result.findings)) return 'findings must be an array';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// NDJSON

interface OpenReport {
  digest: ReportDigest;
  lastLine: number;
}

/**
 * Reads an NDJSON file line by line into the aggregator. Records of one report (same host and time) are
 * gathered while they arrive; at most OPEN_NDJSON_REPORTS are open at once, so a file of any size is read in
 * bounded memory. Bad lines are counted, the first one named with its line number.
 */
export async function readNdjsonReports(file: string, aggregator: FleetAggregator): Promise<void> {
  let encoding: 'utf8' | 'utf16le';
  let start: number;
  try {
    ({ encoding, start } = sniffEncoding(file));
  } catch (error) {
    aggregator.invalid({ path: file, line: null, reason: readError(error), badLines: 1 });
    return;
  }
  const open = new Map<string, OpenReport>();
  const close = (key: string, report: OpenReport) => {
    open.delete(key);
    aggregator.add(report.digest);
  };
  let lineNumber = 0;
  let records = 0;
  let bad: { first: Problem & { line: number }; count: number } | undefined;
  try {
    const lines = createInterface({ input: createReadStream(file, { encoding, start }), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const rawLine of lines) {
      lineNumber += 1;
      const line = lineNumber === 1 ? rawLine.replace(/^\ufeff/, '') : rawLine;
      if (line.trim() === '') continue;
      const record = parseRecord(line);
      if (typeof record === 'string') {
        if (bad) bad.count += 1;
        else bad = { first: { reason: record, line: lineNumber }, count: 1 };
        continue;
      }
      records += 1;
      const key = `${record.host ?? ''}\u0000${record.timeMs}\u0000${record.target_kind}`;
      let report = open.get(key);
      if (report) {
        // Most recently used last: Map keeps insertion order.
        open.delete(key);
        open.set(key, report);
      } else {
        report = { digest: newNdjsonDigest(record, file, lineNumber), lastLine: lineNumber };
        open.set(key, report);
        if (open.size > OPEN_NDJSON_REPORTS) {
          const [oldestKey, oldest] = open.entries().next().value as [string, OpenReport];
          close(oldestKey, oldest);
        }
      }
      addRecord(report.digest, record, aggregator);
      report.lastLine = lineNumber;
    }
  } catch (error) {
    bad = { first: { reason: readError(error), line: lineNumber + 1 }, count: (bad?.count ?? 0) + 1 };
  }
  for (const [key, report] of [...open]) close(key, report);
  if (records === 0 && !bad) {
    aggregator.invalid({ path: file, line: null, reason: 'empty file', badLines: 0 });
    return;
  }
  if (bad) aggregator.invalid({ path: file, line: bad.first.line, reason: bad.first.reason, badLines: bad.count });
}

/** An NDJSON record as the fleet needs it: the writer's shape, with the time parsed. */
type ValidRecord = Pick<NdjsonRecord, 'host' | 'target_kind' | 'platform' | 'os' | 'check_id' | 'title' | 'area' | 'severity' | 'status' | 'message'> & {
  timeMs: number;
  locations: unknown[];
  baseline: { id: string; sha256: string };
  tool: { version: string };
};

/** A record, or why the line is not one. */
function parseRecord(line: string): ValidRecord | string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (!isObject(data)) return 'not a JSON object';
  if (data.schema !== NDJSON_SCHEMA) return `not a ${NDJSON_SCHEMA} record (schema ${clip(JSON.stringify(data.schema) ?? 'missing')})`;
  const timeMs = typeof data.time === 'string' ? Date.parse(data.time) : Number.NaN;
  if (Number.isNaN(timeMs)) return 'time is not a date';
  if (data.host !== null && typeof data.host !== 'string') return 'host must be a string or null';
  if (typeof data.check_id !== 'string' || data.check_id === '') return 'check_id missing';
  if (!(STATUSES as readonly unknown[]).includes(data.status)) return `status ${clip(JSON.stringify(data.status))} is not one of ${STATUSES.join(', ')}`;
  if (!(SEVERITIES as readonly unknown[]).includes(data.severity)) return `severity ${clip(JSON.stringify(data.severity))} is not one of ${SEVERITIES.join(', ')}`;
  if (typeof data.target_kind !== 'string' || typeof data.platform !== 'string') return 'target_kind and platform expected';
  if (typeof data.title !== 'string' || typeof data.area !== 'string' || typeof data.message !== 'string') return 'title, area and message expected';
  if (!isObject(data.baseline) || typeof data.baseline.id !== 'string' || typeof data.baseline.sha256 !== 'string') return 'baseline: id and sha256 expected';
  if (!isObject(data.tool) || typeof data.tool.version !== 'string') return 'tool.version missing';
  if (data.os !== null && data.os !== undefined && typeof data.os !== 'string') return 'os must be a string or null';
  return {
    timeMs,
    host: data.host,
    target_kind: data.target_kind,
    platform: data.platform,
    os: typeof data.os === 'string' ? data.os : null,
    check_id: data.check_id,
    title: data.title,
    area: data.area,
    severity: data.severity as Severity,
    status: data.status as Status,
    message: data.message,
    locations: Array.isArray(data.locations) ? data.locations : [],
    baseline: { id: data.baseline.id, sha256: data.baseline.sha256 },
    tool: { version: data.tool.version },
  };
}

function newNdjsonDigest(record: ValidRecord, file: string, line: number): ReportDigest {
  return {
    hostname: nonEmpty(record.host),
    targetPath: null,
    kind: record.target_kind,
    platform: record.platform,
    os: nonEmpty(record.os),
    startedAtMs: record.timeMs,
    baselineId: record.baseline.id,
    baselineSha: record.baseline.sha256,
    toolVersion: record.tool.version,
    score: null,
    cells: new Map(),
    candidates: [],
    file,
    line,
  };
}

function addRecord(digest: ReportDigest, record: ValidRecord, aggregator: FleetAggregator): void {
  const index = aggregator.check(record.check_id, record.title, record.area, record.timeMs);
  digest.cells.set(index, cellOf(record.status, record.severity));
  if (record.status !== 'fail' && record.status !== 'error') return;
  // NDJSON has the check's message and its locations, not the findings' own messages.
  const first = record.locations[0];
  const where = isObject(first) && typeof first.path === 'string' && first.path !== '' ? `: ${first.path}${Number.isInteger(first.line) ? `:${String(first.line)}` : ''}` : '';
  const candidate: Candidate = { check: index, severity: severityRank(record.severity), status: record.status, message: shortMessage(`${record.message}${where}`) };
  digest.candidates = aggregator.rank([...digest.candidates.filter((known) => known.check !== index), candidate]).slice(0, WORST_FINDINGS);
}

// ---------------------------------------------------------------------------------------------------
// Helpers

/**
 * A file's text: UTF-8, or UTF-16 when it starts with a UTF-16 byte-order mark (Windows PowerShell 5's
 * `>` writes that), without the mark. Throws on I/O errors and on files over MAX_JSON_BYTES.
 */
function readText(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_JSON_BYTES) throw Object.assign(new Error(`larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB`), { code: 'TOO_LARGE' });
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return decode(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3);
  return bytes.toString('utf8');
}

function sniffEncoding(file: string): { encoding: 'utf8' | 'utf16le'; start: number } {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(3);
    const n = readSync(fd, head, 0, 3, 0);
    if (n >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', start: 2 };
    if (n === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', start: 3 };
    return { encoding: 'utf8', start: 0 };
  } finally {
    closeSync(fd);
  }
}

export function readError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'TOO_LARGE') return `too large to be a report (${(error as Error).message})`;
  if (code === 'EISDIR') return 'a folder, not a file';
  return `cannot read: ${code ?? (error instanceof Error ? error.message : String(error))}`;
}

/**
 * At most MAX_MESSAGE_CHARS characters, secrets scrubbed (reports carry none; this is the last line of
 * defence), and copied through UTF-8 into one flat string: a kept message must not hold on to the longer
 * string it was cut from or the record it was joined from (V8 slices and concatenations point at their
 * parts), and UTF-8 decoding gives one byte per character whenever it can.
 */
export function shortMessage(text: string): string {
  let message = scrubSecrets(text);
  if (message.length > MAX_MESSAGE_CHARS) {
    let cut = MAX_MESSAGE_CHARS - 1;
    const code = message.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // never split a surrogate pair
    message = `${message.slice(0, cut)}…`;
  }
  return Buffer.from(message, 'utf8').toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Foreign values quoted in a reason stay short. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
