import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { parseMcpConfig, type ClaudeJsonProject, type McpConfigParse, type McpFormat, type McpInput, type McpServer } from '../parsers/mcp-config.js';
import { managedSettingsFolder } from './claude-settings.js';
import { claudeJson } from './claude-json.js';
import { targetUsers } from './target-users.js';

// Every MCP server configuration on the target, read as data (no server is ever started):
// - Claude Code: ~/.claude.json (user scope, and local scope under projects.<path>), `.mcp.json` at each
//   project root, and the managed `managed-mcp.json`;
// - Claude Desktop: claude_desktop_config.json (macOS ~/Library/Application Support/Claude, Windows
//   %APPDATA%\Claude; Linux ~/.config/Claude is UNVERIFIED, read because third-party builds use it);
// - Cursor: ~/.cursor/mcp.json and `.cursor/mcp.json` in projects (secondary sources);
// - VS Code: the user mcp.json beside settings.json, and `.vscode/mcp.json` in projects (`servers`, `inputs`);
// - Windsurf: ~/.codeium/windsurf/mcp_config.json (`serverUrl` for remote servers; secondary).
// Project roots come from ~/.claude.json (claude-json collector); a --repo scan reads only the project
// files at the repository root.

export type McpClient = 'claude-code' | 'claude-desktop' | 'cursor' | 'vscode' | 'windsurf';
export type McpFileScope = 'user' | 'project' | 'managed';

export interface McpConfigFile {
  path: string;
  client: McpClient;
  scope: McpFileScope;
  /** The user whose file it is, or who lists the project. */
  user?: string;
  /** The project root, for project files. */
  project?: string;
  /** ~/.claude.json: true (its projects carry local-scope servers). */
  claudeJson?: boolean;
  servers: McpServer[];
  projects: ClaudeJsonProject[];
  inputs: McpInput[];
  error?: string;
}

export interface McpConfigs {
  platform: Platform;
  files: McpConfigFile[];
  /** Claude Desktop's configuration folder, per user that has one: Desktop is in use there. */
  desktopFolders: { user: string; path: string }[];
  /** Project roots whose files were looked at. */
  projectRoots: string[];
  skippedProjects: number;
}

/** A user's application-data folder: ~/Library/Application Support, %APPDATA% (Roaming), ~/.config. */
export function appDataFolder(platform: Platform, home: string): string {
  const paths = targetPaths(platform);
  if (platform === 'darwin') return paths.join(home, 'Library', 'Application Support');
  if (platform === 'win32') return paths.join(home, 'AppData', 'Roaming');
  return paths.join(home, '.config');
}

export function desktopConfigFolder(platform: Platform, home: string): string {
  return targetPaths(platform).join(appDataFolder(platform, home), 'Claude');
}

/** VS Code's user folder (`Code/User`), where settings.json and the user mcp.json live. */
export function vscodeUserFolder(platform: Platform, home: string, product = 'Code'): string {
  return targetPaths(platform).join(appDataFolder(platform, home), product, 'User');
}

interface Candidate {
  path: string;
  client: McpClient;
  scope: McpFileScope;
  format: McpFormat;
  user?: string;
  project?: string;
}

/** The MCP files a project root may hold. */
export function projectMcpFiles(platform: Platform, root: string): { path: string; client: McpClient; format: McpFormat }[] {
  const paths = targetPaths(platform);
  return [
    { path: paths.join(root, '.mcp.json'), client: 'claude-code', format: 'mcpServers' },
    { path: paths.join(root, '.vscode', 'mcp.json'), client: 'vscode', format: 'vscode' },
    { path: paths.join(root, '.cursor', 'mcp.json'), client: 'cursor', format: 'mcpServers' },
  ];
}

async function readConfig(host: Host, candidate: Candidate): Promise<McpConfigFile | undefined> {
  const base = {
    path: candidate.path,
    client: candidate.client,
    scope: candidate.scope,
    ...(candidate.user ? { user: candidate.user } : {}),
    ...(candidate.project ? { project: candidate.project } : {}),
  };
  let parse: McpConfigParse;
  try {
    const info = await host.stat(candidate.path);
    if (!info || info.type !== 'file') return undefined;
    const bytes = await host.readFile(candidate.path);
    if (!bytes) return undefined;
    parse = parseMcpConfig(bytes.toString('utf8'), candidate.format);
  } catch (error) {
    parse = { servers: [], projects: [], inputs: [], error: `cannot be read (${describeError(error)})` };
  }
  return { ...base, servers: parse.servers, projects: parse.projects, inputs: parse.inputs, ...(parse.error ? { error: parse.error } : {}) };
}

export const mcpConfigs = defineCollector<McpConfigs>({
  id: 'mcp-configs',
  description: 'MCP server configurations of Claude Code, Claude Desktop, Cursor, VS Code and Windsurf (user, project and managed files)',
  async collect({ host, get }) {
    const paths = targetPaths(host.platform);
    const platform = host.platform;
    const claude = await get(claudeJson);
    const files: McpConfigFile[] = [];
    const desktopFolders: McpConfigs['desktopFolders'] = [];
    // ~/.claude.json was parsed once by the claude-json collector.
    for (const file of claude.files) {
      files.push({
        path: file.path,
        client: 'claude-code',
        scope: 'user',
        user: file.user,
        claudeJson: true,
        servers: file.parse.servers,
        projects: file.parse.projects,
        inputs: file.parse.inputs,
        ...(file.parse.error ? { error: file.parse.error } : {}),
      });
    }
    const candidates: Candidate[] = [];
    if (host.kind !== 'repo') {
      candidates.push({ path: paths.join(managedSettingsFolder(platform), 'managed-mcp.json'), client: 'claude-code', scope: 'managed', format: 'mcpServers' });
      for (const user of (await get(targetUsers)).audited) {
        const desktop = desktopConfigFolder(platform, user.home);
        const folder = await host.stat(desktop).catch(() => undefined);
        if (folder?.type === 'dir') desktopFolders.push({ user: user.name, path: desktop });
        const own = { scope: 'user' as const, user: user.name };
        candidates.push(
          { path: paths.join(desktop, 'claude_desktop_config.json'), client: 'claude-desktop', format: 'mcpServers', ...own },
          { path: paths.join(user.home, '.cursor', 'mcp.json'), client: 'cursor', format: 'mcpServers', ...own },
          { path: paths.join(vscodeUserFolder(platform, user.home), 'mcp.json'), client: 'vscode', format: 'vscode', ...own },
          { path: paths.join(vscodeUserFolder(platform, user.home, 'Code - Insiders'), 'mcp.json'), client: 'vscode', format: 'vscode', ...own },
          { path: paths.join(user.home, '.codeium', 'windsurf', 'mcp_config.json'), client: 'windsurf', format: 'mcpServers', ...own },
        );
      }
    }
    for (const root of claude.projectRoots) {
      for (const file of projectMcpFiles(platform, root.path)) {
        candidates.push({ ...file, scope: 'project', project: root.path, ...(root.user ? { user: root.user } : {}) });
      }
    }
    for (const candidate of candidates) {
      const file = await readConfig(host, candidate);
      if (file) files.push(file);
    }
    return { platform, files, desktopFolders, projectRoots: claude.projectRoots.map((root) => root.path), skippedProjects: claude.skippedProjects };
  },
});
