import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveRules, naturalCompare, parseAuditRules, ruleField, ruleSafePath, ruleTarget, type AuditRule } from '../src/parsers/audit-rules.js';

// Rule lines in the forms real rule sets use (the audit-userspace STIG/OSPP sets, Neo23x0/auditd, CIS
// scripts): watches with and without -p, syscall rules with arch, several -S, comparisons, -F key= and
// -k, list/action in either order, exclude and user filters, control options and comments.
const RULES = `## stig-like rules
-D
-b 8192
-f 1
--backlog_wait_time 60000
-i
--loginuid-immutable

-a always,exit -F arch=b64 -S adjtimex,settimeofday -F key=time-change
-w /etc/localtime -p wa -k time-change
-a always,exit -F arch=b64 -S open,truncate,ftruncate,creat,openat,openat2 -F exit=-EACCES -F auid>=1000 -F auid!=unset -F key=access
-a always,exit -F dir=/etc/NetworkManager/ -F perm=wa -F key=system-locale
-w /etc/sudoers.d/ -p wa -k actions
-a always,exit -F path=/usr/bin/pkexec -F perm=x -F key=maybe-escalation
-a exit,never -F arch=b64 -S all -F exe=/usr/bin/vmtoolsd
-a always,exclude -F msgtype=CWD
-a never,user -F subj_type=crond_t
-a always,exit -F arch=b64 -S finit_module -S init_module -S delete_module -F auid!=-1 -k modules
-a always,exit -F arch=b64 -S open -F dir=/home -F success=0 -k unauthedfileaccess
-w /etc/shadow -k etcpasswd
-w /etc/security/limits.conf -p wa  -k pam   
-a always,exit -F arch=b64 -C uid!=euid -F euid=0 -S execve -k setuid
-e 2
`;

function only(text: string): AuditRule {
  const parsed = parseAuditRules(text);
  expect(parsed.errors).toEqual([]);
  expect(parsed.rules).toHaveLength(1);
  return parsed.rules[0] as AuditRule;
}

describe('parseAuditRules', () => {
  it('reads a rule set in the forms real sets use, keeping lines', () => {
    const parsed = parseAuditRules(RULES);
    expect(parsed.errors).toEqual([]);
    const kinds = parsed.rules.map((rule) => rule.kind);
    expect(kinds.filter((kind) => kind === 'control')).toHaveLength(5);
    expect(kinds.filter((kind) => kind === 'watch')).toHaveLength(4);
    expect(kinds.filter((kind) => kind === 'syscall')).toHaveLength(10);
    expect(parsed.rules[0]).toMatchObject({ kind: 'delete-all', line: 2 });
    expect(parsed.rules.at(-1)).toMatchObject({ kind: 'enable', enable: 2, line: 23 });

    const access = parsed.rules.find((rule) => rule.keys.includes('access')) as AuditRule;
    expect(access.line).toBe(11);
    expect(access.syscalls).toEqual(['open', 'truncate', 'ftruncate', 'creat', 'openat', 'openat2']);
    expect(ruleField(access, 'exit')).toEqual({ name: 'exit', op: '=', value: '-EACCES' });
    expect(ruleField(access, 'auid')).toEqual({ name: 'auid', op: '!=', value: 'unset' });
    expect(access.fields.filter((field) => field.name === 'auid').map((field) => field.op)).toEqual(['>=', '!=']);

    const never = parsed.rules.find((rule) => rule.line === 15) as AuditRule;
    expect(never).toMatchObject({ list: 'exit', action: 'never', syscalls: ['all'] });
    expect(parsed.rules.find((rule) => rule.line === 18)?.syscalls).toEqual(['finit_module', 'init_module', 'delete_module']);
    // A watch without -p records every access; double spaces and trailing blanks are nothing.
    expect(parsed.rules.find((rule) => rule.line === 20)).toMatchObject({ kind: 'watch', path: '/etc/shadow', perms: 'rwxa', keys: ['etcpasswd'] });
    expect(parsed.rules.find((rule) => rule.line === 21)).toMatchObject({ path: '/etc/security/limits.conf', perms: 'wa', keys: ['pam'] });
  });

  it('reports the lines auditctl would reject, with the reason, and keeps going', () => {
    const parsed = parseAuditRules('-w /home/alice/My Documents -p r -k docs\n-w relative/path -p r\n-w /x -p rq\n-e 3\n-a always,sometimes -F path=/x\n-x /y\n-F path=/z\n-w /ok -p r\n');
    expect(parsed.errors).toEqual([
      { line: 1, message: 'unexpected "Documents" (a path cannot contain whitespace in an audit rule)' },
      { line: 2, message: '-w relative/path: the path must be absolute' },
      { line: 3, message: '-p takes a combination of r, w, x, a, not "rq"' },
      { line: 4, message: '-e takes 0, 1 or 2, not "3"' },
      { line: 5, message: expect.stringContaining('"always,sometimes" is not LIST,ACTION') },
      { line: 6, message: 'unknown option "-x"' },
      { line: 7, message: 'unknown option "-F"' },
    ]);
    expect(parsed.rules).toEqual([expect.objectContaining({ kind: 'watch', path: '/ok', line: 8 })]);
  });

  it('reads auditctl -l output, including "No rules" and the -F key= form', () => {
    expect(parseAuditRules('No rules\n')).toEqual({ rules: [], errors: [], empty: true });
    const listed = parseAuditRules('-w /home/alice/.aws -p r -k creds\n-a always,exit -F arch=b64 -S open,openat -F dir=/home/alice/.kube -F perm=r -F key=creds\n');
    expect(listed.rules.map((rule) => rule.keys)).toEqual([['creds'], ['creds']]);
  });

  it('reads -D with a key as deleting that key only', () => {
    expect(only('-D -k creds')).toMatchObject({ kind: 'delete-all', keys: ['creds'] });
    expect(parseAuditRules('-D now\n').errors).toEqual([{ line: 1, message: '-D takes no argument but -k KEY, not "now"' }]);
  });

  it('never throws, and every rule line becomes a rule or an error', () => {
    const line = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('-w /a -p r', '-a always,exit -F dir=/b', '-D', '-e 2', '# c', ''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.join('\n');
        const parsed = parseAuditRules(text);
        const meaningful = text.split(/\r\n|\r|\n/).filter((item) => item.trim() !== '' && !item.trim().startsWith('#'));
        if (parsed.empty) return;
        expect(parsed.rules.length + parsed.errors.length).toBe(meaningful.length);
      }),
    );
  });
});

describe('ruleTarget', () => {
  it('gives what a rule watches: watches and dir= cover the subtree, path= one file, trailing slashes name the folder', () => {
    expect(ruleTarget(only('-w /etc/sudoers.d/ -p wa -k actions'))).toEqual({ path: '/etc/sudoers.d', subtree: true, perms: 'wa', action: 'always' });
    expect(ruleTarget(only('-a always,exit -F dir=/dev/shm/ -F perm=r'))).toEqual({ path: '/dev/shm', subtree: true, perms: 'r', action: 'always' });
    expect(ruleTarget(only('-a exit,always -F path=/usr/bin/pkexec -F perm=x'))).toEqual({ path: '/usr/bin/pkexec', subtree: false, perms: 'x', action: 'always' });
    expect(ruleTarget(only('-a never,exit -F arch=b64 -F dir=/var/lock/lvm/ -F key=locklvm'))).toEqual({ path: '/var/lock/lvm', subtree: true, perms: 'rwxa', action: 'never' });
    // No path at all, a comparison other than =, or a list other than exit: not a file rule.
    expect(ruleTarget(only('-a always,exit -F arch=b64 -S mount -F auid>=1000'))).toBeUndefined();
    expect(ruleTarget(only('-a always,exit -F dir!=/tmp -F perm=r'))).toBeUndefined();
    expect(ruleTarget(only('-a always,exclude -F msgtype=CWD'))).toBeUndefined();
  });
});

describe('effectiveRules', () => {
  const rules = (text: string) => parseAuditRules(text).rules;
  const paths = (list: AuditRule[]) => list.map((rule) => ruleTarget(rule)?.path ?? rule.text);

  it('loads audit.rules as written: -D clears what came before, -A goes first, -W removes a watch', () => {
    const loaded = effectiveRules(rules('-w /a -p r\n-D\n-w /b -p r\n-w /c -p r\n-A always,exit -F path=/first -F perm=r\n-W /c -p r\n')).rules;
    expect(paths(loaded)).toEqual(['/first', '/b']);
  });

  it('deletes by key with -D -k', () => {
    expect(paths(effectiveRules(rules('-w /a -p r -k keep\n-w /b -p r -k drop\n-D -k drop\n')).rules)).toEqual(['/a']);
  });

  it('stops at -e 2 when the file is loaded as written, and not for augenrules, which moves -D first and -e last', () => {
    const text = '-w /a -p r\n-e 2\n-D\n-w /b -p r\n';
    const locked = effectiveRules(rules(text), { honourImmutable: true });
    expect(paths(locked.rules)).toEqual(['/a']);
    expect(locked.ignoredAfterLock?.line).toBe(3);
    expect(paths(effectiveRules(rules(text), { augenrules: true }).rules)).toEqual(['/a', '/b']);
  });
});

describe('rule file names and paths', () => {
  it('orders rules.d parts as augenrules does (natural sort)', () => {
    expect(['99-finalize.rules', '10-base-config.rules', '9-early.rules', '30-stig.rules', 'audit.rules'].sort(naturalCompare)).toEqual([
      '9-early.rules',
      '10-base-config.rules',
      '30-stig.rules',
      '99-finalize.rules',
      'audit.rules',
    ]);
  });

  it('refuses paths a rule line cannot carry', () => {
    expect(ruleSafePath('/home/alice/.aws')).toBe(true);
    expect(ruleSafePath('/home/alice/My Secrets')).toBe(false);
    expect(ruleSafePath('/home/alice/tab\there')).toBe(false);
    expect(ruleSafePath('relative')).toBe(false);
  });
});
