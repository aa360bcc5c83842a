import type { AnyCheck } from '../engine/check.js';

// docs/checks.md is generated from check metadata (`npm run docs`); a test fails when it is out of date.

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(id: string): string {
  return id.replace(/[^a-z0-9-]/g, '');
}

/** The Markdown reference of every check, in registry order, grouped by area. */
export function renderChecksDoc(checks: readonly AnyCheck[]): string {
  const out: string[] = [
    '# Checks',
    '',
    '<!-- Generated from check metadata by `npm run docs` (cowork-audit checks docs). Do not edit by hand. -->',
    '',
    `${checks.length} built-in checks. A baseline can change each check's severity and parameters; \`cowork-audit checks explain ID\` prints the same text in the terminal.`,
    '',
    '| id | title | area | severity | platforms |',
    '| --- | --- | --- | --- | --- |',
    ...checks.map((check) => `| [\`${check.meta.id}\`](#${anchor(check.meta.id)}) | ${cell(check.meta.title)} | ${check.meta.area} | ${check.meta.severity} | ${check.meta.platforms.join(', ')} |`),
  ];
  for (const check of checks) {
    const m = check.meta;
    const params = Object.entries(check.params);
    out.push(
      '',
      `## ${m.id}`,
      '',
      `**${m.title}**`,
      '',
      `- area: ${m.area}`,
      `- default severity: ${m.severity}`,
      `- platforms: ${m.platforms.join(', ')}`,
      `- targets: ${m.targets.join(', ')}`,
      `- evidence: ${check.uses.map((collector) => `\`${collector.id}\``).join(', ')}`,
      '',
      '### Why',
      '',
      m.rationale,
      '',
      '### Parameters',
      '',
    );
    if (params.length === 0) out.push('None.');
    else {
      out.push('| name | type | default | description |', '| --- | --- | --- | --- |');
      for (const [name, schema] of params) {
        out.push(`| \`${name}\` | ${cell(schema.describe())} | \`${cell(JSON.stringify(schema.defaultValue) ?? 'none')}\` | ${cell(schema.description)} |`);
      }
    }
    out.push('', '### Fix', '', m.fix, '', '### References', '');
    for (const reference of m.references) out.push(reference.url ? `- [${reference.title}](${reference.url})` : `- ${reference.title}`);
  }
  return `${out.join('\n')}\n`;
}
