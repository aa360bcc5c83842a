import { readFileSync } from 'node:fs';
import type { AuditReport } from '../report/report-model.js';
import { UsageError } from '../util/usage-error.js';

/** Reads a JSON report for `remediate`, with errors that say what is wrong and where. */
export function readReport(file: string): AuditReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read report ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    throw new UsageError(`${file}${line ? `:${line}` : ''}: not a JSON report (invalid JSON)`);
  }
  const report = data as Partial<AuditReport>;
  if (!report || typeof report !== 'object' || report.schemaVersion !== '1' || !Array.isArray(report.results) || !report.target) {
    throw new UsageError(`${file}: not a cowork-audit JSON report (schemaVersion "1" with target and results expected)`);
  }
  return report as AuditReport;
}
