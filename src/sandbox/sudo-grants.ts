import type { SudoersFacts } from '../collectors/sudoers.js';
import type { Account, Group } from '../host/host.js';
import type { SudoersCommand, SudoersItem } from '../parsers/sudoers.js';

// What the sudoers rules grant one account, decided the way sudo matches (sudoers(5)): a User_List item
// is a name, `#uid`, `%group`, `%#gid`, `%:group` (non-Unix group, matched by name), `+netgroup` (never
// matched here: netgroups live in NIS/LDAP), a User_Alias or ALL; `!` negates; the last item of a list
// that matches decides. Host lists are not evaluated: a rule for any host counts.

export interface SudoGrant {
  path: string;
  line: number;
  /** Last physical line of the rule (continuation lines). */
  endLine: number;
  /** The rule as written (the logical line, whitespace runs collapsed). */
  text: string;
  /** How the rule reaches the account: `user claude`, `group %sudo`, `User_Alias AGENTS`, `ALL`. */
  via: string;
  /** The group, when the rule names a group the account is in (`%admin`). */
  viaGroup?: string;
  /** Commands granted (aliases expanded), negated ones left out. */
  commands: string[];
  /** `ALL` is among the commands. */
  all: boolean;
  /** Run-as users and groups, as written (`(ALL:ALL)`), or `root` by default. */
  runas: string;
  /** NOPASSWD, or `Defaults !authenticate` for the account. */
  noPassword: boolean;
}

interface Subject {
  account: Account;
  groupNames: Set<string>;
  gids: Set<number>;
  groupOfGid: Map<number, string>;
}

type Aliases = Map<string, SudoersItem[]>;

function subjectFor(account: Account, groups: readonly Group[]): Subject {
  const member = groups.filter((group) => group.gid === account.gid || group.members.includes(account.name));
  return {
    account,
    groupNames: new Set(member.map((group) => group.name)),
    gids: new Set([account.gid, ...member.map((group) => group.gid)]),
    groupOfGid: new Map(groups.map((group) => [group.gid, group.name])),
  };
}

/** Why an item matches the subject (`user claude`, `group %sudo`), or undefined. */
function itemMatch(item: string, subject: Subject, aliases: Aliases, depth: number): { via: string; group?: string } | undefined {
  if (item === 'ALL') return { via: 'ALL' };
  if (item === subject.account.name) return { via: `user ${item}` };
  if (/^#\d+$/.test(item)) return Number(item.slice(1)) === subject.account.uid ? { via: `uid ${item}` } : undefined;
  if (item.startsWith('%#')) {
    const gid = Number(item.slice(2));
    if (!subject.gids.has(gid)) return undefined;
    const name = subject.groupOfGid.get(gid);
    return { via: `group ${item}${name ? ` (${name})` : ''}`, ...(name ? { group: name } : {}) };
  }
  if (item.startsWith('%:')) {
    const name = item.slice(2);
    return subject.groupNames.has(name) ? { via: `group ${item}`, group: name } : undefined;
  }
  if (item.startsWith('%')) {
    const name = item.slice(1);
    return subject.groupNames.has(name) ? { via: `group ${item}`, group: name } : undefined;
  }
  const alias = aliases.get(item);
  if (alias && depth < 16) {
    const inner = listMatch(alias, subject, aliases, depth + 1);
    return inner ? { via: `User_Alias ${item} (${inner.via})`, ...(inner.group ? { group: inner.group } : {}) } : undefined;
  }
  return undefined;
}

/** The last matching item decides; a negated one excludes. */
function listMatch(items: readonly SudoersItem[], subject: Subject, aliases: Aliases, depth = 0): { via: string; group?: string } | undefined {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index] as SudoersItem;
    const match = itemMatch(item.value, subject, aliases, depth);
    if (match) return item.negated ? undefined : match;
  }
  return undefined;
}

function expandCommands(command: SudoersItem, aliases: Aliases, depth = 0): SudoersItem[] {
  const alias = aliases.get(command.value);
  if (!alias || depth > 16) return [command];
  return alias.flatMap((item) => expandCommands({ negated: item.negated !== command.negated, value: item.value }, aliases, depth + 1));
}

function runasText(command: SudoersCommand): string {
  if (!command.runas) return 'root';
  const users = command.runas.users.map((item) => `${item.negated ? '!' : ''}${item.value}`).join(', ');
  const groups = command.runas.groups.map((item) => `${item.negated ? '!' : ''}${item.value}`).join(', ');
  return `(${users}${groups ? `:${groups}` : ''})`;
}

export function sudoGrants(facts: SudoersFacts, account: Account, groups: readonly Group[]): SudoGrant[] {
  const subject = subjectFor(account, groups);
  const userAliases: Aliases = new Map();
  const commandAliases: Aliases = new Map();
  for (const file of facts.files) {
    for (const entry of file.entries) {
      if (entry.kind !== 'alias') continue;
      if (entry.aliasType === 'User_Alias') userAliases.set(entry.name, entry.items);
      if (entry.aliasType === 'Cmnd_Alias') commandAliases.set(entry.name, entry.items);
    }
  }
  // `Defaults !authenticate`, globally or bound to the account, in file order: the last setting wins.
  let authenticate = true;
  for (const file of facts.files) {
    for (const entry of file.entries) {
      if (entry.kind !== 'defaults') continue;
      if (entry.binding && (entry.binding.type !== ':' || !listMatch(entry.binding.items, subject, userAliases))) continue;
      for (const setting of entry.settings.split(/\s*,\s*/)) {
        if (/^!+\s*authenticate$/.test(setting.trim())) authenticate = false;
        else if (setting.trim() === 'authenticate') authenticate = true;
      }
    }
  }
  const grants: SudoGrant[] = [];
  for (const file of facts.files) {
    for (const entry of file.entries) {
      if (entry.kind !== 'rule') continue;
      const match = listMatch(entry.users, subject, userAliases);
      if (!match) continue;
      const granted = entry.privileges.flatMap((privilege) => privilege.commands).flatMap((command) =>
        expandCommands(command.command, commandAliases).filter((item) => !item.negated).map((item) => ({ command, value: item.value })),
      );
      if (granted.length === 0) continue;
      grants.push({
        path: file.path,
        line: entry.line,
        endLine: entry.endLine,
        text: entry.text.replace(/\s+/g, ' '),
        via: match.via,
        ...(match.group ? { viaGroup: match.group } : {}),
        commands: [...new Set(granted.map((item) => item.value))],
        all: granted.some((item) => item.value === 'ALL'),
        runas: runasText(granted[0]?.command as SudoersCommand),
        noPassword: !authenticate || granted.some((item) => item.command.tags.includes('NOPASSWD')),
      });
    }
  }
  return grants;
}
