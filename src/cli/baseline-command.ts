import type { Command } from 'commander';
import { stringify } from 'yaml';
import { BUILTIN_CHECKS } from '../../checks/index.js';
import { builtinBaselineNames, loadBaseline, type Baseline } from '../baseline/load-baseline.js';
import { planChecks } from '../baseline/plan.js';
import { loadRegistry } from '../custom/registry.js';
import type { Io } from './main.js';

export function registerBaselineCommands(program: Command, io: Io): void {
  const baseline = program.command('baseline').description('list, show and validate baselines');
  baseline
    .command('list')
    .description('the built-in baselines')
    .action(() => {
      for (const name of builtinBaselineNames()) {
        const loaded = loadBaseline(name, BUILTIN_CHECKS);
        io.stdout(`${name.padEnd(12)}  ${loaded.title}\n`);
      }
    });
  baseline
    .command('show')
    .description('the effective baseline (after extends), with every check\'s severity and parameters')
    .argument('<name|file>')
    .action((name: string) => {
      io.stdout(showBaseline(loadBaseline(name, BUILTIN_CHECKS)));
    });
  baseline
    .command('validate')
    .description('check a baseline file strictly: exit 2 with file, line and key path of every problem')
    .argument('<file>')
    .action(async (file: string) => {
      const loaded = loadBaseline(file, await loadRegistry({ baseline: file }));
      io.stdout(`${loaded.source}: valid baseline "${loaded.id}" (${loaded.checks.size} check settings, ${loaded.waivers.length} waivers)\n`);
    });
}

export function showBaseline(baseline: Baseline): string {
  const planned = new Map(planChecks(BUILTIN_CHECKS, baseline).map((item) => [item.check.meta.id, item]));
  const checks: Record<string, unknown> = {};
  for (const check of BUILTIN_CHECKS) {
    const item = planned.get(check.meta.id);
    checks[check.meta.id] = item ? { enabled: true, severity: item.severity, params: item.params } : { enabled: false };
  }
  const document = {
    id: baseline.id,
    title: baseline.title,
    source: baseline.source,
    sha256: baseline.sha256,
    params: baseline.params,
    checks,
    waivers: baseline.waivers,
  };
  return stringify(document, { lineWidth: 0 });
}
