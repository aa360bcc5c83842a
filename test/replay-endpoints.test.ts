// Whole recorded endpoints (fixtures/endpoints/<name>/endpoint.yaml), replayed through the Host and
// scanned like a live machine, against expectations worked out by hand in <name>/expected.yaml.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchemaErrors } from './support/report-schema.js';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { loadBaseline, type Baseline } from '../src/baseline/load-baseline.js';
import type { CheckResult, ResultFinding } from '../src/engine/result.js';
import { ReplayHost, fragmentFiles, loadReplaySpec, type ReplaySpec } from '../src/host/replay-host.js';
import type { AuditReport } from '../src/report/report-model.js';
import { renderTable } from '../src/report/table-reporter.js';
import { renderJson } from '../src/report/write-reports.js';
import { scan } from '../src/scan/scan.js';
import { TOKEN_SHAPES } from '../src/secrets/token-shapes.js';

const ENDPOINTS_DIR = path.resolve(import.meta.dirname, '../fixtures/endpoints');
const REQUIRED = ['linux-weak', 'linux-hardened', 'darwin-weak', 'darwin-hardened', 'win32-weak', 'win32-hardened'];
/** Every recorded endpoint is tested, the six above at least. */
const ENDPOINTS = readdirSync(ENDPOINTS_DIR)
  .filter((name) => statSync(path.join(ENDPOINTS_DIR, name)).isDirectory())
  .sort();
const ASPECTS = ['findings', 'remediation'] as const;
type Aspect = (typeof ASPECTS)[number];

/** The baseline an organisation running its agent as `claude` would write. */
const AGENT_CLAUDE_BASELINE = `id: agent-claude
title: Recommended, with the desktop agent running as claude
extends: recommended
params:
  agentUser: claude
`;

interface ExpectedFinding {
  path?: string;
  line?: number;
  subject?: string;
  message?: string;
  actions?: string[];
}

interface ExpectedCheck {
  status: CheckResult['status'];
  message?: string;
  findings?: number;
  expect?: ExpectedFinding[];
  /** `commands`: the evidence is command output (scutil, netsh, the registry), not files, so findings are pinned by message. */
  evidence?: 'files' | 'commands';
}

interface KnownBug {
  check: string;
  aspect: Aspect;
  bug: string;
}

interface Expected {
  checks: Record<string, ExpectedCheck>;
  knownBugs?: KnownBug[] | null;
  secrets?: string[] | null;
}

interface RawManifest {
  platform: string;
  files?: Record<string, { contentFile?: string } | null>;
}

/** expected.yaml plus the per-area fragments in expected.d/ (checks and secrets; a check named twice is an error). */
function loadExpected(name: string): Expected {
  const expected = parseYaml(readFileSync(path.join(ENDPOINTS_DIR, name, 'expected.yaml'), 'utf8')) as Expected;
  for (const file of fragmentFiles(path.join(ENDPOINTS_DIR, name, 'expected.d'))) {
    const fragment = parseYaml(readFileSync(file, 'utf8')) as Partial<Expected> | null;
    for (const [id, check] of Object.entries(fragment?.checks ?? {})) {
      if (id in expected.checks) throw new Error(`${file}: ${id} is already expected`);
      expected.checks[id] = check;
    }
    expected.secrets = [...(expected.secrets ?? []), ...(fragment?.secrets ?? [])];
    expected.knownBugs = [...(expected.knownBugs ?? []), ...(fragment?.knownBugs ?? [])];
  }
  return expected;
}

/** endpoint.yaml and its endpoint.d/ fragments as written (contentFile not yet read). */
function loadRawManifest(name: string): RawManifest {
  const manifest = parseYaml(readFileSync(path.join(ENDPOINTS_DIR, name, 'endpoint.yaml'), 'utf8')) as RawManifest;
  for (const file of fragmentFiles(path.join(ENDPOINTS_DIR, name, 'endpoint.d'))) {
    const fragment = parseYaml(readFileSync(file, 'utf8')) as RawManifest | null;
    manifest.files = { ...(manifest.files ?? {}), ...(fragment?.files ?? {}) };
  }
  return manifest;
}

/** Files under a folder, as paths relative to it with `/`. */
function listFiles(folder: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = path.join(folder, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(full).isDirectory() ? listFiles(full, rel) : [rel];
  });
}

/** Every content the fixture holds, inline or from files/. */
function fixtureTexts(spec: ReplaySpec): string[] {
  return Object.values(spec.files ?? {}).flatMap((entry) => (typeof entry?.content === 'string' ? [entry.content] : []));
}

/** The secret values to look for: as planted, plus the password inside a base64 `user:password` (docker auths). */
function secretNeedles(secrets: readonly string[]): string[] {
  const needles = new Set(secrets);
  for (const secret of secrets) {
    if (!/^[A-Za-z0-9+/]{12,}={0,2}$/.test(secret)) continue;
    const decoded = Buffer.from(secret, 'base64').toString('utf8');
    const match = /^[\x21-\x7e]+:([\x21-\x7e]{8,})$/.exec(decoded);
    if (match?.[1]) needles.add(match[1]);
  }
  return [...needles];
}

/** Token-shaped strings in a text, by the same shapes the tool detects. */
function tokenShapedValues(text: string): string[] {
  return TOKEN_SHAPES.filter((shape) => !shape.markerOnly).flatMap((shape) =>
    [...text.matchAll(new RegExp(shape.pattern.source, `${shape.pattern.flags.replace('g', '')}g`))].map((m) => m[0]),
  );
}

function matches(finding: ResultFinding, expected: ExpectedFinding): boolean {
  if (expected.path !== undefined && finding.location?.path !== expected.path) return false;
  if (expected.line !== undefined && finding.location?.line !== expected.line) return false;
  if (expected.subject !== undefined && finding.subject !== expected.subject) return false;
  if (expected.message !== undefined && !finding.message.includes(expected.message)) return false;
  const kinds = (finding.actions ?? []).map((action) => action.kind as string);
  return (expected.actions ?? []).every((kind) => kinds.includes(kind));
}

/** Pairs each expectation with a different finding (bipartite matching); returns the expectations left unmatched. */
function unmatched(findings: readonly ResultFinding[], expectations: readonly ExpectedFinding[]): ExpectedFinding[] {
  const owner = new Array<number>(findings.length).fill(-1);
  const assign = (index: number, seen: Set<number>): boolean => {
    for (let f = 0; f < findings.length; f += 1) {
      if (seen.has(f) || !matches(findings[f] as ResultFinding, expectations[index] as ExpectedFinding)) continue;
      seen.add(f);
      if (owner[f] === -1 || assign(owner[f] as number, seen)) {
        owner[f] = index;
        return true;
      }
    }
    return false;
  };
  return expectations.filter((_expected, index) => !assign(index, new Set()));
}

function describeFindings(result: CheckResult): string {
  return result.findings
    .map((f) => `  ${f.location?.path ?? '-'}${f.location?.line ? `:${f.location.line}` : ''} [${f.subject ?? ''}] ${f.message} {${(f.actions ?? []).map((a) => a.kind).join(',')}}`)
    .join('\n');
}

let baselineDir: string;
let baseline: Baseline;

beforeAll(() => {
  baselineDir = mkdtempSync(path.join(os.tmpdir(), 'cowork-audit-baseline-'));
  const file = path.join(baselineDir, 'agent-claude.yaml');
  writeFileSync(file, AGENT_CLAUDE_BASELINE);
  baseline = loadBaseline(file, BUILTIN_CHECKS);
});

afterAll(() => {
  if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
});

it('records the six endpoints, each folder with a manifest and expectations and nothing else', () => {
  expect(ENDPOINTS).toEqual(expect.arrayContaining(REQUIRED));
  for (const name of ENDPOINTS) {
    const manifests = listFiles(path.join(ENDPOINTS_DIR, name)).filter((file) => !file.startsWith('files/'));
    expect(manifests.filter((file) => !/^(endpoint|expected)\.d\/[a-z0-9-]+\.yaml$/.test(file)).sort(), name).toEqual(['endpoint.yaml', 'expected.yaml']);
  }
});

it('the agent-claude baseline extends recommended and names claude as the agent user', () => {
  expect(baseline.id).toBe('agent-claude');
  expect(baseline.params.agentUser).toBe('claude');
  expect([...baseline.checks.keys()].sort()).toEqual(BUILTIN_CHECKS.map((check) => check.meta.id).sort());
});

describe.each(ENDPOINTS)('%s', (name) => {
  const folder = path.join(ENDPOINTS_DIR, name);
  const expected = loadExpected(name);
  const knownBugs = expected.knownBugs ?? [];
  const secrets = expected.secrets ?? [];
  const weak = name.endsWith('-weak');
  const knownBug = (checkId: string, aspect: Aspect) => knownBugs.find((bug) => bug.check === checkId && bug.aspect === aspect);
  let spec: ReplaySpec;
  let report: AuditReport;
  const resultOf = (checkId: string): CheckResult => {
    const result = report.results.find((candidate) => candidate.checkId === checkId);
    if (!result) throw new Error(`no result for ${checkId}`);
    return result;
  };

  beforeAll(async () => {
    spec = loadReplaySpec(folder);
    report = await scan({ host: ReplayHost.fromFolder(folder), baseline, now: new Date('2024-11-12T10:00:00Z') });
  });

  it('has a consistent tree: every contentFile exists under files/ and every file there is used', () => {
    const manifest = loadRawManifest(name);
    const referenced = Object.entries(manifest.files ?? {}).flatMap(([target, entry]) => (entry?.contentFile ? [[target, entry.contentFile] as const] : []));
    const onDisk = listFiles(path.join(folder, 'files'));
    for (const [target, file] of referenced) {
      expect(onDisk, `${target}: contentFile ${file} is not under files/`).toContain(file);
    }
    const used = new Set(referenced.map(([, file]) => file));
    for (const file of onDisk) expect(used.has(file), `files/${file} is not referenced by endpoint.yaml`).toBe(true);
    expect(used.size, 'two entries share a contentFile').toBe(referenced.length);
  });

  it('has expectations that fit the fixture: known checks, recorded paths, planted secrets', () => {
    expect(Object.keys(expected.checks).sort(), 'one expectation per built-in check').toEqual(BUILTIN_CHECKS.map((check) => check.meta.id).sort());
    const fold = (target: string) => (spec.platform === 'win32' ? target.toLowerCase() : target);
    const recorded = new Set(Object.keys(spec.files ?? {}).map(fold));
    for (const [checkId, check] of Object.entries(expected.checks)) {
      expect(['pass', 'fail', 'skipped', 'error', 'waived']).toContain(check.status);
      // A check that does not claim this platform is skipped here; every other one must decide.
      const claims = BUILTIN_CHECKS.find((candidate) => candidate.meta.id === checkId)?.meta.platforms.includes(spec.platform) ?? true;
      if (!claims) expect(check.status, `${checkId} does not claim ${spec.platform}`).toBe('skipped');
      else if (weak) expect(check.status, `${checkId} must fail on a weak endpoint`).toBe('fail');
      else if (name.endsWith('-hardened')) expect(check.status, `${checkId} must pass on a hardened endpoint`).toBe('pass');
      if (check.status === 'fail') {
        expect(check.findings, `${checkId}: number of findings`).toBeTypeOf('number');
        const expectations = check.expect ?? [];
        expect([undefined, 'files', 'commands']).toContain(check.evidence);
        if (check.evidence === 'commands') expect(expectations.filter((item) => item.message !== undefined).length, `${checkId}: at least two findings with a message`).toBeGreaterThanOrEqual(2);
        else expect(expectations.filter((item) => item.path !== undefined).length, `${checkId}: at least two findings with a path`).toBeGreaterThanOrEqual(2);
        expect(expectations.length).toBeLessThanOrEqual(check.findings ?? 0);
        for (const item of expectations) if (item.path) expect(recorded.has(fold(item.path)), `${checkId}: ${item.path} is not recorded`).toBe(true);
      }
    }
    for (const bug of knownBugs) {
      expect(Object.keys(expected.checks)).toContain(bug.check);
      expect(ASPECTS).toContain(bug.aspect);
      expect(bug.bug.trim()).not.toBe('');
    }
    if (weak) expect(secrets.length, 'a weak endpoint plants secrets').toBeGreaterThan(0);
    const texts = fixtureTexts(spec).join('\n');
    for (const secret of secrets) expect(texts.includes(secret), `secret ${secret.slice(0, 8)}… is not in the fixture`).toBe(true);
    // Every token-shaped value planted must be listed, so that the leak test looks for it.
    for (const token of new Set(tokenShapedValues(texts))) expect(secrets, `token-shaped value in the fixture missing from secrets:`).toContain(token);
  });

  it('scans as recorded: target, audited users, one result per check and no errors', () => {
    expect(report.schemaVersion).toBe('1');
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
    expect(report.baseline.id).toBe('agent-claude');
    expect(report.target).toMatchObject({ kind: 'replay', platform: spec.platform, hostname: spec.hostname, os: spec.os });
    expect(report.target.users).toMatch(/^every user with a home: /);
    expect(report.target.users).toContain('alice');
    expect(report.target.users).toContain('claude');
    expect(report.results.map((result) => result.checkId).sort()).toEqual(Object.keys(expected.checks).sort());
    for (const result of report.results) expect(result.error, `${result.checkId}: ${result.message}`).toBeUndefined();
    const count = (status: string) => Object.values(expected.checks).filter((check) => check.status === status).length;
    expect(report.summary).toMatchObject({ fail: count('fail'), pass: count('pass'), error: 0, skipped: count('skipped'), waived: 0 });
    expect(count('fail') + count('pass') + count('skipped')).toBe(Object.keys(expected.checks).length);
  });

  for (const [checkId, check] of Object.entries(expected.checks)) {
    it(`${checkId}: ${check.status}`, () => {
      const result = resultOf(checkId);
      expect(result.status, result.message).toBe(check.status);
    });

    const findingsBug = knownBug(checkId, 'findings');
    (findingsBug ? it.fails : it)(`${checkId}: message and findings${findingsBug ? ' (known bug, see expected.yaml)' : ''}`, () => {
      const result = resultOf(checkId);
      if (check.message) expect(result.message).toContain(check.message);
      const described = describeFindings(result);
      expect(result.findings.length, `findings:\n${described}`).toBe(check.status === 'fail' ? check.findings : 0);
      const missing = unmatched(result.findings, check.expect ?? []);
      expect(missing, `expected findings not found in:\n${described}`).toEqual([]);
    });

    if (check.status === 'fail') {
      const remediationBug = knownBug(checkId, 'remediation');
      (remediationBug ? it.fails : it)(`${checkId}: every finding carries a remediation action${remediationBug ? ' (known bug, see expected.yaml)' : ''}`, () => {
        const result = resultOf(checkId);
        expect(result.findings.length).toBeGreaterThan(0);
        const bare = result.findings.filter((finding) => (finding.actions ?? []).length === 0);
        expect(bare.map((finding) => finding.message), 'findings without an action').toEqual([]);
        expect(result.remediation?.actions.length ?? 0).toBeGreaterThan(0);
      });
    }
  }

  it('never lets a planted secret into a message, a finding or a rendered report', () => {
    const needles = secretNeedles(secrets);
    const texts: [string, string][] = [];
    for (const result of report.results) {
      texts.push([`${result.checkId} message`, result.message]);
      for (const finding of result.findings) texts.push([`${result.checkId} finding`, finding.message]);
    }
    texts.push(['JSON report', renderJson(report)]);
    texts.push(['JSON.stringify(report)', JSON.stringify(report)]);
    texts.push(['table report', renderTable(report, { color: false, failOn: 'high', verbose: true })]);
    for (const [where, text] of texts) {
      for (const needle of needles) expect(text.includes(needle), `${where} contains the secret ${needle.slice(0, 6)}…`).toBe(false);
    }
  });
});
