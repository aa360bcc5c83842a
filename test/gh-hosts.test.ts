import { describe, expect, it } from 'vitest';
import { scanGhHosts } from '../src/parsers/gh-hosts.js';
import { ALNUM, fakeSecret, leaks } from './helpers/fake-secret.js';

const token = `gho_${fakeSecret(ALNUM, 36, 41)}`;
const enterpriseToken = fakeSecret(ALNUM, 40, 42);

describe('scanGhHosts', () => {
  it('reports oauth_token under a host and under users.<name>', () => {
    const text = [
      'github.com:',
      '    users:',
      '        octocat:',
      `            oauth_token: ${token}`,
      `    oauth_token: ${token}`,
      '    git_protocol: https',
      '    user: octocat',
      'ghe.example.com:',
      `    oauth_token: "${enterpriseToken}"`,
      '    user: someone',
      '',
    ].join('\n');
    const result = scanGhHosts(text);
    expect(result).toEqual({
      sightings: [
        { line: 4, kind: 'GitHub CLI OAuth token (plaintext hosts.yml)', hint: `gho_…${token.slice(-4)}`, longLived: true, detail: 'host github.com, per-user entry' },
        { line: 5, kind: 'GitHub CLI OAuth token (plaintext hosts.yml)', hint: `gho_…${token.slice(-4)}`, longLived: true, detail: 'host github.com' },
        { line: 9, kind: 'GitHub CLI OAuth token (plaintext hosts.yml)', hint: `…${enterpriseToken.slice(-2)}`, longLived: true, detail: 'host ghe.example.com' },
      ],
    });
    expect(leaks(result, token)).toBe(false);
    expect(leaks(result, enterpriseToken)).toBe(false);
    expect(leaks(result, 'octocat')).toBe(false);
  });

  it('reports nothing for a keyring-backed login', () => {
    const text = 'github.com:\n    users:\n        octocat:\n    git_protocol: ssh\n    user: octocat\n';
    expect(scanGhHosts(text)).toEqual({ sightings: [] });
  });

  it('counts lines of CRLF files', () => {
    const result = scanGhHosts(`# gh\r\ngithub.com:\r\n  user: a\r\n  oauth_token: ${token}\r\n`);
    expect(result.sightings.map((s) => s.line)).toEqual([4]);
    expect(leaks(result, token)).toBe(false);
  });

  it('returns an error marker for malformed YAML without throwing or leaking', () => {
    const result = scanGhHosts(`github.com:\n  oauth_token: ${token}\n bad: [unclosed\n`);
    expect(result.error).toMatch(/^invalid YAML at line \d+/);
    expect(leaks(result, token)).toBe(false);
  });

  it('does not throw on other garbage', () => {
    for (const garbage of ['', '- a\n- b', 'just text', 'github.com: 5', 'github.com:\n  users: [1, 2]', '\u0000']) {
      expect(scanGhHosts(garbage).sightings).toEqual([]);
    }
  });
});
