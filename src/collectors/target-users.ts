import { defineCollector } from '../engine/collector.js';
import type { Account, Group, Host } from '../host/host.js';

export interface TargetUsers {
  /** Users whose homes this scan audits. */
  audited: Account[];
  /** Every account the target knows, for resolving owners and agent users. */
  accounts: Account[];
  groups: Group[];
  /** How the audited users were chosen, for the report. */
  scope: string;
}

// System accounts whose home is a system folder (games -> /usr/games, man -> /var/cache/man) keep no
// credentials; service accounts with a real home (postgres -> /var/lib/postgresql) are still audited.
const SYSTEM_HOMES = new Set(['/', '/nonexistent', '/dev/null', '/var/empty']);
const SYSTEM_HOME_PREFIXES = ['/bin', '/sbin', '/usr/', '/dev/', '/proc', '/run', '/var/run', '/var/cache/', '/var/spool/', '/var/mail', '/var/backups', '/var/empty'];

function isSystemHome(home: string): boolean {
  return SYSTEM_HOMES.has(home) || SYSTEM_HOME_PREFIXES.some((prefix) => home === prefix.replace(/\/$/, '') || home.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
}

export const targetUsers = defineCollector<TargetUsers>({
  id: 'target-users',
  description: 'accounts and groups of the target, and the users whose homes are audited',
  async collect({ host, user }) {
    const [accounts, groups] = await Promise.all([host.users(), host.groups()]);
    if (user) {
      // Directory-service users (LDAP, AD) are missing from /etc/passwd but are the current user.
      const current = await host.currentUser();
      const selected = accounts.find((account) => account.name === user) ?? (current?.name === user ? current : undefined);
      if (!selected) throw new Error(`user "${user}" (--user) is not an account on this target`);
      return { audited: [selected], accounts, groups, scope: `--user ${user}` };
    }
    const current = await host.currentUser();
    // A live scan by an ordinary user audits that user; one by root (MDM, CI) audits every home.
    if (current && current.uid !== 0 && host.platform !== 'win32') {
      return { audited: [current], accounts, groups, scope: `current user ${current.name}` };
    }
    if (current && host.platform === 'win32' && host.kind === 'live' && accounts.length === 0) {
      return { audited: [current], accounts: [current], groups, scope: `current user ${current.name}` };
    }
    return { audited: await usersWithHomes(host, accounts), accounts, groups, scope: 'every user with a home' };
  },
});

async function usersWithHomes(host: Host, accounts: Account[]): Promise<Account[]> {
  const seen = new Set<string>();
  const audited: Account[] = [];
  for (const account of accounts) {
    if (!account.home || isSystemHome(account.home) || seen.has(account.home)) continue;
    seen.add(account.home);
    const info = await host.stat(account.home).catch(() => undefined);
    if (info?.type === 'dir') audited.push(account);
  }
  return audited;
}
