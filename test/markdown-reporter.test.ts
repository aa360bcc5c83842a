// The Markdown summary: content for weak and hardened endpoints, hostile text rendered inert (checked by
// rendering it with markdown-it, raw HTML allowed, as a worst case of what GitHub would show), and the
// 1 MiB step-summary cap.
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FailOn } from '../src/engine/severity.js';
import { MAX_FINDINGS_PER_CHECK, MAX_MARKDOWN_BYTES, codeSpan, escapeMarkdown, renderMarkdown } from '../src/report/markdown-reporter.js';
import type { AuditReport } from '../src/report/report-model.js';
import {
  BASELINE_NAMES,
  ENDPOINTS,
  HOSTILE_TARGETS,
  HOSTILE_TEXT,
  exitCodeFor,
  hostilePaths,
  hostileReport,
  hugeReport,
  plantedSecrets,
  scanEndpoint,
} from './support/sample-reports.js';

const markdown = new MarkdownIt({ html: true, linkify: true });

function render(report: AuditReport, failOn: FailOn = 'high'): string {
  return renderMarkdown(report, { failOn, exitCode: exitCodeFor(report, failOn) });
}

/** Rendered HTML with nothing active in it: no element or link that report text could have made. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<img|<script|<b>|<iframe|<[^>]*\son\w+=/i);
  expect(html).not.toMatch(/href="javascript:/i);
  // Our own emphasis is `_(below …)_` and `_(waived)_`: report text never makes any.
  for (const match of html.matchAll(/<em>([\s\S]*?)<\/em>/g)) expect(match[1]).toMatch(/^\((below <code>\w+<\/code>|waived)\)$/);
  expect(html).not.toMatch(/<strong>[bgi]/);
  expect(html).not.toContain('<s>');
  expect(html).not.toContain('<h1>');
  // Only the headings, lists, tables, code and the <sub> footer we write ourselves.
  const tags = new Set([...html.matchAll(/<([a-z0-9]+)[\s>]/g)].map((match) => match[1]));
  for (const tag of tags) expect(['h2', 'h3', 'h4', 'p', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'strong', 'em', 'br', 'sub', 'blockquote', 'a']).toContain(tag);
}

describe('linux-weak with the agent-claude baseline', () => {
  let report: AuditReport;
  let text: string;
  beforeAll(async () => {
    report = await scanEndpoint('linux-weak', 'agent-claude');
    text = render(report);
  });

  it('heads with FAIL, the score and the gate', () => {
    expect(text.split('\n')[0]).toBe(`## ❌ cowork-audit: FAIL · score ${report.summary.score}/100`);
    const gated = report.results.filter((result) => result.status === 'fail' && ['critical', 'high'].includes(result.severity)).length;
    expect(gated).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`**${gated} check(s) failed at or above \`high\`** (exit code 1)`);
    expect(text).toContain('host `alice-thinkpad`');
    expect(text).toContain('baseline `agent-claude`');
  });

  it('counts results per area in a table', () => {
    expect(text).toContain('| Area | Pass | Fail | Error | Waived | Skipped |');
    expect(text).toContain('| credentials | 0 | 4 | 0 | 0 | 0 |');
    expect(text).toContain('| network | 0 | 6 | 0 | 0 | 0 |');
    const count = (status: string) => report.results.filter((result) => result.status === status).length;
    expect(text).toContain(`| **Total** | ${count('pass')} | ${count('fail')} | ${count('error')} | ${count('waived')} | ${count('skipped')} |`);
  });

  it('lists failing checks critical first, each with up to 10 findings at path:line and the fix', () => {
    const headings = [...text.matchAll(/^#### \S+ (\w+) · `([a-z.-]+)`/gm)].map((match) => [match[1], match[2]]);
    // Most severe first, then by id; every failing check once.
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const failing = report.results.filter((result) => result.status === 'fail');
    const expected = [...failing].sort((a, b) => rank.indexOf(a.severity) - rank.indexOf(b.severity) || (a.checkId < b.checkId ? -1 : 1)).map((result) => [result.severity, result.checkId]);
    expect(headings).toEqual(expected);
    expect(headings.filter(([, id]) => id?.startsWith('credentials.') || id?.startsWith('network.'))).toEqual([
      ['critical', 'credentials.agent-user-access'],
      ['high', 'credentials.file-permissions'],
      ['high', 'credentials.secrets-in-shell-profiles'],
      ['medium', 'credentials.long-lived-keys'],
      ['medium', 'network.dns-fallback'],
      ['medium', 'network.dns-resolvers'],
      ['medium', 'network.doh-bypass'],
      ['medium', 'network.no-proxy-scope'],
      ['medium', 'network.proxy-configured'],
      ['medium', 'network.tls-inspection-ca'],
    ]);
    expect(text).toContain('- `/home/alice/.aws/credentials:6` AWS shared credentials');
    expect(text).toContain('- `/home/alice/.bashrc:60` ');
    const fileFindings = report.results.find((result) => result.checkId === 'credentials.file-permissions')?.findings.length ?? 0;
    expect(fileFindings).toBeGreaterThan(MAX_FINDINGS_PER_CHECK);
    expect(text).toContain(`- … and ${fileFindings - MAX_FINDINGS_PER_CHECK} more finding(s)`);
    for (const result of report.results) expect(text).toContain(`**Fix:** ${escapeMarkdown(result.remediation?.summary ?? '')}`);
    const block = text.slice(text.indexOf('`credentials.file-permissions`'), text.indexOf('`credentials.secrets-in-shell-profiles`'));
    expect(block.match(/^- `/gm)).toHaveLength(MAX_FINDINGS_PER_CHECK);
  });

  it('renders to inert HTML with the table intact', () => {
    const html = markdown.render(text);
    expectInert(html);
    // Header, one row per area with results, and the total.
    expect(html.match(/<tr>/g)).toHaveLength(new Set(report.results.map((result) => result.area)).size + 2);
  });

  it('passes when the gate is above every failure', () => {
    const gateless = render(report, 'none');
    expect(gateless.split('\n')[0]).toMatch(/^## ✅ cowork-audit: PASS · score \d+\/100$/);
    expect(gateless).toContain('_(below `none`)_');
  });
});

describe('linux-hardened', () => {
  it('heads with PASS and lists no failing check', async () => {
    const report = await scanEndpoint('linux-hardened', 'agent-claude');
    const text = render(report);
    expect(text.split('\n')[0]).toBe('## ✅ cowork-audit: PASS · score 100/100');
    expect(text).toContain('Nothing failed at or above `high` (exit code 0)');
    expect(text).toContain('| credentials | 4 | 0 | 0 | 0 | 0 |');
    expect(text).not.toContain('### Failing checks');
    expect(text).not.toContain('### Errors');
  });
});

describe.each(ENDPOINTS)('%s', (name) => {
  it.each(BASELINE_NAMES)('with %s: small, inert and without secrets', async (baselineName) => {
    const report = await scanEndpoint(name, baselineName);
    const text = render(report);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(64 * 1024);
    expectInert(markdown.render(text));
    expect(text.split('\n')[0]).toMatch(name.endsWith('-weak') ? /^## ❌ cowork-audit: FAIL · score \d+\/100$/ : /^## ✅ cowork-audit: PASS · score 100\/100$/);
    // Only weak endpoints put their planted secrets' files into findings.
    if (name.endsWith('-weak')) for (const secret of plantedSecrets(name)) expect(text.includes(secret), `secret ${secret.slice(0, 6)}…`).toBe(false);
  });
});

describe.each(HOSTILE_TARGETS)('hostile report on a $kind target ($platform)', (target) => {
  const report = hostileReport(target);
  const text = render(report);
  const html = markdown.render(text);

  it('writes no raw markup, link or control character', () => {
    expect(text).not.toContain('<img');
    expect(text).not.toContain('<script');
    expect(text).not.toContain('<b>');
    expect(text).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(text).not.toContain('@everyone');
    expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(text).not.toContain('\r');
  });

  it('renders inert, showing the hostile text as text', () => {
    expectInert(html);
    // The text a reader sees still says what the finding said.
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('[link](javascript:alert(1))');
    expect(html).toContain('*b* _i_ ~s~');
  });

  it('counts each status in its own column', () => {
    expect(text).toContain('| credentials | 0 | 2 | 1 | 1 | 0 |');
    expect(text).toContain('| network | 1 | 1 | 0 | 0 | 0 |');
    expect(text).toContain('| monitoring | 0 | 0 | 0 | 0 | 1 |');
    expect(text).toContain('| **Total** | 1 | 3 | 1 | 1 | 1 |');
  });

  it('keeps the table and the lists in shape', () => {
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((match) => (match[1]?.match(/<t[hd][ >]/g) ?? []).length);
    expect(rows).toEqual([6, 6, 6, 6, 6]);
    expect(html).toContain('<h3>Failing checks</h3>');
    expect(html).toContain('<h3>Waivers</h3>');
    expect(html).toContain('<h3>Errors</h3>');
    expect(html.match(/<h4>/g)).toHaveLength(3);
    // The second line of a hostile message does not become a heading of its own.
    expect(html).not.toMatch(/<h[1-6]>\s*heading/);
  });

  it('shows every path in code, decoded back to the path', () => {
    const codes = [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((match) =>
      (match[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
    );
    const [first, second] = hostilePaths(target.platform) as [string, string];
    expect(codes).toContain(`${first}:3`);
    expect(codes).toContain(second.replace(/\n/g, '\\n').replace(/\t/g, '\\t'));
  });

  it('names the waivers, with the expiry and the source', () => {
    expect(text).toContain('- `credentials.agent-user-access` The agent\'s runtime user cannot read other users\' credentials: waived until 2099-01-01: vendor &lt;b&gt;tool&lt;/b&gt; needs it \\| "really" (`/etc/cowork/baseline.yaml:12`)');
    expect(text).toContain('partly waived (1 of 4 findings) until 2099-01-01');
    expect(text).toContain('_(waived)_');
  });

  it('lists the errored check', () => {
    expect(text).toContain('- 🟡 `credentials.long-lived-keys` could not be evaluated: collector "credential-contents": EACCES &lt;denied&gt; &amp; "boom" \\]\\]&gt;');
  });
});

describe('escaping', () => {
  it('escapes Markdown and HTML specials and breaks mentions', () => {
    expect(escapeMarkdown('a|b `c` <d> & [e](f) *g* _h_ ~i~ \\ @team')).toBe('a\\|b \\`c\\` &lt;d&gt; &amp; \\[e\\](f) \\*g\\* \\_h\\_ \\~i\\~ \\\\ @\u2060team');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('1. not a list\n- nor this')).toBe('1\\. not a list - nor this');
    expect(escapeMarkdown(HOSTILE_TEXT)).not.toMatch(/[\n\r\u0000]/);
  });

  it('fences code spans longer than any backtick run inside, and pads edge backticks and spaces', () => {
    const cases = ['plain', 'a`b', 'a``b```c', '`start', 'end`', ' lead', 'trail ', ' both ', '|pipe|', '*x* _y_ [z](w)'];
    for (const value of cases) {
      const span = codeSpan(value);
      const html = markdown.renderInline(span);
      expect(html, span).toBe(`<code>${markdown.utils.escapeHtml(value)}</code>`);
    }
    expect(codeSpan('a``b```c')).toBe('````a``b```c````');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('puts text with markup characters in <code> with entities, and shows control characters', () => {
    expect(codeSpan('<script>&')).toBe('<code>&lt;script&gt;&amp;</code>');
    expect(codeSpan('a\nb\tc\u0007')).toBe('`a\\nb\\tc\\u0007`');
    expect(markdown.renderInline(codeSpan('<img src=x> `t` *b*'))).toBe('<code>&lt;img src=x&gt; `t` *b*</code>');
  });
});

describe('size', () => {
  it("stays under GitHub's 1 MiB step-summary limit and says how much more there is", () => {
    const report = hugeReport(3_000, 50, 300);
    const text = render(report);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_MARKDOWN_BYTES);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(1024 * 1024);
    const more = /Summary cut to stay under GitHub's 1 MiB limit: (\d+) more failing check\(s\) not shown/.exec(text);
    expect(more).not.toBeNull();
    const shown = (text.match(/^#### /gm) ?? []).length;
    expect(shown + Number(more?.[1])).toBe(3_000);
    // The most severe come first: the first shown check is critical.
    expect(text).toMatch(/^#### 🔴 critical/m);
    expect(text.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('shows the most severe checks without a gap: nothing after the first check that does not fit', () => {
    // 150 critical checks of ~10 KB each overflow the budget; 50 small info checks follow.
    const big = hugeReport(150, 10, 2_000);
    const small = hugeReport(50, 1, 10);
    const results = [
      ...big.results.map((result) => ({ ...result, severity: 'critical' as const })),
      ...small.results.map((result, index) => ({ ...result, checkId: `credentials.small-${index}`, severity: 'info' as const })),
    ];
    const text = render({ ...big, results });
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_MARKDOWN_BYTES);
    expect(text).not.toContain('credentials.small-');
    const shown = (text.match(/^#### /gm) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    expect(text).toContain(`${200 - shown} more failing check(s) not shown`);
  });

  it('cuts a very long message', () => {
    const report = hugeReport(1, 1, 50_000);
    const text = render(report);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(8 * 1024);
    expect(text).toContain('…');
  });
});
