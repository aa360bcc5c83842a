import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeSecrets } from '../checks/scenario-kit.js';
import { runCli, type CliRun } from './support/cli.js';
import { reportSchemaErrors } from './support/report-schema.js';

// Canary secrets planted in every store the tool reads, including files it cannot parse: no output,
// log line, report file or error message may carry any of them.
const canaries = {
  aws: fakeSecrets.awsKeyId(),
  awsSecret: fakeSecrets.awsSecret(),
  github: fakeSecrets.github(),
  anthropic: fakeSecrets.anthropic(),
  npm: fakeSecrets.npm(),
  slack: fakeSecrets.slack(),
  password: 'canary-Pa55w0rd-Zx81',
};

function plantImage(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cowork-canary-'));
  const put = (rel: string, content: string, mode = 0o644) => {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, mode);
  };
  put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nclaude:x:1001:1001::/home/claude:/bin/sh\n');
  put('etc/group', 'root:x:0:\nalice:x:1000:\nclaude:x:1001:\n');
  put('etc/hostname', 'canary-image\n');
  put('etc/environment', `SLACK_TOKEN=${canaries.slack}\n`);
  put('home/alice/.aws/credentials', `[default]\naws_access_key_id = ${canaries.aws}\naws_secret_access_key = ${canaries.awsSecret}\n`);
  put('home/alice/.bashrc', `export ANTHROPIC_API_KEY=${canaries.anthropic}\nexport DB_PASSWORD='${canaries.password}'\n`);
  put('home/alice/.npmrc', `//registry.npmjs.org/:_authToken=${canaries.npm}\n`);
  put('home/alice/.git-credentials', `https://alice:${canaries.github}@github.com\n`);
  put('home/alice/.netrc', `machine api.example.com login alice password ${canaries.password}\n`);
  put('home/alice/.pgpass', `db:5432:app:alice:${canaries.password}\n`);
  // Broken files: parsers must fail without quoting their input.
  put('home/alice/.docker/config.json', `{ "auths": { "r.example.com": { "auth": "${canaries.github}" , } `);
  put('home/alice/.config/gh/hosts.yml', `github.com:\n  oauth_token: ${canaries.github}\n   bad: [indent\n`);
  put('home/alice/.kube/config', `users:\n- name: a\n  user:\n    token: ${canaries.slack}\n  - broken\n`);
  put('home/alice/.terraform.d/credentials.tfrc.json', `{"credentials": {"app.terraform.io": {"token": "${canaries.password}"`);
  put('home/alice/.config/gcloud/application_default_credentials.json', `{"type": "authorized_user", "refresh_token": "${canaries.password}",`);
  return root;
}

function assertNoCanary(label: string, text: string): void {
  for (const [name, value] of Object.entries(canaries)) {
    expect(text.includes(value), `${label} leaks the ${name} canary`).toBe(false);
  }
}

describe('no secret value leaves the process', () => {
  const root = plantImage();
  const out = mkdtempSync(path.join(tmpdir(), 'cowork-canary-out-'));
  const runs: [string, CliRun][] = [
    ['table --verbose', runCli(['scan', '--root', root, '--verbose', '--format', 'table'])],
    ['json to stdout', runCli(['scan', '--root', root, '--format', 'json', '--output', '-'])],
    ['json and table to a folder', runCli(['scan', '--root', root, '--format', 'table,json', '--output', out, '--verbose'])],
    ['strict baseline', runCli(['scan', '--root', root, '--baseline', 'strict', '--format', 'json', '--output', '-'])],
    ['--user alice', runCli(['scan', '--root', root, '--user', 'alice', '--format', 'json', '--output', '-'])],
  ];

  it.each(runs)('%s: stdout and stderr carry no canary, and the scan found the planted secrets', (_label, run) => {
    assertNoCanary('stdout', run.stdout);
    assertNoCanary('stderr', run.stderr);
    expect(run.code).toBe(1);
  });

  it('report files carry no canary and the JSON report is valid', () => {
    for (const name of readdirSync(out)) assertNoCanary(name, readFileSync(path.join(out, name), 'utf8'));
    const report = JSON.parse(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8')) as { results: { checkId: string; status: string; findings: { message: string }[] }[] };
    expect(reportSchemaErrors(report)).toEqual([]);
    const byId = new Map(report.results.map((result) => [result.checkId, result]));
    expect(byId.get('credentials.long-lived-keys')?.status).toBe('fail');
    expect(byId.get('credentials.secrets-in-shell-profiles')?.status).toBe('fail');
    const messages = byId.get('credentials.long-lived-keys')?.findings.map((finding) => finding.message).join('\n') ?? '';
    // The hint shows the public prefix and the last 4 characters, never more.
    expect(messages).toContain(`AKIA…${canaries.aws.slice(-4)}`);
    expect(messages).toMatch(/could not fully read|\.docker\/config\.json/);
  });

  it('a baseline error quoting a secret-shaped value does not echo it', () => {
    const baseline = path.join(out, 'leaky.yaml');
    writeFileSync(baseline, `id: leaky\nparams:\n  agentUser: ${canaries.github}\nchecks:\n  ${canaries.aws}: {}\n`);
    const run = runCli(['baseline', 'validate', baseline]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('leaky.yaml:5');
    assertNoCanary('baseline error', run.stderr + run.stdout);
  });
});
