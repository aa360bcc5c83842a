import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { builtinBaselineNames, loadBaseline } from '../src/baseline/load-baseline.js';
import { AREAS } from '../src/engine/check.js';
import { defaultsOf, validateParams, type SchemaIssue } from '../src/engine/params-schema.js';
import { SEVERITIES } from '../src/engine/severity.js';
import { checkFiles, loadScenarioSets } from './support/scenarios.js';

const sets = await loadScenarioSets();

describe('check registry', () => {
  it('equals the check files under checks/<area>/', () => {
    const fromFiles = checkFiles().map((file) => `${file.area}.${file.name}`).sort();
    const registered = BUILTIN_CHECKS.map((check) => check.meta.id).sort();
    expect(registered).toEqual(fromFiles);
  });

  it('has unique ids', () => {
    const ids = BUILTIN_CHECKS.map((check) => check.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe.each(BUILTIN_CHECKS.map((check) => [check.meta.id, check] as const))('%s', (id, check) => {
  it('has complete metadata whose id matches its area and file', () => {
    const [area, name] = id.split('.');
    expect(check.meta.area).toBe(area);
    expect(AREAS).toContain(check.meta.area);
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(SEVERITIES).toContain(check.meta.severity);
    expect(check.meta.platforms.length).toBeGreaterThan(0);
    expect(check.meta.targets.length).toBeGreaterThan(0);
    expect(check.meta.title.length).toBeGreaterThan(10);
    expect(check.meta.rationale.length).toBeGreaterThan(80);
    expect(check.meta.fix.length).toBeGreaterThan(20);
    expect(check.meta.references.length).toBeGreaterThan(0);
    expect(check.uses.length).toBeGreaterThan(0);
  });

  it('has defaults that validate against its own params schema', () => {
    const issues: SchemaIssue[] = [];
    validateParams(check.params, defaultsOf(check.params), [], issues);
    expect(issues).toEqual([]);
  });

  it('has a pass and a fail scenario on every platform it claims', () => {
    const set = sets.find((candidate) => candidate.checkId === id);
    expect(set, `checks/${id.replace('.', '/')}.scenarios.ts`).toBeDefined();
    for (const platform of check.meta.platforms) {
      const statuses = new Set(set?.scenarios.filter((scenario) => scenario.platform === platform && scenario.endpoint.platform === platform).map((scenario) => scenario.expect.status));
      expect([...statuses], `${id} on ${platform}`).toEqual(expect.arrayContaining(['pass', 'fail']));
    }
  });

  it('never touches the machine itself: no fs, child_process, execa or host implementation imports', () => {
    const file = checkFiles().find((entry) => `${entry.area}.${entry.name}` === id)?.file;
    const source = readFileSync(file ?? '', 'utf8');
    expect(source).not.toMatch(/from\s+['"](node:)?(fs|fs\/promises|child_process)['"]/);
    expect(source).not.toMatch(/from\s+['"]execa['"]/);
    expect(source).not.toMatch(/(live|root|replay)-host\.js['"]/);
    expect(source).not.toMatch(/\bprocess\.(env|cwd|platform)\b/);
    expect(source).not.toMatch(/\b(Date\.now|new Date|Math\.random)\b/);
  });
});

describe('built-in baselines', () => {
  it.each(builtinBaselineNames())('%s validates and names only known checks', (name) => {
    const baseline = loadBaseline(name, BUILTIN_CHECKS);
    expect(baseline.id).toBe(name);
    for (const id of baseline.checks.keys()) expect(BUILTIN_CHECKS.map((check) => check.meta.id)).toContain(id);
  });

  it('include recommended and strict, and strict is stricter', () => {
    expect(builtinBaselineNames()).toEqual(expect.arrayContaining(['recommended', 'strict']));
    const recommended = loadBaseline('recommended', BUILTIN_CHECKS);
    const strict = loadBaseline('strict', BUILTIN_CHECKS);
    const rank = (severity: string | undefined) => SEVERITIES.length - SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);
    for (const check of BUILTIN_CHECKS) {
      const r = recommended.checks.get(check.meta.id)?.severity ?? check.meta.severity;
      const s = strict.checks.get(check.meta.id)?.severity ?? check.meta.severity;
      expect(rank(s), check.meta.id).toBeGreaterThanOrEqual(rank(r));
    }
  });
});
