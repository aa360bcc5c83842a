// `docker run` / `podman run` command lines in shell scripts (with `\` line continuations, quotes and
// comments), and the same flags in a devcontainer's runArgs: one ContainerSpec per command. Never throws.
import { type ContainerSpec, type Located, type MountSpec, type NamespaceKind, emptySpec, isEngineSocket } from '../containers/model.js';
import type { FixPlan } from '../containers/rules.js';
import { applySplices, type Splice } from '../remediate/unified-diff.js';
import { isHostPath, shortVolume, SUGGESTED_PIDS_LIMIT, SUGGESTED_USER } from './compose.js';

export interface RunToken {
  /** The word after quote removal. */
  text: string;
  /** Offsets of the word as written (quotes included). */
  start: number;
  end: number;
  line: number;
  /** A command separator (`;`, `&&`, `|`, a line end, `$(`...) rather than a word. */
  separator?: boolean;
}

/** Where a setting sits among the tokens: the flag's tokens, and which one holds the value. */
export interface FlagRef {
  tokens: number[];
  valueToken: number;
  /** Text before the value inside valueToken (`--user=`), empty when the value is a token of its own. */
  prefix: string;
  /** All values the flag gives (`--cap-add=A,B`), to rewrite it without one. */
  values: string[];
  valueIndex: number;
}

export interface RunRefs {
  runToken: number;
  privileged?: FlagRef;
  capAdd: FlagRef[];
  securityOpt: FlagRef[];
  namespaces: FlagRef[];
  mounts: FlagRef[];
  readOnly?: FlagRef;
  user?: FlagRef;
  pidsLimit?: FlagRef;
}

const BOOLEAN_LONG = new Set([
  'detach', 'interactive', 'tty', 'rm', 'privileged', 'read-only', 'init', 'publish-all', 'no-healthcheck', 'oom-kill-disable',
  'disable-content-trust', 'quiet', 'help', 'sig-proxy', 'replace', 'read-only-tmpfs', 'http-proxy', 'env-host', 'rootfs', 'no-hosts', 'tls-verify', 'use-api-socket',
]);
const BOOLEAN_SHORT = new Set(['d', 'i', 't', 'P', 'q']);
const SHORT_ALIASES: Record<string, string> = { u: 'user', v: 'volume', e: 'env', p: 'publish', w: 'workdir', h: 'hostname', l: 'label', m: 'memory', c: 'cpu-shares', a: 'attach' };
const NAMESPACE_FLAGS: Record<string, NamespaceKind> = { network: 'network', net: 'network', pid: 'pid', ipc: 'ipc', uts: 'uts', userns: 'userns', cgroupns: 'cgroup' };

/** Shell words with offsets: quotes, escapes, `\` continuations and comments understood; no expansion. */
export function tokenizeShell(text: string): RunToken[] {
  const tokens: RunToken[] = [];
  let line = 1;
  let i = 0;
  let word: RunToken | undefined;
  const finish = () => {
    if (word) tokens.push(word);
    word = undefined;
  };
  const separator = (start: number, end: number) => {
    finish();
    tokens.push({ text: text.slice(start, end), start, end, line, separator: true });
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '\\' && text[i + 1] === '\n') {
      finish();
      i += 2;
      line++;
      continue;
    }
    if (char === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      finish();
      i += 3;
      line++;
      continue;
    }
    if (char === '\n') {
      separator(i, i + 1);
      line++;
      i++;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      finish();
      i++;
      continue;
    }
    if (!word && char === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (char === ';' || char === '|' || char === '&' || char === '(' || char === ')' || char === '`') {
      let end = i + 1;
      if ((char === '|' || char === '&') && text[end] === char) end++;
      separator(i, end);
      i = end;
      continue;
    }
    if (char === '$' && text[i + 1] === '(') {
      separator(i, i + 2);
      i += 2;
      continue;
    }
    word ??= { text: '', start: i, end: i, line };
    if (char === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      word.text += text.slice(i + 1, end);
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end + 1;
    } else if (char === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] as string)) {
          if (text[i + 1] === '\n') line++;
          else word.text += text[i + 1];
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        word.text += text[i];
        i++;
      }
      i++;
    } else if (char === '\\') {
      word.text += text[i + 1] ?? '';
      i += 2;
    } else {
      word.text += char;
      i++;
    }
    word.end = Math.min(i, text.length);
  }
  finish();
  return tokens;
}

/** `type=bind,source=/x,target=/y,readonly` as a mount. */
export function mountFlag(value: string, line: number): MountSpec {
  const fields = new Map<string, string>();
  for (const part of value.split(',')) {
    const [key = '', ...rest] = part.split('=');
    fields.set(key.trim().toLowerCase(), rest.join('=').trim());
  }
  const source = fields.get('source') ?? fields.get('src');
  const target = fields.get('target') ?? fields.get('destination') ?? fields.get('dst');
  const type = (fields.get('type') ?? 'volume').toLowerCase();
  const ro = fields.get('readonly') ?? fields.get('ro');
  const readOnly = ro !== undefined && ro !== 'false' && ro !== '0';
  return {
    text: value,
    ...(source !== undefined ? { source } : {}),
    ...(target !== undefined ? { target } : {}),
    readOnly,
    bind: type === 'bind' || (source !== undefined && type !== 'volume' && type !== 'tmpfs' && isHostPath(source)) || isEngineSocket(source),
    line,
  };
}

interface Flag {
  name: string;
  value?: string;
  tokens: number[];
  valueToken: number;
  prefix: string;
}

/**
 * Reads `docker run` flags from tokens[from] on, up to the image (the first word that is not an option)
 * or a separator, into a spec. The tokens after the image belong to the container's command.
 */
export function readRunFlags(tokens: readonly RunToken[], from: number, spec: ContainerSpec, refs: RunRefs): number {
  let i = from;
  const flags: Flag[] = [];
  while (i < tokens.length) {
    const token = tokens[i] as RunToken;
    if (token.separator) break;
    const text = token.text;
    if (text === '--' || !text.startsWith('-') || text === '-') break;
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      const name = (eq < 0 ? text.slice(2) : text.slice(2, eq)).toLowerCase();
      if (eq >= 0) flags.push({ name, value: text.slice(eq + 1), tokens: [i], valueToken: i, prefix: text.slice(0, eq + 1) });
      else if (BOOLEAN_LONG.has(name)) flags.push({ name, tokens: [i], valueToken: i, prefix: text });
      else {
        const next = tokens[i + 1];
        if (next && !next.separator) {
          flags.push({ name, value: next.text, tokens: [i, i + 1], valueToken: i + 1, prefix: '' });
          i++;
        }
      }
    } else {
      const letters = text.slice(1);
      if ([...letters].every((letter) => BOOLEAN_SHORT.has(letter))) {
        // -it, -d: nothing we judge.
      } else {
        const letter = letters[0] as string;
        const name = SHORT_ALIASES[letter] ?? letter;
        if (letters.length > 1) flags.push({ name, value: letters.slice(1).replace(/^=/, ''), tokens: [i], valueToken: i, prefix: text.slice(0, letters[1] === '=' ? 3 : 2) });
        else {
          const next = tokens[i + 1];
          if (next && !next.separator) {
            flags.push({ name, value: next.text, tokens: [i, i + 1], valueToken: i + 1, prefix: '' });
            i++;
          }
        }
      }
    }
    i++;
  }
  for (const flag of flags) applyFlag(tokens, flag, spec, refs);
  return i;
}

function applyFlag(tokens: readonly RunToken[], flag: Flag, spec: ContainerSpec, refs: RunRefs): void {
  const line = (tokens[flag.tokens[0] as number] as RunToken).line;
  const ref = (values: string[], valueIndex: number): FlagRef => ({ tokens: flag.tokens, valueToken: flag.valueToken, prefix: flag.prefix, values, valueIndex });
  const value = flag.value;
  const isTrue = value === undefined || /^(true|1)$/i.test(value);
  switch (flag.name) {
    case 'privileged':
      if (isTrue) {
        spec.privileged = { value: true, line };
        refs.privileged = ref([], 0);
      }
      return;
    case 'read-only':
      spec.readOnly = { value: isTrue, line };
      refs.readOnly = ref(value === undefined ? [] : [value], 0);
      return;
    case 'cap-add':
    case 'cap-drop': {
      const values = (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
      values.forEach((cap, index) => {
        (flag.name === 'cap-add' ? spec.capAdd : spec.capDrop).push({ value: cap, line });
        if (flag.name === 'cap-add') refs.capAdd.push(ref(values, index));
      });
      return;
    }
    case 'security-opt':
      if (value === undefined) return;
      spec.securityOpt.push({ value, line });
      refs.securityOpt.push(ref([value], 0));
      return;
    case 'user':
      if (value === undefined) return;
      spec.user = { value, line };
      refs.user = ref([value], 0);
      return;
    case 'pids-limit':
      if (value === undefined) return;
      spec.pidsLimit = { value, line };
      refs.pidsLimit = ref([value], 0);
      return;
    case 'volume':
      if (value === undefined) return;
      spec.mounts.push(shortVolume(value, line));
      refs.mounts.push(ref([value], 0));
      return;
    case 'mount':
      if (value === undefined) return;
      spec.mounts.push(mountFlag(value, line));
      refs.mounts.push(ref([value], 0));
      return;
    default: {
      const kind = NAMESPACE_FLAGS[flag.name];
      if (!kind || value === undefined) return;
      spec.namespaces.push({ value: { kind, value }, line } as Located<{ kind: NamespaceKind; value: string }>);
      refs.namespaces.push(ref([value], 0));
    }
  }
}

interface ReadRun {
  spec: ContainerSpec;
  refs: RunRefs;
}

function isEngine(token: RunToken | undefined): boolean {
  return !!token && !token.separator && /^(?:.*\/)?(docker|podman)(\.exe)?$/.test(token.text);
}

function readRuns(text: string): { tokens: RunToken[]; runs: ReadRun[] } {
  const tokens = tokenizeShell(text);
  const runs: ReadRun[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isEngine(tokens[i])) continue;
    let at = i + 1;
    if (tokens[at]?.text === 'container' && !tokens[at]?.separator) at++;
    if (tokens[at]?.text !== 'run' || tokens[at]?.separator) continue;
    const engine = (tokens[i] as RunToken).text.replace(/^.*\//, '').replace(/\.exe$/, '');
    const spec = emptySpec('docker-run', `${engine} run`, runs.length, (tokens[i] as RunToken).line);
    const refs: RunRefs = { runToken: at, capAdd: [], securityOpt: [], namespaces: [], mounts: [] };
    const imageAt = readRunFlags(tokens, at + 1, spec, refs);
    const image = tokens[imageAt];
    if (image && !image.separator) spec.name = `${engine} run ${image.text}`;
    runs.push({ spec, refs });
    i = imageAt;
  }
  return { tokens, runs };
}

/** Every `docker run` / `podman run` of a script. */
export function parseDockerRuns(text: string): ContainerSpec[] {
  return readRuns(text).runs.map((run) => run.spec);
}

/** Whether a text may hold a run command, before tokenizing it. */
export function mentionsRun(text: string): boolean {
  return /\b(docker|podman)\b[^\n]*\brun\b|\b(docker|podman)\s*\\\r?\n/.test(text);
}

/** Removes the flag a ref names (or one value of a comma list) from a shell text. */
function removeFlag(text: string, tokens: readonly RunToken[], ref: FlagRef): Splice[] {
  if (ref.values.length > 1) {
    const token = tokens[ref.valueToken] as RunToken;
    const rest = ref.values.filter((_value, index) => index !== ref.valueIndex).join(',');
    return [{ start: token.start, end: token.end, text: `${ref.prefix}${rest}` }];
  }
  const first = tokens[ref.tokens[0] as number] as RunToken;
  const last = tokens[ref.tokens[ref.tokens.length - 1] as number] as RunToken;
  const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
  const lineEndAt = text.indexOf('\n', last.end);
  const lineEnd = lineEndAt < 0 ? text.length : lineEndAt;
  const before = text.slice(lineStart, first.start);
  const after = text.slice(last.end, lineEnd);
  // A continuation line holding only this flag goes whole.
  if (/^\s*$/.test(before) && /^\s*\\\r?$/.test(after)) return [{ start: lineStart, end: lineEndAt < 0 ? text.length : lineEndAt + 1, text: '' }];
  let start = first.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return [{ start, end: last.end, text: '' }];
}

function replaceValue(tokens: readonly RunToken[], ref: FlagRef, value: string): Splice {
  const token = tokens[ref.valueToken] as RunToken;
  return { start: token.start, end: token.end, text: `${ref.prefix}${value}` };
}

/** The script after the change `plan` describes for one run command, or undefined when none can be made. */
export function fixDockerRun(text: string, spec: ContainerSpec, plan: FixPlan): string | undefined {
  const { tokens, runs } = readRuns(text);
  const run = runs[spec.index];
  if (!run || run.spec.line !== spec.line) return undefined;
  const splices: Splice[] = [];
  const removal = plan.remove;
  if (removal) {
    const ref =
      removal.setting === 'privileged' ? run.refs.privileged
      : removal.setting === 'capAdd' ? run.refs.capAdd[removal.index]
      : removal.setting === 'securityOpt' ? run.refs.securityOpt[removal.index]
      : removal.setting === 'namespace' ? run.refs.namespaces[removal.index]
      : run.refs.mounts[removal.index];
    if (!ref) return undefined;
    splices.push(...removeFlag(text, tokens, ref));
  }
  const added: string[] = [];
  for (const item of plan.add ?? []) {
    if (item === 'cap-drop-all') added.push('--cap-drop=ALL');
    else if (item === 'no-new-privileges') {
      const off = run.refs.securityOpt.find((ref) => /^no-new-privileges[:=]false$/i.test(ref.values[0] ?? ''));
      if (off) splices.push(replaceValue(tokens, off, 'no-new-privileges'));
      else added.push('--security-opt=no-new-privileges');
    } else if (item === 'read-only') {
      if (run.refs.readOnly && run.refs.readOnly.values.length > 0) splices.push(replaceValue(tokens, run.refs.readOnly, 'true'));
      else added.push('--read-only');
    } else if (item === 'non-root-user') {
      if (run.refs.user) splices.push(replaceValue(tokens, run.refs.user, SUGGESTED_USER));
      else added.push(`--user=${SUGGESTED_USER}`);
    } else if (item === 'pids-limit') {
      if (run.refs.pidsLimit) splices.push(replaceValue(tokens, run.refs.pidsLimit, String(SUGGESTED_PIDS_LIMIT)));
      else added.push(`--pids-limit=${SUGGESTED_PIDS_LIMIT}`);
    }
  }
  if (added.length > 0) {
    const runToken = tokens[run.refs.runToken] as RunToken;
    splices.push({ start: runToken.end, end: runToken.end, text: ` ${added.join(' ')}` });
  }
  if (splices.length === 0) return undefined;
  return applySplices(text, splices);
}
