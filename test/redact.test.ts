import { describe, expect, it } from 'vitest';
import { redactedHint } from '../src/secrets/redact.js';
import { ALNUM, fakeSecret, UPPER_BASE32 } from './helpers/fake-secret.js';

describe('redactedHint', () => {
  it('keeps the public prefix and the last 4 characters', () => {
    const key = `AKIA${fakeSecret(UPPER_BASE32, 16)}`;
    expect(redactedHint(key, 'AKIA')).toBe(`AKIA…${key.slice(-4)}`);
    const pat = `ghp_${fakeSecret(ALNUM, 36)}`;
    expect(redactedHint(pat, 'ghp_')).toBe(`ghp_…${pat.slice(-4)}`);
  });

  it('shows at most the last 2 characters without a known prefix', () => {
    const secret = fakeSecret(ALNUM, 40);
    expect(redactedHint(secret)).toBe(`…${secret.slice(-2)}`);
    expect(redactedHint(secret, 'nope_')).toBe(`…${secret.slice(-2)}`);
  });

  it('shows at most 2 characters for values shorter than 12, and none below 8', () => {
    expect(redactedHint('AKIAabcdefg', 'AKIA')).toBe('…fg');
    expect(redactedHint('hunter22')).toBe('…22');
    expect(redactedHint('hunter2')).toBe('…');
    expect(redactedHint('')).toBe('…');
  });

  it('never shows the whole rest after a prefix', () => {
    expect(redactedHint('sk-ant-api03-abcd', 'sk-ant-api03-')).toBe('…cd');
  });

  it('never reveals more than 4 characters beyond the prefix', () => {
    for (let seed = 1; seed < 200; seed++) {
      const length = seed % 50;
      const value = `xoxb-${fakeSecret(ALNUM, length, seed)}`;
      const hint = redactedHint(value, 'xoxb-');
      const revealed = hint.replace(/^xoxb-/, '').replace('…', '');
      expect(revealed.length).toBeLessThanOrEqual(4);
      expect(value.endsWith(revealed)).toBe(true);
      if (length > 4) expect(hint).not.toBe(value);
    }
  });
});
