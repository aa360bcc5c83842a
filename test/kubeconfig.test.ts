import { describe, expect, it } from 'vitest';
import { scanKubeconfig } from '../src/parsers/kubeconfig.js';
import { ALNUM, BASE64, fakeSecret, leaks } from './helpers/fake-secret.js';

const token = `eyJ${fakeSecret(ALNUM, 80, 111)}`;
const keyData = fakeSecret(BASE64, 200, 112);
const password = fakeSecret(ALNUM, 14, 113);

describe('scanKubeconfig', () => {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: []',
    'users:',
    '- name: sa-deployer',
    '  user:',
    `    token: ${token}`,
    '- name: admin',
    '  user:',
    '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
    `    client-key-data: ${keyData}`,
    '- name: basic',
    '  user:',
    '    username: admin',
    `    password: "${password}"`,
    '- name: eks',
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    '      command: aws',
    '- name: gke-legacy',
    '  user:',
    '    auth-provider:',
    '      name: gcp',
    '- name: files',
    '  user:',
    '    client-key: /home/me/.kube/client.key',
    '    tokenFile: /var/run/secrets/token',
    '',
  ].join('\n');

  it('reports embedded tokens, keys and passwords per user, not exec or auth-provider', () => {
    const result = scanKubeconfig(text);
    expect(result).toEqual({
      sightings: [
        { line: 7, kind: 'Kubernetes bearer token', hint: `…${token.slice(-2)}`, longLived: true, detail: 'user sa-deployer' },
        { line: 11, kind: 'Kubernetes client private key (embedded)', hint: `…${keyData.slice(-2)}`, longLived: true, detail: 'user admin' },
        { line: 15, kind: 'Kubernetes basic-auth password', hint: `…${password.slice(-2)}`, longLived: true, detail: 'user basic' },
      ],
    });
    for (const secret of [token, keyData, password]) expect(leaks(result, secret)).toBe(false);
  });

  it('returns an error marker for malformed YAML', () => {
    const result = scanKubeconfig(`users:\n- name: x\n  user:\n    token: ${token}\n  bad: : [\n`);
    expect(result.error).toMatch(/^invalid YAML at line \d+/);
    expect(leaks(result, token)).toBe(false);
  });

  it('does not throw on garbage', () => {
    for (const garbage of ['', 'users: 5', 'users: [1, null, {user: 3}]', '- a', '\u0000', 'users:\n- user:\n    token: ""']) {
      expect(scanKubeconfig(garbage).sightings).toEqual([]);
    }
  });
});
