// Reports for the renderer tests: every recorded endpoint scanned with the recommended baseline and with
// one naming claude as the agent user, and hand-built reports full of hostile strings.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BUILTIN_CHECKS } from '../../checks/index.js';
import { loadBaseline, type Baseline } from '../../src/baseline/load-baseline.js';
import type { CheckResult } from '../../src/engine/result.js';
import type { TargetInfo } from '../../src/host/host.js';
import { ReplayHost } from '../../src/host/replay-host.js';
import { SCHEMA_VERSION, summarize, type AuditReport } from '../../src/report/report-model.js';
import { exitCodeFor, scan } from '../../src/scan/scan.js';
import { TOOL_NAME, TOOL_VERSION } from '../../src/version.js';

export const ENDPOINTS_DIR = path.resolve(import.meta.dirname, '../../fixtures/endpoints');
export const ENDPOINTS = readdirSync(ENDPOINTS_DIR)
  .filter((name) => statSync(path.join(ENDPOINTS_DIR, name)).isDirectory())
  .sort();
export const SCAN_DATE = new Date('2024-11-12T10:00:00Z');

/** The baseline an organisation running its agent as `claude` writes: recommended plus agentUser. */
export function withAgentClaudeBaseline<T>(use: (baseline: Baseline) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cowork-audit-renderers-'));
  try {
    const file = path.join(dir, 'agent-claude.yaml');
    writeFileSync(file, 'id: agent-claude\ntitle: Recommended, agent runs as claude\nextends: recommended\nparams:\n  agentUser: claude\n');
    return use(loadBaseline(file, BUILTIN_CHECKS));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const BASELINE_NAMES = ['recommended', 'agent-claude'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export async function scanEndpoint(name: string, baseline: BaselineName): Promise<AuditReport> {
  const chosen = baseline === 'recommended' ? loadBaseline('recommended', BUILTIN_CHECKS) : withAgentClaudeBaseline((loaded) => loaded);
  return scan({ host: ReplayHost.fromFolder(path.join(ENDPOINTS_DIR, name)), baseline: chosen, now: SCAN_DATE });
}

/** Every secret value planted in a fixture (expected.yaml `secrets:`), and the passwords inside base64 user:password pairs. */
export function plantedSecrets(name: string): string[] {
  const expected = parseYaml(readFileSync(path.join(ENDPOINTS_DIR, name, 'expected.yaml'), 'utf8')) as { secrets?: string[] | null };
  const needles = new Set(expected.secrets ?? []);
  for (const secret of expected.secrets ?? []) {
    if (!/^[A-Za-z0-9+/]{12,}={0,2}$/.test(secret)) continue;
    const match = /^[\x21-\x7e]+:([\x21-\x7e]{8,})$/.exec(Buffer.from(secret, 'base64').toString('utf8'));
    if (match?.[1]) needles.add(match[1]);
  }
  return [...needles];
}

export { exitCodeFor };

/** Markup, Markdown, XML and shell metacharacters, control characters, a lone surrogate, U+FFFF, a mention. */
export const HOSTILE_TEXT =
  'evil | `tick` ``double`` <img src=x onerror=alert(1)> [link](javascript:alert(1)) ]]> & "dq" \'sq\' *b* _i_ ~s~ \\ ' +
  '\u0000\u0007\u001b\u000b\ud800 \uffff @everyone #1\nsecond line\r\n# heading';

export function hostilePaths(platform: TargetInfo['platform']): string[] {
  if (platform === 'win32') {
    return ['C:\\Users\\x y\\#dir\\a%41 b\\<script>\'"ü€.txt', '\\\\fileserver\\share name\\creds [1].txt', 'D:\\new\nline\\tab\there'];
  }
  return ['/home/alice/my dir/<script>alert(1)</script>/"q" \'s\' #h ?q=1 %41 ü €/.aws/credentials', '/tmp/evil\nname|pipe[1]^x`tick`', '/home/alice/.bashrc'];
}

const REFS = [{ title: 'Hostile [title] | <b>', url: 'https://example.com/a(b)c' }, { title: 'Book, no URL' }];

/**
 * A report as the scan would build it, by hand: a failing check with hostile paths and messages, one of its
 * findings waived and one without a path; a check waived whole; an errored check; a failing check with no
 * finding; a check not in the registry; a pass and a skip.
 */
export function hostileReport(target: TargetInfo): AuditReport {
  const [first, second, third] = hostilePaths(target.platform) as [string, string, string];
  const waiver = { reason: 'vendor <b>tool</b> needs it | "really"', expires: '2099-01-01', source: '/etc/cowork/baseline.yaml:12' };
  const results: CheckResult[] = [
    {
      checkId: 'credentials.file-permissions',
      title: 'Credential files and folders are private to their owner',
      area: 'credentials',
      severity: 'high',
      status: 'fail',
      message: `3 problem(s) ${HOSTILE_TEXT} (1 of 4 findings waived until 2099-01-01)`,
      findings: [
        { message: `mode 0644 ${HOSTILE_TEXT}`, location: { path: first, line: 3 }, subject: 'alice <admin>' },
        { message: `newline in name ${HOSTILE_TEXT}`, location: { path: second }, subject: 'alice' },
        { message: 'group everyone may read credential folders', subject: 'system' },
        { message: 'waived mode 0640', location: { path: third, line: 7 }, subject: 'bob', waived: true },
      ],
      remediation: { summary: `chmod 0600 ${HOSTILE_TEXT}`, actions: [{ kind: 'chmod', path: first, mode: '0600' }] },
      waiver,
      references: REFS,
    },
    {
      checkId: 'credentials.agent-user-access',
      title: "The agent's runtime user cannot read other users' credentials",
      area: 'credentials',
      severity: 'critical',
      status: 'waived',
      message: `waived until 2099-01-01: ${waiver.reason}`,
      findings: [{ message: 'claude can read alice’s kubeconfig', location: { path: third, line: 1 }, subject: 'alice', waived: true }],
      waiver,
      references: [],
    },
    {
      checkId: 'credentials.long-lived-keys',
      title: 'No long-lived static credentials where short-lived ones are expected',
      area: 'credentials',
      severity: 'medium',
      status: 'error',
      message: 'credentials.long-lived-keys: EACCES <denied> & "boom" ]]>',
      findings: [],
      error: { origin: 'collector "credential-contents"', message: 'EACCES <denied> & "boom" ]]>\u0001' },
      references: [],
    },
    {
      checkId: 'credentials.secrets-in-shell-profiles',
      title: 'No API keys or tokens in shell start-up files',
      area: 'credentials',
      severity: 'low',
      status: 'fail',
      message: `fails without a finding ${HOSTILE_TEXT}`,
      findings: [],
      references: [],
    },
    {
      checkId: 'network.proxy-enforced',
      title: 'A proxy is configured <and> | enforced',
      area: 'network',
      severity: 'info',
      status: 'fail',
      message: 'no proxy',
      findings: [{ message: `HTTPS_PROXY unset ${HOSTILE_TEXT}`, location: { path: third } }],
      references: [{ title: 'javascript link', url: 'javascript:alert(1)' }, ...REFS],
    },
    { checkId: 'network.no-proxy-wildcard', title: 'NO_PROXY is not a wildcard', area: 'network', severity: 'medium', status: 'pass', message: 'NO_PROXY lists 3 hosts', findings: [], references: [] },
    { checkId: 'monitoring.edr-present', title: 'An EDR sensor runs', area: 'monitoring', severity: 'medium', status: 'skipped', message: 'not applicable <here>', findings: [], references: [] },
  ];
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target,
    baseline: { id: 'hostile <base> | "line"', source: '/tmp/a b/baseline.yaml', sha256: 'a'.repeat(64) },
    startedAt: SCAN_DATE.toISOString(),
    durationMs: 1234,
    summary: summarize(results),
    results,
  };
}

/** The hostile report on each kind of target the renderers treat differently. */
export const HOSTILE_TARGETS: readonly TargetInfo[] = [
  { kind: 'repo', platform: 'linux', path: '/work/my repo #1' },
  { kind: 'live', platform: 'linux', hostname: 'alice-thinkpad', os: 'Ubuntu 24.04' },
  { kind: 'root', platform: 'linux', path: '/mnt/image rootfs' },
  { kind: 'replay', platform: 'win32', hostname: 'DESKTOP-7Q2K9LM', os: 'Windows 11' },
  { kind: 'repo', platform: 'win32', path: 'C:\\src\\repo' },
];

/** A report with many failing checks of many findings: for size caps. */
export function hugeReport(checks: number, findingsPerCheck: number, messageChars = 300): AuditReport {
  const results: CheckResult[] = [];
  for (let c = 0; c < checks; c += 1) {
    const findings = Array.from({ length: findingsPerCheck }, (_, f) => ({
      message: `finding ${f} of check ${c}: ${'x'.repeat(messageChars)}`,
      location: { path: `/home/user${c}/file-${f}.txt`, line: f + 1 },
      subject: `user${c}`,
    }));
    results.push({
      checkId: `credentials.check-${c}`,
      title: `Check ${c}`,
      area: 'credentials',
      severity: (['critical', 'high', 'medium', 'low', 'info'] as const)[c % 5] as CheckResult['severity'],
      status: 'fail',
      message: `${findingsPerCheck} problem(s)`,
      findings,
      remediation: { summary: 'fix it', actions: [] },
      references: [],
    });
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: { kind: 'live', platform: 'linux', hostname: 'big' },
    baseline: { id: 'recommended', source: 'builtin:recommended', sha256: 'b'.repeat(64) },
    startedAt: SCAN_DATE.toISOString(),
    durationMs: 10,
    summary: summarize(results),
    results,
  };
}

/**
 * A report with one failing check whose one finding carries the given remediation actions: what the
 * script writers' tests feed them.
 */
export function reportWithActions(target: AuditReport['target'], actions: readonly object[], check: { id: string; area: string; severity: string }): AuditReport {
  return {
    schemaVersion: '1',
    tool: { name: 'cowork-audit', version: '0.1.0' },
    target,
    baseline: { id: 'b', source: 'builtin:recommended', sha256: '0'.repeat(64) },
    startedAt: '2026-11-21T10:00:00.000Z',
    durationMs: 1,
    summary: { pass: 0, fail: 1, error: 0, skipped: 0, waived: 0, score: 0 },
    results: [{ checkId: check.id, title: 't', area: check.area, severity: check.severity, status: 'fail', message: 'm', references: [], findings: [{ message: 'f', actions }] }],
  } as unknown as AuditReport;
}
