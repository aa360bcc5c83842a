import { describe, expect, it } from 'vitest';
import { jsonProperties, jsonProperty, jsonString, parseJsonTree } from '../src/parsers/json-tree.js';

describe('json-tree', () => {
  const text = '{\r\n  "a": "x",\r\n  "b": {\r\n    "c": 1\r\n  },\r\n  "a": "y"\r\n}';

  it('lists properties with the lines of their keys', () => {
    const { root, error } = parseJsonTree(text);
    expect(error).toBeUndefined();
    expect(jsonProperties(text, root).map(([key, , line]) => [key, line])).toEqual([
      ['a', 2],
      ['b', 3],
      ['a', 6],
    ]);
  });

  it('returns the last of repeated keys, as JSON.parse does', () => {
    const { root } = parseJsonTree(text);
    const found = jsonProperty(text, root, 'a');
    expect(jsonString(found?.[0])).toBe('y');
    expect(found?.[1]).toBe(6);
    expect(jsonProperty(text, root, 'missing')).toBeUndefined();
    expect(jsonString(jsonProperty(text, root, 'b')?.[0])).toBeUndefined();
  });

  it('rejects comments and trailing commas, naming the line', () => {
    expect(parseJsonTree('{\n  // c\n  "a": 1\n}').error).toMatch(/^invalid JSON at line 2/);
    expect(parseJsonTree('{\n  "a": 1,\n}').error).toMatch(/^invalid JSON at line 3/);
    expect(jsonProperties('', parseJsonTree('').root)).toEqual([]);
  });
});
