import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint, fakeSecrets } from '../scenario-kit.js';

const PLIST = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}</dict>\n</plist>\n`;

// Line numbers below are those of the files as written here (line 1 is the opening brace).
const aliceClaudeJson = (token: string) => `{
  "numStartups": 12,
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${token}" }
    }
  },
  "projects": {
    "/home/alice/src/webapp": {
      "hasTrustDialogAccepted": true,
      "enableAllProjectMcpServers": true
    }
  }
}
`;

const webappMcp = `{
  "mcpServers": {
    "tracker": { "type": "sse", "url": "http://tracker.corp.example:8080/sse" },
    "local": { "type": "http", "url": "http://127.0.0.1:3000/mcp" },
    "pinned": { "command": "npx", "args": ["-y", "some-mcp@1.2.3"] }
  }
}
`;

const cleanClaudeJson = `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "\${GITHUB_TOKEN}" }
    },
    "granola": { "type": "http", "url": "https://mcp.granola.ai/mcp", "headers": { "Authorization": "Bearer \${GRANOLA_TOKEN}" } }
  },
  "projects": { "/home/alice/src/webapp": { "enableAllProjectMcpServers": false } }
}
`;

export default defineScenarios('agent.mcp-servers', [
  {
    name: 'linux: token in ~/.claude.json, unpinned npx, enableAllProjectMcpServers, plain-http SSE server in a project .mcp.json',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': { content: aliceClaudeJson(fakeSecrets.github()) },
      '/home/alice/src/webapp/.mcp.json': { content: webappMcp },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.claude.json', line: 6, subject: 'alice', message: 'fetches @modelcontextprotocol/server-github without a version', actions: ['manual'] },
        { path: '/home/alice/.claude.json', line: 7, subject: 'alice', message: /GitHub personal access token \(classic\) \(ghp_….{4}\) written into env GITHUB_PERSONAL_ACCESS_TOKEN/, actions: ['manual'] },
        { path: '/home/alice/.claude.json', line: 13, message: 'enableAllProjectMcpServers is true for project /home/alice/src/webapp', actions: ['set-json-key'] },
        { path: '/home/alice/src/webapp/.mcp.json', line: 3, message: 'connects to http://tracker.corp.example:8080 (url) over plain HTTP' },
        { path: '/home/alice/src/webapp/.mcp.json', line: 3, message: 'legacy HTTP+SSE transport' },
      ],
    },
  },
  {
    name: 'linux: references, pinned versions, https and loopback http pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': { content: cleanClaudeJson },
      '/home/alice/src/webapp/.mcp.json': { content: '{ "mcpServers": { "dev": { "type": "http", "url": "http://localhost:8808/mcp" } } }\n' },
      '/home/claude/.cursor/mcp.json': { content: '{\n\t"mcpServers": {\n\t\t"git": { "command": "uvx", "args": ["mcp-server-git==0.6.2"] }\n\t}\n}\n' },
    }),
    expect: { status: 'pass', message: '4 MCP server(s) in 3 file(s)' },
  },
  {
    name: 'linux: enableAllProjectMcpServers in a project\'s .claude/settings.json (effective settings)',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': { content: '{ "projects": { "/home/alice/src/api": {} } }\n' },
      '/home/alice/src/api/.claude/settings.json': { content: '{\n  "enableAllProjectMcpServers": true\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/src/api/.claude/settings.json', line: 2, message: 'enableAllProjectMcpServers is true in project settings', actions: ['set-json-key'] }],
    },
  },
  {
    name: 'linux: mcpManagedOnly without a managed allowlist fails',
    platform: 'linux',
    params: { mcpManagedOnly: true },
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': { content: cleanClaudeJson },
      '/etc/claude-code/managed-settings.json': { content: '{\n  "permissions": { "deny": ["Read(~/.ssh/**)"] }\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/etc/claude-code/managed-settings.json', subject: 'system', message: 'allowManagedMcpServersOnly is not set in managed settings', actions: ['manual'] }],
    },
  },
  {
    name: 'linux: mcpManagedOnly with allowManagedMcpServersOnly and a managed allowlist passes',
    platform: 'linux',
    params: { mcpManagedOnly: true },
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': { content: cleanClaudeJson },
      '/etc/claude-code/managed-settings.json': { content: '{\n  "allowManagedMcpServersOnly": true,\n  "allowedMcpServers": [{ "serverName": "github" }, { "serverUrl": "https://mcp.granola.ai/*" }]\n}\n' },
    }),
    expect: { status: 'pass', message: 'MCP limited to the managed list' },
  },
  {
    name: 'darwin: Desktop config with unpinned uvx and a literal key, Cursor with a token header over plain http',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json': {
        content: `{\n  "mcpServers": {\n    "fetch": {\n      "command": "uvx",\n      "args": ["mcp-server-fetch"],\n      "env": { "FETCH_API_KEY": "k7Qw9Zr2Lp4Xv8Tn" }\n    }\n  }\n}\n`,
      },
      '/Users/alice/.cursor/mcp.json': {
        content: `{\n  "mcpServers": {\n    "slack": {\n      "url": "http://mcp.internal.example/mcp",\n      "headers": { "Authorization": "Bearer ${fakeSecrets.slack()}" }\n    }\n  }\n}\n`,
      },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json', line: 5, message: 'uvx fetches mcp-server-fetch without a version' },
        { path: '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json', line: 6, message: 'a literal secret (…Tn)' },
        { path: '/Users/alice/.cursor/mcp.json', line: 4, message: 'over plain HTTP' },
        { path: '/Users/alice/.cursor/mcp.json', line: 5, message: /Slack token \(xoxb-….{4}\) written into header Authorization/ },
      ],
    },
  },
  {
    name: 'darwin: mcpManagedOnly with managed settings and the Desktop policy isLocalDevMcpEnabled=false passes',
    platform: 'darwin',
    params: { mcpManagedOnly: true },
    endpoint: endpoint('darwin', {
      '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json': { content: '{ "mcpServers": {} }\n' },
      '/Library/Application Support/ClaudeCode/managed-settings.json': { content: '{ "allowManagedMcpServersOnly": true, "allowedMcpServers": [] }\n' },
      '/Library/Managed Preferences/com.anthropic.claudefordesktop.plist': { content: PLIST('  <key>isLocalDevMcpEnabled</key>\n  <string>false</string>\n') },
    }),
    expect: { status: 'pass', message: 'managed allowedMcpServers is empty' },
  },
  {
    name: 'darwin: mcpManagedOnly, Claude Desktop without the isLocalDevMcpEnabled policy',
    platform: 'darwin',
    params: { mcpManagedOnly: true },
    endpoint: endpoint('darwin', {
      '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json': { content: '{ "mcpServers": {} }\n' },
      '/Library/Application Support/ClaudeCode/managed-settings.json': { content: '{ "allowManagedMcpServersOnly": true, "allowedMcpServers": [{ "serverName": "github" }] }\n' },
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json', subject: 'alice', message: 'no isLocalDevMcpEnabled policy', actions: ['manual'] }],
    },
  },
  {
    name: 'win32: VS Code user mcp.json with a literal API key header and cmd /c npx, Windsurf serverUrl over http',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\mcp.json': {
        content: `{\r\n\t"servers": {\r\n\t\t"search": {\r\n\t\t\t"type": "http",\r\n\t\t\t"url": "https://search.example.com/mcp",\r\n\t\t\t"headers": { "X-Api-Key": "d41d8cd98f00b204e9800998" }\r\n\t\t},\r\n\t\t"fs": { "command": "cmd", "args": ["/c", "npx", "-y", "@modelcontextprotocol/server-filesystem", "C:\\\\Users\\\\alice"] }\r\n\t},\r\n\t"inputs": []\r\n}\r\n`,
      },
      'C:\\Users\\alice\\.codeium\\windsurf\\mcp_config.json': { content: '{\n  "mcpServers": {\n    "docs": { "serverUrl": "http://docs.corp.example/mcp" }\n  }\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\mcp.json', line: 6, subject: 'alice', message: 'written into header X-Api-Key', actions: ['manual'] },
        { path: 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\mcp.json', line: 8, message: 'npx fetches @modelcontextprotocol/server-filesystem without a version' },
        { path: 'C:\\Users\\alice\\.codeium\\windsurf\\mcp_config.json', line: 3, message: 'connects to http://docs.corp.example (serverUrl) over plain HTTP' },
      ],
    },
  },
  {
    name: 'win32: VS Code inputs and a pinned package pass; the Desktop policy is read from the registry',
    platform: 'win32',
    params: { mcpManagedOnly: true },
    endpoint: endpoint(
      'win32',
      {
        'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\mcp.json': {
          content: '{\n  "servers": {\n    "search": { "type": "http", "url": "https://search.example.com/mcp", "headers": { "X-Api-Key": "${input:search-key}" } }\n  },\n  "inputs": [{ "type": "promptString", "id": "search-key", "password": true }]\n}\n',
        },
        'C:\\Users\\alice\\AppData\\Roaming\\Claude\\claude_desktop_config.json': { content: '{ "mcpServers": { "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.7.1"] } } }\n' },
        'C:\\Users\\alice\\.claude.json': { content: '{}\n' },
        'C:\\Program Files\\ClaudeCode\\managed-mcp.json': { content: '{ "mcpServers": { "github": { "type": "http", "url": "https://api.githubcopilot.com/mcp/" } } }\n' },
      },
      { commands: { ...registryKey('HKLM\\SOFTWARE\\Policies\\Claude', { isLocalDevMcpEnabled: 'false' }), ...registryKey('HKCU\\SOFTWARE\\Policies\\Claude', undefined) } },
    ),
    expect: { status: 'pass', message: '3 MCP server(s) in 3 file(s)' },
  },
]);
