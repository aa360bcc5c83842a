import { claudePolicies, json, plist } from '../agent-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const ALICE = { uid: 1000, gid: 1000 };
const ALICE_MAC = { uid: 501, gid: 20 };
const AWS = '[default]\nregion = eu-west-1\n';
const linuxAws = { '/home/alice/.aws': { type: 'dir' as const, mode: '0700', uid: 1000, gid: 1000 }, '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: AWS } };
const macAws = { '/Users/alice/.aws': { type: 'dir' as const, mode: '0700', uid: 501, gid: 20 }, '/Users/alice/.aws/credentials': { mode: '0600', uid: 501, gid: 20, content: AWS } };
const winAws = { 'C:\\Users\\alice\\.aws\\credentials': { content: AWS } };

/** The sandbox block the baseline wants. */
const HARDENED = {
  enabled: true,
  failIfUnavailable: true,
  allowUnsandboxedCommands: false,
  filesystem: { denyRead: ['~/.aws', '~/.ssh'] },
  network: { allowedDomains: ['registry.npmjs.org', 'github.com'] },
};

export default defineScenarios('sandbox.agent-sandbox-settings', [
  {
    name: "linux: no sandbox settings at all fail for alice at her settings file, one finding per missing key",
    platform: 'linux',
    endpoint: endpoint('linux', { ...linuxAws, '/home/alice/.claude/settings.json': json({ model: 'sonnet' }, ALICE) }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.claude/settings.json', subject: 'alice', message: "sandbox.enabled is not set for alice (Claude Code's default is false)", actions: ['set-json-key'] },
        { path: '/home/alice/.claude/settings.json', subject: 'alice', message: 'sandbox.failIfUnavailable is not set for alice', actions: ['set-json-key'] },
        { path: '/home/alice/.claude/settings.json', subject: 'alice', message: "sandbox.allowUnsandboxedCommands is not set for alice (Claude Code's default is true)", actions: ['set-json-key'] },
        { path: '/home/alice/.claude/settings.json', subject: 'alice', message: "sandbox.filesystem.denyRead does not cover alice's /home/alice/.aws:", actions: ['set-json-key'] },
        { path: '/home/alice/.claude/settings.json', subject: 'alice', message: 'sandbox.network.allowedDomains is empty for alice', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: the managed file holds the whole sandbox block and passes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...linuxAws,
      '/etc/claude-code/managed-settings.json': json({ sandbox: HARDENED }),
      '/home/alice/.claude/settings.json': json({ sandbox: { enabled: false, allowUnsandboxedCommands: true } }, ALICE),
    }),
    expect: { status: 'pass', message: 'the sandbox is on, mandatory, closed to credential folders and limited to allowed domains in 1 settings view(s)' },
  },
  {
    name: 'linux: allowUnsandboxedCommands true, allowRead re-opening the credentials file and "*" in allowedDomains fail at their lines',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...linuxAws,
      // lines: 5 allowUnsandboxedCommands, 11 the allowRead entry, 16 the "*" of allowedDomains
      '/home/alice/.claude/settings.json': json(
        {
          sandbox: {
            enabled: true,
            failIfUnavailable: true,
            allowUnsandboxedCommands: true,
            filesystem: { denyRead: ['/home/alice/.aws'], allowRead: ['~/.aws/credentials'] },
            network: { allowedDomains: ['*'] },
          },
        },
        ALICE,
      ),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.claude/settings.json', line: 5, subject: 'alice', message: "sandbox.allowUnsandboxedCommands is true in alice's user settings (/home/alice/.claude/settings.json:5)" },
        { path: '/home/alice/.claude/settings.json', line: 11, subject: 'alice', message: 'sandbox.filesystem.allowRead "~/.aws/credentials" in alice\'s user settings (/home/alice/.claude/settings.json:11) re-opens /home/alice/.aws/credentials', actions: ['manual'] },
        { path: '/home/alice/.claude/settings.json', line: 16, subject: 'alice', message: 'sandbox.network.allowedDomains holds "*"' },
      ],
    },
  },
  {
    name: "linux: the baseline's VS Code requirement fails on alice's chat.agent.sandbox.enabled false",
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ sandbox: HARDENED }),
      '/home/alice/.claude/settings.json': json({}, ALICE),
      '/home/alice/.config/Code': { type: 'dir', mode: '0700', uid: 1000, gid: 1000 },
      '/home/alice/.config/Code/User/settings.json': json({ 'editor.fontSize': 13, 'chat.agent.sandbox.enabled': false }, ALICE),
    }),
    params: { requireVscodeSandbox: true },
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.config/Code/User/settings.json', line: 3, subject: 'alice', message: "chat.agent.sandbox.enabled is false in alice's VS Code user settings", actions: ['set-json-key'] }],
    },
  },
  {
    name: 'linux: Claude Code installed for users to come: the managed file is judged for the machine',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/usr/local/bin/claude': { mode: '0755', content: '#!/bin/sh\n' },
      '/etc/claude-code/managed-settings.json': json({ sandbox: { ...HARDENED, allowUnsandboxedCommands: true } }),
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/etc/claude-code/managed-settings.json', line: 5, subject: 'system', message: 'sandbox.allowUnsandboxedCommands is true in managed settings (/etc/claude-code/managed-settings.json:5):', actions: ['set-json-key'] }],
    },
  },
  {
    name: 'linux: a managed file on a machine where Claude Code is neither installed nor used is not judged',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/claude-code/managed-settings.json': json({ permissions: { disableBypassPermissionsMode: 'disable' } }) }),
    expect: { status: 'pass', message: 'no user runs Claude Code and it is not installed' },
  },
  {
    name: 'darwin: the MDM profile turns the sandbox off for everyone',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      ...macAws,
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ sandbox: { ...HARDENED, enabled: false } }),
      '/Users/alice/.claude/settings.json': json({ sandbox: { enabled: true } }, ALICE_MAC),
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/Library/Managed Preferences/com.anthropic.claudecode.plist', line: 7, subject: 'system', message: 'sandbox.enabled is false in managed settings (com.anthropic.claudecode:7) for alice', actions: ['manual'] }],
    },
  },
  {
    name: "darwin: alice's own settings hold the sandbox block (with the old chat.tools.terminal.sandbox.enabled for VS Code) and pass",
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      ...macAws,
      '/Users/alice/.claude/settings.json': json({ sandbox: HARDENED }, ALICE_MAC),
      '/Users/alice/Library/Application Support/Code': { type: 'dir', mode: '0700', uid: 501, gid: 20 },
      '/Users/alice/Library/Application Support/Code/User/settings.json': json({ 'chat.tools.terminal.sandbox.enabled': true }, ALICE_MAC),
    }),
    params: { requireVscodeSandbox: true },
    expect: { status: 'pass', message: 'in 1 settings view(s)' },
  },
  {
    name: 'win32: only sandbox.enabled in the user settings: the rest fails, with the native Windows note',
    platform: 'win32',
    endpoint: endpoint('win32', { ...winAws, 'C:\\Users\\alice\\.claude\\settings.json': json({ sandbox: { enabled: true } }) }, { commands: claudePolicies() }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\.claude\\settings.json', subject: 'alice', message: 'unsupported platform such as native Windows' },
        { path: 'C:\\Users\\alice\\.claude\\settings.json', subject: 'alice', message: 'sandbox.allowUnsandboxedCommands is not set' },
        { path: 'C:\\Users\\alice\\.claude\\settings.json', subject: 'alice', message: "denyRead does not cover alice's C:\\Users\\alice\\.aws" },
        { path: 'C:\\Users\\alice\\.claude\\settings.json', subject: 'alice', message: 'sandbox.network.allowedDomains is empty' },
      ],
    },
  },
  {
    name: 'win32: the managed file holds the sandbox block (it governs WSL2, and stops native sessions) and passes',
    platform: 'win32',
    endpoint: endpoint('win32', { ...winAws, 'C:\\Program Files\\ClaudeCode\\managed-settings.json': json({ sandbox: HARDENED }), 'C:\\Users\\alice\\.claude\\settings.json': json({}) }, { commands: claudePolicies() }),
    expect: { status: 'pass' },
  },
]);
