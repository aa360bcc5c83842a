import { describe, expect, it } from 'vitest';
import { scanGitCredentials } from '../src/parsers/git-credentials.js';
import { ALNUM, fakeSecret, leaks } from './helpers/fake-secret.js';

const pat = `ghp_${fakeSecret(ALNUM, 36, 71)}`;
const password = `${fakeSecret(ALNUM, 10, 72)}/+@`;

describe('scanGitCredentials', () => {
  it('reports each URL with a password, naming only the host', () => {
    const text = [
      `https://octocat:${pat}@github.com`,
      '',
      `https://build-bot:${encodeURIComponent(password)}@gitlab.example.com:8443/group/repo.git`,
      'https://only-user@example.org',
      'not a url',
      `# https://old:${pat}@github.com`,
    ].join('\n');
    const result = scanGitCredentials(text);
    expect(result).toEqual({
      sightings: [
        { line: 1, kind: 'Git credential (plaintext)', hint: `ghp_…${pat.slice(-4)}`, longLived: true, detail: 'host github.com' },
        { line: 3, kind: 'Git credential (plaintext)', hint: `…${password.slice(-2)}`, longLived: true, detail: 'host gitlab.example.com:8443' },
      ],
    });
    for (const secret of [pat, password, encodeURIComponent(password)]) expect(leaks(result, secret)).toBe(false);
    expect(leaks(result, 'octocat')).toBe(false);
    expect(leaks(result, 'build-bot')).toBe(false);
  });

  it('does not throw on garbage or a bad percent escape', () => {
    expect(scanGitCredentials('https://u:%E0%A4%A@host\n::::\n\u0000').sightings.map((s) => s.detail)).toEqual(['host host']);
    expect(scanGitCredentials('').sightings).toEqual([]);
  });
});
