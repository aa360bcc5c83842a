import { credentialPaths, type CredentialPath } from '../../src/collectors/credential-paths.js';
import { targetUsers, type TargetUsers } from '../../src/collectors/target-users.js';
import type { Grant } from '../../src/credentials/access.js';
import { aclGrants, removeGrantAction, tightenedMode } from '../../src/credentials/tighten.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean } from '../../src/engine/params-schema.js';
import { octal } from '../../src/util/octal.js';

export default defineCheck({
  meta: {
    id: 'credentials.file-permissions',
    title: 'Credential files and folders are private to their owner',
    area: 'credentials',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Cloud, cluster, registry and SSH credentials on a laptop are the first thing a prompt-injected agent or any other local process goes for. ' +
      'Each credential file must belong to its user and grant nobody else access: folders 0700, files 0600, no ACL entry for another user or group, ' +
      'and on Windows no grant to Everyone, Users or Authenticated Users.',
    references: [
      { title: 'OpenSSH ssh(1): FILES (~/.ssh and private keys must not be accessible by others)', url: 'https://man.openbsd.org/ssh#FILES' },
      { title: 'PostgreSQL libpq: the password file is ignored when group or world can read it', url: 'https://www.postgresql.org/docs/current/libpq-pgpass.html' },
      { title: 'AWS CLI: configuration and credential file settings', url: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html' },
      { title: 'CIS Distribution Independent Linux Benchmark 6.2: user home and dot-file permissions' },
    ],
    fix: 'Give each credential file and folder to its user alone: chown to the user, chmod 0600 files and 0700 folders, remove extra ACL entries.',
  },
  params: {
    allowGroupRead: boolean('Accept group read on credential files (only where every user has a private primary group).', false),
  },
  uses: [credentialPaths, targetUsers],
  evaluate(facts, params) {
    const { found, searched } = facts.get(credentialPaths);
    const names = nameResolver(facts.get(targetUsers));
    const findings: Finding[] = [];
    const notes = new Set<string>();
    const unreadable = new Map<string, CredentialPath[]>();
    for (const entry of found) {
      if (entry.error) {
        unreadable.set(entry.user.name, [...(unreadable.get(entry.user.name) ?? []), entry]);
        continue;
      }
      if (entry.acl?.kind === 'unavailable') notes.add(`ACLs not inspected: ${entry.acl.reason}`);
      findings.push(...judge(entry, params.allowGroupRead, names));
    }
    // Evidence that could not be read is not evidence of safety: a gate must not pass on it.
    for (const [user, entries] of unreadable) {
      findings.push({
        message: `${entries.length} credential location(s) of ${user} could not be inspected (${entries[0]?.error ?? 'unreadable'}); run the audit as root to judge them`,
        location: { path: entries[0]?.user.home ?? entries[0]?.path ?? '' },
        subject: user,
        actions: [{ kind: 'manual', text: 'Run cowork-audit as root (MDM and CI do) so that every home can be inspected.' }],
      });
    }
    const detail = notes.size ? `; ${[...notes].slice(0, 3).join('; ')}` : '';
    if (findings.length > 0) {
      return { status: 'fail', message: `${findings.length} problem(s) on ${found.length} credential path(s)${detail}`, findings };
    }
    return {
      status: 'pass',
      message: found.length
        ? `${found.length} credential path(s) are private to their owners (${searched} locations looked at)${detail}`
        : `no credential files found (${searched} locations looked at)${detail}`,
    };
  },
});

function judge(entry: CredentialPath, allowGroupRead: boolean, names: (who: string) => string): Finding[] {
  const info = entry.info;
  if (!info) return [];
  const subject = entry.user.name;
  const location = { path: entry.path };
  const what = `${entry.label} ${entry.path}${entry.link ? ` (link to ${entry.link.linkTarget})` : ''}`;
  const findings: Finding[] = [];
  const windows = entry.acl?.kind === 'windows';

  if (windows) {
    const ownerSid = entry.acl?.kind === 'windows' ? entry.acl.ownerSid : undefined;
    if (ownerSid && entry.user.sid && ownerSid !== entry.user.sid && !ADMIN_OWNERS.has(ownerSid)) {
      findings.push({ message: `${what} is owned by ${(entry.acl?.kind === 'windows' && entry.acl.owner) || ownerSid}, not ${subject}`, location, subject, actions: [{ kind: 'chown', path: entry.path, user: subject }] });
    }
  } else if (info.uid !== entry.user.uid) {
    findings.push({
      message: `${what} is owned by uid ${info.uid}, not ${subject} (uid ${entry.user.uid})`,
      location,
      subject,
      actions: [{ kind: 'chown', path: entry.path, user: subject }],
    });
  }

  const mode = tightenedMode(entry, allowGroupRead);
  if (mode !== undefined) {
    findings.push({
      message: `${what} has mode ${octal(info.mode)}; ${entry.role === 'protected-config' ? 'others must not be able to write it' : 'group and others must have no access'} (want ${octal(mode)})`,
      location,
      subject,
      actions: [{ kind: 'chmod', path: entry.path, mode: octal(mode) }],
    });
  }

  for (const grant of aclGrants(entry)) {
    const action = removeGrantAction(entry.path, grant);
    findings.push({ message: `${what}: ${grantText(grant, names)}`, location, subject, actions: action ? [action] : [] });
  }
  return findings;
}

// Windows files normally belong to the user, but SYSTEM or Administrators owning them is no exposure.
const ADMIN_OWNERS = new Set(['S-1-5-18', 'S-1-5-32-544']);

function grantText(grant: Grant, names: (who: string) => string): string {
  const rights = [grant.read && 'read', grant.write && 'write', grant.execute && 'execute'].filter(Boolean).join('/');
  if (grant.via === 'default-acl') return `default ACL gives ${names(grant.who)} ${rights} on everything created inside`;
  return `ACL grants ${names(grant.who)} ${rights}`;
}

/** `user 1001` becomes `user claude (1001)`: getfacl -n records ids, people read names. */
function nameResolver(users: TargetUsers): (who: string) => string {
  return (who) => {
    const match = /^(user|group) (\d+)$/.exec(who);
    if (!match) return who;
    const id = Number(match[2]);
    const name = match[1] === 'user' ? users.accounts.find((account) => account.uid === id)?.name : users.groups.find((group) => group.gid === id)?.name;
    return name ? `${match[1]} ${name} (${id})` : who;
  };
}
