// Claude Code permission rules: `Tool` or `Tool(specifier)` (CCD permissions). Bash specifiers are command
// patterns (`npm run *`, the old `npm run:*` equals `npm run *`); Read/Edit specifiers are gitignore-style
// path patterns (src/agent/path-rules.ts); WebFetch takes `domain:example.com`; MCP tools are names
// (`mcp__server`, `mcp__server__tool`, `mcp__server__*`).

export interface PermissionRule {
  tool: string;
  specifier?: string;
}

const TOOL_NAME = /^[A-Za-z_][\w.*-]*$/;

/** Parses one rule; a malformed rule (unbalanced parentheses, no tool name) is an error, never a throw. */
export function parsePermissionRule(text: string): PermissionRule | { error: string } {
  const rule = text.trim();
  if (rule === '') return { error: 'empty rule' };
  const open = rule.indexOf('(');
  if (open < 0) {
    if (rule.includes(')')) return { error: 'a ")" without "("' };
    if (!TOOL_NAME.test(rule)) return { error: `"${rule}" is not a tool name` };
    return { tool: rule };
  }
  const tool = rule.slice(0, open).trim();
  if (!rule.endsWith(')')) return { error: 'the closing parenthesis is missing, so the rule matches nothing' };
  if (tool === '' || !TOOL_NAME.test(tool)) return { error: `"${tool}" is not a tool name` };
  return { tool, specifier: rule.slice(open + 1, -1) };
}

/** Bash and PowerShell command specifiers: the old `prefix:*` form becomes `prefix *`. */
export function normalizeCommandPattern(specifier: string): string {
  return specifier.replace(/:\*$/, ' *').trim();
}

const SHELL_TOOLS = new Set(['Bash', 'PowerShell']);
const FILE_TOOLS = new Set(['Read', 'Edit']);

/** Programs that run arbitrary code or move data over the network: a wildcard after them allows anything. */
export const INTERPRETERS = [
  'bash', 'sh', 'zsh', 'dash', 'ksh', 'fish', 'pwsh', 'powershell', 'powershell.exe', 'cmd', 'cmd.exe',
  'python', 'python2', 'python3', 'py', 'node', 'deno', 'bun', 'perl', 'ruby', 'php', 'lua', 'osascript',
  'npx', 'bunx', 'pnpx', 'uvx', 'pipx', 'eval', 'exec', 'env', 'xargs', 'sudo', 'su', 'doas', 'nohup', 'timeout', 'watch',
  'Invoke-Expression', 'iex', 'Start-Process',
] as const;
export const NETWORK_TOOLS = [
  'curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'tftp', 'ssh', 'scp', 'sftp', 'rsync',
  'http', 'https', 'xh', 'aria2c', 'Invoke-WebRequest', 'iwr', 'Invoke-RestMethod', 'irm', 'curl.exe', 'bitsadmin',
] as const;

const PROGRAMS = new Map<string, string>([
  ...INTERPRETERS.map((name) => [name.toLowerCase(), 'runs arbitrary code'] as [string, string]),
  ...NETWORK_TOOLS.map((name) => [name.toLowerCase(), 'sends data anywhere on the network'] as [string, string]),
]);

/**
 * Why an allow rule is blanket, or undefined when it is scoped. Blanket: the whole shell (`Bash`, `Bash(*)`),
 * a pattern that starts with a wildcard, an interpreter or network tool followed by a wildcard
 * (`Bash(python:*)`, `Bash(curl *)`), file access to the whole disk or home (`Read(//**)`, `Edit(~/**)`,
 * `Read` alone), and WebFetch without a domain.
 */
export function broadAllowReason(text: string): string | undefined {
  const parsed = parsePermissionRule(text);
  if ('error' in parsed) return undefined;
  const { tool, specifier } = parsed;
  const spec = specifier?.trim();
  if (SHELL_TOOLS.has(tool)) {
    if (spec === undefined || spec === '' || /^[*\s:]+$/.test(spec)) return `allows every ${tool} command without a prompt`;
    const pattern = normalizeCommandPattern(spec);
    if (pattern.startsWith('*')) return `starts with a wildcard, so it matches any command`;
    const first = (pattern.split(/\s+/)[0] ?? '').replace(/^.*[\\/]/, '');
    const program = first.replace(/\*+$/, '').toLowerCase();
    const reason = PROGRAMS.get(program);
    if (reason && pattern.includes('*')) return `${first.replace(/\*+$/, '')} with a wildcard ${reason}`;
    return undefined;
  }
  if (FILE_TOOLS.has(tool)) {
    const what = tool === 'Read' ? 'reads' : 'edits';
    if (spec === undefined || spec === '' || /^\*+$/.test(spec)) return `${what} any file without a prompt`;
    const normalized = spec.replace(/\\/g, '/');
    if (/^\/\/(\*\*?)?(\/\*\*?)*\/?$/.test(normalized) || /^[A-Za-z]:\/?(\*\*?)?\/?$/.test(normalized) || /^\/\/[A-Za-z]\/?(\*\*?)?$/.test(normalized)) return `${what} the whole disk`;
    if (/^~\/?(\*\*?)?(\/\*\*?)*\/?$/.test(normalized)) return `${what} the whole home folder (credentials included)`;
    return undefined;
  }
  if (tool === 'WebFetch') {
    if (spec === undefined || spec === '' || /^\*+$/.test(spec) || /^domain:\*?$/.test(spec) || spec === 'domain:*.*') return 'fetches any URL (no domain)';
    return undefined;
  }
  return undefined;
}
