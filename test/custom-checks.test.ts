import { chmodSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { parseCustomChecks } from '../src/custom/declarative.js';
import type { AnyCheck } from '../src/engine/check.js';
import type { Host } from '../src/host/host.js';
import { LiveHost } from '../src/host/live-host.js';
import { ReplayHost, type ReplayEntry } from '../src/host/replay-host.js';
import { RootHost } from '../src/host/root-host.js';
import { scan } from '../src/scan/scan.js';
import { formatIssue, type SourceIssue } from '../src/util/yaml-source.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

afterAll(removeTempDirs);

const HEAD = (id: string) => `checks:
  - id: custom.test.${id}
    title: A custom test check
    area: agent
    severity: high
    platforms: [linux]
    rationale: Test.
    fix: Fix it.
`;

interface File {
  content: string;
  mode?: number;
}

interface Case {
  type: string;
  /** Body lines of the check (indented 4), with {P} standing for the tree prefix (live) or nothing. */
  body: string;
  pass: Record<string, File>;
  fail: Record<string, File>;
  failMessage: RegExp;
  line?: number;
}

const CASES: Case[] = [
  { type: 'file-present', body: 'path: "{P}/etc/acme/agent.conf"', pass: { '/etc/acme/agent.conf': { content: 'x' } }, fail: { '/etc/other': { content: 'x' } }, failMessage: /agent\.conf is missing/ },
  { type: 'file-absent', body: 'path: "{P}/etc/acme/debug.flag"', pass: { '/etc/other': { content: 'x' } }, fail: { '/etc/acme/debug.flag': { content: '' } }, failMessage: /debug\.flag exists and must not/ },
  { type: 'file-mode', body: 'path: "{P}/etc/acme/token"\n    max-mode: "0600"', pass: { '/etc/acme/token': { content: 't', mode: 0o600 } }, fail: { '/etc/acme/token': { content: 't', mode: 0o644 } }, failMessage: /mode 0644, more than 0600/ },
  {
    type: 'json-key',
    body: 'path: "{P}/etc/acme/settings.json"\n    key: permissions.defaultMode\n    not-equals: bypassPermissions',
    pass: { '/etc/acme/settings.json': { content: '{\n  // JSONC\n  "permissions": { "defaultMode": "default" },\n}\n' } },
    fail: { '/etc/acme/settings.json': { content: '{\n  // JSONC\n  "permissions": {\n    "defaultMode": "bypassPermissions"\n  }\n}\n' } },
    failMessage: /permissions\.defaultMode is "bypassPermissions", which is not allowed/,
    line: 4,
  },
  {
    type: 'yaml-key',
    body: 'path: "{P}/etc/acme/agent.yaml"\n    key: [telemetry, enabled]\n    equals: false',
    pass: { '/etc/acme/agent.yaml': { content: 'telemetry:\n  enabled: false\n' } },
    fail: { '/etc/acme/agent.yaml': { content: 'name: a\ntelemetry:\n  enabled: true\n' } },
    failMessage: /telemetry\.enabled is true; it must be false/,
    line: 3,
  },
  {
    type: 'env-key',
    body: 'path: "{P}/etc/environment"\n    key: HTTPS_PROXY\n    matches: "^http://proxy\\\\.acme\\\\.example:3128$"',
    pass: { '/etc/environment': { content: 'PATH=/usr/bin\nHTTPS_PROXY="http://proxy.acme.example:3128"\n' } },
    fail: { '/etc/environment': { content: 'PATH=/usr/bin\n\nHTTPS_PROXY=http://elsewhere:8080\n' } },
    failMessage: /HTTPS_PROXY is "http:\/\/elsewhere:8080", which does not match/,
    line: 3,
  },
  {
    type: 'ini-key',
    body: 'path: "{P}/etc/acme/agent.ini"\n    section: updates\n    key: channel\n    equals: "stable"',
    pass: { '/etc/acme/agent.ini': { content: '[updates]\nchannel = stable\n' } },
    fail: { '/etc/acme/agent.ini': { content: '[other]\nchannel = stable\n[updates]\nchannel = nightly\n' } },
    failMessage: /\[updates\] channel is "nightly"; it must be "stable"/,
    line: 4,
  },
];

function checkFor(c: Case, prefix: string): AnyCheck {
  const text = `${HEAD(c.type)}    type: ${c.type}\n    ${c.body.replaceAll('{P}', prefix)}\n`;
  const issues: SourceIssue[] = [];
  const checks = parseCustomChecks('test.yaml', text, new Set(), issues);
  expect(issues.map(formatIssue)).toEqual([]);
  return checks[0] as AnyCheck;
}

async function runOne(host: Host, check: AnyCheck) {
  const report = await scan({ host, baseline: 'recommended', checks: [...BUILTIN_CHECKS, check], selection: { only: [check.meta.id] } });
  expect(report.results).toHaveLength(1);
  return report.results[0] as (typeof report.results)[number];
}

function tree(files: Record<string, File>): string {
  const root = makeTempDir('custom');
  for (const [file, { content, mode }] of Object.entries(files)) {
    writeFileAt(path.join(root, file), content);
    if (mode !== undefined) chmodSync(path.join(root, file), mode);
  }
  return root;
}

function replay(files: Record<string, File>, commands: Record<string, { stdout: string }> = {}): ReplayHost {
  const entries: Record<string, ReplayEntry> = {};
  for (const [file, { content, mode }] of Object.entries(files)) entries[file] = { content, ...(mode !== undefined ? { mode: `0${mode.toString(8)}` } : {}) };
  return new ReplayHost({ platform: 'linux', users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }], files: entries, commands });
}

describe.each(CASES)('declarative $type', (c) => {
  for (const variant of ['pass', 'fail'] as const) {
    const check = (result: Awaited<ReturnType<typeof runOne>>) => {
      expect(result.status, result.message).toBe(variant);
      if (variant === 'fail') {
        expect(result.findings[0]?.message).toMatch(c.failMessage);
        if (c.line) expect(result.findings[0]?.location?.line).toBe(c.line);
        expect(result.remediation?.actions.length).toBeGreaterThan(0);
      }
    };
    it(`${variant === 'pass' ? 'passes' : 'fails'} on a live tree (absolute paths)`, async () => {
      const root = tree(c[variant]);
      check(await runOne(new LiveHost(), checkFor(c, root)));
    });
    it(`${variant === 'pass' ? 'passes' : 'fails'} on an image (--root)`, async () => {
      check(await runOne(new RootHost(tree(c[variant])), checkFor(c, '')));
    });
    it(`${variant === 'pass' ? 'passes' : 'fails'} on a recorded endpoint (replay)`, async () => {
      check(await runOne(replay(c[variant]), checkFor(c, '')));
    });
  }
});

describe('declarative command-output', () => {
  const make = (test: string) => checkFor({ type: 'command-output', body: `command: [uname, -s]\n    ${test}`, pass: {}, fail: {}, failMessage: /x/ }, '');
  it('passes and fails live, through host.run', async () => {
    expect((await runOne(new LiveHost(), make('matches: "^Linux"'))).status).toBe('pass');
    const fail = await runOne(new LiveHost(), make('not-matches: "Linux"'));
    expect(fail.status).toBe('fail');
    expect(fail.findings[0]?.message).toMatch(/output of uname -s matches \/Linux\//);
  });
  it('passes and fails on replay from recorded output, and is skipped on an image', async () => {
    const host = replay({}, { 'uname -s': { stdout: 'Linux\n' } });
    expect((await runOne(host, make('matches: "^Linux$"'))).status).toBe('pass');
    expect((await runOne(host, make('matches: "^Darwin$"'))).status).toBe('fail');
    expect((await runOne(replay({}), make('matches: "^Linux$"'))).message).toMatch(/evidence unavailable: uname -s was not recorded/);
    expect((await runOne(new RootHost(tree({ '/etc/x': { content: '' } })), make('matches: "^Linux$"'))).message).toMatch(/not applicable to root targets/);
  });
});

describe('declarative paths under ~ and owners', () => {
  it('expands ~ to every audited home and checks the owner with {user}', async () => {
    const issues: SourceIssue[] = [];
    const [check] = parseCustomChecks('t.yaml', `${HEAD('home')}    type: file-mode\n    path: ~/.acme/token\n    max-mode: "0600"\n    owner: "{user}"\n    remediation:\n      - {kind: chmod, path: "{path}", mode: "0600"}\n`, new Set(), issues);
    expect(issues).toEqual([]);
    const host = new ReplayHost({
      platform: 'linux',
      users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }, { name: 'ana', uid: 1000, gid: 1000, home: '/home/ana' }, { name: 'bo', uid: 1001, gid: 1001, home: '/home/bo' }],
      files: { '/home/ana/.acme/token': { mode: '0600', uid: 1000 }, '/home/bo/.acme/token': { mode: '0640', uid: 0 }, '/home/bo/.profile': {}, '/root/.profile': {} },
    });
    const result = await runOne(host, check as AnyCheck);
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => `${finding.subject}: ${finding.message}`)).toEqual([
      'bo: /home/bo/.acme/token has mode 0640, more than 0600 allows',
      'bo: /home/bo/.acme/token is owned by root, not bo',
    ]);
    expect(result.remediation?.actions).toEqual([{ kind: 'chmod', path: '/home/bo/.acme/token', mode: '0600' }]);
  });
});

describe('invalid custom check files', () => {
  const problems = (text: string, taken: string[] = []) => {
    const issues: SourceIssue[] = [];
    parseCustomChecks('bad.yaml', text, new Set(taken), issues);
    return issues.map(formatIssue);
  };
  it('name file, line and key path for unknown keys, bad regex, bad mode, bad ids', () => {
    expect(problems(`${HEAD('x')}    type: file-mode\n    path: /etc/x\n    max-mode: "999"\n    colour: red\n`)).toEqual([
      'bad.yaml:12:5: checks[0].colour: unknown key for a file-mode check (allowed: id, title, area, severity, platforms, targets, rationale, fix, references, remediation, type, path, paths, max-mode, owner, missing)',
      'bad.yaml:11:5: checks[0].max-mode: expected an octal mode in quotes, for example "0600"',
    ]);
    expect(problems(`${HEAD('x')}    type: env-key\n    path: /etc/environment\n    key: A\n    matches: "(unclosed"\n`)).toEqual([
      expect.stringMatching(/^bad\.yaml:12:5: checks\[0\]\.matches: invalid regular expression: /),
    ]);
    expect(problems(HEAD('x').replace('custom.test.x', 'credentials.mine') + '    type: file-present\n    path: /etc/x\n')).toEqual([
      'bad.yaml:2:5: checks[0].id: "credentials.mine" starts with the built-in area "credentials": custom ids use their own namespace, for example custom.<org>.<name>',
    ]);
    expect(problems(`${HEAD('x')}    type: file-present\n    path: /etc/x\n`, ['custom.test.x'])).toEqual([
      'bad.yaml:2:5: checks[0].id: check id "custom.test.x" is already defined (built-in or another custom check)',
    ]);
    expect(problems(`${HEAD('x')}    type: command-output\n    command: [id]\n    targets: [root]\n    matches: x\n`)).toEqual([
      'bad.yaml:11:5: checks[0].targets: command-output checks run commands, so only on live (and recorded replay) targets, never on root or repo',
    ]);
    expect(problems(`${HEAD('x')}    type: file-present\n    path: relative/x\n    remediation:\n      - {kind: rm, path: x}\n`)).toEqual([
      'bad.yaml:10:5: checks[0].path: "relative/x" must be absolute or start with ~/',
      'bad.yaml:12:10: checks[0].remediation[0].kind: expected one of chmod, chown, set-json-key, set-env-line, write-file, registry-set, manual',
    ]);
  });
});
