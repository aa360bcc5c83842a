import { describe, expect, it } from 'vitest';
import {
  BROAD_WINDOWS_SIDS,
  parseDarwinLsAcl,
  parseGetfacl,
  parseWindowsAclJson,
  WINDOWS_ACL_SCRIPT,
} from '../src/host/acl-parsers.js';

describe('parseGetfacl', () => {
  const output = [
    '# file: /home/alice/.ssh',
    '# owner: 1000',
    '# group: 1000',
    '# flags: -s-',
    'user::rwx',
    'user:1001:rwx\t\t#effective:r-x',
    'group::r-x\t\t\t#effective:r-x',
    'group:27:rw-',
    'mask::r-x',
    'other::---',
    'default:user::rwx',
    'default:user:1001:r--',
    'default:group::r-x',
    'default:mask::r-x',
    'default:other::---',
    '',
  ].join('\n');

  it('reads access entries with their own bits, not the effective ones', () => {
    const entries = parseGetfacl(output).filter((e) => !e.isDefault);
    expect(entries).toEqual([
      { tag: 'user_obj', read: true, write: true, execute: true, isDefault: false },
      { tag: 'user', qualifier: '1001', read: true, write: true, execute: true, isDefault: false },
      { tag: 'group_obj', read: true, write: false, execute: true, isDefault: false },
      { tag: 'group', qualifier: '27', read: true, write: true, execute: false, isDefault: false },
      { tag: 'mask', read: true, write: false, execute: true, isDefault: false },
      { tag: 'other', read: false, write: false, execute: false, isDefault: false },
    ]);
  });

  it('marks default ACL entries', () => {
    const defaults = parseGetfacl(output).filter((e) => e.isDefault);
    expect(defaults).toHaveLength(5);
    expect(defaults[1]).toEqual({ tag: 'user', qualifier: '1001', read: true, write: false, execute: false, isDefault: true });
  });

  it('takes all entries of a multi-file output and reads CRLF', () => {
    const two = 'user::rw-\r\nother::r--\r\n\r\n# file: b\r\nuser::r--\r\nother::---\r\n';
    expect(parseGetfacl(two).map((e) => `${e.tag}:${e.read ? 'r' : '-'}`)).toEqual(['user_obj:r', 'other:r', 'user_obj:r', 'other:-']);
  });

  it('skips malformed lines', () => {
    const garbage = ['user:1001', 'bogus::rwx', 'user::rwz', 'other:bob:r--', 'mask:x:r--', 'user:a:b:rwx', ':::', 'getfacl: x: No such file', 'group:staff:r-x'];
    expect(parseGetfacl(garbage.join('\n'))).toEqual([
      { tag: 'group', qualifier: 'staff', read: true, write: false, execute: true, isDefault: false },
    ]);
    expect(parseGetfacl('')).toEqual([]);
  });
});

describe('parseDarwinLsAcl', () => {
  const output = [
    'drwxr-xr-x+ 3 alice  staff  96 Jan  1 10:00 /Users/alice/shared',
    ' 0: group:everyone allow read,write,append,readattr,readextattr,readsecurity',
    ' 1: user:alice deny delete',
    ' 2: group:staff inherited allow list,search,file_inherit,directory_inherit',
    '',
  ].join('\n');

  it('reads each ACL line and skips the long listing line', () => {
    expect(parseDarwinLsAcl(output)).toEqual([
      {
        index: 0,
        principalKind: 'group',
        principal: 'everyone',
        allow: true,
        permissions: ['read', 'write', 'append', 'readattr', 'readextattr', 'readsecurity'],
        inherited: false,
        text: '0: group:everyone allow read,write,append,readattr,readextattr,readsecurity',
      },
      {
        index: 1,
        principalKind: 'user',
        principal: 'alice',
        allow: false,
        permissions: ['delete'],
        inherited: false,
        text: '1: user:alice deny delete',
      },
      {
        index: 2,
        principalKind: 'group',
        principal: 'staff',
        allow: true,
        permissions: ['list', 'search', 'file_inherit', 'directory_inherit'],
        inherited: true,
        text: '2: group:staff inherited allow list,search,file_inherit,directory_inherit',
      },
    ]);
  });

  it('gives no entries for a path without an ACL', () => {
    expect(parseDarwinLsAcl('-rw-r--r--  1 alice  staff  0 Jan  1 10:00 f\n')).toEqual([]);
  });

  it('skips malformed ACL lines', () => {
    const text = ' 3: something weird\nx: user:bob allow read\n 4: role:admin allow read\n 5: user:bob permit read\n 6: user:carol allow read';
    expect(parseDarwinLsAcl(text).map((e) => e.principal)).toEqual(['carol']);
  });
});

describe('parseWindowsAclJson', () => {
  const ace = (sid: string, rights: number, extra: Record<string, unknown> = {}) => ({
    sid,
    principal: `NAME-${sid}`,
    type: 'Allow',
    rights,
    inherited: false,
    ...extra,
  });

  it('reads owner, owner SID and entries', () => {
    const json = JSON.stringify({
      owner: 'DESKTOP\\alice',
      ownerSid: 'S-1-5-21-1-2-3-1001',
      access: [ace('S-1-5-18', 2032127, { inherited: true }), ace('S-1-1-0', 1179817), ace('S-1-5-11', 1245631, { type: 'Deny' })],
    });
    expect(parseWindowsAclJson(json)).toEqual({
      owner: 'DESKTOP\\alice',
      ownerSid: 'S-1-5-21-1-2-3-1001',
      entries: [
        { sid: 'S-1-5-18', principal: 'NAME-S-1-5-18', allow: true, read: true, write: true, inherited: true },
        { sid: 'S-1-1-0', principal: 'NAME-S-1-1-0', allow: true, read: true, write: false, inherited: false },
        { sid: 'S-1-5-11', principal: 'NAME-S-1-5-11', allow: false, read: true, write: true, inherited: false },
      ],
    });
  });

  it('accepts a single ACE printed as an object, and null access', () => {
    const one = parseWindowsAclJson(JSON.stringify({ owner: 'o', ownerSid: 'S-1-5-18', access: ace('S-1-1-0', 1) }));
    expect('entries' in one && one.entries.map((e) => e.sid)).toEqual(['S-1-1-0']);
    expect(parseWindowsAclJson('{"owner":null,"ownerSid":null,"access":null}')).toEqual({ entries: [] });
  });

  it('maps rights bits to read and write, including negative GenericRead', () => {
    const rightsOf = (rights: number) => {
      const result = parseWindowsAclJson(JSON.stringify({ access: [ace('S-1-1-0', rights)] }));
      const entry = 'entries' in result ? result.entries[0] : undefined;
      return entry && { read: entry.read, write: entry.write };
    };
    expect(rightsOf(-2147483648)).toEqual({ read: true, write: false }); // GenericRead as signed int32
    expect(rightsOf(2147483648)).toEqual({ read: true, write: false });
    expect(rightsOf(0x10000000)).toEqual({ read: true, write: true }); // GenericAll
    expect(rightsOf(0x40000000)).toEqual({ read: false, write: true }); // GenericWrite
    expect(rightsOf(0x2)).toEqual({ read: false, write: true });
    expect(rightsOf(0x4)).toEqual({ read: false, write: true });
    expect(rightsOf(0x10000)).toEqual({ read: false, write: true }); // Delete
    expect(rightsOf(0x40000)).toEqual({ read: false, write: true }); // ChangePermissions
    expect(rightsOf(0x80000)).toEqual({ read: false, write: true }); // TakeOwnership
    expect(rightsOf(0x100)).toEqual({ read: false, write: false }); // WriteAttributes only
    expect(rightsOf(0x100000)).toEqual({ read: false, write: false }); // Synchronize only
    expect(rightsOf(0x1f01ff)).toEqual({ read: true, write: true }); // FullControl
  });

  it('skips ACEs it cannot read and falls back to the SID for a missing principal', () => {
    const json = JSON.stringify({
      access: [
        { sid: 'S-1-1-0', type: 'Audit', rights: 1 },
        { sid: 'S-1-1-0', type: 'Allow', rights: 'FullControl' },
        { type: 'Allow', rights: 1 },
        'garbage',
        null,
        { sid: 'S-1-5-32-545', type: 'allow', rights: 1 },
      ],
    });
    expect(parseWindowsAclJson(json)).toEqual({
      entries: [{ sid: 'S-1-5-32-545', principal: 'S-1-5-32-545', allow: true, read: true, write: false, inherited: false }],
    });
  });

  it('returns a structured error for output that is not a JSON object', () => {
    for (const bad of ['', 'Get-Acl : Cannot find path', '[1,2]', '42', '{"owner":']) {
      const result = parseWindowsAclJson(bad);
      expect(result).toHaveProperty('error');
    }
  });

  it('reads output with a byte order mark and CRLF', () => {
    const result = parseWindowsAclJson(`\uFEFF${JSON.stringify({ ownerSid: 'S-1-5-18', access: [] })}\r\n`);
    expect(result).toEqual({ ownerSid: 'S-1-5-18', entries: [] });
  });
});

describe('Windows constants', () => {
  it('passes the path through the environment and prints compressed JSON', () => {
    expect(WINDOWS_ACL_SCRIPT).toContain('-LiteralPath $env:COWORK_AUDIT_PATH');
    expect(WINDOWS_ACL_SCRIPT).toContain('[int64]$_.FileSystemRights');
    expect(WINDOWS_ACL_SCRIPT.endsWith('ConvertTo-Json -Depth 4 -Compress')).toBe(true);
  });

  it('names the broad SIDs', () => {
    expect(BROAD_WINDOWS_SIDS).toEqual({
      'S-1-1-0': 'Everyone',
      'S-1-5-11': 'Authenticated Users',
      'S-1-5-32-545': 'BUILTIN\\Users',
      'S-1-5-7': 'Anonymous Logon',
      'S-1-5-32-546': 'BUILTIN\\Guests',
      'S-1-5-4': 'Interactive',
    });
  });
});
