import { jsonProperties, jsonProperty, parseJsonTree } from './json-tree.js';
import type { EnvAssignment } from './shell-env.js';

// Claude Code settings (settings.json, managed-settings.json, managed-settings.d/*.json): JSONC. The
// `env` object sets environment variables for the agent and everything it starts; values are strings,
// but numbers and booleans occur in the wild (`"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": 1`) and are
// used as their text.

export interface ClaudeSettingsEnv {
  env: EnvAssignment[];
  /** Invalid JSON (with its line), or an `env` that is not an object; what could be read still counts. */
  error?: string;
}

export function parseClaudeSettingsEnv(text: string): ClaudeSettingsEnv {
  const { root, error } = parseJsonTree(text, { jsonc: true });
  if (root === undefined) return { env: [], error: error ?? 'empty file' };
  if (root.type !== 'object') return { env: [], error: 'the top level is not a JSON object' };
  const found = jsonProperty(text, root, 'env');
  const env: EnvAssignment[] = [];
  let problem = error;
  if (found && found[0].type !== 'object') problem ??= `line ${found[1]}: "env" is not an object`;
  for (const [name, node, line] of jsonProperties(text, found?.[0])) {
    if (node.type === 'string' || node.type === 'number' || node.type === 'boolean') env.push({ name, value: String(node.value), line });
    else problem ??= `line ${line}: env.${name} is not a string`;
  }
  return problem === undefined ? { env } : { env, error: problem };
}
