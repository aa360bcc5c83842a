import { describe, expect, it } from 'vitest';
import { scanNetrc } from '../src/parsers/netrc.js';
import { ALNUM, fakeSecret, leaks } from './helpers/fake-secret.js';

const first = fakeSecret(ALNUM, 20, 61);
const second = `${fakeSecret(ALNUM, 6, 62)} ${fakeSecret(ALNUM, 6, 63)}`;
const macroWord = fakeSecret(ALNUM, 20, 64);
const third = fakeSecret(ALNUM, 12, 65);
const fourth = fakeSecret(ALNUM, 5, 66);

describe('scanNetrc', () => {
  const text = [
    `machine api.example.com login bob password ${first}`,
    'machine git.example.com',
    '  login alice',
    `  password "${second}"`,
    'macdef init',
    'cd /pub',
    `password ${macroWord}`,
    '',
    `default login anonymous password ${third}`,
    '# machine commented.example.com password x',
    'machine split.example.com login carol password',
    `  ${fourth}`,
  ].join('\n');

  it('reports each password with the line of its value and its machine', () => {
    const result = scanNetrc(text);
    expect(result.sightings.map((s) => [s.line, s.detail])).toEqual([
      [1, 'machine api.example.com'],
      [4, 'machine git.example.com'],
      [9, 'default'],
      [12, 'machine split.example.com'],
    ]);
    expect(result.sightings.every((s) => s.kind === 'netrc password (plaintext)' && s.longLived)).toBe(true);
    expect(result.sightings[3]?.hint).toBe('…'); // too short to show anything
    for (const secret of [first, second, macroWord, third, fourth]) expect(leaks(result, secret)).toBe(false);
  });

  it('skips macro bodies up to the blank line', () => {
    const result = scanNetrc(`macdef x\npassword ${macroWord}\n`);
    expect(result.sightings).toEqual([]);
    expect(leaks(result, macroWord)).toBe(false);
  });

  it('does not throw on garbage', () => {
    for (const garbage of ['', 'password', 'machine', '"unclosed', 'macdef', '\u0000 password \u0000']) {
      expect(() => scanNetrc(garbage)).not.toThrow();
    }
    expect(scanNetrc('password').sightings).toEqual([]);
  });
});
