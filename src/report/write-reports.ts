import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditReport } from './report-model.js';

export const FILE_FORMATS = ['json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

const FILE_NAMES: Record<FileFormat, string> = { json: 'cowork-audit.json' };

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const RENDERERS: Record<FileFormat, (report: AuditReport) => string> = { json: renderJson };

/** Writes each report into the output folder (and nowhere else), atomically: a reader never sees half a file. */
export function writeReports(report: AuditReport, formats: readonly FileFormat[], outputDir: string): string[] {
  if (formats.length === 0) return [];
  mkdirSync(outputDir, { recursive: true });
  return formats.map((format) => {
    const file = path.join(outputDir, FILE_NAMES[format]);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, RENDERERS[format](report), { mode: 0o600 });
    renameSync(temporary, file);
    return file;
  });
}

export function renderFormat(report: AuditReport, format: FileFormat): string {
  return RENDERERS[format](report);
}
