import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { fakeSecrets, type ExpectedFinding } from '../checks/scenario-kit.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import type { ResultFinding } from '../src/engine/result.js';
import { runChecks } from '../src/engine/runner.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { loadScenarioSets } from './support/scenarios.js';

const sets = await loadScenarioSets();
const secrets = Object.values(fakeSecrets).map((make) => make());

function matches(finding: ResultFinding, expected: ExpectedFinding): boolean {
  if (expected.path !== undefined && finding.location?.path !== expected.path) return false;
  if (expected.line !== undefined && finding.location?.line !== expected.line) return false;
  if (expected.subject !== undefined && finding.subject !== expected.subject) return false;
  if (expected.message !== undefined) {
    const ok = typeof expected.message === 'string' ? finding.message.includes(expected.message) : expected.message.test(finding.message);
    if (!ok) return false;
  }
  if (expected.actions) {
    const kinds: string[] = (finding.actions ?? []).map((action) => action.kind);
    if (!expected.actions.every((kind) => kinds.includes(kind))) return false;
  }
  return true;
}

describe.each(sets.map((set) => [set.checkId, set] as const))('%s scenarios', (checkId, set) => {
  const check = BUILTIN_CHECKS.find((candidate) => candidate.meta.id === checkId);
  it.each(set.scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    expect(check, `no check ${checkId}`).toBeDefined();
    if (!check) return;
    const host = new ReplayHost(scenario.endpoint);
    const { results } = await runChecks({
      host,
      checks: [{ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), ...scenario.params } }],
      ...(scenario.user ? { user: scenario.user } : {}),
    });
    const result = results[0];
    expect(result?.error, JSON.stringify(result?.error)).toBeUndefined();
    expect(result?.status, result?.message).toBe(scenario.expect.status);
    if (!result) return;
    if (scenario.expect.message) {
      if (typeof scenario.expect.message === 'string') expect(result.message).toContain(scenario.expect.message);
      else expect(result.message).toMatch(scenario.expect.message);
    }
    if (scenario.expect.findings) {
      const described = JSON.stringify(result.findings.map((f) => [f.location?.path, f.message]), null, 1);
      expect(result.findings.length, described).toBe(scenario.expect.findings.length);
      for (const expected of scenario.expect.findings) {
        expect(result.findings.some((finding) => matches(finding, expected)), `${JSON.stringify(expected, (_k, v) => (v instanceof RegExp ? String(v) : v))} in ${described}`).toBe(true);
      }
    }
    // No scenario may leak a planted secret into a result.
    const text = JSON.stringify(result);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
