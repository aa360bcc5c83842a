// JUnit XML: well-formed, parsed back with fast-xml-parser, counts per suite equal to the report, and
// hostile strings (markup, `]]>`, quotes, control characters, lone surrogates) escaped or stripped.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/engine/result.js';
import { MAX_JUNIT_FINDINGS, escapeXmlAttribute, escapeXmlText, renderJunit, stripIllegalXml } from '../src/report/junit-reporter.js';
import type { AuditReport } from '../src/report/report-model.js';
import { BASELINE_NAMES, ENDPOINTS, HOSTILE_TARGETS, HOSTILE_TEXT, hostileReport, hugeReport, plantedSecrets, scanEndpoint } from './support/sample-reports.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

/** Parsed XML. */
type Node = any;

const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(ILLEGAL.test(xml), 'a character XML 1.0 does not allow').toBe(false);
  return parser.parse(xml);
}

/** Text of an element parsed with attributes: a string, or the #text of an object. */
function textOf(node: Node): string {
  if (node === undefined) return '';
  return typeof node === 'string' ? node : (node['#text'] ?? '');
}

function countsOf(results: readonly CheckResult[]) {
  const count = (...statuses: string[]) => results.filter((result) => statuses.includes(result.status)).length;
  return { tests: String(results.length), failures: String(count('fail')), errors: String(count('error')), skipped: String(count('skipped', 'waived')) };
}

/** Structure and counts against the report; returns the parsed document. */
function checkAgainstReport(report: AuditReport, xml: string): Node {
  const doc = parse(xml);
  const suites: Node[] = doc.testsuites.testsuite;
  expect(doc.testsuites).toMatchObject({ name: 'cowork-audit', ...countsOf(report.results), time: (report.durationMs / 1000).toFixed(3) });
  const areas = [...new Set(report.results.map((result) => result.area))];
  expect(suites.map((suite) => suite.name)).toEqual(areas.map((area) => `cowork-audit.${area}`));
  for (const suite of suites) {
    const area = suite.name.slice('cowork-audit.'.length);
    const results = report.results.filter((result) => result.area === area);
    expect(suite).toMatchObject({ ...countsOf(results), hostname: report.target.hostname ?? report.target.path ?? report.target.kind, timestamp: report.startedAt.slice(0, 19) });
    const cases: Node[] = suite.testcase;
    expect(cases.map((testcase) => testcase.name)).toEqual(results.map((result) => result.checkId));
    // Each count equals the elements present: what GitLab and Jenkins count themselves.
    expect(String(cases.filter((testcase) => testcase.failure !== undefined).length)).toBe(suite.failures);
    expect(String(cases.filter((testcase) => testcase.error !== undefined).length)).toBe(suite.errors);
    expect(String(cases.filter((testcase) => testcase.skipped !== undefined).length)).toBe(suite.skipped);
    results.forEach((result, index) => {
      const testcase = cases[index];
      expect(testcase.classname).toBe(suite.name);
      expect(textOf(testcase['system-out'])).toBe(stripIllegalXml(result.message));
      if (result.status === 'fail') {
        expect(testcase.failure.type).toBe(result.severity);
        expect(testcase.failure.message).toBe(stripIllegalXml(result.message));
        const lines = textOf(testcase.failure).split('\n');
        const shown = result.findings.slice(0, MAX_JUNIT_FINDINGS);
        shown.forEach((finding, line) => {
          const where = finding.location ? `${finding.location.path.replace(/\r\n?|\n/g, ' ⏎ ')}${finding.location.line ? `:${finding.location.line}` : ''}: ` : '';
          expect(lines[line]?.startsWith(stripIllegalXml(where)), `line ${line}: ${lines[line]}`).toBe(true);
          expect(lines[line]).toContain(stripIllegalXml(finding.message.replace(/\r\n?|\n/g, ' ⏎ ')));
        });
        if (result.remediation) expect(lines).toContain(`fix: ${stripIllegalXml(result.remediation.summary.replace(/\r\n?|\n/g, ' ⏎ '))}`);
      } else {
        expect(testcase.failure).toBeUndefined();
      }
      if (result.status === 'error') expect(testcase.error.message).toBe(stripIllegalXml(result.error ? `${result.error.origin}: ${result.error.message}` : result.message));
      if (result.status === 'skipped') expect(testcase.skipped.message).toBe(stripIllegalXml(result.message));
      if (result.status === 'waived') expect(testcase.skipped.message).toBe(stripIllegalXml(`waived until ${result.waiver?.expires}: ${result.waiver?.reason}`));
      if (result.status === 'pass') expect(Object.keys(testcase).filter((key) => key !== '#text').sort()).toEqual(['classname', 'name', 'system-out', 'time']);
    });
  }
  return doc;
}

describe.each(ENDPOINTS)('%s', (name) => {
  describe.each(BASELINE_NAMES)('baseline %s', (baselineName) => {
    let report: AuditReport;
    let xml: string;
    beforeAll(async () => {
      report = await scanEndpoint(name, baselineName);
      xml = renderJunit(report);
    });

    it('is well-formed JUnit whose counts per suite match the report', () => {
      checkAgainstReport(report, xml);
      if (name.endsWith('-weak')) expect(xml).toContain('<failure ');
      if (name.endsWith('-hardened')) expect(xml).not.toContain('<failure ');
    });

    // Only weak endpoints put their planted secrets' files into findings (hardened ones keep them in 0600
    // files and short-lived caches that no check reads into a report).
    if (name.endsWith('-weak')) it('carries no planted secret', () => {
      expect(plantedSecrets(name).length).toBeGreaterThan(0);
      for (const secret of plantedSecrets(name)) expect(xml.includes(secret), `secret ${secret.slice(0, 6)}…`).toBe(false);
    });
  });
});

describe.each(HOSTILE_TARGETS)('hostile report on a $kind target ($platform)', (target) => {
  const report = hostileReport(target);
  const xml = renderJunit(report);

  it('is well-formed and its counts match the report', () => {
    checkAgainstReport(report, xml);
  });

  it('escapes markup and never writes ]]> or a raw quote into an attribute', () => {
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain(']]>');
    // Inside every attribute value: no raw quote, <, or line break.
    for (const match of xml.matchAll(/ [a-z]+="([^"]*)"/g)) expect(match[1]).not.toMatch(/[<\n\r\t]/);
  });

  it('round-trips the hostile text, minus the characters XML cannot carry', () => {
    const doc = parse(xml);
    const failing = doc.testsuites.testsuite[0].testcase[0];
    expect(failing.failure.message).toBe(stripIllegalXml(report.results[0]?.message ?? ''));
    expect(failing.failure.message).toContain('<img src=x onerror=alert(1)>');
    expect(failing.failure.message).toContain('\nsecond line\r\n# heading');
    const text = textOf(failing.failure);
    expect(text.split('\n')[3]).toMatch(/: waived mode 0640 \[bob\] \(waived\)$/);
    expect(text.split('\n')[2]).toBe('group everyone may read credential folders [system]');
  });
});

describe('escaping', () => {
  it('escapes the five XML specials and line breaks in attributes', () => {
    expect(escapeXmlAttribute(`a&b<c>d"e'f\tg\nh\ri`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i');
    expect(escapeXmlText(`a&b<c>d"e'f\tg\nh\ri ]]>`)).toBe(`a&amp;b&lt;c&gt;d"e'f\tg\nh&#13;i ]]&gt;`);
  });

  it('strips what XML 1.0 cannot carry, keeps tab, LF, CR and surrogate pairs', () => {
    expect(stripIllegalXml('a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh\uD800i\uDC00j')).toBe('abcdefghij');
    expect(stripIllegalXml('\t\n\r😀é\u0085\uFFFD')).toBe('\t\n\r😀é\u0085\uFFFD');
    expect(stripIllegalXml(HOSTILE_TEXT)).not.toMatch(ILLEGAL);
  });

  it('lists at most MAX_JUNIT_FINDINGS findings and counts the rest', () => {
    const report = hugeReport(1, MAX_JUNIT_FINDINGS + 5, 10);
    const doc = parse(renderJunit(report));
    const lines = textOf(doc.testsuites.testsuite[0].testcase[0].failure).split('\n');
    expect(lines).toHaveLength(MAX_JUNIT_FINDINGS + 2);
    expect(lines[MAX_JUNIT_FINDINGS]).toBe('… and 5 more finding(s)');
    expect(lines[MAX_JUNIT_FINDINGS + 1]).toBe('fix: fix it');
  });
});
