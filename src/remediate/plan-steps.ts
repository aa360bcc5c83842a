import type { RemediationAction } from '../engine/remediation.js';
import type { AuditReport } from '../report/report-model.js';

export interface Step {
  checkId: string;
  action: RemediationAction;
}

// Order matters: ACL entries first, then owner, then contents, then mode (chown may clear setuid/setgid
// bits; a written file gets its mode when it is created).
const ORDER: Record<RemediationAction['kind'], number> = {
  'remove-acl-entry': 0,
  'remove-group-member': 1,
  chown: 2,
  'set-json-key': 3,
  'set-env-line': 4,
  'write-file': 5,
  'registry-set': 6,
  // After every file fix: a firewall change is the one most likely to cut the machine off mid-script.
  'firewall-egress': 7,
  chmod: 8,
  manual: 9,
};

/** The actions of failing, unwaived findings, each once, in a safe order. */
export function planSteps(report: AuditReport): Step[] {
  const seen = new Set<string>();
  const steps: Step[] = [];
  for (const result of report.results) {
    if (result.status !== 'fail') continue;
    for (const finding of result.findings) {
      if (finding.waived) continue;
      for (const action of finding.actions ?? []) {
        const key = JSON.stringify(action);
        if (seen.has(key)) continue;
        seen.add(key);
        steps.push({ checkId: result.checkId, action });
      }
    }
  }
  return steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => ORDER[a.step.action.kind] - ORDER[b.step.action.kind] || a.index - b.index)
    .map(({ step }) => step);
}
