import { describe, expect, it } from 'vitest';
import { findTokens, hintForValue, shapeOfValue, TOKEN_SHAPES } from '../src/secrets/token-shapes.js';
import { ALNUM, fakeSecret, leaks, UPPER_BASE32, WORD } from './helpers/fake-secret.js';

const samples: Record<string, string> = {
  'aws-access-key-id': `AKIA${fakeSecret(UPPER_BASE32, 16, 1)}`,
  'aws-temporary-access-key-id': `ASIA${fakeSecret(UPPER_BASE32, 16, 2)}`,
  'github-pat': `ghp_${fakeSecret(ALNUM, 36, 3)}`,
  'github-fine-grained-pat': `github_pat_${fakeSecret(WORD, 82, 4)}`,
  'github-oauth': `gho_${fakeSecret(ALNUM, 36, 5)}`,
  'github-app-user-token': `ghu_${fakeSecret(ALNUM, 36, 6)}`,
  'github-app-installation-token': `ghs_${fakeSecret(ALNUM, 36, 7)}`,
  'github-refresh-token': `ghr_${fakeSecret(ALNUM, 36, 8)}`,
  'anthropic-api-key': `sk-ant-api03-${fakeSecret(`${WORD}-`, 93, 9)}AA`,
  'anthropic-admin-key': `sk-ant-admin01-${fakeSecret(`${WORD}-`, 93, 10)}AA`,
  'openai-api-key': `sk-proj-${fakeSecret(WORD, 40, 11)}T3BlbkFJ${fakeSecret(WORD, 40, 12)}`,
  'openai-legacy-api-key': `sk-${fakeSecret(ALNUM, 20, 13)}T3BlbkFJ${fakeSecret(ALNUM, 20, 14)}`,
  'slack-token': `xoxb-${fakeSecret('0123456789', 12, 15)}-${fakeSecret(ALNUM, 24, 16)}`,
  'gitlab-pat': `glpat-${fakeSecret(WORD, 20, 17)}`,
  'npm-access-token': `npm_${fakeSecret(ALNUM, 36, 18)}`,
};

describe('TOKEN_SHAPES', () => {
  it('has unique ids and a sample for every secret shape', () => {
    const ids = TOKEN_SHAPES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id !== 'private-key').sort()).toEqual(Object.keys(samples).sort());
  });
});

describe('findTokens', () => {
  for (const [id, token] of Object.entries(samples)) {
    it(`finds ${id} inside a line and hints at it without the value`, () => {
      const line = `export VALUE="${token}" # set by hand`;
      const found = findTokens(line);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ shapeId: id, column: line.indexOf(token) + 1 });
      expect(found[0]?.hint).toMatch(/…/);
      expect(found[0]?.hint.endsWith(token.slice(-4))).toBe(true);
      expect(leaks(found, token)).toBe(false);
    });
  }

  it('tells long-lived from temporary credentials', () => {
    const longLived = (id: string) => findTokens(samples[id] ?? '')[0]?.longLived;
    expect(longLived('aws-access-key-id')).toBe(true);
    expect(longLived('aws-temporary-access-key-id')).toBe(false);
    expect(longLived('github-app-installation-token')).toBe(false);
    expect(longLived('github-pat')).toBe(true);
  });

  it('labels both AWS key id kinds as AWS access key IDs with their public prefix', () => {
    const found = findTokens(`${samples['aws-access-key-id']} ${samples['aws-temporary-access-key-id']}`);
    expect(found.map((f) => f.kind)).toEqual(['AWS access key ID', 'AWS access key ID']);
    expect(found.map((f) => f.hint.slice(0, 5))).toEqual(['AKIA…', 'ASIA…']);
  });

  it('reports several tokens in column order', () => {
    const line = `${samples['npm-access-token']} and ${samples['github-pat']}`;
    expect(findTokens(line).map((f) => [f.shapeId, f.column])).toEqual([
      ['npm-access-token', 1],
      ['github-pat', line.indexOf('ghp_') + 1],
    ]);
  });

  it('shows a private key header as is, since it holds no secret', () => {
    const found = findTokens('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(found).toEqual([
      { shapeId: 'private-key', kind: 'Private key', longLived: true, hint: '-----BEGIN OPENSSH PRIVATE KEY-----', column: 1 },
    ]);
    expect(findTokens('-----BEGIN PUBLIC KEY-----')).toEqual([]);
  });

  it('ignores near misses', () => {
    const nearMisses = [
      `AKIA${fakeSecret(UPPER_BASE32, 15)}`, // too short
      `AKIA${fakeSecret(UPPER_BASE32, 15)}1`, // 1 is not base32
      `XAKIA${fakeSecret(UPPER_BASE32, 16)}`, // no word boundary
      `ghp_${fakeSecret(ALNUM, 35)}`,
      `sk-ant-api03-${fakeSecret(WORD, 94)}AA`,
      `sk-proj-${fakeSecret(WORD, 40)}`, // no T3BlbkFJ marker
      'xoxb-short',
      `glpat-${fakeSecret(WORD, 19)}`,
      `npm_${fakeSecret(ALNUM, 37)}`,
      'TOKENIZERS_PARALLELISM=false',
      '',
    ];
    for (const line of nearMisses) expect(findTokens(line), line).toEqual([]);
  });

  it('does not keep regex state between calls', () => {
    const line = `a ${samples['github-pat']}`;
    expect(findTokens(line)).toHaveLength(1);
    expect(findTokens(line)).toHaveLength(1);
  });
});

describe('shapeOfValue and hintForValue', () => {
  it('recognises a whole value and keeps its prefix in the hint', () => {
    const token = samples['github-pat'] ?? '';
    expect(shapeOfValue(` ${token} `)?.id).toBe('github-pat');
    expect(hintForValue(token)).toBe(`ghp_…${token.slice(-4)}`);
  });

  it('does not treat a prefix alone as a shape (an unshaped value keeps no prefix)', () => {
    const value = `AKIA-${fakeSecret(ALNUM, 30)}`;
    expect(shapeOfValue(value)).toBeUndefined();
    expect(hintForValue(value)).toBe(`…${value.slice(-2)}`);
  });

  it('names the PEM header of an embedded private key', () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${fakeSecret(ALNUM, 64)}\n-----END RSA PRIVATE KEY-----\n`;
    expect(hintForValue(pem)).toBe('-----BEGIN RSA PRIVATE KEY-----');
  });
});
