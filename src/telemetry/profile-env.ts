import { parsePamEnvironment, parseShellExports, type EnvAssignment } from '../parsers/shell-env.js';
import { splitLines, stripBom } from '../util/text-lines.js';

// Variables exported by a start-up file, in the syntax of the shell that reads it. POSIX shells (sh,
// bash, zsh, ksh) go through parseShellExports; fish (`set -gx NAME value`), csh (`setenv NAME value`),
// PowerShell (`$env:NAME = 'value'`, `[Environment]::SetEnvironmentVariable('NAME', 'value', ...)`)
// and systemd environment.d (`NAME=value`) have their own forms. Only literal values are kept: a
// PowerShell right-hand side that is not a quoted string is a command, not a value.

export type ProfileFlavour = 'posix' | 'fish' | 'csh' | 'powershell' | 'env-file';

export function flavourOf(path: string): ProfileFlavour {
  const name = path.split(/[\\/]/).pop() ?? path;
  if (/\.ps1$/i.test(name)) return 'powershell';
  if (name.endsWith('.fish')) return 'fish';
  if (['.cshrc', '.tcshrc', '.login', 'csh.cshrc', 'csh.login'].includes(name) || name.endsWith('.csh')) return 'csh';
  if (/\/environment\.d\//.test(path.replace(/\\/g, '/')) || path === '/etc/environment') return 'env-file';
  return 'posix';
}

function unquote(text: string): string | undefined {
  const trimmed = text.trim().replace(/;$/, '').trim();
  const quoted = /^(['"])(.*)\1$/.exec(trimmed);
  if (quoted) return quoted[2] ?? '';
  return /^\S+$/.test(trimmed) ? trimmed : undefined;
}

export function parseProfileEnv(text: string, flavour: ProfileFlavour): { assignments: EnvAssignment[]; error?: string } {
  if (flavour === 'posix') {
    const parsed = parseShellExports(text);
    return { assignments: parsed.assignments, ...(parsed.error ? { error: `line ${parsed.error.line}: ${parsed.error.message}` } : {}) };
  }
  if (flavour === 'env-file') return { assignments: parsePamEnvironment(text).assignments };
  const assignments: EnvAssignment[] = [];
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^\s*#/.test(line)) return;
    let name: string | undefined;
    let value: string | undefined;
    if (flavour === 'fish') {
      // set -x NAME value, set -gx NAME value, set --export --global NAME value
      const words = /^\s*set\s+(.+)$/.exec(line)?.[1]?.trim().split(/\s+/) ?? [];
      const flags = words.filter((word, at) => word.startsWith('-') && words.slice(0, at).every((before) => before.startsWith('-')));
      const exported = flags.some((flag) => flag === '--export' || /^-[A-Za-z]*x/.test(flag));
      const word = words[flags.length];
      if (exported && word && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) {
        name = word;
        value = unquote(words.slice(flags.length + 1).join(' '));
      }
    } else if (flavour === 'csh') {
      const match = /^\s*setenv\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(line);
      name = match?.[1];
      value = match ? unquote(match[2] ?? '') : undefined;
    } else {
      const assignment = /^\s*\$env:([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/i.exec(line);
      const call = /\[(?:System\.)?Environment\]::SetEnvironmentVariable\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*,\s*(['"])([^'"]*)\2/i.exec(line);
      if (assignment) {
        name = assignment[1];
        value = /^\s*(['"])(.*)\1\s*;?\s*$/.exec(assignment[2] ?? '')?.[2];
      } else if (call) {
        name = call[1];
        value = call[3];
      }
    }
    if (name !== undefined && value !== undefined) assignments.push({ name, value, line: index + 1 });
  });
  return { assignments };
}
