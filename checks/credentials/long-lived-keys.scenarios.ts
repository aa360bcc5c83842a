import { defineScenarios, endpoint, fakeSecrets } from '../scenario-kit.js';

const { awsKeyId, awsTempKeyId, awsSecret, github, npm } = fakeSecrets;
const dockerAuth = () => Buffer.from(`alice:${github()}`).toString('base64');

export default defineScenarios('credentials.long-lived-keys', [
  {
    name: 'linux: SSO profiles, a credential helper and env-referenced npm token pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.aws/config': { mode: '0600', uid: 1000, gid: 1000, content: '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start/#\n' },
      '/home/alice/.docker/config.json': { mode: '0600', uid: 1000, gid: 1000, content: '{ "auths": { "ghcr.io": {} }, "credsStore": "secretservice" }\n' },
      '/home/alice/.npmrc': { mode: '0600', uid: 1000, gid: 1000, content: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' },
      '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: `[tmp]\naws_access_key_id = ${awsTempKeyId()}\naws_secret_access_key = ${awsSecret()}\naws_session_token = FwoGZXIvYXdzEBYaDH\n` },
    }),
    expect: { status: 'pass', message: /no long-lived static credentials in 4 credential file/ },
  },
  {
    name: 'linux: AKIA keys, a docker auth, an npm token and git-credentials fail',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: `# work\n[default]\naws_access_key_id = ${awsKeyId()}\naws_secret_access_key = ${awsSecret()}\n` },
      '/home/alice/.docker/config.json': { mode: '0600', uid: 1000, gid: 1000, content: `{\n  "auths": {\n    "registry.example.com": { "auth": "${dockerAuth()}" }\n  }\n}\n` },
      '/home/alice/.npmrc': { mode: '0600', uid: 1000, gid: 1000, content: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${npm()}\n` },
      '/home/alice/.git-credentials': { mode: '0600', uid: 1000, gid: 1000, content: `https://alice:${github()}@github.com\n` },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.aws/credentials', line: 3, subject: 'alice', message: /AKIA…/, actions: ['manual'] },
        { path: '/home/alice/.aws/credentials', line: 4 },
        { path: '/home/alice/.docker/config.json', line: 3, message: 'registry.example.com' },
        { path: '/home/alice/.npmrc', line: 2, message: 'npm' },
        { path: '/home/alice/.git-credentials', line: 1, message: 'github.com' },
      ],
    },
  },
  {
    name: 'linux: a store the baseline accepts is not reported',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.git-credentials': { mode: '0600', uid: 1000, gid: 1000, content: `https://alice:${github()}@github.com\n` },
    }),
    params: { allowedStores: ['git-credentials'] },
    expect: { status: 'pass' },
  },
  {
    name: 'linux: a long-lived key in the environment of the scan fails',
    platform: 'linux',
    endpoint: endpoint('linux', {}, { currentUser: 'alice', env: { AWS_ACCESS_KEY_ID: awsKeyId(), HOME: '/home/alice' } }),
    expect: { status: 'fail', findings: [{ subject: 'alice', message: 'environment variable AWS_ACCESS_KEY_ID' }] },
  },
  {
    name: 'darwin: gh in the keychain passes',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.config/gh/hosts.yml': { mode: '0600', uid: 501, gid: 20, content: 'github.com:\n    git_protocol: https\n    users:\n        alice:\n    user: alice\n' },
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: gh oauth_token in hosts.yml and a service-account key fail',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.config/gh/hosts.yml': { mode: '0600', uid: 501, gid: 20, content: `github.com:\n    oauth_token: ${github()}\n    user: alice\n` },
      '/Users/alice/.config/gcloud/application_default_credentials.json': {
        mode: '0600',
        uid: 501,
        gid: 20,
        content: '{\n  "type": "service_account",\n  "project_id": "demo",\n  "private_key_id": "0123",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "svc@demo.iam.gserviceaccount.com"\n}\n',
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/.config/gh/hosts.yml', line: 2, message: 'github.com' },
        { path: '/Users/alice/.config/gcloud/application_default_credentials.json', subject: 'alice' },
      ],
    },
  },
  {
    name: 'win32: terraform credentials helper passes',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\AppData\\Roaming\\terraform.rc': { content: 'credentials_helper "corp" {\n  args = []\n}\n' },
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: terraform token and pgpass password in AppData fail',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\AppData\\Roaming\\terraform.d\\credentials.tfrc.json': { content: '{\n  "credentials": {\n    "app.terraform.io": {\n      "token": "aB3dE5gH7jK9mN1p.atlasv1.Q3sT5vW7yZ9bC1dE3fG5hJ7kL9"\n    }\n  }\n}\n' },
      'C:\\Users\\alice\\AppData\\Roaming\\postgresql\\pgpass.conf': { content: 'db.internal:5432:app:alice:S3cr3t-Passw0rd!\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\AppData\\Roaming\\terraform.d\\credentials.tfrc.json', line: 4, message: 'app.terraform.io' },
        { path: 'C:\\Users\\alice\\AppData\\Roaming\\postgresql\\pgpass.conf', line: 1 },
      ],
    },
  },
]);
