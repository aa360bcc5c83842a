import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_CHECKS } from '../../checks/index.js';
import type { FailOn } from '../engine/severity.js';
import { writeBashScript } from '../remediate/bash-writer.js';
import { writePowerShellScript } from '../remediate/powershell-writer.js';
import { renderHtml } from './html-reporter.js';
import { renderJunit } from './junit-reporter.js';
import { renderMarkdown } from './markdown-reporter.js';
import { renderNdjson } from './ndjson-reporter.js';
import type { AuditReport } from './report-model.js';
import { renderSarif } from './sarif-reporter.js';

export const FILE_FORMATS = ['json', 'sarif', 'junit', 'html', 'md', 'ndjson'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
/** Formats printed on stdout rather than written to --output: the table, and the one-line summary (summary-reporter.ts). */
export const STDOUT_FORMATS = ['table', 'summary'] as const;

/** What renderers need beyond the report: the gate the scan was run with and its outcome. */
export interface RenderContext {
  failOn: FailOn;
  exitCode: number;
}

export const FILE_NAMES: Record<FileFormat, string> = {
  json: 'cowork-audit.json',
  sarif: 'cowork-audit.sarif',
  junit: 'cowork-audit.junit.xml',
  html: 'cowork-audit.html',
  md: 'cowork-audit.md',
  ndjson: 'cowork-audit.ndjson',
};

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const RENDERERS: Record<FileFormat, (report: AuditReport, context: RenderContext) => string> = {
  json: renderJson,
  sarif: (report, context) => renderSarif(report, { ...context, checks: BUILTIN_CHECKS }),
  junit: renderJunit,
  html: renderHtml,
  md: renderMarkdown,
  ndjson: renderNdjson,
};

export function renderFormat(report: AuditReport, format: FileFormat, context: RenderContext): string {
  return RENDERERS[format](report, context);
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Writes each report, and the remediation scripts beside them, into the output folder and nowhere
 * else, atomically: a reader never sees half a file.
 */
export function writeReports(report: AuditReport, formats: readonly FileFormat[], outputDir: string, context: RenderContext): string[] {
  if (formats.length === 0) return [];
  mkdirSync(outputDir, { recursive: true });
  const written = formats.map((format) => {
    const file = path.join(outputDir, FILE_NAMES[format]);
    writeAtomically(file, RENDERERS[format](report, context));
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

