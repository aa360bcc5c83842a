import { splitLines, stripBom } from '../util/text-lines.js';

// sudoers(5), as sudo 1.9 reads it: logical lines (a trailing backslash continues a line), comments from
// an unquoted `#` (but `#include`, `#includedir` and `#<digits>` user ids are not comments), directives
// `@include`/`@includedir` (and their old `#` spelling), aliases, Defaults, and user specifications
//
//   User_List Host_List = [(Runas)] [OPTION=value ...] [TAG: ...] Cmnd, Cmnd ... [: Host_List = ...]
//
// Every entry keeps the line where its logical line starts. The parser never throws: what it cannot read
// is an `unparsed` entry.

export interface SudoersItem {
  /** `!` in front: the item excludes instead of including. */
  negated: boolean;
  /** As written, without the `!` and surrounding quotes: `alice`, `%sudo`, `#1001`, `ALL`, `ADMINS`. */
  value: string;
}

export interface SudoersRunas {
  users: SudoersItem[];
  groups: SudoersItem[];
}

export interface SudoersCommand {
  /** `(root)`, `(ALL:ALL)`; carried over from the previous command of the same list when not given. */
  runas?: SudoersRunas;
  /** NOPASSWD, SETENV, ... in effect for this command (tags carry over to later commands of a list). */
  tags: string[];
  /** CWD=, CHROOT=, TIMEOUT=, ROLE=, TYPE=, NOTBEFORE=, NOTAFTER=, APPARMOR_PROFILE=, ... */
  options: Record<string, string>;
  /** `ALL`, an alias, or a path with arguments; `sha256:...` digests kept in front. */
  command: SudoersItem;
}

export interface SudoersPrivilege {
  hosts: SudoersItem[];
  commands: SudoersCommand[];
}

interface Located {
  /** 1-based line where the logical line starts. */
  line: number;
  /** Last physical line of a continued logical line. */
  endLine: number;
  /** The logical line, continuations joined, comment removed. */
  text: string;
}

export type SudoersEntry =
  | (Located & { kind: 'include'; directory: boolean; path: string })
  | (Located & { kind: 'alias'; aliasType: 'User_Alias' | 'Runas_Alias' | 'Host_Alias' | 'Cmnd_Alias'; name: string; items: SudoersItem[] })
  | (Located & { kind: 'defaults'; binding?: { type: ':' | '@' | '>' | '!'; items: SudoersItem[] }; settings: string })
  | (Located & { kind: 'rule'; users: SudoersItem[]; privileges: SudoersPrivilege[] })
  | (Located & { kind: 'unparsed'; reason: string });

export interface SudoersDocument {
  entries: SudoersEntry[];
}

export const SUDOERS_TAGS = [
  'NOPASSWD', 'PASSWD', 'NOEXEC', 'EXEC', 'SETENV', 'NOSETENV', 'LOG_INPUT', 'NOLOG_INPUT', 'LOG_OUTPUT',
  'NOLOG_OUTPUT', 'MAIL', 'NOMAIL', 'FOLLOW', 'NOFOLLOW', 'INTERCEPT', 'NOINTERCEPT',
] as const;
const TAG_SET = new Set<string>(SUDOERS_TAGS);
const OPTION_NAMES = ['CWD', 'CHROOT', 'TIMEOUT', 'ROLE', 'TYPE', 'NOTBEFORE', 'NOTAFTER', 'APPARMOR_PROFILE', 'PRIVS', 'LIMITPRIVS'];
const ALIAS_TYPES = ['User_Alias', 'Runas_Alias', 'Host_Alias', 'Cmnd_Alias', 'Cmd_Alias'] as const;
const ALIAS_NAME = /^[A-Z][A-Z0-9_]*$/;
const DIGEST = /^(sha224|sha256|sha384|sha512):\S+\s+/;

/** Logical lines: a backslash before the line break joins the next line; comments stripped. */
export function sudoersLogicalLines(text: string): Located[] {
  const lines = splitLines(stripBom(text));
  const out: Located[] = [];
  let index = 0;
  while (index < lines.length) {
    const start = index;
    let joined = '';
    for (;;) {
      const current = lines[index] ?? '';
      index += 1;
      // An odd number of trailing backslashes continues the line.
      const trailing = /\\+$/.exec(current)?.[0].length ?? 0;
      if (trailing % 2 === 1 && index < lines.length) {
        joined += `${current.slice(0, -1)} `;
        continue;
      }
      joined += trailing % 2 === 1 ? current.slice(0, -1) : current;
      break;
    }
    const text = stripComment(joined).trim();
    if (text !== '') out.push({ line: start + 1, endLine: index, text });
  }
  return out;
}

/** Removes a `#` comment; keeps `#include`/`#includedir` directives and `#1001` user ids. */
function stripComment(line: string): string {
  const trimmed = line.trimStart();
  if (/^#include(dir)?\s/.test(trimmed)) return trimmed;
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char !== '#' || quoted) continue;
    // A uid (`#1001`, `%#27`) where a word starts is no comment.
    const before = i === 0 ? '' : line[i - 1] ?? '';
    const wordStart = before === '' || /[\s,(:=!%]/.test(before);
    if (wordStart && /^#\d/.test(line.slice(i))) continue;
    return line.slice(0, i);
  }
  return line;
}

/** A small cursor over one logical line. */
class Cursor {
  index = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.index >= this.text.length;
  }
  peek(): string {
    return this.text[this.index] ?? '';
  }
  skipSpace(): void {
    while (!this.done && /\s/.test(this.peek())) this.index += 1;
  }
  rest(): string {
    return this.text.slice(this.index);
  }
  eat(char: string): boolean {
    this.skipSpace();
    if (this.peek() !== char) return false;
    this.index += 1;
    return true;
  }
  /** A word up to whitespace or one of the stop characters; backslash escapes and double quotes kept together. */
  word(stops: string): string {
    let out = '';
    while (!this.done) {
      const char = this.peek();
      if (char === '\\' && this.index + 1 < this.text.length) {
        out += this.text[this.index + 1];
        this.index += 2;
        continue;
      }
      if (char === '"') {
        const end = this.text.indexOf('"', this.index + 1);
        if (end === -1) {
          out += this.text.slice(this.index + 1);
          this.index = this.text.length;
          break;
        }
        out += this.text.slice(this.index + 1, end);
        this.index = end + 1;
        continue;
      }
      if (/\s/.test(char) || stops.includes(char)) break;
      out += char;
      this.index += 1;
    }
    return out;
  }
  /** `item, !item, ...` with the given stop characters ending each item. */
  list(stops: string): SudoersItem[] {
    const items: SudoersItem[] = [];
    for (;;) {
      this.skipSpace();
      let negated = false;
      while (this.peek() === '!') {
        negated = !negated;
        this.index += 1;
        this.skipSpace();
      }
      const value = this.word(`,${stops}`);
      if (value === '') break;
      items.push({ negated, value });
      this.skipSpace();
      if (this.peek() !== ',') break;
      this.index += 1;
    }
    return items;
  }
}

function parseInclude(located: Located): SudoersEntry | undefined {
  const match = /^[@#](include|includedir)\s+(.+)$/.exec(located.text);
  if (!match) return undefined;
  const raw = (match[2] ?? '').trim();
  const unquoted = raw.startsWith('"') && raw.endsWith('"') && raw.length > 1 ? raw.slice(1, -1) : raw.replace(/\\(.)/g, '$1');
  return { ...located, kind: 'include', directory: match[1] === 'includedir', path: unquoted };
}

function parseAlias(located: Located): SudoersEntry[] | undefined {
  const type = ALIAS_TYPES.find((name) => located.text.startsWith(name) && /\s/.test(located.text[name.length] ?? ''));
  if (!type) return undefined;
  const aliasType = type === 'Cmd_Alias' ? 'Cmnd_Alias' : type;
  const cursor = new Cursor(located.text.slice(type.length));
  const entries: SudoersEntry[] = [];
  for (;;) {
    cursor.skipSpace();
    const name = cursor.word('=:,');
    if (!ALIAS_NAME.test(name) || !cursor.eat('=')) {
      entries.push({ ...located, kind: 'unparsed', reason: `${type}: expected NAME = list` });
      return entries;
    }
    // Commands keep their arguments (spaces inside); other aliases hold single words.
    const items = aliasType === 'Cmnd_Alias' ? commandItems(cursor) : cursor.list(':');
    entries.push({ ...located, kind: 'alias', aliasType, name, items });
    if (!cursor.eat(':')) break;
  }
  return entries;
}

/** Command items of a Cmnd_Alias: comma separated, each a command with arguments, `:` starts the next alias. */
function commandItems(cursor: Cursor): SudoersItem[] {
  const items: SudoersItem[] = [];
  for (;;) {
    const item = commandText(cursor);
    if (!item) break;
    items.push(item);
    cursor.skipSpace();
    if (cursor.peek() !== ',') break;
    cursor.index += 1;
  }
  return items;
}

/** One command with its arguments, up to an unescaped `,` or `:` (escapes stay escaped in the text). */
function commandText(cursor: Cursor): SudoersItem | undefined {
  cursor.skipSpace();
  let negated = false;
  while (cursor.peek() === '!') {
    negated = !negated;
    cursor.index += 1;
    cursor.skipSpace();
  }
  let out = '';
  const digest = DIGEST.exec(cursor.rest());
  if (digest) {
    out += digest[0];
    cursor.index += digest[0].length;
  }
  while (!cursor.done) {
    const char = cursor.peek();
    if (char === '\\' && cursor.index + 1 < cursor.text.length) {
      out += char + cursor.text[cursor.index + 1];
      cursor.index += 2;
      continue;
    }
    if (char === ',' || char === ':') break;
    out += char;
    cursor.index += 1;
  }
  const value = out.trim().replace(/\s+/g, ' ');
  return value === '' ? undefined : { negated, value };
}

function parseDefaults(located: Located): SudoersEntry | undefined {
  const match = /^Defaults([:@>!]?)/.exec(located.text);
  if (!match) return undefined;
  const after = located.text[match[0].length] ?? '';
  if (!match[1] && after !== '' && !/\s/.test(after)) return undefined;
  const cursor = new Cursor(located.text.slice(match[0].length));
  if (!match[1]) return { ...located, kind: 'defaults', settings: cursor.rest().trim() };
  // Defaults!cmnd binds a command (usually an alias) without arguments: single words, like the others.
  const items = cursor.list('');
  return { ...located, kind: 'defaults', binding: { type: match[1] as ':' | '@' | '>' | '!', items }, settings: cursor.rest().trim() };
}

function parseRunas(cursor: Cursor): SudoersRunas | undefined {
  if (!cursor.eat('(')) return undefined;
  const users = cursor.list(':)');
  let groups: SudoersItem[] = [];
  if (cursor.eat(':')) groups = cursor.list(')');
  cursor.eat(')');
  return { users, groups };
}

function parseRule(located: Located): SudoersEntry {
  const cursor = new Cursor(located.text);
  const users = cursor.list('=');
  if (users.length === 0) return { ...located, kind: 'unparsed', reason: 'expected a user list' };
  const privileges: SudoersPrivilege[] = [];
  for (;;) {
    const hosts = cursor.list('=');
    if (hosts.length === 0 || !cursor.eat('=')) return { ...located, kind: 'unparsed', reason: 'expected Host_List = commands' };
    const commands: SudoersCommand[] = [];
    let runas: SudoersRunas | undefined;
    let tags: string[] = [];
    for (;;) {
      cursor.skipSpace();
      const givenRunas = parseRunas(cursor);
      if (givenRunas) {
        runas = givenRunas;
        // A new Runas_Spec resets the options of the previous command, not its tags.
      }
      const options: Record<string, string> = {};
      for (;;) {
        cursor.skipSpace();
        const option = new RegExp(`^(${OPTION_NAMES.join('|')})=`).exec(cursor.rest());
        if (option) {
          cursor.index += option[0].length;
          options[option[1] as string] = cursor.word(',:');
          continue;
        }
        const tag = /^([A-Z_]+):/.exec(cursor.rest());
        if (tag && TAG_SET.has(tag[1] as string)) {
          cursor.index += tag[0].length;
          const name = tag[1] as string;
          // A tag replaces its opposite (PASSWD after NOPASSWD).
          const opposite = name.startsWith('NO') ? name.slice(2) : `NO${name}`;
          tags = [...tags.filter((item) => item !== name && item !== opposite), name];
          continue;
        }
        break;
      }
      const command = commandText(cursor);
      if (!command) return { ...located, kind: 'unparsed', reason: 'expected a command' };
      commands.push({ ...(runas ? { runas } : {}), tags: [...tags], options, command });
      cursor.skipSpace();
      if (cursor.peek() === ',') {
        cursor.index += 1;
        continue;
      }
      break;
    }
    privileges.push({ hosts, commands });
    if (!cursor.eat(':')) break;
  }
  cursor.skipSpace();
  if (!cursor.done) return { ...located, kind: 'unparsed', reason: `unexpected "${cursor.rest().slice(0, 20)}"` };
  return { ...located, kind: 'rule', users, privileges };
}

export function parseSudoers(text: string): SudoersDocument {
  const entries: SudoersEntry[] = [];
  for (const located of sudoersLogicalLines(text)) {
    const include = parseInclude(located);
    if (include) {
      entries.push(include);
      continue;
    }
    if (/^#(?!\d)/.test(located.text)) continue;
    const aliases = parseAlias(located);
    if (aliases) {
      entries.push(...aliases);
      continue;
    }
    const defaults = parseDefaults(located);
    if (defaults) {
      entries.push(defaults);
      continue;
    }
    entries.push(parseRule(located));
  }
  return { entries };
}

/** Whether sudo reads a file of an @includedir folder: no `.` in the name and no trailing `~`. */
export function sudoersIncludedName(name: string): boolean {
  return name !== '' && !name.includes('.') && !name.endsWith('~');
}
