import { Option, type Command } from 'commander';
import { readReport } from '../remediate/read-report.js';
import { writeBashScript } from '../remediate/bash-writer.js';
import { writePowerShellScript } from '../remediate/powershell-writer.js';
import type { Io } from './main.js';

export function registerRemediateCommand(program: Command, io: Io): void {
  program
    .command('remediate')
    .description('print a remediation script for a JSON report (dry run unless the script is given --apply)')
    .argument('<report.json>')
    .addOption(new Option('--shell <shell>', 'script language').choices(['bash', 'powershell']).default('bash'))
    .action((file: string, flags: { shell: 'bash' | 'powershell' }) => {
      const report = readReport(file);
      io.stdout(flags.shell === 'bash' ? writeBashScript(report) : writePowerShellScript(report));
    });
}
