import type { AuditReport } from '../report/report-model.js';
import { planSteps, type Step } from './plan-steps.js';
import TEMPLATE from './powershell-template.ps1';
import { commentText, psQuote as q } from './quote.js';
import { egressPolicy } from '../firewall/egress-policy.js';
import { windowsEgressSteps } from './windows-firewall.ps.js';

const MARKER = '# @STEPS@\n';

function stepLine(step: Step): string {
  const action = step.action;
  if (action.kind === 'firewall-egress') {
    const policy = egressPolicy(action.platform, action.allow, action.resolvers);
    if (Array.isArray(policy)) return `Write-Refusal ${q(`${step.checkId}: the egress policy in the report cannot be written: ${policy.join('; ')}`)}`;
    if (action.platform !== 'win32') return `Write-Manual ${q(step.checkId)} ${q(`write the default-deny egress ${action.platform === 'darwin' ? 'pf anchor' : 'nftables table'} ${action.path ?? ''} (use remediate.sh)`)}`;
    return windowsEgressSteps(policy, step.checkId).join('\n');
  }
  switch (action.kind) {
    case 'remove-acl-entry':
      if (action.entry.platform === 'windows') return `Remove-AclEntry ${q(action.path)} ${q(action.entry.sid)} ${q(action.entry.principal)}`;
      return `Write-Manual ${q(step.checkId)} ${q(`remove the ACL entry ${action.entry.platform === 'posix' ? `${action.entry.tag}:${action.entry.qualifier}` : action.entry.entry} from ${action.path} (use remediate.sh)`)}`;
    case 'chown':
      return `Set-FileOwner ${q(action.path)} ${q(action.user)}`;
    case 'chmod':
      return `Write-Manual ${q(step.checkId)} ${q(`set mode ${action.mode} on ${action.path} (a POSIX mode: use remediate.sh)`)}`;
    case 'remove-group-member':
      return `Write-Manual ${q(step.checkId)} ${q(`remove ${action.user} from group ${action.group}`)}`;
    // Windows PowerShell 5.1 mangles double quotes in arguments to native programs, so JSON cannot be
    // handed to json-set safely: the exact change is printed instead.
    case 'set-json-key':
      return `Write-Manual ${q(step.checkId)} ${q(`in ${action.path} set ${JSON.stringify(action.keyPath)} to ${JSON.stringify(action.value)} (keep the other keys; or run: cowork-audit json-set)`)}`;
    case 'registry-set':
      return `Set-RegistryValue ${q(action.key)} ${q(action.name)} ${q(action.type)} ${q(String(action.value))}`;
    case 'set-env-line':
      return `Write-Manual ${q(step.checkId)} ${q(`in ${action.path} set ${action.name}="${action.value}" (a Linux environment file: use remediate.sh)`)}`;
    case 'write-file':
      return `Write-Manual ${q(step.checkId)} ${q(`write ${action.path} (mode ${action.mode}) with this content (use remediate.sh): ${action.content}`)}`;
    case 'manual':
      return `Write-Manual ${q(step.checkId)} ${q(action.text)}${action.reference ? ` ${q(action.reference)}` : ''}`;
  }
}

/** A PowerShell script that fixes what the report found on a Windows endpoint, from structured actions only. */
export function writePowerShellScript(report: AuditReport): string {
  const t = report.target;
  const header = [
    '# cowork-audit remediation script (PowerShell 5.1 and 7). Review before -Apply.',
    `# ${commentText(`${report.tool.version} for ${t.kind} target ${t.hostname ?? t.path ?? ''}, report of ${report.startedAt}, baseline ${report.baseline.id}`)}`,
    '[CmdletBinding()]',
    'param([switch]$Apply, [switch]$Force, [string]$Rollback = \'\')',
    `$TargetKind = ${q(t.kind)}`,
    `$ReportHost = ${q(t.kind === 'live' || t.kind === 'replay' ? (t.hostname ?? '') : '')}`,
  ];
  const steps = planSteps(report);
  const body = steps.length ? steps.map(stepLine) : [`Write-Output 'nothing to fix: no failing check carries an action'`];
  const [before, after] = TEMPLATE.split(MARKER) as [string, string];
  // A BOM makes Windows PowerShell 5.1 read the file as UTF-8 (paths with non-ASCII names). Line ends stay
  // LF: PowerShell accepts them, and rewriting them would change file names that contain a newline.
  return `\uFEFF${header.join('\n')}\n${before}${body.join('\n')}\n${after}`;
}
