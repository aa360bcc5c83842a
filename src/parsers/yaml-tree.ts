import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

export interface YamlTree {
  doc: Document;
  /** 1-based line of a node's first character. */
  lineOf(node: Node): number;
  error?: string;
}

/** Parses one YAML document keeping positions; the first error is reported with its line, the tree is best effort. */
export function parseYamlTree(text: string): YamlTree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const lineOf = (node: Node): number => (node.range ? lineCounter.linePos(node.range[0]).line : 0);
  const first = doc.errors[0];
  if (first === undefined) return { doc, lineOf };
  const line = lineCounter.linePos(first.pos[0]).line;
  return { doc, lineOf, error: `invalid YAML at line ${line}: ${first.message.split('\n')[0] ?? first.code}` };
}

/** Entries of a mapping node as [key text, value node, key node]; non-mapping input gives none. */
export function yamlEntries(node: unknown): [string, unknown, Node][] {
  if (!isMap(node)) return [];
  const result: [string, unknown, Node][] = [];
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    result.push([String(pair.key.value), pair.value, pair.key]);
  }
  return result;
}

/** Items of a sequence node; non-sequence input gives none. */
export function yamlItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** A non-empty string scalar's text (numbers are stringified: a numeric password is still a password). */
export function yamlScalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const text = String(node.value);
  return text === '' ? undefined : text;
}
