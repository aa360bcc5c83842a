import { adminMembership, ADMINISTRATORS_SID } from '../../src/collectors/admin-membership.js';
import { sudoers } from '../../src/collectors/sudoers.js';
import { targetUsers } from '../../src/collectors/target-users.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { string, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import type { Account, Group } from '../../src/host/host.js';
import { sudoGrants, type SudoGrant } from '../../src/sandbox/sudo-grants.js';

/** Why membership matters, by group name or Windows SID. */
const GROUP_REASONS: Record<string, string> = {
  root: 'group root owns system files and sockets',
  sudo: 'members may run commands as root with sudo (Debian, Ubuntu: %sudo ALL=(ALL:ALL) ALL)',
  wheel: 'members may become root with sudo or su (Fedora, RHEL, Arch %wheel; the root group on macOS)',
  admin: 'members are administrators (macOS admin, sudo %admin)',
  adm: "members read the system logs under /var/log, which carry other users' secrets",
  'systemd-journal': "members read the whole system journal, other users' services included",
  docker: 'members control the Docker daemon, which runs as root: that is root on the host',
  lxd: 'members control LXD, which runs as root: that is root on the host',
  'incus-admin': 'members control Incus, which runs as root: that is root on the host',
  libvirt: 'members control libvirt VMs and pass host devices and folders into them: root-equivalent',
  disk: 'members read and write the raw disks: root-equivalent',
  shadow: 'members read the password hashes in /etc/shadow',
  'docker-users': 'members control Docker Desktop, whose engine runs with administrator rights',
  'S-1-5-32-544': 'Administrators: full control of the machine',
  'S-1-5-32-551': 'Backup Operators: read every file regardless of its ACL (SeBackupPrivilege)',
  'S-1-5-32-578': 'Hyper-V Administrators: control every VM on the machine, Cowork\'s included',
  'S-1-5-32-547': 'Power Users: legacy group with write access to system locations',
  'S-1-5-32-548': 'Account Operators: create and change accounts',
  'S-1-5-32-549': 'Server Operators: change services and system files',
};
const DEFAULT_PRIVILEGED = Object.keys(GROUP_REASONS);

function sudoersFix(grant: SudoGrant): RemediationAction {
  return {
    kind: 'manual',
    text: `Run \`visudo -f ${grant.path}\` and remove ${grant.endLine > grant.line ? `lines ${grant.line}-${grant.endLine}` : `line ${grant.line}`}: ${grant.text}`,
    reference: 'https://www.sudo.ws/docs/man/sudoers.man/',
  };
}

function describeGrant(grant: SudoGrant): string {
  const what = grant.all ? 'any command' : grant.commands.slice(0, 4).join(', ') + (grant.commands.length > 4 ? `, ... (${grant.commands.length} commands)` : '');
  return `${what} as ${grant.runas}${grant.noPassword ? ' without a password' : ''}`;
}

/** The agent's groups: membership lists and (Unix) the primary group. */
function groupsOf(agent: Account, groups: readonly Group[]): { group: Group; primary: boolean }[] {
  return groups.flatMap((group) => {
    const listed = group.members.some((member) => member.toLowerCase() === agent.name.toLowerCase());
    const primary = !agent.sid && group.gid === agent.gid;
    return listed || primary ? [{ group, primary: primary && !listed }] : [];
  });
}

export default defineCheck({
  meta: {
    id: 'sandbox.agent-user',
    title: "The agent's account is unprivileged: not root, not an administrator, no sudo rights",
    area: 'sandbox',
    severity: 'critical',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A dedicated agent account only contains a prompt-injected agent if the account cannot become root. This check takes the baseline\'s agentUser and ' +
      'fails when it is uid 0 (or SYSTEM / the built-in Administrator), when it is in a group that is root in all but name (sudo, wheel, admin, docker, lxd, ' +
      'libvirt, disk, ...; Windows Administrators, Backup Operators, Hyper-V Administrators by SID), or when a sudoers rule lets it run commands as ' +
      'another user. sudoers is read as sudo reads it: /etc/sudoers with its @include/@includedir (and #include) files, aliases, negation, NOPASSWD and ' +
      '`Defaults !authenticate`. macOS admin membership is also asked of dseditgroup (nested groups), Windows Administrators of Get-LocalGroupMember.',
    references: [
      { title: 'sudoers(5): user specifications, aliases, @includedir', url: 'https://www.sudo.ws/docs/man/sudoers.man/' },
      { title: 'Docker: the docker group grants root-level privileges', url: 'https://docs.docker.com/engine/security/#docker-daemon-attack-surface' },
      { title: 'Well-known SIDs (S-1-5-32-544 Administrators, -551 Backup Operators, -578 Hyper-V Administrators)', url: 'https://learn.microsoft.com/en-us/windows-server/identity/ad-ds/manage/understand-security-identifiers' },
      { title: 'dseditgroup(8): checkmember', url: 'https://ss64.com/mac/dseditgroup.html' },
      { title: 'CIS Benchmarks: restrict membership of privileged groups; sudo configuration' },
    ],
    fix: 'Take the agent account out of privileged groups and remove every sudoers rule that names it (visudo -f FILE).',
  },
  params: {
    agentUser: string('Account the agent (Claude Code, Cowork, MCP servers) runs as; empty skips this check.', ''),
    privilegedGroups: stringList(
      'Groups the agent account must not be in: names, or Windows SIDs (S-1-5-32-544) for built-in groups whose names are translated.',
      DEFAULT_PRIVILEGED,
    ),
  },
  uses: [targetUsers, sudoers, adminMembership],
  evaluate(facts, params) {
    if (!params.agentUser) return { status: 'skipped', message: 'the baseline names no agent runtime user (param agentUser)' };
    const users = facts.get(targetUsers);
    const name = params.agentUser;
    const agent = users.accounts.find((account) => account.name === name) ?? users.accounts.find((account) => account.sid && account.name.toLowerCase() === name.toLowerCase());
    if (users.accounts.length === 0) return { status: 'skipped', message: `the accounts of this target could not be read, so agent user "${name}" cannot be judged` };
    if (!agent) {
      return {
        status: 'fail',
        message: `agent user "${name}" is not an account on this target: the agent runs under someone's own account`,
        findings: [{ message: `no account named "${name}": create a dedicated, unprivileged account for the agent and run it under that account`, subject: name, actions: [{ kind: 'manual', text: `Create the account "${name}" (no admin rights, no sudo) and start the agent under it.` }] }],
      };
    }
    const findings: Finding[] = [];
    const privileged = new Set(params.privilegedGroups.map((item) => item.toLowerCase()));

    if (!agent.sid && agent.uid === 0) {
      findings.push({ message: `agent user "${agent.name}" has uid 0: it is root`, subject: agent.name, actions: [{ kind: 'manual', text: 'Run the agent under a dedicated unprivileged account (uid >= 1000 on Linux, >= 501 on macOS).' }] });
    }
    if (agent.sid && (agent.sid === 'S-1-5-18' || /^S-1-5-21-.*-500$/.test(agent.sid))) {
      findings.push({ message: `agent user "${agent.name}" is ${agent.sid === 'S-1-5-18' ? 'SYSTEM' : 'the built-in Administrator'} (${agent.sid})`, subject: agent.name, actions: [{ kind: 'manual', text: 'Run the agent under a dedicated standard (non-administrator) account.' }] });
    }

    const flaggedGroups = new Set<string>();
    for (const { group, primary } of groupsOf(agent, users.groups)) {
      const key = [group.name.toLowerCase(), group.sid?.toLowerCase()].find((candidate) => candidate && privileged.has(candidate));
      if (!key) continue;
      flaggedGroups.add(group.name.toLowerCase());
      const reason = GROUP_REASONS[group.sid ?? ''] ?? GROUP_REASONS[group.name] ?? 'the baseline lists it as privileged';
      findings.push({
        message: `agent user "${agent.name}" is in group ${group.name}${group.sid ? ` (${group.sid})` : ` (gid ${group.gid})`}${primary ? ' as its primary group' : ''}: ${reason}`,
        subject: agent.name,
        actions: primary
          ? [{ kind: 'manual', text: `Give ${agent.name} its own primary group: usermod -g ${agent.name} ${agent.name} (create it first with groupadd if needed).` }]
          : [{ kind: 'remove-group-member', group: group.name, user: agent.name }],
      });
    }

    const membership = facts.get(adminMembership);
    const darwinAnswer = membership.darwinAdmin[agent.name];
    if (darwinAnswer?.member && !flaggedGroups.has('admin') && privileged.has('admin')) {
      flaggedGroups.add('admin');
      findings.push({
        message: `agent user "${agent.name}" is an administrator: \`${darwinAnswer.command}\` answers yes (through a nested group: it is not listed in admin's GroupMembership)`,
        subject: agent.name,
        actions: [{ kind: 'manual', text: `Find the group that makes ${agent.name} an admin (dscl . -read /Groups/admin NestedGroups) and take ${agent.name} out of it, or remove that group from admin.` }],
      });
    }
    const administrators = membership.windowsAdministrators ?? [];
    const asAdmin = administrators.find((member) => (agent.sid && member.sid === agent.sid) || member.name.split('\\').pop()?.toLowerCase() === agent.name.toLowerCase());
    const adminsFlagged = [...flaggedGroups].some((group) => users.groups.find((item) => item.name.toLowerCase() === group)?.sid === ADMINISTRATORS_SID);
    if (asAdmin && !adminsFlagged && privileged.has(ADMINISTRATORS_SID.toLowerCase())) {
      findings.push({
        message: `agent user "${agent.name}" is a member of Administrators (${ADMINISTRATORS_SID}) as ${asAdmin.name}${asAdmin.principalSource ? ` (${asAdmin.principalSource})` : ''}: full control of the machine`,
        subject: agent.name,
        actions: [{ kind: 'remove-group-member', group: users.groups.find((group) => group.sid === ADMINISTRATORS_SID)?.name ?? 'Administrators', user: agent.name }],
      });
    }

    const sudo = facts.get(sudoers);
    if (sudo.applicable) {
      for (const grant of sudoGrants(sudo, agent, users.groups)) {
        const viaPrimary = grant.viaGroup !== undefined && !users.groups.find((group) => group.name === grant.viaGroup)?.members.includes(agent.name);
        const actions: RemediationAction[] = grant.viaGroup && !viaPrimary ? [{ kind: 'remove-group-member', group: grant.viaGroup, user: agent.name }, sudoersFix(grant)] : [sudoersFix(grant)];
        findings.push({
          message: `${grant.path}:${grant.line} lets "${agent.name}" (${grant.via}) run ${describeGrant(grant)}: ${grant.text}`,
          location: { path: grant.path, line: grant.line },
          subject: agent.name,
          actions,
        });
      }
      for (const problem of sudo.problems) {
        findings.push({
          message: `sudoers ${problem.path}${problem.line ? `:${problem.line}` : ''} ${problem.message}: the rules it holds cannot be judged`,
          location: { path: problem.path, ...(problem.line ? { line: problem.line } : {}) },
          subject: agent.name,
          actions: [{ kind: 'manual', text: `Run cowork-audit as root so that ${problem.path} can be read, or fix it with visudo -c.` }],
        });
      }
    }

    const notes = [
      sudo.applicable ? (sudo.missing ? 'no /etc/sudoers' : `${sudo.files.length} sudoers file(s) read`) : '',
      ...membership.unavailable,
      administrators.some((member) => member.objectClass === 'Group') ? `Administrators holds group(s) ${administrators.filter((member) => member.objectClass === 'Group').map((member) => member.name).join(', ')} whose members are not resolved` : '',
    ].filter(Boolean);
    const detail = notes.length ? ` (${notes.join('; ')})` : '';
    if (findings.length > 0) return { status: 'fail', message: `agent user "${agent.name}" has ${findings.length} path(s) to administrator rights${detail}`, findings };
    const clean = sudo.applicable ? 'is in no privileged group and no sudoers rule names it' : 'is no administrator and in no privileged group';
    return { status: 'pass', message: `agent user "${agent.name}" (${agent.sid ?? `uid ${agent.uid}`}) ${clean}${detail}` };
  },
});
