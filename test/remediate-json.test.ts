import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setJsonKey } from '../src/remediate/json-edit.js';
import type { AuditReport } from '../src/report/report-model.js';
import { reportWithActions } from './support/sample-reports.js';
import { CLI, runCli } from './support/cli.js';

const SETTINGS = '// team settings\r\n{\r\n  "permissions": {\r\n    "defaultMode": "bypassPermissions", // risky\r\n    "allow": ["Bash(npm run *)"]\r\n  },\r\n  "env": { "A": "1" },\r\n}\r\n';
const HOSTILE_DIR = "home/alice/it's $(touch PWNED) `x`;\nproj";

function reportFor(root: string, actions: object[]): AuditReport {
  return reportWithActions({ kind: 'root', platform: 'linux', path: root }, actions, { id: 'agent.permission-mode', area: 'agent', severity: 'high' });
}

describe('setJsonKey', () => {
  it('changes one key and keeps comments, other keys, CRLF and trailing commas', () => {
    const edit = setJsonKey(SETTINGS, ['permissions', 'defaultMode'], 'default');
    expect(edit.changed).toBe(true);
    expect(edit.before).toBe('bypassPermissions');
    expect(edit.text).toBe(SETTINGS.replace('"bypassPermissions"', '"default"'));
  });

  it('adds a missing key with dots in its name as one key, and reports no change when already set', () => {
    const added = setJsonKey('{\n\t"a": 1\n}\n', ['chat.tools.global.autoApprove'], false);
    expect(added.text).toBe('{\n\t"a": 1,\n\t"chat.tools.global.autoApprove": false\n}\n');
    expect(setJsonKey(added.text, ['chat.tools.global.autoApprove'], false).changed).toBe(false);
  });

  it('refuses invalid JSON with the line', () => {
    expect(() => setJsonKey('{\n  "a": 1\n  "b": 2\n}', ['a'], 2, 'x.json')).toThrow(/x\.json:3: not valid JSON/);
  });
});

describe('bash remediation of JSON settings', () => {
  it('edits in place under --root, keeps comments, is idempotent, refuses bad JSON and rolls back byte for byte', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cowork-json-'));
    const work = mkdtempSync(path.join(tmpdir(), 'cowork-json-out-'));
    const settings = path.join(root, HOSTILE_DIR, '.claude/settings.json');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, SETTINGS);
    chmodSync(settings, 0o640);
    const broken = path.join(root, 'home/alice/.vscode/settings.json');
    mkdirSync(path.dirname(broken), { recursive: true });
    writeFileSync(broken, '{ "a": 1,, }');
    const inside = `/${HOSTILE_DIR}/.claude/settings.json`;
    const reportFile = path.join(work, 'report.json');
    writeFileSync(
      reportFile,
      JSON.stringify(
        reportFor(root, [
          { kind: 'set-json-key', path: inside, keyPath: ['permissions', 'defaultMode'], value: 'default' },
          { kind: 'set-json-key', path: inside, keyPath: ['permissions', 'disableBypassPermissionsMode'], value: 'disable' },
          { kind: 'set-json-key', path: '/home/alice/.vscode/settings.json', keyPath: ['chat.tools.global.autoApprove'], value: false },
        ]),
      ),
    );
    const generated = runCli(['remediate', reportFile]);
    expect(generated.code).toBe(0);
    const script = path.join(work, 'remediate.sh');
    writeFileSync(script, generated.stdout);
    expect(spawnSync('shellcheck', [script], { encoding: 'utf8' }).stdout).toBe('');

    // The script finds the binary through COWORK_AUDIT, as MDM deployments set it.
    const bin = path.join(work, 'cowork-audit');
    writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(bin, 0o755);
    const run = (args: string[]) => spawnSync('bash', [script, '--root', root, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, COWORK_AUDIT: bin } });

    const dry = run([]);
    expect(dry.stdout).toContain(`set ${inside} ["permissions","defaultMode"] -> "default"`);
    expect(readFileSync(settings, 'utf8')).toBe(SETTINGS);

    const inode = statSync(settings).ino;
    const applied = run(['--apply', '--rollback', path.join(work, 'rollback.sh')]);
    expect(applied.stderr).toContain('REFUSED: /home/alice/.vscode/settings.json: cannot be edited safely');
    expect(applied.status).toBe(3);
    const after = readFileSync(settings, 'utf8');
    expect(after).toContain('"defaultMode": "default", // risky');
    expect(after).toContain('"disableBypassPermissionsMode": "disable"');
    expect(after.startsWith('// team settings\r\n')).toBe(true);
    expect(after).toContain('"env": { "A": "1" }');
    expect(statSync(settings).ino).toBe(inode);
    expect(statSync(settings).mode & 0o777).toBe(0o640);
    expect(readFileSync(broken, 'utf8')).toBe('{ "a": 1,, }');
    for (const folder of [root, work, process.cwd()]) {
      expect(readdirSync(folder, { recursive: true }).some((name) => path.basename(String(name)) === 'PWNED')).toBe(false);
    }

    const again = run(['--apply', '--rollback', path.join(work, 'rollback-2.sh')]);
    expect(again.stdout).toContain('done: 0 change(s) made, 1 refused');

    const back = spawnSync('bash', [path.join(work, 'rollback.sh')], { cwd: work, encoding: 'utf8' });
    expect(back.status).toBe(0);
    expect(readFileSync(settings, 'utf8')).toBe(SETTINGS);
  });
});
