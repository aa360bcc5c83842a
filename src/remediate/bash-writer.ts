import type { RemediationAction } from '../engine/remediation.js';
import type { AuditReport } from '../report/report-model.js';
import { egressPolicy, isPlainPath } from '../firewall/egress-policy.js';
import { nftEgressRuleset } from './nft-ruleset.js';
import { pfConfLines, pfEgressAnchor } from './pf-anchor.js';
import { planSteps, type Step } from './plan-steps.js';
import { bashQuote as q, commentText } from './quote.js';
import TEMPLATE from './bash-template.sh';

const MARKER = '# @STEPS@\n';

function stepLine(step: Step): string {
  const action: RemediationAction = step.action;
  switch (action.kind) {
    case 'chmod':
      return `fix_mode ${q(action.path)} ${q(action.mode)}`;
    case 'chown':
      return `fix_owner ${q(action.path)} ${q(action.user)}`;
    case 'remove-acl-entry': {
      const entry = action.entry;
      if (entry.platform === 'posix') return `remove_posix_acl ${q(action.path)} ${q(entry.tag)} ${q(entry.qualifier)} ${q(entry.isDefault ? 'default' : 'access')}`;
      if (entry.platform === 'darwin') return `remove_darwin_acl ${q(action.path)} ${q(darwinEntryText(entry.entry))}`;
      return `manual ${q(step.checkId)} ${q(`remove the Windows ACL entry for ${entry.principal} (${entry.sid}) from ${action.path} (use remediate.ps1)`)}`;
    }
    case 'remove-group-member':
      return `manual ${q(step.checkId)} ${q(`remove ${action.user} from group ${action.group}`)}`;
    case 'set-json-key':
      return `set_json_key ${q(action.path)} ${q(JSON.stringify(action.keyPath))} ${q(JSON.stringify(action.value))}`;
    case 'set-env-line':
      return `set_env_line ${q(action.path)} ${q(action.name)} ${q(action.value)}`;
    case 'write-file':
      return `write_file ${q(action.path)} ${q(action.mode)} ${q(action.content)}`;
    case 'registry-set':
      return `manual ${q(step.checkId)} ${q(`set the registry value ${action.key}\\${action.name} (${action.type}) to ${String(action.value)} (use remediate.ps1)`)}`;
    case 'firewall-egress':
      return firewallEgressLine(step.checkId, action);
    case 'manual':
      return `manual ${q(step.checkId)} ${q(action.text)}${action.reference ? ` ${q(action.reference)}` : ''}`;
  }
}

type FirewallEgress = Extract<RemediationAction, { kind: 'firewall-egress' }>;

function firewallEgressLine(checkId: string, action: FirewallEgress): string {
  const policy = egressPolicy(action.platform, action.allow, action.resolvers);
  if (Array.isArray(policy)) return `refuse ${q(`${checkId}: the egress policy in the report cannot be written: ${policy.join('; ')}`)}`;
  if (action.platform === 'win32') return `manual ${q(checkId)} ${q('set Windows Firewall outbound to Block with allow rules for the allowlist and resolvers (use remediate.ps1)')}`;
  if (!isPlainPath(action.path) || (action.includeFrom !== undefined && !isPlainPath(action.includeFrom))) {
    return `refuse ${q(`${checkId}: the egress policy names a file that is not a plain absolute path: ${JSON.stringify(action.path)} ${JSON.stringify(action.includeFrom ?? '')}`)}`;
  }
  if (action.platform === 'darwin') {
    return `pf_anchor ${q(checkId)} ${q(action.path)} ${q(pfEgressAnchor(policy, action.path))} ${q(pfConfLines(action.path).join('\n'))}`;
  }
  return `nft_egress ${q(checkId)} ${q(action.path)} ${q(action.includeFrom ?? '/etc/nftables.conf')} ${q(nftEgressRuleset(policy, action.path))}`;
}

/** ` 0: group:everyone inherited allow read` -> `group:everyone allow read`, the form chmod -a takes. */
export function darwinEntryText(recorded: string): string {
  return recorded.replace(/^\s*\d+:\s*/, '').replace(/\binherited\s+/, '').trim();
}

/** A bash script that fixes what the report found, from its structured actions only. */
export function writeBashScript(report: AuditReport): string {
  const steps = planSteps(report);
  const t = report.target;
  const header = [
    '#!/usr/bin/env bash',
    '# Values are single-quoted on purpose: nothing in them may expand.',
    '# shellcheck disable=SC2016',
    `# cowork-audit ${commentText(report.tool.version)} remediation for ${commentText(t.kind)} target ${commentText(t.hostname ?? t.path ?? '')}`,
    `# report of ${commentText(report.startedAt)}, baseline ${commentText(report.baseline.id)} (${commentText(report.baseline.sha256.slice(0, 12))})`,
    '# Generated from the report\'s structured actions; every value is single-quoted. Review before --apply.',
    `TARGET_KIND=${q(t.kind)}`,
    `REPORT_HOST=${q(t.kind === 'live' || t.kind === 'replay' ? (t.hostname ?? '') : '')}`,
    '# JSON settings are edited by the cowork-audit binary (json-set keeps comments and other keys).',
    'COWORK_AUDIT=${COWORK_AUDIT:-cowork-audit}',
  ];
  const body = steps.length ? steps.map(stepLine) : [`say 'nothing to fix: no failing check carries an action'`];
  const [before, after] = TEMPLATE.split(MARKER) as [string, string];
  return `${header.join('\n')}\n${before}${body.join('\n')}\n${after}`;
}
