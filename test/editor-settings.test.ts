import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorSettings } from '../src/collectors/editor-settings.js';
import { policyBoolean, policyFor, setPolicyActions } from '../src/editors/vscode-policy.js';
import { ReplayHost } from '../src/host/replay-host.js';
import { EDITOR_SETTING_KEYS, normaliseMcpAccess, parseEditorSettings, telemetryLevelOf, VSCODE_POLICIES } from '../src/parsers/editor-settings.js';
import { endpoint } from '../checks/scenario-kit.js';
import { registryKey } from '../checks/network-kit.js';
import type { Collector } from '../src/engine/collector.js';
import { targetUsers } from '../src/collectors/target-users.js';
import { claudeJson } from '../src/collectors/claude-json.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const read = (kind: string, name: string) => readFileSync(path.join(CORPUS, kind, name), 'utf8');

describe('parseEditorSettings on the real corpus', () => {
  const files = ['vscode', 'cursor', 'claude'].flatMap((kind) => readdirSync(path.join(CORPUS, kind)).map((name) => [kind, name] as const));

  it.each(files)('%s/%s parses without throwing', (kind, name) => {
    const parsed = parseEditorSettings(read(kind, name));
    expect(typeof parsed.values).toBe('object');
    for (const setting of Object.values(parsed.values)) expect(setting.line).toBeGreaterThan(0);
  });

  it('maxmilton VS Code settings: telemetry off three ways, each at its line; comments around them', () => {
    const parsed = parseEditorSettings(read('vscode', 'maxmilton-user-settings-telemetry-many.json'));
    expect(parsed.error).toBeUndefined();
    expect(parsed.values).toEqual({
      'telemetry.enableCrashReporter': { key: 'telemetry.enableCrashReporter', value: false, line: 207 },
      'telemetry.enableTelemetry': { key: 'telemetry.enableTelemetry', value: false, line: 208 },
      'telemetry.telemetryLevel': { key: 'telemetry.telemetryLevel', value: 'off', line: 210 },
    });
    // The legacy switches decide first, as VS Code's getTelemetryLevel does.
    expect(telemetryLevelOf(parsed.values)).toMatchObject({ level: 'off', legacy: true, setting: { key: 'telemetry.enableTelemetry', line: 208 } });
  });

  it('maxmilton Cursor and Windsurf settings (same dotfiles, shifted lines); the commented-out chat.disableAIFeatures is not read', () => {
    const cursor = parseEditorSettings(read('cursor', 'maxmilton-cursor-user-settings-privacy-comments.json'));
    expect(cursor.values['telemetry.telemetryLevel']).toEqual({ key: 'telemetry.telemetryLevel', value: 'off', line: 207 });
    const windsurf = parseEditorSettings(read('vscode', 'maxmilton-windsurf-user-settings.json'));
    expect(windsurf.values['telemetry.telemetryLevel']?.line).toBe(206);
    expect(parseEditorSettings(read('cursor', 'maxmilton-cursor-user-settings-privacy-comments.json'), ['chat.disableAIFeatures']).values).toEqual({});
  });

  it('storopoli JSONC: a trailing comment after the value, 4-space indent without a final newline', () => {
    const vscode = parseEditorSettings(read('vscode', 'storopoli-user-settings-jsonc-telemetry-off.json'));
    expect(vscode.error).toBeUndefined();
    expect(vscode.values['telemetry.telemetryLevel']).toEqual({ key: 'telemetry.telemetryLevel', value: 'off', line: 2 });
    const cursor = parseEditorSettings(read('cursor', 'storopoli-cursor-user-settings-4space.json'));
    expect(cursor.values['telemetry.telemetryLevel']).toEqual({ key: 'telemetry.telemetryLevel', value: 'off', line: 2 });
    expect(telemetryLevelOf(cursor.values)).toMatchObject({ level: 'off', legacy: false });
  });

  it('brendon-codes Cursor settings: telemetry off at line 58; abumarebear: no telemetry key at all', () => {
    expect(parseEditorSettings(read('cursor', 'brendon-codes-cursor-user-settings.json')).values['telemetry.telemetryLevel']?.line).toBe(58);
    const abu = parseEditorSettings(read('vscode', 'abumarebear-vscode-settings-disableAIFeatures.json'));
    expect(abu.values).toEqual({});
    expect(telemetryLevelOf(abu.values)).toBeUndefined();
    expect(parseEditorSettings(read('vscode', 'abumarebear-vscode-settings-disableAIFeatures.json'), ['chat.disableAIFeatures']).values['chat.disableAIFeatures']).toEqual({ key: 'chat.disableAIFeatures', value: true, line: 54 });
  });
});

describe('parseEditorSettings on files written for the test', () => {
  it('reads nested objects, lets the dotted key win, keeps only scalars, and reports broken JSON with its line', () => {
    const nested = parseEditorSettings('{\n  "chat": {\n    "tools": { "global": { "autoApprove": true } }\n  },\n  "security": { "workspace": { "trust": { "enabled": false } } },\n  "security.workspace.trust.enabled": true\n}');
    expect(nested.values['chat.tools.global.autoApprove']).toEqual({ key: 'chat.tools.global.autoApprove', value: true, line: 3 });
    expect(nested.values['security.workspace.trust.enabled']).toEqual({ key: 'security.workspace.trust.enabled', value: true, line: 6 });
    expect(parseEditorSettings('{ "chat.mcp.access": { "x": 1 } }').values).toEqual({});
    const broken = parseEditorSettings('{\n  "telemetry.telemetryLevel": "off",\n  "x": [\n}');
    expect(broken.error).toMatch(/^invalid JSON at line \d/);
    expect(broken.values['telemetry.telemetryLevel']?.value).toBe('off');
    expect(parseEditorSettings('"just a string"').error).toBe('the top level is not a JSON object');
    expect(parseEditorSettings('\uFEFF{ "telemetry.telemetryLevel": "crash" }').values['telemetry.telemetryLevel']?.value).toBe('crash');
  });

  it('knows the telemetry precedence and the MCP access vocabularies', () => {
    const values = parseEditorSettings('{ "telemetry.telemetryLevel": "all", "telemetry.enableCrashReporter": false }').values;
    expect(telemetryLevelOf(values)).toMatchObject({ level: 'off', legacy: true });
    expect(telemetryLevelOf(parseEditorSettings('{ "telemetry.enableTelemetry": true, "telemetry.telemetryLevel": "error" }').values)).toMatchObject({ level: 'error' });
    expect(['none', 'off', false, 'registry', 'registryOnly', 'all', 'allowed', true, 'weird', 3].map((value) => normaliseMcpAccess(value))).toEqual(['none', 'none', 'none', 'registry', 'registry', 'all', 'all', 'all', undefined, undefined]);
    expect(Object.keys(VSCODE_POLICIES)).toEqual(['TelemetryLevel', 'ChatToolsAutoApprove', 'ChatMCP']);
    expect(EDITOR_SETTING_KEYS).toContain('chat.tools.global.autoApprove');
    expect([1, 0, '1', 'false', true, 'maybe'].map(policyBoolean)).toEqual([true, false, true, false, true, undefined]);
  });
});

/** Runs one collector (and what it needs) on a replay endpoint. */
async function collect<T>(collector: Collector<T>, host: ReplayHost): Promise<T> {
  const cache = new Map<string, Promise<unknown>>();
  const get = <U>(c: Collector<U>): Promise<U> => {
    if (!cache.has(c.id)) cache.set(c.id, c.collect({ params: {}, host, signal: new AbortController().signal, get }));
    return cache.get(c.id) as Promise<U>;
  };
  return get(collector);
}

describe('editor-settings collector', () => {
  it('linux: presence by install path or data folder, user and workspace settings, the policy file', async () => {
    const host = new ReplayHost(
      endpoint('linux', {
        '/usr/share/code': { type: 'dir' },
        '/home/alice/.config/Code/User/settings.json': { content: '{ "telemetry.telemetryLevel": "error" }' },
        '/home/claude/.config/Windsurf/User/keybindings.json': { content: '[]' },
        '/home/alice/.claude.json': { content: '{ "projects": { "/home/alice/p": {}, "relative/ignored": {} } }' },
        '/home/alice/p/.vscode/settings.json': { content: '{\n  "chat.mcp.access": "registry"\n}' },
        '/etc/vscode/policy.json': { content: '{\n  "TelemetryLevel": "off",\n  "ChatMCP": "none",\n  "Unrelated": 1\n}' },
      }),
    );
    const facts = await collect(editorSettings, host);
    expect(facts.editors.map((editor) => [editor.editor, editor.present, editor.installs, editor.users])).toEqual([
      ['vscode', true, ['/usr/share/code'], ['alice']],
      ['cursor', false, [], []],
      ['windsurf', true, [], ['claude']],
    ]);
    expect(facts.userSettings.map((file) => [file.editor, file.user, file.path, file.exists])).toEqual([
      ['vscode', 'alice', '/home/alice/.config/Code/User/settings.json', true],
      ['windsurf', 'claude', '/home/claude/.config/Windsurf/User/settings.json', false],
    ]);
    expect(facts.workspace).toEqual([{ path: '/home/alice/p/.vscode/settings.json', project: '/home/alice/p', user: 'alice', values: { 'chat.mcp.access': { key: 'chat.mcp.access', value: 'registry', line: 2 } } }]);
    expect(facts.policies).toEqual([{ kind: 'file', location: '/etc/vscode/policy.json', values: { TelemetryLevel: { value: 'off', line: 2 }, ChatMCP: { value: 'none', line: 3 } } }]);
    expect(policyFor(facts, 'ChatMCP')?.value).toBe('none');
    expect(setPolicyActions(facts, 'TelemetryLevel', 'off')).toEqual([{ kind: 'set-json-key', path: '/etc/vscode/policy.json', keyPath: ['TelemetryLevel'], value: 'off' }]);
    expect((await collect(targetUsers, host)).audited.map((user) => user.name)).toEqual(['alice', 'claude']);
    expect((await collect(claudeJson, host)).projectRoots).toEqual([{ path: '/home/alice/p', user: 'alice' }]);
  });

  it('claude-json: CLAUDE_CONFIG_DIR of the scanning user moves ~/.claude.json; Windows project keys become folders', async () => {
    const linux = new ReplayHost({
      ...endpoint('linux', {
        '/home/alice/.claude.json': { content: '{ "projects": { "/home/alice/old": {} } }' },
        '/home/alice/.config/claude/.claude.json': { content: '{ "projects": { "/home/alice/new": {} } }' },
      }),
      currentUser: 'alice',
      env: { CLAUDE_CONFIG_DIR: '/home/alice/.config/claude' },
    });
    const facts = await collect(claudeJson, linux);
    expect(facts.files.map((file) => file.path)).toEqual(['/home/alice/.config/claude/.claude.json']);
    expect(facts.projectRoots).toEqual([{ path: '/home/alice/new', user: 'alice' }]);
    const win = new ReplayHost(endpoint('win32', { 'C:\\Users\\alice\\.claude.json': { content: '{ "projects": { "C:/Users/alice/source/repos/shop/": {}, "c:\\\\users\\\\alice\\\\source\\\\repos\\\\shop": {} } }' } }));
    expect((await collect(claudeJson, win)).projectRoots).toEqual([{ path: 'C:\\Users\\alice\\source\\repos\\shop', user: 'alice' }]);
  });

  it('win32: HKLM wins over HKCU; a key that is not recorded is unavailable evidence, not an error', async () => {
    const host = new ReplayHost(
      endpoint('win32', { 'C:\\Users\\alice\\AppData\\Local\\Programs\\Microsoft VS Code': { type: 'dir' } }, {
        commands: { ...registryKey('HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode', { ChatToolsAutoApprove: 0 }), ...registryKey('HKCU\\SOFTWARE\\Policies\\Microsoft\\VSCode', { ChatToolsAutoApprove: 1, TelemetryLevel: 'all' }) },
      }),
    );
    const facts = await collect(editorSettings, host);
    expect(facts.editors[0]).toMatchObject({ editor: 'vscode', present: true, installs: ['C:\\Users\\alice\\AppData\\Local\\Programs\\Microsoft VS Code'] });
    expect(policyFor(facts, 'ChatToolsAutoApprove')).toMatchObject({ value: 0, source: { location: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode' } });
    expect(policyFor(facts, 'TelemetryLevel')).toMatchObject({ value: 'all', source: { location: 'HKCU\\SOFTWARE\\Policies\\Microsoft\\VSCode' } });
    expect(setPolicyActions(facts, 'ChatToolsAutoApprove', false)).toEqual([{ kind: 'registry-set', key: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode', name: 'ChatToolsAutoApprove', type: 'DWord', value: 0 }]);

    const unrecorded = await collect(editorSettings, new ReplayHost(endpoint('win32', {})));
    expect(unrecorded.policies).toEqual([]);
    expect(unrecorded.policyUnavailable).toHaveLength(2);
  });

  it('darwin: per-user managed preferences win over the machine-wide ones for that user', async () => {
    const plist = (value: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n  <key>TelemetryLevel</key>\n  <string>${value}</string>\n</dict>\n</plist>\n`;
    const host = new ReplayHost(
      endpoint('darwin', {
        '/Library/Managed Preferences/com.microsoft.VSCode.plist': { content: plist('off') },
        '/Library/Managed Preferences/alice/com.microsoft.VSCode.plist': { content: plist('error') },
      }),
    );
    const facts = await collect(editorSettings, host);
    expect(policyFor(facts, 'TelemetryLevel', 'alice')).toMatchObject({ value: 'error', line: 4 });
    expect(policyFor(facts, 'TelemetryLevel', 'claude')).toMatchObject({ value: 'off', source: { location: '/Library/Managed Preferences/com.microsoft.VSCode.plist' } });
    expect(setPolicyActions(facts, 'TelemetryLevel', 'off')[0]?.kind).toBe('manual');
  });
});

describe('remediation: the set-json-key actions fix what they are for', () => {
  it('a --root image re-audited after applying the actions passes agent.editor-settings and telemetry.editors', async () => {
    const { existsSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync: readText } = await import('node:fs');
    const os = await import('node:os');
    const { RootHost } = await import('../src/host/root-host.js');
    const { runChecks } = await import('../src/engine/runner.js');
    const { defaultsOf } = await import('../src/engine/params-schema.js');
    const { setJsonKey } = await import('../src/remediate/json-edit.js');
    const editorCheck = (await import('../checks/agent/editor-settings.js')).default;
    const telemetryCheck = (await import('../checks/telemetry/editors.js')).default;
    const root = mkdtempSync(path.join(os.tmpdir(), 'cowork-editor-fix-'));
    const put = (rel: string, content: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), content);
    };
    put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n');
    put('etc/group', 'root:x:0:\nalice:x:1000:\n');
    const settings = 'home/alice/.config/Code/User/settings.json';
    put(settings, '{\n  // mine\n  "chat.tools.global.autoApprove": true,\n  "security.workspace.trust.enabled": false,\n  "editor.tabSize": 2,\n}\n');
    put('home/alice/.config/Cursor/User/settings.json', '{\n\t"chat.tools.autoApprove": true\n}');
    const checks = [editorCheck, telemetryCheck].map((check) => ({ check: check as never, severity: check.meta.severity, params: defaultsOf(check.params) as never }));
    const audit = async () => (await runChecks({ host: new RootHost(root, 'root', 'linux'), checks })).results;

    const before = await audit();
    expect(before.map((result) => [result.checkId, result.status, result.findings.length])).toEqual([
      ['agent.editor-settings', 'fail', 3],
      ['telemetry.editors', 'fail', 2],
    ]);
    for (const result of before) {
      for (const finding of result.findings) {
        for (const action of finding.actions ?? []) {
          const file = path.join(root, action.kind === 'set-json-key' || action.kind === 'write-file' ? action.path : '');
          // As the script writers do: set-json-key edits existing files only; write-file creates.
          if (action.kind === 'set-json-key' && existsSync(file)) writeFileSync(file, setJsonKey(readText(file, 'utf8'), action.keyPath, action.value, action.path).text);
          if (action.kind === 'write-file') {
            expect(existsSync(file)).toBe(false);
            mkdirSync(path.dirname(file), { recursive: true });
            writeFileSync(file, action.content);
          }
        }
      }
    }
    const after = await audit();
    expect(after.map((result) => [result.checkId, result.status])).toEqual([
      ['agent.editor-settings', 'pass'],
      ['telemetry.editors', 'pass'],
    ]);
    // The comment and the other keys survive the edit; the policy file was created for VS Code.
    expect(readText(path.join(root, settings), 'utf8')).toMatch(/\/\/ mine[\s\S]*"editor.tabSize": 2/);
    expect(JSON.parse(readText(path.join(root, 'etc/vscode/policy.json'), 'utf8'))).toEqual({ TelemetryLevel: 'off' });
  });
});
