import { splitLines, stripBom } from '../util/text-lines.js';

// Linux audit rules as auditctl reads them: a rules file (/etc/audit/audit.rules, the rules.d parts that
// augenrules concatenates) or `auditctl -l` output, one rule a line. auditctl splits a line on
// whitespace and knows no quoting or escaping, so a path with a space cannot be written in a rule.
//
//   -D [-k KEY]                           delete every rule loaded so far (with that key)
//   -e 0|1|2                              disable, enable, enable and lock (immutable until reboot)
//   -b 8192, -f 1, -r 0, --backlog_wait_time 60000, -i, -c, --loginuid-immutable   control options
//   -w PATH [-p rwxa] [-k KEY]            watch: a file, or a directory and everything below it
//   -W PATH ...                           remove a watch
//   -a|-A LIST,ACTION [-F f=v]... [-S s,s] [-C f=f] [-k KEY]   append|prepend a syscall rule
//   -d LIST,ACTION ...                    delete a syscall rule
//
// `-a always,exit -F path=P -F perm=r` watches one file, `-F dir=D` a subtree; auditctl -l prints such
// rules back as `-w P -p r`. A line auditctl would reject is reported with its line, never thrown.

export type AuditRuleKind = 'watch' | 'remove-watch' | 'syscall' | 'delete-rule' | 'delete-all' | 'enable' | 'control';

export interface AuditField {
  name: string;
  op: string;
  value: string;
}

export interface AuditRule {
  line: number;
  text: string;
  kind: AuditRuleKind;
  /** -w / -W: the watched path. */
  path?: string;
  /** -w: -p permissions, `rwxa` when none is given. */
  perms?: string;
  /** -a / -A / -d: the filter list (exit, task, user, exclude, filesystem, io_uring) and action (always, never). */
  list?: string;
  action?: string;
  /** -A: the rule goes first in its list. */
  prepend?: boolean;
  fields: AuditField[];
  syscalls: string[];
  keys: string[];
  /** -e: 0, 1 or 2. */
  enable?: number;
  /** Control options as written (`-b 8192`). */
  option?: string;
}

export interface AuditRulesParse {
  rules: AuditRule[];
  errors: { line: number; message: string }[];
  /** `auditctl -l` printed "No rules". */
  empty?: boolean;
}

const LISTS = new Set(['task', 'exit', 'user', 'exclude', 'filesystem', 'io_uring', 'entry']);
const ACTIONS = new Set(['always', 'never']);
const VALUE_OPTIONS = new Set(['-b', '-f', '-r', '--backlog_wait_time', '-t', '--signal']);
const FLAG_OPTIONS = new Set(['-i', '-c', '--loginuid-immutable', '--reset-lost', '-q', '--reset_lost']);
const FIELD = /^([A-Za-z_0-9]+)(!=|<=|>=|&=|=|<|>|&)(.*)$/;

function listAndAction(value: string | undefined): { list?: string; action?: string; error?: string } {
  const parts = (value ?? '').split(',');
  if (parts.length !== 2) return { error: `"${value ?? ''}" is not LIST,ACTION` };
  const [a = '', b = ''] = parts;
  if (LISTS.has(a) && ACTIONS.has(b)) return { list: a, action: b };
  if (ACTIONS.has(a) && LISTS.has(b)) return { list: b, action: a };
  return { error: `"${value}" is not LIST,ACTION (lists: exit, task, user, exclude, filesystem, io_uring; actions: always, never)` };
}

function parseLine(text: string, line: number): { rule?: AuditRule; error?: string } {
  const words = text.trim().split(/\s+/);
  const head = words[0] ?? '';
  const base = { line, text: text.trim(), fields: [] as AuditField[], syscalls: [] as string[], keys: [] as string[] };
  if (head === '-D') {
    // `-D -k KEY` deletes the rules with that key only.
    if (words.length === 1) return { rule: { ...base, kind: 'delete-all' } };
    if (words[1] === '-k' && words[2] && words.length === 3) return { rule: { ...base, kind: 'delete-all', keys: [words[2]] } };
    return { error: `-D takes no argument but -k KEY, not "${words.slice(1).join(' ')}"` };
  }
  if (head === '-e') {
    const value = Number(words[1]);
    if (![0, 1, 2].includes(value)) return { error: `-e takes 0, 1 or 2, not "${words[1] ?? ''}"` };
    return { rule: { ...base, kind: 'enable', enable: value } };
  }
  if (VALUE_OPTIONS.has(head) || FLAG_OPTIONS.has(head)) return { rule: { ...base, kind: 'control', option: words.join(' ') } };
  if (head !== '-w' && head !== '-W' && head !== '-a' && head !== '-A' && head !== '-d') return { error: `unknown option "${head}"` };

  const rule: AuditRule = { ...base, kind: head === '-w' ? 'watch' : head === '-W' ? 'remove-watch' : head === '-d' ? 'delete-rule' : 'syscall' };
  if (head === '-w' || head === '-W') {
    rule.path = words[1];
    if (!rule.path || rule.path.startsWith('-')) return { error: `${head} needs a path` };
    if (!rule.path.startsWith('/')) return { error: `${head} ${rule.path}: the path must be absolute` };
  } else {
    const parsed = listAndAction(words[1]);
    if (parsed.error) return { error: parsed.error };
    rule.list = parsed.list;
    rule.action = parsed.action;
    if (head === '-A') rule.prepend = true;
  }
  for (let at = 2; at < words.length; at += 1) {
    const option = words[at] as string;
    const value = words[at + 1];
    switch (option) {
      case '-p':
        if (!value || !/^[rwxa]+$/.test(value)) return { error: `-p takes a combination of r, w, x, a, not "${value ?? ''}"` };
        rule.perms = value;
        at += 1;
        break;
      case '-k':
        if (!value) return { error: '-k needs a key' };
        rule.keys.push(value);
        at += 1;
        break;
      case '-F': {
        const match = value ? FIELD.exec(value) : null;
        if (!match) return { error: `-F takes NAME=VALUE (or another comparison), not "${value ?? ''}"` };
        const field = { name: match[1] as string, op: match[2] as string, value: match[3] as string };
        if (field.name === 'key') rule.keys.push(field.value);
        else rule.fields.push(field);
        at += 1;
        break;
      }
      case '-S':
        if (!value) return { error: '-S needs a system call' };
        rule.syscalls.push(...value.split(','));
        at += 1;
        break;
      case '-C':
        if (!value) return { error: '-C needs a comparison' };
        rule.fields.push({ name: 'compare', op: '=', value });
        at += 1;
        break;
      default:
        // A path with a space ends up here: "-w /opt/my app -p r" leaves "app" without an option.
        return { error: `unexpected "${option}"${rule.kind === 'watch' || rule.kind === 'remove-watch' ? ' (a path cannot contain whitespace in an audit rule)' : ''}` };
    }
  }
  if ((rule.kind === 'watch' || rule.kind === 'remove-watch') && rule.perms === undefined) rule.perms = 'rwxa';
  return { rule };
}

export function parseAuditRules(text: string): AuditRulesParse {
  const rules: AuditRule[] = [];
  const errors: AuditRulesParse['errors'] = [];
  const lines = splitLines(stripBom(text));
  if (lines.length === 1 && lines[0]?.trim() === 'No rules') return { rules, errors, empty: true };
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parsed = parseLine(trimmed, index + 1);
    if (parsed.rule) rules.push(parsed.rule);
    else errors.push({ line: index + 1, message: parsed.error ?? 'unreadable rule' });
  });
  return { rules, errors };
}

/** The field of a syscall rule, the last one when repeated. */
export function ruleField(rule: AuditRule, name: string): AuditField | undefined {
  return rule.fields.filter((field) => field.name === name).pop();
}

/**
 * What a rule watches, in watch form: the path, whether the subtree below it is covered, the
 * permissions it records and whether it records them (always) or suppresses them (never). undefined for
 * rules that name no path (syscall rules by uid, arch and the like).
 */
export function ruleTarget(rule: AuditRule): { path: string; subtree: boolean; perms: string; action: 'always' | 'never' } | undefined {
  // `-w /etc/sudoers.d/` and `-F dir=/dev/shm/` name the folder itself.
  const trim = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);
  if (rule.kind === 'watch' && rule.path) return { path: trim(rule.path), subtree: true, perms: rule.perms ?? 'rwxa', action: 'always' };
  if (rule.kind !== 'syscall' || rule.list !== 'exit') return undefined;
  const dir = ruleField(rule, 'dir');
  const path = ruleField(rule, 'path');
  const where = dir?.op === '=' ? { path: trim(dir.value), subtree: true } : path?.op === '=' ? { path: trim(path.value), subtree: false } : undefined;
  if (!where) return undefined;
  const perm = ruleField(rule, 'perm');
  return { ...where, perms: perm?.op === '=' ? perm.value : 'rwxa', action: rule.action === 'never' ? 'never' : 'always' };
}

/**
 * The rules in force after loading these in order: -D clears, -A goes first, -d and -W remove. With
 * `augenrules`, the merged file is built the way augenrules(8) builds it: the last bare -D is emitted
 * first and the last -e last, so neither deletes nor locks out the rules of another part.
 */
export function effectiveRules(rules: readonly AuditRule[], options: { honourImmutable?: boolean; augenrules?: boolean } = {}): { rules: AuditRule[]; ignoredAfterLock?: AuditRule } {
  const ordered = options.augenrules ? rules.filter((rule) => !(rule.kind === 'delete-all' && rule.keys.length === 0) && rule.kind !== 'enable') : rules;
  let loaded: AuditRule[] = [];
  let locked = false;
  for (const rule of ordered) {
    if (locked && options.honourImmutable) return { rules: loaded, ignoredAfterLock: rule };
    if (rule.kind === 'delete-all') loaded = rule.keys.length === 0 ? [] : loaded.filter((item) => !item.keys.some((key) => rule.keys.includes(key)));
    else if (rule.kind === 'enable') locked = rule.enable === 2;
    else if (rule.kind === 'watch' || rule.kind === 'syscall') {
      if (rule.prepend) loaded.unshift(rule);
      else loaded.push(rule);
    } else if (rule.kind === 'remove-watch') loaded = loaded.filter((item) => !(item.kind === 'watch' && item.path === rule.path));
    else if (rule.kind === 'delete-rule') loaded = loaded.filter((item) => !(item.kind === 'syscall' && item.list === rule.list && item.action === rule.action && sameFields(item, rule)));
  }
  return { rules: loaded };
}

/** File names in the order augenrules concatenates them: natural sort, as `ls -v` (9-x before 10-x). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function sameFields(a: AuditRule, b: AuditRule): boolean {
  const text = (rule: AuditRule) => JSON.stringify([[...rule.fields].map((f) => `${f.name}${f.op}${f.value}`).sort(), [...rule.syscalls].sort()]);
  return text(a) === text(b);
}

/** Whether a rule line can name this path: auditctl splits on whitespace and has no escape. */
export function ruleSafePath(path: string): boolean {
  return path.startsWith('/') && !/[\s\x00-\x1f\x7f]/.test(path);
}
