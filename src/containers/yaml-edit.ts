// Line-preserving edits of a YAML text by node positions: remove a key or a list item, change a scalar,
// add an item or keys. Everything else in the file (comments, quoting, blank lines) stays as written, so
// the unified diff shows only the change.
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Splice } from '../remediate/unified-diff.js';

export function lineStartOf(text: string, offset: number): number {
  const at = text.lastIndexOf('\n', Math.max(0, offset - 1));
  return at < 0 ? 0 : at + 1;
}

/** Offset just after the line break ending the line that holds `offset` (the text's end for the last line). */
export function lineEndOf(text: string, offset: number): number {
  const at = text.indexOf('\n', offset);
  return at < 0 ? text.length : at + 1;
}

/** The end of a node's own text (without the comment or blank lines after it). */
function nodeEnd(node: Node): number {
  return node.range ? node.range[1] : 0;
}

function nodeStart(node: Node): number {
  return node.range ? node.range[0] : 0;
}

/** Removes whole lines from the line of `from` to the line of `to - 1`. */
export function removeLines(text: string, from: number, to: number): Splice {
  return { start: lineStartOf(text, from), end: lineEndOf(text, Math.max(from, to - 1)), text: '' };
}

/** Removes a `key: value` pair with its lines. */
export function removePair(text: string, pair: Pair): Splice {
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  return removeLines(text, nodeStart(key), value?.range ? nodeEnd(value) : (key.range?.[1] ?? nodeStart(key)));
}

/** Replaces a scalar's text. */
export function replaceScalar(node: Node, text: string): Splice {
  return { start: nodeStart(node), end: nodeEnd(node), text };
}

/**
 * Removes the items at `indexes` from the sequence that is the value of `pair`; the whole pair when none
 * would remain (an empty `cap_add:` would be null, which compose rejects).
 */
export function removeSeqItems(text: string, pair: Pair, indexes: readonly number[]): Splice[] {
  const seq = pair.value;
  if (!isSeq(seq)) return [removePair(text, pair)];
  const drop = new Set(indexes);
  const keep = seq.items.filter((_item, index) => !drop.has(index)) as Node[];
  if (keep.length === 0) return [removePair(text, pair)];
  if (seq.flow) return [{ start: nodeStart(seq), end: nodeEnd(seq), text: `[${keep.map((item) => text.slice(nodeStart(item), nodeEnd(item))).join(', ')}]` }];
  return [...drop].map((index) => {
    const item = seq.items[index] as Node;
    return removeLines(text, nodeStart(item), nodeEnd(item));
  });
}

/** Leading whitespace of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** Column (0-based) of an offset in its line. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Inserts lines after the line holding `offset`; a last line without a break gets one first. */
export function insertLinesAfter(text: string, offset: number, lines: readonly string[]): Splice {
  const eol = eolOf(text);
  const at = lineEndOf(text, offset);
  const needsBreak = at === text.length && text.length > 0 && !text.endsWith('\n');
  return { start: at, end: at, text: `${needsBreak ? eol : ''}${lines.map((line) => `${line}${eol}`).join('')}` };
}

/** Appends one plain item to a sequence, in its own style (block: a `- item` line; flow: `, item`). */
export function appendSeqItem(text: string, seq: YAMLSeq, item: string): Splice | undefined {
  if (seq.flow) {
    const close = text.lastIndexOf(']', nodeEnd(seq));
    if (close < nodeStart(seq)) return undefined;
    return { start: close, end: close, text: seq.items.length > 0 ? `, ${item}` : item };
  }
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!last?.range) return undefined;
  const dash = text.lastIndexOf('-', nodeStart(last));
  if (dash < lineStartOf(text, nodeStart(last))) return undefined;
  const prefix = text.slice(lineStartOf(text, dash), dash).replace(/\S/g, ' ');
  return insertLinesAfter(text, nodeEnd(last) - 1, [`${prefix}- ${item}`]);
}

/** Indentation of the keys of a block mapping, or undefined for a flow or empty one. */
export function mapIndent(text: string, map: unknown): string | undefined {
  if (!isMap(map) || map.flow || map.items.length === 0) return undefined;
  const first = (map as YAMLMap).items[0]?.key as Node | undefined;
  if (!first?.range) return undefined;
  return ' '.repeat(columnOf(text, nodeStart(first)));
}

/** A YAML plain or quoted scalar for a value we write ourselves. */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z0-9_./-]+$/.test(value) && !/^(true|false|yes|no|on|off|null|~|-?\d[\d.]*)$/i.test(value) ? value : JSON.stringify(value);
}

export function isTrueScalar(node: unknown): boolean {
  if (!isScalar(node)) return false;
  if (node.value === true) return true;
  return typeof node.value === 'string' && /^(true|yes|on)$/i.test(node.value.trim());
}
