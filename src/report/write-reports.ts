import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeBashScript } from '../remediate/bash-writer.js';
import { writePowerShellScript } from '../remediate/powershell-writer.js';
import type { AuditReport } from './report-model.js';

export const FILE_FORMATS = ['json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

const FILE_NAMES: Record<FileFormat, string> = { json: 'cowork-audit.json' };

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const RENDERERS: Record<FileFormat, (report: AuditReport) => string> = { json: renderJson };

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Writes each report, and the remediation scripts beside them, into the output folder and nowhere
 * else, atomically: a reader never sees half a file.
 */
export function writeReports(report: AuditReport, formats: readonly FileFormat[], outputDir: string): string[] {
  if (formats.length === 0) return [];
  mkdirSync(outputDir, { recursive: true });
  const written = formats.map((format) => {
    const file = path.join(outputDir, FILE_NAMES[format]);
    writeAtomically(file, RENDERERS[format](report));
    return file;
  });
  const scripts: [string, string][] = [
    ['remediate.sh', writeBashScript(report)],
    ['remediate.ps1', writePowerShellScript(report)],
  ];
  for (const [name, text] of scripts) {
    const file = path.join(outputDir, name);
    writeAtomically(file, text);
    written.push(file);
  }
  return written;
}

export function renderFormat(report: AuditReport, format: FileFormat): string {
  return RENDERERS[format](report);
}
