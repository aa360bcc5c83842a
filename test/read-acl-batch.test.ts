import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getfaclName, readPosixAcl } from '../src/host/read-acl.js';

describe('batched getfacl', () => {
  it('names files as getfacl does: backslash doubled, control characters in octal, the rest as is', () => {
    expect(getfaclName('/a b/c')).toBe('/a b/c');
    expect(getfaclName('/new\nline')).toBe('/new\\012line');
    expect(getfaclName('/back\\slash')).toBe('/back\\\\slash');
    expect(getfaclName('/é\u007f')).toBe('/é\\177');
  });

  it('reads many files in one turn, each its own ACL, hostile names and missing files included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cowork-getfacl-'));
    const names = ['plain', 'a b', 'new\nline', 'back\\slash', 'é-ü', ...Array.from({ length: 300 }, (_, i) => `f${i}`)];
    for (const name of names) writeFileSync(path.join(dir, name), '');
    execFileSync('setfacl', ['-m', 'u:1001:r', '--', path.join(dir, 'new\nline')]);
    execFileSync('setfacl', ['-m', 'g:1002:rw', '--', path.join(dir, 'f299')]);
    const results = await Promise.all([...names, 'missing'].map((name) => readPosixAcl(path.join(dir, name))));
    const named = (index: number) => {
      const evidence = results[index];
      return evidence?.kind === 'posix' ? evidence.entries.filter((entry) => entry.tag === 'user' || entry.tag === 'group').map((entry) => `${entry.tag}:${entry.qualifier}`) : evidence?.kind;
    };
    expect(named(0)).toEqual([]);
    expect(named(1)).toEqual([]);
    expect(named(2)).toEqual(['user:1001']);
    expect(named(3)).toEqual([]);
    expect(named(4)).toEqual([]);
    expect(named(names.indexOf('f299'))).toEqual(['group:1002']);
    expect(named(names.length)).toBe('unavailable');
  });
});
