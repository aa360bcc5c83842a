import { Option, type Command } from 'commander';
import type { RemediationAction } from '../engine/remediation.js';
import { egressPolicy, isPlainPath } from '../firewall/egress-policy.js';
import { readReport } from '../remediate/read-report.js';
import { writeBashScript } from '../remediate/bash-writer.js';
import { nftEgressRuleset } from '../remediate/nft-ruleset.js';
import { pfEgressAnchor } from '../remediate/pf-anchor.js';
import { planSteps } from '../remediate/plan-steps.js';
import { writePowerShellScript } from '../remediate/powershell-writer.js';
import type { AuditReport } from '../report/report-model.js';
import { UsageError } from '../util/usage-error.js';
import type { Io } from './main.js';

type Shell = 'bash' | 'powershell' | 'nft' | 'pf';

/** `--shell nft` / `--shell pf`: the egress ruleset a failing firewall check asks for, alone, to review or load by hand. */
function egressFile(report: AuditReport, file: string, shell: 'nft' | 'pf'): string {
  const platform = shell === 'nft' ? 'linux' : 'darwin';
  const action = planSteps(report)
    .map((step) => step.action)
    .find((candidate): candidate is Extract<RemediationAction, { kind: 'firewall-egress' }> => candidate.kind === 'firewall-egress' && candidate.platform === platform);
  if (!action) throw new UsageError(`${file}: no failing firewall check carries an egress policy for ${platform} (the ${shell} file is written for a failing firewall.* check on a ${platform} target)`);
  const policy = egressPolicy(action.platform, action.allow, action.resolvers);
  if (Array.isArray(policy)) throw new UsageError(`${file}: the egress policy cannot be written: ${policy.join('; ')}`);
  const path = isPlainPath(action.path) ? action.path : undefined;
  return shell === 'nft' ? nftEgressRuleset(policy, path) : pfEgressAnchor(policy, path);
}

export function registerRemediateCommand(program: Command, io: Io): void {
  program
    .command('remediate')
    .description('print a remediation script for a JSON report (dry run unless the script is given --apply); nft and pf print the egress ruleset alone')
    .argument('<report.json>')
    .addOption(new Option('--shell <shell>', 'script language').choices(['bash', 'powershell', 'nft', 'pf']).default('bash'))
    .action((file: string, flags: { shell: Shell }) => {
      const report = readReport(file);
      if (flags.shell === 'nft' || flags.shell === 'pf') io.stdout(egressFile(report, file, flags.shell));
      else io.stdout(flags.shell === 'bash' ? writeBashScript(report) : writePowerShellScript(report));
    });
}
