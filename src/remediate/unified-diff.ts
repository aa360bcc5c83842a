// Unified diffs for manual remediation actions: the exact change to a file the tool will not edit itself
// (a compose file, a devcontainer.json, a script), in the form `patch -p1` and `git apply` take.

export interface UnifiedDiffOptions {
  /** Lines of unchanged context around each change (default 3, as diff -u). */
  context?: number;
}

interface Line {
  /** Text without its line break. */
  text: string;
  /** The line break as written: '\n', '\r\n', '\r', or '' for a last line without one. */
  eol: string;
}

type Op = { kind: ' ' | '-' | '+'; line: Line };

/** Above this many cells the middle of the two texts is replaced as one block instead of diffed line by line. */
const MAX_LCS_CELLS = 4_000_000;

function toLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\n|\r/g;
  let start = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] });
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

const same = (a: Line, b: Line) => a.text === b.text && a.eol === b.eol;

/** Edit script from a to b: common prefix and suffix, then a longest common subsequence of the middle. */
function diffLines(a: Line[], b: Line[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && same(a[prefix] as Line, b[prefix] as Line)) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && same(a[a.length - 1 - suffix] as Line, b[b.length - 1 - suffix] as Line)) suffix++;
  const ops: Op[] = a.slice(0, prefix).map((line) => ({ kind: ' ', line }));
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  if ((midA.length + 1) * (midB.length + 1) > MAX_LCS_CELLS) {
    ops.push(...midA.map((line): Op => ({ kind: '-', line })), ...midB.map((line): Op => ({ kind: '+', line })));
  } else {
    const width = midB.length + 1;
    const table = new Uint32Array((midA.length + 1) * width);
    for (let i = midA.length - 1; i >= 0; i--) {
      for (let j = midB.length - 1; j >= 0; j--) {
        table[i * width + j] = same(midA[i] as Line, midB[j] as Line)
          ? (table[(i + 1) * width + j + 1] as number) + 1
          : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && same(midA[i] as Line, midB[j] as Line)) {
        ops.push({ kind: ' ', line: midA[i] as Line });
        i++;
        j++;
      } else if (i < midA.length && (j === midB.length || (table[(i + 1) * width + j] as number) >= (table[i * width + j + 1] as number))) {
        // Deletions first, as diff(1) prints them.
        ops.push({ kind: '-', line: midA[i] as Line });
        i++;
      } else {
        ops.push({ kind: '+', line: midB[j] as Line });
        j++;
      }
    }
  }
  ops.push(...a.slice(a.length - suffix).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

function range(start: number, count: number): string {
  // A hunk that holds no line of one side names the line before it (0 at the top of the file).
  return `${count === 0 ? start : start + 1},${count}`;
}

function renderLine(op: Op): string {
  const text = `${op.kind}${op.line.text}`;
  // The file's own line break is kept, so a CRLF file gets a patch that matches it byte for byte.
  return op.line.eol === '' ? `${text}\n\\ No newline at end of file\n` : `${text}${op.line.eol === '\r' ? '\n' : op.line.eol}`;
}

/**
 * The unified diff from `before` to `after` for a file at `path` (relative, with `/`), with `a/` and `b/`
 * prefixes so that `patch -p1` and `git apply` take it from the folder `path` is relative to. Empty when
 * the texts are equal.
 */
export function unifiedDiff(path: string, before: string, after: string, options: UnifiedDiffOptions = {}): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const ops = diffLines(toLines(before), toLines(after));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  // Group changes whose context would overlap into one hunk.
  const groups: [number, number][] = [];
  for (const index of changed) {
    const last = groups[groups.length - 1];
    if (last && index - last[1] <= 2 * context + 1) last[1] = index;
    else groups.push([index, index]);
  }
  const name = /\s/.test(path) ? `${path}\t` : path;
  let out = `--- a/${name}\n+++ b/${name}\n`;
  // Old and new line numbers (0-based) at each op.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const op of ops) {
    oldAt.push(oldLine);
    newAt.push(newLine);
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(start, end + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    out += `@@ -${range(oldAt[start] as number, oldCount)} +${range(newAt[start] as number, newCount)} @@\n`;
    out += slice.map(renderLine).join('');
  }
  return out;
}

/** One replacement in a text: characters [start, end) become `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping splices (any order) to a text. Overlapping splices are an error in the caller. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((x, y) => x.start - y.start || x.end - y.end);
  let out = '';
  let at = 0;
  for (const splice of sorted) {
    if (splice.start < at) throw new Error(`overlapping edits at offset ${splice.start}`);
    out += text.slice(at, splice.start) + splice.text;
    at = splice.end;
  }
  return out + text.slice(at);
}
