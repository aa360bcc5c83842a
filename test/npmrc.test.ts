import { describe, expect, it } from 'vitest';
import { scanNpmrc } from '../src/parsers/npmrc.js';
import { ALNUM, BASE64, fakeSecret, leaks } from './helpers/fake-secret.js';

const npmToken = `npm_${fakeSecret(ALNUM, 36, 51)}`;
const ghToken = `ghp_${fakeSecret(ALNUM, 36, 52)}`;
const basicAuth = fakeSecret(BASE64, 28, 53);
const password = fakeSecret(BASE64, 16, 54);

describe('scanNpmrc', () => {
  const text = [
    'registry=https://registry.npmjs.org/',
    `//registry.npmjs.org/:_authToken=${npmToken}`,
    '//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}',
    `; //old/:_authToken=${npmToken}`,
    `# //older/:_authToken=${npmToken}`,
    `_auth = ${basicAuth}`,
    `//nexus.example.com/repository/npm/:_password="${password}"`,
    `@corp:registry=https://npm.pkg.github.com/`,
    `//npm.pkg.github.com/:_authToken = '${ghToken}'`,
    'always-auth=true',
    '//registry.example.com/:username=alice',
  ].join('\r\n');

  it('reports literal tokens, auth and passwords with their registry', () => {
    const result = scanNpmrc(text);
    expect(result).toEqual({
      sightings: [
        { line: 2, kind: 'npm auth token', hint: `npm_…${npmToken.slice(-4)}`, longLived: true, detail: 'registry //registry.npmjs.org/' },
        { line: 6, kind: 'npm basic auth (base64 user:password)', hint: `…${basicAuth.slice(-2)}`, longLived: true, detail: 'default registry' },
        { line: 7, kind: 'npm password (base64)', hint: `…${password.slice(-2)}`, longLived: true, detail: 'registry //nexus.example.com/repository/npm/' },
        { line: 9, kind: 'npm auth token', hint: `ghp_…${ghToken.slice(-4)}`, longLived: true, detail: 'registry //npm.pkg.github.com/' },
      ],
    });
    for (const secret of [npmToken, ghToken, basicAuth, password]) expect(leaks(result, secret)).toBe(false);
  });

  it('does not throw on garbage', () => {
    for (const garbage of ['', '=', ':_authToken', '_authToken=', '_authToken=short', '\u0000=\u0000']) {
      expect(scanNpmrc(garbage).sightings).toEqual([]);
    }
  });
});
