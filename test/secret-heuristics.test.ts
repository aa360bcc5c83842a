import { describe, expect, it } from 'vitest';
import {
  isLiteralSecretValue,
  isPlaceholderValue,
  isReferenceValue,
  isSecretLikeName,
  lineHoldsSecret,
  stripMatchingQuotes,
} from '../src/secrets/secret-heuristics.js';
import { ALNUM, fakeSecret } from './helpers/fake-secret.js';

describe('isSecretLikeName', () => {
  const secretNames = [
    'OPENAI_API_KEY',
    'GITHUB_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'DB_PASSWORD',
    'SLACK_WEBHOOK_SECRET',
    'ANTHROPIC_AUTH_TOKEN',
    'CLIENT_SECRET',
    'MYSQL_PWD',
    'GITHUB_PAT',
    'TOKEN',
    'apiKey',
    'clientSecret',
    'x-api-key',
    'APIKey',
    'AZURE_SUBSCRIPTION_KEY',
    'GPG_PASSPHRASE',
  ];
  const ordinaryNames = [
    'PATH',
    'TOKENIZERS_PARALLELISM',
    'KEY_BINDINGS',
    'EDITOR',
    'NODE_EXTRA_CA_CERTS',
    'GPG_TTY',
    'HISTSIZE',
    'PWD',
    'OLDPWD',
    'KEY',
    'AWS_ACCESS_KEY_ID',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'SSH_AUTH_SOCK',
    'PASSWORD_STORE_DIR',
    'GITHUB_TOKEN_FILE',
    'MAX_TOKENS',
    'maxTokens',
    'TOKEN_URL',
    'SSH_KEY_PATH',
    'PUBLIC_KEY',
    '',
    '___',
  ];
  for (const name of secretNames) it(`${name} is secret-like`, () => expect(isSecretLikeName(name)).toBe(true));
  for (const name of ordinaryNames) it(`${JSON.stringify(name)} is not`, () => expect(isSecretLikeName(name)).toBe(false));
});

describe('stripMatchingQuotes', () => {
  it('removes one pair of matching quotes only', () => {
    expect(stripMatchingQuotes(' "abc" ')).toBe('abc');
    expect(stripMatchingQuotes("'abc'")).toBe('abc');
    expect(stripMatchingQuotes('"abc\'')).toBe('"abc\'');
    expect(stripMatchingQuotes('"')).toBe('"');
  });
});

describe('isLiteralSecretValue', () => {
  const secret = fakeSecret(ALNUM, 32);

  it('accepts literal values of 8 or more characters, quoted or not', () => {
    expect(isLiteralSecretValue(secret)).toBe(true);
    expect(isLiteralSecretValue(`"${secret}"`)).toBe(true);
    expect(isLiteralSecretValue(`'${secret}'`)).toBe(true);
    expect(isLiteralSecretValue('pa$$w0rd!x')).toBe(true); // `$` inside a password is not a reference
  });

  it('rejects short values', () => {
    expect(isLiteralSecretValue('abc1234')).toBe(false);
    expect(isLiteralSecretValue('"abc1234"')).toBe(false);
  });

  const references = ['$OPENAI_API_KEY', '${OPENAI_API_KEY}', '"${NPM_TOKEN}"', '$(pass show api/key)', '`security find-generic-password -w`', '${input:apiKey}', '${env:GITHUB_TOKEN}', '${localEnv:ANTHROPIC_API_KEY}', '%API_TOKEN_VALUE%', '$env:OPENAI_API_KEY', 'Bearer $API_TOKEN', '{{ secrets.API_TOKEN }}', 'op://vault/item/credential'];
  for (const value of references) {
    it(`treats ${value} as a reference`, () => {
      expect(isReferenceValue(stripMatchingQuotes(value))).toBe(true);
      expect(isLiteralSecretValue(value)).toBe(false);
    });
  }

  const placeholders = ['changeme', 'CHANGE_ME_PLEASE', 'xxxxxxxxxxxx', 'sk-xxxxxxxxxxxxxxxx', '<your-key>', '<YOUR_API_KEY>', 'your_api_key_here', 'YOUR-TOKEN', 'insert-token-here', 'REPLACE_ME', 'replace-me-now', '********', 'aaaaaaaaaaaa', 'sk-ant-...', 'placeholder-token', `AKIAIOSFODNN7${'EXAMPLE'}`, '[token]'];
  for (const value of placeholders) {
    it(`treats ${value} as a placeholder`, () => {
      expect(isPlaceholderValue(value)).toBe(true);
      expect(isLiteralSecretValue(value)).toBe(false);
    });
  }

  it('does not take ordinary secrets for placeholders', () => {
    expect(isPlaceholderValue(secret)).toBe(false);
    expect(isPlaceholderValue('password123')).toBe(false);
  });
});

describe('lineHoldsSecret', () => {
  it.each([
    ['      - GITHUB_TOKEN=' + 'ghp_' + 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc'],
    ['      DB_PASSWORD: Hunter2wqpzmtk'],
    ['  "OPENAI_API_KEY": "s3cr3t-value-1234",'],
    ['docker run -e API_TOKEN=abcdefgh12345678 image'],
    ['    command: --interval 10 --http-api-token demotoken --debug'],
    ['ENV DB_PASSWORD Hunter2wqpzmtk'],
  ])('%s holds a secret', (line) => expect(lineHoldsSecret(line)).toBe(true));

  it.each([
    ['      - GITHUB_TOKEN=${GITHUB_TOKEN}'],
    ['      DB_PASSWORD: ${DB_PASSWORD:-changeme}'],
    ['  "OPENAI_API_KEY": "${input:openai-key}",'],
    ['    privileged: true'],
    ['      - /var/run/docker.sock:/var/run/docker.sock'],
    ['    command: --interval 10 --debug'],
    ['PASSWORD_FILE=/run/secrets/db'],
  ])('%s holds none', (line) => expect(lineHoldsSecret(line)).toBe(false));
});
