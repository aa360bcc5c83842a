import type { Command } from 'commander';
import { BUILTIN_CHECKS } from '../../checks/index.js';
import type { AnyCheck } from '../engine/check.js';
import { UsageError } from '../util/usage-error.js';
import type { Io } from './main.js';

export function registerChecksCommands(program: Command, io: Io): void {
  const checks = program.command('checks').description('list the checks and explain one');
  checks
    .command('list')
    .description('every check with its area, default severity and platforms')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        io.stdout(`${JSON.stringify(BUILTIN_CHECKS.map((check) => ({ ...check.meta, source: 'built-in' })), null, 2)}\n`);
        return;
      }
      const width = Math.max(...BUILTIN_CHECKS.map((check) => check.meta.id.length));
      for (const check of BUILTIN_CHECKS) {
        const { id, severity, platforms, title } = check.meta;
        io.stdout(`${id.padEnd(width)}  ${severity.padEnd(8)}  ${platforms.join(',').padEnd(18)}  ${title}\n`);
      }
    });
  checks
    .command('explain')
    .description('rationale, parameters with defaults, fix and references of one check')
    .argument('<id>', 'check id, for example credentials.file-permissions')
    .action((id: string) => {
      const check = BUILTIN_CHECKS.find((candidate) => candidate.meta.id === id);
      if (!check) throw new UsageError(`unknown check "${id}" (see: cowork-audit checks list)`);
      io.stdout(explainCheck(check));
    });
}

export function explainCheck(check: AnyCheck): string {
  const m = check.meta;
  const params = Object.entries(check.params);
  const lines = [
    `${m.id}: ${m.title}`,
    '',
    `area:       ${m.area}`,
    `severity:   ${m.severity} (default; a baseline may change it)`,
    `platforms:  ${m.platforms.join(', ')}`,
    `targets:    ${m.targets.join(', ')}`,
    `evidence:   ${check.uses.map((collector) => `${collector.id} (${collector.description})`).join('; ')}`,
    '',
    'Why',
    `  ${m.rationale}`,
    '',
    'Parameters',
    ...(params.length
      ? params.map(([name, schema]) => `  ${name} (${schema.describe()}, default ${JSON.stringify(schema.defaultValue)}): ${schema.description}`)
      : ['  none']),
    '',
    'Fix',
    `  ${m.fix}`,
    '',
    'References',
    ...m.references.map((reference) => `  - ${reference.title}${reference.url ? ` <${reference.url}>` : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}
