import { levelName, setAt, where } from '../../src/agent/origins.js';
import type { SettingOrigin } from '../../src/agent/settings-model.js';
import { agentSettings, CLAUDE_DESKTOP_POLICY_KEYS } from '../../src/collectors/agent-settings.js';
import { mcpConfigs, type McpClient, type McpConfigFile } from '../../src/collectors/mcp-configs.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { displayCommand, isLoopbackHost, parseMcpUrl, type McpServer, type McpValue } from '../../src/parsers/mcp-config.js';
import { launchedPackages } from '../../src/parsers/mcp-launcher.js';

// MCP server configurations judged from the files alone (no server is started): secrets written into env,
// headers, arguments or URLs; packages fetched at each start without an exact version (npx, uvx, ...);
// plain-http remote servers; the legacy HTTP+SSE transport; Claude Code's enableAllProjectMcpServers; and,
// when the baseline requires managed MCP only, Claude Code's managed allowlist and Claude Desktop's
// isLocalDevMcpEnabled policy.

const CLIENT_NAMES: Record<McpClient, string> = {
  'claude-code': 'Claude Code',
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
};

function at(file: McpConfigFile, line: number): string {
  return `${file.path}:${line}`;
}

function serverLabel(file: McpConfigFile, server: McpServer): string {
  const scope = server.project !== undefined ? ` (local scope, project ${server.project})` : file.scope === 'managed' ? ' (managed)' : '';
  return `${CLIENT_NAMES[file.client]} MCP server "${server.name}"${scope}`;
}

/** An identifier for a VS Code input or an environment variable, from a value's name. */
function variableName(name: string): string {
  const cleaned = name.replace(/^argument \d+ \((?:--)?/, '').replace(/\)$/, '').replace(/^URL (?:query )?/, '');
  const upper = cleaned.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toUpperCase();
  return upper === '' || upper === 'AUTHORIZATION' ? 'MCP_TOKEN' : upper;
}

/** How to keep a secret out of this client's file: the exact change. */
function secretAdvice(file: McpConfigFile, server: McpServer, value: McpValue, kind: 'env' | 'header' | 'argument' | 'url'): string {
  const variable = variableName(value.name);
  const inputId = variable.toLowerCase().replace(/_/g, '-');
  const place = kind === 'env' ? `env.${value.name}` : kind === 'header' ? `headers.${value.name}` : value.name;
  const prefix = kind === 'header' && /^authorization$/i.test(value.name) ? 'Bearer ' : '';
  let change: string;
  switch (file.client) {
    case 'vscode':
      change = `replace the value of ${place} with "${prefix}\${input:${inputId}}" and add { "type": "promptString", "id": "${inputId}", "password": true } to "inputs" (VS Code keeps the answer in its secret storage), or move it to an "envFile" outside the repository`;
      break;
    case 'cursor':
    case 'windsurf':
      change = `replace the value of ${place} with "${prefix}\${env:${variable}}" and set ${variable} in the environment the editor starts from (a secret manager or the OS keychain)`;
      break;
    case 'claude-desktop':
      change = `Claude Desktop does not expand variables in claude_desktop_config.json (UNVERIFIED): remove the value from ${place} and package the server as a Desktop extension (MCPB) whose user_config marks it sensitive (kept in the OS keychain), or start the server through a wrapper that reads it from the keychain`;
      break;
    default:
      change = `replace the value of ${place} with "${prefix}\${${variable}}" (Claude Code expands \${VAR} in env, headers, args and url) and provide ${variable} from the environment or a secret manager`;
  }
  if (kind === 'argument') change = `move the secret out of the command line (process lists show it to every user): pass it as an env entry whose value is a reference, then ${change.replace(/^replace the value of [^ ]+ with/, 'use')}`;
  if (kind === 'url') change = `take the secret out of the URL (it ends up in logs and proxies): send it in a header whose value is a reference; ${change.replace(/^replace the value of [^ ]+ with/, 'use')}`;
  return `In ${at(file, value.line)} (server "${server.name}"), ${change}. Then rotate the credential: it has been stored in plain text.`;
}

function secretFinding(file: McpConfigFile, server: McpServer, value: McpValue, kind: 'env' | 'header' | 'argument' | 'url'): Finding {
  const what = value.kind === 'token' ? `a ${value.tokenKind ?? 'token'} (${value.hint ?? '…'})` : `a literal secret (${value.hint ?? '…'})`;
  const field = kind === 'env' ? `env ${value.name}` : kind === 'header' ? `header ${value.name}` : value.name;
  return {
    message: `${at(file, value.line)}: ${serverLabel(file, server)} has ${what} written into ${field} instead of a reference: anyone who can read the file, a backup or a commit has it`,
    location: { path: file.path, line: value.line },
    ...(file.user ? { subject: file.user } : {}),
    actions: [{ kind: 'manual', text: secretAdvice(file, server, value, kind) }],
  };
}

function serverFindings(file: McpConfigFile, server: McpServer): Finding[] {
  const findings: Finding[] = [];
  const subject = file.user ? { subject: file.user } : {};
  for (const value of server.env) if (value.secret) findings.push(secretFinding(file, server, value, 'env'));
  for (const value of server.headers) if (value.secret) findings.push(secretFinding(file, server, value, 'header'));
  for (const value of server.argSecrets) findings.push(secretFinding(file, server, value, 'argument'));
  for (const value of server.url?.secrets ?? []) findings.push(secretFinding(file, server, value, 'url'));
  // A disabled server does not run: only its secrets matter.
  if (server.disabled) return findings;

  for (const pkg of launchedPackages(server.command?.value, server.args.map((arg) => arg.value))) {
    if (pkg.pinned) continue;
    const line = pkg.argIndex >= 0 ? (server.args[pkg.argIndex]?.line ?? server.line) : (server.command?.line ?? server.line);
    const fetched = pkg.version === undefined ? `${pkg.name} without a version at each start` : `${pkg.spec} at each start ("${pkg.version}" is not an exact version)`;
    findings.push({
      message: `${at(file, line)}: ${serverLabel(file, server)} runs \`${displayCommand(server)}\`: ${pkg.launcher} fetches ${fetched}, so whatever the registry serves then (a hijacked or typosquatted release) runs with the agent's rights`,
      location: { path: file.path, line },
      ...subject,
      actions: [{ kind: 'manual', text: `In ${at(file, line)} replace "${pkg.spec}" with "${pkg.pinnedExample}", the exact version you reviewed${pkg.launcher === 'npx' || pkg.launcher === 'bunx' || pkg.launcher.endsWith('dlx') ? ` (npm view ${pkg.name} version shows the latest)` : ''}; update it deliberately.` }],
    });
  }

  const urls = [
    ...(server.url ? [{ url: server.url, from: server.url.key }] : []),
    // Bridges such as mcp-remote take the remote URL as an argument.
    ...server.args.flatMap((arg) => {
      if (!/^(?:http|ws):\/\//i.test(arg.value)) return [];
      const url = parseMcpUrl(arg.value, 'url', arg.line);
      return url ? [{ url, from: 'argument' }] : [];
    }),
  ];
  for (const { url, from } of urls) {
    if ((url.scheme !== 'http' && url.scheme !== 'ws') || url.hostIsReference || isLoopbackHost(url.host)) continue;
    findings.push({
      message: `${at(file, url.line)}: ${serverLabel(file, server)} connects to ${url.origin} (${from}) over plain ${url.scheme === 'ws' ? 'WebSocket' : 'HTTP'}: its tokens, prompts and tool results cross the network unencrypted and can be read or altered on the way`,
      location: { path: file.path, line: url.line },
      ...subject,
      actions: [{ kind: 'manual', text: `In ${at(file, url.line)} change ${url.origin} to ${url.scheme === 'ws' ? 'wss' : 'https'}://${url.host}${url.port ? `:${url.port}` : ''} (the server must offer TLS); plain http is only acceptable to 127.0.0.1/localhost.` }],
    });
  }

  const declaredSse = server.transport === 'sse';
  const guessedSse = !server.declaredType && server.command === undefined && server.url?.pathEndsWithSse === true;
  if (declaredSse || guessedSse) {
    const line = declaredSse ? (server.declaredType?.line ?? server.line) : (server.url?.line ?? server.line);
    findings.push({
      message: `${at(file, line)}: ${serverLabel(file, server)} uses the legacy HTTP+SSE transport${declaredSse ? '' : ' (its URL ends in /sse)'}, deprecated since the 2025-03-26 MCP specification in favour of streamable HTTP, with weaker session handling`,
      location: { path: file.path, line },
      ...subject,
      actions: [{ kind: 'manual', text: `In ${at(file, line)} switch server "${server.name}" to streamable HTTP ("type": "http" and the server's streamable endpoint, usually /mcp) once the server offers it.` }],
    });
  }
  return findings;
}

function desktopPolicyAction(platform: 'darwin' | 'win32' | 'linux'): RemediationAction {
  if (platform === 'win32') return { kind: 'registry-set', key: CLAUDE_DESKTOP_POLICY_KEYS.hklm, name: 'isLocalDevMcpEnabled', type: 'String', value: 'false' };
  return {
    kind: 'manual',
    text: 'Deploy a configuration profile (MDM) for the preference domain com.anthropic.claudefordesktop with isLocalDevMcpEnabled = "false" (Desktop policy values are strings); provide approved servers through managedMcpServers.',
  };
}

export default defineCheck({
  meta: {
    id: 'agent.mcp-servers',
    title: 'MCP servers are configured without inline secrets, unpinned packages or plain-text transports',
    area: 'agent',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'An MCP server runs with the agent\'s rights and feeds text straight into its context. Its configuration is often copied from a README: ' +
      'API tokens written into env or headers (readable by anything that reads the file, and committed with .mcp.json or .vscode/mcp.json), ' +
      '`npx -y package` or `uvx package` without a version (each start runs whatever the registry serves), http:// URLs to other hosts ' +
      '(tokens and tool results in clear text), and the deprecated HTTP+SSE transport. enableAllProjectMcpServers approves every server a ' +
      'cloned repository\'s .mcp.json names. Read without starting anything: Claude Code (~/.claude.json with per-project entries, .mcp.json, ' +
      'managed-mcp.json), Claude Desktop (claude_desktop_config.json), Cursor, VS Code (servers/inputs) and Windsurf (serverUrl) files of every ' +
      'audited user and of the projects listed in ~/.claude.json, or the repository\'s own files with --repo (findings at file and line for ' +
      'code review). With mcpManagedOnly the organisation\'s allowlist must be enforced: Claude Code managed allowedMcpServers with ' +
      'allowManagedMcpServersOnly (or a managed-mcp.json), and Claude Desktop\'s isLocalDevMcpEnabled policy set to false.',
    references: [
      { title: 'Claude Code: MCP (scopes, .mcp.json, environment variable expansion)', url: 'https://code.claude.com/docs/en/mcp' },
      { title: 'Claude Code: settings (enableAllProjectMcpServers, allowedMcpServers, allowManagedMcpServersOnly)', url: 'https://code.claude.com/docs/en/settings' },
      { title: 'MCP specification: security best practices', url: 'https://modelcontextprotocol.io/specification/2025-06-18/basic/security_best_practices' },
      { title: 'MCP specification 2025-03-26: streamable HTTP replaces HTTP+SSE', url: 'https://modelcontextprotocol.io/specification/2025-03-26/basic/transports' },
      { title: 'VS Code: MCP servers (inputs, envFile, servers)', url: 'https://code.visualstudio.com/docs/copilot/chat/mcp-servers' },
      { title: 'Claude Desktop config on Linux (~/.config/Claude), Cursor ~/.cursor/mcp.json and Windsurf mcp_config.json serverUrl: secondary sources (UNVERIFIED)' },
    ],
    fix: 'Replace inline secrets with ${VAR} / ${input:...} / ${env:...} references and rotate them, pin package versions, use https, move off SSE, and turn enableAllProjectMcpServers off.',
  },
  params: {
    mcpManagedOnly: boolean(
      'Require MCP servers to be limited to the organisation\'s managed list: Claude Code managed allowedMcpServers with allowManagedMcpServersOnly (or managed-mcp.json), and Claude Desktop isLocalDevMcpEnabled=false',
      false,
    ),
  },
  uses: [mcpConfigs, agentSettings],
  evaluate(facts, params) {
    const configs = facts.get(mcpConfigs);
    const settings = facts.get(agentSettings);
    const findings: Finding[] = [];
    const notes: string[] = [];
    let servers = 0;

    for (const file of configs.files) {
      if (file.error) notes.push(`${file.path}: ${file.error}`);
      for (const server of file.servers) {
        servers += 1;
        findings.push(...serverFindings(file, server));
      }
      // ~/.claude.json keeps older per-project answers: enableAllProjectMcpServers there approves the project's .mcp.json.
      for (const project of file.projects) {
        const flag = project.enableAllProjectMcpServers;
        if (flag?.value !== true) continue;
        findings.push({
          message: `${at(file, flag.line)}: enableAllProjectMcpServers is true for project ${project.path}: every server its .mcp.json names (now or after the next pull) starts without asking`,
          location: { path: file.path, line: flag.line },
          ...(file.user ? { subject: file.user } : {}),
          actions: [{ kind: 'set-json-key', path: file.path, keyPath: ['projects', project.path, 'enableAllProjectMcpServers'], value: false }],
        });
      }
    }

    // enableAllProjectMcpServers from the effective Claude Code settings (any level), once per file line.
    const seen = new Set<string>();
    for (const view of settings.views) {
      const flag = view.scalars.enableAllProjectMcpServers;
      if (flag?.value !== true) continue;
      const origin: SettingOrigin = flag.origin;
      const key = `${origin.path}:${origin.line ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        message: `${where(origin)}: enableAllProjectMcpServers is true in ${levelName(origin)}: every server a project's .mcp.json names starts without asking, including one added by a pull request`,
        location: origin.line !== undefined ? { path: origin.path, line: origin.line } : { path: origin.path },
        ...(origin.user ? { subject: origin.user } : {}),
        actions: [setAt(origin, ['enableAllProjectMcpServers'], false, 'approve project MCP servers one by one')],
      });
    }

    if (params.mcpManagedOnly && settings.scope !== 'repo') {
      // A deployed managed-mcp.json takes exclusive control: users and projects can add no server (an empty one allows none).
      const managedMcp = configs.files.find((file) => file.scope === 'managed' && file.client === 'claude-code' && !file.error);
      const claudeInUse = configs.files.some((file) => file.client === 'claude-code') || settings.views.length > 0;
      if (!managedMcp && claudeInUse) {
        const reported = new Set<string>();
        for (const view of settings.views.filter((candidate) => candidate.project === undefined)) {
          const only = view.scalars.allowManagedMcpServersOnly;
          const onlyOn = only?.value === true && only.origin.level === 'managed';
          const managedList = (view.arrays.allowedMcpServers ?? []).filter((entry) => entry.origin.level === 'managed');
          const listed = onlyOn ? 'allowedMcpServers' in view.arrays : managedList.length > 0;
          if (onlyOn && listed) {
            if ((view.arrays.allowedMcpServers ?? []).length === 0) notes.push(`managed allowedMcpServers is empty: every MCP server is blocked${view.user ? ` for ${view.user}` : ''}`);
            continue;
          }
          const problem = !onlyOn
            ? 'allowManagedMcpServersOnly is not set in managed settings, so users and projects can add their own allowedMcpServers entries'
            : 'managed settings set allowManagedMcpServersOnly but no allowedMcpServers list';
          const folder = settings.managed.folder;
          const policy = settings.managed.winner;
          const key = `${policy?.path ?? folder}|${problem}`;
          if (reported.has(key)) continue;
          reported.add(key);
          findings.push({
            message: `${policy ? where(policy) : `${folder} (no managed settings)`}: the baseline requires managed MCP only, but ${problem}, and there is no managed-mcp.json: any MCP server a user or a project names can run`,
            location: { path: policy?.path ?? folder },
            subject: 'system',
            actions: [
              {
                kind: 'manual',
                text: `In the managed settings (${policy?.path ?? `${folder}${folder.includes('\\') ? '\\' : '/'}managed-settings.json`}) set "allowManagedMcpServersOnly": true and "allowedMcpServers": [{ "serverName": "..." } or { "serverUrl": "https://..." } or { "serverCommand": [...] }] listing the approved servers, or deploy managed-mcp.json for exclusive control.`,
                reference: 'https://code.claude.com/docs/en/mcp',
              },
            ],
          });
        }
      }
      if (!managedMcp && !claudeInUse) notes.push('no Claude Code configuration found: its managed MCP allowlist not judged');
      const platform = configs.platform;
      if (platform !== 'linux') {
        const local = settings.desktop.policies.isLocalDevMcpEnabled;
        for (const desktop of configs.desktopFolders) {
          if (local?.value === false && (local.origin.user === undefined || local.origin.user === desktop.user) && local.origin.level === 'managed') continue;
          const config = configs.files.find((file) => file.client === 'claude-desktop' && file.user === desktop.user);
          const state = local === undefined || (local.origin.user !== undefined && local.origin.user !== desktop.user) ? 'no isLocalDevMcpEnabled policy' : `isLocalDevMcpEnabled is ${JSON.stringify(local.value)} in ${where(local.origin)}${local.origin.level !== 'managed' ? ' (a user-writable policy)' : ''}`;
          findings.push({
            message: `${config?.path ?? desktop.path}: Claude Desktop for ${desktop.user} has ${state}, so locally configured and plugin MCP servers run; the baseline requires managed MCP only`,
            location: { path: config?.path ?? desktop.path },
            subject: desktop.user,
            actions: [desktopPolicyAction(platform)],
          });
        }
      }
    }

    for (const unavailable of settings.managed.unavailable.filter((text) => params.mcpManagedOnly && /Policies\\Claude(?![A-Za-z])/.test(text))) notes.push(`Desktop policy not read: ${unavailable}`);
    if (configs.skippedProjects > 0) notes.push(`${configs.skippedProjects} project folder(s) beyond the first ${configs.projectRoots.length} not read`);
    const note = notes.length ? `; ${notes.join('; ')}` : '';
    const scope = `${servers} MCP server(s) in ${configs.files.filter((file) => file.servers.length > 0).length} file(s)`;
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} MCP configuration problem(s) across ${scope}${note}`, findings };
    return { status: 'pass', message: `${scope}: no inline secret, unpinned package, plain-http or SSE server${params.mcpManagedOnly ? ', MCP limited to the managed list' : ''}${note}` };
  },
});
