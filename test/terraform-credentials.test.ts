import { describe, expect, it } from 'vitest';
import { scanTerraformCredentials } from '../src/parsers/terraform-credentials.js';
import { ALNUM, fakeSecret, leaks } from './helpers/fake-secret.js';

const token = `${fakeSecret(ALNUM, 14, 81)}.atlasv1.${fakeSecret(ALNUM, 64, 82)}`;
const other = fakeSecret(ALNUM, 40, 83);
const KIND = 'Terraform registry API token';

describe('scanTerraformCredentials: credentials.tfrc.json', () => {
  it('reports each host token at the line of its key', () => {
    const text = JSON.stringify({ credentials: { 'app.terraform.io': { token }, 'tfe.example.com': { token: other }, 'x.io': {} } }, null, 2);
    const result = scanTerraformCredentials(text);
    expect(result).toEqual({
      sightings: [
        { line: 4, kind: KIND, hint: `…${token.slice(-2)}`, longLived: true, detail: 'host app.terraform.io' },
        { line: 7, kind: KIND, hint: `…${other.slice(-2)}`, longLived: true, detail: 'host tfe.example.com' },
      ],
    });
    expect(leaks(result, token) || leaks(result, other)).toBe(false);
  });

  it('returns an error marker for malformed JSON', () => {
    const result = scanTerraformCredentials(`{"credentials": {"app.terraform.io": {"token": "${token}"`);
    expect(result.error).toMatch(/^invalid JSON at line 1/);
    expect(leaks(result, token)).toBe(false);
  });
});

describe('scanTerraformCredentials: .terraformrc', () => {
  it('reads multi-line and one-line credentials blocks', () => {
    const text = [
      '# CLI config',
      'plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"',
      'credentials "app.terraform.io" {',
      `  token = "${token}"`,
      '}',
      `credentials "tfe.example.com" { token = "${other}" }`,
      'credentials_helper "example" {',
      '  args = []',
      '}',
      `// credentials "old.example.com" { token = "${other}" }`,
      'credentials "empty.example.com" {',
      '}',
    ].join('\n');
    const result = scanTerraformCredentials(text);
    expect(result.sightings.map((s) => [s.line, s.detail, s.kind])).toEqual([
      [4, 'host app.terraform.io', KIND],
      [6, 'host tfe.example.com', KIND],
    ]);
    expect(leaks(result, token) || leaks(result, other)).toBe(false);
  });

  it('ignores a token outside a credentials block', () => {
    for (const text of [`token = "${token}"\n`, `credentials "a.example.com" {\n}\ntoken = "${token}"\n`]) {
      const result = scanTerraformCredentials(text);
      expect(result.sightings).toEqual([]);
      expect(leaks(result, token)).toBe(false);
    }
  });

  it('does not throw on garbage', () => {
    for (const garbage of ['', 'credentials', 'credentials "x" {', '}}}}', 'credentials "x" { token = "unterminated', '\u0000']) {
      expect(scanTerraformCredentials(garbage).sightings).toEqual([]);
    }
  });
});
