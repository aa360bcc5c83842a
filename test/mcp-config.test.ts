import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mcpServersCheck from '../checks/agent/mcp-servers.js';
import editorSettingsCheck from '../checks/agent/editor-settings.js';
import editorTelemetryCheck from '../checks/telemetry/editors.js';
import { fakeSecrets } from '../checks/scenario-kit.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import { runChecks } from '../src/engine/runner.js';
import type { AnyCheck } from '../src/engine/check.js';
import { RootHost } from '../src/host/root-host.js';
import { classifyValue, displayCommand, isLoopbackHost, parseMcpConfig, parseMcpUrl, type McpFormat } from '../src/parsers/mcp-config.js';
import { launchedPackages, programName } from '../src/parsers/mcp-launcher.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const corpusFile = (kind: string, name: string) => readFileSync(path.join(CORPUS, kind, name), 'utf8');
const formatOf = (name: string): McpFormat => (name.includes('vscode-mcp') ? 'vscode' : 'mcpServers');

afterAll(() => removeTempDirs());

describe('parseMcpConfig on the real corpus', () => {
  const files = ['claude', 'cursor', 'vscode'].flatMap((kind) => readdirSync(path.join(CORPUS, kind)).map((name) => [kind, name] as const));

  it.each(files)('%s/%s parses without throwing, in every format', (kind, name) => {
    const text = corpusFile(kind, name);
    for (const format of ['mcpServers', 'vscode', 'claude-json'] as const) {
      const parsed = parseMcpConfig(text, format);
      expect(Array.isArray(parsed.servers)).toBe(true);
      for (const server of parsed.servers) {
        expect(server.line).toBeGreaterThan(0);
        expect(['stdio', 'http', 'sse', 'ws', 'unknown']).toContain(server.transport);
      }
    }
  });

  it('finds servers in every MCP file of the corpus (and none in plain settings files)', () => {
    const counts = Object.fromEntries(files.map(([kind, name]) => [`${kind}/${name}`, parseMcpConfig(corpusFile(kind, name), formatOf(name)).servers.length]));
    expect(counts).toMatchObject({
      'claude/nginx-ui-npx.mcp.json': 1,
      'claude/trailofbits-stdio-and-http.mcp.json': 3,
      'claude/0x1d-book-api-claude_desktop_config-docker-and-url.json': 2,
      'claude/abumarebear-claude_desktop_config-cowork-preferences.json': 1,
      'claude/alzarak-kali-claude_desktop_config-docker-host-net-comments.json': 2,
      'claude/apillon-claude_desktop_config-placeholder-env.json': 2,
      'cursor/accelbyte-docker-run.cursor-mcp.json': 1,
      'cursor/nginx-ui-mixed-tabs-spaces.cursor-mcp.json': 2,
      'vscode/microsoft-vscode-repo-tabs-servers-inputs.vscode-mcp.json': 1,
      'vscode/maxmilton-user-settings-telemetry-many.json': 0,
      'claude/zed-settings-jsonc-comments.json': 0,
    });
  });

  it('nginx-ui .mcp.json: npx with a package and no version (and no -y)', () => {
    const { servers, error } = parseMcpConfig(corpusFile('claude', 'nginx-ui-npx.mcp.json'), 'mcpServers');
    expect(error).toBeUndefined();
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server).toMatchObject({ name: 'nginx-ui', line: 3, transport: 'stdio', command: { value: 'npx', line: 4 }, args: [{ value: '0xJacky-nginx-ui', line: 6 }], env: [], disabled: false });
    expect(launchedPackages(server?.command?.value, server?.args.map((arg) => arg.value) ?? [])).toEqual([
      { launcher: 'npx', spec: '0xJacky-nginx-ui', name: '0xJacky-nginx-ui', pinned: false, argIndex: 0, pinnedExample: '0xJacky-nginx-ui@<version>' },
    ]);
  });

  it('trailofbits .mcp.json: two stdio servers via npx -y, one streamable-http server, a placeholder key', () => {
    const { servers } = parseMcpConfig(corpusFile('claude', 'trailofbits-stdio-and-http.mcp.json'), 'mcpServers');
    expect(servers.map((server) => [server.name, server.transport, server.line])).toEqual([
      ['context7', 'stdio', 3],
      ['exa', 'stdio', 7],
      ['granola', 'http', 14],
    ]);
    const [context7, exa, granola] = servers;
    expect(displayCommand(context7!)).toBe('npx -y @upstash/context7-mcp');
    expect(launchedPackages('npx', exa!.args.map((arg) => arg.value))[0]).toMatchObject({ name: 'exa-mcp-server', pinned: false, argIndex: 1 });
    // "your-exa-api-key-here" is a placeholder, not a secret.
    expect(exa!.env).toEqual([{ name: 'EXA_API_KEY', line: 11, kind: 'placeholder', secretName: true, secret: false }]);
    expect(granola!.declaredType).toEqual({ value: 'streamable-http', line: 15 });
    expect(granola!.url).toMatchObject({ key: 'url', line: 16, scheme: 'https', host: 'mcp.granola.ai', origin: 'https://mcp.granola.ai', loopback: false, pathEndsWithSse: false, secrets: [] });
  });

  it('microsoft/vscode .vscode/mcp.json (tabs): `servers` with `inputs`, an npm script server', () => {
    const parsed = parseMcpConfig(corpusFile('vscode', 'microsoft-vscode-repo-tabs-servers-inputs.vscode-mcp.json'), 'vscode');
    expect(parsed.error).toBeUndefined();
    expect(parsed.inputs).toEqual([]);
    expect(parsed.servers).toHaveLength(1);
    expect(parsed.servers[0]).toMatchObject({ name: 'vscode-playwright-mcp', line: 3, keyPath: ['servers', 'vscode-playwright-mcp'], transport: 'stdio', declaredType: { value: 'stdio', line: 4 }, command: { value: 'npm', line: 5 } });
    expect(parsed.servers[0]?.args.map((arg) => arg.value)).toEqual(['run', 'start-stdio']);
    expect(launchedPackages('npm', ['run', 'start-stdio'])).toEqual([]);
  });

  it('nginx-ui .cursor/mcp.json with mixed tabs and spaces: @latest is a tag, an empty env', () => {
    const { servers } = parseMcpConfig(corpusFile('cursor', 'nginx-ui-mixed-tabs-spaces.cursor-mcp.json'), 'mcpServers');
    expect(servers.map((server) => [server.name, server.line, server.env.length])).toEqual([
      ['eslint', 3, 0],
      ['context7', 8, 0],
    ]);
    expect(launchedPackages('npx', servers[0]!.args.map((arg) => arg.value))).toEqual([
      { launcher: 'npx', spec: '@eslint/mcp@latest', name: '@eslint/mcp', version: 'latest', pinned: false, argIndex: 0, pinnedExample: '@eslint/mcp@<version>' },
    ]);
    expect(servers[1]?.args.map((arg) => arg.line)).toEqual([10, 10]);
  });

  it('Claude Desktop configs: transport objects, _comment keys, placeholders, an npx shim path', () => {
    const docker = parseMcpConfig(corpusFile('claude', '0x1d-book-api-claude_desktop_config-docker-and-url.json'), 'mcpServers');
    expect(docker.servers.map((server) => [server.name, server.transport])).toEqual([
      ['book-api-mcp-server-dotnet', 'stdio'],
      ['book-api-mcp-server-minikube', 'http'],
    ]);
    expect(docker.servers[1]?.declaredType).toEqual({ value: 'http', line: 19 });
    // `-e BookApi__BaseUrl=http://...` is an env assignment for the container, not a secret and not the server URL.
    expect(docker.servers[0]?.argSecrets).toEqual([]);

    const kali = parseMcpConfig(corpusFile('claude', 'alzarak-kali-claude_desktop_config-docker-host-net-comments.json'), 'mcpServers');
    expect(kali.servers.map((server) => server.name)).toEqual(['_option1_docker_gateway', 'kali-security']);

    const apillon = parseMcpConfig(corpusFile('claude', 'apillon-claude_desktop_config-placeholder-env.json'), 'mcpServers');
    expect(apillon.servers[0]?.env.map((value) => [value.name, value.kind, value.secret])).toEqual([
      ['APILLON_API_KEY', 'placeholder', false],
      ['APILLON_API_SECRET', 'placeholder', false],
    ]);

    const shim = parseMcpConfig(corpusFile('claude', 'abumarebear-claude_desktop_config-cowork-preferences.json'), 'mcpServers').servers[0]!;
    expect(programName(shim.command!.value)).toBe('npx');
    expect(launchedPackages(shim.command!.value, shim.args.map((arg) => arg.value))[0]).toMatchObject({ name: '@modelcontextprotocol/server-filesystem', pinned: false });
  });
});

describe('parseMcpConfig on files written for the test', () => {
  it('reads JSONC (comments, trailing commas) with the right lines', () => {
    const text = '{\n  // servers for the team\n  "mcpServers": {\n    /* search */\n    "search": {\n      "type": "sse",\n      "url": "http://10.1.2.3:9000/sse",\n    },\n  },\n}\n';
    const parsed = parseMcpConfig(text, 'mcpServers');
    expect(parsed.error).toBeUndefined();
    expect(parsed.servers[0]).toMatchObject({ name: 'search', line: 5, transport: 'sse', declaredType: { value: 'sse', line: 6 }, url: { line: 7, origin: 'http://10.1.2.3:9000', pathEndsWithSse: true, loopback: false } });
  });

  it('reports broken JSON with its line, keeps what it can, and never quotes the text', () => {
    const token = fakeSecrets.github();
    const parsed = parseMcpConfig(`{\n  "mcpServers": {\n    "gh": { "command": "npx", "env": { "GITHUB_TOKEN": "${token}" } }\n    "x": \n}`, 'mcpServers');
    expect(parsed.error).toMatch(/^invalid JSON at line \d+/);
    expect(JSON.stringify(parsed)).not.toContain(token);
    expect(parsed.servers[0]?.env[0]).toMatchObject({ name: 'GITHUB_TOKEN', kind: 'token', secret: true, hint: `ghp_…${token.slice(-4)}` });
    expect(parseMcpConfig('[1, 2]', 'mcpServers').error).toBe('the top level is not a JSON object');
    expect(parseMcpConfig('', 'mcpServers')).toEqual({ servers: [], projects: [], inputs: [] });
    expect(parseMcpConfig('{ "mcpServers": [] }', 'mcpServers').error).toBe('line 1: "mcpServers" is not an object');
  });

  it('~/.claude.json: user-scope servers, per-project answers and local-scope servers', () => {
    const text = [
      '{',
      '  "mcpServers": { "a": { "command": "uvx", "args": ["mcp-server-git"] } },',
      '  "projects": {',
      '    "/home/alice/src/web": {',
      '      "enableAllProjectMcpServers": true,',
      '      "enabledMcpjsonServers": ["db"],',
      '      "hasTrustDialogAccepted": false,',
      '      "mcpServers": { "b": { "type": "http", "url": "http://localhost:3000/mcp" } }',
      '    },',
      '    "C:/Users/alice/shop": {}',
      '  }',
      '}',
    ].join('\n');
    const parsed = parseMcpConfig(text, 'claude-json');
    expect(parsed.servers.map((server) => [server.name, server.project, server.keyPath])).toEqual([
      ['a', undefined, ['mcpServers', 'a']],
      ['b', '/home/alice/src/web', ['projects', '/home/alice/src/web', 'mcpServers', 'b']],
    ]);
    expect(parsed.projects).toEqual([
      { path: '/home/alice/src/web', line: 4, enableAllProjectMcpServers: { value: true, line: 5 }, enabledMcpjsonServers: ['db'], hasTrustDialogAccepted: false },
      { path: 'C:/Users/alice/shop', line: 10, enabledMcpjsonServers: [] },
    ]);
    expect(parsed.servers[1]?.url?.loopback).toBe(true);
    // In an .mcp.json, `projects` means nothing.
    expect(parseMcpConfig(text, 'mcpServers').projects).toEqual([]);
  });

  it('classifies env and header values without keeping them', () => {
    const slack = fakeSecrets.slack();
    const text = JSON.stringify({
      mcpServers: {
        s: {
          command: 'node',
          args: ['server.js'],
          env: { GITHUB_TOKEN: '${GITHUB_TOKEN}', VSCODE_KEY: '${input:key}', CURSOR_API_KEY: '${env:CURSOR_API_KEY}', DB_PASSWORD: 'Tr0ub4dor-and-3', LOG_LEVEL: 'debugging-verbose', SLACK: slack, EMPTY_TOKEN: '', PORT: 8080, DATABASE_URL: 'postgres://app:Hunter2-Hunter2@db/app' },
          headers: { Authorization: 'Bearer abcdefgh12345678', 'X-Api-Key': '<your key>', Cookie: 'session=${SESSION}', 'X-Trace': 'on' },
        },
      },
    }, null, 2);
    const server = parseMcpConfig(text, 'mcpServers').servers[0]!;
    const kinds = Object.fromEntries([...server.env, ...server.headers].map((value) => [value.name, [value.kind, value.secret, value.hint]]));
    expect(kinds).toEqual({
      GITHUB_TOKEN: ['reference', false, undefined],
      VSCODE_KEY: ['reference', false, undefined],
      CURSOR_API_KEY: ['reference', false, undefined],
      DB_PASSWORD: ['literal', true, '…-3'],
      LOG_LEVEL: ['literal', false, undefined],
      SLACK: ['token', true, `xoxb-…${slack.slice(-4)}`],
      EMPTY_TOKEN: ['empty', false, undefined],
      PORT: ['non-string', false, undefined],
      DATABASE_URL: ['literal', true, '…r2'],
      Authorization: ['literal', true, '…78'],
      'X-Api-Key': ['placeholder', false, undefined],
      Cookie: ['reference', false, undefined],
      'X-Trace': ['literal', false, undefined],
    });
    const serialised = JSON.stringify(server);
    for (const value of [slack, 'Tr0ub4dor-and-3', 'abcdefgh12345678', 'Hunter2-Hunter2', 'debugging-verbose']) expect(serialised).not.toContain(value);
  });

  it('finds secrets in arguments and replaces them in the kept argument list', () => {
    const npm = fakeSecrets.npm();
    const args = ['-y', 'some-server@1.0.0', '--api-key', 'q8Zr5Lw2Nx7Kp4Tv', '--token=Zr5Lw2Nx7Kp4Tv9Q', '-e', 'OPENAI_API_KEY=Lw2Nx7Kp4Tv9QZr5', '--header', 'Authorization: Bearer Nx7Kp4Tv9QZr5Lw2', npm, 'postgresql://u:Kp4Tv9QZr5Lw2Nx7@db/app', '--header', 'Authorization:${AUTH_HEADER}', '--port', '8080', 'LOG_LEVEL=info'];
    const server = parseMcpConfig(JSON.stringify({ mcpServers: { s: { command: 'npx', args } } }), 'mcpServers').servers[0]!;
    expect(server.argSecrets.map((value) => [value.name, value.kind])).toEqual([
      ['argument 4 (--api-key)', 'literal'],
      ['argument 5 (--token)', 'literal'],
      ['argument 7 (OPENAI_API_KEY)', 'literal'],
      ['argument 9 (header Authorization)', 'literal'],
      ['argument 10', 'token'],
      ['argument 11 (connection string)', 'literal'],
    ]);
    expect(server.args.map((arg) => arg.value)).toEqual([
      '-y', 'some-server@1.0.0', '--api-key', '<redacted …Tv>', '<redacted …9Q>', '-e', '<redacted …r5>', '--header', '<redacted …w2>', `<redacted npm_…${npm.slice(-4)}>`, '<redacted …x7>', '--header', 'Authorization:${AUTH_HEADER}', '--port', '8080', 'LOG_LEVEL=info',
    ]);
    const serialised = JSON.stringify(server);
    for (const secret of ['q8Zr5Lw2Nx7Kp4Tv', 'Zr5Lw2Nx7Kp4Tv9Q', 'Lw2Nx7Kp4Tv9QZr5', 'Nx7Kp4Tv9QZr5Lw2', npm, 'Kp4Tv9QZr5Lw2Nx7']) expect(serialised).not.toContain(secret);
    expect(displayCommand(server)).not.toContain('q8Zr5Lw2Nx7Kp4Tv');
  });

  it('reads Windsurf serverUrl, disabled servers and URL secrets', () => {
    const text = '{\n  "mcpServers": {\n    "w": { "serverUrl": "https://user:S3cretPassw0rd@mcp.example.com/sse?apiKey=Qz8Lw2Nx7Kp4Tv9R&team=core", "disabled": true }\n  }\n}';
    const server = parseMcpConfig(text, 'mcpServers').servers[0]!;
    expect(server).toMatchObject({ transport: 'http', disabled: true, url: { key: 'serverUrl', line: 3, origin: 'https://mcp.example.com', pathEndsWithSse: true } });
    expect(server.url?.secrets.map((value) => value.name)).toEqual(['URL password', 'URL query apiKey']);
    expect(JSON.stringify(server)).not.toMatch(/S3cretPassw0rd|Qz8Lw2Nx7Kp4Tv9R/);
  });
});

describe('launchedPackages', () => {
  const pkg = (command: string, ...args: string[]) => launchedPackages(command, args).map((item) => [item.launcher, item.name, item.version ?? null, item.pinned]);

  it('npm family: exact versions pin, tags and ranges do not', () => {
    expect(pkg('npx', '-y', '@scope/server@1.2.3')).toEqual([['npx', '@scope/server', '1.2.3', true]]);
    expect(pkg('npx', '--yes', 'server@^1.2.0', '--flag')).toEqual([['npx', 'server', '^1.2.0', false]]);
    expect(pkg('npx', '-y', 'server@2.0.0-beta.3')).toEqual([['npx', 'server', '2.0.0-beta.3', true]]);
    expect(pkg('npx', '-y', '--package=@a/b@1.0.0', 'b-cli')).toEqual([['npx', '@a/b', '1.0.0', true]]);
    expect(pkg('npx', '-p', 'tool', '-c', 'tool run')).toEqual([['npx', 'tool', null, false]]);
    expect(pkg('npx.cmd', '-y', 'x')).toEqual([['npx', 'x', null, false]]);
    expect(pkg('cmd', '/c', 'npx', '-y', 'x@1.0.0')).toEqual([['npx', 'x', '1.0.0', true]]);
    expect(launchedPackages('cmd', ['/c', 'npx', '-y', 'x'])[0]?.argIndex).toBe(3);
    expect(pkg('bunx', 'x@latest')).toEqual([['bunx', 'x', 'latest', false]]);
    expect(pkg('pnpm', 'dlx', 'x@3.1.4')).toEqual([['pnpm dlx', 'x', '3.1.4', true]]);
    expect(pkg('npm', 'exec', '--', 'x')).toEqual([['npx', 'x', null, false]]);
    expect(pkg('npx', '-y', 'github:owner/repo')).toEqual([['npx', 'github:owner/repo', null, false]]);
    expect(pkg('npx', '-y', `github:owner/repo#${'a'.repeat(40)}`)).toEqual([['npx', 'github:owner/repo', null, true]]);
    expect(pkg('npx', './local-server')).toEqual([]);
    expect(pkg('npx', '-y')).toEqual([]);
    expect(pkg('node', 'server.js')).toEqual([]);
  });

  it('Python family: == and @ pin, >= and none do not; --from and --spec name the package', () => {
    expect(pkg('uvx', 'mcp-server-git==0.6.2')).toEqual([['uvx', 'mcp-server-git', '0.6.2', true]]);
    expect(pkg('uvx', 'mcp-server-git@0.6.2')).toEqual([['uvx', 'mcp-server-git', '0.6.2', true]]);
    expect(pkg('uvx', 'mcp-server-git@latest')).toEqual([['uvx', 'mcp-server-git', 'latest', false]]);
    expect(pkg('uvx', 'mcp-server-fetch')).toEqual([['uvx', 'mcp-server-fetch', null, false]]);
    expect(pkg('uvx', '--python', '3.12', '--from', 'awslabs.core-mcp-server>=1.0', 'core')).toEqual([['uvx', 'awslabs.core-mcp-server', '>=1.0', false]]);
    expect(pkg('uvx', 'pkg[extra]==1.0.0')).toEqual([['uvx', 'pkg', '1.0.0', true]]);
    expect(pkg('uv', 'tool', 'run', 'x==1.0')).toEqual([['uv tool run', 'x', '1.0', true]]);
    expect(pkg('uv', 'run', 'server.py')).toEqual([]);
    expect(pkg('pipx', 'run', '--spec', 'x==2.0.1', 'x-cli')).toEqual([['pipx run', 'x', '2.0.1', true]]);
  });
});

describe('URLs', () => {
  it('tells loopback hosts from the rest', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', '0.0.0.0', 'api.localhost', 'LOCALHOST.']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.1', 'host.docker.internal', 'localhost.example.com', '128.0.0.1', '[fe80::1]']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('parses references in the host as unknown, not as a plain-http problem', () => {
    expect(parseMcpUrl('http://${MCP_HOST}:8080/mcp', 'url', 1)).toMatchObject({ hostIsReference: true, loopback: false, origin: 'http://<variable>' });
    expect(parseMcpUrl('not a url', 'url', 1)).toBeUndefined();
  });

  it('classifyValue treats an empty name as not secret', () => {
    expect(classifyValue('MODE', 'xK8mQ2vL9pR4tW7z', false, 1)).toMatchObject({ kind: 'literal', secret: false });
  });
});

describe('scans of a repository (--repo) and an image (--root)', () => {
  const checks = [mcpServersCheck, editorSettingsCheck, editorTelemetryCheck] as unknown as AnyCheck[];
  const run = async (host: RootHost) =>
    (await runChecks({ host, checks: checks.map((check) => ({ check, severity: check.meta.severity, params: defaultsOf(check.params) })) })).results;

  it('--repo: the repository\'s own .mcp.json, .vscode and .cursor files, findings at file and line', async () => {
    const repo = makeTempDir('mcp-repo');
    const token = fakeSecrets.anthropic();
    writeFileAt(path.join(repo, '.mcp.json'), `{\n  "mcpServers": {\n    "docs": { "type": "sse", "url": "http://docs.internal:8000/sse" },\n    "ai": { "command": "uvx", "args": ["ai-mcp==1.0.0"], "env": { "ANTHROPIC_API_KEY": "${token}" } }\n  }\n}\n`);
    writeFileAt(path.join(repo, '.vscode', 'mcp.json'), '{\n\t"servers": {\n\t\t"pw": { "command": "npx", "args": ["@playwright/mcp"] }\n\t}\n}\n');
    writeFileAt(path.join(repo, '.vscode', 'settings.json'), '{\n  // YOLO\n  "chat.tools.global.autoApprove": true,\n}\n');
    writeFileAt(path.join(repo, '.cursor', 'mcp.json'), '{ "mcpServers": { "ok": { "url": "https://mcp.example.com/mcp" } } }\n');
    writeFileAt(path.join(repo, '.claude', 'settings.json'), '{\n  "enableAllProjectMcpServers": true\n}\n');
    // A home-like file in the repository is not read as a user's file.
    writeFileAt(path.join(repo, 'home', 'alice', '.claude.json'), '{ "mcpServers": { "x": { "command": "npx", "args": ["x"] } } }\n');
    const [mcp, editor, telemetry] = await run(new RootHost(repo, 'repo'));
    expect(mcp?.status).toBe('fail');
    expect(mcp?.findings.map((finding) => [finding.location?.path, finding.location?.line])).toEqual([
      ['/.mcp.json', 3],
      ['/.mcp.json', 3],
      ['/.mcp.json', 4],
      ['/.vscode/mcp.json', 3],
      ['/.claude/settings.json', 2],
    ]);
    expect(JSON.stringify(mcp)).not.toContain(token);
    expect(editor?.status).toBe('fail');
    expect(editor?.findings).toMatchObject([{ location: { path: '/.vscode/settings.json', line: 3 }, actions: [{ kind: 'set-json-key', path: '/.vscode/settings.json', keyPath: ['chat.tools.global.autoApprove'], value: false }] }]);
    expect(telemetry?.status).toBe('skipped');
  });

  it('--repo without MCP or editor files passes and skips', async () => {
    const repo = makeTempDir('mcp-repo-empty');
    writeFileAt(path.join(repo, 'README.md'), '# nothing here\n');
    const [mcp, editor] = await run(new RootHost(repo, 'repo'));
    expect(mcp?.status).toBe('pass');
    expect(editor?.status).toBe('skipped');
  });

  it('--root: every user with a home, the projects their ~/.claude.json lists, and system folders', async () => {
    const root = makeTempDir('mcp-root');
    writeFileAt(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n');
    writeFileAt(path.join(root, 'etc/group'), 'root:x:0:\nalice:x:1000:\nbob:x:1001:\n');
    writeFileAt(path.join(root, 'home/alice/.claude.json'), '{\n  "projects": { "/home/alice/work/api": { "enableAllProjectMcpServers": true } }\n}\n');
    writeFileAt(path.join(root, 'home/alice/work/api/.mcp.json'), '{ "mcpServers": { "t": { "type": "http", "url": "http://tickets.corp:80/mcp" } } }\n');
    writeFileAt(path.join(root, 'home/bob/.codeium/windsurf/mcp_config.json'), '{ "mcpServers": { "w": { "serverUrl": "https://w.example.com/mcp" } } }\n');
    writeFileAt(path.join(root, 'home/bob/.config/Code/User/settings.json'), '{ "telemetry.telemetryLevel": "crash" }\n');
    writeFileAt(path.join(root, 'etc/claude-code/managed-mcp.json'), '{ "mcpServers": { "m": { "command": "uvx", "args": ["corp-mcp"] } } }\n');
    const [mcp, editor, telemetry] = await run(new RootHost(root, 'root', 'linux'));
    expect(mcp?.status).toBe('fail');
    expect(mcp?.findings.map((finding) => [finding.location?.path, finding.location?.line, finding.subject])).toEqual([
      ['/home/alice/.claude.json', 2, 'alice'],
      ['/etc/claude-code/managed-mcp.json', 1, undefined],
      ['/home/alice/work/api/.mcp.json', 1, 'alice'],
    ]);
    expect(mcp?.message).toContain('3 MCP server(s) in 3 file(s)');
    expect(editor?.status).toBe('pass');
    expect(telemetry?.status).toBe('fail');
    expect(telemetry?.findings).toMatchObject([{ location: { path: '/home/bob/.config/Code/User/settings.json', line: 1 }, subject: 'bob', message: expect.stringContaining('"crash"') }]);
  });
});
