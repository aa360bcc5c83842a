import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isDeepStrictEqual } from 'node:util';
import { lineAt } from '../util/text-lines.js';
import { UsageError } from '../util/usage-error.js';

export type JsonKeyPath = (string | number)[];

export interface JsonEdit {
  text: string;
  changed: boolean;
  before: unknown;
}

/** Parses a JSON array of keys (`["chat.tools.global.autoApprove"]`): dotted names stay whole. */
export function parseKeyPath(text: string): JsonKeyPath {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`key path must be a JSON array of keys, for example ["permissions","deny"]: ${text}`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((key) => typeof key === 'string' || (typeof key === 'number' && Number.isInteger(key)))) {
    throw new UsageError(`key path must be a non-empty JSON array of strings and indexes: ${text}`);
  }
  return value as JsonKeyPath;
}

/**
 * Sets one key of a JSON or JSONC settings file and keeps everything else as it was: comments,
 * unrelated keys, key order, indentation and line ends. Refuses a file it cannot parse.
 */
export function setJsonKey(text: string, keyPath: JsonKeyPath, value: unknown, file = 'settings'): JsonEdit {
  const source = text.trim() === '' ? '{}\n' : text;
  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    throw new UsageError(`${file}${first ? `:${lineAt(source, first.offset)}` : ''}: not valid JSON (${first ? printParseErrorCode(first.error) : 'empty'}); refusing to edit it`);
  }
  if (tree.type !== 'object') throw new UsageError(`${file}: the top level is not an object; refusing to edit it`);
  const node = findNodeAtLocation(tree, keyPath);
  const before = node ? getNodeValue(node) : undefined;
  if (node && isDeepStrictEqual(before, value)) return { text, changed: false, before };
  const indent = /^([ \t]+)\S/m.exec(source)?.[1] ?? '  ';
  const edits = modify(source, keyPath, value, {
    formattingOptions: {
      insertSpaces: !indent.startsWith('\t'),
      tabSize: indent.startsWith('\t') ? 1 : indent.length,
      eol: source.includes('\r\n') ? '\r\n' : '\n',
    },
  });
  return { text: applyEdits(source, edits), changed: true, before };
}
