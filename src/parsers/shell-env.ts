import { splitLines, stripBom } from '../util/text-lines.js';

// Environment assignments as three readers see them:
// - pam_env reads /etc/environment: `KEY=VALUE` (an optional `export `), quotes stripped, no expansion;
// - a POSIX shell sources /etc/profile.d/*.sh: `export A=b`, `A=b; export A`, `export A="$B"`, several
//   assignments on one line; `$B` and `${B}` expand to what was set before (or the inherited value);
// - systemd's DefaultEnvironment= takes a space-separated list of quoted `KEY=VALUE` words.
// Lines that are not assignments (conditionals, functions, commands) are skipped, never an error.

export interface EnvAssignment {
  name: string;
  value: string;
  /** 1-based line of the assignment. */
  line: number;
}

export interface EnvParse {
  assignments: EnvAssignment[];
  /** A line that could not be read as shell words (an unterminated quote), with its line. */
  error?: { line: number; message: string };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Word {
  /** The word after quote removal and expansion. */
  text: string;
  /** The word as written up to the first `=`, to tell `A=b` from `"A=b"`. */
  raw: string;
}

/**
 * Splits one logical line into statements of words: quotes (single, double), backslash escapes, `$NAME` /
 * `${NAME}` / `${NAME:-default}` expansion from `lookup` (when given), `;` and `&&` / `||` separators,
 * and `#` comments at a word start.
 */
export function shellWords(line: string, lookup?: (name: string) => string | undefined): { statements: Word[][]; unterminated: boolean } {
  const statements: Word[][] = [[]];
  let text = '';
  let raw = '';
  let inWord = false;
  let quote: '' | "'" | '"' = '';
  const push = () => {
    if (inWord) (statements[statements.length - 1] as Word[]).push({ text, raw });
    text = '';
    raw = '';
    inWord = false;
  };
  const expand = (at: number): number => {
    const rest = line.slice(at + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/.exec(rest);
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (lookup && braced) {
      const value = lookup(braced[1] as string);
      text += value !== undefined && value !== '' ? value : (braced[2] ?? '');
      raw += `$${braced[0]}`;
      return braced[0].length;
    }
    if (lookup && bare) {
      text += lookup(bare[0]) ?? '';
      raw += `$${bare[0]}`;
      return bare[0].length;
    }
    text += '$';
    raw += '$';
    return 0;
  };
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] as string;
    if (quote === "'") {
      if (char === "'") quote = '';
      else text += char;
      raw += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') {
        quote = '';
        raw += char;
      } else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1] as string)) {
        text += line[index + 1];
        raw += char + line[index + 1];
        index += 1;
      } else if (char === '$') {
        index += expand(index);
      } else {
        text += char;
        raw += char;
      }
      continue;
    }
    if (char === ' ' || char === '\t') {
      push();
      continue;
    }
    if (char === '#' && !inWord) break;
    if (char === ';' || (char === '&' && line[index + 1] === '&') || (char === '|' && line[index + 1] === '|')) {
      push();
      statements.push([]);
      if (char !== ';') index += 1;
      continue;
    }
    inWord = true;
    if (char === "'" || char === '"') {
      quote = char;
      raw += char;
    } else if (char === '\\' && index + 1 < line.length) {
      text += line[index + 1];
      raw += char + line[index + 1];
      index += 1;
    } else if (char === '$') {
      index += expand(index);
    } else {
      text += char;
      raw += char;
    }
  }
  const unterminated = quote !== '';
  push();
  return { statements: statements.filter((words) => words.length > 0), unterminated };
}

function assignmentOf(word: Word): { name: string; value: string } | undefined {
  const at = word.raw.indexOf('=');
  if (at <= 0) return undefined;
  const name = word.raw.slice(0, at);
  if (!NAME.test(name)) return undefined;
  return { name, value: word.text.slice(word.text.indexOf('=') + 1) };
}

/** /etc/environment as pam_env reads it: no expansion, one assignment a line. */
export function parsePamEnvironment(text: string): EnvParse {
  const assignments: EnvAssignment[] = [];
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) return;
    let value = (match[2] as string).trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] as string;
    assignments.push({ name: match[1] as string, value, line: index + 1 });
  });
  return { assignments };
}

/**
 * Exported assignments of a sourced shell file, with `$VAR` expanded from earlier assignments and
 * `inherited` (what the session had before the file ran). Plain `A=b` lines count as well: profile.d
 * files usually export them on a later line, and an agent started from that shell inherits them.
 */
export function parseShellExports(text: string, inherited: Readonly<Record<string, string>> = {}): EnvParse {
  const assignments: EnvAssignment[] = [];
  const known: Record<string, string> = { ...inherited };
  let error: EnvParse['error'];
  const lines = splitLines(stripBom(text));
  for (let index = 0; index < lines.length; index += 1) {
    let line = lines[index] as string;
    const first = index + 1;
    // Backslash-newline continues a line.
    while (line.endsWith('\\') && index + 1 < lines.length) line = line.slice(0, -1) + (lines[++index] as string);
    const { statements, unterminated } = shellWords(line, (name) => known[name]);
    if (unterminated) {
      error ??= { line: first, message: 'unterminated quote' };
      continue;
    }
    for (const statement of statements) {
      // `if ...; then export A=b; fi`: the keyword starts the statement that holds the assignment.
      let start = 0;
      while (start < statement.length && ['then', 'else', 'do', '{', '!'].includes(statement[start]?.text ?? '')) start += 1;
      const words = statement.slice(start);
      const head = words[0]?.text;
      let candidates: Word[];
      if (head === 'export' || head === 'readonly') candidates = words.slice(1);
      else if ((head === 'declare' || head === 'typeset') && /^-\w*x/.test(words[1]?.text ?? '')) candidates = words.slice(2);
      // `A=b cmd` runs cmd with A set; it does not set A for the session.
      else if (words.every((word) => assignmentOf(word))) candidates = words;
      else continue;
      for (const word of candidates) {
        const assignment = assignmentOf(word);
        if (!assignment) continue;
        known[assignment.name] = assignment.value;
        assignments.push({ ...assignment, line: first });
      }
    }
  }
  return error ? { assignments, error } : { assignments };
}

/** systemd's `DefaultEnvironment=` value (also `systemctl show` output): quoted `KEY=VALUE` words. */
export function parseSystemdEnvironment(value: string, line: number): EnvAssignment[] {
  const { statements } = shellWords(value);
  return statements.flat().flatMap((word) => {
    const at = word.text.indexOf('=');
    const name = word.text.slice(0, at);
    return at > 0 && NAME.test(name) ? [{ name, value: word.text.slice(at + 1), line }] : [];
  });
}
