import { describe, expect, it } from 'vitest';
import { parseYamlTree, yamlEntries, yamlItems, yamlScalarText } from '../src/parsers/yaml-tree.js';

describe('yaml-tree', () => {
  it('gives entries with the lines of their keys', () => {
    const text = '# c\na: 1\nb:\n  - x\n  - 2\nc: ""\n';
    const { doc, lineOf, error } = parseYamlTree(text);
    expect(error).toBeUndefined();
    const entries = yamlEntries(doc.contents);
    expect(entries.map(([key, , node]) => [key, lineOf(node)])).toEqual([
      ['a', 2],
      ['b', 3],
      ['c', 6],
    ]);
    expect(yamlScalarText(entries[0]?.[1])).toBe('1');
    expect(yamlItems(entries[1]?.[1]).map(yamlScalarText)).toEqual(['x', '2']);
    expect(yamlScalarText(entries[2]?.[1])).toBeUndefined();
  });

  it('keeps repeated keys instead of failing', () => {
    const { doc, error } = parseYamlTree('a: 1\na: 2\n');
    expect(error).toBeUndefined();
    expect(yamlEntries(doc.contents).map(([key]) => key)).toEqual(['a', 'a']);
  });

  it('reports the first error with its line and never throws', () => {
    expect(parseYamlTree('a: 1\nb: [\n').error).toMatch(/^invalid YAML at line \d+/);
    expect(yamlEntries(parseYamlTree('').doc.contents)).toEqual([]);
    expect(yamlItems('not a node')).toEqual([]);
  });
});
