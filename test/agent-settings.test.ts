import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudePolicies, json, plist } from '../checks/agent-kit.js';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { endpoint } from '../checks/scenario-kit.js';
import { mergeSettings, selectManagedSource, type SettingOrigin, type SettingsLayer } from '../src/agent/settings-model.js';
import { buildLayer, parseSettingsText } from '../src/agent/settings-tree.js';
import { agentSettings, type AgentSettings } from '../src/collectors/agent-settings.js';
import { claudeSettings } from '../src/collectors/claude-settings.js';
import { FactStore } from '../src/engine/fact-store.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import type { CheckResult } from '../src/engine/result.js';
import { runChecks } from '../src/engine/runner.js';
import type { Host } from '../src/host/host.js';
import { ReplayHost, type ReplaySpec } from '../src/host/replay-host.js';
import { RootHost } from '../src/host/root-host.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus/claude');
const ALICE = { uid: 1000, gid: 1000 };

afterAll(() => removeTempDirs());

function layer(text: string, origin: SettingOrigin): SettingsLayer {
  const parsed = parseSettingsText(text);
  return buildLayer(parsed.root, origin, parsed.error);
}

async function collect(host: Host): Promise<AgentSettings> {
  return new FactStore(host).get(agentSettings);
}

async function check(host: Host, id: string, params: Record<string, unknown> = {}): Promise<CheckResult> {
  const found = BUILTIN_CHECKS.find((candidate) => candidate.meta.id === id);
  if (!found) throw new Error(`no check ${id}`);
  const { results } = await runChecks({ host, checks: [{ check: found, severity: found.meta.severity, params: { ...defaultsOf(found.params), ...params } }] });
  return results[0] as CheckResult;
}

const replay = (spec: ReplaySpec) => new ReplayHost(spec);

describe('merging layers', () => {
  const managed = layer('{\n  "permissions": {\n    "deny": ["Read(~/.aws/**)"],\n    "defaultMode": "plan"\n  },\n  "env": { "A": "managed" }\n}\n', { path: '/etc/claude-code/managed-settings.json', level: 'managed' });
  const local = layer('{\n  "permissions": { "allow": ["Bash(make *)"], "defaultMode": "acceptEdits" },\n  "cleanupPeriodDays": 7\n}\n', { path: '/p/.claude/settings.local.json', level: 'local', user: 'alice' });
  const project = layer('{\n  "permissions": { "deny": ["Read(./.env)"], "allow": ["Bash(npm test)"] },\n  "cleanupPeriodDays": 14,\n  "env": { "B": "project", "A": "project" },\n  "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "guard.sh" } ] } ] }\n}\n', {
    path: '/p/.claude/settings.json',
    level: 'project',
    user: 'alice',
  });
  const user = layer('{\n  "permissions": {\n    "allow": ["Bash(git status)"]\n  },\n  "cleanupPeriodDays": 30,\n  "sandbox": { "enabled": true }\n}\n', { path: '/home/alice/.claude/settings.json', level: 'user', user: 'alice' });

  it('takes each scalar from the highest layer, with its file and line', () => {
    const view = mergeSettings([user, project, local, managed], { user: 'alice', project: '/p' });
    expect(view.scalars['permissions.defaultMode']).toEqual({ value: 'plan', origin: { path: '/etc/claude-code/managed-settings.json', level: 'managed', line: 4 } });
    expect(view.scalars.cleanupPeriodDays).toMatchObject({ value: 7, origin: { path: '/p/.claude/settings.local.json', line: 3 } });
    expect(view.scalars['sandbox.enabled']).toMatchObject({ value: true, origin: { level: 'user', line: 6 } });
    expect(view.layers.map((item) => item.origin.level)).toEqual(['managed', 'local', 'project', 'user']);
  });

  it('merges arrays across every layer (deny always applies), highest first, each entry with its line', () => {
    const view = mergeSettings([user, project, local, managed]);
    expect(view.arrays['permissions.deny']?.map((entry) => [entry.value, entry.origin.path, entry.origin.line])).toEqual([
      ['Read(~/.aws/**)', '/etc/claude-code/managed-settings.json', 3],
      ['Read(./.env)', '/p/.claude/settings.json', 2],
    ]);
    expect(view.arrays['permissions.allow']?.map((entry) => entry.value)).toEqual(['Bash(make *)', 'Bash(npm test)', 'Bash(git status)']);
    expect(view.arrays['permissions.allow']?.[2]?.origin.line).toBe(3);
  });

  it('keeps one env entry per variable (highest wins) and every hook', () => {
    const view = mergeSettings([user, project, local, managed]);
    expect(view.env.map((entry) => [entry.name, entry.value, entry.origin.level])).toEqual([
      ['A', 'managed', 'managed'],
      ['B', 'project', 'project'],
    ]);
    expect(view.hooks).toEqual([{ event: 'PreToolUse', matcher: 'Bash', type: 'command', command: 'guard.sh', origin: { path: '/p/.claude/settings.json', level: 'project', user: 'alice', line: 5 } }]);
  });

  it('honours managed-only switches only from managed settings, and drops the rules they govern', () => {
    const userLock = layer('{ "allowManagedPermissionRulesOnly": true, "permissions": { "allow": ["Bash(*)"] } }', { path: '/u', level: 'user' });
    const open = mergeSettings([userLock]);
    expect(open.scalars.allowManagedPermissionRulesOnly).toBeUndefined();
    expect(open.arrays['permissions.allow']).toHaveLength(1);
    expect(open.ignored?.[0]).toMatchObject({ key: 'allowManagedPermissionRulesOnly', reason: expect.stringContaining('managed settings only') });

    const lock = layer('{ "allowManagedPermissionRulesOnly": true, "allowManagedHooksOnly": true, "permissions": { "deny": ["Read(~/.ssh/**)"] } }', { path: '/m', level: 'managed' });
    const locked = mergeSettings([lock, userLock, project]);
    expect(locked.arrays['permissions.allow']).toBeUndefined();
    expect(locked.arrays['permissions.deny']?.map((entry) => entry.value)).toEqual(['Read(~/.ssh/**)']);
    expect(locked.hooks).toEqual([]);
    expect(locked.ignored?.map((item) => item.key)).toEqual(expect.arrayContaining(['permissions.allow', 'permissions.deny', 'hooks.PreToolUse']));
  });

  it('ignores defaultMode "auto" in project and local files', () => {
    const auto = layer('{ "permissions": { "defaultMode": "auto" } }', { path: '/p/.claude/settings.json', level: 'project' });
    const view = mergeSettings([auto, layer('{ "permissions": { "defaultMode": "plan" } }', { path: '/u', level: 'user' })]);
    expect(view.scalars['permissions.defaultMode']?.value).toBe('plan');
  });

  it('uses the first managed source that holds a policy, not a merge', () => {
    const make = (kind: 'mdm' | 'file' | 'hkcu', layers: SettingsLayer[]) => ({ kind, origin: { path: kind, level: 'managed' as const }, layers });
    const file = make('file', [managed]);
    expect(selectManagedSource([make('hkcu', [user]), file]).winner).toBe(file);
    expect(selectManagedSource([file, make('mdm', [])]).winner).toBe(file);
    const mdm = make('mdm', [project]);
    expect(selectManagedSource([file, make('hkcu', [user]), mdm])).toMatchObject({ winner: mdm, ignored: [file, { kind: 'hkcu' }] });
    expect(selectManagedSource([make('file', [])]).winner).toBeUndefined();
  });
});

describe('the agent-settings collector', () => {
  it('merges managed-settings.d drop-ins in name order after the main file (a later drop-in wins) and skips hidden and non-JSON files', async () => {
    const facts = await collect(
      replay(
        endpoint('linux', {
          '/etc/claude-code/managed-settings.json': json({ cleanupPeriodDays: 30, permissions: { deny: ['Read(~/.ssh/**)'] } }),
          '/etc/claude-code/managed-settings.d/20-b.json': json({ cleanupPeriodDays: 20 }),
          '/etc/claude-code/managed-settings.d/10-a.json': json({ cleanupPeriodDays: 10, permissions: { deny: ['Read(~/.aws/**)'] } }),
          '/etc/claude-code/managed-settings.d/.30-hidden.json': json({ cleanupPeriodDays: 1 }),
          '/etc/claude-code/managed-settings.d/40-notes.txt': { content: '{"cleanupPeriodDays": 2}' },
          '/home/alice/.claude/settings.json': json({ cleanupPeriodDays: 99 }, ALICE),
        }),
      ),
    );
    const alice = facts.views.find((view) => view.user === 'alice');
    expect(alice?.scalars.cleanupPeriodDays).toMatchObject({ value: 20, origin: { path: '/etc/claude-code/managed-settings.d/20-b.json', line: 2 } });
    expect(alice?.arrays['permissions.deny']?.map((entry) => entry.value).sort()).toEqual(['Read(~/.aws/**)', 'Read(~/.ssh/**)']);
    expect(alice?.layers.map((item) => item.origin.path)).toEqual([
      '/etc/claude-code/managed-settings.d/20-b.json',
      '/etc/claude-code/managed-settings.d/10-a.json',
      '/etc/claude-code/managed-settings.json',
      '/home/alice/.claude/settings.json',
    ]);
    expect(facts.managed).toMatchObject({ present: true, winner: { path: '/etc/claude-code/managed-settings.json' }, file: '/etc/claude-code/managed-settings.json' });
    expect(facts.claudeUsers).toEqual(['alice']);
  });

  it('darwin: the managed-preferences plist wins over the managed file (first source wins), a per-user plist over the device one', async () => {
    const facts = await collect(
      replay(
        endpoint('darwin', {
          '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ cleanupPeriodDays: 5 }),
          '/Library/Managed Preferences/alice/com.anthropic.claudecode.plist': plist({ cleanupPeriodDays: 3 }),
          '/Library/Application Support/ClaudeCode/managed-settings.json': json({ cleanupPeriodDays: 60, permissions: { deny: ['Read(~/.aws/**)'] } }),
        }),
      ),
    );
    const alice = facts.views.find((view) => view.user === 'alice');
    const claude = facts.views.find((view) => view.user === 'claude');
    expect(alice?.scalars.cleanupPeriodDays).toMatchObject({ value: 3, origin: { path: '/Library/Managed Preferences/alice/com.anthropic.claudecode.plist', line: 5, user: 'alice' } });
    expect(claude?.scalars.cleanupPeriodDays).toMatchObject({ value: 5, origin: { label: 'com.anthropic.claudecode', line: 5 } });
    expect(claude?.arrays['permissions.deny']).toBeUndefined();
    expect(facts.issues.map((issue) => issue.message)).toEqual(expect.arrayContaining([expect.stringMatching(/managed settings file is ignored: com\.anthropic\.claudecode holds a policy/)]));
    expect(facts.managed.sources.map((source) => source.path)).toEqual(['/Library/Managed Preferences/com.anthropic.claudecode.plist', '/Library/Application Support/ClaudeCode/managed-settings.json']);
  });

  it('win32: HKLM wins over the file and HKCU; the Settings value is JSON in a REG_SZ', async () => {
    const facts = await collect(
      replay(
        endpoint('win32', { 'C:\\Program Files\\ClaudeCode\\managed-settings.json': json({ cleanupPeriodDays: 60 }) }, { commands: claudePolicies({ codeHklm: { cleanupPeriodDays: 9 }, codeHkcu: { cleanupPeriodDays: 1 } }) }),
      ),
    );
    expect(facts.views[0]?.scalars.cleanupPeriodDays).toMatchObject({ value: 9, origin: { path: 'HKLM\\SOFTWARE\\Policies\\ClaudeCode', level: 'managed' } });
    expect(facts.managed).toMatchObject({ present: true, userWritable: [], deprecated: [] });
    expect(facts.managed.sources.map((source) => source.path)).toEqual(['HKLM\\SOFTWARE\\Policies\\ClaudeCode', 'C:\\Program Files\\ClaudeCode\\managed-settings.json', 'HKCU\\SOFTWARE\\Policies\\ClaudeCode']);
  });

  it('win32: flags HKCU acting as policy when no admin source exists, and the deprecated C:\\ProgramData path', async () => {
    const facts = await collect(
      replay(endpoint('win32', { 'C:\\ProgramData\\ClaudeCode\\managed-settings.json': json({ cleanupPeriodDays: 60 }) }, { commands: claudePolicies({ codeHkcu: '{"cleanupPeriodDays": 1, "permissions": {"defaultMode": "plan"}}' }) })),
    );
    expect(facts.managed.present).toBe(false);
    expect(facts.managed.winner?.path).toBe('HKCU\\SOFTWARE\\Policies\\ClaudeCode');
    expect(facts.managed.userWritable).toEqual([expect.objectContaining({ message: expect.stringContaining('user-writable') })]);
    expect(facts.managed.deprecated).toEqual([{ path: 'C:\\ProgramData\\ClaudeCode\\managed-settings.json', level: 'managed' }]);
    expect(facts.issues.some((issue) => /no longer read by Claude Code .*only managed settings file here/.test(issue.message))).toBe(true);
    // The deprecated file is not a layer: its 60 days do not apply, HKCU's 1 does.
    expect(facts.views[0]?.scalars.cleanupPeriodDays?.value).toBe(1);
    const result = await check(replay(endpoint('win32', { 'C:\\ProgramData\\ClaudeCode\\managed-settings.json': json({}) }, { commands: claudePolicies({ codeHkcu: {} }) })), 'agent.managed-policy');
    expect(result.status).toBe('fail');
  });

  it('reads Claude Desktop policies, decoding JSON strings; HKLM over HKCU per key', async () => {
    const facts = await collect(
      replay(endpoint('win32', {}, { commands: claudePolicies({ desktopHklm: { isLocalDevMcpEnabled: 'false', allowedWorkspaceFolders: '["C:\\\\src"]' }, desktopHkcu: { isLocalDevMcpEnabled: 'true', coworkEgressAllowedHosts: '["*.corp.example"]' } }) })),
    );
    expect(facts.desktop.policies.isLocalDevMcpEnabled).toMatchObject({ value: false, origin: { path: 'HKLM\\SOFTWARE\\Policies\\Claude' } });
    expect(facts.desktop.policies.allowedWorkspaceFolders?.value).toEqual(['C:\\src']);
    expect(facts.desktop.policies.coworkEgressAllowedHosts).toMatchObject({ value: ['*.corp.example'], origin: { level: 'user' } });
  });

  it('adds a view per project named in ~/.claude.json that has .claude settings', async () => {
    const facts = await collect(
      replay(
        endpoint('linux', {
          '/home/alice/.claude.json': json({ projects: { '/home/alice/src/a': {}, '/home/alice/src/b': {}, 'relative/c': {} } }, ALICE),
          '/home/alice/src/a/.claude/settings.json': json({ permissions: { allow: ['Bash(make)'] } }, ALICE),
          '/home/alice/src/b/README.md': { content: 'no settings' },
        }),
      ),
    );
    expect(facts.views.filter((view) => view.user === 'alice').map((view) => view.project)).toEqual([undefined, '/home/alice/src/a']);
    expect(facts.claudeUsers).toEqual(['alice']);
  });

  it('reports malformed files and shapes as issues with lines, never throws', async () => {
    const facts = await collect(
      replay(
        endpoint('linux', {
          '/home/alice/.claude/settings.json': { ...ALICE, content: '{\n  "permissions": {\n    "deny": ["Read(./x"],\n    "allow": [42]\n  },\n  "defaultMode": "plan",\n  "hooks": { "beforeTool": "/bin/true" },\n  "env": { "X": {} }\n' },
        }),
      ),
    );
    const messages = facts.issues.map((issue) => `${issue.origin.line ?? '-'} ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^3 permissions.deny rule "Read\(\.\/x": the closing parenthesis is missing/),
        expect.stringMatching(/^4 permissions.allow holds a number/),
        expect.stringMatching(/^6 "defaultMode" at the top level is not read; it belongs at permissions.defaultMode/),
        expect.stringMatching(/^7 hooks.beforeTool is not a list/),
        expect.stringMatching(/^8 env.X is not a string/),
        expect.stringMatching(/invalid JSON at line \d+/),
      ]),
    );
  });
});

describe('repository scope (--repo)', () => {
  it('reads only the repository\'s .claude files and reports findings at file and line', async () => {
    const repo = makeTempDir('agent-repo-');
    writeFileAt(path.join(repo, '.claude/settings.json'), '{\n  // shared with the team\n  "permissions": {\n    "defaultMode": "bypassPermissions",\n    "allow": ["Bash(npm test)", "Bash(curl:*)"],\n    "additionalDirectories": ["~/"]\n  }\n}\n');
    writeFileAt(path.join(repo, '.claude/settings.local.json'), '{ "permissions": { "allow": ["WebFetch"] } }\n');
    writeFileAt(path.join(repo, 'etc/claude-code/managed-settings.json'), '{ "permissions": { "disableBypassPermissionsMode": "disable" } }\n');
    const host = new RootHost(repo, 'repo');
    const facts = await collect(host);
    expect(facts.scope).toBe('repo');
    expect(facts.views).toHaveLength(1);
    expect(facts.views[0]?.layers.map((item) => item.origin.path)).toEqual(['/.claude/settings.local.json', '/.claude/settings.json']);

    const mode = await check(host, 'agent.permission-mode');
    expect(mode.status).toBe('fail');
    expect(mode.findings.map((finding) => [finding.location?.path, finding.location?.line])).toEqual([['/.claude/settings.json', 4]]);
    const broad = await check(host, 'agent.broad-allow-rules');
    expect(broad.findings.map((finding) => [finding.location?.path, finding.location?.line]).sort()).toEqual([
      ['/.claude/settings.json', 5],
      ['/.claude/settings.local.json', 1],
    ]);
    expect(broad.findings.find((finding) => finding.location?.line === 5)?.actions).toEqual([{ kind: 'set-json-key', path: '/.claude/settings.json', keyPath: ['permissions', 'allow'], value: ['Bash(npm test)'] }]);
    const reach = await check(host, 'agent.credential-reachability');
    expect(reach.findings.map((finding) => [finding.location?.path, finding.location?.line, finding.message.includes('home folder')])).toEqual([['/.claude/settings.json', 6, true]]);
    expect((await check(host, 'agent.managed-policy')).status).toBe('skipped');
  });

  it('passes a repository with scoped settings', async () => {
    const repo = makeTempDir('agent-repo-ok-');
    writeFileAt(path.join(repo, '.claude/settings.json'), '{ "permissions": { "allow": ["Bash(npm run lint)"], "deny": ["Read(./.env)"] } }\n');
    const host = new RootHost(repo, 'repo');
    for (const id of ['agent.permission-mode', 'agent.broad-allow-rules', 'agent.credential-reachability']) expect((await check(host, id)).status, id).toBe('pass');
  });
});

describe('offline images (--root)', () => {
  it('reads a binary managed-preferences plist of a macOS image', async () => {
    const image = makeTempDir('agent-mac-');
    // bplist00: { cleanupPeriodDays: 4 } written by hand (dict of one ASCII key and a 1-byte int).
    const objects = [Buffer.from([0xd1, 0x01, 0x02]), Buffer.concat([Buffer.from([0x5f, 0x10, 17]), Buffer.from('cleanupPeriodDays')]), Buffer.from([0x10, 0x04])];
    const body = Buffer.concat([Buffer.from('bplist00'), ...objects]);
    const offsets = [8, 8 + objects[0]!.length, 8 + objects[0]!.length + objects[1]!.length];
    const trailer = Buffer.alloc(32);
    trailer[6] = 1;
    trailer[7] = 1;
    trailer.writeBigUInt64BE(3n, 8);
    trailer.writeBigUInt64BE(0n, 16);
    trailer.writeBigUInt64BE(BigInt(body.length), 24);
    writeFileAt(path.join(image, 'Library/Managed Preferences/com.anthropic.claudecode.plist'), Buffer.concat([body, Buffer.from(offsets), trailer]));
    writeFileAt(path.join(image, 'Users/alice/.claude/settings.json'), '{ "cleanupPeriodDays": 90 }');
    const facts = await collect(new RootHost(image, 'root', 'darwin'));
    const alice = facts.views.find((view) => view.user === 'alice');
    expect(alice?.scalars.cleanupPeriodDays).toEqual({ value: 4, origin: { path: '/Library/Managed Preferences/com.anthropic.claudecode.plist', level: 'managed', label: 'com.anthropic.claudecode' } });
    expect(facts.managed.present).toBe(true);
  });

  it('flags a managed file the image ships writable by everyone', async () => {
    const image = makeTempDir('agent-linux-');
    writeFileAt(path.join(image, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    writeFileAt(path.join(image, 'etc/claude-code/managed-settings.json'), '{}', 0o666);
    const facts = await collect(new RootHost(image, 'root', 'linux'));
    expect(facts.managed.userWritable.map((issue) => issue.origin.path)).toContain('/etc/claude-code/managed-settings.json');
  });
});

describe('the corpus of real Claude settings files', () => {
  const files = readdirSync(CORPUS).filter((name) => name.endsWith('.json'));
  const read = (name: string) => readFileSync(path.join(CORPUS, name), 'utf8');
  const layerOf = (name: string) => layer(read(name), { path: `/corpus/${name}`, level: 'user', user: 'alice' });

  it.each(files)('%s parses without a crash, with positions', (name) => {
    const built = layerOf(name);
    const lines = [...Object.values(built.scalars).map((entry) => entry.origin.line), ...Object.values(built.arrays).flat().map((entry) => entry.origin.line), ...built.env.map((entry) => entry.origin.line)];
    expect(lines.every((line) => typeof line === 'number' && line >= 1)).toBe(true);
    expect(lines.length + built.hooks.length).toBeGreaterThan(0);
  });

  it('jmelahman: allow-all with skipDangerousModePermissionPrompt fails permission-mode and broad-allow-rules at its lines', async () => {
    const host = replay(endpoint('linux', { '/home/alice/.claude/settings.json': { ...ALICE, content: read('jmelahman-user-settings-allow-all-skipDangerous.json') } }));
    const mode = await check(host, 'agent.permission-mode');
    expect(mode.status).toBe('fail');
    expect(mode.findings.map((finding) => finding.location?.line)).toEqual([42]);
    const broad = await check(host, 'agent.broad-allow-rules');
    expect(broad.findings.map((finding) => [finding.location?.line, finding.message.match(/"(.*?)"/)?.[1]])).toEqual([
      [11, 'Bash(*)'],
      [12, 'Edit(*)'],
      [14, 'Read(*)'],
      [17, 'WebFetch(*)'],
    ]);
  });

  it('adamrupe: a deny rule without its closing parenthesis is an issue at line 6', () => {
    expect(layerOf('adamrupe-managed-settings-test-malformed-rule.json').problems).toEqual([{ message: 'permissions.deny rule "Read(./greetings.md": the closing parenthesis is missing, so the rule matches nothing', line: 6 }]);
  });

  it('zed: comments inside the allow list leave it empty; enableAllProjectMcpServers false at line 9', () => {
    const built = layerOf('zed-settings-jsonc-comments.json');
    expect(built.error).toBeUndefined();
    expect(built.arrays['permissions.allow']).toEqual([]);
    expect(built.scalars.enableAllProjectMcpServers).toMatchObject({ value: false, origin: { line: 9 } });
  });

  it('fmuecke and wwbrannon: keys placed at the top level are reported, not credited', () => {
    const fmuecke = layerOf('fmuecke-win-sandbox-managed-settings-powershell-deny.json');
    expect(fmuecke.problems).toEqual([{ message: '"disableBypassPermissionsMode" at the top level is not read; it belongs at permissions.disableBypassPermissionsMode', line: 46 }]);
    expect(fmuecke.arrays['permissions.deny']?.find((entry) => entry.value === 'WebFetch')?.origin.line).toBe(21);
    const view = mergeSettings([fmuecke]);
    expect(view.scalars['permissions.disableBypassPermissionsMode']).toBeUndefined();
    const wwbrannon = layerOf('wwbrannon-managed-settings-nonstandard-permissionRules.json');
    expect(wwbrannon.problems.map((problem) => problem.line)).toEqual([2, 3, 4, 315, 316]);
    expect(wwbrannon.arrays['permissions.deny']).toBeUndefined();
  });

  it('abumarebear: hooks with their events and matchers, cleanupPeriodDays 3, /tmp as an extra folder', () => {
    const built = layerOf('abumarebear-user-settings-hooks-deny-additionalDirs.json');
    expect(built.hooks.map((hook) => hook.event)).toEqual(['PreToolUse', 'PreToolUse', 'PreToolUse', 'Notification', 'Notification', 'UserPromptSubmit', 'UserPromptSubmit']);
    expect(built.hooks[0]).toMatchObject({ matcher: 'Bash', type: 'command', origin: { line: 136 } });
    expect(built.scalars.cleanupPeriodDays).toMatchObject({ value: 3, origin: { line: 201 } });
    expect(built.arrays['permissions.additionalDirectories']?.map((entry) => [entry.value, entry.origin.line])).toEqual([
      ['/tmp', 127],
      ['/private/tmp', 128],
    ]);
  });

  it('simcap: numeric env values are read as text', () => {
    const built = layerOf('simcap-managed-settings-numeric-env-no-eol.json');
    expect(built.env.length).toBeGreaterThan(0);
    expect(built.env.every((entry) => typeof entry.value === 'string')).toBe(true);
  });
});

describe('the network view is unchanged', () => {
  it('claude-settings still lists managed, drop-ins and user files with their env', async () => {
    const host = replay(
      endpoint('linux', {
        '/etc/claude-code/managed-settings.json': json({ env: { HTTPS_PROXY: 'http://proxy:3128' } }),
        '/home/alice/.claude/settings.json': json({ env: { NO_PROXY: '*' } }, ALICE),
      }),
    );
    const files = (await new FactStore(host).get(claudeSettings)).files;
    expect(files.map((file) => [file.path, file.level, file.env.map((entry) => entry.name)])).toEqual([
      ['/etc/claude-code/managed-settings.json', 'managed', ['HTTPS_PROXY']],
      ['/home/alice/.claude/settings.json', 'user', ['NO_PROXY']],
    ]);
  });
});
