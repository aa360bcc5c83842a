import type { Area, Finding, Reference } from './check.js';
import type { Remediation } from './remediation.js';
import type { Severity } from './severity.js';

export const STATUSES = ['pass', 'fail', 'error', 'skipped', 'waived'] as const;
export type Status = (typeof STATUSES)[number];

export interface WaiverNote {
  reason: string;
  expires: string;
  /** An expired waiver waives nothing; the result says so. */
  expired?: boolean;
  source?: string;
}

export interface ResultFinding extends Finding {
  waived?: boolean;
}

export interface CheckResult {
  checkId: string;
  title: string;
  area: Area;
  severity: Severity;
  status: Status;
  message: string;
  findings: ResultFinding[];
  remediation?: Remediation;
  waiver?: WaiverNote;
  references: Reference[];
  /** For status error: which collector or check failed. */
  error?: { origin: string; message: string };
  durationMs?: number;
}
