import { describe, expect, it } from 'vitest';
import { lineAt, splitLines, stripBom } from '../src/util/text-lines.js';

describe('splitLines', () => {
  it('splits on LF, CRLF and lone CR alike', () => {
    expect(splitLines('a\r\nb\rc\nd')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('does not add an empty line for a final line break, but keeps inner blank lines', () => {
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a\r\n\r\n')).toEqual(['a', '']);
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
  });

  it('gives no lines for empty text and one for text without a break', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('only')).toEqual(['only']);
  });
});

describe('lineAt', () => {
  const text = 'ab\r\ncd\ref\ngh';

  it('numbers lines from 1 and counts CRLF once', () => {
    expect(lineAt(text, 0)).toBe(1);
    expect(lineAt(text, text.indexOf('c'))).toBe(2);
    expect(lineAt(text, text.indexOf('e'))).toBe(3);
    expect(lineAt(text, text.indexOf('g'))).toBe(4);
  });

  it('keeps the line break characters on the line they end', () => {
    expect(lineAt(text, 2)).toBe(1); // \r of the CRLF
    expect(lineAt(text, 3)).toBe(1); // \n of the CRLF
  });

  it('clamps offsets outside the text', () => {
    expect(lineAt(text, -5)).toBe(1);
    expect(lineAt(text, 1000)).toBe(4);
    expect(lineAt('', 3)).toBe(1);
  });

  it('agrees with splitLines on every character', () => {
    const lines = splitLines(text);
    for (let offset = 0; offset < text.length; offset++) {
      const ch = text[offset] ?? '';
      if (ch === '\r' || ch === '\n') continue;
      expect(lines[lineAt(text, offset) - 1]).toContain(ch);
    }
  });
});

describe('stripBom', () => {
  it('removes only a leading byte order mark', () => {
    expect(stripBom('\uFEFF[default]')).toBe('[default]');
    expect(stripBom('a\uFEFF')).toBe('a\uFEFF');
  });
});
