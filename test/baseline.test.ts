import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { applyWaivers } from '../src/baseline/apply-waivers.js';
import { BaselineError, loadBaseline } from '../src/baseline/load-baseline.js';
import { planChecks } from '../src/baseline/plan.js';
import { defineCheck, type AnyCheck } from '../src/engine/check.js';
import { record, stringList } from '../src/engine/params-schema.js';
import type { CheckResult } from '../src/engine/result.js';
import { UsageError } from '../src/util/usage-error.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cowork-baseline-'));
function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

function issuesOf(text: string, name = 'b.yaml'): string[] {
  try {
    loadBaseline(file(name, text), BUILTIN_CHECKS);
  } catch (error) {
    if (error instanceof BaselineError) return error.issues.map((issue) => `${path.basename(issue.file)}:${issue.line}: ${issue.keyPath}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('loadBaseline', () => {
  it('extends a built-in baseline and merges params, severities and waivers', () => {
    const baseline = loadBaseline(
      file(
        'corp.yaml',
        [
          'id: corp',
          'extends: strict',
          'params:',
          '  agentUser: claude',
          'checks:',
          '  credentials.long-lived-keys:',
          '    severity: low',
          '    params: { allowedStores: [pgpass] }',
          '  credentials.secrets-in-shell-profiles:',
          '    enabled: false',
          'waivers:',
          '  - check: credentials.file-permissions',
          '    reason: build agents share a group',
          '    expires: 2030-01-31',
          '    hosts: [build-*]',
        ].join('\n'),
      ),
      BUILTIN_CHECKS,
    );
    expect(baseline.id).toBe('corp');
    expect(baseline.sha256).toMatch(/^[0-9a-f]{64}$/);
    const planned = new Map(planChecks(BUILTIN_CHECKS, baseline).map((item) => [item.check.meta.id, item]));
    expect(planned.has('credentials.secrets-in-shell-profiles')).toBe(false);
    expect(planned.get('credentials.long-lived-keys')?.severity).toBe('low');
    expect(planned.get('credentials.long-lived-keys')?.params.allowedStores).toEqual(['pgpass']);
    // Inherited from strict: critical file permissions; shared param reaches the check that takes it.
    expect(planned.get('credentials.file-permissions')?.severity).toBe('critical');
    expect(planned.get('credentials.agent-user-access')?.params.agentUser).toBe('claude');
    expect(baseline.waivers[0]).toMatchObject({ check: 'credentials.file-permissions', expires: '2030-01-31', hosts: ['build-*'] });
    expect(baseline.waivers[0]?.source).toMatch(/corp\.yaml:12$/);
  });

  it('rejects unknown keys, unknown checks, wrong types and bad dates with file, line and key path', () => {
    const issues = issuesOf(
      [
        'id: bad',
        'colour: blue',
        'params:',
        '  agentUsr: claude',
        'checks:',
        '  credentials.file-permission:',
        '    severity: high',
        '  credentials.long-lived-keys:',
        '    severity: urgent',
        '    params:',
        '      allowedStores: pgpass',
        '      maxAge: 3',
        '  credentials.file-permissions:',
        '    enabled: "yes"',
        'waivers:',
        '  - check: credentials.file-permissions',
        '    reason: ""',
        '    expires: 2026-02-30',
      ].join('\n'),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^b\.yaml:2: colour: unknown key/),
        expect.stringMatching(/^b\.yaml:4: params\.agentUsr: no check takes a parameter "agentUsr"/),
        expect.stringMatching(/^b\.yaml:6: checks\.credentials\.file-permission: unknown check id/),
        expect.stringMatching(/^b\.yaml:9: checks\.credentials\.long-lived-keys\.severity: expected one of critical/),
        expect.stringMatching(/^b\.yaml:11: checks\.credentials\.long-lived-keys\.params\.allowedStores: expected a list/),
        expect.stringMatching(/^b\.yaml:12: checks\.credentials\.long-lived-keys\.params\.maxAge: unknown parameter/),
        expect.stringMatching(/^b\.yaml:14: checks\.credentials\.file-permissions\.enabled: expected true or false/),
        expect.stringMatching(/^b\.yaml:17: waivers\[0\]\.reason: a waiver needs a reason/),
        expect.stringMatching(/^b\.yaml:18: waivers\[0\]\.expires: .*YYYY-MM-DD/),
      ]),
    );
    expect(issues).toHaveLength(9);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(issuesOf('id: x\nchecks:\n  a: [1,\n')).toEqual([expect.stringMatching(/^b\.yaml:\d+: : /)]);
    expect(issuesOf('id: x\nid: y\n')).toEqual([expect.stringMatching(/^b\.yaml:2: : Map keys must be unique/)]);
  });

  it('rejects a baseline without an id, a non-mapping, and a waiver for an unknown check', () => {
    expect(issuesOf('title: nameless\n')).toEqual([expect.stringContaining(': id: a baseline needs an id')]);
    expect(issuesOf('- a\n- b\n')).toEqual([expect.stringContaining('a baseline is a YAML mapping')]);
    expect(issuesOf('id: w\nwaivers:\n  - check: nope.nothing\n    reason: r\n    expires: 2030-01-01\n')).toEqual([
      expect.stringMatching(/b\.yaml:3: waivers\[0\]\.check: unknown check id "nope\.nothing"/),
    ]);
  });

  it('detects extends cycles and names missing files', () => {
    file('a.yaml', 'id: a\nextends: c.yaml\n');
    file('c.yaml', 'id: c\nextends: a.yaml\n');
    expect(() => loadBaseline(path.join(dir, 'a.yaml'), BUILTIN_CHECKS)).toThrow(/extends cycle/);
    expect(() => loadBaseline(path.join(dir, 'missing.yaml'), BUILTIN_CHECKS)).toThrow(UsageError);
    expect(() => loadBaseline('no-such-builtin', BUILTIN_CHECKS)).toThrow(/neither a built-in baseline \(recommended, strict\)/);
  });

  it('rejects unknown --only/--skip selectors and selects by area or id', () => {
    const baseline = loadBaseline('recommended', BUILTIN_CHECKS);
    expect(() => planChecks(BUILTIN_CHECKS, baseline, { only: ['credentials.nope'] })).toThrow(/unknown check id or area: credentials\.nope/);
    expect(planChecks(BUILTIN_CHECKS, baseline, { only: ['credentials'] })).toHaveLength(BUILTIN_CHECKS.filter((check) => check.meta.area === 'credentials').length);
    expect(planChecks(BUILTIN_CHECKS, baseline, { only: ['network'] }).map((item) => item.check.meta.area)).toEqual(['network', 'network', 'network', 'network', 'network', 'network']);
    const skipped = planChecks(BUILTIN_CHECKS, baseline, { skip: ['credentials.long-lived-keys'] }).map((item) => item.check.meta.id);
    expect(skipped).not.toContain('credentials.long-lived-keys');
    expect(skipped).toHaveLength(BUILTIN_CHECKS.length - 1);
  });
});

describe('applyWaivers', () => {
  const failing = (): CheckResult => ({
    checkId: 'credentials.file-permissions',
    title: 't',
    area: 'credentials',
    severity: 'high',
    status: 'fail',
    message: '2 problem(s)',
    references: [],
    findings: [
      { message: 'a', location: { path: '/home/alice/.aws/credentials' }, subject: 'alice' },
      { message: 'b', location: { path: '/home/bob/.netrc' }, subject: 'bob' },
    ],
  });
  const waiver = { check: 'credentials.file-permissions', reason: 'ticket SEC-1', expires: '2026-12-31', source: 'b.yaml:3' };

  it('waives a whole failing check until the end of the expiry day', () => {
    const [onLastDay] = applyWaivers([failing()], [waiver], { today: '2026-12-31' });
    expect(onLastDay?.status).toBe('waived');
    expect(onLastDay?.waiver).toMatchObject({ reason: 'ticket SEC-1', expires: '2026-12-31' });
    expect(onLastDay?.findings.every((finding) => finding.waived)).toBe(true);
  });

  it('an expired waiver waives nothing and is reported', () => {
    const [after] = applyWaivers([failing()], [waiver], { today: '2027-01-01' });
    expect(after?.status).toBe('fail');
    expect(after?.waiver).toMatchObject({ expired: true, expires: '2026-12-31' });
    expect(after?.message).toContain('waiver expired on 2026-12-31');
  });

  it('scopes by host pattern and by user', () => {
    const [otherHost] = applyWaivers([failing()], [{ ...waiver, hosts: ['build-*'] }], { today: '2026-01-01', hostname: 'laptop-7' });
    expect(otherHost?.status).toBe('fail');
    const [buildHost] = applyWaivers([failing()], [{ ...waiver, hosts: ['BUILD-*'] }], { today: '2026-01-01', hostname: 'build-12' });
    expect(buildHost?.status).toBe('waived');
    const [partial] = applyWaivers([failing()], [{ ...waiver, users: ['bob'] }], { today: '2026-01-01' });
    expect(partial?.status).toBe('fail');
    expect(partial?.findings.map((finding) => Boolean(finding.waived))).toEqual([false, true]);
    expect(partial?.message).toContain('1 of 2 findings waived');
  });

  it('never waives a check that errored or passed', () => {
    const errored: CheckResult = { ...failing(), status: 'error', findings: [] };
    expect(applyWaivers([errored], [waiver], { today: '2026-01-01' })[0]?.status).toBe('error');
  });
});

describe('mapping parameters (record)', () => {
  const check = defineCheck({
    meta: { id: 'firewall.example', title: 'example', area: 'firewall', severity: 'low', platforms: ['linux'], targets: ['live'], rationale: 'r', references: [], fix: 'f' },
    params: { egress: record('egress policy', { allow: stringList('allowed', ['192.0.2.1:443']), probes: stringList('probes', ['198.51.100.7:443']) }) },
    uses: [],
    evaluate: () => ({ status: 'pass', message: 'ok' }),
  }) as unknown as AnyCheck;
  const load = (name: string, text: string) => loadBaseline(file(name, text), [check]);

  it('fills the fields a baseline leaves out from the defaults, and an extending baseline merges field by field', () => {
    load('rec-parent.yaml', 'id: rec-parent\ntitle: p\nparams:\n  egress:\n    allow: [203.0.113.5:443]\n');
    const child = load('rec-child.yaml', 'id: rec-child\ntitle: c\nextends: ./rec-parent.yaml\nparams:\n  egress:\n    probes: [198.51.100.9:22]\n');
    const [planned] = planChecks([check], child);
    expect(planned?.params.egress).toEqual({ allow: ['203.0.113.5:443'], probes: ['198.51.100.9:22'] });
    const parent = load('rec-parent2.yaml', 'id: rec-parent2\ntitle: p\nparams:\n  egress:\n    allow: [203.0.113.5:443]\n');
    expect(planChecks([check], parent)[0]?.params.egress).toEqual({ allow: ['203.0.113.5:443'], probes: ['198.51.100.7:443'] });
  });

  it('rejects an unknown field and a wrong type inside the mapping with its key path and line', () => {
    let issues: string[] = [];
    try {
      load('rec-bad.yaml', 'id: rec-bad\ntitle: b\nparams:\n  egress:\n    allow: 443\n    probez: []\n');
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      issues = error.issues.map((issue) => `${issue.line}: ${issue.keyPath}: ${issue.message}`);
    }
    expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^5: params\.egress\.allow: expected a list/), expect.stringMatching(/^6: params\.egress\.probez: unknown parameter "probez"/)]));
  });
});

describe('containerDefinitionPaths', () => {
  it('takes absolute and ~/ folders, and refuses relative ones and .. with the key path and line', () => {
    expect(issuesOf('id: c1\ntitle: c\nchecks:\n  sandbox.container-hardening:\n    params:\n      containerDefinitionPaths: [/opt/agent-sandbox, "~/sandboxes"]\n', 'c1.yaml')).toEqual([]);
    expect(issuesOf('id: c2\ntitle: c\nchecks:\n  sandbox.container-hardening:\n    params:\n      containerDefinitionPaths: [sandboxes, /opt/../etc]\n', 'c2.yaml')).toEqual([
      expect.stringMatching(/^c2\.yaml:6: checks\.sandbox\.container-hardening\.params\.containerDefinitionPaths: sandboxes, \/opt\/\.\.\/etc: a folder must be absolute or start with ~\/, without \.\./),
    ]);
  });
});
