import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const PLIST = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}</dict>\n</plist>\n`;
const VSCODE_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode';
const VSCODE_POLICY_USER = 'HKCU\\SOFTWARE\\Policies\\Microsoft\\VSCode';

const yolo = `{
  // agent settings
  "editor.fontSize": 13,
  "chat.tools.global.autoApprove": true,
  "security.workspace.trust.enabled": false,
}
`;

export default defineScenarios('agent.editor-settings', [
  {
    name: 'linux: VS Code user settings turn on global auto-approval and switch workspace trust off (JSONC)',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.config/Code/User/settings.json': { content: yolo } }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.config/Code/User/settings.json', line: 4, subject: 'alice', message: 'chat.tools.global.autoApprove is true in VS Code user settings', actions: ['set-json-key'] },
        { path: '/home/alice/.config/Code/User/settings.json', line: 5, subject: 'alice', message: 'security.workspace.trust.enabled is false', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'linux: the VS Code policy file locks auto-approval off, so the user value does not count',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.config/Code/User/settings.json': { content: '{ "chat.tools.global.autoApprove": true }\n' },
      '/etc/vscode/policy.json': { content: '{\n  "ChatToolsAutoApprove": false,\n  "ChatMCP": "registry"\n}\n' },
    }),
    params: { chatMcpAccess: 'registryOnly' },
    expect: { status: 'pass', message: 'VS Code policy from /etc/vscode/policy.json' },
  },
  {
    name: 'linux: the baseline allows registry MCP only; chat.mcp.access all in Cursor and unset in VS Code',
    platform: 'linux',
    params: { chatMcpAccess: 'registry' },
    endpoint: endpoint('linux', {
      '/home/alice/.config/Cursor/User/settings.json': { content: '{\n    "chat.mcp.access": "all"\n}' },
      '/home/alice/.config/Code/User/settings.json': { content: '{}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.config/Cursor/User/settings.json', line: 2, message: 'chat.mcp.access allows any installed MCP server in Cursor user settings', actions: ['manual'] },
        { path: '/home/alice/.config/Code/User/settings.json', message: 'chat.mcp.access is not set', actions: ['write-file'] },
      ],
    },
  },
  {
    name: 'linux: no VS Code, no Cursor, no project settings',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.bashrc': { content: 'export EDITOR=vim\n' } }),
    expect: { status: 'skipped' },
  },
  {
    name: 'darwin: Cursor user settings with the legacy chat.tools.autoApprove, and a project .vscode/settings.json without trust',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Applications/Cursor.app': { type: 'dir' },
      '/Users/alice/Library/Application Support/Cursor/User/settings.json': { content: '{\n  "chat.tools.autoApprove": true\n}\n' },
      '/Users/alice/.claude.json': { content: '{ "projects": { "/Users/alice/src/site": {} } }\n' },
      '/Users/alice/src/site/.vscode/settings.json': { content: '{\n\t"security": {\n\t\t"workspace.trust.enabled": false\n\t},\n\t"security.workspace.trust.enabled": false\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/Library/Application Support/Cursor/User/settings.json', line: 2, message: 'chat.tools.autoApprove is true in Cursor user settings' },
        { path: '/Users/alice/src/site/.vscode/settings.json', line: 5, message: 'workspace settings (applies to Cursor)' },
      ],
    },
  },
  {
    name: 'darwin: VS Code with the managed preference ChatToolsAutoApprove false and sane user settings',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Applications/Visual Studio Code.app': { type: 'dir' },
      '/Users/alice/Library/Application Support/Code/User/settings.json': { content: '{ "chat.tools.global.autoApprove": true, "security.workspace.trust.enabled": true }\n' },
      '/Library/Managed Preferences/com.microsoft.VSCode.plist': { content: PLIST('  <key>ChatToolsAutoApprove</key>\n  <false/>\n') },
    }),
    expect: { status: 'pass', message: 'overridden by policy ChatToolsAutoApprove in /Library/Managed Preferences/com.microsoft.VSCode.plist:5' },
  },
  {
    name: 'win32: the machine policy turns auto-approval on; a user switched workspace trust off',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      {
        'C:\\Program Files\\Microsoft VS Code': { type: 'dir' },
        'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\settings.json': { content: '{\r\n  "security.workspace.trust.enabled": false\r\n}\r\n' },
      },
      { commands: { ...registryKey(VSCODE_POLICY, { ChatToolsAutoApprove: 1, TelemetryLevel: 'off' }), ...registryKey(VSCODE_POLICY_USER, undefined) } },
    ),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'policy HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode value ChatToolsAutoApprove turns global tool auto-approval on', actions: ['registry-set'] },
        { path: 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\settings.json', line: 2, subject: 'alice', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'win32: the machine policy locks auto-approval off; user settings keep trust on',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      {
        'C:\\Users\\alice\\AppData\\Local\\Programs\\Microsoft VS Code': { type: 'dir' },
        'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\settings.json': { content: '{ "chat.tools.global.autoApprove": true }' },
      },
      { commands: { ...registryKey(VSCODE_POLICY, { ChatToolsAutoApprove: 0 }), ...registryKey(VSCODE_POLICY_USER, undefined) } },
    ),
    expect: { status: 'pass', message: 'overridden by policy HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode value ChatToolsAutoApprove' },
  },
]);
