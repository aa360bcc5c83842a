import { claudePolicies, json, plist } from '../agent-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

export default defineScenarios('agent.managed-policy', [
  {
    name: 'linux: a root-owned managed-settings.json with a drop-in passes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ permissions: { disableBypassPermissionsMode: 'disable' } }, { uid: 0, mode: '0644' }),
      '/etc/claude-code/managed-settings.d/10-hooks.json': json({ allowManagedHooksOnly: true }, { uid: 0, mode: '0644' }),
    }),
    params: { requiredKeys: ['permissions.disableBypassPermissionsMode=disable', 'allowManagedHooksOnly=true'] },
    expect: { status: 'pass', message: /with the 2 required key/ },
  },
  {
    name: 'linux: no managed settings at all fails with a file to write',
    platform: 'linux',
    endpoint: endpoint('linux', {}),
    expect: { status: 'fail', findings: [{ path: '/etc/claude-code/managed-settings.json', subject: 'system', message: 'no managed Claude Code settings', actions: ['write-file'] }] },
  },
  {
    name: 'linux: a broken drop-in, a group-writable folder and a missing required key fail',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code': { type: 'dir', mode: '0775', uid: 0, gid: 1000 },
      '/etc/claude-code/managed-settings.json': json({ cleanupPeriodDays: 14 }),
      '/etc/claude-code/managed-settings.d/20-broken.json': { content: '{\n  "permissions": {\n    "deny": ["Read(~/.ssh/**)"\n  }\n}\n' },
      '/etc/claude-code/managed-settings.d/.hidden.json': { content: 'not read' },
    }),
    params: { requiredKeys: ['allowManagedPermissionRulesOnly=true'] },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/claude-code', message: 'writable by group 1000', actions: ['chown', 'chmod'] },
        { path: '/etc/claude-code/managed-settings.d/20-broken.json', line: 4, message: 'cannot parse', actions: ['manual'] },
        { path: '/etc/claude-code/managed-settings.json', message: 'allowManagedPermissionRulesOnly', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'darwin: an MDM profile alone is a managed policy',
    platform: 'darwin',
    endpoint: endpoint('darwin', { '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ permissions: { disableBypassPermissionsMode: 'disable' } }) }),
    params: { requiredKeys: ['permissions.disableBypassPermissionsMode=disable'] },
    expect: { status: 'pass', message: /com.anthropic.claudecode/ },
  },
  {
    name: 'darwin: a plist in ~/Library/Preferences is not policy',
    platform: 'darwin',
    endpoint: endpoint('darwin', { '/Users/alice/Library/Preferences/com.anthropic.claudecode.plist': plist({ permissions: { disableBypassPermissionsMode: 'disable' } }) }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/Library/Preferences/com.anthropic.claudecode.plist', subject: 'alice', message: 'not enforced' },
        { path: '/Library/Application Support/ClaudeCode/managed-settings.json', message: 'no managed Claude Code settings' },
      ],
    },
  },
  {
    name: 'win32: HKCU acting as the only policy, and the deprecated ProgramData file',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\ProgramData\\ClaudeCode\\managed-settings.json': json({ cleanupPeriodDays: 7 }) }, { commands: claudePolicies({ codeHkcu: { cleanupPeriodDays: 7 } }) }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'HKCU\\SOFTWARE\\Policies\\ClaudeCode', subject: 'system', message: 'user-writable', actions: ['manual'] },
        { path: 'C:\\ProgramData\\ClaudeCode\\managed-settings.json', message: 'no longer read' },
      ],
    },
  },
  {
    name: 'win32: the HKLM policy is in effect; HKCU is ignored',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: claudePolicies({ codeHklm: { permissions: { disableBypassPermissionsMode: 'disable' } }, codeHkcu: { permissions: { defaultMode: 'bypassPermissions' } } }) }),
    expect: { status: 'pass', message: /HKLM\\SOFTWARE\\Policies\\ClaudeCode/ },
  },
]);
