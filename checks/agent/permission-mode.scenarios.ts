import { claudePolicies, json, plist } from '../agent-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const ALICE = { uid: 1000, gid: 1000 };
const ALICE_MAC = { uid: 501, gid: 20 };

export default defineScenarios('agent.permission-mode', [
  {
    name: 'linux: acceptEdits in the user settings passes',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude/settings.json': json({ permissions: { defaultMode: 'acceptEdits' } }, ALICE) }),
    expect: { status: 'pass', message: /no forbidden default permission mode/ },
  },
  {
    name: 'linux: bypassPermissions and skipDangerousModePermissionPrompt in the user settings fail at their lines',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude/settings.json': json({ permissions: { defaultMode: 'bypassPermissions' }, skipDangerousModePermissionPrompt: true }, ALICE),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.claude/settings.json', line: 3, subject: 'alice', message: 'every tool call runs without a prompt', actions: ['set-json-key'] },
        { path: '/home/alice/.claude/settings.json', line: 5, subject: 'alice', message: 'skipDangerousModePermissionPrompt' },
      ],
    },
  },
  {
    name: 'linux: a project local file wins over the user file and its dontAsk fails (project named in ~/.claude.json)',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': json({ projects: { '/home/alice/src/app': { allowedTools: [] } } }, ALICE),
      '/home/alice/.claude/settings.json': json({ permissions: { defaultMode: 'default' } }, ALICE),
      '/home/alice/src/app/.claude/settings.local.json': json({ permissions: { defaultMode: 'dontAsk' } }, ALICE),
    }),
    expect: { status: 'fail', findings: [{ path: '/home/alice/src/app/.claude/settings.local.json', line: 3, subject: 'alice', message: 'for /home/alice/src/app' }] },
  },
  {
    name: 'linux: bypass mode refused by managed disableBypassPermissionsMode passes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ permissions: { disableBypassPermissionsMode: 'disable' } }),
      '/home/alice/.claude/settings.json': json({ permissions: { defaultMode: 'bypassPermissions' }, skipDangerousModePermissionPrompt: true }, ALICE),
    }),
    expect: { status: 'pass', message: /refused by disableBypassPermissionsMode/ },
  },
  {
    name: 'linux: the strict baseline requires managed disableBypassPermissionsMode',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude/settings.json': json({ permissions: { defaultMode: 'default', disableBypassPermissionsMode: 'disable' } }, ALICE) }),
    params: { requireDisableBypass: true },
    expect: { status: 'fail', findings: [{ path: '/etc/claude-code/managed-settings.json', subject: 'system', message: 'do not set permissions.disableBypassPermissionsMode', actions: ['set-json-key'] }] },
  },
  {
    name: 'darwin: an MDM profile sets dontAsk for everyone',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ permissions: { defaultMode: 'dontAsk' } }),
      '/Users/alice/.claude/settings.json': json({ permissions: { defaultMode: 'plan' } }, ALICE_MAC),
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/Library/Managed Preferences/com.anthropic.claudecode.plist', line: 7, subject: 'system', message: 'managed settings', actions: ['manual'] }],
    },
  },
  {
    name: 'darwin: the MDM profile wins over managed-settings.json, whose bypassPermissions is not applied',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ cleanupPeriodDays: 14 }),
      '/Library/Application Support/ClaudeCode/managed-settings.json': json({ permissions: { defaultMode: 'bypassPermissions' } }),
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: the HKLM policy sets bypassPermissions',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: claudePolicies({ codeHklm: { permissions: { defaultMode: 'bypassPermissions' } } }) }),
    expect: {
      status: 'fail',
      findings: [{ path: 'HKLM\\SOFTWARE\\Policies\\ClaudeCode', subject: 'system', message: 'HKLM\\SOFTWARE\\Policies\\ClaudeCode (Settings)', actions: ['manual'] }],
    },
  },
  {
    name: 'win32: plan mode in the user settings passes',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Users\\alice\\.claude\\settings.json': json({ permissions: { defaultMode: 'plan' } }) }, { commands: claudePolicies() }),
    expect: { status: 'pass' },
  },
]);
