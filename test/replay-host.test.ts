import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostAccessError } from '../src/host/host.js';
import { commandKey, loadReplaySpec, ReplayHost, type ReplaySpec } from '../src/host/replay-host.js';
import { UsageError } from '../src/util/usage-error.js';
import { makeTempDir, removeTempDirs } from './support/host-trees.js';

// The replay host answers from a recorded endpoint: this is how macOS and Windows checks run on Linux CI,
// so it must behave like the real file system would (implied folders, links, case, ACL inheritance).

afterAll(() => removeTempDirs());

const alice = { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' };

function linuxHost(extra: Partial<ReplaySpec> = {}): ReplayHost {
  return new ReplayHost({
    platform: 'linux',
    hostname: 'dev-laptop',
    os: 'Ubuntu 24.04 LTS',
    currentUser: 'alice',
    env: { HOME: '/home/alice', HTTPS_PROXY: 'http://proxy.corp:3128' },
    users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }, alice],
    groups: [{ name: 'docker', gid: 998, members: ['alice'] }],
    files: {
      '/home/alice': { type: 'dir', mode: '0750', uid: 1000, gid: 1000 },
      '/home/alice/.aws/credentials': { content: '[default]\naws_access_key_id = AKIA...\n', mode: '0600', uid: 1000, gid: 1000 },
      '/home/alice/.aws/config': { content: '[default]\nregion = eu-west-1\n' },
      '/home/alice/.kube': { target: '/data/kube' },
      '/data/kube/config': { content: 'apiVersion: v1\n', mode: '0640', uid: 1000, gid: 50 },
      '/home/alice/.netrc': { target: '../../srv/shared/netrc' },
      '/srv/shared/netrc': { content: 'machine x login y password z\n', mode: '0604', uid: 0, gid: 0 },
      '/home/alice/aws-config': { target: '.aws/config' },
      '/home/alice/chain': { target: 'chain2' },
      '/home/alice/chain2': { target: '/home/alice/.aws/config' },
      '/home/alice/dangling': { target: '/nowhere/at/all' },
      '/home/alice/loop-a': { target: 'loop-b' },
      '/home/alice/loop-b': { target: 'loop-a' },
      '/home/alice/.docker/config.json': { error: 'EACCES' },
      '/home/alice/shared.txt': {
        content: 'x',
        mode: '0640',
        acl: '# file: home/alice/shared.txt\n# owner: alice\n# group: alice\nuser::rw-\nuser:1001:r--\ngroup::r--\nmask::r--\nother::---\ndefault:user:1001:r-x\n',
      },
      '/etc/passwd': { content: 'root:x:0:0:root:/root:/bin/bash\n', mode: '0644' },
    },
    commands: {
      'nft list ruleset': { stdout: 'table inet filter {\n}\n', exitCode: 0 },
      'systemctl is-active auditd': { stdout: 'inactive\n', stderr: 'warning\n', exitCode: 3 },
      ufw: { stdout: 'usage\n' },
      'getenforce': { unavailable: 'getenforce is not available on this machine' },
    },
    ...extra,
  });
}

describe('ReplayHost file tree', () => {
  const host = linuxHost();

  it('a recorded file has its recorded mode, owner and size', async () => {
    expect(await host.lstat('/home/alice/.aws/credentials')).toEqual({
      path: '/home/alice/.aws/credentials',
      type: 'file',
      mode: 0o600,
      uid: 1000,
      gid: 1000,
      size: Buffer.byteLength('[default]\naws_access_key_id = AKIA...\n'),
      mtimeMs: 0,
    });
    // Unrecorded mode and owner: 0644 root.
    expect(await host.stat('/home/alice/.aws/config')).toMatchObject({ type: 'file', mode: 0o644, uid: 0, gid: 0 });
    expect(await host.stat('/home/alice')).toMatchObject({ type: 'dir', mode: 0o750, uid: 1000 });
  });

  it('parents of recorded entries are implied folders (0755 root)', async () => {
    expect(await host.stat('/home/alice/.aws')).toMatchObject({ path: '/home/alice/.aws', type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    expect(await host.stat('/home')).toMatchObject({ type: 'dir' });
    expect(await host.stat('/home/alice/.aws/')).toMatchObject({ type: 'dir' });
    expect(await host.listDir('/home/alice/.aws')).toEqual(['config', 'credentials']);
    expect(await host.listDir('/data')).toEqual(['kube']);
  });

  it('the root folder exists and lists the top-level entries', async () => {
    expect(await host.stat('/')).toMatchObject({ type: 'dir' });
    expect(await host.listDir('/')).toEqual(['data', 'etc', 'home', 'srv']);
  });

  it('a name prefix is not a parent: /home/al is absent', async () => {
    expect(await host.stat('/home/al')).toBeUndefined();
    expect(await host.stat('/home/alice/.aw')).toBeUndefined();
    expect(await host.listDir('/home/al')).toBeUndefined();
  });

  it('absent entries are undefined everywhere', async () => {
    expect(await host.lstat('/nope')).toBeUndefined();
    expect(await host.stat('/nope')).toBeUndefined();
    expect(await host.readFile('/nope')).toBeUndefined();
    expect(await host.listDir('/nope')).toBeUndefined();
    expect((await host.acl('/nope')).kind).toBe('unavailable');
  });

  it('readFile returns content, honours maxBytes, and is undefined for a folder', async () => {
    expect((await host.readFile('/home/alice/.aws/config'))?.toString()).toBe('[default]\nregion = eu-west-1\n');
    expect((await host.readFile('/home/alice/.aws/config', 9))?.toString()).toBe('[default]');
    expect(await host.readFile('/home/alice/.aws')).toBeUndefined();
    expect(await host.listDir('/home/alice/.aws/config')).toBeUndefined();
  });
});

describe('ReplayHost symlinks', () => {
  const host = linuxHost();

  it('lstat shows an absolute link itself; stat, readFile and listDir follow it', async () => {
    expect(await host.lstat('/home/alice/.kube')).toMatchObject({ path: '/home/alice/.kube', type: 'symlink', linkTarget: '/data/kube' });
    expect(await host.stat('/home/alice/.kube')).toMatchObject({ path: '/home/alice/.kube', type: 'dir' });
    expect(await host.listDir('/home/alice/.kube')).toEqual(['config']);
    expect((await host.readFile('/home/alice/.kube/config'))?.toString()).toBe('apiVersion: v1\n');
    // An intermediate link is followed by lstat too: only the final component is not.
    expect(await host.lstat('/home/alice/.kube/config')).toMatchObject({ path: '/home/alice/.kube/config', type: 'file', mode: 0o640, gid: 50 });
  });

  it('a relative link resolves against the folder holding it', async () => {
    expect(await host.lstat('/home/alice/.netrc')).toMatchObject({ type: 'symlink', linkTarget: '../../srv/shared/netrc' });
    expect(await host.stat('/home/alice/.netrc')).toMatchObject({ type: 'file', mode: 0o604, uid: 0 });
    expect((await host.readFile('/home/alice/.netrc'))?.toString()).toBe('machine x login y password z\n');
    expect((await host.readFile('/home/alice/aws-config'))?.toString()).toBe('[default]\nregion = eu-west-1\n');
  });

  it('chained links are followed to the end', async () => {
    expect((await host.readFile('/home/alice/chain'))?.toString()).toBe('[default]\nregion = eu-west-1\n');
    expect(await host.lstat('/home/alice/chain')).toMatchObject({ type: 'symlink', linkTarget: 'chain2' });
  });

  it('a dangling link or a loop: lstat sees the link, stat and readFile see nothing', async () => {
    expect(await host.lstat('/home/alice/dangling')).toMatchObject({ type: 'symlink', linkTarget: '/nowhere/at/all' });
    expect(await host.stat('/home/alice/dangling')).toBeUndefined();
    expect(await host.readFile('/home/alice/dangling')).toBeUndefined();
    expect(await host.stat('/home/alice/loop-a')).toBeUndefined();
    expect(await host.readFile('/home/alice/loop-a')).toBeUndefined();
    expect((await host.lstat('/home/alice/loop-a'))?.type).toBe('symlink');
  });

  it('the ACL of a link is the ACL of its target', async () => {
    const acl = await host.acl('/home/alice/.netrc');
    expect(acl).toEqual({
      kind: 'posix',
      entries: [
        { tag: 'user_obj', read: true, write: true, execute: false, isDefault: false },
        { tag: 'group_obj', read: false, write: false, execute: false, isDefault: false },
        { tag: 'other', read: true, write: false, execute: false, isDefault: false },
      ],
    });
  });
});

describe('ReplayHost ACLs, errors and commands', () => {
  const host = linuxHost();

  it('a recorded getfacl text becomes POSIX entries, default entries marked', async () => {
    const acl = await host.acl('/home/alice/shared.txt');
    expect(acl.kind).toBe('posix');
    if (acl.kind !== 'posix') return;
    expect(acl.entries).toContainEqual({ tag: 'user', qualifier: '1001', read: true, write: false, execute: false, isDefault: false });
    expect(acl.entries).toContainEqual({ tag: 'user', qualifier: '1001', read: true, write: false, execute: true, isDefault: true });
    expect(acl.entries).toContainEqual({ tag: 'mask', read: true, write: false, execute: false, isDefault: false });
  });

  it('a recorded error (EACCES) is a HostAccessError naming the path, for every read', async () => {
    for (const read of [
      () => host.lstat('/home/alice/.docker/config.json'),
      () => host.stat('/home/alice/.docker/config.json'),
      () => host.readFile('/home/alice/.docker/config.json'),
    ]) {
      const error = await read().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(HostAccessError);
      expect(error).toMatchObject({ code: 'EACCES', targetPath: '/home/alice/.docker/config.json' });
    }
    // Its folder is still there and lists it.
    expect(await host.listDir('/home/alice/.docker')).toEqual(['config.json']);
  });

  it('recorded commands come back with their output and exit code', async () => {
    expect(await host.run('nft', ['list', 'ruleset'])).toEqual({ ran: true, exitCode: 0, stdout: 'table inet filter {\n}\n', stderr: '' });
    expect(await host.run('systemctl', ['is-active', 'auditd'])).toEqual({ ran: true, exitCode: 3, stdout: 'inactive\n', stderr: 'warning\n' });
    expect(await host.run('ufw', [])).toMatchObject({ ran: true, exitCode: 0, stdout: 'usage\n' });
    expect(commandKey('nft', ['list', 'ruleset'])).toBe('nft list ruleset');
  });

  it('a recorded unavailable tool, and an unrecorded command, are ran=false with the reason', async () => {
    expect(await host.run('getenforce', [])).toEqual({ ran: false, exitCode: null, stdout: '', stderr: '', unavailable: 'getenforce is not available on this machine' });
    const missing = await host.run('nft', ['list', 'tables']);
    expect(missing.ran).toBe(false);
    expect(missing.unavailable).toMatch(/nft list tables.*not recorded/);
    expect((await host.run('nft', ['list ruleset'])).ran).toBe(true);
  });

  it('env, users, groups, current user and info are the recorded ones', async () => {
    expect(await host.env()).toEqual({ HOME: '/home/alice', HTTPS_PROXY: 'http://proxy.corp:3128' });
    const env = await host.env();
    env.HOME = '/changed';
    expect((await host.env()).HOME).toBe('/home/alice');
    expect((await host.users()).map((user) => user.name)).toEqual(['root', 'alice']);
    expect(await host.groups()).toEqual([{ name: 'docker', gid: 998, members: ['alice'] }]);
    expect(await host.currentUser()).toEqual(alice);
    expect(await host.info()).toEqual({ kind: 'replay', platform: 'linux', hostname: 'dev-laptop', os: 'Ubuntu 24.04 LTS' });
    expect(await linuxHost({ currentUser: 'nobody-recorded' }).currentUser()).toBeUndefined();
  });
});

describe('ReplayHost Windows endpoint', () => {
  const everyone = { sid: 'S-1-1-0', principal: 'Everyone', type: 'Allow', rights: 1179817, inherited: false };
  const aliceAce = { sid: 'S-1-5-21-1-2-3-1001', principal: 'LAPTOP\\alice', type: 'Allow', rights: 2032127, inherited: false };
  const host = new ReplayHost({
    platform: 'win32',
    users: [{ name: 'alice', uid: 0, gid: 0, home: 'C:\\Users\\Alice', sid: 'S-1-5-21-1-2-3-1001' }],
    files: {
      'C:\\Users\\Alice': { type: 'dir', acl: { owner: 'LAPTOP\\alice', ownerSid: 'S-1-5-21-1-2-3-1001', access: [aliceAce, everyone] } },
      'C:\\Users\\Alice\\.aws\\credentials': { content: '[default]\n' },
      'C:\\Users\\Alice\\.ssh\\id_ed25519': {
        content: 'key',
        acl: JSON.stringify({ owner: 'LAPTOP\\alice', ownerSid: 'S-1-5-21-1-2-3-1001', access: [aliceAce] }),
      },
      'C:\\ProgramData\\Link': { target: 'C:\\Users\\Alice\\.aws' },
    },
  });

  it('paths are case-insensitive, with either separator', async () => {
    expect((await host.readFile('c:\\users\\alice\\.AWS\\Credentials'))?.toString()).toBe('[default]\n');
    expect((await host.readFile('C:/Users/Alice/.aws/credentials'))?.toString()).toBe('[default]\n');
    expect(await host.stat('C:\\USERS\\ALICE\\.aws\\credentials')).toMatchObject({ path: 'C:\\USERS\\ALICE\\.aws\\credentials', type: 'file', mode: 0 });
    expect(await host.stat('c:\\users')).toMatchObject({ type: 'dir', mode: 0 });
    expect(await host.listDir('c:\\USERS\\alice')).toEqual(['.aws', '.ssh']);
    expect(await host.listDir('C:\\')).toEqual(['ProgramData', 'Users']);
  });

  it('a Windows link (junction) is followed', async () => {
    expect((await host.lstat('C:\\ProgramData\\Link'))?.type).toBe('symlink');
    expect((await host.readFile('c:\\programdata\\link\\credentials'))?.toString()).toBe('[default]\n');
  });

  it('a path without its own ACL carries its nearest ancestor ACL, every entry marked inherited', async () => {
    const own = await host.acl('C:\\Users\\Alice');
    expect(own).toMatchObject({ kind: 'windows', ownerSid: 'S-1-5-21-1-2-3-1001', owner: 'LAPTOP\\alice' });
    if (own.kind !== 'windows') return;
    expect(own.entries.map((entry) => [entry.sid, entry.inherited])).toEqual([
      ['S-1-5-21-1-2-3-1001', false],
      ['S-1-1-0', false],
    ]);
    const inherited = await host.acl('c:\\users\\alice\\.aws\\credentials');
    expect(inherited.kind).toBe('windows');
    if (inherited.kind !== 'windows') return;
    expect(inherited.entries.map((entry) => [entry.sid, entry.inherited, entry.read])).toEqual([
      ['S-1-5-21-1-2-3-1001', true, true],
      ['S-1-1-0', true, true],
    ]);
    const explicit = await host.acl('C:\\Users\\Alice\\.ssh\\id_ed25519');
    expect(explicit.kind === 'windows' && explicit.entries.map((entry) => [entry.sid, entry.inherited])).toEqual([['S-1-5-21-1-2-3-1001', false]]);
  });

  it('no ACL recorded anywhere up the tree is unavailable', async () => {
    const bare = new ReplayHost({ platform: 'win32', users: [], files: { 'C:\\x\\y.txt': { content: '' } } });
    expect((await bare.acl('C:\\x\\y.txt')).kind).toBe('unavailable');
  });
});

describe('ReplayHost macOS endpoint', () => {
  it('a recorded `ls -led` text becomes macOS ACL entries; none recorded is an empty list', async () => {
    const host = new ReplayHost({
      platform: 'darwin',
      users: [],
      files: {
        '/Users/alice/.aws/credentials': {
          content: 'x',
          acl: '-rw-------+ 1 alice  staff  0 Jan  1 00:00 /Users/alice/.aws/credentials\n 0: group:everyone allow read\n 1: user:bob inherited allow read,write\n',
        },
        '/Users/alice/.ssh/id_rsa': { content: 'k', mode: '0600' },
      },
    });
    const acl = await host.acl('/Users/alice/.aws/credentials');
    expect(acl.kind).toBe('darwin');
    if (acl.kind !== 'darwin') return;
    expect(acl.entries.map((entry) => [entry.principalKind, entry.principal, entry.allow, entry.permissions, entry.inherited])).toEqual([
      ['group', 'everyone', true, ['read'], false],
      ['user', 'bob', true, ['read', 'write'], true],
    ]);
    expect(await host.acl('/Users/alice/.ssh/id_rsa')).toEqual({ kind: 'darwin', entries: [] });
  });
});

describe('loadReplaySpec', () => {
  function fixture(yaml: string, files: Record<string, string> = {}): string {
    const folder = makeTempDir('replay');
    writeFileSync(path.join(folder, 'endpoint.yaml'), yaml);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(folder, 'files', name)), { recursive: true });
      writeFileSync(path.join(folder, 'files', name), content);
    }
    return folder;
  }

  it('loads a fixture and reads contentFile from files/', async () => {
    const folder = fixture(
      'platform: linux\nusers: []\nfiles:\n  /home/alice/.aws/credentials:\n    mode: "0600"\n    contentFile: aws/credentials\n',
      { 'aws/credentials': '[default]\nfrom-file\n' },
    );
    const host = ReplayHost.fromFolder(folder);
    expect((await host.readFile('/home/alice/.aws/credentials'))?.toString()).toBe('[default]\nfrom-file\n');
    expect((await host.stat('/home/alice/.aws/credentials'))?.mode).toBe(0o600);
  });

  it('rejects a contentFile that escapes files/', () => {
    const folder = fixture('platform: linux\nusers: []\nfiles:\n  /etc/x:\n    contentFile: ../x\n');
    writeFileSync(path.join(folder, 'x'), 'outside files/');
    expect(() => loadReplaySpec(folder)).toThrow(UsageError);
    expect(() => loadReplaySpec(folder)).toThrow(/\/etc\/x: contentFile outside files\//);
    const absolute = fixture('platform: linux\nusers: []\nfiles:\n  /etc/y:\n    contentFile: /etc/hostname\n');
    expect(() => loadReplaySpec(absolute)).toThrow(/contentFile outside files\//);
    const sneaky = fixture('platform: linux\nusers: []\nfiles:\n  /etc/z:\n    contentFile: sub/../../x\n', { 'sub/keep': '' });
    expect(() => loadReplaySpec(sneaky)).toThrow(/contentFile outside files\//);
  });

  it('a missing fixture, invalid YAML or an unknown platform is a UsageError naming the file', () => {
    const missing = path.join(makeTempDir('replay-missing'), 'nothing-here');
    expect(() => loadReplaySpec(missing)).toThrow(UsageError);
    expect(() => loadReplaySpec(missing)).toThrow(/endpoint\.yaml/);
    expect(() => loadReplaySpec(fixture('platform: [unclosed\n'))).toThrow(UsageError);
    expect(() => loadReplaySpec(fixture('platform: solaris\nusers: []\nfiles: {}\n'))).toThrow(/platform must be one of linux, darwin, win32/);
  });
});

describe('recorded endpoint fragments (endpoint.d)', () => {
  const make = (fragments: Record<string, string>) => {
    const folder = makeTempDir('replay-fragments');
    writeFileSync(path.join(folder, 'endpoint.yaml'), 'platform: linux\nusers:\n  - { name: alice, uid: 1000, gid: 1000, home: /home/alice }\ngroups:\n  - { name: docker, gid: 999, members: [] }\nfiles:\n  /etc/hostname: { content: "box\\n" }\ncommands:\n  uname -s: { stdout: "Linux\\n" }\n');
    mkdirSync(path.join(folder, 'endpoint.d'));
    for (const [name, text] of Object.entries(fragments)) writeFileSync(path.join(folder, 'endpoint.d', name), text);
    return folder;
  };

  it('merges files, commands, env, users and group members from every fragment in name order', async () => {
    const folder = make({
      '20-b.yaml': 'files:\n  /etc/b: { content: "b\\n" }\ngroups:\n  - { name: docker, gid: 999, members: [alice] }\n',
      '10-a.yaml': 'files:\n  /etc/a: { content: "a\\n" }\ncommands:\n  nft -j list ruleset: { stdout: "{}" }\nenv:\n  HTTPS_PROXY: http://proxy:3128\nusers:\n  - { name: claude, uid: 1001, gid: 1001, home: /home/claude }\n',
      'notes.txt': 'ignored',
    });
    const host = ReplayHost.fromFolder(folder);
    expect((await host.readFile('/etc/a'))?.toString()).toBe('a\n');
    expect((await host.readFile('/etc/b'))?.toString()).toBe('b\n');
    expect((await host.run('nft', ['-j', 'list', 'ruleset'])).stdout).toBe('{}');
    expect((await host.run('uname', ['-s'])).stdout).toBe('Linux\n');
    expect((await host.env()).HTTPS_PROXY).toBe('http://proxy:3128');
    expect((await host.users()).map((user) => user.name)).toEqual(['alice', 'claude']);
    expect((await host.groups()).find((group) => group.name === 'docker')?.members).toEqual(['alice']);
  });

  it('refuses a fragment that records a file, command or user again, naming the fragment', () => {
    expect(() => loadReplaySpec(make({ 'x.yaml': 'files:\n  /etc/hostname: { content: "other\\n" }\n' }))).toThrow(/endpoint\.d\/x\.yaml: file \/etc\/hostname is already recorded/);
    expect(() => loadReplaySpec(make({ 'y.yaml': 'commands:\n  uname -s: { stdout: "Darwin\\n" }\n' }))).toThrow(/y\.yaml: command uname -s is already recorded/);
    expect(() => loadReplaySpec(make({ 'z.yaml': 'platform: darwin\n' }))).toThrow(/z\.yaml: platform darwin differs/);
  });
});
