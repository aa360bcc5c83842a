import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const PLIST = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}</dict>\n</plist>\n`;
const VSCODE_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode';
const VSCODE_POLICY_USER = 'HKCU\\SOFTWARE\\Policies\\Microsoft\\VSCode';

export default defineScenarios('telemetry.editors', [
  {
    name: 'linux: VS Code without a telemetry setting (default all), Windsurf at error',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.config/Code/User/settings.json': { content: '{\n  // nothing about telemetry\n  "editor.tabSize": 2\n}\n' },
      '/home/claude/.config/Windsurf/User/settings.json': { content: '{\n  "telemetry.telemetryLevel": "error"\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.config/Code/User/settings.json', subject: 'alice', message: 'VS Code telemetry for alice is "all" (not set in /home/alice/.config/Code/User/settings.json, the default)', actions: ['set-json-key'] },
        { path: '/home/claude/.config/Windsurf/User/settings.json', line: 2, subject: 'claude', message: 'Windsurf telemetry for claude is "error"', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'linux: telemetryLevel off in VS Code, the legacy enableTelemetry false in Cursor',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.config/Code/User/settings.json': { content: '{ "telemetry.telemetryLevel": "off" }\n' },
      '/home/alice/.config/Cursor/User/settings.json': { content: '{\n  "telemetry.telemetryLevel": "all",\n  "telemetry.enableTelemetry": false\n}\n' },
    }),
    expect: { status: 'pass', message: 'Cursor for alice: off (/home/alice/.config/Cursor/User/settings.json:3 (telemetry.enableTelemetry: false))' },
  },
  {
    name: 'linux: the policy file sets TelemetryLevel crash for every VS Code user; the baseline accepts crash',
    platform: 'linux',
    params: { editorTelemetryLevels: ['off', 'crash'] },
    endpoint: endpoint('linux', {
      '/usr/share/code': { type: 'dir' },
      '/etc/vscode/policy.json': { content: '{ "TelemetryLevel": "crash" }\n' },
    }),
    expect: { status: 'pass', message: 'VS Code (no user settings yet: crash, by policy)' },
  },
  {
    name: 'linux: no editor on the target',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    expect: { status: 'skipped', message: 'no VS Code, Cursor or Windsurf' },
  },
  {
    name: 'darwin: VS Code installed, nobody has settings yet, no policy; Cursor user at all',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Applications/Visual Studio Code.app': { type: 'dir' },
      '/Users/alice/Library/Application Support/Cursor/User/settings.json': { content: '{\n    "telemetry.telemetryLevel": "all"\n}' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Applications/Visual Studio Code.app', subject: 'system', message: 'starts with telemetry level "all" (no policy, default)', actions: ['manual'] },
        { path: '/Users/alice/Library/Application Support/Cursor/User/settings.json', line: 2, subject: 'alice' },
      ],
    },
  },
  {
    name: 'darwin: the managed preference TelemetryLevel off decides for VS Code',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/Library/Application Support/Code/User/settings.json': { content: '{ "telemetry.telemetryLevel": "all" }\n' },
      '/Library/Managed Preferences/com.microsoft.VSCode.plist': { content: PLIST('  <key>TelemetryLevel</key>\n  <string>off</string>\n') },
    }),
    expect: { status: 'pass', message: 'VS Code for alice: off (policy TelemetryLevel in /Library/Managed Preferences/com.microsoft.VSCode.plist:5)' },
  },
  {
    name: 'win32: the machine policy sets TelemetryLevel all',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      { 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\settings.json': { content: '{ "telemetry.telemetryLevel": "off" }' } },
      { commands: { ...registryKey(VSCODE_POLICY, { TelemetryLevel: 'all' }), ...registryKey(VSCODE_POLICY_USER, undefined) } },
    ),
    expect: { status: 'fail', findings: [{ subject: 'system', message: 'policy HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode value TelemetryLevel sets VS Code telemetry to "all"', actions: ['registry-set'] }] },
  },
  {
    name: 'win32: user settings off, no policy key',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      { 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\settings.json': { content: '{ "telemetry.telemetryLevel": "off" }' } },
      { commands: { ...registryKey(VSCODE_POLICY, undefined), ...registryKey(VSCODE_POLICY_USER, undefined) } },
    ),
    expect: { status: 'pass', message: 'VS Code for alice: off' },
  },
]);
