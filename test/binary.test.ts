import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE64, fakeSecret, UPPER_BASE32 } from './helpers/fake-secret.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';
import { reportSchemaErrors } from './support/report-schema.js';

// The single executable (`npm run build:binary`): built once from the bundle the other tests use, copied
// into a folder of its own outside the repository (no node_modules, no baselines/ or schemas/ beside it) and
// run there with a minimal environment. Its JSON reports must equal those of `node dist/cowork-audit.mjs`.

const REPO = path.resolve(import.meta.dirname, '..');
const ESM_BUNDLE = path.join(REPO, 'dist', 'cowork-audit.mjs');
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const REPLAY = path.join(REPO, 'fixtures', 'endpoints', 'linux-weak');
const ACCESS_KEY = `AKIA${fakeSecret(UPPER_BASE32, 16, 11)}`;
const SECRET_KEY = fakeSecret(BASE64, 40, 12);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let binary: string; // the copy, alone in its folder
let binaryDir: string;
let nodeDir: string; // the cwd of the `node dist/cowork-audit.mjs` runs
let emptyPath: string; // a PATH with nothing on it: no node, no tools
let buildSeconds = 0;

/** Only PATH and HOME: nothing from the test runner (no NODE_OPTIONS, no colour variables, no TMPDIR). */
function minimalEnv(pathValue: string): Record<string, string> {
  return { PATH: pathValue, HOME: binaryDir };
}

function runBinary(args: string[], pathValue = emptyPath): Run {
  const result = spawnSync(binary, args, { cwd: binaryDir, env: minimalEnv(pathValue), encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runNode(args: string[], pathValue = emptyPath): Run {
  const result = spawnSync(process.execPath, [ESM_BUNDLE, ...args], { cwd: nodeDir, env: minimalEnv(pathValue), encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function parseReport(run: Run, who: string): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`${who}: stdout is not JSON (exit ${run.code}): ${run.stdout.slice(0, 300)}\nstderr: ${run.stderr}`);
  }
}

/** The report without what legitimately differs from run to run: when it started and how long it took. */
function comparable(report: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(report);
  delete copy.startedAt;
  delete copy.durationMs;
  for (const result of copy.results as Record<string, unknown>[]) delete result.durationMs;
  return copy;
}

/** A small image: alice's AWS credentials readable by everyone, an agent account beside her. */
function makeImage(): string {
  const image = makeTempDir('binary-image');
  chmodSync(image, 0o755);
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  writeFileAt(path.join(image, 'etc/passwd'), `root:x:0:0:root:/root:/bin/bash\nalice:x:${uid}:${gid}:Alice:/home/alice:/bin/bash\nclaude:x:1001:1001:Agent:/home/claude:/bin/bash\n`, 0o644);
  writeFileAt(path.join(image, 'etc/group'), `root:x:0:\nalice:x:${gid}:\nclaude:x:1001:\n`, 0o644);
  writeFileAt(path.join(image, 'etc/hostname'), 'golden\n', 0o644);
  writeFileAt(path.join(image, 'home/alice/.aws/credentials'), `[default]\naws_access_key_id = ${ACCESS_KEY}\naws_secret_access_key = ${SECRET_KEY}\n`, 0o644);
  chmodSync(path.join(image, 'home'), 0o755);
  chmodSync(path.join(image, 'home/alice'), 0o755);
  chmodSync(path.join(image, 'home/alice/.aws'), 0o755);
  mkdirSync(path.join(image, 'home/claude'), { mode: 0o700 });
  return image;
}

beforeAll(() => {
  const buildDir = makeTempDir('binary-build');
  const started = performance.now();
  // --bundle: convert the ESM bundle the global setup built, rather than rebuild it under the other tests' feet.
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build-binary.mjs'), '--bundle', ESM_BUNDLE, '--output', path.join(buildDir, 'cowork-audit')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 240_000,
  });
  buildSeconds = (performance.now() - started) / 1000;
  binaryDir = makeTempDir('binary-run');
  binary = path.join(binaryDir, 'cowork-audit');
  copyFileSync(path.join(buildDir, 'cowork-audit'), binary);
  chmodSync(binary, 0o755);
  rmSync(buildDir, { recursive: true, force: true });
  nodeDir = makeTempDir('binary-node');
  emptyPath = makeTempDir('binary-empty-path');
}, 300_000);

afterAll(() => removeTempDirs());

describe('the single executable (Node SEA)', () => {
  it('is a native executable that carries its own node, built in reasonable time', () => {
    const head = readFileSync(binary).subarray(0, 4);
    expect(head.toString('latin1')).toBe('\x7fELF');
    expect(statSync(binary).size).toBeGreaterThan(50 * 1024 * 1024);
    expect(readFileSync(binary).includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')).toBe(true);
    expect(buildSeconds).toBeLessThan(120);
  });

  it('prints the package version, with no node on PATH', () => {
    const run = runBinary(['--version']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim()).toBe(VERSION);
  });

  it('prints help that lists the commands', () => {
    const run = runBinary(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['scan', 'checks', 'baseline', 'remediate']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(run.stderr).toBe('');
  });

  it('exits 2 on an unknown flag and says which', () => {
    const run = runBinary(['scan', '--no-such-flag']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--no-such-flag');
    expect(run.stdout).toBe('');
  });

  it('carries its built-in checks and baselines: the same as node', () => {
    const run = runBinary(['checks', 'list', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(runNode(['checks', 'list', '--json']).stdout));
    const strict = runBinary(['baseline', 'show', 'strict']);
    expect(strict.code).toBe(0);
    expect(strict.stdout).toBe(runNode(['baseline', 'show', 'strict']).stdout);
  });

  it('scans a replay fixture: valid JSON on stdout, nothing else, the same report as node', () => {
    const args = ['--replay', REPLAY, '--format', 'json', '--output', '-'];
    const run = runBinary(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(''); // no SEA experimental warning, no other warning
    const report = parseReport(run, 'binary');
    expect(reportSchemaErrors(report)).toEqual([]);
    expect((report.summary as { fail: number }).fail).toBeGreaterThan(0);
    const fromNode = parseReport(runNode(args), 'node');
    expect(comparable(report)).toEqual(comparable(fromNode));
  });

  it('scans an image with --root: the same report as node, secrets redacted', () => {
    const image = makeImage();
    const args = ['scan', '--root', image, '--format', 'json', '--output', '-'];
    // getfacl is the one tool a --root scan runs: both get the test's PATH.
    const run = runBinary(args, process.env.PATH ?? '');
    expect(run.code).toBe(1);
    const report = parseReport(run, 'binary');
    expect(reportSchemaErrors(report)).toEqual([]);
    const permissions = (report.results as { checkId: string; status: string }[]).find((result) => result.checkId === 'credentials.file-permissions');
    expect(permissions?.status).toBe('fail');
    expect(run.stdout).not.toContain(SECRET_KEY);
    expect(run.stdout).not.toContain(ACCESS_KEY);
    const fromNode = parseReport(runNode(args, process.env.PATH ?? ''), 'node');
    expect(comparable(report)).toEqual(comparable(fromNode));
  });

  it('writes nothing beside itself when the report goes to stdout', () => {
    expect(readdirSync(binaryDir)).toEqual(['cowork-audit']);
  });
});
