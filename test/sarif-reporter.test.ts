// SARIF: valid against the SARIF 2.1.0 schema and within what GitHub code scanning accepts, for every
// recorded endpoint (two baselines) and for hand-built reports full of hostile paths and strings.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import type { FailOn } from '../src/engine/severity.js';
import type { AuditReport } from '../src/report/report-model.js';
import {
  FINGERPRINT_KEY,
  MAX_MESSAGE_CHARS,
  MAX_SARIF_RESULTS,
  SARIF_SCHEMA_URI,
  SECURITY_SEVERITY,
  fileUri,
  fingerprint,
  isFilePath,
  pascalCase,
  relativeUri,
  renderSarif,
  sarifLevel,
} from '../src/report/sarif-reporter.js';
import { reportSchemaErrors } from './support/report-schema.js';
import { sarifSchemaErrors } from './support/sarif-schema.js';
import {
  BASELINE_NAMES,
  ENDPOINTS,
  HOSTILE_TARGETS,
  exitCodeFor,
  hostilePaths,
  hostileReport,
  hugeReport,
  plantedSecrets,
  scanEndpoint,
} from './support/sample-reports.js';

const schemaErrors = sarifSchemaErrors;

/** SARIF read back as plain JSON. */
type Json = any;

function render(report: AuditReport, failOn: FailOn = 'high', limits?: { maxResults?: number; maxResultBytes?: number }): { text: string; log: Json } {
  const text = renderSarif(report, { failOn, exitCode: exitCodeFor(report, failOn), checks: BUILTIN_CHECKS, ...(limits ? { limits } : {}) });
  return { text, log: JSON.parse(text) };
}

/** GitHub's upload rules that the schema does not express. */
function githubProblems(text: string, log: Json): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(text, 'utf8') > 10 * 1024 * 1024) problems.push('file over 10 MB');
  if (log.runs.length > 20) problems.push('more than 20 runs');
  for (const run of log.runs) {
    const rules: Json[] = run.tool.driver.rules;
    if (run.results.length > MAX_SARIF_RESULTS) problems.push(`${run.results.length} results in a run`);
    if (rules.length > 25_000) problems.push('more than 25,000 rules');
    for (const rule of rules) {
      if (!rule.properties.tags.includes('security')) problems.push(`${rule.id}: no security tag`);
      if (rule.properties.tags.length > 20) problems.push(`${rule.id}: over 20 tags`);
      const score = rule.properties['security-severity'];
      if (typeof score !== 'string' || !/^\d+(\.\d+)?$/.test(score) || Number(score) < 0 || Number(score) > 10) problems.push(`${rule.id}: security-severity ${score}`);
      if (!['very-high', 'high', 'medium', 'low'].includes(rule.properties.precision)) problems.push(`${rule.id}: precision`);
    }
    run.results.forEach((result: Json, index: number) => {
      const where = `result ${index} (${result.ruleId})`;
      if (rules[result.ruleIndex]?.id !== result.ruleId) problems.push(`${where}: ruleIndex ${result.ruleIndex} is not its rule`);
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      if (typeof uri !== 'string' || uri === '') problems.push(`${where}: no physical location`);
      if (result.locations.length > 1000) problems.push(`${where}: over 1000 locations`);
      if (Buffer.byteLength(result.message.text, 'utf8') >= 32 * 1024) problems.push(`${where}: message of 32 KB or more`);
      if (typeof result.partialFingerprints?.[FINGERPRINT_KEY] !== 'string') problems.push(`${where}: no fingerprint`);
    });
  }
  return problems;
}

function fingerprints(log: Json): string[] {
  return log.runs[0].results.map((result: Json) => result.partialFingerprints[FINGERPRINT_KEY]);
}

/** Per result, whether the finding it renders is waived: results follow report order, one per finding (or one per finding-less check). */
function expectedWaived(report: AuditReport): boolean[] {
  return report.results
    .filter((result) => ['fail', 'error', 'waived'].includes(result.status))
    .flatMap((result) => (result.findings.length ? result.findings.map((finding) => result.status === 'waived' || finding.waived === true) : [result.status === 'waived']));
}

function checkSuppressions(report: AuditReport, log: Json): void {
  const waived = expectedWaived(report);
  const results: Json[] = log.runs[0].results;
  expect(results.length).toBe(waived.length);
  results.forEach((result, index) => {
    if (waived[index]) {
      expect(result.suppressions, `result ${index}`).toEqual([{ kind: 'external', status: 'accepted', justification: expect.stringMatching(/\(expires \d{4}-\d{2}-\d{2}\)$/) }]);
    } else {
      expect(result.suppressions, `result ${index}`).toBeUndefined();
    }
  });
}

describe.each(ENDPOINTS)('%s', (name) => {
  describe.each(BASELINE_NAMES)('baseline %s', (baselineName) => {
    let report: AuditReport;
    let text: string;
    let log: Json;
    beforeAll(async () => {
      report = await scanEndpoint(name, baselineName);
      ({ text, log } = render(report));
    });

    it('validates against the SARIF 2.1.0 schema', () => {
      expect(schemaErrors(log)).toEqual([]);
      expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
      expect(SARIF_SCHEMA_URI).toBe(log.$schema);
      expect(log.version).toBe('2.1.0');
      expect(log.runs).toHaveLength(1);
    });

    it("meets GitHub code scanning's upload rules", () => {
      expect(githubProblems(text, log)).toEqual([]);
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(1024 * 1024);
    });

    it('has a rule per check in the report, with metadata from the registry', () => {
      const rules: Json[] = log.runs[0].tool.driver.rules;
      expect(rules.map((rule) => rule.id)).toEqual(report.results.map((result) => result.checkId));
      for (const rule of rules) {
        const meta = BUILTIN_CHECKS.find((check) => check.meta.id === rule.id)?.meta;
        const result = report.results.find((candidate) => candidate.checkId === rule.id);
        if (!meta || !result) throw new Error(`no metadata for ${rule.id}`);
        expect(rule.name).toBe(pascalCase(rule.id));
        expect(rule.shortDescription.text).toBe(meta.title);
        expect(rule.fullDescription.text).toBe(meta.rationale);
        expect(rule.help.text).toContain(meta.fix);
        expect(rule.defaultConfiguration.level).toBe(sarifLevel(meta.severity));
        expect(rule.properties.tags).toEqual(['security', meta.area]);
        expect(rule.properties['security-severity']).toBe(SECURITY_SEVERITY[result.severity]);
        expect(rule.helpUri).toBe(meta.references.find((reference) => reference.url)?.url);
        for (const reference of meta.references) if (reference.url) expect(rule.help.markdown).toContain(`](${reference.url.replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`);
      }
    });

    it('has one result per finding of each failing check, located at the file and line', () => {
      const failing = report.results.filter((result) => result.status === 'fail');
      const results: Json[] = log.runs[0].results;
      expect(results.length).toBe(failing.reduce((sum, result) => sum + Math.max(1, result.findings.length), 0));
      if (name.endsWith('-weak')) expect(results.length).toBeGreaterThan(0);
      if (name.endsWith('-hardened')) expect(results).toEqual([]);
      let index = 0;
      for (const result of failing) {
        for (const finding of result.findings) {
          const sarif = results[index++];
          expect(sarif.ruleId).toBe(result.checkId);
          expect(sarif.level).toBe(sarifLevel(result.severity));
          expect(sarif.message.text).toBe(finding.message);
          expect(sarif.properties).toMatchObject({ severity: result.severity, status: 'fail', ...(finding.subject ? { subject: finding.subject } : {}) });
          const physical = sarif.locations[0].physicalLocation;
          if (finding.location && !isFilePath(finding.location.path, report.target.platform)) {
            // A registry key: named as a logical location, with the check's stable pseudo path.
            expect(sarif.locations[0].logicalLocations[0]).toEqual({ name: finding.location.path, kind: 'resource', fullyQualifiedName: finding.location.path });
            expect(physical.artifactLocation).toEqual({ uri: `cowork-audit/${result.checkId}`, uriBaseId: '%SRCROOT%' });
          } else if (finding.location) {
            expect(physical.artifactLocation.uriBaseId).toBeUndefined();
            expect(physical.artifactLocation.uri).toMatch(/^file:\/\/\//);
            const windows = report.target.platform === 'win32';
            expect(fileURLToPath(physical.artifactLocation.uri, { windows })).toBe(finding.location.path);
            expect(physical.region?.startLine).toBe(finding.location.line);
          }
        }
      }
    });

    it('describes the invocation: a completed scan, its exit code, times, target, baseline and gate', () => {
      const invocation = log.runs[0].invocations[0];
      expect(invocation.executionSuccessful).toBe(true);
      expect(invocation.exitCode).toBe(exitCodeFor(report, 'high'));
      expect(invocation.startTimeUtc).toBe(report.startedAt);
      expect(Date.parse(invocation.endTimeUtc) - Date.parse(invocation.startTimeUtc)).toBe(report.durationMs);
      expect(invocation.properties).toEqual({ target: report.target, baseline: report.baseline, failOn: 'high' });
      expect(invocation.toolExecutionNotifications).toBeUndefined();
      expect(log.runs[0].automationDetails.id).toBe(`cowork-audit/replay/${report.target.hostname}/`);
      expect(log.runs[0].tool.driver).toMatchObject({ name: 'cowork-audit', version: report.tool.version, informationUri: expect.stringMatching(/^https:\/\//) });
    });

    it('suppresses nothing that is not waived', () => {
      checkSuppressions(report, log);
    });

    // A hardened endpoint has no result to fingerprint, and its planted secrets (0600 files, short-lived caches)
    // are never read into a report: these two tests mean something only where checks fail.
    if (name.endsWith('-weak')) {
      it('gives every result the same fingerprint in a second, separate scan', async () => {
        expect(fingerprints(log).length).toBeGreaterThan(0);
        const again = render(await scanEndpoint(name, baselineName)).log;
        expect(fingerprints(again)).toEqual(fingerprints(log));
        expect(new Set(fingerprints(log)).size, 'fingerprints are unique within the run').toBe(fingerprints(log).length);
      });

      it('carries no planted secret', () => {
        expect(plantedSecrets(name).length).toBeGreaterThan(0);
        for (const secret of plantedSecrets(name)) expect(text.includes(secret), `secret ${secret.slice(0, 6)}…`).toBe(false);
      });
    }
  });
});

describe.each(HOSTILE_TARGETS)('hostile report on a $kind target ($platform)', (target) => {
  const report = hostileReport(target);
  const { text, log } = render(report);
  const results: Json[] = log.runs[0].results;

  it('is itself a valid JSON report', () => {
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
  });

  it('validates against the SARIF 2.1.0 schema and GitHub rules', () => {
    expect(schemaErrors(log)).toEqual([]);
    expect(githubProblems(text, log)).toEqual([]);
  });

  it('suppresses exactly the waived findings, with the reason and the expiry', () => {
    checkSuppressions(report, log);
    const suppressed = results.filter((result) => result.suppressions);
    expect(suppressed.length).toBe(2);
    for (const result of suppressed) expect(result.suppressions[0].justification).toBe('vendor <b>tool</b> needs it | "really" (expires 2099-01-01)');
  });

  it('gives a result without a path a logical location and a stable pseudo path', () => {
    const pathless = results.filter((result) => result.locations[0].logicalLocations);
    // The finding without a location, the errored check and the failing check without findings.
    expect(pathless.map((result) => result.ruleId)).toEqual(['credentials.file-permissions', 'credentials.long-lived-keys', 'credentials.secrets-in-shell-profiles']);
    for (const result of pathless) {
      expect(result.locations[0].logicalLocations).toEqual([
        { name: result.ruleId, kind: 'module', fullyQualifiedName: `${target.hostname ?? target.kind}/${result.ruleId}` },
      ]);
      expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri: `cowork-audit/${result.ruleId}`, uriBaseId: '%SRCROOT%' });
    }
  });

  it('encodes hostile paths so that they decode back to the same path', () => {
    const located = results.filter((result) => !result.locations[0].logicalLocations);
    expect(located.length).toBe(5);
    const windows = target.platform === 'win32';
    for (const result of located) {
      const { uri, uriBaseId } = result.locations[0].physicalLocation.artifactLocation;
      const original = result.properties.path as string;
      // Only unreserved characters, sub-delimiters, `:`, `/`, `@` and percent escapes: nothing else is legal in a URI.
      expect(uri).toMatch(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/);
      if (target.kind === 'repo') {
        expect(uriBaseId).toBe('%SRCROOT%');
        expect(uri).not.toMatch(/^[a-z]+:|^\//i);
        const separator = windows ? /[\\/]+/ : /\/+/;
        expect(uri.split('/').map(decodeURIComponent).join('/')).toBe(original.split(separator).filter(Boolean).join('/'));
      } else {
        expect(uriBaseId).toBeUndefined();
        expect(fileURLToPath(uri, { windows })).toBe(original);
      }
    }
  });

  it('reports the errored check as a tool execution notification and a result', () => {
    const invocation = log.runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'credentials.long-lived-keys: collector "credential-contents": EACCES <denied> & "boom" ]]>\u0001' },
        descriptor: { id: 'credentials.long-lived-keys' },
        associatedRule: { id: 'credentials.long-lived-keys', index: 2 },
      },
    ]);
    expect(results.filter((result) => result.properties.status === 'error').map((result) => result.ruleId)).toEqual(['credentials.long-lived-keys']);
  });

  it('makes rules for checks the registry does not know, from the result', () => {
    const rule = log.runs[0].tool.driver.rules.find((candidate: Json) => candidate.id === 'network.proxy-enforced');
    expect(rule).toMatchObject({ name: 'NetworkProxyEnforced', shortDescription: { text: 'A proxy is configured <and> | enforced' }, properties: { tags: ['security', 'network'], 'security-severity': '0.0' } });
    // The first web address: not the javascript: one.
    expect(rule.helpUri).toBe('https://example.com/a(b)c');
    expect(rule.help.markdown).not.toContain('](javascript:');
    expect(rule.help.markdown).toContain('- javascript link\n');
    expect(rule.help.markdown).toContain('- [Hostile \\[title\\] \\| &lt;b&gt;](https://example.com/a%28b%29c)');
    expect(rule.help.markdown).toContain('- Book, no URL');
    expect(rule.help.text).toContain('- Hostile [title] | <b>: https://example.com/a(b)c');
  });

  it('sets the source root for repos and the automation id per target', () => {
    const run = log.runs[0];
    const root = run.originalUriBaseIds['%SRCROOT%'];
    if (target.kind === 'repo') {
      expect(root.uri).toBe(target.platform === 'win32' ? 'file:///C:/src/repo/' : 'file:///work/my%20repo%20%231/');
    } else {
      expect(root.uri).toBeUndefined();
      expect(root.description.text).toContain('pseudo paths');
    }
    expect(run.automationDetails.id).toBe(`cowork-audit/${target.kind}/${target.hostname ? `${target.hostname}/` : ''}`);
  });

  it('keeps the partial fingerprints unique and independent of digits and time', () => {
    const values = fingerprints(log);
    expect(new Set(values).size).toBe(values.length);
    const later = render({ ...report, startedAt: '2025-06-01T00:00:00.000Z', durationMs: 99_999 }).log;
    expect(fingerprints(later)).toEqual(values);
  });
});

describe('helpers', () => {
  it('maps severities to levels and to GitHub security-severity bands', () => {
    expect(['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as never))).toEqual(['error', 'error', 'warning', 'note', 'note']);
    const band = (score: string) => (Number(score) >= 9 ? 'critical' : Number(score) >= 7 ? 'high' : Number(score) >= 4 ? 'medium' : Number(score) >= 0.1 ? 'low' : 'none');
    expect(Object.entries(SECURITY_SEVERITY).map(([severity, score]) => [severity, band(score)])).toEqual([
      ['critical', 'critical'],
      ['high', 'high'],
      ['medium', 'medium'],
      ['low', 'low'],
      ['info', 'none'],
    ]);
  });

  it('writes file URIs for POSIX and Windows paths', () => {
    expect(fileUri('/home/alice/.aws/credentials', 'linux')).toBe('file:///home/alice/.aws/credentials');
    expect(fileUri('C:\\Users\\x', 'win32')).toBe('file:///C:/Users/x');
    expect(fileUri('c:/Users/x y', 'win32')).toBe('file:///C:/Users/x%20y');
    expect(fileUri('\\\\server\\share\\a b', 'win32')).toBe('file://server/share/a%20b');
    expect(fileUri('/a b/#?%/ü\n', 'darwin')).toBe('file:///a%20b/%23%3F%25/%C3%BC%0A');
    expect(fileUri('/back\\slash', 'linux')).toBe('file:///back%5Cslash');
    expect(fileUri('/lone\ud800', 'linux')).toBe('file:///lone%EF%BF%BD');
    for (const path of hostilePaths('linux')) expect(fileURLToPath(fileUri(path, 'linux'))).toBe(path);
    expect(relativeUri('/src/a b/c.json', 'linux')).toBe('src/a%20b/c.json');
    expect(relativeUri('\\src\\x:y', 'win32')).toBe('src/x%3Ay');
  });

  it('normalizes digits in fingerprints, but not the path, the subject or the words', () => {
    const base = fingerprint('c.x', '/a', 'alice', 'found 12 in 30ms');
    expect(fingerprint('c.x', '/a', 'alice', 'found 7 in 4ms')).toBe(base);
    expect(fingerprint('c.x', '/b', 'alice', 'found 12 in 30ms')).not.toBe(base);
    expect(fingerprint('c.x', '/a', 'bob', 'found 12 in 30ms')).not.toBe(base);
    expect(fingerprint('c.y', '/a', 'alice', 'found 12 in 30ms')).not.toBe(base);
    expect(fingerprint('c.x', '/a', 'alice', 'lost 12 in 30ms')).not.toBe(base);
  });

  it('tells apart findings that differ only in digits, by order of appearance', () => {
    const report = hugeReport(1, 3, 10);
    const [a, b, c] = report.results[0]?.findings ?? [];
    if (!a || !b || !c) throw new Error('three findings');
    // Same check, path and subject; messages that differ only in digits.
    const results = [{ ...report.results[0]!, findings: [a, { ...b, location: a.location }, { ...c, location: a.location }] }];
    const values = fingerprints(render({ ...report, results }).log);
    expect(values[1]).toBe(`${values[0]}:2`);
    expect(values[2]).toBe(`${values[0]}:3`);
  });

  it('cuts long messages under 32 KB', () => {
    const report = hugeReport(1, 1, 100_000);
    const { log } = render(report);
    const text: string = log.runs[0].results[0].message.text;
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(text.endsWith('(message cut)')).toBe(true);
  });

  it('keeps at most 25,000 results, the most severe, and says how many were left out', () => {
    const report = hugeReport(6, 5_000, 10);
    // Without the byte budget, so that the count limit is what cuts.
    const { text, log } = render(report, 'none', { maxResultBytes: Number.POSITIVE_INFINITY });
    expect(schemaErrors(log)).toEqual([]);
    const results: Json[] = log.runs[0].results;
    expect(results.length).toBe(MAX_SARIF_RESULTS);
    // Checks 0..5 are critical, high, medium, low, info, critical: the info one goes.
    expect(results.some((result) => result.ruleId === 'credentials.check-4')).toBe(false);
    const notes = log.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes).toHaveLength(1);
    expect(notes[0].message.text).toMatch(/^5000 of 30000 result\(s\) left out/);
    expect(log.runs[0].invocations[0].exitCode).toBe(0);
  });

  it('stays under 10 MB however many findings there are, keeping the most severe', () => {
    const report = hugeReport(5, 1_500, 2_000);
    const { text, log } = render(report);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(10 * 1024 * 1024);
    expect(githubProblems(text, log)).toEqual([]);
    const results: Json[] = log.runs[0].results;
    expect(results.length).toBeGreaterThan(1_000);
    expect(results.length).toBeLessThan(25_000);
    // Check 0 is critical: all of it is kept before anything less severe.
    expect(results.filter((result) => result.ruleId === 'credentials.check-0').length).toBe(1_500);
    expect(results.some((result) => result.ruleId === 'credentials.check-4')).toBe(false);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/result\(s\) left out/);
  });

  it('keeps the kept results in report order', () => {
    const report = hugeReport(5, 3, 10);
    // Least severe first in the report: info (check-4) … critical (check-0).
    const { log } = render({ ...report, results: [...report.results].reverse() }, 'high', { maxResults: 7 });
    const results: Json[] = log.runs[0].results;
    // The three critical (check-0), the three high (check-1) and the first medium (check-2) are kept, in report order.
    expect(results.map((result) => `${result.ruleId}#${result.locations[0].physicalLocation.region.startLine}`)).toEqual([
      'credentials.check-2#1',
      'credentials.check-1#1',
      'credentials.check-1#2',
      'credentials.check-1#3',
      'credentials.check-0#1',
      'credentials.check-0#2',
      'credentials.check-0#3',
    ]);
  });

  it('follows a baseline severity override: in the rule for GitHub, and as a rule configuration override', () => {
    // secrets-in-shell-profiles defaults to high; the hostile report's baseline makes it low.
    const { log } = render(hostileReport({ kind: 'live', platform: 'linux', hostname: 'h' }));
    const overrides = log.runs[0].invocations[0].ruleConfigurationOverrides;
    expect(overrides).toEqual([{ descriptor: { id: 'credentials.secrets-in-shell-profiles', index: 3 }, configuration: { level: 'note', properties: { severity: 'low' } } }]);
    const rule = log.runs[0].tool.driver.rules[3];
    expect(rule.id).toBe('credentials.secrets-in-shell-profiles');
    expect(rule.defaultConfiguration.level).toBe('error');
    expect(rule.properties).toMatchObject({ 'security-severity': '3.0', severity: 'low', defaultSeverity: 'high' });
    expect(log.runs[0].results.find((result: Json) => result.ruleId === rule.id).level).toBe('note');
  });
});
