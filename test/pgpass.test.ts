import { describe, expect, it } from 'vitest';
import { scanPgpass } from '../src/parsers/pgpass.js';
import { ALNUM, fakeSecret, leaks } from './helpers/fake-secret.js';

const first = fakeSecret(ALNUM, 16, 91);
const part = fakeSecret(ALNUM, 8, 92);

describe('scanPgpass', () => {
  it('reports each entry with a password, with host, port and database', () => {
    const text = [
      '# hostname:port:database:username:password',
      `db.example.com:5432:app:alice:${first}`,
      `*:*:*:bob:${part}\\:${part}\\\\x`,
      'localhost:5432:db:carol:',
      'too:few:fields',
      '',
      `h\\:v6:5433:d:u:${part}:ab`,
    ].join('\r\n');
    const result = scanPgpass(text);
    expect(result).toEqual({
      sightings: [
        { line: 2, kind: 'PostgreSQL password (plaintext)', hint: `…${first.slice(-2)}`, longLived: true, detail: 'host db.example.com, port 5432, database app' },
        { line: 3, kind: 'PostgreSQL password (plaintext)', hint: '…\\x', longLived: true, detail: 'host *, port *, database *' },
        { line: 7, kind: 'PostgreSQL password (plaintext)', hint: '…ab', longLived: true, detail: 'host h:v6, port 5433, database d' },
      ],
    });
    for (const secret of [first, `${part}:${part}`, part]) expect(leaks(result, secret)).toBe(false);
    expect(leaks(result, 'alice')).toBe(false);
  });

  it('does not throw on garbage', () => {
    for (const garbage of ['', '::::', '\\', 'a:b:c:d\\', '\u0000:\u0000']) {
      expect(scanPgpass(garbage).sightings).toEqual([]);
    }
  });
});
