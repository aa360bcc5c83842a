// The HTML report (src/report/html-reporter.ts): complete on the recorded endpoints, inert on hostile
// input, filterable, and offline. The browser half renders the page in headless Chromium
// (test/support/chromium.ts) and is skipped only when Chromium is not installed.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { loadBaseline, type Baseline } from '../src/baseline/load-baseline.js';
import type { CheckResult, Status } from '../src/engine/result.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { HTML_REPORT_CSP, renderHtml } from '../src/report/html-reporter.js';
import { summarize, type AuditReport } from '../src/report/report-model.js';
import { exitCodeFor, scan } from '../src/scan/scan.js';
import { CHROMIUM_MISSING, dumpDom, pngSize, screenshot } from './support/chromium.js';

const ENDPOINTS_DIR = path.resolve(import.meta.dirname, '../fixtures/endpoints');
const ENDPOINTS = ['linux-weak', 'linux-hardened', 'darwin-weak', 'darwin-hardened', 'win32-weak', 'win32-hardened'];
const BROWSER_TIMEOUT = 120_000;

const AGENT_CLAUDE_BASELINE = `id: agent-claude
title: Recommended, with the desktop agent running as claude
extends: recommended
params:
  agentUser: claude
`;

// Markup an attacker could plant in a file name, a settings value or a host name. If any of it ran, it
// would set data-pwned on <html> or the title to PWNED, which the dumped DOM would show.
const PROBES = [
  `<script>window.__pwned=1</script>`,
  `<img src=x onerror="window.__pwned=2">`,
  `"quotes'`,
  `&amp;`,
  `<img src=x onerror="document.title='PWNED';document.documentElement.dataset.pwned='img'">`,
  `<script>document.title='PWNED';document.documentElement.dataset.pwned='script'</script>`,
  `<svg onload="document.documentElement.dataset.pwned='svg'"></svg>`,
  `</title></style></textarea><script>document.documentElement.dataset.pwned='breakout'</script>`,
  `' onmouseover='document.documentElement.dataset.pwned=1' x='`,
];
const HOSTILE = PROBES.join(' ');
const JS_URL = `javascript:document.documentElement.dataset.pwned='link'`;
const NOT_WEB_URLS = [JS_URL, ` JaVaScRiPt:alert(1)`, `data:text/html,<script>alert(1)</script>`, `//evil.example/x`, `https://user:pass@evil.example/`];

/** Markup an escaping failure would let through: it must appear in no form in the HTML or the DOM. */
const RAW_MARKUP = [/<script>window/i, /<script>document/i, /<img src=x/i, /<svg/i, /<img\b/i];

/** Text as the report must write it (independent of the reporter's own escaping). */
function escaped(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Elements with an event handler attribute (the page itself has none). */
function handlerTags(html: string): string[] {
  return startTags(html)
    .filter((tag) => tag.attributes.some((attribute) => attribute.name.startsWith('on')))
    .map((tag) => tag.name);
}

function finding(message: string, pathText: string, extra: Partial<CheckResult['findings'][number]> = {}): CheckResult['findings'][number] {
  return { message, location: { path: pathText, line: 7 }, subject: `alice ${HOSTILE}`, ...extra };
}

/** A report with every status, every severity, every action kind, waivers, an error, and hostile text everywhere. */
function hostileReport(): AuditReport {
  const manual = { kind: 'manual' as const, text: `Rotate the key. ${HOSTILE}`, reference: JS_URL };
  const results: CheckResult[] = [
    {
      checkId: 'credentials.file-permissions',
      title: `Credential files are private ${HOSTILE}`,
      area: 'credentials',
      severity: 'high',
      status: 'fail',
      message: `2 problem(s) ${HOSTILE}`,
      findings: [
        finding(`file ${HOSTILE} has mode 0644`, `/home/alice/${HOSTILE}/.aws/credentials`, {
          actions: [
            { kind: 'chmod', path: `/home/alice/${HOSTILE}/.aws/credentials`, mode: '0600' },
            { kind: 'chown', path: `/home/alice/${HOSTILE}`, user: 'alice', group: `staff ${HOSTILE}` },
          ],
        }),
        finding(`ACL grants ${HOSTILE}`, '/home/alice/.kube', {
          actions: [
            { kind: 'remove-acl-entry', path: '/home/alice/.kube', entry: { platform: 'posix', tag: 'user', qualifier: `claude ${HOSTILE}`, isDefault: true } },
            { kind: 'remove-acl-entry', path: '/Users/alice/.ssh', entry: { platform: 'darwin', entry: `0: group:everyone allow read ${HOSTILE}` } },
            { kind: 'remove-acl-entry', path: 'C:\\Users\\alice\\.aws', entry: { platform: 'windows', sid: 'S-1-1-0', principal: `Everyone ${HOSTILE}`, inherited: true } },
            { kind: 'remove-group-member', group: 'docker', user: `claude ${HOSTILE}` },
          ],
        }),
        finding(`long-lived key ${HOSTILE}`, `/home/alice/.aws/config\u202Egpj.exe\u0007`, { actions: [manual] }),
      ],
      references: [
        { title: `Guide ${HOSTILE}`, url: 'https://example.com/guide?a=1&b="x"' },
        ...NOT_WEB_URLS.map((url, index) => ({ title: `Hostile reference ${index} ${HOSTILE}`, url })),
        { title: 'CIS benchmark without a URL' },
      ],
    },
    {
      checkId: 'credentials.agent-user-access',
      title: 'The agent user cannot read other users’ credentials',
      area: 'credentials',
      severity: 'critical',
      status: 'error',
      message: `collector failed ${HOSTILE}`,
      findings: [],
      references: [],
      error: { origin: `collector credential-paths ${HOSTILE}`, message: `EACCES ${HOSTILE}` },
    },
    {
      checkId: 'network.proxy-configured',
      title: 'A corporate proxy is configured',
      area: 'network',
      severity: 'medium',
      status: 'waived',
      message: `waived until 2099-01-01: ${HOSTILE}`,
      findings: [{ ...finding(`no proxy ${HOSTILE}`, '/etc/environment'), waived: true }],
      waiver: { reason: `pilot group ${HOSTILE}`, expires: '2099-01-01', source: `waivers.yaml ${HOSTILE}` },
      references: [],
    },
    {
      checkId: 'firewall.outbound-default-deny',
      title: 'Outbound traffic is denied by default',
      area: 'firewall',
      severity: 'low',
      status: 'fail',
      message: `policy accept (waiver expired on 2020-01-01: ${HOSTILE})`,
      findings: [finding(`chain output policy accept ${HOSTILE}`, '/etc/nftables.conf')],
      remediation: { summary: `Set the output policy to drop ${HOSTILE}`, actions: [{ kind: 'chmod', path: '/etc/nftables.conf', mode: '0600' }] },
      waiver: { reason: `legacy ${HOSTILE}`, expires: '2020-01-01', expired: true },
      references: [{ title: 'nftables wiki', url: 'https://wiki.nftables.org/' }],
    },
    {
      checkId: 'agent.bypass-permissions-off',
      title: 'Agents do not run with bypass-permissions',
      area: 'agent',
      severity: 'medium',
      status: 'pass',
      message: `no bypass mode ${HOSTILE}`,
      findings: [],
      references: [],
    },
    { checkId: 'telemetry.editor-telemetry-off', title: 'Editor telemetry is off', area: 'telemetry', severity: 'info', status: 'pass', message: 'telemetry off', findings: [], references: [] },
    {
      checkId: 'monitoring.edr-present',
      title: 'An EDR sensor is installed',
      area: 'monitoring',
      severity: 'low',
      status: 'skipped',
      message: `not applicable to a replay target ${HOSTILE}`,
      findings: [],
      references: [],
    },
    {
      checkId: `sandbox.${HOSTILE}`,
      title: 'A check whose id is hostile',
      area: 'sandbox',
      severity: 'critical',
      status: 'fail',
      message: 'runs as root',
      findings: [],
      remediation: { summary: 'Run the agent in a VM', actions: [{ kind: 'manual', text: `Use a VM ${HOSTILE}` }] },
      references: [],
    },
  ];
  return {
    schemaVersion: '1',
    tool: { name: 'cowork-audit', version: `0.1.0 ${HOSTILE}` },
    target: { kind: 'root', platform: 'linux', hostname: `host ${HOSTILE}`, os: `Ubuntu ${HOSTILE}`, path: `/mnt/${HOSTILE}`, users: `every user: ${HOSTILE}` },
    baseline: { id: `corp ${HOSTILE}`, source: `/etc/${HOSTILE}.yaml`, sha256: `43882cfd52ff512e47b4a8a2e8b873a2e10c89f1dfc14c297192e8079a17c5e8 ${HOSTILE}` },
    startedAt: '2024-11-12T10:00:00.000Z',
    durationMs: 1234,
    summary: summarize(results),
    results,
  };
}

/** The `<article class="check">` start tags of a page, with the attributes the filters use. */
function checkRows(html: string): { id: string; status: string; severity: string; hidden: boolean }[] {
  return [...html.matchAll(/<article\b[^>]*>/g)].map(([tag]) => ({
    id: /\bid="([^"]*)"/.exec(tag)?.[1] ?? '',
    status: /\bdata-status="([^"]*)"/.exec(tag)?.[1] ?? '',
    severity: /\bdata-severity="([^"]*)"/.exec(tag)?.[1] ?? '',
    hidden: /\shidden(=|\s|>)/.test(tag),
  }));
}

/** The start tag of the first element with this id. */
function tagWithId(html: string, id: string): string {
  return new RegExp(`<[a-z][a-z0-9]*\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
}

function htmlTag(dom: string): string {
  return /<html\b[^>]*>/.exec(dom)?.[0] ?? '';
}

function titleOf(dom: string): string {
  return /<title>([\s\S]*?)<\/title>/.exec(dom)?.[1] ?? '';
}

/**
 * Every start tag with its attributes, parsed as leniently as a browser does (unquoted values may hold
 * `=`), outside the page's own <style> and <script>, for the attribute-level assertions.
 */
function startTags(html: string): { name: string; attributes: { name: string; value: string }[] }[] {
  const markup = html.replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/gi, '$1$2').replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
  return [...markup.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)].map((match) => ({
    name: (match[1] ?? '').toLowerCase(),
    attributes: [...(match[2] ?? '').matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)].map((attribute) => ({
      name: (attribute[1] ?? '').toLowerCase(),
      value: attribute[2] ?? attribute[3] ?? attribute[4] ?? '',
    })),
  }));
}

const STATUS_GROUP: Record<Status, number> = { fail: 0, error: 0, waived: 1, pass: 2, skipped: 3 };

let tmp: string;
let baseline: Baseline;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cowork-audit-html-'));
  const file = path.join(tmp, 'agent-claude.yaml');
  writeFileSync(file, AGENT_CLAUDE_BASELINE);
  baseline = loadBaseline(file, BUILTIN_CHECKS);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.each(ENDPOINTS)('HTML report of the %s endpoint', (name) => {
  let report: AuditReport;
  let html: string;
  const secrets = ((parseYaml(readFileSync(path.join(ENDPOINTS_DIR, name, 'expected.yaml'), 'utf8')) as { secrets?: string[] | null }).secrets ?? []).filter(Boolean);

  beforeAll(async () => {
    report = await scan({ host: ReplayHost.fromFolder(path.join(ENDPOINTS_DIR, name)), baseline, now: new Date('2024-11-12T10:00:00Z') });
    html = renderHtml(report, { failOn: 'high', exitCode: exitCodeFor(report, 'high') });
  });

  it('shows the score, the gate, every check id and every finding', () => {
    expect(html).toContain(`<span class="score-value">${report.summary.score}</span>`);
    expect(html).toContain(`<div class="gate-word">${exitCodeFor(report, 'high') ? 'FAIL' : 'PASS'}</div>`);
    if (name.endsWith('-weak')) expect(report.summary.fail).toBeGreaterThan(0);
    for (const result of report.results) {
      expect(html, result.checkId).toContain(`<code class="check-id">${result.checkId}</code>`);
      for (const item of result.findings) {
        expect(html).toContain(escaped(item.message));
      }
    }
    expect(checkRows(html)).toHaveLength(report.results.length);
  });

  it('contains no planted secret', () => {
    expect(secrets.length, 'expected.yaml lists the planted secrets').toBeGreaterThan(0);
    for (const secret of secrets) expect(html.includes(secret), `secret ${secret.slice(0, 6)}… leaked into the HTML`).toBe(false);
  });
});

describe('rendering a hostile report', () => {
  const report = hostileReport();
  const html = renderHtml(report, { failOn: 'high', exitCode: exitCodeFor(report, 'high') });

  it('leaves no markup from the report in the page: every probe is shown as text', () => {
    for (const pattern of RAW_MARKUP) expect(html, String(pattern)).not.toMatch(pattern);
    // In the HTML source even the quotes are escaped, so no handler text survives inside a tag either.
    expect(html).not.toMatch(/\son[a-z]+\s*=\s*["']?(window|document)/i);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
    expect(html).toContain('&quot;quotes&#39;');
    expect(html).toContain('&amp;amp;');
    expect(html).toContain('&lt;/title&gt;&lt;/style&gt;&lt;/textarea&gt;');
    // A right-to-left override or a control character cannot disguise a file name.
    expect(html).toContain('/home/alice/.aws/config[U+202E]gpj.exe[U+0007]');
    expect(html).not.toMatch(/[\u0000-\u0008\u202a-\u202e\u2066-\u2069]/);
    // The only elements with event handlers or scripts are none and the page's own one.
    expect(handlerTags(html)).toEqual([]);
    expect(html.match(/<script\b/gi)).toHaveLength(1);
    expect(html.match(/<\/script/gi)).toHaveLength(1);
    expect(html.match(/<title\b/gi)).toHaveLength(1);
    expect(html.match(/<style\b/gi)).toHaveLength(1);
  });

  it('links only http(s) references; javascript:, data:, protocol-relative and credential URLs stay text', () => {
    const hrefs = startTags(html).flatMap((tag) => tag.attributes.filter((attribute) => attribute.name === 'href').map((attribute) => ({ tag: tag.name, href: attribute.value })));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const { tag, href } of hrefs) {
      expect(tag).toBe('a');
      expect(href, href).toMatch(/^(#[a-z0-9.-]+|https:\/\/(example\.com|wiki\.nftables\.org)\/[^\s"'<>]*)$/);
    }
    expect(html).toContain('<a href="https://example.com/guide?a=1&amp;b=%22x%22" rel="noopener noreferrer" target="_blank">Guide ');
    expect(html).not.toMatch(/href="[^"]*evil\.example/);
    for (const url of NOT_WEB_URLS) expect(html).toContain(`<code>${escaped(url)}</code>`);
  });

  it('has a strict Content-Security-Policy that allows exactly the page script by its hash', () => {
    const scriptText = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(scriptText, 'utf8').digest('base64');
    expect(HTML_REPORT_CSP).toBe(`default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`);
    // First thing after the charset, so it governs everything that follows.
    expect(html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="en">\\s*<head>\\s*<meta charset="utf-8">\\s*<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP.replaceAll("'", '&#39;').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}">`));
    // Nothing from the report is put into the script.
    expect(scriptText).not.toContain('pwned');
    expect(scriptText).not.toContain('alice');
    expect(renderHtml(hostileReport(), { failOn: 'low', exitCode: 0 })).toContain(`<script>${scriptText}</script>`);
  });

  it('loads nothing: no remote src or href outside links, no stylesheet links, imports or url()', () => {
    for (const tag of startTags(html)) {
      for (const attribute of tag.attributes) {
        if (tag.name === 'a' && attribute.name === 'href') continue;
        expect(`${tag.name} ${attribute.name}=${attribute.value}`).not.toMatch(/(https?:)?\/\//i);
      }
      expect(['link', 'img', 'iframe', 'object', 'embed', 'video', 'audio', 'source', 'base', 'frame']).not.toContain(tag.name);
    }
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(/i);
    const loading = ['src', 'srcset', 'action', 'formaction', 'poster', 'background', 'data', 'codebase', 'manifest', 'ping', 'xlink:href'];
    expect(startTags(html).flatMap((tag) => tag.attributes.filter((attribute) => loading.includes(attribute.name)))).toEqual([]);
  });

  it('orders checks failing and errored first, then waived, passed, skipped, by severity', () => {
    const rows = checkRows(html);
    expect(rows).toHaveLength(report.results.length);
    const groups = rows.map((row) => STATUS_GROUP[row.status as Status]);
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
    expect(rows.map((row) => row.status)).toEqual(['fail', 'error', 'fail', 'fail', 'waived', 'pass', 'pass', 'skipped']);
    expect(rows.map((row) => row.severity)).toEqual(['critical', 'critical', 'high', 'low', 'medium', 'medium', 'info', 'low']);
  });

  it('is complete without scripts: no check is hidden, only the filter bar waits for the script', () => {
    expect(checkRows(html).filter((row) => row.hidden)).toEqual([]);
    expect(tagWithId(html, 'filters')).toMatch(/\shidden[\s>]/);
    expect(html).not.toMatch(/<details\b/);
  });

  it('renders the fix as readable text, with the waiver, the error and the gate', () => {
    expect(html).toContain('Change the mode of <code>/home/alice/');
    expect(html).toContain('</code> to <code>0600</code>');
    expect(html).toContain('Change the owner of <code>/home/alice/');
    expect(html).toContain('Remove the default ACL entry <code>default:user:claude ');
    expect(html).toContain('Remove the ACL entry <code>0: group:everyone allow read ');
    expect(html).toContain('(<code>S-1-1-0</code>) from <code>C:\\Users\\alice\\.aws</code> (inherited: disable inheritance on it first)');
    expect(html).toContain('Remove user <code>claude ');
    expect(html).toContain('Rotate the key. &lt;script&gt;');
    expect(html).toContain('Waived until <strong>2099-01-01</strong>');
    expect(html).toContain('Expired on <strong>2020-01-01</strong>');
    expect(html).toContain('Check error</h5><p>In <code>collector credential-paths &lt;script&gt;');
    expect(html).toContain('<div class="gate-word">FAIL</div>');
    expect(html).toMatch(/3 checks failed or errored at or above <strong>high<\/strong>/);
    expect(html).toContain('sha256 <code>43882cfd52ff</code>');
    expect(renderHtml(report, { failOn: 'critical', exitCode: 1 })).toMatch(/2 checks failed or errored at or above <strong>critical<\/strong>/);
    expect(renderHtml(report, { failOn: 'none', exitCode: 0 })).toContain('<div class="gate-word">PASS</div>');
  });

  it('is deterministic', () => {
    expect(renderHtml(hostileReport(), { failOn: 'high', exitCode: 1 })).toBe(renderHtml(hostileReport(), { failOn: 'high', exitCode: 1 }));
  });
});

// Said once, plainly, so a skipped browser run is never mistaken for a passing one.
if (CHROMIUM_MISSING) console.warn(`test/html-report.test.ts: browser tests SKIPPED: ${CHROMIUM_MISSING}`);

describe.skipIf(CHROMIUM_MISSING !== undefined)(`in headless Chromium${CHROMIUM_MISSING ? ` (skipped: ${CHROMIUM_MISSING})` : ''}`, () => {
  const report = hostileReport();
  const html = renderHtml(report, { failOn: 'high', exitCode: exitCodeFor(report, 'high') });
  let dir: string;
  let page: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cowork-audit-html-browser-'));
    page = path.join(dir, 'report.html');
    writeFileSync(page, html);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'takes a screenshot of the hostile report',
    async () => {
      const file = path.join(dir, 'report.png');
      const png = await screenshot(page, file, { width: 1280, height: 2000 });
      expect(pngSize(png)).toEqual({ width: 1280, height: 2000 });
      expect(png.length).toBeGreaterThan(30_000);
      expect(png.length).toBeLessThan(20_000_000);
      // For a human look: COWORK_AUDIT_KEEP_SCREENSHOT=/tmp/report.png npx vitest run test/html-report.test.ts
      if (process.env.COWORK_AUDIT_KEEP_SCREENSHOT) copyFileSync(file, process.env.COWORK_AUDIT_KEEP_SCREENSHOT);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'runs its own script under the CSP, shows the probes as text, runs none of them and requests nothing',
    async () => {
      const { stdout: dom, pageRequests } = await dumpDom(page, { netLog: true });
      expect(htmlTag(dom), 'the page script did not run').toMatch(/\sdata-ready="1"/);
      expect(htmlTag(dom)).not.toContain('pwned');
      expect(titleOf(dom)).not.toBe('PWNED');
      expect(titleOf(dom)).toContain('cowork-audit report · host &lt;script&gt;window.__pwned=1&lt;/script&gt;');
      // Text nodes as Chromium serialises them: < > & escaped, quotes as they are.
      expect(dom).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
      expect(dom).toContain(`&lt;img src=x onerror="window.__pwned=2"&gt;`);
      expect(dom).toContain(`"quotes'`);
      expect(dom).toContain('&amp;amp;');
      for (const pattern of RAW_MARKUP) expect(dom, String(pattern)).not.toMatch(pattern);
      expect(handlerTags(dom)).toEqual([]);
      expect(dom.match(/<script\b/g)).toHaveLength(1);
      expect(checkRows(dom)).toHaveLength(report.results.length);
      expect(checkRows(dom).filter((row) => row.hidden)).toEqual([]);
      expect(tagWithId(dom, 'filters'), 'the script shows the filter bar').not.toMatch(/\shidden/);
      expect(dom).toContain('Showing all 8 checks');
      expect(pageRequests).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'would block injected markup by its CSP alone (and the probe detects it without the CSP)',
    async () => {
      const injected = '<img src=x onerror="document.documentElement.dataset.pwned=\'img\'"><script>document.title=\'PWNED\'</script><img src="http://cowork-audit.invalid/pixel.png">';
      const withCsp = path.join(dir, 'injected.html');
      const withoutCsp = path.join(dir, 'injected-no-csp.html');
      writeFileSync(withCsp, html.replace('<main class="wrap">', `<main class="wrap">${injected}`));
      writeFileSync(withoutCsp, html.replace('<main class="wrap">', `<main class="wrap">${injected}`).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));

      const guarded = await dumpDom(withCsp, { netLog: true });
      expect(htmlTag(guarded.stdout)).toMatch(/\sdata-ready="1"/);
      expect(htmlTag(guarded.stdout)).not.toContain('pwned');
      expect(titleOf(guarded.stdout)).not.toBe('PWNED');
      expect(guarded.pageRequests).toEqual([]);

      const open = await dumpDom(withoutCsp, { netLog: true });
      expect(htmlTag(open.stdout)).toContain('data-pwned="img"');
      expect(titleOf(open.stdout)).toBe('PWNED');
      expect(open.pageRequests).toContain('http://cowork-audit.invalid/pixel.png');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'filters from the URL fragment: #status=fail hides everything that did not fail',
    async () => {
      const { stdout: dom } = await dumpDom(page, { fragment: 'status=fail' });
      const rows = checkRows(dom);
      expect(rows).toHaveLength(report.results.length);
      for (const row of rows) expect(row.hidden, `${row.status} ${row.id}`).toBe(row.status !== 'fail');
      expect(rows.filter((row) => !row.hidden)).toHaveLength(3);
      expect(tagWithId(dom, 'group-passed')).toBe('<h3 id="group-passed">');
      expect(/<section class="check-group" data-group="passed"[^>]*>/.exec(dom)?.[0]).toMatch(/\shidden/);
      expect(/<section class="check-group" data-group="attention"[^>]*>/.exec(dom)?.[0]).not.toMatch(/\shidden/);
      expect(dom).toContain('Showing 3 of 8 checks');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'filters by severity and text: #status=fail,error&severity=critical&q=…',
    async () => {
      const severity = await dumpDom(page, { fragment: 'status=fail,error&severity=critical' });
      expect(
        checkRows(severity.stdout)
          .filter((row) => !row.hidden)
          .map((row) => `${row.status} ${row.severity}`),
      ).toEqual(['fail critical', 'error critical']);

      const text = await dumpDom(page, { fragment: 'q=nftables.conf' });
      expect(checkRows(text.stdout).filter((row) => !row.hidden).map((row) => row.id)).toEqual(['check-firewall.outbound-default-deny']);

      const nothing = await dumpDom(page, { fragment: 'status=bogus&severity=' });
      expect(checkRows(nothing.stdout).filter((row) => row.hidden)).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );
});
