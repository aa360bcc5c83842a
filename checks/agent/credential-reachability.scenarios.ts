import { claudePolicies, json, plist } from '../agent-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const ALICE = { uid: 1000, gid: 1000 };
const ALICE_MAC = { uid: 501, gid: 20 };
const AWS = '[default]\nregion = eu-west-1\n';
const linuxAws = { '/home/alice/.aws': { type: 'dir' as const, mode: '0700', uid: 1000, gid: 1000 }, '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: AWS } };
const macAws = { '/Users/alice/.aws': { type: 'dir' as const, mode: '0700', uid: 501, gid: 20 }, '/Users/alice/.aws/credentials': { mode: '0600', uid: 501, gid: 20, content: AWS } };

export default defineScenarios('agent.credential-reachability', [
  {
    name: 'linux: Read(~/.aws/**) in the user settings covers the AWS folder',
    platform: 'linux',
    endpoint: endpoint('linux', { ...linuxAws, '/home/alice/.claude/settings.json': json({ permissions: { deny: ['Read(~/.aws/**)'] } }, ALICE) }),
    expect: { status: 'pass', message: /covered by deny rules or the sandbox/ },
  },
  {
    name: 'linux: a relative deny rule does not cover the home folder',
    platform: 'linux',
    endpoint: endpoint('linux', { ...linuxAws, '/home/alice/.claude/settings.json': json({ permissions: { deny: ['Read(**/.aws/**)'] } }, ALICE) }),
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.aws', subject: 'alice', message: 'and 1 credential file(s) inside', actions: ['set-json-key', 'manual'] }],
    },
  },
  {
    name: 'linux: the deny rule closes the Read tool, but Bash(*) reads it through the shell',
    platform: 'linux',
    endpoint: endpoint('linux', { ...linuxAws, '/home/alice/.claude/settings.json': json({ permissions: { deny: ['Read(~/.aws/**)'], allow: ['Bash(*)'] } }, ALICE) }),
    expect: { status: 'fail', findings: [{ path: '/home/alice/.aws', message: 'allow rule "Bash(*)" runs shell commands without a prompt' }] },
  },
  {
    name: 'linux: the managed sandbox denyRead covers it even with Bash(*) allowed',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...linuxAws,
      '/etc/claude-code/managed-settings.json': json({ sandbox: { enabled: true, filesystem: { denyRead: ['~/.aws'] } } }),
      '/home/alice/.claude/settings.json': json({ permissions: { allow: ['Bash(*)'] } }, ALICE),
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'linux: additionalDirectories with the home folder fails at its line',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude/settings.json': json({ permissions: { additionalDirectories: ['~', '/srv/data'] } }, ALICE) }),
    expect: { status: 'fail', findings: [{ path: '/home/alice/.claude/settings.json', line: 4, subject: 'alice', message: 'home folder', actions: ['set-json-key'] }] },
  },
  {
    name: 'darwin: the Desktop policy allows / as a workspace folder, and nothing denies the AWS folder',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      ...macAws,
      '/Users/alice/.claude/settings.json': json({ permissions: { defaultMode: 'default' } }, ALICE_MAC),
      '/Library/Managed Preferences/com.anthropic.claudefordesktop.plist': plist({ allowedWorkspaceFolders: '["/"]' }),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/.aws', subject: 'alice', message: 'the sandbox is off' },
        { path: '/Library/Managed Preferences/com.anthropic.claudefordesktop.plist', line: 5, subject: 'system', message: 'whole disk', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'darwin: Claude Desktop installed with no allowedWorkspaceFolders policy: any folder may be connected',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      ...macAws,
      '/Applications/Claude.app': { type: 'dir' },
      '/Users/alice/.claude/settings.json': json({}, ALICE_MAC),
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ permissions: { deny: ['Read(~/.aws/**)'] } }),
    }),
    expect: { status: 'fail', findings: [{ path: '/Applications/Claude.app', subject: 'system', message: 'unset means any folder', actions: ['manual'] }] },
  },
  {
    name: 'darwin: MDM deny rule and a project-only workspace folder pass (Claude Desktop installed)',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      ...macAws,
      '/Applications/Claude.app': { type: 'dir' },
      '/Users/alice/.claude/settings.json': json({}, ALICE_MAC),
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ permissions: { deny: ['Read(~/.aws/**)'] } }),
      '/Library/Managed Preferences/com.anthropic.claudefordesktop.plist': plist({ allowedWorkspaceFolders: '["/Users/alice/Projects"]' }),
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: a deny rule written with a drive letter does not name the absolute path',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      {
        'C:\\Users\\alice\\.aws\\credentials': { content: AWS },
        'C:\\Users\\alice\\.claude\\settings.json': json({ permissions: { deny: ['Read(C:\\Users\\alice\\.aws\\**)'] } }),
      },
      { commands: claudePolicies() },
    ),
    expect: { status: 'fail', findings: [{ path: 'C:\\Users\\alice\\.aws', subject: 'alice', message: 'no sandbox on Windows' }] },
  },
  {
    name: 'win32: Read(~/.aws/**) and Read(//c/Users/alice/.ssh/**) cover both stores',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      {
        'C:\\Users\\alice\\.aws\\credentials': { content: AWS },
        'C:\\Users\\alice\\.ssh\\id_ed25519': { content: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n' },
        'C:\\Users\\alice\\.claude\\settings.json': json({ permissions: { deny: ['Read(~/.aws/**)', 'Read(//c/Users/alice/.ssh/**)'] } }),
      },
      { commands: claudePolicies({ desktopHklm: { allowedWorkspaceFolders: '["C:\\\\Users\\\\alice\\\\source"]' } }) },
    ),
    expect: { status: 'pass' },
  },
]);
