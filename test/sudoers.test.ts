import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SudoersFacts } from '../src/collectors/sudoers.js';
import type { Account, Group } from '../src/host/host.js';
import { parseSudoers, sudoersIncludedName, sudoersLogicalLines, type SudoersEntry } from '../src/parsers/sudoers.js';
import { sudoGrants } from '../src/sandbox/sudo-grants.js';

// Debian 12's /etc/sudoers as the sudo package installs it (lines as in the file).
const DEBIAN_SUDOERS = `#
# This file MUST be edited with the 'visudo' command as root.
#
# Please consider adding local content in /etc/sudoers.d/ instead of
# directly modifying this file.
#
# See the man page for details on how to write a sudoers file.
#
Defaults	env_reset
Defaults	mail_badpass
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# This fixes CVE-2005-4890 and possibly breaks some versions of kdesu
# (#1011624, https://bugs.kde.org/show_bug.cgi?id=452532)
Defaults	use_pty

# This preserves proxy settings from user environments of root
# equivalent users (group sudo)
#Defaults:%sudo env_keep += "http_proxy https_proxy ftp_proxy all_proxy no_proxy"

# This allows running arbitrary commands, but so does ALL, and it means
# different sudoers have their choice of editor respected.
#Defaults:%sudo env_keep += "EDITOR"

# Host alias specification

# User alias specification

# Cmnd alias specification

# User privilege specification
root	ALL=(ALL:ALL) ALL

# Allow members of group sudo to execute any command
%sudo	ALL=(ALL:ALL) ALL

# See sudoers(5) for more information on "@include" directives:

@includedir /etc/sudoers.d
`;

// macOS's /etc/sudoers keeps the old `#includedir` spelling, with `(ALL)` spaced out.
const MACOS_SUDOERS = `##
# Override built-in defaults
##
Defaults	env_reset
Defaults	env_keep += "BLOCKSIZE"
Defaults	env_keep += "COLORFGBG COLORTERM"
Defaults	lecture_file = "/etc/sudo_lecture"

##
# User specification
##

# root and users in group wheel can run anything on any machine as any user
root		ALL = (ALL) ALL
%admin		ALL = (ALL) ALL

## Read drop-in files from /private/etc/sudoers.d
## (the '#' here does not indicate a comment)
#includedir /private/etc/sudoers.d
`;

// sudoers(5) syntax in one place: aliases spread over continuation lines, several aliases on one line,
// digests, escaped commas, negation, several Host = Cmnd groups in one rule, bound Defaults.
const ALIASES = `User_Alias	AGENTS = claude, codex-bot
User_Alias	HUMANS = alice, %developers
Runas_Alias	OP = root, operator
Host_Alias	LAPTOPS = alice-thinkpad, alice-mbp:\\
		SERVERS = build1, build2
Cmnd_Alias	PKG = /usr/bin/apt-get update, \\
			/usr/bin/apt-get install *, \\
			sha256:0GomF8mNN3wlDt1HD9XldjJ3SNgpFdbjO1+NsQ== /usr/local/bin/start_backups
Cmnd_Alias	SHELLS = /bin/sh, /bin/bash
Defaults:AGENTS	!lecture, timestamp_timeout=0
Defaults@SERVERS	log_year, logfile=/var/log/sudo.log
Defaults!SHELLS	noexec
Defaults>root	!set_logname

AGENTS		LAPTOPS = (OP) NOPASSWD: PKG, !SHELLS
HUMANS		ALL = (ALL) ALL
bob		LAPTOPS = (OP) ALL : SERVERS = (root) /usr/bin/systemctl restart nginx
ALL		ALL = NOPASSWD: /sbin/umount /CDROM,\\
		/sbin/mount -o nosuid\\,nodev /dev/cd0a /CDROM
ALL, !claude	ALL = (ALL) /usr/bin/passwd
#1001		ALL = /usr/bin/id # the uid of claude
`;

const claude: Account = { name: 'claude', uid: 1001, gid: 1001, home: '/home/claude' };
const groups: Group[] = [
  { name: 'claude', gid: 1001, members: [] },
  { name: 'sudo', gid: 27, members: ['alice'] },
  { name: 'developers', gid: 1500, members: ['alice'] },
];

function facts(files: Record<string, string>): SudoersFacts {
  return { applicable: true, missing: false, problems: [], files: Object.entries(files).map(([path, text]) => ({ path, entries: parseSudoers(text).entries })) };
}

function ofKind<K extends SudoersEntry['kind']>(entries: SudoersEntry[], kind: K): Extract<SudoersEntry, { kind: K }>[] {
  return entries.filter((entry): entry is Extract<SudoersEntry, { kind: K }> => entry.kind === kind);
}

describe('parseSudoers on real files', () => {
  it("reads Debian's default sudoers: four Defaults, two rules, the includedir, commented-out Defaults skipped", () => {
    const { entries } = parseSudoers(DEBIAN_SUDOERS);
    expect(ofKind(entries, 'unparsed')).toEqual([]);
    expect(ofKind(entries, 'defaults').map((entry) => [entry.line, entry.settings])).toEqual([
      [9, 'env_reset'],
      [10, 'mail_badpass'],
      [11, 'secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'],
      [15, 'use_pty'],
    ]);
    const rules = ofKind(entries, 'rule');
    expect(rules.map((rule) => [rule.line, rule.users.map((user) => user.value)])).toEqual([
      [32, ['root']],
      [35, ['%sudo']],
    ]);
    expect(rules[1]?.privileges).toEqual([
      { hosts: [{ negated: false, value: 'ALL' }], commands: [{ runas: { users: [{ negated: false, value: 'ALL' }], groups: [{ negated: false, value: 'ALL' }] }, tags: [], options: {}, command: { negated: false, value: 'ALL' } }] },
    ]);
    expect(ofKind(entries, 'include')).toEqual([expect.objectContaining({ line: 39, directory: true, path: '/etc/sudoers.d' })]);
  });

  it("reads macOS's sudoers: spaced `= (ALL) ALL`, and `#includedir` is a directive, not a comment", () => {
    const { entries } = parseSudoers(MACOS_SUDOERS);
    expect(ofKind(entries, 'unparsed')).toEqual([]);
    expect(ofKind(entries, 'rule').map((rule) => [rule.line, rule.users[0]?.value, rule.privileges[0]?.commands[0]?.runas?.users[0]?.value])).toEqual([
      [14, 'root', 'ALL'],
      [15, '%admin', 'ALL'],
    ]);
    expect(ofKind(entries, 'include')).toEqual([expect.objectContaining({ line: 19, directory: true, path: '/private/etc/sudoers.d' })]);
    expect(ofKind(entries, 'defaults').find((entry) => entry.line === 7)?.settings).toBe('lecture_file = "/etc/sudo_lecture"');
  });

  it('joins continuation lines and keeps the line where the logical line starts', () => {
    const lines = sudoersLogicalLines(ALIASES);
    const pkg = lines.find((line) => line.text.startsWith('Cmnd_Alias\tPKG'));
    expect(pkg).toMatchObject({ line: 6, endLine: 8 });
    // A comment after a uid user spec is a comment; the uid is not.
    expect(lines.find((line) => line.text.startsWith('#1001'))?.text).toBe('#1001\t\tALL = /usr/bin/id');
  });

  it('reads aliases, several per line, with digests and continuation lines', () => {
    const { entries } = parseSudoers(ALIASES);
    expect(ofKind(entries, 'unparsed')).toEqual([]);
    const aliases = ofKind(entries, 'alias');
    expect(aliases.map((alias) => [alias.aliasType, alias.name, alias.line])).toEqual([
      ['User_Alias', 'AGENTS', 1],
      ['User_Alias', 'HUMANS', 2],
      ['Runas_Alias', 'OP', 3],
      ['Host_Alias', 'LAPTOPS', 4],
      ['Host_Alias', 'SERVERS', 4],
      ['Cmnd_Alias', 'PKG', 6],
      ['Cmnd_Alias', 'SHELLS', 9],
    ]);
    expect(aliases.find((alias) => alias.name === 'PKG')?.items.map((item) => item.value)).toEqual([
      '/usr/bin/apt-get update',
      '/usr/bin/apt-get install *',
      'sha256:0GomF8mNN3wlDt1HD9XldjJ3SNgpFdbjO1+NsQ== /usr/local/bin/start_backups',
    ]);
    expect(aliases.find((alias) => alias.name === 'HUMANS')?.items).toEqual([{ negated: false, value: 'alice' }, { negated: false, value: '%developers' }]);
  });

  it('reads bound Defaults (:user, @host, !cmnd, >runas)', () => {
    const defaults = ofKind(parseSudoers(ALIASES).entries, 'defaults');
    expect(defaults.map((entry) => [entry.binding?.type, entry.binding?.items.map((item) => item.value), entry.settings])).toEqual([
      [':', ['AGENTS'], '!lecture, timestamp_timeout=0'],
      ['@', ['SERVERS'], 'log_year, logfile=/var/log/sudo.log'],
      ['!', ['SHELLS'], 'noexec'],
      ['>', ['root'], '!set_logname'],
    ]);
  });

  it('reads rules with runas, tags carried over, negated commands, escaped commas and several host groups', () => {
    const rules = ofKind(parseSudoers(ALIASES).entries, 'rule');
    const agents = rules.find((rule) => rule.users[0]?.value === 'AGENTS');
    expect(agents?.line).toBe(15);
    expect(agents?.privileges[0]?.commands.map((command) => [command.command, command.tags, command.runas?.users.map((user) => user.value)])).toEqual([
      [{ negated: false, value: 'PKG' }, ['NOPASSWD'], ['OP']],
      [{ negated: true, value: 'SHELLS' }, ['NOPASSWD'], ['OP']],
    ]);
    const bob = rules.find((rule) => rule.users[0]?.value === 'bob');
    expect(bob?.privileges.map((privilege) => [privilege.hosts[0]?.value, privilege.commands[0]?.command.value])).toEqual([
      ['LAPTOPS', 'ALL'],
      ['SERVERS', '/usr/bin/systemctl restart nginx'],
    ]);
    const cdrom = rules.find((rule) => rule.line === 18);
    expect(cdrom?.privileges[0]?.commands.map((command) => command.command.value)).toEqual(['/sbin/umount /CDROM', '/sbin/mount -o nosuid\\,nodev /dev/cd0a /CDROM']);
    const negatedUser = rules.find((rule) => rule.line === 20);
    expect(negatedUser?.users).toEqual([{ negated: false, value: 'ALL' }, { negated: true, value: 'claude' }]);
    expect(rules.find((rule) => rule.line === 21)?.users).toEqual([{ negated: false, value: '#1001' }]);
  });

  it('reports lines it cannot read as unparsed, with their line, and never throws', () => {
    const { entries } = parseSudoers('claude ALL\n\nUser_Alias lower = x\n%sudo ALL=(ALL) NOPASSWD:\n');
    expect(ofKind(entries, 'unparsed').map((entry) => entry.line)).toEqual([1, 3, 4]);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        parseSudoers(text);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('claude', 'ALL', '=', '(', ')', ':', ',', '!', '\\', '\n', ' ', '#', '%sudo', 'NOPASSWD:', '"', 'Defaults', 'User_Alias', 'A'), { maxLength: 40 }), (parts) => {
        parseSudoers(parts.join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('skips @includedir names with a dot or a trailing ~, as sudo does', () => {
    expect(['claude-agent', 'README', 'local.conf', 'backup~', '90-cloud-init-users', '.hidden'].filter(sudoersIncludedName)).toEqual(['claude-agent', 'README', '90-cloud-init-users']);
  });
});

describe('sudoGrants', () => {
  it('finds nothing for claude in the Debian default (only root and %sudo, claude is in neither)', () => {
    expect(sudoGrants(facts({ '/etc/sudoers': DEBIAN_SUDOERS }), claude, groups)).toEqual([]);
  });

  it('finds a rule through group membership, with the group to leave', () => {
    const withSudo = groups.map((group) => (group.name === 'sudo' ? { ...group, members: ['alice', 'claude'] } : group));
    const grants = sudoGrants(facts({ '/etc/sudoers': DEBIAN_SUDOERS }), claude, withSudo);
    expect(grants).toEqual([expect.objectContaining({ path: '/etc/sudoers', line: 35, via: 'group %sudo', viaGroup: 'sudo', all: true, runas: '(ALL:ALL)', noPassword: false })]);
  });

  it('expands User_Alias and Cmnd_Alias, drops negated commands and respects `ALL, !claude`', () => {
    const grants = sudoGrants(facts({ '/etc/sudoers': ALIASES }), claude, groups);
    expect(grants.map((grant) => [grant.line, grant.via, grant.noPassword])).toEqual([
      [15, 'User_Alias AGENTS (user claude)', true],
      [18, 'ALL', true],
      [21, 'uid #1001', false],
    ]);
    expect(grants[0]?.commands).toEqual(['/usr/bin/apt-get update', '/usr/bin/apt-get install *', 'sha256:0GomF8mNN3wlDt1HD9XldjJ3SNgpFdbjO1+NsQ== /usr/local/bin/start_backups']);
    expect(grants[0]?.all).toBe(false);
    expect(grants[0]?.runas).toBe('(OP)');
  });

  it('treats `Defaults:claude !authenticate` as no password, in file order across included files', () => {
    const files = { '/etc/sudoers': 'claude ALL=(root) /usr/bin/systemctl\n', '/etc/sudoers.d/agent': 'Defaults:claude !authenticate\n' };
    expect(sudoGrants(facts(files), claude, groups)[0]?.noPassword).toBe(true);
    const later = { ...files, '/etc/sudoers.d/zz-restore': 'Defaults:claude authenticate\n' };
    expect(sudoGrants(facts(later), claude, groups)[0]?.noPassword).toBe(false);
  });

  it('matches %#gid and the primary group', () => {
    const grants = sudoGrants(facts({ '/etc/sudoers': '%#1001 ALL=(ALL) NOPASSWD: ALL\n%claude ALL=/usr/bin/id\n' }), claude, groups);
    expect(grants.map((grant) => [grant.line, grant.via, grant.viaGroup])).toEqual([
      [1, 'group %#1001 (claude)', 'claude'],
      [2, 'group %claude', 'claude'],
    ]);
  });
});
