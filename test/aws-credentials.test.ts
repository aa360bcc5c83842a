import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanAwsFile } from '../src/parsers/aws-credentials.js';
import { BASE64, fakeSecret, leaks, UPPER_BASE32 } from './helpers/fake-secret.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const awsCorpus = path.resolve(repoRoot, '../shared/corpus/aws');

const keyId = `AKIA${fakeSecret(UPPER_BASE32, 16, 21)}`;
const tempKeyId = `ASIA${fakeSecret(UPPER_BASE32, 16, 22)}`;
const secretKey = fakeSecret(BASE64, 40, 23);
const tempSecretKey = fakeSecret(BASE64, 40, 24);
const sessionToken = fakeSecret(BASE64, 300, 25);
const allSecrets = [keyId, tempKeyId, secretKey, tempSecretKey, sessionToken];

function expectNoLeak(result: unknown): void {
  for (const secret of allSecrets) expect(leaks(result, secret)).toBe(false);
}

describe('scanAwsFile', () => {
  it('reports a long-lived key pair with lines, hints and the section', () => {
    const text = ['[default]', `aws_access_key_id = ${keyId}`, `aws_secret_access_key = ${secretKey}`, 'region = eu-west-1', ''].join('\n');
    const result = scanAwsFile(text);
    expect(result).toEqual({
      sightings: [
        { line: 2, kind: 'AWS access key ID', hint: `AKIA…${keyId.slice(-4)}`, longLived: true, detail: 'section [default]' },
        { line: 3, kind: 'AWS secret access key', hint: `…${secretKey.slice(-2)}`, longLived: true, detail: 'section [default]' },
      ],
    });
    expectNoLeak(result);
  });

  it('marks STS credentials (ASIA id, session token) as temporary', () => {
    const text = [
      '[temp]',
      `aws_access_key_id=${tempKeyId}`,
      `aws_secret_access_key=${tempSecretKey}`,
      `aws_session_token=${sessionToken}`,
    ].join('\r\n');
    const result = scanAwsFile(text);
    expect(result.sightings.map((s) => [s.line, s.kind, s.longLived])).toEqual([
      [2, 'AWS access key ID', false],
      [3, 'AWS secret access key', false],
      [4, 'AWS session token', false],
    ]);
    expect(result.sightings[0]?.hint.startsWith('ASIA…')).toBe(true);
    expectNoLeak(result);
  });

  it('takes the session token from a repeated section of the same name', () => {
    const text = `[p]\naws_secret_access_key = ${secretKey}\n[other]\nregion = x\n[p]\naws_session_token = ${sessionToken}\n`;
    const result = scanAwsFile(text);
    expect(result.sightings.map((s) => s.longLived)).toEqual([false, false]);
    expectNoLeak(result);
  });

  it('reads keys the AWS CLI reads: any case, `:` delimiter, before any section', () => {
    const text = `AWS_SECRET_ACCESS_KEY = ${secretKey}\n[profile ci]\naws_access_key_id: ${keyId}\n`;
    const result = scanAwsFile(text);
    expect(result.sightings.map((s) => [s.line, s.kind, s.detail])).toEqual([
      [1, 'AWS secret access key', 'before any section'],
      [3, 'AWS access key ID', 'section [profile ci]'],
    ]);
    expectNoLeak(result);
  });

  it('reports nothing for credential_process, SSO and role settings', () => {
    const text = [
      '[profile sso]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Admin',
      '[profile proc]',
      'credential_process = /usr/local/bin/aws-vault exec prod --json',
      '[profile role]',
      'role_arn = arn:aws:iam::111122223333:role/Deploy',
      'source_profile = proc',
      'mfa_serial = arn:aws:iam::111122223333:mfa/alice',
    ].join('\n');
    expect(scanAwsFile(text)).toEqual({ sightings: [] });
  });

  it('skips placeholders, references and empty values', () => {
    const text = [
      '[default]',
      `aws_access_key_id = AKIAIOSFODNN7${'EXAMPLE'}`,
      'aws_secret_access_key = YOUR_SECRET_ACCESS_KEY',
      'aws_session_token =',
      'aws_secret_access_key = ${AWS_SECRET}',
    ].join('\n');
    expect(scanAwsFile(text).sightings).toEqual([]);
  });

  for (const file of readdirSync(awsCorpus)) {
    it(`finds no credential in corpus file ${file}`, () => {
      expect(scanAwsFile(readFileSync(path.join(awsCorpus, file), 'utf8'))).toEqual({ sightings: [] });
    });
  }

  it('does not throw on garbage', () => {
    for (const garbage of ['', '\u0000\u0001', '[[[', '=====', `[x\naws_secret_access_key ${secretKey}`]) {
      const result = scanAwsFile(garbage);
      expect(result.sightings).toEqual([]);
      expectNoLeak(result);
    }
  });
});
