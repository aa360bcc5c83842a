import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { folderContains, globRegExp, pathRuleMatches, resolvePathPattern, toRulePath } from '../src/agent/path-rules.js';
import { broadAllowReason, parsePermissionRule } from '../src/agent/permission-rules.js';

const linux = { home: '/home/alice', settingsRoot: '/home/alice/src/app', cwd: '/home/alice/src/app' };
const noCwd = { home: '/home/alice', settingsRoot: '/home/alice/.claude' };
const windows = { home: 'C:\\Users\\alice', settingsRoot: 'C:\\Users\\alice\\src\\app', cwd: 'C:\\Users\\alice\\src\\app', windows: true };

describe('toRulePath', () => {
  it('turns Windows paths into /c/... and keeps POSIX paths', () => {
    expect(toRulePath('C:\\Users\\alice\\.aws\\credentials', true)).toBe('/c/Users/alice/.aws/credentials');
    expect(toRulePath('D:/data/', true)).toBe('/d/data');
    expect(toRulePath('/home/alice//.ssh/./id_rsa')).toBe('/home/alice/.ssh/id_rsa');
    expect(toRulePath('/home/alice/src/../.aws')).toBe('/home/alice/.aws');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/), { maxLength: 6 }), fc.boolean(), (parts, win) => {
        const path = win ? `C:\\${parts.join('\\')}` : `/${parts.join('/')}`;
        const once = toRulePath(path, win);
        expect(toRulePath(once, win)).toBe(once);
      }),
    );
  });
});

describe('resolvePathPattern: the four anchors', () => {
  it('//abs, ~/, /settings-relative, ./ and bare cwd-relative', () => {
    expect(resolvePathPattern('//etc/passwd', linux)).toMatchObject({ anchor: 'absolute', base: '/', glob: 'etc/passwd' });
    expect(resolvePathPattern('~/.aws/**', linux)).toMatchObject({ anchor: 'home', base: '/home/alice', glob: '.aws/**' });
    expect(resolvePathPattern('/src/**/*.ts', linux)).toMatchObject({ anchor: 'settings', base: '/home/alice/src/app', glob: 'src/**/*.ts' });
    expect(resolvePathPattern('./.env', linux)).toMatchObject({ anchor: 'cwd', base: '/home/alice/src/app', glob: '.env', anyDepth: false });
    expect(resolvePathPattern('*.env', linux)).toMatchObject({ anchor: 'cwd', glob: '*.env', anyDepth: true });
    expect(resolvePathPattern('docs/*.md', linux)).toMatchObject({ anchor: 'cwd', anyDepth: false });
    expect(resolvePathPattern('secrets/', linux)).toMatchObject({ glob: 'secrets', directoryOnly: true, anyDepth: true });
  });

  it('normalises a drive letter to a settings-relative /c/... pattern, as the documentation describes', () => {
    expect(resolvePathPattern('C:\\Users\\alice\\.aws\\**', windows)).toMatchObject({ anchor: 'settings', glob: 'c/Users/alice/.aws/**' });
    expect(resolvePathPattern('//c/Users/alice/.aws/**', windows)).toMatchObject({ anchor: 'absolute', glob: 'c/Users/alice/.aws/**' });
  });
});

describe('globRegExp (gitignore)', () => {
  it('keeps * and ? inside a segment, lets ** span segments', () => {
    expect(globRegExp('*.pem', false).test('key.pem')).toBe(true);
    expect(globRegExp('*.pem', false).test('a/key.pem')).toBe(false);
    expect(globRegExp('*.pem', true).test('a/b/key.pem')).toBe(true);
    expect(globRegExp('id_rsa?', false).test('id_rsa2')).toBe(true);
    expect(globRegExp('**/secrets/**', false).test('secrets/x')).toBe(true);
    expect(globRegExp('**/secrets/**', false).test('a/b/secrets/c/d')).toBe(true);
    expect(globRegExp('a/**/b', false).test('a/b')).toBe(true);
    expect(globRegExp('a/**/b', false).test('a/x/y/b')).toBe(true);
    expect(globRegExp('a/**', false).test('a')).toBe(false);
    expect(globRegExp('id_[re]*', false).test('id_ed25519')).toBe(true);
    expect(globRegExp('id_[!e]*', false).test('id_ed25519')).toBe(false);
  });
});

describe('pathRuleMatches', () => {
  it('home rules cover files inside the folder (folder rules cover their contents)', () => {
    expect(pathRuleMatches('~/.aws/**', '/home/alice/.aws/credentials', linux)).toBe(true);
    expect(pathRuleMatches('~/.aws', '/home/alice/.aws/credentials', linux)).toBe(true);
    expect(pathRuleMatches('~/.aws/**', '/home/alice/.aws', linux, { isDirectory: true })).toBe(false);
    expect(pathRuleMatches('~/.aws/**', '/home/bob/.aws/credentials', linux)).toBe(false);
    expect(pathRuleMatches('~/.npmrc', '/home/alice/.npmrc', linux)).toBe(true);
    expect(pathRuleMatches('~/.npmrc', '/home/alice/src/.npmrc', linux)).toBe(false);
  });

  it('absolute rules and the whole disk', () => {
    expect(pathRuleMatches('//home/alice/.ssh/**', '/home/alice/.ssh/id_ed25519', linux)).toBe(true);
    expect(pathRuleMatches('//**', '/etc/shadow', linux)).toBe(true);
    expect(pathRuleMatches('//', '/etc/shadow', linux)).toBe(true);
  });

  it('relative rules cover only files below the working folder; without one they cover nothing', () => {
    expect(pathRuleMatches('**/.ssh/**', '/home/alice/src/app/fixtures/.ssh/id_rsa', linux)).toBe(true);
    expect(pathRuleMatches('**/.ssh/**', '/home/alice/.ssh/id_rsa', linux)).toBe(false);
    expect(pathRuleMatches('**/.ssh/**', '/home/alice/.ssh/id_rsa', noCwd)).toBe(false);
    expect(pathRuleMatches('.env', '/home/alice/src/app/deep/dir/.env', linux)).toBe(true);
    expect(pathRuleMatches('./.env', '/home/alice/src/app/deep/dir/.env', linux)).toBe(false);
    expect(pathRuleMatches('./.env', '/home/alice/src/app/.env', linux)).toBe(true);
  });

  it('/path is relative to the settings root, not the file system root', () => {
    expect(pathRuleMatches('/secrets/**', '/home/alice/src/app/secrets/db.txt', linux)).toBe(true);
    expect(pathRuleMatches('/etc/**', '/etc/shadow', linux)).toBe(false);
  });

  it('a trailing slash matches folders only', () => {
    expect(pathRuleMatches('~/.kube/', '/home/alice/.kube/config', linux)).toBe(true);
    expect(pathRuleMatches('~/.netrc/', '/home/alice/.netrc', linux, { isDirectory: false })).toBe(false);
  });

  it('Windows: case-insensitive, //c/ absolute, ~ home; drive letters in rules are settings-relative', () => {
    expect(pathRuleMatches('~/.aws/**', 'C:\\Users\\alice\\.aws\\credentials', windows)).toBe(true);
    expect(pathRuleMatches('~/.AWS/**', 'C:\\Users\\Alice\\.aws\\credentials', windows)).toBe(true);
    expect(pathRuleMatches('//c/Users/alice/.ssh/**', 'C:\\Users\\alice\\.ssh\\id_ed25519', windows)).toBe(true);
    expect(pathRuleMatches('//c/**/.env', 'C:\\work\\x\\.env', windows)).toBe(true);
    expect(pathRuleMatches('C:\\Users\\alice\\.aws\\**', 'C:\\Users\\alice\\.aws\\credentials', windows)).toBe(false);
  });

  it('never matches outside its base, whatever the names', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z]{1,6}$/), (folder, file) => {
        expect(pathRuleMatches(`~/${folder}/**`, `/home/bob/${folder}/${file}`, linux)).toBe(false);
        expect(pathRuleMatches(`~/${folder}/**`, `/home/alice/${folder}/${file}`, linux)).toBe(true);
      }),
    );
  });
});

describe('folderContains', () => {
  it('resolves ~ and compares whole segments', () => {
    expect(folderContains('~', '/home/alice/.aws', { home: '/home/alice' })).toBe(true);
    expect(folderContains('/home', '/home/alice', { home: '/home/alice' })).toBe(true);
    expect(folderContains('/home/al', '/home/alice', { home: '/home/alice' })).toBe(false);
    expect(folderContains('C:\\Users', 'C:\\Users\\alice', { home: 'C:\\Users\\alice', windows: true })).toBe(true);
    expect(folderContains('../..', '/home/alice', { home: '/home/alice', cwd: '/home/alice/src/app' })).toBe(true);
  });
});

describe('permission rules', () => {
  it('parses Tool and Tool(specifier), and reports malformed rules', () => {
    expect(parsePermissionRule('Bash(npm run test:*)')).toEqual({ tool: 'Bash', specifier: 'npm run test:*' });
    expect(parsePermissionRule('mcp__github__*')).toEqual({ tool: 'mcp__github__*' });
    expect(parsePermissionRule('Read(./greetings.md')).toMatchObject({ error: expect.stringContaining('closing parenthesis') });
    expect(parsePermissionRule('')).toMatchObject({ error: 'empty rule' });
  });

  it('tells blanket rules from scoped ones', () => {
    for (const rule of ['Bash', 'Bash(*)', 'Bash(:*)', 'PowerShell', 'Bash(python:*)', 'Bash(node *)', 'Bash(curl *)', 'Bash(/usr/bin/wget *)', 'Bash(* install)', 'Read(//**)', 'Read', 'Edit(~/**)', 'Read(~)', 'Read(C:/**)', 'Read(//c/**)', 'WebFetch', 'WebFetch(domain:*)']) {
      expect(broadAllowReason(rule), rule).toBeDefined();
    }
    for (const rule of ['Bash(npm run test:*)', 'Bash(git status)', 'Bash(curl https://api.example.com/health)', 'Read(~/projects/**)', 'Edit(./src/**)', 'WebFetch(domain:github.com)', 'mcp__github', 'Read(./greetings.md']) {
      expect(broadAllowReason(rule), rule).toBeUndefined();
    }
  });
});
