import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd } from '../src/host/accounts.js';

describe('parsePasswd', () => {
  it('reads the seven fields of each account', () => {
    const accounts = parsePasswd('root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/usr/bin/zsh\n');
    expect(accounts).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
      { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/usr/bin/zsh' },
    ]);
  });

  it('leaves shell out when it is empty (login uses /bin/sh)', () => {
    expect(parsePasswd('svc:x:998:998::/var/lib/svc:')).toEqual([{ name: 'svc', uid: 998, gid: 998, home: '/var/lib/svc' }]);
  });

  it('skips comments, blank lines, NIS lines and malformed lines without throwing', () => {
    const text = [
      '# comment',
      '',
      '   ',
      '+@netgroup::::::',
      '-baduser:::::',
      '+',
      'bob:x:abc:100:Bob:/home/bob:/bin/sh',
      'carol:x:1001:x1:Carol:/home/carol:/bin/sh',
      'dave:x:1002:1002:/home/dave',
      ':x:1003:1003::/home/none:/bin/sh',
      'eve:x:1.5:1:Eve:/home/eve:/bin/sh',
      'frank:x:99999999999:1:Frank:/home/frank:/bin/sh',
      'binary\u0000garbage',
      'ok:x:1004:1004:OK:/home/ok:/bin/sh',
    ].join('\n');
    expect(parsePasswd(text).map((a) => a.name)).toEqual(['ok']);
  });

  it('reads CRLF files', () => {
    expect(parsePasswd('a:x:1:1::/a:/bin/sh\r\nb:x:2:2::/b:/bin/sh\r\n').map((a) => a.shell)).toEqual(['/bin/sh', '/bin/sh']);
  });

  it('maps macOS negative ids to the unsigned form stat reports', () => {
    const [nobody] = parsePasswd('nobody:*:-2:-2:Unprivileged User:/var/empty:/usr/bin/false');
    expect(nobody?.uid).toBe(4294967294);
    expect(nobody?.gid).toBe(4294967294);
  });
});

describe('parseGroup', () => {
  it('reads members, trimming and dropping empty names', () => {
    expect(parseGroup('sudo:x:27:alice,bob\nwheel:x:10: carol , ,dave\ndocker:x:999:\n')).toEqual([
      { name: 'sudo', gid: 27, members: ['alice', 'bob'] },
      { name: 'wheel', gid: 10, members: ['carol', 'dave'] },
      { name: 'docker', gid: 999, members: [] },
    ]);
  });

  it('accepts a line without the member field', () => {
    expect(parseGroup('staff:*:20')).toEqual([{ name: 'staff', gid: 20, members: [] }]);
  });

  it('skips comments, NIS lines and malformed lines', () => {
    const text = '# c\n+:::\n-x:::\nbad:x:gid:a\nshort:x\nextra:x:1:a:b\n:x:5:a\nok:x:100:a';
    expect(parseGroup(text)).toEqual([{ name: 'ok', gid: 100, members: ['a'] }]);
  });

  it('maps negative gids (macOS nogroup) to unsigned', () => {
    expect(parseGroup('nogroup:*:-1:')[0]?.gid).toBe(4294967295);
  });
});
