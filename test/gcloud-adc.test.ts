import { describe, expect, it } from 'vitest';
import { scanGcloudCredentials } from '../src/parsers/gcloud-adc.js';
import { ALNUM, BASE64, fakeSecret, leaks } from './helpers/fake-secret.js';

const keyBody = fakeSecret(BASE64, 120, 101);
const privateKey = `-----BEGIN PRIVATE KEY-----\n${keyBody}\n-----END PRIVATE KEY-----\n`;
const refreshToken = `1//${fakeSecret(ALNUM, 60, 102)}`;
const clientSecret = fakeSecret(ALNUM, 24, 103);

describe('scanGcloudCredentials', () => {
  it('reports a service account private key as long-lived, named by its account', () => {
    const text = JSON.stringify(
      {
        type: 'service_account',
        project_id: 'demo',
        private_key_id: 'abc123',
        private_key: privateKey,
        client_email: 'ci@demo.iam.gserviceaccount.com',
      },
      null,
      2,
    );
    const result = scanGcloudCredentials(text);
    expect(result).toEqual({
      sightings: [
        {
          line: 5,
          kind: 'Google service account private key',
          hint: '-----BEGIN PRIVATE KEY-----',
          longLived: true,
          detail: 'service account ci@demo.iam.gserviceaccount.com',
        },
      ],
    });
    expect(leaks(result, keyBody)).toBe(false);
  });

  it('reports an authorized_user refresh token', () => {
    const text = `{\n  "client_id": "x.apps.googleusercontent.com",\n  "client_secret": "${clientSecret}",\n  "refresh_token": "${refreshToken}",\n  "type": "authorized_user"\n}\n`;
    const result = scanGcloudCredentials(text);
    expect(result.sightings).toEqual([
      { line: 4, kind: 'Google OAuth refresh token (authorized_user)', hint: `…${refreshToken.slice(-2)}`, longLived: true },
    ]);
    expect(leaks(result, refreshToken) || leaks(result, clientSecret)).toBe(false);
  });

  it('reports the user credentials nested in an impersonation config', () => {
    const text = JSON.stringify(
      {
        type: 'impersonated_service_account',
        service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/x:generateAccessToken',
        source_credentials: { type: 'authorized_user', refresh_token: refreshToken },
      },
      null,
      2,
    );
    const result = scanGcloudCredentials(text);
    expect(result.sightings.map((s) => s.line)).toEqual([6]);
    expect(leaks(result, refreshToken)).toBe(false);
  });

  it('reports nothing for workload identity federation', () => {
    const text = JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
      credential_source: { file: '/var/run/token' },
    });
    expect(scanGcloudCredentials(text)).toEqual({ sightings: [] });
  });

  it('returns an error marker for malformed JSON and does not throw on garbage', () => {
    const result = scanGcloudCredentials(`{"type": "authorized_user", "refresh_token": "${refreshToken}",`);
    expect(result.error).toMatch(/^invalid JSON/);
    expect(leaks(result, refreshToken)).toBe(false);
    for (const garbage of ['', '[]', '{"type": 5}', '{"type":"service_account"}', '\u0000']) {
      expect(scanGcloudCredentials(garbage).sightings).toEqual([]);
    }
  });
});
