import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioSet } from '../../checks/scenario-kit.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CHECKS_DIR = path.join(REPO_ROOT, 'checks');

/** Check module files: checks/<area>/<name>.ts, not scenarios or tests. */
export function checkFiles(): { area: string; name: string; file: string }[] {
  return readdirSync(CHECKS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(path.join(CHECKS_DIR, dir.name))
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.scenarios.ts') && !file.endsWith('.test.ts'))
        .map((file) => ({ area: dir.name, name: file.replace(/\.ts$/, ''), file: path.join(CHECKS_DIR, dir.name, file) })),
    );
}

export async function loadScenarioSets(): Promise<ScenarioSet[]> {
  const files = checkFiles().map((check) => check.file.replace(/\.ts$/, '.scenarios.ts'));
  const sets: ScenarioSet[] = [];
  for (const file of files) {
    try {
      const module = (await import(pathToFileURL(file).href)) as { default: ScenarioSet };
      sets.push(module.default);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' && !String(error).includes('Failed to load')) throw error;
    }
  }
  return sets;
}
