import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Account, Host } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { parseMcpConfig, type McpConfigParse } from '../parsers/mcp-config.js';
import { targetUsers } from './target-users.js';

// Each audited user's ~/.claude.json: Claude Code's app state, holding user-scope MCP servers
// (`mcpServers`), and per project folder (`projects.<path>`) local-scope servers, the project's
// `enableAllProjectMcpServers` / `enabledMcpjsonServers` answers and its trust decision. The project
// folders listed there are the projects this user works in: where the MCP and editor collectors look for
// `.mcp.json`, `.vscode/` and `.cursor/`. A repository scan (--repo) has no users: its one project is `/`.

/** ~/.claude.json grows with history; read more of it than of an ordinary settings file. */
const MAX_CLAUDE_JSON_BYTES = 32 * 1024 * 1024;
/** Bound on project folders visited, so a machine with thousands of checkouts stays quick. */
export const MAX_PROJECT_ROOTS = 200;

export interface ClaudeJsonFile {
  path: string;
  user: string;
  parse: McpConfigParse;
}

export interface ProjectRoot {
  /** The project folder as the target names it. */
  path: string;
  /** The user whose ~/.claude.json lists it (absent for the repository of --repo). */
  user?: string;
}

export interface ClaudeJson {
  files: ClaudeJsonFile[];
  projectRoots: ProjectRoot[];
  /** Project folders left out beyond MAX_PROJECT_ROOTS. */
  skippedProjects: number;
}

async function readClaudeJson(host: Host, user: Account, configDir?: string): Promise<ClaudeJsonFile | undefined> {
  const paths = targetPaths(host.platform);
  // CLAUDE_CONFIG_DIR moves ~/.claude.json into that folder (known for the user running a live scan only).
  if (configDir !== undefined) {
    const relocated = await readAt(host, user, paths.join(configDir, '.claude.json'));
    if (relocated) return relocated;
  }
  return readAt(host, user, paths.join(user.home, '.claude.json'));
}

async function readAt(host: Host, user: Account, path: string): Promise<ClaudeJsonFile | undefined> {
  try {
    const bytes = await host.readFile(path, MAX_CLAUDE_JSON_BYTES);
    if (!bytes) return undefined;
    const parse = parseMcpConfig(bytes.toString('utf8'), 'claude-json');
    if (bytes.length >= MAX_CLAUDE_JSON_BYTES) parse.error = `only the first ${MAX_CLAUDE_JSON_BYTES} bytes were read${parse.error ? `; ${parse.error}` : ''}`;
    return { path, user: user.name, parse };
  } catch (error) {
    return { path, user: user.name, parse: { servers: [], projects: [], inputs: [], error: `cannot be read (${describeError(error)})` } };
  }
}

export const claudeJson = defineCollector<ClaudeJson>({
  id: 'claude-json',
  description: "each audited user's ~/.claude.json (user and local-scope MCP servers, per-project MCP answers) and the project folders it lists",
  async collect({ host, get }) {
    if (host.kind === 'repo') return { files: [], projectRoots: [{ path: '/' }], skippedProjects: 0 };
    const paths = targetPaths(host.platform);
    const files: ClaudeJsonFile[] = [];
    const projectRoots: ProjectRoot[] = [];
    const seen = new Set<string>();
    let skippedProjects = 0;
    const current = await host.currentUser();
    const configDir = (await host.env()).CLAUDE_CONFIG_DIR;
    for (const user of (await get(targetUsers)).audited) {
      const relocated = current?.name === user.name && configDir && paths.isAbsolute(configDir) ? configDir : undefined;
      const file = await readClaudeJson(host, user, relocated);
      if (!file) continue;
      files.push(file);
      for (const project of file.parse.projects) {
        if (!paths.isAbsolute(project.path)) continue;
        const normalised = paths.normalize(project.path).replace(/[\\/]+$/, '') || paths.sep;
        const key = host.platform === 'win32' ? normalised.toLowerCase() : normalised;
        if (seen.has(key)) continue;
        seen.add(key);
        if (projectRoots.length >= MAX_PROJECT_ROOTS) {
          skippedProjects += 1;
          continue;
        }
        projectRoots.push({ path: normalised, user: user.name });
      }
    }
    return { files, projectRoots, skippedProjects };
  },
});
