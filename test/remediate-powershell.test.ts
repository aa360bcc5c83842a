import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { loadBaseline } from '../src/baseline/load-baseline.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { writePowerShellScript } from '../src/remediate/powershell-writer.js';
import { psQuote } from '../src/remediate/quote.js';
import type { AuditReport } from '../src/report/report-model.js';
import { scan } from '../src/scan/scan.js';

// No PowerShell runs on this CI: these tests hold the script to the conventions that make it safe.
// Every report value must sit in a verbatim (single-quoted) string, where PowerShell expands nothing.
const QUOTE = `['\\u2018\\u2019\\u201A\\u201B]`;
const VERBATIM = `'(?:(?!${QUOTE}).|${QUOTE}{2})*'`;
// Set-DefaultOutboundBlock (firewall-egress) takes no argument: it reads the profiles itself.
const STEP = new RegExp(`^(?:(Remove-AclEntry|Set-FileOwner|Set-RegistryValue|Set-EgressAllowRule|Write-Manual)( ${VERBATIM})+|Set-DefaultOutboundBlock)$`, 's');

function stepLines(script: string): string[] {
  const body = script.slice(script.indexOf('function Write-Manual'));
  const start = body.indexOf('\n}\n') + 3;
  const end = body.indexOf('\nif ($Apply) {');
  return body
    .slice(start, end)
    .split(/\n(?=Remove-AclEntry |Set-FileOwner |Set-RegistryValue |Set-EgressAllowRule |Set-DefaultOutboundBlock\n|Write-Manual |Write-Output )/)
    .map((line) => line.trim())
    .filter(Boolean);
}

describe('PowerShell remediation script', () => {
  it('fixes the recorded Windows endpoint with ACL steps and verbatim arguments only', async () => {
    const report = await scan({ host: ReplayHost.fromFolder('fixtures/endpoints/win32-weak'), baseline: 'recommended' });
    const script = writePowerShellScript(report);
    expect(script.startsWith('\uFEFF# cowork-audit remediation script')).toBe(true);
    expect(script).toMatch(/\[CmdletBinding\(\)\]\nparam\(\[switch\]\$Apply, \[switch\]\$Force, \[string\]\$Rollback = ''\)/);
    expect(script).toContain(`$ReportHost = ${psQuote(report.target.hostname ?? '')}`);
    const steps = stepLines(script);
    expect(steps.length).toBeGreaterThan(3);
    for (const step of steps) expect(step, step).toMatch(STEP);
    expect(steps).toContain(`Remove-AclEntry 'C:\\Users\\alice\\.aws' 'S-1-1-0' 'Everyone'`);
    expect(steps.some((step) => step.startsWith("Write-Manual 'credentials.long-lived-keys'"))).toBe(true);
  });

  it('keeps hostile names inert: quotes doubled, $() and backticks inside verbatim strings', () => {
    const hostile = "C:\\Users\\alice\\.ssh\\it's $(Remove-Item C:\\ -Recurse) `whoami` \u2019; & x\ny.pem";
    const report = {
      schemaVersion: '1',
      tool: { name: 'cowork-audit', version: '0.1.0' },
      target: { kind: 'replay', platform: 'win32', hostname: "pc'; Remove-Item x" },
      baseline: { id: 'b', source: 'builtin:recommended', sha256: '0'.repeat(64) },
      startedAt: '2026-11-21T10:00:00.000Z',
      durationMs: 1,
      summary: { pass: 0, fail: 1, error: 0, skipped: 0, waived: 0, score: 0 },
      results: [
        {
          checkId: 'credentials.file-permissions',
          title: 't',
          area: 'credentials',
          severity: 'high',
          status: 'fail',
          message: 'm',
          references: [],
          findings: [
            { message: 'a', actions: [{ kind: 'remove-acl-entry', path: hostile, entry: { platform: 'windows', sid: 'S-1-1-0', principal: "Every'one", inherited: true } }] },
            { message: 'b', actions: [{ kind: 'chown', path: hostile, user: "al'ice" }] },
            { message: 'c', waived: true, actions: [{ kind: 'chown', path: 'C:\\waived', user: 'x' }] },
          ],
        },
      ],
    } as AuditReport;
    const script = writePowerShellScript(report);
    const steps = stepLines(script);
    expect(steps).toEqual([
      `Remove-AclEntry ${psQuote(hostile)} 'S-1-1-0' 'Every''one'`,
      `Set-FileOwner ${psQuote(hostile)} 'al''ice'`,
    ]);
    expect(psQuote(hostile)).toContain("it''s");
    expect(psQuote(hostile)).toContain('\u2019\u2019');
    for (const step of steps) expect(step).toMatch(STEP);
    expect(script).toContain(`$ReportHost = 'pc''; Remove-Item x'`);
    expect(script).not.toContain('C:\\waived');
  });
});
