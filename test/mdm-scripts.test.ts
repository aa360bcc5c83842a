// The MDM scripts in mdm/: the bash ones are linted with shellcheck and run against recorded endpoints
// through a wrapper that runs the built CLI (COWORK_AUDIT_BIN) with --replay (COWORK_AUDIT_ARGS); the
// generic one posts to a collector started here on 127.0.0.1. No PowerShell runs on this CI: the .ps1
// scripts are held to the documented Intune and quoting conventions by reading their text.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NDJSON_SCHEMA, type NdjsonRecord } from '../src/report/ndjson-reporter.js';
import type { AuditReport } from '../src/report/report-model.js';
import { CLI, runCli } from './support/cli.js';
import { REPO_ROOT } from './support/scenarios.js';

const MDM = path.join(REPO_ROOT, 'mdm');
const EA = path.join(MDM, 'jamf/cowork-audit-ea.sh');
const RUN_AUDIT = path.join(MDM, 'generic/run-audit.sh');
const ENDPOINTS = path.join(REPO_ROOT, 'fixtures/endpoints');
const RUN_NAME = /^[0-9]{8}T[0-9]{6}Z(-[0-9]{2})?$/;

let work: string;
let wrapper: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'mdm-scripts-'));
  wrapper = executable('cowork-audit', `exec ${sq(process.execPath)} ${sq(CLI)} "$@"`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A small sh script in the work folder, made executable. */
function executable(name: string, body: string): string {
  const dir = mkdtempSync(path.join(work, 'bin-'));
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a script with bash, asynchronously (the collector answers from this process), bounded in time. */
function runScript(script: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('COWORK_AUDIT_')) clean[key] = value;
  for (const [key, value] of Object.entries(env)) if (value !== undefined) clean[key] = value;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { env: clean, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

function replay(endpoint: string): Record<string, string> {
  return { COWORK_AUDIT_BIN: wrapper, COWORK_AUDIT_ARGS: `--replay ${path.join(ENDPOINTS, endpoint)}` };
}

/** The JSON report of a recorded endpoint, from the built CLI. */
function jsonReport(endpoint: string): AuditReport {
  return JSON.parse(runCli(['scan', '--replay', path.join(ENDPOINTS, endpoint), '--format', 'json', '--output', '-']).stdout) as AuditReport;
}

/** What the extension attribute must say about a report, worked out from the JSON report itself. */
function eaCounts(report: AuditReport): string {
  const failing = (severity: string) => report.results.filter((r) => r.severity === severity && (r.status === 'fail' || r.status === 'error')).length;
  return `critical=${failing('critical')} high=${failing('high')} medium=${failing('medium')} low=${failing('low')} score=${report.summary.score}`;
}

function failsAtOrAbove(report: AuditReport, severities: string[]): boolean {
  return report.results.some((r) => severities.includes(r.severity) && (r.status === 'fail' || r.status === 'error'));
}

function shellScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return shellScripts(full);
    return entry.name.endsWith('.sh') ? [full] : [];
  });
}

describe('shell scripts in mdm/', () => {
  const scripts = shellScripts(MDM);

  it('are the Jamf extension attribute and the generic runner', () => {
    expect(scripts.map((file) => path.relative(MDM, file)).sort()).toEqual(['generic/run-audit.sh', 'jamf/cowork-audit-ea.sh']);
  });

  it.each(scripts.map((file) => [path.relative(MDM, file), file]))('%s passes shellcheck (every severity) and bash -n', (_name, file) => {
    const check = spawnSync('shellcheck', ['--severity=style', '--shell=bash', file], { encoding: 'utf8' });
    expect(check.error, 'shellcheck must be installed (.ci/run installs it)').toBeUndefined();
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    expect(readFileSync(file, 'utf8').startsWith('#!/bin/bash\n')).toBe(true);
  });
});

describe('Jamf extension attribute (mdm/jamf/cowork-audit-ea.sh)', () => {
  it('prints one FAIL result line with counts by severity for the weak endpoint, and exits 0', async () => {
    const report = jsonReport('linux-weak');
    expect(eaCounts(report)).toMatch(/ high=[1-9]/);
    const run = await runScript(EA, [], replay('linux-weak'));
    expect(run.stdout).toBe(`<result>FAIL ${eaCounts(report)}</result>\n`);
    expect(run.code).toBe(0);
  });

  it('prints PASS for the hardened endpoint', async () => {
    const report = jsonReport('linux-hardened');
    const run = await runScript(EA, [], replay('linux-hardened'));
    expect(run.stdout).toBe(`<result>PASS ${eaCounts(report)}</result>\n`);
    expect(run.stdout).toMatch(/^<result>PASS critical=0 high=0 /);
    expect(run.code).toBe(0);
  });

  it.each(['darwin-weak', 'darwin-hardened', 'win32-weak', 'win32-hardened'])('agrees with the JSON report of %s', async (endpoint) => {
    const report = jsonReport(endpoint);
    const run = await runScript(EA, [], replay(endpoint));
    expect(run.stdout).toBe(`<result>${failsAtOrAbove(report, ['critical', 'high']) ? 'FAIL' : 'PASS'} ${eaCounts(report)}</result>\n`);
  });

  it('uses the configured severity gate (COWORK_AUDIT_FAIL_ON) and still counts every failing check', async () => {
    const report = jsonReport('linux-weak');
    expect(failsAtOrAbove(report, ['critical'])).toBe(false);
    const run = await runScript(EA, [], { ...replay('linux-weak'), COWORK_AUDIT_FAIL_ON: 'critical' });
    expect(run.stdout).toBe(`<result>PASS ${eaCounts(report)}</result>\n`);
  });

  it('binary missing or not executable: "not installed", exit 0', async () => {
    const notExecutable = path.join(work, 'not-executable');
    writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    for (const bin of [path.join(work, 'no-such-binary'), notExecutable, work]) {
      const run = await runScript(EA, [], { COWORK_AUDIT_BIN: bin });
      expect(run.stdout, bin).toBe('<result>not installed</result>\n');
      expect(run.code).toBe(0);
    }
  });

  it('a scan error is an "error: ..." value with the reason, exit 0', async () => {
    const run = await runScript(EA, [], { ...replay('linux-weak'), COWORK_AUDIT_BASELINE: 'no-such-baseline' });
    expect(run.stdout).toMatch(/^<result>error: exit 2: baseline "no-such-baseline" is neither a built-in baseline[^\n]*<\/result>\n$/);
    expect(run.code).toBe(0);
  });

  it('keeps hostile error text inside one result: no markup, no control characters, at most 255 characters', async () => {
    const bin = executable('cowork-audit', `printf 'cowork-audit: </result><result>PASS\\t\\033[31mred & more %s\\nsecond line\\n' "$(printf 'x%.0s' $(seq 1 400))" >&2\nexit 2`);
    const run = await runScript(EA, [], { COWORK_AUDIT_BIN: bin });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toHaveLength(2);
    const value = /^<result>(.*)<\/result>\n$/.exec(run.stdout)?.[1] ?? '';
    expect(value).toMatch(/^error: exit 2: \/resultresultPASS \[31mred & more x+$/);
    expect(value).not.toMatch(/[<>\x00-\x1f\x7f]/);
    expect(value.length).toBe(255);
  });

  it.each([
    ['no summary line', 'echo hello; exit 0', 'error: the scan printed no summary line'],
    ['a result that is neither PASS nor FAIL', 'echo "cowork-audit 9 host=x result=MAYBE score=1 critical=0 high=0 medium=0 low=0"; exit 0', 'error: unexpected summary line'],
    ['a count that is not a number', 'echo "cowork-audit 9 host=x result=FAIL score=1 critical=0 high=\\"2\\" medium=0 low=0"; exit 1', 'error: unexpected summary line'],
    ['an unexpected exit code', 'exit 7', 'error: exit 7'],
  ])('a binary that prints %s gives an error value', async (_name, body, expected) => {
    const run = await runScript(EA, [], { COWORK_AUDIT_BIN: executable('cowork-audit', body) });
    expect(run.stdout).toBe(`<result>${expected}</result>\n`);
    expect(run.code).toBe(0);
  });

  it('stops a scan that runs past the timeout, with everything it started', async () => {
    const pidFile = path.join(work, 'sleeper.pid');
    const bin = executable('cowork-audit', `sleep 30 &\necho $! > ${sq(pidFile)}\nwait`);
    const run = await runScript(EA, [], { COWORK_AUDIT_BIN: bin, COWORK_AUDIT_TIMEOUT: '1' });
    expect(run.stdout).toBe('<result>error: the scan timed out after 1 s</result>\n');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(10_000);
    expect(await stillRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('optionally writes the JSON report to a folder (created private), replaced at each run', async () => {
    const dir = path.join(work, 'jamf reports', 'last');
    for (const endpoint of ['linux-weak', 'linux-hardened']) {
      const run = await runScript(EA, [], { ...replay(endpoint), COWORK_AUDIT_REPORT_DIR: dir });
      expect(run.stdout).toMatch(/^<result>(PASS|FAIL) [^\n]*<\/result>\n$/);
    }
    expect(readdirSync(dir).sort()).toEqual(['cowork-audit.json', 'remediate.ps1', 'remediate.sh']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const report = JSON.parse(readFileSync(path.join(dir, 'cowork-audit.json'), 'utf8')) as AuditReport;
    expect(report.schemaVersion).toBe('1');
    expect(report.target).toMatchObject({ kind: 'replay', hostname: 'alice-thinkpad' });
    expect(report.summary.fail).toBe(0);
  });
});

/**
 * Whether a process still runs, after giving it a second to go. A killed orphan can stay a zombie for a
 * while where PID 1 is slow to reap it: dead all the same.
 */
async function stillRunning(pid: number): Promise<boolean> {
  const running = () => {
    if (existsSync('/proc/self/stat')) {
      if (!existsSync(`/proc/${pid}/stat`)) return false;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    }
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let attempt = 0; attempt < 10 && running(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  return running();
}

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A collector on 127.0.0.1 (ephemeral port) that answers `status`; closed when `use` ends. */
async function withCollector<T>(status: number, use: (url: string, received: Received[]) => Promise<T>): Promise<T> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status < 300 ? 'ok' : 'no');
    });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`, received);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function runFolders(dir: string): string[] {
  return readdirSync(dir).filter((name) => RUN_NAME.test(name) && lstatSync(path.join(dir, name)).isDirectory()).sort();
}

describe('generic runner (mdm/generic/run-audit.sh)', () => {
  const TOKEN = 'cA7.test_token-~+/xyz==';

  /** curl, through a wrapper on PATH that records the command line it was given. */
  function recordingCurl(): { path: string; argvLog: string } {
    const real = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
    expect(real, 'curl must be installed').not.toBe('');
    const argvLog = path.join(work, `curl-argv-${Date.now()}.log`);
    const bin = executable('curl', `printf '%s\\n' "$@" > ${sq(argvLog)}\nexec ${sq(real)} "$@"`);
    return { path: `${path.dirname(bin)}:${process.env.PATH ?? ''}`, argvLog };
  }

  it('writes the JSON and NDJSON reports into a new run folder, prints the summary line, exits like the gate', async () => {
    const dir = path.join(work, 'generic-basic');
    const weak = await runScript(RUN_AUDIT, ['--report-dir', dir], replay('linux-weak'));
    expect(weak.code).toBe(1);
    expect(weak.stdout).toBe(runCli(['scan', '--replay', path.join(ENDPOINTS, 'linux-weak'), '--format', 'summary']).stdout);
    expect(weak.stdout).toMatch(/^cowork-audit \S+ host=alice-thinkpad result=FAIL fail_on=high [^\n]*\n$/);
    const [run] = runFolders(dir);
    expect(run).toBeDefined();
    const runDir = path.join(dir, run ?? '');
    expect(readdirSync(runDir).sort()).toEqual(['cowork-audit.json', 'cowork-audit.ndjson', 'remediate.ps1', 'remediate.sh']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    expect(weak.stderr).toContain(`report: ${path.join(runDir, 'cowork-audit.json')}`);
    const hardened = await runScript(RUN_AUDIT, ['--report-dir', dir, '--fail-on', 'medium'], replay('linux-hardened'));
    expect(hardened.code).toBe(0);
    expect(hardened.stdout).toMatch(/ result=PASS fail_on=medium /);
    expect(runFolders(dir)).toHaveLength(2);
  });

  it('keeps the newest N run folders and never touches anything else in the folder', async () => {
    const dir = path.join(work, 'generic-rotation');
    const outside = path.join(work, 'outside-target');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'keep.txt'), 'x');
    for (const old of ['20200101T000000Z', '20200101T000001Z-02', '20200101T000002Z']) {
      mkdirSync(path.join(dir, old), { recursive: true });
      writeFileSync(path.join(dir, old, 'cowork-audit.json'), '{}');
    }
    mkdirSync(path.join(dir, 'notes'));
    writeFileSync(path.join(dir, '20200101T000003Z'), 'a file named like a run');
    symlinkSync(outside, path.join(dir, '20200101T000004Z'));
    mkdirSync(path.join(dir, '20200101T000005Z.bak'));

    const first = await runScript(RUN_AUDIT, ['--report-dir', dir, '--keep', '2'], replay('linux-hardened'));
    expect(first.code).toBe(0);
    const second = await runScript(RUN_AUDIT, ['--report-dir', dir, '--keep', '2'], replay('linux-hardened'));
    expect(second.code).toBe(0);
    const kept = runFolders(dir);
    expect(kept).toHaveLength(2);
    expect(kept.every((name) => name > '2021')).toBe(true);
    for (const name of kept) expect(existsSync(path.join(dir, name, 'cowork-audit.json'))).toBe(true);
    expect(readdirSync(dir).filter((name) => !kept.includes(name)).sort()).toEqual(['20200101T000003Z', '20200101T000004Z', '20200101T000005Z.bak', 'notes']);
    expect(readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('x');
    expect(first.stderr + second.stderr).toMatch(/removed old report .*20200101T000000Z/);
  });

  it('posts the NDJSON to the collector with the bearer token from the file, never on a command line', async () => {
    const dir = path.join(work, 'generic-post');
    const tokenFile = path.join(work, 'collector token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const curl = recordingCurl();
    const report = jsonReport('linux-weak');
    const count = report.results.length;
    await withCollector(200, async (url, received) => {
      const run = await runScript(RUN_AUDIT, ['--report-dir', dir, '--url', url, '--token-file', tokenFile], { ...replay('linux-weak'), PATH: curl.path });
      expect(run.stderr).toContain(`posted ${count} record(s) to the collector (HTTP 200)`);
      expect(run.code).toBe(1);
      expect(received).toHaveLength(1);
      const [request] = received as [Received];
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/ingest');
      expect(request.headers['content-type']).toBe('application/x-ndjson');
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const lines = request.body.trimEnd().split('\n');
      const records = lines.map((line) => JSON.parse(line) as NdjsonRecord);
      expect(records.map((record) => record.schema)).toEqual(Array(count).fill(NDJSON_SCHEMA));
      expect(records.map((record) => record.host)).toEqual(Array(count).fill('alice-thinkpad'));
      expect(records.map((record) => [record.check_id, record.status, record.severity])).toEqual(report.results.map((r) => [r.checkId, r.status, r.severity]));
      expect(records.filter((record) => record.status === 'fail').map((record) => record.check_id)).toEqual(
        expect.arrayContaining(['credentials.file-permissions', 'credentials.long-lived-keys', 'credentials.secrets-in-shell-profiles']),
      );
      const [runName] = runFolders(dir);
      expect(request.body).toBe(readFileSync(path.join(dir, runName ?? '', 'cowork-audit.ndjson'), 'utf8'));
    });
    const argv = readFileSync(curl.argvLog, 'utf8').split('\n');
    expect(argv[0]).toBe('-q');
    expect(argv).toContain('--config');
    expect(argv).toContain('--fail');
    expect(argv).toContain('--max-time');
    expect(argv).not.toContain('--insecure');
    expect(argv).not.toContain('-k');
    expect(argv.join('\n')).not.toContain(TOKEN);
    expect(argv.join('\n')).not.toContain('127.0.0.1');
  });

  it('takes the token from COWORK_AUDIT_TOKEN when there is no token file, and sends none without either', async () => {
    const dir = path.join(work, 'generic-env-token');
    await withCollector(202, async (url, received) => {
      const withToken = await runScript(RUN_AUDIT, ['--report-dir', dir, '--url', url], { ...replay('linux-hardened'), COWORK_AUDIT_TOKEN: TOKEN });
      expect(withToken.code).toBe(0);
      const without = await runScript(RUN_AUDIT, ['--report-dir', dir, '--url', url], replay('linux-hardened'));
      expect(without.code).toBe(0);
      expect(received.map((request) => request.headers.authorization)).toEqual([`Bearer ${TOKEN}`, undefined]);
    });
  });

  it('a collector error is exit 4, and the report stays', async () => {
    const dir = path.join(work, 'generic-post-fails');
    await withCollector(500, async (url, received) => {
      const run = await runScript(RUN_AUDIT, ['--report-dir', dir, '--url', url, '--retries', '0'], replay('linux-hardened'));
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/posting to the collector failed \(HTTP 500\); the report is kept in /);
      expect(received).toHaveLength(1);
      expect(runFolders(dir)).toHaveLength(1);
    });
  });

  it.each([
    ['plain http to another host', ['--url', 'http://collector.example.com/ingest'], /plain http is allowed only to 127\.0\.0\.1/],
    ['a loopback name as user info', ['--url', 'http://localhost:80@collector.example.com/'], /plain http is allowed only/],
    ['a scheme curl should not speak', ['--url', 'file:///etc/passwd'], /--url must start with https:\/\//],
    ['a URL with a quote', ['--url', 'https://collector.example.com/"x'], /--url must not contain blanks/],
    ['a token file others can read', ['--url', 'https://collector.example.com/', '--token-file', 'WORLD_READABLE'], /readable by group or others/],
    ['a token with a quote', ['--url', 'https://collector.example.com/', '--token-file', 'BAD_TOKEN'], /RFC 6750/],
    ['--keep 0', ['--keep', '0'], /--keep must be a whole number of at least 1/],
    ['an unknown option', ['--uri', 'https://x/'], /unknown option: --uri/],
    ['a token file without --url', ['--token-file', 'BAD_TOKEN'], /need --url/],
  ])('refuses %s with exit 2 before scanning', async (_name, args, message) => {
    const dir = path.join(work, `generic-refused-${Date.now()}`);
    const worldReadable = path.join(work, 'world-readable-token');
    writeFileSync(worldReadable, TOKEN, { mode: 0o644 });
    chmodSync(worldReadable, 0o644);
    const badToken = path.join(work, 'bad-token');
    writeFileSync(badToken, 'abc"def\n', { mode: 0o600 });
    const resolved = args.map((arg) => (arg === 'WORLD_READABLE' ? worldReadable : arg === 'BAD_TOKEN' ? badToken : arg));
    const run = await runScript(RUN_AUDIT, ['--report-dir', dir, ...resolved], replay('linux-weak'));
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
  });

  it('no --report-dir is exit 2; a missing binary is exit 3; a failed scan is exit 2 and keeps nothing', async () => {
    const none = await runScript(RUN_AUDIT, [], replay('linux-weak'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--report-dir is required/);
    const dir = path.join(work, 'generic-errors');
    const missing = await runScript(RUN_AUDIT, ['--report-dir', dir, '--binary', path.join(work, 'nowhere', 'cowork-audit')], {});
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cowork-audit is not installed at /);
    const failed = await runScript(RUN_AUDIT, ['--report-dir', dir, '--baseline', 'no-such-baseline'], replay('linux-weak'));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/baseline "no-such-baseline"[\s\S]*the scan failed \(exit 2\); nothing kept/);
    expect(runFolders(dir)).toEqual([]);
  });
});

// ---- PowerShell: conventions checked on the text ----

interface PsToken {
  kind: 'code' | 'comment' | 'single' | 'double';
  text: string;
  line: number;
}

/** Splits PowerShell source into comments, verbatim strings, expandable strings and code. */
function psTokens(source: string): PsToken[] {
  const tokens: PsToken[] = [];
  let line = 1;
  let code = '';
  let codeLine = 1;
  const flush = () => {
    if (code) tokens.push({ kind: 'code', text: code, line: codeLine });
    code = '';
  };
  let i = 0;
  const take = (kind: PsToken['kind'], end: number) => {
    flush();
    const text = source.slice(i, end);
    tokens.push({ kind, text, line });
    line += text.split('\n').length - 1;
    i = end;
    codeLine = line;
  };
  while (i < source.length) {
    const c = source[i];
    if (source.startsWith('<#', i)) {
      const end = source.indexOf('#>', i + 2);
      take('comment', end < 0 ? source.length : end + 2);
    } else if (c === '#') {
      const end = source.indexOf('\n', i);
      take('comment', end < 0 ? source.length : end);
    } else if (source.startsWith("@'", i) || source.startsWith('@"', i)) {
      const quote = source[i + 1];
      const end = source.indexOf(`\n${quote}@`, i + 2);
      take(quote === "'" ? 'single' : 'double', end < 0 ? source.length : end + 3);
    } else if (c === "'") {
      let j = i + 1;
      for (; j < source.length; j += 1) {
        if (source[j] === "'" && source[j + 1] === "'") j += 1;
        else if (source[j] === "'") break;
      }
      take('single', j + 1);
    } else if (c === '"') {
      let j = i + 1;
      for (; j < source.length; j += 1) {
        if (source[j] === '`') j += 1;
        else if (source[j] === '"' && source[j + 1] === '"') j += 1;
        else if (source[j] === '"') break;
      }
      take('double', j + 1);
    } else {
      if (!code) codeLine = line;
      code += c;
      if (c === '\n') line += 1;
      i += 1;
    }
  }
  flush();
  return tokens;
}

/** The code with comments removed and every string replaced by a placeholder. */
function psCode(source: string): string {
  return psTokens(source)
    .filter((token) => token.kind !== 'comment')
    .map((token) => (token.kind === 'code' ? token.text : token.kind === 'single' ? "'S'" : '"D"'))
    .join('');
}

function exitCodes(code: string): string[] {
  return [...code.matchAll(/\bexit\b\s*([^\s;}]*)/g)].map((match) => match[1] ?? '');
}

/** The argument list of param(...) right after [CmdletBinding(...)]: the first code of the script. */
function paramBlock(code: string): string {
  const match = /^\s*\[CmdletBinding\([^)]*\)\]\s*param\(/.exec(code);
  expect(match, 'the script starts (after its help) with [CmdletBinding()] param(...)').not.toBeNull();
  let depth = 1;
  let i = (match as RegExpExecArray)[0].length;
  for (; i < code.length && depth > 0; i += 1) {
    if (code[i] === '(') depth += 1;
    if (code[i] === ')') depth -= 1;
  }
  return code.slice((match as RegExpExecArray)[0].length, i - 1);
}

function parameters(block: string): string[] {
  return [...block.matchAll(/\$([A-Za-z]+)\s*(=|,|$)/gm)].map((match) => match[1] ?? '');
}

const PS_SCRIPTS = ['intune/detect.ps1', 'intune/remediate.ps1', 'generic/run-audit.ps1'];

describe('PowerShell scripts in mdm/ (not executed: no PowerShell on this CI)', () => {
  it('are exactly these', () => {
    const found = readdirSync(MDM, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ps1'));
    expect(found.map((name) => name.split(path.sep).join('/')).sort()).toEqual([...PS_SCRIPTS].sort());
  });

  it('repeat their shared helpers word for word (each script is uploaded alone, so none can import another)', () => {
    const helper = (name: string, fn: string) => {
      const source = readFileSync(path.join(MDM, name), 'utf8');
      return /^function [\w-]+[\s\S]*?^}$/m.exec(source.slice(source.indexOf(`function ${fn}`)))?.[0];
    };
    const invoke = PS_SCRIPTS.map((name) => helper(name, 'Invoke-Native'));
    expect(invoke[0]).toMatch(/^function Invoke-Native/);
    expect(new Set(invoke).size).toBe(1);
    const intune = PS_SCRIPTS.filter((name) => name.startsWith('intune/')).map((name) => helper(name, 'Out-Line'));
    expect(intune).toHaveLength(2);
    expect(intune[0]).toMatch(/^function Out-Line/);
    expect(new Set(intune).size).toBe(1);
  });

  it.each(PS_SCRIPTS)('%s: plain ASCII without BOM (Intune: UTF-8, no BOM under signature checks), help first, balanced', (name) => {
    const bytes = readFileSync(path.join(MDM, name));
    expect(bytes.every((byte) => byte === 0x0a || (byte >= 0x20 && byte < 0x7f))).toBe(true);
    const source = bytes.toString('utf8');
    expect(source.startsWith('<#\n.SYNOPSIS\n')).toBe(true);
    const code = psCode(source);
    for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']] as const) expect(code.split(open).length, `${open}${close}`).toBe(code.split(close).length);
  });

  it.each(PS_SCRIPTS)('%s: no expandable (double-quoted) string holds a $ expression, no Invoke-Expression', (name) => {
    const tokens = psTokens(readFileSync(path.join(MDM, name), 'utf8'));
    const expanding = tokens.filter((token) => token.kind === 'double' && token.text.includes('$'));
    expect(expanding.map((token) => `line ${token.line}: ${token.text}`)).toEqual([]);
    const code = psCode(readFileSync(path.join(MDM, name), 'utf8'));
    expect(code).not.toMatch(/Invoke-Expression|\biex\b|Start-Process|cmd(\.exe)?\s+\/c/i);
    // Programs run only through Invoke-Native, with the arguments as an array.
    expect([...code.matchAll(/&\s*\$(\w+)/g)].map((match) => match[1])).toEqual(['FilePath']);
  });

  it.each([
    ['intune/detect.ps1', ['Binary', 'FailOn', 'Baseline', 'ExtraArgs']],
    ['intune/remediate.ps1', ['Binary', 'ReportDir', 'FailOn', 'Baseline', 'ExtraArgs']],
    ['generic/run-audit.ps1', ['ReportDir', 'Keep', 'Url', 'TokenFile', 'FailOn', 'Baseline', 'Binary', 'Retries', 'ExtraArgs', 'Unknown']],
  ])('%s: a param() block with these parameters, all with defaults an admin can edit', (name, expected) => {
    const block = paramBlock(psCode(readFileSync(path.join(MDM, name), 'utf8')));
    expect(parameters(block)).toEqual(expected);
    expect([...block.matchAll(/\$[A-Za-z]+\s*=/g)]).toHaveLength(expected.length);
    expect(block).not.toMatch(/Mandatory|Validate/);
  });

  it.each(['intune/detect.ps1', 'intune/remediate.ps1'])('%s: exit codes 0 and 1 only, each after exactly one line of output', (name) => {
    const source = readFileSync(path.join(MDM, name), 'utf8');
    const code = psCode(source);
    expect(new Set(exitCodes(code))).toEqual(new Set(['0', '1']));
    // One writer of output, which makes one line of at most 2048 characters (Intune's limit).
    expect(code.match(/Write-Output/g)).toHaveLength(1);
    expect(code).toMatch(/function Out-Line\(\[string\]\$Text\) \{\n {2}\$line = \(\$Text -replace 'S', 'S'\)\.Trim\(\)\n {2}if \(\$line\.Length -gt 2048\) \{ \$line = \$line\.Substring\(0, 2048\) \}\n {2}Write-Output \$line\n\}/);
    expect(source).toContain(`-replace '[\\x00-\\x1f\\x7f]+'`);
    expect(code).not.toMatch(/Write-(Host|Error|Warning|Verbose|Information|Progress|Debug)|\[Console\]|Out-Host|\becho\b/i);
    // An error nobody expected is trapped: still one line, and exit 1.
    expect(code).toMatch(/\ntrap \{\n {2}Out-Line \('S' \+ \$_\.Exception\.Message\)\n {2}exit 1\n\}\n/);
    const lines = code.split('\n').map((line) => line.trim()).filter(Boolean);
    lines.forEach((line, index) => {
      if (!/^exit\b/.test(line)) return;
      expect(lines[index - 1], `the line before "${line}"`).toMatch(/^Out-Line /);
    });
    // Nothing else writes to the pipeline: cmdlets that return objects are captured or discarded.
    for (const line of lines) if (/^New-Item\b/.test(line)) expect(line).toMatch(/\| Out-Null$/);
  });

  it('detect.ps1: the verdict is the scan exit code at the configured severity; it writes nothing', () => {
    const code = psCode(readFileSync(path.join(MDM, 'intune/detect.ps1'), 'utf8'));
    const source = readFileSync(path.join(MDM, 'intune/detect.ps1'), 'utf8');
    expect(source).toContain(`$scanArgs = @('scan', '--format', 'summary', '--fail-on', $FailOn, '--quiet')`);
    expect(code).not.toMatch(/--output|Set-Content|New-Item|Remove-Item/);
    expect(source).toMatch(/if \(\$run\.Code -eq 0 -and \$summary\.Count -eq 1\) \{\n {2}Out-Line \$summary\[0\]\n {2}exit 0\n\}/);
    expect(source).toMatch(/if \(\$run\.Code -eq 1 -and \$summary\.Count -eq 1\) \{\n {2}Out-Line \$summary\[0\]\n {2}exit 1\n\}/);
  });

  it('remediate.ps1: scans to a private folder with --format json --output, then runs the generated script with -Apply', () => {
    const source = readFileSync(path.join(MDM, 'intune/remediate.ps1'), 'utf8');
    expect(source).toContain(`$scanArgs = @('scan', '--format', 'json', '--output', $ReportDir, '--fail-on', $FailOn, '--quiet')`);
    expect(source).toContain(`$generated = Join-Path $ReportDir 'remediate.ps1'`);
    expect(source).toMatch(/Invoke-Native \$shell @\('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', \$generated, '-Apply', '-Rollback', \$rollback\)/);
    expect(source).toMatch(/if \(\$fix\.Code -eq 0\) \{\n {2}Out-Line [^\n]+\n {2}exit 0\n\}/);
    expect(source).toMatch(/\$acl\.SetAccessRuleProtection\(\$true, \$false\)/);
    expect(source).toContain(`foreach ($sid in @('S-1-5-18', 'S-1-5-32-544'))`);
    expect(source).toMatch(/ReparsePoint\) \{ throw/);
  });

  it('run-audit.ps1: exit codes 0-4 as documented, TLS verified, token only in a header, rotation by run name', () => {
    const source = readFileSync(path.join(MDM, 'generic/run-audit.ps1'), 'utf8');
    const code = psCode(source);
    expect(new Set(exitCodes(code))).toEqual(new Set(['0', '1', '2', '3', '4']));
    for (const codeNumber of [0, 1, 2, 3, 4]) expect(source).toMatch(new RegExp(`^ {4}${codeNumber} {2}\\S`, 'm'));
    expect(code).not.toMatch(/SkipCertificateCheck|ServerCertificateValidationCallback|CertificatePolicy/i);
    expect(source).toMatch(/Invoke-WebRequest -Uri \$Url -Method Post -Body \$body -ContentType 'application\/x-ndjson' -Headers \$headers [^\n]*-TimeoutSec 60 -MaximumRedirection 0/);
    expect([...code.matchAll(/\$token\b/g)].length).toBeGreaterThan(0);
    expect(source).toContain(`if ($token) { $headers['Authorization'] = 'Bearer ' + $token }`);
    expect(source).toContain(`$_.Name -cmatch '^[0-9]{8}T[0-9]{6}Z(-[0-9]{2})?$'`);
    expect(source).toContain('[System.IO.Directory]::Delete($runs[$i].FullName, $true)');
    expect(source).toMatch(/if \(-not \$uri\.IsLoopback -or \$uri\.UserInfo\)/);
  });

  it('the bash and PowerShell runners document the same exit codes', () => {
    const codesOf = (text: string, prefix: string) =>
      [...text.matchAll(new RegExp(`^${prefix}([0-4])  (.+)$`, 'gm'))].map((match) => `${match[1]} ${(match[2] ?? '').split(/[;,(]/)[0]?.trim()}`);
    const bash = codesOf(readFileSync(RUN_AUDIT, 'utf8'), '#   ');
    const ps = codesOf(readFileSync(path.join(MDM, 'generic/run-audit.ps1'), 'utf8'), '    ');
    expect(bash).toHaveLength(5);
    expect(ps).toEqual(bash);
  });
});
