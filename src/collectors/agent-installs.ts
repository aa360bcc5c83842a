import { defineCollector } from '../engine/collector.js';
import { targetPaths } from '../host/target-paths.js';
import { AGENT_INSTALL_PATHS, type AgentKind } from '../sandbox/agents.js';
import { targetUsers } from './target-users.js';

// Agents installed on the target (system-wide and in the audited users' homes): what an offline image
// can show about agents, where no process runs.

export interface AgentInstall {
  kind: AgentKind;
  path: string;
  /** The user whose home holds it; absent for system-wide installs. */
  user?: string;
}

export const agentInstalls = defineCollector<AgentInstall[]>({
  id: 'sandbox-agent-installs',
  description: 'desktop AI agents installed on the target (Claude Code, Claude Desktop, Cursor, VS Code, Windsurf)',
  async collect({ host, get }) {
    const paths = targetPaths(host.platform);
    const { audited } = await get(targetUsers);
    const found: AgentInstall[] = [];
    const seen = new Set<string>();
    const probe = async (kind: AgentKind, path: string, user?: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const info = await host.lstat(path).catch(() => undefined);
      if (info) found.push({ kind, path, ...(user ? { user } : {}) });
    };
    for (const { kind, path } of AGENT_INSTALL_PATHS[host.platform]) {
      if (!path.startsWith('~')) {
        await probe(kind, path);
        continue;
      }
      const rest = path.slice(2).split(/[\\/]/);
      for (const user of audited) await probe(kind, paths.join(user.home, ...rest), user.name);
    }
    return found;
  },
});
