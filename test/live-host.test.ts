import { chmodSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveHost } from '../src/host/live-host.js';
import { makeTempDir, mkfifo, removeTempDirs, setfacl, within, writeFileAt } from './support/host-trees.js';

// The live host reads the running machine. Everything here runs on a real temp tree with real modes.

let dir: string;
const host = new LiveHost();

beforeAll(() => {
  dir = makeTempDir('live');
  writeFileAt(path.join(dir, 'secret.txt'), 'hello live host\n', 0o640);
  writeFileAt(path.join(dir, 'setuid-tool'), '#!/bin/sh\n', 0o4755);
  mkdirSync(path.join(dir, 'private'));
  chmodSync(path.join(dir, 'private'), 0o750);
  writeFileAt(path.join(dir, 'private', 'b.txt'), 'b');
  writeFileAt(path.join(dir, 'private', 'a.txt'), 'a');
  writeFileAt(path.join(dir, 'private', '.hidden'), 'h');
  symlinkSync('secret.txt', path.join(dir, 'link-to-secret'));
  symlinkSync(path.join(dir, 'private'), path.join(dir, 'link-to-private'));
  symlinkSync('does-not-exist', path.join(dir, 'dangling'));
  mkfifo(path.join(dir, 'pipe'));
});

afterAll(() => removeTempDirs());

describe('LiveHost file evidence', () => {
  it('lstat reports type, permission bits (with setuid), owner and size', async () => {
    const file = await host.lstat(path.join(dir, 'secret.txt'));
    expect(file).toMatchObject({ path: path.join(dir, 'secret.txt'), type: 'file', mode: 0o640, uid: process.getuid!(), size: 16 });
    expect(file?.linkTarget).toBeUndefined();
    expect((await host.lstat(path.join(dir, 'setuid-tool')))?.mode).toBe(0o4755);
    expect(await host.lstat(path.join(dir, 'private'))).toMatchObject({ type: 'dir', mode: 0o750 });
    expect((await host.lstat(path.join(dir, 'pipe')))?.type).toBe('other');
  });

  it('lstat does not follow a symlink and reports its target; stat follows it', async () => {
    const link = await host.lstat(path.join(dir, 'link-to-secret'));
    expect(link).toMatchObject({ type: 'symlink', linkTarget: 'secret.txt', path: path.join(dir, 'link-to-secret') });
    const followed = await host.stat(path.join(dir, 'link-to-secret'));
    expect(followed).toMatchObject({ type: 'file', mode: 0o640, size: 16, path: path.join(dir, 'link-to-secret') });
    expect(followed?.linkTarget).toBeUndefined();
    expect(await host.stat(path.join(dir, 'link-to-private'))).toMatchObject({ type: 'dir', mode: 0o750 });
  });

  it('absent and dangling paths are undefined, not errors', async () => {
    expect(await host.lstat(path.join(dir, 'nope'))).toBeUndefined();
    expect(await host.stat(path.join(dir, 'nope'))).toBeUndefined();
    expect(await host.stat(path.join(dir, 'secret.txt', 'below-a-file'))).toBeUndefined();
    expect(await host.stat(path.join(dir, 'dangling'))).toBeUndefined();
    expect((await host.lstat(path.join(dir, 'dangling')))?.type).toBe('symlink');
    expect(await host.readFile(path.join(dir, 'nope'))).toBeUndefined();
    expect(await host.listDir(path.join(dir, 'nope'))).toBeUndefined();
  });

  it('readFile returns the bytes, follows links and honours maxBytes', async () => {
    expect((await host.readFile(path.join(dir, 'secret.txt')))?.toString()).toBe('hello live host\n');
    expect((await host.readFile(path.join(dir, 'link-to-secret')))?.toString()).toBe('hello live host\n');
    const head = await host.readFile(path.join(dir, 'secret.txt'), 5);
    expect(head?.toString()).toBe('hello');
    expect(head?.length).toBe(5);
    expect((await host.readFile(path.join(dir, 'secret.txt'), 0))?.length).toBe(0);
    expect((await host.readFile(path.join(dir, 'secret.txt'), 1000))?.toString()).toBe('hello live host\n');
  });

  it('readFile returns undefined for a directory and never hangs on a FIFO', async () => {
    expect(await within(host.readFile(path.join(dir, 'private')), 3000, 'readFile(dir)')).toBeUndefined();
    expect(await within(host.readFile(path.join(dir, 'pipe')), 3000, 'readFile(fifo)')).toBeUndefined();
    expect(await within(host.readFile(path.join(dir, 'pipe'), 10), 3000, 'readFile(fifo, 10)')).toBeUndefined();
  });

  it('readFile of a character device is undefined (no endless read of /dev/zero)', async () => {
    expect(await within(host.readFile('/dev/zero'), 3000, 'readFile(/dev/zero)')).toBeUndefined();
  });

  // Kernel pseudo-files report size 0 but have content; sandbox and container evidence lives there
  // (/proc/1/cgroup, /proc/self/status, /proc/sys/...).
  it('readFile reads a /proc pseudo-file that reports size 0', async () => {
    const status = await host.readFile('/proc/self/status');
    expect(status?.toString()).toMatch(/^Name:/);
    expect((await host.readFile('/proc/version'))?.toString()).toBe(readFileSync('/proc/version', 'utf8'));
    expect((await host.readFile('/proc/version', 5))?.length).toBe(5);
  });

  it('listDir gives sorted entry names, hidden ones included, and follows a link to a folder', async () => {
    expect(await host.listDir(path.join(dir, 'private'))).toEqual(['.hidden', 'a.txt', 'b.txt']);
    expect(await host.listDir(path.join(dir, 'link-to-private'))).toEqual(['.hidden', 'a.txt', 'b.txt']);
    expect(await host.listDir(path.join(dir, 'secret.txt'))).toBeUndefined();
  });
});

describe('LiveHost.run', () => {
  it('a missing program is ran=false with a clear unavailable, not a throw', async () => {
    const result = await host.run('cowork-audit-no-such-program-7f3a', ['--version']);
    expect(result.ran).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.timedOut).toBeFalsy();
    expect(result.unavailable).toMatch(/cowork-audit-no-such-program-7f3a.*not available/);
  });

  it('a command that outlives its timeout is stopped: timedOut, ran=false', async () => {
    const started = Date.now();
    const result = await within(host.run('sleep', ['30'], { timeoutMs: 300 }), 15_000, 'run(sleep 30)');
    expect(result).toMatchObject({ ran: false, timedOut: true, exitCode: null });
    expect(result.unavailable).toMatch(/sleep timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  // A descendant that keeps the output pipe open (a helper started in the background) must not stretch
  // the timeout: the scan has to go on after timeoutMs, whatever the command left behind.
  it('a command whose background child keeps stdout open still returns at its timeout', async () => {
    const started = Date.now();
    const result = await within(host.run('sh', ['-c', 'sleep 20 & sleep 20'], { timeoutMs: 300 }), 8_000, 'run(sh -c "sleep 20 & sleep 20")');
    expect(result).toMatchObject({ ran: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('stdout, stderr and the exit code come back', async () => {
    const ok = await host.run('sh', ['-c', 'printf "out line\\n"; printf "err line\\n" >&2']);
    expect(ok).toMatchObject({ ran: true, exitCode: 0, stdout: 'out line', stderr: 'err line' });
    const failing = await host.run('sh', ['-c', 'echo partial; exit 3']);
    expect(failing).toMatchObject({ ran: true, exitCode: 3, stdout: 'partial' });
    expect(failing.unavailable).toBeUndefined();
  });

  it('arguments are never interpreted by a shell, and options.env reaches the child', async () => {
    const marker = path.join(dir, 'injected');
    const echoed = await host.run('echo', [`$(touch ${marker})`, ';', 'touch', marker]);
    expect(echoed.stdout).toBe(`$(touch ${marker}) ; touch ${marker}`);
    expect(() => readFileSync(marker)).toThrow();
    const withEnv = await host.run('sh', ['-c', 'printf %s "$COWORK_AUDIT_PATH:$LC_ALL"'], { env: { COWORK_AUDIT_PATH: '/a b/c' } });
    expect(withEnv.stdout).toBe('/a b/c:C');
  });

  it('an aborted command is ran=false, not a throw', async () => {
    const controller = new AbortController();
    const pending = host.run('sleep', ['30'], { signal: controller.signal, timeoutMs: 20_000 });
    setTimeout(() => controller.abort(), 100);
    const result = await within(pending, 10_000, 'run(aborted)');
    expect(result.ran).toBe(false);
    expect(result.unavailable).toBeTruthy();
  });
});

describe('LiveHost.acl', () => {
  it('reads a named-user POSIX ACL entry set with setfacl', async () => {
    const file = writeFileAt(path.join(dir, 'acl', 'shared.txt'), 'x', 0o600);
    setfacl('-m', 'u:12345:r', file);
    const acl = await host.acl(file);
    expect(acl.kind).toBe('posix');
    if (acl.kind !== 'posix') return;
    const named = acl.entries.filter((entry) => entry.tag === 'user' && !entry.isDefault);
    expect(named).toEqual([{ tag: 'user', qualifier: '12345', read: true, write: false, execute: false, isDefault: false }]);
    expect(acl.entries.find((entry) => entry.tag === 'user_obj')).toMatchObject({ read: true, write: true, execute: false });
    expect(acl.entries.find((entry) => entry.tag === 'mask')).toMatchObject({ read: true, write: false });
    expect(acl.entries.find((entry) => entry.tag === 'other')).toMatchObject({ read: false, write: false, execute: false });
  });

  it('reports the default ACL of a folder as isDefault entries', async () => {
    const folder = path.join(dir, 'acl', 'inherits');
    mkdirSync(folder, { recursive: true });
    setfacl('-d', '-m', 'g:23456:rx', folder);
    const acl = await host.acl(folder);
    expect(acl.kind).toBe('posix');
    if (acl.kind !== 'posix') return;
    expect(acl.entries).toContainEqual({ tag: 'group', qualifier: '23456', read: true, write: false, execute: true, isDefault: true });
    expect(acl.entries.filter((entry) => entry.tag === 'group' && !entry.isDefault)).toEqual([]);
  });

  it('a file with only mode bits has just the three base entries', async () => {
    const acl = await host.acl(path.join(dir, 'secret.txt'));
    expect(acl).toEqual({
      kind: 'posix',
      entries: [
        { tag: 'user_obj', read: true, write: true, execute: false, isDefault: false },
        { tag: 'group_obj', read: true, write: false, execute: false, isDefault: false },
        { tag: 'other', read: false, write: false, execute: false, isDefault: false },
      ],
    });
  });

  it('an absent path is unavailable evidence, not a throw', async () => {
    const acl = await host.acl(path.join(dir, 'no-such-file'));
    expect(acl.kind).toBe('unavailable');
  });
});

describe('LiveHost accounts, environment and info', () => {
  const passwd = () =>
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#') && line.split(':').length === 7)
      .map((line) => line.split(':'));

  it('users() agrees with /etc/passwd', async () => {
    const users = await host.users();
    const expected = passwd().map(([name, , uid, gid, , home]) => ({ name, uid: Number(uid), gid: Number(gid), home }));
    expect(users.map(({ name, uid, gid, home }) => ({ name, uid, gid, home }))).toEqual(expected);
    expect(users.length).toBeGreaterThan(0);
  });

  it('groups() agrees with /etc/group', async () => {
    const expected = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const [name, , gid, members = ''] = line.split(':');
        return { name, gid: Number(gid), members: members.split(',').filter(Boolean) };
      });
    expect((await host.groups()).map(({ name, gid, members }) => ({ name, gid, members }))).toEqual(expected);
  });

  it('currentUser() is the account running the scan (os.userInfo)', async () => {
    const info = os.userInfo();
    const current = await host.currentUser();
    expect(current).toMatchObject({ name: info.username, uid: info.uid, gid: info.gid });
    const row = passwd().find(([name]) => name === info.username);
    if (row) expect(current?.home).toBe(row[5]);
  });

  it('env() reflects process.env, including changes made after the host was created', async () => {
    process.env.COWORK_AUDIT_LIVE_TEST = 'value with spaces';
    try {
      const env = await host.env();
      expect(env.COWORK_AUDIT_LIVE_TEST).toBe('value with spaces');
      const expected = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined));
      expect(env).toEqual(expected);
    } finally {
      delete process.env.COWORK_AUDIT_LIVE_TEST;
    }
    expect((await host.env()).COWORK_AUDIT_LIVE_TEST).toBeUndefined();
  });

  it('info() names this machine', async () => {
    expect(await host.info()).toMatchObject({ kind: 'live', platform: 'linux', hostname: os.hostname() });
    expect(host.kind).toBe('live');
  });
});
