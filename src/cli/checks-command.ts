import type { Command } from 'commander';
import { BUILTIN_CHECKS } from '../../checks/index.js';
import { loadRegistry, sourceOf } from '../custom/registry.js';
import { renderChecksDoc } from '../docs/checks-doc.js';
import type { AnyCheck } from '../engine/check.js';
import { UsageError } from '../util/usage-error.js';
import type { Io } from './main.js';

interface CustomFlags {
  checks: string[];
  plugin: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

function withCustomOptions(command: Command): Command {
  return command
    .option('--checks <dir>', 'include the declarative YAML checks of DIR (repeatable)', collect, [])
    .option('--plugin <file>', 'include the checks an ES module plugin exports (repeatable)', collect, []);
}

export function registerChecksCommands(program: Command, io: Io): void {
  const checks = program.command('checks').description('list the checks and explain one');
  withCustomOptions(checks.command('list'))
    .description('every check with its area, default severity, platforms and source')
    .option('--json', 'as JSON')
    .action(async (flags: CustomFlags & { json?: boolean }) => {
      const registry = await loadRegistry({ checkDirs: flags.checks, plugins: flags.plugin });
      if (flags.json) {
        io.stdout(`${JSON.stringify(registry.map((check) => ({ ...check.meta, source: sourceOf(check) })), null, 2)}\n`);
        return;
      }
      const width = Math.max(...registry.map((check) => check.meta.id.length));
      const custom = registry.some((check) => check.source !== undefined);
      for (const check of registry) {
        const { id, severity, platforms, title } = check.meta;
        const source = custom ? `  [${sourceOf(check)}]` : '';
        io.stdout(`${id.padEnd(width)}  ${severity.padEnd(8)}  ${platforms.join(',').padEnd(18)}  ${title}${source}\n`);
      }
    });
  withCustomOptions(checks.command('explain'))
    .description('rationale, parameters with defaults, fix and references of one check')
    .argument('<id>', 'check id, for example credentials.file-permissions')
    .action(async (id: string, flags: CustomFlags) => {
      const registry = await loadRegistry({ checkDirs: flags.checks, plugins: flags.plugin });
      const check = registry.find((candidate) => candidate.meta.id === id);
      if (!check) throw new UsageError(`unknown check "${id}" (see: cowork-audit checks list; custom checks need --checks or --plugin)`);
      io.stdout(explainCheck(check));
    });
  // Hidden: prints docs/checks.md (npm run docs writes it; a test keeps the committed file in step).
  checks
    .command('docs', { hidden: true })
    .description('the Markdown reference of the built-in checks')
    .action(() => {
      io.stdout(renderChecksDoc(BUILTIN_CHECKS));
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
    `source:     ${sourceOf(check)}`,
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
