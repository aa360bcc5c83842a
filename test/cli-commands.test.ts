import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { runCli } from './support/cli.js';
import { reportSchemaErrors } from './support/report-schema.js';
import { AREAS } from '../src/engine/check.js';
import { sarifSchemaErrors } from './support/sarif-schema.js';

const ANSI = /\u001b\[/;

describe('cowork-audit on this machine (live)', () => {
  it('the default command scans with the recommended baseline and writes a valid JSON report', () => {
    const run = runCli(['--format', 'json', '--output', '-', '--fail-on', 'none']);
    expect(run.stderr).not.toMatch(/internal error|at .*\.mjs:\d+/);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { target: { kind: string }; baseline: { id: string }; results: unknown[] };
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.target.kind).toBe('live');
    expect(report.baseline.id).toBe('recommended');
    expect(report.results).toHaveLength(BUILTIN_CHECKS.length);
  });

  it('prints a table with a score and the gate result, without colour when not on a terminal', () => {
    const run = runCli([], { env: { NO_COLOR: '' } });
    expect([0, 1]).toContain(run.code);
    expect(run.stdout).toMatch(/Score \d+\/100/);
    expect(run.stdout).toMatch(/Result: (PASS|FAIL)/);
    expect(run.stdout).not.toMatch(ANSI);
  });

  it('--only narrows the scan and --skip removes checks', () => {
    const only = JSON.parse(runCli(['--only', 'credentials.long-lived-keys', '--format', 'json', '--output', '-', '--fail-on', 'none']).stdout) as { results: { checkId: string }[] };
    expect(only.results.map((result) => result.checkId)).toEqual(['credentials.long-lived-keys']);
    const skip = JSON.parse(runCli(['--skip', 'credentials', '--format', 'json', '--output', '-', '--fail-on', 'none']).stdout) as { results: { checkId: string }[] };
    expect(skip.results.length).toBeGreaterThan(0);
    expect(skip.results.filter((result) => result.checkId.startsWith('credentials.'))).toEqual([]);
    const none = JSON.parse(runCli(['--skip', AREAS.join(','), '--format', 'json', '--output', '-']).stdout) as { results: unknown[] };
    expect(none.results).toEqual([]);
  });
});

describe('usage errors exit 2 with a message and no stack trace', () => {
  it.each([
    [['--no-such-flag'], /unknown option '--no-such-flag'/],
    [['scan', '--fail-on', 'severe'], /Allowed choices are critical, high, medium, low, none/],
    [['scan', '--format', 'pdf'], /unknown format pdf/],
    [['scan', '--only', 'nosuch'], /unknown check id or area: nosuch/],
    [['scan', '--baseline', 'nosuch'], /baseline "nosuch" is neither a built-in baseline/],
    [['scan', '--replay', 'fixtures/none'], /replay fixture .*endpoint\.yaml/],
    [['checks', 'explain', 'credentials.nope'], /unknown check "credentials\.nope"/],
    [['scan', '--user', 'no-such-user-xyz'], /--user no-such-user-xyz: no such account on this machine/],
    [['baseline', 'show', 'nosuch.yaml'], /nor a readable file/],
  ])('%j', (args, message) => {
    const run = runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('checks and baseline commands', () => {
  it('checks list names every check; --json gives the metadata', () => {
    const run = runCli(['checks', 'list']);
    expect(run.code).toBe(0);
    for (const check of BUILTIN_CHECKS) expect(run.stdout).toContain(check.meta.id);
    const json = JSON.parse(runCli(['checks', 'list', '--json']).stdout) as { id: string; source: string }[];
    expect(json.map((item) => item.id)).toEqual(BUILTIN_CHECKS.map((check) => check.meta.id));
    expect(json.every((item) => item.source === 'built-in')).toBe(true);
  });

  it('checks explain prints rationale, params with defaults and references', () => {
    const run = runCli(['checks', 'explain', 'credentials.agent-user-access']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('agentUser (string, default "")');
    expect(run.stdout).toMatch(/Why\n {2}Running an agent/);
    expect(run.stdout).toContain('References');
  });

  it('baseline list and show give the effective baseline after extends', () => {
    expect(runCli(['baseline', 'list']).stdout).toMatch(/recommended .*\nstrict /);
    const shown = parse(runCli(['baseline', 'show', 'strict']).stdout) as { id: string; checks: Record<string, { severity: string; params: Record<string, unknown> }> };
    expect(shown.id).toBe('strict');
    expect(shown.checks['credentials.file-permissions']?.severity).toBe('critical');
    expect(shown.checks['credentials.agent-user-access']?.params).toEqual({ agentUser: '' });
  });

  it('baseline validate accepts a good file and rejects a bad one with file:line:column and key path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cowork-cli-'));
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, 'id: good\nextends: recommended\nparams:\n  agentUser: claude\n');
    const ok = runCli(['baseline', 'validate', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid baseline "good"');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: bad\nchecks:\n  credentials.file-permissions:\n    severity: urgent\n');
    const failed = runCli(['baseline', 'validate', bad]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain(`${bad}:4:5: checks.credentials.file-permissions.severity: expected one of critical, high, medium, low, info`);
    expect(readFileSync(bad, 'utf8')).toContain('urgent');
  });
});

describe('every report format through the CLI', () => {
  it('writes json, sarif, junit, html, md and ndjson, and the remediation scripts, into --output only', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cowork-formats-'));
    const run = runCli(['scan', '--replay', 'fixtures/endpoints/linux-weak', '--format', 'table,json,sarif,junit,html,md,ndjson', '--output', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Result: FAIL/);
    expect(readdirSync(out).sort()).toEqual(
      ['cowork-audit.html', 'cowork-audit.json', 'cowork-audit.junit.xml', 'cowork-audit.md', 'cowork-audit.ndjson', 'cowork-audit.sarif', 'remediate.ps1', 'remediate.sh'].sort(),
    );
    const report = JSON.parse(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8')) as { results: { checkId: string }[] };
    expect(reportSchemaErrors(report)).toEqual([]);
    const sarif = JSON.parse(readFileSync(path.join(out, 'cowork-audit.sarif'), 'utf8')) as { runs: { invocations: { exitCode: number }[] }[] };
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0]?.invocations[0]?.exitCode).toBe(1);
    const lines = readFileSync(path.join(out, 'cowork-audit.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { check_id: string }).check_id)).toEqual(report.results.map((result) => result.checkId));
    expect(readFileSync(path.join(out, 'cowork-audit.junit.xml'), 'utf8').match(/<testcase /g)).toHaveLength(report.results.length);
    expect(readFileSync(path.join(out, 'cowork-audit.md'), 'utf8')).toMatch(/FAIL/);
    expect(readFileSync(path.join(out, 'cowork-audit.html'), 'utf8')).toContain('Content-Security-Policy');
  });

  it('--output - writes the one requested format to stdout', () => {
    const run = runCli(['scan', '--replay', 'fixtures/endpoints/darwin-hardened', '--format', 'sarif', '--output', '-']);
    expect(run.code).toBe(0);
    expect(sarifSchemaErrors(JSON.parse(run.stdout))).toEqual([]);
    expect(runCli(['scan', '--format', 'json,sarif', '--output', '-']).code).toBe(2);
  });
});

describe('output into a closed pipe', () => {
  it('is not a crash when the reader stops early (| head)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI } = await import('./support/cli.js');
    const run = spawnSync('bash', ['-c', `set -o pipefail; "$0" "$1" scan --replay fixtures/endpoints/linux-weak --format json --output - | true`, process.execPath, CLI], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.mjs/);
    expect([0, 1]).toContain(run.status);
  });
});
