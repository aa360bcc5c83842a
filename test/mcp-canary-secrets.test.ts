import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeSecrets } from '../checks/scenario-kit.js';
import { runCli, type CliRun } from './support/cli.js';

// Mirrors test/canary-secrets.test.ts for MCP configurations and editor settings: canaries planted in MCP
// env blocks, headers, arguments and URLs (of every client's file format), in editor settings and in
// files that do not parse, must not appear in any report format (json, sarif, junit, md, html, ndjson,
// table) nor on stdout or stderr, while the scan still reports the secrets (by redacted hint).
const canaries = {
  github: fakeSecrets.github(),
  anthropic: fakeSecrets.anthropic(),
  slack: fakeSecrets.slack(),
  npm: fakeSecrets.npm(),
  aws: fakeSecrets.awsKeyId(),
  password: 'canary-Pa55w0rd-Zx81',
  bearer: 'canary-Bearer-Qx7Lm2Vb',
  query: 'canaryQueryKey9Zt4Wq',
  arg: 'canary-Arg-K3y-77Rt',
  dbPassword: 'canary-Db-Pw-5Ks9Lx',
};

function put(root: string, rel: string, content: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** The project files a repository carries (also used as alice's project in the image). */
function plantProject(root: string, prefix: string): void {
  put(root, `${prefix}.mcp.json`, JSON.stringify({
    mcpServers: {
      gh: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: canaries.github, DB_PASSWORD: canaries.password } },
      remote: { type: 'sse', url: `http://mcp.corp.example/sse?apiKey=${canaries.query}`, headers: { Authorization: `Bearer ${canaries.bearer}` } },
      db: { command: 'uvx', args: ['postgres-mcp', '--api-key', canaries.arg, `postgresql://app:${canaries.dbPassword}@db.corp.example/app`] },
    },
  }, null, 2));
  put(root, `${prefix}.vscode/mcp.json`, `{\n\t"servers": {\n\t\t"ai": { "command": "npx", "args": ["ai-mcp"], "env": { "ANTHROPIC_API_KEY": "${canaries.anthropic}" } }\n\t},\n\t"inputs": []\n}\n`);
  put(root, `${prefix}.cursor/mcp.json`, `{ "mcpServers": { "broken": { "env": { "SLACK_BOT_TOKEN": "${canaries.slack}" }, } `);
  put(root, `${prefix}.vscode/settings.json`, `{\n  "chat.tools.global.autoApprove": true,\n  "rest-client.environmentVariables": { "$shared": { "token": "${canaries.npm}" } },\n  "aws.key": "${canaries.aws}"\n}\n`);
}

function plantImage(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cowork-mcp-canary-'));
  put(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nclaude:x:1001:1001::/home/claude:/bin/sh\n');
  put(root, 'etc/group', 'root:x:0:\nalice:x:1000:\nclaude:x:1001:\n');
  put(root, 'etc/hostname', 'mcp-canary-image\n');
  put(root, 'home/alice/.claude.json', JSON.stringify({ mcpServers: { slack: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-slack'], env: { SLACK_BOT_TOKEN: canaries.slack } } }, projects: { '/home/alice/src/app': { enableAllProjectMcpServers: true } } }, null, 2));
  plantProject(root, 'home/alice/src/app/');
  put(root, 'home/alice/.config/Claude/claude_desktop_config.json', JSON.stringify({ mcpServers: { aws: { command: 'uvx', args: ['awslabs.aws-api-mcp-server'], env: { AWS_ACCESS_KEY_ID: canaries.aws, AWS_SECRET_ACCESS_KEY: canaries.password } } } }));
  put(root, 'home/claude/.codeium/windsurf/mcp_config.json', JSON.stringify({ mcpServers: { w: { serverUrl: `https://user:${canaries.password}@w.example.com/mcp`, headers: { 'X-Api-Key': canaries.npm } } } }));
  put(root, 'home/claude/.config/Code/User/settings.json', `{ "telemetry.telemetryLevel": "all", "github.token": "${canaries.github}" `);
  put(root, 'home/claude/.config/Code/User/mcp.json', `{ "servers": { "x": { "type": "http", "url": "https://x.example.com/mcp", "headers": { "Authorization": "Bearer ${canaries.bearer}" } } } }`);
  return root;
}

function plantRepo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cowork-mcp-canary-repo-'));
  plantProject(root, '');
  return root;
}

function assertNoCanary(label: string, text: string): void {
  for (const [name, value] of Object.entries(canaries)) expect(text.includes(value), `${label} leaks the ${name} canary`).toBe(false);
}

const FORMATS = 'json,sarif,junit,md,html,ndjson';

describe.each([
  ['--root image', plantImage, '--root'],
  ['--repo checkout', plantRepo, '--repo'],
] as const)('no planted MCP or editor secret leaves the process (%s)', (_label, plant, flag) => {
  const target = plant();
  const out = mkdtempSync(path.join(tmpdir(), 'cowork-mcp-canary-out-'));
  const only = ['--only', 'agent.mcp-servers,agent.editor-settings,telemetry.editors'];
  const runs: [string, CliRun][] = [
    ['table --verbose', runCli(['scan', flag, target, ...only, '--verbose', '--format', 'table'])],
    ['every file format', runCli(['scan', flag, target, ...only, '--format', `table,${FORMATS}`, '--output', out, '--verbose'])],
    ['json to stdout, strict baseline', runCli(['scan', flag, target, '--baseline', 'strict', '--format', 'json', '--output', '-'])],
  ];

  it.each(runs)('%s: stdout and stderr carry no canary, and the scan fails', (_name, run) => {
    assertNoCanary('stdout', run.stdout);
    assertNoCanary('stderr', run.stderr);
    expect(run.code, run.stderr).toBe(1);
  });

  it('report files of every format carry no canary, and the findings name the secrets by hint', () => {
    const written = readdirSync(out);
    expect(written.map((name) => path.extname(name)).sort()).toEqual(expect.arrayContaining(['.json', '.sarif', '.xml', '.md', '.html', '.ndjson']));
    for (const name of written) assertNoCanary(name, readFileSync(path.join(out, name), 'utf8'));
    const report = JSON.parse(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8')) as { results: { checkId: string; status: string; findings: { message: string; location?: { path: string } }[] }[] };
    const mcp = report.results.find((result) => result.checkId === 'agent.mcp-servers');
    expect(mcp?.status).toBe('fail');
    const messages = mcp?.findings.map((finding) => finding.message).join('\n') ?? '';
    expect(messages).toContain(`ghp_…${canaries.github.slice(-4)}`);
    expect(messages).toContain(`written into header Authorization`);
    expect(messages).toContain('written into URL query apiKey');
    expect(messages).toContain('written into argument 3 (--api-key)');
    expect(messages).toContain('written into argument 4 (connection string)');
    expect(messages).toContain(`env ANTHROPIC_API_KEY`);
    const editor = report.results.find((result) => result.checkId === 'agent.editor-settings');
    expect(editor?.status).toBe('fail');
  });
});
