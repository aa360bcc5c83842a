import { describe, expect, it } from 'vitest';
import { defineCheck, type AnyCheck } from '../src/engine/check.js';
import { defineCollector } from '../src/engine/collector.js';
import { string } from '../src/engine/params-schema.js';
import { runChecks } from '../src/engine/runner.js';
import { ReplayHost } from '../src/host/replay-host.js';

const host = new ReplayHost({ platform: 'linux', users: [], files: {} });

function check(id: string, overrides: Partial<AnyCheck> & Pick<AnyCheck, 'uses' | 'evaluate'>): AnyCheck {
  return defineCheck({
    meta: { id, title: id, area: 'credentials', severity: 'high', platforms: ['linux'], targets: ['replay'], rationale: '', references: [], fix: 'fix it' },
    params: {},
    ...overrides,
  }) as AnyCheck;
}

describe('runChecks', () => {
  it('runs a shared collector once for every check that uses it, concurrently', async () => {
    let calls = 0;
    let running = 0;
    let peak = 0;
    const shared = defineCollector({
      id: 'shared',
      description: 'counts',
      async collect() {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return 42;
      },
    });
    const slow = (id: string) =>
      check(id, {
        uses: [shared],
        async evaluate(facts) {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 20));
          running -= 1;
          return { status: 'pass', message: String(facts.get(shared)) };
        },
      });
    const { results } = await runChecks({ host, checks: ['credentials.a', 'credentials.b', 'credentials.c'].map((id) => ({ check: slow(id), severity: 'high', params: {} })) });
    expect(calls).toBe(1);
    expect(peak).toBeGreaterThan(1);
    expect(results.map((result) => [result.status, result.message])).toEqual([['pass', '42'], ['pass', '42'], ['pass', '42']]);
  });

  it('shares facts between copies of one collector (same id), as a plugin bundling the SDK has', async () => {
    let calls = 0;
    const make = () => defineCollector({ id: 'target-users', description: '', collect: async () => { calls += 1; return 'users'; } });
    const builtIn = make();
    const pluginCopy = make();
    await runChecks({
      host,
      checks: [
        { check: check('credentials.built-in', { uses: [builtIn], evaluate: (facts) => ({ status: 'pass', message: String(facts.get(builtIn)) }) }), severity: 'high', params: {} },
        { check: check('custom.acme.plugin', { uses: [pluginCopy], evaluate: (facts) => ({ status: 'pass', message: String(facts.get(pluginCopy)) }) }), severity: 'high', params: {} },
      ],
    });
    expect(calls).toBe(1);
  });

  it('turns a throwing collector into an error naming the collector, and the scan completes', async () => {
    const broken = defineCollector({ id: 'broken-evidence', description: '', collect: async () => { throw new Error('parse failure at line 3'); } });
    const fine = defineCollector({ id: 'fine', description: '', collect: async () => 'ok' });
    const { results } = await runChecks({
      host,
      checks: [
        { check: check('credentials.uses-broken', { uses: [broken], evaluate: () => ({ status: 'pass', message: '' }) }), severity: 'high', params: {} },
        { check: check('credentials.uses-fine', { uses: [fine], evaluate: () => ({ status: 'pass', message: 'fine' }) }), severity: 'high', params: {} },
      ],
    });
    expect(results[0]).toMatchObject({ status: 'error', error: { origin: 'collector "broken-evidence"' } });
    expect(results[0]?.message).toContain('credentials.uses-broken');
    expect(results[0]?.message).toContain('parse failure at line 3');
    expect(results[1]).toMatchObject({ status: 'pass', message: 'fine' });
  });

  it('names the first collector when one collector fails because another did', async () => {
    const root = defineCollector({ id: 'root-cause', description: '', collect: async () => { throw new Error('boom'); } });
    const dependent = defineCollector({ id: 'dependent', description: '', collect: async ({ get }) => get(root) });
    const { results } = await runChecks({ host, checks: [{ check: check('credentials.x', { uses: [dependent], evaluate: () => ({ status: 'pass', message: '' }) }), severity: 'low', params: {} }] });
    expect(results[0]?.error?.origin).toBe('collector "root-cause"');
  });

  it('turns a throwing or hanging check into an error naming the check', async () => {
    const none = defineCollector({ id: 'none', description: '', collect: async () => null });
    const { results } = await runChecks({
      host,
      checkTimeoutMs: 50,
      collectorTimeoutMs: 50,
      checks: [
        { check: check('credentials.throws', { uses: [none], evaluate: () => { throw new TypeError('x is undefined'); } }), severity: 'high', params: {} },
        { check: check('credentials.hangs', { uses: [none], evaluate: () => new Promise(() => undefined) }), severity: 'high', params: {} },
        { check: check('credentials.slow-evidence', { uses: [defineCollector({ id: 'never', description: '', collect: () => new Promise(() => undefined) })], evaluate: () => ({ status: 'pass', message: '' }) }), severity: 'high', params: {} },
      ],
    });
    expect(results[0]).toMatchObject({ status: 'error', error: { origin: 'check "credentials.throws"' } });
    expect(results[1]).toMatchObject({ status: 'error', error: { origin: 'check "credentials.hangs"' } });
    expect(results[1]?.message).toContain('did not finish within 50 ms');
    expect(results[2]).toMatchObject({ status: 'error', error: { origin: 'collector "never"' } });
  });

  it('refuses facts a check did not declare', async () => {
    const declared = defineCollector({ id: 'declared', description: '', collect: async () => 1 });
    const undeclared = defineCollector({ id: 'undeclared', description: '', collect: async () => 2 });
    const { results } = await runChecks({ host, checks: [{ check: check('credentials.sneaky', { uses: [declared], evaluate: (facts) => ({ status: 'pass', message: String(facts.get(undeclared)) }) }), severity: 'high', params: {} }] });
    expect(results[0]?.status).toBe('error');
    expect(results[0]?.message).toContain('without declaring it');
  });

  it('skips checks for other platforms and target kinds with the reason', async () => {
    const any = defineCollector({ id: 'any', description: '', collect: async () => 1 });
    const darwinOnly = check('credentials.mac', { uses: [any], evaluate: () => ({ status: 'pass', message: '' }) });
    const liveOnly = check('credentials.live', { uses: [any], evaluate: () => ({ status: 'pass', message: '' }) });
    const { results } = await runChecks({
      host,
      checks: [
        { check: { ...darwinOnly, meta: { ...darwinOnly.meta, platforms: ['darwin'] } }, severity: 'high', params: {} },
        { check: { ...liveOnly, meta: { ...liveOnly.meta, targets: ['live'] } }, severity: 'high', params: {} },
      ],
    });
    expect(results.map((result) => [result.status, result.message])).toEqual([
      ['skipped', 'not applicable on linux (checks darwin)'],
      ['skipped', 'not applicable to replay targets (checks live)'],
    ]);
  });

  it('passes validated params through and builds the remediation from finding actions', async () => {
    const any = defineCollector({ id: 'any2', description: '', collect: async () => 1 });
    const withParams = defineCheck({
      meta: { id: 'credentials.params', title: 't', area: 'credentials', severity: 'high', platforms: ['linux'], targets: ['replay'], rationale: '', references: [], fix: 'the fix' },
      params: { who: string('who', 'nobody') },
      uses: [any],
      evaluate: (_facts, params) => ({
        status: 'fail',
        message: params.who,
        findings: [
          { message: 'a', actions: [{ kind: 'chmod', path: '/x', mode: '0600' }] },
          { message: 'b', actions: [{ kind: 'chmod', path: '/x', mode: '0600' }, { kind: 'chown', path: '/x', user: 'alice' }] },
        ],
      }),
    }) as unknown as AnyCheck;
    const { results } = await runChecks({ host, checks: [{ check: withParams, severity: 'medium', params: { who: 'alice' } }] });
    expect(results[0]).toMatchObject({ status: 'fail', message: 'alice', severity: 'medium' });
    expect(results[0]?.remediation).toEqual({ summary: 'the fix', actions: [{ kind: 'chmod', path: '/x', mode: '0600' }, { kind: 'chown', path: '/x', user: 'alice' }] });
  });
});
