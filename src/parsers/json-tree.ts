import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { lineAt } from '../util/text-lines.js';

export interface JsonTree {
  /** Best-effort tree, also after errors (the parser recovers). */
  root: Node | undefined;
  error?: string;
}

/**
 * Parses strict JSON (no comments, no trailing commas) keeping offsets; the first error is reported with
 * its line. `jsonc` accepts comments and trailing commas (settings files that editors and agents read as JSONC).
 */
export function parseJsonTree(text: string, options: { jsonc?: boolean } = {}): JsonTree {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: !options.jsonc, allowTrailingComma: options.jsonc === true });
  const first = errors[0];
  if (first === undefined) return { root };
  return { root, error: `invalid JSON at line ${lineAt(text, first.offset)}: ${printParseErrorCode(first.error)}` };
}

/** Properties of an object node as [key, value node, 1-based line of the key]. */
export function jsonProperties(text: string, node: Node | undefined): [string, Node, number][] {
  if (node?.type !== 'object') return [];
  const result: [string, Node, number][] = [];
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (keyNode?.type !== 'string' || valueNode === undefined) continue;
    result.push([String(keyNode.value), valueNode, lineAt(text, keyNode.offset)]);
  }
  return result;
}

/** The value node of a property, the last one when a key repeats (as JSON.parse does). */
export function jsonProperty(text: string, node: Node | undefined, key: string): [Node, number] | undefined {
  const found = jsonProperties(text, node).filter(([k]) => k === key).pop();
  return found ? [found[1], found[2]] : undefined;
}

/** A string value, or undefined for any other node type. */
export function jsonString(node: Node | undefined): string | undefined {
  return node?.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}
