import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { renderChecksDoc } from '../src/docs/checks-doc.js';
import { runCli } from './support/cli.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';
import { REPO_ROOT } from './support/scenarios.js';

afterAll(removeTempDirs);

const PLUGIN = path.join(REPO_ROOT, 'fixtures/plugins/acme-plugin.mjs');
const CUSTOM = path.join(REPO_ROOT, 'fixtures/custom-checks');

interface Result {
  checkId: string;
  status: string;
  severity: string;
  message: string;
  findings: { message: string; location?: { path: string; line?: number } }[];
  waiver?: { reason: string };
}

function image(files: Record<string, string>): string {
  const root = makeTempDir('custom-cli');
  for (const [file, content] of Object.entries(files)) writeFileAt(path.join(root, file), content);
  return root;
}

function results(stdout: string): Map<string, Result> {
  const report = JSON.parse(stdout) as { results: Result[] };
  return new Map(report.results.map((result) => [result.checkId, result]));
}

describe('docs/checks.md', () => {
  it('is up to date with the check metadata (run `npm run docs` after changing a check)', () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'docs/checks.md'), 'utf8');
    expect(committed, 'docs/checks.md is out of date: run `npm run docs` and commit the result').toBe(renderChecksDoc(BUILTIN_CHECKS));
  });

  it('is what the built CLI prints with `checks docs`', () => {
    const run = runCli(['checks', 'docs']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(renderChecksDoc(BUILTIN_CHECKS));
    for (const check of BUILTIN_CHECKS) expect(run.stdout).toContain(`## ${check.meta.id}\n`);
  });
});

describe('declarative checks through the CLI (--checks)', () => {
  const args = ['--checks', CUSTOM, '--only', 'custom.acme.claude-no-bypass,custom.acme.motd-present', '--format', 'json', '--output', '-'];

  it('pass on an image that meets them and fail with file:line on one that does not', () => {
    const good = runCli(['--root', image({ 'etc/motd': 'hello\n', 'etc/claude-code/managed-settings.json': '{ "permissions": { "defaultMode": "default" } }\n' }), ...args]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect([...results(good.stdout).values()].map((result) => result.status)).toEqual(['pass', 'pass']);

    const bad = runCli(['--root', image({ 'etc/claude-code/managed-settings.json': '{\n  "permissions": {\n    "defaultMode": "bypassPermissions"\n  }\n}\n' }), ...args]);
    expect(bad.code).toBe(1);
    const found = results(bad.stdout);
    expect(found.get('custom.acme.claude-no-bypass')?.findings[0]?.location).toEqual({ path: '/etc/claude-code/managed-settings.json', line: 3 });
    expect(found.get('custom.acme.motd-present')?.status).toBe('fail');
  });

  it('can be named by a baseline: severity and waivers validate against them', () => {
    const dir = makeTempDir('custom-baseline');
    const baseline = writeFileAt(path.join(dir, 'acme.yaml'), [
      'id: acme',
      'extends: recommended',
      'checks:',
      '  custom.acme.motd-present: { severity: critical }',
      'waivers:',
      '  - check: custom.acme.claude-no-bypass',
      '    reason: pilot machines',
      '    expires: 2999-12-31',
      '',
    ].join('\n'));
    const run = runCli(['--root', image({}), ...args, '--baseline', baseline]);
    const found = results(run.stdout);
    expect(found.get('custom.acme.motd-present')).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(found.get('custom.acme.claude-no-bypass')).toMatchObject({ status: 'waived', waiver: { reason: 'pilot machines' } });
    const unknown = runCli(['--root', image({}), '--baseline', baseline, '--format', 'json', '--output', '-']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/acme\.yaml:4:\d+: checks\.custom\.acme\.motd-present: unknown check id/);
  });

  it('a baseline can include a folder of custom checks, relative to itself', () => {
    const dir = makeTempDir('custom-include');
    writeFileAt(path.join(dir, 'controls/acme.yaml'), readFileSync(path.join(CUSTOM, 'acme.yaml'), 'utf8'));
    const baseline = writeFileAt(path.join(dir, 'acme.yaml'), 'id: acme\nextends: recommended\ninclude: [controls]\nchecks:\n  custom.acme.motd-present: { severity: critical }\n');
    const run = runCli(['--root', image({}), '--baseline', baseline, '--only', 'monitoring', '--format', 'json', '--output', '-'], { cwd: REPO_ROOT });
    expect(run.stderr).toBe('');
    expect(results(run.stdout).get('custom.acme.motd-present')).toMatchObject({ status: 'fail', severity: 'critical' });
    const validate = runCli(['baseline', 'validate', baseline]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('valid baseline "acme"');

    const missing = writeFileAt(path.join(dir, 'missing.yaml'), 'id: m\nextends: recommended\ninclude:\n  - nowhere\n');
    const bad = runCli(['--root', image({}), '--baseline', missing]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${missing}:4: include nowhere: cannot read the folder (ENOENT)`);
    const notList = writeFileAt(path.join(dir, 'not-list.yaml'), 'id: n\nextends: recommended\ninclude: controls\n');
    expect(runCli(['baseline', 'validate', notList]).stderr).toContain(`${notList}:3:1: include: expected a list of folders of custom checks`);
  });

  it('exit 2 with file:line and key path for an invalid file', () => {
    const dir = makeTempDir('custom-invalid');
    writeFileAt(path.join(dir, 'bad.yml'), 'checks:\n  - id: custom.acme.x\n    title: t\n    area: agent\n    severity: high\n    platforms: [linux]\n    rationale: r\n    fix: f\n    type: json-key\n    path: /etc/x.json\n    key: a\n    matches: "[unclosed"\n');
    const run = runCli(['--checks', dir, '--root', image({})]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(dir, 'bad.yml')}:12:5: checks[0].matches: invalid regular expression`);
    expect(runCli(['--checks', path.join(dir, 'missing')]).stderr).toMatch(/--checks .*missing: cannot read the folder \(ENOENT\)/);
  });

  it('checks list shows the source of every check, and checks explain works for a custom one', () => {
    const list = runCli(['checks', 'list', '--checks', CUSTOM, '--plugin', PLUGIN]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^credentials\.file-permissions .*\[built-in\]$/m);
    expect(list.stdout).toContain(`[${path.join(CUSTOM, 'acme.yaml')}:3]`);
    expect(list.stdout).toMatch(new RegExp(`^custom\\.acme\\.login-banner .*\\[${PLUGIN.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\]$`, 'm'));
    const explain = runCli(['checks', 'explain', 'custom.acme.claude-no-bypass', '--checks', CUSTOM]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('Acme forbids agents that act without asking');
    expect(explain.stdout).toContain('Claude Code settings <https://docs.anthropic.com/en/docs/claude-code/settings>');
    const plugin = runCli(['checks', 'explain', 'custom.acme.login-banner', '--plugin', PLUGIN]);
    expect(plugin.stdout).toContain('strict (boolean, default false): Also require the word "monitored".');
    expect(runCli(['checks', 'explain', 'custom.acme.login-banner']).code).toBe(2);
  });
});

describe('plugins through the CLI (--plugin)', () => {
  const args = ['--plugin', PLUGIN, '--only', 'monitoring', '--format', 'json', '--output', '-', '--fail-on', 'none'];

  it('runs a plugin built on cowork-audit/sdk end to end; a throw in evaluate is that check\'s error', () => {
    const good = results(runCli(['--root', image({ 'etc/motd': 'Acceptable use applies.\n' }), ...args]).stdout);
    expect(good.get('custom.acme.login-banner')?.status).toBe('pass');
    const broken = good.get('custom.acme.broken');
    expect(broken?.status).toBe('error');
    expect(broken?.message).toContain('acme plugin bug');
    const bad = results(runCli(['--root', image({ 'etc/motd': 'welcome\n' }), ...args]).stdout);
    expect(bad.get('custom.acme.login-banner')).toMatchObject({ status: 'fail', findings: [{ message: 'no acceptable-use notice in /etc/motd' }] });
  });

  it('a plugin that throws while loading is exit 2 naming the file', () => {
    const file = path.join(REPO_ROOT, 'fixtures/plugins/throws-at-load.mjs');
    const run = runCli(['--plugin', file, '--root', image({})]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--plugin ${file}: failed to load: acme plugin cannot start`);
  });

  it('a plugin may not reuse a built-in id or area namespace', () => {
    const dir = makeTempDir('plugin-bad');
    const file = writeFileAt(path.join(dir, 'p.mjs'), `export default { meta: { id: 'network.mine', title: 't', area: 'network', severity: 'low', platforms: ['linux'], targets: ['root'], rationale: 'r', fix: 'f', references: [] }, params: {}, uses: [], evaluate() { return { status: 'pass', message: 'ok' }; } };\n`);
    const run = runCli(['--plugin', file, '--root', image({})]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"network.mine" starts with the built-in area "network"');
  });
});
