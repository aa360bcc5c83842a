import { credentialPaths, type CredentialPath } from '../../src/collectors/credential-paths.js';
import { targetUsers } from '../../src/collectors/target-users.js';
import { accessOf, principalFor, type Principal } from '../../src/credentials/access.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { string } from '../../src/engine/params-schema.js';
import { tightenActions } from '../../src/credentials/tighten.js';

export default defineCheck({
  meta: {
    id: 'credentials.agent-user-access',
    title: "The agent's runtime user cannot read other users' credentials",
    area: 'credentials',
    severity: 'critical',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Running an agent under its own unprivileged account only contains it if that account cannot reach the credentials of the people on the machine. ' +
      'This check walks every credential path of every other user and decides, from owner, group membership, mode and ACL entries along the whole path, ' +
      'whether the agent account could open it.',
    references: [
      { title: 'POSIX.1e access check algorithm (acl(5))', url: 'https://man7.org/linux/man-pages/man5/acl.5.html' },
      { title: 'Claude Code: sandboxing and least privilege', url: 'https://code.claude.com/docs/en/sandboxing' },
    ],
    fix: "Remove the agent account's path to the credentials: tighten the modes and ACLs named in the findings, and take the agent out of shared groups.",
  },
  params: {
    agentUser: string('Account the agent (Claude Code, Cowork, MCP servers) runs as; empty skips this check.', ''),
  },
  uses: [targetUsers, credentialPaths],
  evaluate(facts, params) {
    if (!params.agentUser) return { status: 'skipped', message: 'the baseline names no agent runtime user (param agentUser)' };
    const users = facts.get(targetUsers);
    const agent = users.accounts.find((account) => account.name === params.agentUser);
    if (!agent) return { status: 'skipped', message: `agent user "${params.agentUser}" is not an account on this target` };
    const principal = principalFor(agent, users.groups);
    const others = facts.get(credentialPaths).found.filter((entry) => entry.user.name !== agent.name && entry.info);

    if (agent.uid === 0 && !agent.sid) {
      return {
        status: 'fail',
        message: `agent user "${agent.name}" is root (uid 0) and can read every credential on the machine`,
        findings: [{ message: `agent user "${agent.name}" has uid 0`, subject: agent.name, actions: [{ kind: 'manual', text: 'Run the agent under a dedicated unprivileged account.' }] }],
      };
    }

    const findings: Finding[] = [];
    for (const entry of others) {
      const reach = reachability(principal, entry);
      if (!reach) continue;
      findings.push({
        message: `agent user "${agent.name}" can ${reach} ${entry.user.name}'s ${entry.label} ${entry.path}`,
        location: { path: entry.path },
        subject: entry.user.name,
        actions: tightenActions(entry),
      });
    }
    const owners = new Set(others.map((entry) => entry.user.name));
    if (findings.length > 0) {
      return {
        status: 'fail',
        message: `agent user "${agent.name}" can reach ${findings.length} credential path(s) of ${new Set(findings.map((f) => f.subject)).size} other user(s)`,
        findings,
      };
    }
    return { status: 'pass', message: `agent user "${agent.name}" can reach none of ${others.length} credential path(s) of ${owners.size} other user(s)` };
  },
});

/**
 * `read`, `overwrite` or `write into` when every folder on the way can be searched and the path itself
 * grants it. A folder the agent can only list reveals names, not secrets: the files inside are judged
 * on their own.
 */
function reachability(principal: Principal, entry: CredentialPath): string | undefined {
  if (!entry.info) return undefined;
  // Windows grants "bypass traverse checking" to everyone by default: folders on the way never block.
  if (entry.acl?.kind !== 'windows') {
    for (const node of entry.ancestors) {
      if (!node.info) {
        if (node.error) return undefined;
        continue;
      }
      if (!accessOf(principal, node.info, node.acl).execute) return undefined;
    }
  }
  const bits = accessOf(principal, entry.info, entry.acl);
  if (entry.info.type === 'dir') return bits.write && bits.execute ? 'write into' : undefined;
  if (entry.role === 'protected-config') return bits.write ? 'overwrite' : undefined;
  if (bits.read) return 'read';
  if (bits.write) return 'overwrite';
  return undefined;
}
