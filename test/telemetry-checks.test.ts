import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import devToolsCheck from '../checks/telemetry/dev-tools.js';
import osCheck from '../checks/telemetry/os.js';
import { networkEnvironment, NETWORK_VARIABLES } from '../src/collectors/network-environment.js';
import { sessionValue, telemetryEnvironment } from '../src/collectors/telemetry-environment.js';
import { REGISTRY } from '../src/collectors/windows-commands.js';
import type { AnyCheck } from '../src/engine/check.js';
import { FactStore } from '../src/engine/fact-store.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import type { CheckResult } from '../src/engine/result.js';
import { runChecks } from '../src/engine/runner.js';
import type { Host } from '../src/host/host.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { RootHost } from '../src/host/root-host.js';
import { flavourOf, parseProfileEnv } from '../src/telemetry/profile-env.js';
import { TELEMETRY_VARIABLES } from '../src/telemetry/variables.js';
import { registryKey } from '../checks/network-kit.js';
import { endpoint } from '../checks/scenario-kit.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

afterAll(() => removeTempDirs());

async function facts<T>(host: Host, collector: { id: string; collect: (context: never) => Promise<T> }): Promise<T> {
  const store = new FactStore(host, {});
  try {
    return await store.get(collector as never);
  } finally {
    store.close();
  }
}

async function run(check: AnyCheck, host: Host, params: Record<string, unknown> = {}): Promise<CheckResult> {
  const { results } = await runChecks({ host, checks: [{ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), ...params } }] });
  const result = results[0] as CheckResult;
  expect(result.error, JSON.stringify(result.error)).toBeUndefined();
  return result;
}

describe('network-environment keeps the telemetry variables apart', () => {
  it('gives the network checks the network variables only, and the telemetry checks theirs; other values stay out', async () => {
    const host = new ReplayHost(
      endpoint('linux', {
        '/etc/environment': { content: 'http_proxy="http://proxy.corp.example:3128/"\nHOMEBREW_NO_ANALYTICS=1\nDISABLE_TELEMETRY=1\nARTIFACTORY_API_KEY="not-for-any-check"\nOTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer x"\n' },
        '/etc/profile.d/dev.sh': { content: 'export DOTNET_CLI_TELEMETRY_OPTOUT=1\nexport no_proxy="localhost"\n' },
        '/home/claude/.claude/settings.json': { content: '{ "env": { "CLAUDE_CODE_ENABLE_TELEMETRY": "1", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.corp.example", "HTTPS_PROXY": "http://p:3128" } }' },
      }),
    );
    const env = await facts(host, networkEnvironment);
    const byLabel = Object.fromEntries(env.sources.map((source) => [source.label, source]));
    expect(byLabel['/etc/environment']?.assignments.map((item) => item.name)).toEqual(['http_proxy']);
    expect(byLabel['/etc/environment']?.telemetry.map((item) => [item.name, item.line])).toEqual([['HOMEBREW_NO_ANALYTICS', 2], ['DISABLE_TELEMETRY', 3]]);
    expect(byLabel['/etc/profile.d/dev.sh']?.assignments.map((item) => item.name)).toEqual(['no_proxy']);
    expect(byLabel['/etc/profile.d/dev.sh']?.telemetry.map((item) => item.name)).toEqual(['DOTNET_CLI_TELEMETRY_OPTOUT']);
    expect(byLabel['/home/claude/.claude/settings.json']?.telemetry.map((item) => item.name).sort()).toEqual(['CLAUDE_CODE_ENABLE_TELEMETRY', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    for (const source of env.sources) {
      for (const item of source.assignments) expect(NETWORK_VARIABLES).toContain(item.name);
      for (const item of source.telemetry) expect(TELEMETRY_VARIABLES).toContain(item.name);
    }
    // A header variable can carry a bearer token: it is in neither list.
    expect(JSON.stringify(env)).not.toContain('Bearer');
    expect(JSON.stringify(env)).not.toContain('not-for-any-check');
  });

  it('reads the machine Environment key case-insensitively, as Windows does, and HKCU for the scanning account only', async () => {
    const host = new ReplayHost({
      ...endpoint('win32', {}, {
        commands: {
          ...registryKey(REGISTRY.machineEnvironment, { Dotnet_Cli_Telemetry_Optout: '1', Path: 'C:\\Windows' }),
          ...registryKey(REGISTRY.userEnvironment, { HOMEBREW_NO_ANALYTICS: '1' }),
        },
      }),
      currentUser: 'alice',
    });
    const env = await facts(host, telemetryEnvironment);
    expect(sessionValue(env, 'claude', 'DOTNET_CLI_TELEMETRY_OPTOUT')?.value).toBe('1');
    expect(sessionValue(env, 'alice', 'HOMEBREW_NO_ANALYTICS')?.source).toMatchObject({ scope: 'user', user: 'alice', registryKey: REGISTRY.userEnvironment });
    expect(sessionValue(env, 'claude', 'HOMEBREW_NO_ANALYTICS')).toBeUndefined();
  });
});

describe('start-up files of every shell', () => {
  it('knows the shell by the file name', () => {
    expect(['/home/a/.zshrc', '/home/a/.config/fish/config.fish', '/home/a/.tcshrc', '/etc/csh.login', 'C:\\Users\\a\\Documents\\PowerShell\\profile.ps1', '/etc/environment.d/10-x.conf', '/home/a/.config/environment.d/x.conf'].map(flavourOf)).toEqual([
      'posix',
      'fish',
      'csh',
      'csh',
      'powershell',
      'env-file',
      'env-file',
    ]);
  });

  it('reads fish, csh, PowerShell and environment.d assignments with their lines, literal values only', () => {
    expect(parseProfileEnv('set -gx HOMEBREW_NO_ANALYTICS 1\nset -l LOCAL_ONLY 1\nset --export --global GH_TELEMETRY "false"\nset PLAIN 1\n', 'fish').assignments).toEqual([
      { name: 'HOMEBREW_NO_ANALYTICS', value: '1', line: 1 },
      { name: 'GH_TELEMETRY', value: 'false', line: 3 },
    ]);
    expect(parseProfileEnv('# tcsh\nsetenv DOTNET_CLI_TELEMETRY_OPTOUT 1\nset path = ($path /usr/local/go/bin)\n', 'csh').assignments).toEqual([{ name: 'DOTNET_CLI_TELEMETRY_OPTOUT', value: '1', line: 2 }]);
    expect(
      parseProfileEnv("\uFEFF$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'\r\n$env:NEXT_TELEMETRY_DISABLED = Get-Setting next\r\n[Environment]::SetEnvironmentVariable(\"GH_TELEMETRY\", \"false\", \"User\")\r\n# $env:SAM_CLI_TELEMETRY = '0'\r\n", 'powershell').assignments,
    ).toEqual([
      { name: 'DOTNET_CLI_TELEMETRY_OPTOUT', value: '1', line: 1 },
      { name: 'GH_TELEMETRY', value: 'false', line: 3 },
    ]);
    expect(parseProfileEnv('export A=1; export DOTNET_CLI_TELEMETRY_OPTOUT=true\n', 'posix').assignments.map((item) => item.name)).toEqual(['A', 'DOTNET_CLI_TELEMETRY_OPTOUT']);
  });

  it('counts a variable in one user\'s ~/.zshrc for that user only, and a later user file over the system value', async () => {
    const host = new ReplayHost(
      endpoint('linux', {
        '/etc/environment': { content: 'NEXT_TELEMETRY_DISABLED=1\n' },
        '/etc/zsh/zshenv': { content: 'export HOMEBREW_NO_ANALYTICS=1\n' },
        '/home/alice/.zshrc': { content: 'export HOMEBREW_NO_ANALYTICS=0\n' },
        '/home/claude/.config/environment.d/50-go.conf': { content: 'GH_TELEMETRY=false\n' },
      }),
    );
    const env = await facts(host, telemetryEnvironment);
    expect(sessionValue(env, 'alice', 'HOMEBREW_NO_ANALYTICS')).toMatchObject({ value: '0', source: { path: '/home/alice/.zshrc', scope: 'user', user: 'alice' } });
    expect(sessionValue(env, 'claude', 'HOMEBREW_NO_ANALYTICS')).toMatchObject({ value: '1', source: { path: '/etc/zsh/zshenv', scope: 'system' } });
    expect(sessionValue(env, 'claude', 'GH_TELEMETRY')?.value).toBe('false');
    expect(sessionValue(env, 'alice', 'GH_TELEMETRY')).toBeUndefined();
    expect(sessionValue(env, 'alice', 'NEXT_TELEMETRY_DISABLED')?.source.path).toBe('/etc/environment');
  });
});

describe('telemetry.dev-tools on an image', () => {
  it('judges an offline image from its files, and refuses an unknown tool name', async () => {
    const root = makeTempDir('telemetry');
    writeFileAt(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n');
    writeFileAt(path.join(root, 'etc/group'), 'root:x:0:\nalice:x:1000:\n');
    writeFileAt(path.join(root, 'usr/share/dotnet/sdk/8.0.404/dotnet.dll'), '');
    writeFileAt(path.join(root, 'home/alice/.config/gatsby/config.json'), '{\n  "telemetry": {\n    "machineId": "5c1d",\n    "enabled": false\n  }\n}\n');
    const host = new RootHost(root);
    const result = await run(devToolsCheck, host);
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => [finding.location?.path, finding.subject, finding.message])).toEqual([
      ['/usr/share/dotnet/sdk', 'system', '.NET SDK at /usr/share/dotnet/sdk: telemetry is on for alice (DOTNET_CLI_TELEMETRY_OPTOUT is not set for them)'],
    ]);
    writeFileAt(path.join(root, 'etc/environment'), 'DOTNET_CLI_TELEMETRY_OPTOUT=1\n');
    expect((await run(devToolsCheck, new RootHost(root))).message).toBe('2 tool(s) found (.NET SDK, Gatsby), telemetry off (or local only) for every user that runs them');
    const { results } = await runChecks({ host: new RootHost(root), checks: [{ check: devToolsCheck, severity: 'low', params: { ...defaultsOf(devToolsCheck.params), tools: ['homebrew', 'brew'] } }] });
    expect(results[0]).toMatchObject({ status: 'error', error: { message: expect.stringContaining('unknown tool(s) brew') } });
  });

  it('adds GitHub CLI only when the baseline names it', async () => {
    const host = () => new ReplayHost(endpoint('linux', { '/home/alice/.config/gh/config.yml': { content: 'version: 1\n' } }));
    expect((await run(devToolsCheck, host())).status).toBe('skipped');
    const withGh = await run(devToolsCheck, host(), { tools: ['github-cli'] });
    expect(withGh.findings.map((finding) => [finding.location?.path, finding.message])).toEqual([['/home/alice/.config/gh', 'GitHub CLI: telemetry is on for alice: no opt-out (GH_TELEMETRY is not set for alice)']]);
  });
});

/** A bplist00 of one dict with string keys and boolean values, as macOS writes small preference files. */
function binaryPlist(entries: Record<string, boolean>): Buffer {
  const keys = Object.keys(entries);
  const objects: Buffer[] = [];
  const refs = keys.length * 2;
  objects.push(Buffer.from([0xd0 | keys.length, ...keys.map((_key, index) => 1 + index), ...keys.map((_key, index) => 1 + keys.length + index)]));
  for (const key of keys) objects.push(Buffer.concat([Buffer.from([0x50 | key.length]), Buffer.from(key, 'latin1')]));
  for (const key of keys) objects.push(Buffer.from([entries[key] ? 0x09 : 0x08]));
  const offsets: number[] = [];
  let at = 8;
  for (const object of objects) {
    offsets.push(at);
    at += object.length;
  }
  const trailer = Buffer.alloc(32);
  trailer[6] = 1;
  trailer[7] = 1;
  trailer.writeBigUInt64BE(BigInt(refs + 1), 8);
  trailer.writeBigUInt64BE(0n, 16);
  trailer.writeBigUInt64BE(BigInt(at), 24);
  return Buffer.concat([Buffer.from('bplist00', 'latin1'), ...objects, Buffer.from(offsets), trailer]);
}

describe('telemetry.os on a macOS image', () => {
  it('reads the binary DiagnosticMessagesHistory.plist macOS writes (no lines in a binary file)', async () => {
    const root = makeTempDir('macos');
    writeFileAt(path.join(root, 'System/Library/CoreServices/SystemVersion.plist'), '<?xml version="1.0"?><plist version="1.0"><dict><key>ProductVersion</key><string>15.1</string></dict></plist>');
    const history = path.join(root, 'Library/Application Support/CrashReporter/DiagnosticMessagesHistory.plist');
    writeFileAt(history, binaryPlist({ AutoSubmit: true, ThirdPartyDataSubmit: false }));
    const host = new RootHost(root);
    expect(host.platform).toBe('darwin');
    const result = await run(osCheck, host);
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => [finding.location, finding.message])).toEqual([
      [{ path: '/Library/Application Support/CrashReporter/DiagnosticMessagesHistory.plist' }, 'Share Mac Analytics (diagnostic and crash data to Apple) is on: AutoSubmit = true in /Library/Application Support/CrashReporter/DiagnosticMessagesHistory.plist (the local choice)'],
    ]);
    writeFileAt(history, binaryPlist({ AutoSubmit: false, ThirdPartyDataSubmit: false }));
    expect((await run(osCheck, new RootHost(root))).status).toBe('pass');
  });

  it('skips an offline Windows image: its registry is not read', async () => {
    const root = makeTempDir('windows');
    writeFileAt(path.join(root, 'Windows/System32/drivers/etc/hosts'), '');
    const result = await run(osCheck, new RootHost(root));
    expect(result).toMatchObject({ status: 'skipped', message: 'the registry of an offline Windows image is not read' });
  });
});
