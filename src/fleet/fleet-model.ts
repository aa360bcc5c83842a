// The fleet summary (`cowork-audit fleet summarize`, schemaVersion "fleet-1"): the roll-up of many JSON and
// NDJSON reports. Published as schemas/fleet-summary.schema.json; fields later versions add are optional.
// Hosts come last in the JSON so that a reader (and the writer) can stream them.
import type { Status } from '../engine/result.js';
import type { Severity } from '../engine/severity.js';

export const FLEET_SCHEMA_VERSION = 'fleet-1';
/** Failing hosts per check, stale hosts, invalid files: the first this many are named, all are counted. */
export const FLEET_LIST_LIMIT = 50;
/** Invalid files named in the summary (all are counted). */
export const INVALID_LIST_LIMIT = 100;
/** Worst findings kept per host, and the longest message kept (longer ones end in "…"). */
export const WORST_FINDINGS = 3;
export const MAX_MESSAGE_CHARS = 200;

export type StatusCounts = Record<Status, number>;
export type SeverityCounts = Record<Severity, number>;

/** The first FLEET_LIST_LIMIT names of a longer list, and how many there are. */
export interface BoundedList<T> {
  total: number;
  items: T[];
}

export interface FleetCheck {
  checkId: string;
  title: string;
  area: string;
  /** The highest severity any host's baseline gives this check. */
  worstSeverity: Severity;
  /** Hosts whose latest report has this check (any status). */
  hosts: number;
  /** Hosts where it was evaluated: pass + fail + error (waived and skipped do not count, as in the score). */
  ran: number;
  /** pass / ran, 0..1 (4 decimals); null when no host ran it. */
  passRate: number | null;
  counts: StatusCounts;
  /** Host ids with status fail, alphabetical. */
  failingHosts: BoundedList<string>;
  /** Host ids with status error, alphabetical. */
  erroredHosts: BoundedList<string>;
}

export interface WorstFinding {
  checkId: string;
  severity: Severity;
  status: 'fail' | 'error';
  /** At most MAX_MESSAGE_CHARS characters. */
  message: string;
}

export interface FleetHost {
  /** What tells hosts apart: the host name (live, replay), `root:`/`repo:` plus host name or path, else the file. */
  id: string;
  hostname: string | null;
  targetPath: string | null;
  targetKind: string;
  platform: string;
  os: string | null;
  score: number;
  /** Checks with status fail, by severity. */
  fails: SeverityCounts;
  errors: number;
  worstFindings: WorstFinding[];
  startedAt: string;
  /** Seconds between startedAt and the summary's generatedAt (negative: a report from the future). */
  ageSeconds: number;
  stale: boolean;
  baseline: { id: string; sha256: string };
  toolVersion: string;
  /** The file the latest report came from (and its first line, for NDJSON). */
  source: { file: string; line: number | null };
  /** Older reports of this host that the latest one superseded. */
  olderReports: number;
}

export interface StaleHost {
  id: string;
  startedAt: string;
  ageSeconds: number;
}

export interface InvalidFile {
  path: string;
  /** First bad line (NDJSON, or where a JSON syntax error is); null when the whole file is the problem. */
  line: number | null;
  reason: string;
  /** Bad lines in an NDJSON file (1 for a JSON file). */
  badLines: number;
}

export interface FleetSummaryHead {
  schemaVersion: typeof FLEET_SCHEMA_VERSION;
  tool: { name: string; version: string };
  generatedAt: string;
  maxAge: { text: string; seconds: number };
  listLimit: number;
  inputs: {
    /** Report files examined (*.json, *.ndjson, *.jsonl in folders; any file named on the command line). */
    files: number;
    /** Reports read: JSON files plus NDJSON reports (records sharing host and time). */
    reports: number;
    /** Distinct hosts: one latest report each. */
    hosts: number;
    /** Reports older than their host's latest. */
    superseded: number;
    /** Reports with the same host and start time as one already read (the same scan as JSON and NDJSON, a copy): merged. */
    duplicates: number;
  };
  scores: {
    min: number | null;
    median: number | null;
    mean: number | null;
    max: number | null;
    /** Ten buckets: 0-9, 10-19, ..., 80-89, 90-100. */
    histogram: { from: number; to: number; hosts: number }[];
  };
  /** Worst pass rate first (never-ran checks last), then by id. */
  checks: FleetCheck[];
  /** Hosts whose latest report is older than maxAge, oldest first. */
  stale: BoundedList<StaleHost>;
  baselines: { mixed: boolean; entries: { id: string; sha256: string; hosts: number }[] };
  toolVersions: { mixed: boolean; entries: { version: string; hosts: number }[] };
  invalid: BoundedList<InvalidFile>;
}

/** The whole JSON document: the head, then every host, lowest score first. */
export interface FleetSummaryJson extends FleetSummaryHead {
  hosts: FleetHost[];
}

/**
 * The summary as the renderers get it: the head materialised, the hosts as a sorted sequence turned into
 * FleetHost objects one at a time, so that ten thousand hosts never become ten thousand output objects.
 */
export interface FleetSummary {
  head: FleetSummaryHead;
  hostCount: number;
  hosts(): Iterable<FleetHost>;
}
