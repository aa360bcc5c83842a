// The fleet roll-up's state: what is kept while thousands of reports stream past. Per check, its id, title
// and area; per host, its latest report reduced to a few fields, one character per check (status and
// severity) and at most WORST_FINDINGS short messages. No report is kept: per-check counts, failing host
// lists, scores and the rest are computed from the hosts at the end, so that a newer report of a host
// simply replaces the older one.
import type { Status } from '../engine/result.js';
import { SEVERITIES, SEVERITY_WEIGHT, severityRank, type Severity } from '../engine/severity.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import {
  FLEET_LIST_LIMIT,
  FLEET_SCHEMA_VERSION,
  INVALID_LIST_LIMIT,
  WORST_FINDINGS,
  type FleetCheck,
  type FleetHost,
  type FleetSummary,
  type FleetSummaryHead,
  type InvalidFile,
  type StatusCounts,
  type WorstFinding,
} from './fleet-model.js';

/** Status codes in a host's cell string; 0 means the report has no result for the check. */
const STATUS_CODE: Record<Status, number> = { pass: 1, fail: 2, error: 3, waived: 4, skipped: 5 };
const CODE_STATUS: readonly (Status | undefined)[] = [undefined, 'pass', 'fail', 'error', 'waived', 'skipped'];
/** Severity by rank (info 0 .. critical 4). */
const SEVERITY_BY_RANK: readonly Severity[] = [...SEVERITIES].reverse();

/** A finding worth showing for a host: check index, severity rank, fail or error, the (short) message. */
export interface Candidate {
  check: number;
  severity: number;
  status: 'fail' | 'error';
  message: string;
}

/** One report, reduced: what the JSON and NDJSON readers hand to the aggregator. */
export interface ReportDigest {
  hostname: string | null;
  targetPath: string | null;
  kind: string;
  platform: string;
  os: string | null;
  startedAtMs: number;
  baselineId: string;
  baselineSha: string;
  toolVersion: string;
  /** The report's own score; null to compute it from the results (NDJSON carries none). */
  score: number | null;
  /** Check index (from FleetAggregator.check) to its cell: status code + 8 × severity rank. */
  cells: Map<number, number>;
  /** Best first, at most WORST_FINDINGS. */
  candidates: Candidate[];
  file: string;
  line: number | null;
}

interface CheckInfo {
  id: string;
  title: string;
  area: string;
  /** startedAt of the report the title and area were taken from: the newest wins. */
  metaTime: number;
}

interface HostState {
  id: string;
  hostname: string | null;
  targetPath: string | null;
  kind: string;
  platform: string;
  os: string | null;
  time: number;
  /** -1: compute from the cells. */
  score: number;
  /** One character per check index: String.fromCharCode(cell). */
  cells: string;
  /** The worst findings, best first, packed into one string (see pack()): a few hundred bytes a host. */
  worst: string;
  baseline: number;
  version: number;
  file: string;
  line: number | null;
  older: number;
}

export function cellOf(status: Status, severity: Severity): number {
  return STATUS_CODE[status] + 8 * severityRank(severity);
}

export class FleetAggregator {
  private readonly checks: CheckInfo[] = [];
  private readonly checkIndex = new Map<string, number>();
  private readonly hosts = new Map<string, HostState>();
  private readonly baselines: { id: string; sha256: string }[] = [];
  private readonly baselineIndex = new Map<string, number>();
  private readonly versions: string[] = [];
  private readonly versionIndex = new Map<string, number>();
  /** Small repeated strings (platform, kind, os): one copy each. */
  private readonly interned = new Map<string, string>();
  private readonly invalidFiles: InvalidFile[] = [];
  private invalidTotal = 0;
  files = 0;
  reports = 0;
  superseded = 0;
  duplicates = 0;

  /** The index of a check, registering it (or refreshing its title and area from a newer report). */
  check(id: string, title: string, area: string, time: number): number {
    const known = this.checkIndex.get(id);
    if (known !== undefined) {
      const info = this.checks[known];
      if (info && time > info.metaTime && (info.title !== title || info.area !== area)) {
        info.title = title;
        info.area = area;
        info.metaTime = time;
      }
      return known;
    }
    this.checks.push({ id, title, area, metaTime: time });
    this.checkIndex.set(id, this.checks.length - 1);
    return this.checks.length - 1;
  }

  checkId(index: number): string {
    return this.checks[index]?.id ?? '';
  }

  /** Best first: severity, then fail before error, then check id. Stable for equal keys. */
  rank(candidates: Candidate[]): Candidate[] {
    return candidates.sort(
      (a, b) => b.severity - a.severity || (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) || compare(this.checkId(a.check), this.checkId(b.check)),
    );
  }

  invalid(entry: InvalidFile): void {
    this.invalidTotal += 1;
    if (this.invalidFiles.length < INVALID_LIST_LIMIT) this.invalidFiles.push(entry);
  }

  add(digest: ReportDigest): void {
    this.reports += 1;
    const id = hostId(digest);
    const existing = this.hosts.get(id);
    if (!existing) {
      this.hosts.set(id, this.state(id, digest));
      return;
    }
    if (digest.startedAtMs < existing.time) {
      existing.older += 1;
      this.superseded += 1;
      return;
    }
    if (digest.startedAtMs > existing.time) {
      const older = existing.older + 1;
      Object.assign(existing, this.state(id, digest), { older });
      this.superseded += 1;
      return;
    }
    // The same host and start time: the same scan read twice (JSON and NDJSON, a copied file), or an
    // NDJSON report split across a file. Its results are merged, result by result.
    this.duplicates += 1;
    const codes = [...existing.cells].map((char) => char.charCodeAt(0));
    for (const [index, cell] of digest.cells) codes[index] = cell;
    existing.cells = cellString(codes);
    if (existing.score < 0 && digest.score !== null) existing.score = digest.score;
    const known = unpack(existing.worst);
    const shown = new Set(known.map((candidate) => candidate.check));
    existing.worst = pack(this.rank([...known, ...digest.candidates.filter((candidate) => !shown.has(candidate.check))]));
  }

  private state(id: string, digest: ReportDigest): HostState {
    const codes: number[] = [];
    for (const [index, cell] of digest.cells) codes[index] = cell;
    return {
      id,
      hostname: digest.hostname,
      targetPath: digest.targetPath,
      kind: this.intern(digest.kind),
      platform: this.intern(digest.platform),
      os: digest.os === null ? null : this.intern(digest.os),
      time: digest.startedAtMs,
      score: digest.score ?? -1,
      cells: cellString(codes),
      worst: pack(digest.candidates),
      baseline: indexOf(this.baselineIndex, this.baselines, `${digest.baselineId}\u0000${digest.baselineSha}`, () => ({ id: digest.baselineId, sha256: digest.baselineSha })),
      version: indexOf(this.versionIndex, this.versions, digest.toolVersion, () => digest.toolVersion),
      file: digest.file,
      line: digest.line,
      older: 0,
    };
  }

  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    if (this.interned.size < 10_000) this.interned.set(text, text);
    return text;
  }

  /** The summary as of `now`: hosts whose latest report is older than maxAgeSeconds are stale. */
  finish(options: { now: Date; maxAgeSeconds: number; maxAgeText: string }): FleetSummary {
    const nowMs = options.now.getTime();
    const states = [...this.hosts.values()];
    for (const state of states) if (state.score < 0) state.score = computedScore(state.cells);
    const byId = [...states].sort((a, b) => compare(a.id, b.id));

    const checks: FleetCheck[] = this.checks.map((info) => ({
      checkId: info.id,
      title: info.title,
      area: info.area,
      worstSeverity: 'info',
      hosts: 0,
      ran: 0,
      passRate: null,
      counts: { pass: 0, fail: 0, error: 0, waived: 0, skipped: 0 } satisfies StatusCounts,
      failingHosts: { total: 0, items: [] },
      erroredHosts: { total: 0, items: [] },
    }));
    for (const state of byId) {
      for (let index = 0; index < state.cells.length && index < checks.length; index += 1) {
        const cell = state.cells.charCodeAt(index);
        const status = CODE_STATUS[cell % 8];
        const check = checks[index];
        if (!status || !check) continue;
        check.hosts += 1;
        check.counts[status] += 1;
        const severity = SEVERITY_BY_RANK[Math.floor(cell / 8)] ?? 'info';
        if (severityRank(severity) > severityRank(check.worstSeverity)) check.worstSeverity = severity;
        const list = status === 'fail' ? check.failingHosts : status === 'error' ? check.erroredHosts : undefined;
        if (list) {
          list.total += 1;
          if (list.items.length < FLEET_LIST_LIMIT) list.items.push(state.id);
        }
      }
    }
    for (const check of checks) {
      check.ran = check.counts.pass + check.counts.fail + check.counts.error;
      check.passRate = check.ran ? Math.round((check.counts.pass / check.ran) * 10_000) / 10_000 : null;
    }
    checks.sort((a, b) => (a.passRate ?? 2) - (b.passRate ?? 2) || compare(a.checkId, b.checkId));

    const ageSeconds = (state: HostState) => Math.floor((nowMs - state.time) / 1000);
    const stale = states.filter((state) => ageSeconds(state) > options.maxAgeSeconds).sort((a, b) => a.time - b.time || compare(a.id, b.id));

    const baselineHosts = new Array<number>(this.baselines.length).fill(0);
    const versionHosts = new Array<number>(this.versions.length).fill(0);
    for (const state of states) {
      baselineHosts[state.baseline] = (baselineHosts[state.baseline] ?? 0) + 1;
      versionHosts[state.version] = (versionHosts[state.version] ?? 0) + 1;
    }
    const baselines = this.baselines
      .map((baseline, index) => ({ ...baseline, hosts: baselineHosts[index] ?? 0 }))
      .filter((entry) => entry.hosts > 0)
      .sort((a, b) => b.hosts - a.hosts || compare(a.id, b.id) || compare(a.sha256, b.sha256));
    const versions = this.versions
      .map((version, index) => ({ version, hosts: versionHosts[index] ?? 0 }))
      .filter((entry) => entry.hosts > 0)
      .sort((a, b) => b.hosts - a.hosts || compare(a.version, b.version));

    const scores = states.map((state) => state.score).sort((a, b) => a - b);
    const histogram = Array.from({ length: 10 }, (_, bucket) => ({ from: bucket * 10, to: bucket === 9 ? 100 : bucket * 10 + 9, hosts: 0 }));
    for (const score of scores) {
      const bucket = histogram[Math.min(9, Math.floor(score / 10))];
      if (bucket) bucket.hosts += 1;
    }

    const head: FleetSummaryHead = {
      schemaVersion: FLEET_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      generatedAt: options.now.toISOString(),
      maxAge: { text: options.maxAgeText, seconds: options.maxAgeSeconds },
      listLimit: FLEET_LIST_LIMIT,
      inputs: { files: this.files, reports: this.reports, hosts: states.length, superseded: this.superseded, duplicates: this.duplicates },
      scores: {
        min: scores.length ? (scores[0] ?? null) : null,
        median: scores.length ? median(scores) : null,
        mean: scores.length ? Math.round((10 * scores.reduce((sum, score) => sum + score, 0)) / scores.length) / 10 : null,
        max: scores.length ? (scores[scores.length - 1] ?? null) : null,
        histogram,
      },
      checks,
      stale: {
        total: stale.length,
        items: stale.slice(0, FLEET_LIST_LIMIT).map((state) => ({ id: state.id, startedAt: new Date(state.time).toISOString(), ageSeconds: ageSeconds(state) })),
      },
      baselines: { mixed: baselines.length > 1, entries: baselines },
      toolVersions: { mixed: versions.length > 1, entries: versions },
      invalid: { total: this.invalidTotal, items: [...this.invalidFiles] },
    };

    const ordered = states.sort((a, b) => a.score - b.score || compare(a.id, b.id));
    const checkIds = this.checks.map((info) => info.id);
    const baselineList = this.baselines;
    const versionList = this.versions;
    const maxAge = options.maxAgeSeconds;
    return {
      head,
      hostCount: ordered.length,
      *hosts(): Iterable<FleetHost> {
        for (const state of ordered) yield hostView(state, { checkIds, baselines: baselineList, versions: versionList, ageSeconds: ageSeconds(state), maxAge });
      },
    };
  }
}

function hostView(
  state: HostState,
  context: { checkIds: string[]; baselines: { id: string; sha256: string }[]; versions: string[]; ageSeconds: number; maxAge: number },
): FleetHost {
  const fails = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  let errors = 0;
  for (let index = 0; index < state.cells.length; index += 1) {
    const cell = state.cells.charCodeAt(index);
    const status = CODE_STATUS[cell % 8];
    if (status === 'fail') fails[SEVERITY_BY_RANK[Math.floor(cell / 8)] ?? 'info'] += 1;
    if (status === 'error') errors += 1;
  }
  const baseline = context.baselines[state.baseline] ?? { id: '', sha256: '' };
  return {
    id: state.id,
    hostname: state.hostname,
    targetPath: state.targetPath,
    targetKind: state.kind,
    platform: state.platform,
    os: state.os,
    score: state.score,
    fails,
    errors,
    worstFindings: unpack(state.worst).map(
      (candidate): WorstFinding => ({
        checkId: context.checkIds[candidate.check] ?? '',
        severity: SEVERITY_BY_RANK[candidate.severity] ?? 'info',
        status: candidate.status,
        message: candidate.message,
      }),
    ),
    startedAt: new Date(state.time).toISOString(),
    ageSeconds: context.ageSeconds,
    stale: context.ageSeconds > context.maxAge,
    baseline: { id: baseline.id, sha256: baseline.sha256 },
    toolVersion: context.versions[state.version] ?? '',
    source: { file: state.file, line: state.line },
    olderReports: state.older,
  };
}

/**
 * What tells hosts apart. A live or recorded endpoint is its host name. An image or a repository is
 * `root:`/`repo:` plus the image's host name, or its path; a target with neither is its file.
 */
export function hostId(digest: Pick<ReportDigest, 'hostname' | 'targetPath' | 'kind' | 'file'>): string {
  if (digest.hostname) return digest.kind === 'live' || digest.kind === 'replay' ? digest.hostname : `${digest.kind}:${digest.hostname}`;
  if (digest.targetPath) return `${digest.kind}:${digest.targetPath}`;
  return `${digest.kind}:(no host name) ${digest.file}`;
}

/** The score as report-model.ts's summarize() computes it, from the cells. */
function computedScore(cells: string): number {
  let earned = 0;
  let possible = 0;
  for (let index = 0; index < cells.length; index += 1) {
    const cell = cells.charCodeAt(index);
    const status = CODE_STATUS[cell % 8];
    if (status !== 'pass' && status !== 'fail' && status !== 'error') continue;
    const weight = SEVERITY_WEIGHT[SEVERITY_BY_RANK[Math.floor(cell / 8)] ?? 'info'];
    possible += weight;
    if (status === 'pass') earned += weight;
  }
  return possible === 0 ? 100 : Math.round((100 * earned) / possible);
}

/**
 * The best WORST_FINDINGS candidates as one string of UTF-8 bytes (one character per byte, so V8 stores
 * it at one byte per character even when a message holds `…` or non-Latin text): `<code>,<bytes>,<message>`
 * each, where code is check × 16 + severity × 2 + (error ? 1 : 0). One flat string a host instead of an
 * array of objects and strings: about a third of the memory. Length-prefixed, so a message may hold any
 * character.
 */
function pack(candidates: readonly Candidate[]): string {
  const parts: Buffer[] = [];
  for (const candidate of candidates.slice(0, WORST_FINDINGS)) {
    const message = Buffer.from(candidate.message, 'utf8');
    parts.push(Buffer.from(`${candidate.check * 16 + candidate.severity * 2 + (candidate.status === 'error' ? 1 : 0)},${message.length},`, 'latin1'), message);
  }
  return Buffer.concat(parts).toString('latin1');
}

function unpack(packed: string): Candidate[] {
  const bytes = Buffer.from(packed, 'latin1');
  const candidates: Candidate[] = [];
  let at = 0;
  while (at < bytes.length) {
    const comma = bytes.indexOf(0x2c, at);
    const second = comma < 0 ? -1 : bytes.indexOf(0x2c, comma + 1);
    if (second < 0) break;
    const code = Number(bytes.toString('latin1', at, comma));
    const length = Number(bytes.toString('latin1', comma + 1, second));
    candidates.push({
      check: Math.floor(code / 16),
      severity: Math.floor((code % 16) / 2),
      status: code % 2 ? 'error' : 'fail',
      message: bytes.toString('utf8', second + 1, second + 1 + length),
    });
    at = second + 1 + length;
  }
  return candidates;
}

function cellString(codes: readonly (number | undefined)[]): string {
  let text = '';
  for (let index = 0; index < codes.length; index += 1) text += String.fromCharCode(codes[index] ?? 0);
  return text;
}

function indexOf<T>(index: Map<string, number>, list: T[], key: string, make: () => T): number {
  const known = index.get(key);
  if (known !== undefined) return known;
  list.push(make());
  index.set(key, list.length - 1);
  return list.length - 1;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Plain code-unit order: the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
