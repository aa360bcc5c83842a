import { describe, expect, it } from 'vitest';
import { scanDockerConfig } from '../src/parsers/docker-config.js';
import { ALNUM, fakeSecret, leaks } from './helpers/fake-secret.js';

const auth = Buffer.from(`robot:${fakeSecret(ALNUM, 24, 31)}`).toString('base64');
const otherAuth = Buffer.from(`ci:${fakeSecret(ALNUM, 24, 32)}`).toString('base64');
const identityToken = fakeSecret(ALNUM, 48, 33);

describe('scanDockerConfig', () => {
  it('reports plaintext auth and identity tokens at the line of their key', () => {
    const text = JSON.stringify(
      {
        auths: {
          'https://index.docker.io/v1/': { auth },
          'ghcr.io': { auth: otherAuth },
          'myregistry.azurecr.io': { identitytoken: identityToken },
          'quay.io': {},
        },
      },
      null,
      2,
    );
    const result = scanDockerConfig(text);
    expect(result).toEqual({
      sightings: [
        {
          line: 4,
          kind: 'Docker registry credential (base64 user:password)',
          hint: `…${auth.slice(-2)}`,
          longLived: true,
          detail: 'registry https://index.docker.io/v1/',
        },
        { line: 7, kind: 'Docker registry credential (base64 user:password)', hint: `…${otherAuth.slice(-2)}`, longLived: true, detail: 'registry ghcr.io' },
        { line: 10, kind: 'Docker registry identity token', hint: `…${identityToken.slice(-2)}`, longLived: true, detail: 'registry myregistry.azurecr.io' },
      ],
    });
    for (const secret of [auth, otherAuth, identityToken]) expect(leaks(result, secret)).toBe(false);
    expect(leaks(result, 'robot')).toBe(false);
  });

  it('reports nothing when a credsStore keeps the secrets', () => {
    const text = JSON.stringify({ auths: { 'ghcr.io': { auth } }, credsStore: 'desktop' });
    const result = scanDockerConfig(text);
    expect(result).toEqual({ sightings: [] });
    expect(leaks(result, auth)).toBe(false);
  });

  it('skips registries that have a credential helper, matching URL and host forms', () => {
    const text = JSON.stringify({
      auths: { 'https://index.docker.io/v1/': { auth }, 'ghcr.io': { auth: otherAuth } },
      credHelpers: { 'index.docker.io': 'osxkeychain', 'ghcr.io': '' },
    });
    const result = scanDockerConfig(text);
    expect(result.sightings.map((s) => s.detail)).toEqual(['registry ghcr.io']);
    expect(leaks(result, otherAuth)).toBe(false);
  });

  it('ignores empty and placeholder values', () => {
    const text = JSON.stringify({ auths: { a: { auth: '' }, b: { auth: 'xxxxxxxx' }, c: { auth: 42 }, d: 'nope' } });
    expect(scanDockerConfig(text)).toEqual({ sightings: [] });
  });

  it('returns an error marker for malformed JSON, still without the secret', () => {
    const text = `{\n  "auths": {\n    "ghcr.io": { "auth": "${auth}" },\n  }\n`;
    const result = scanDockerConfig(text);
    expect(result.error).toMatch(/^invalid JSON at line \d+/);
    expect(leaks(result, auth)).toBe(false);
  });

  it('does not throw on other garbage', () => {
    for (const garbage of ['', 'null', '[]', '"auths"', '{"auths": []}', '{"auths": {"x": null}}', '\u0000']) {
      expect(scanDockerConfig(garbage).sightings).toEqual([]);
    }
    expect(scanDockerConfig('').error).toBeDefined();
  });
});
