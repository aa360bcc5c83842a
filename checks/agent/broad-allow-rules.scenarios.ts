import { claudePolicies, json, plist } from '../agent-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const ALICE = { uid: 1000, gid: 1000 };
const ALICE_MAC = { uid: 501, gid: 20 };

export default defineScenarios('agent.broad-allow-rules', [
  {
    name: 'linux: scoped Bash, Read and WebFetch rules pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude/settings.json': json({ permissions: { allow: ['Bash(npm run test:*)', 'Bash(git status)', 'Read(./src/**)', 'WebFetch(domain:github.com)', 'mcp__github__get_issue'] } }, ALICE),
    }),
    expect: { status: 'pass', message: /among 5 allow rule/ },
  },
  {
    name: 'linux: Bash, an interpreter, a leading wildcard and Read(~/**) fail; a project local file is read too',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude.json': json({ projects: { '/home/alice/src/app': {} } }, ALICE),
      '/home/alice/.claude/settings.json': json({ permissions: { allow: ['Bash', 'Bash(python3 -c *)', 'Bash(* --version)', 'Read(~/**)', 'Bash(make test)'] } }, ALICE),
      '/home/alice/src/app/.claude/settings.local.json': json({ permissions: { allow: ['Bash(node:*)'] } }, ALICE),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.claude/settings.json', line: 4, subject: 'alice', message: 'allows every Bash command', actions: ['set-json-key'] },
        { path: '/home/alice/.claude/settings.json', line: 5, message: 'python3 with a wildcard runs arbitrary code' },
        { path: '/home/alice/.claude/settings.json', line: 6, message: 'starts with a wildcard' },
        { path: '/home/alice/.claude/settings.json', line: 7, message: 'whole home folder' },
        { path: '/home/alice/src/app/.claude/settings.local.json', line: 4, subject: 'alice', message: 'local project settings' },
      ],
    },
  },
  {
    name: 'linux: allowManagedPermissionRulesOnly drops the user rules, and a rule the baseline accepts passes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ allowManagedPermissionRulesOnly: true, permissions: { allow: ['Bash(curl *)'] } }),
      '/home/alice/.claude/settings.json': json({ permissions: { allow: ['Bash(*)'] } }, ALICE),
    }),
    params: { allowedRules: ['Bash(curl *)'] },
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: WebFetch without a domain in an MDM profile fails once (system)',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ permissions: { allow: ['WebFetch', 'Bash(ls)'] } }),
      '/Users/alice/.claude/settings.json': json({ permissions: { allow: ['Edit(//**)'] } }, ALICE_MAC),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Library/Managed Preferences/com.anthropic.claudecode.plist', line: 9, subject: 'system', message: 'any URL', actions: ['manual'] },
        { path: '/Users/alice/.claude/settings.json', line: 4, subject: 'alice', message: 'edits the whole disk' },
      ],
    },
  },
  {
    name: 'darwin: rules in ~/Library/Preferences are not policy, and scoped user rules pass',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/Library/Preferences/com.anthropic.claudecode.plist': plist({ permissions: { allow: ['Bash'] } }),
      '/Users/alice/.claude/settings.json': json({ permissions: { allow: ['Bash(swift build)'] } }, ALICE_MAC),
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: PowerShell with iwr and a drive root fail',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Users\\alice\\.claude\\settings.json': json({ permissions: { allow: ['PowerShell(iwr *)', 'Read(C:\\**)', 'PowerShell(Get-ChildItem)'] } }) }, { commands: claudePolicies() }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\.claude\\settings.json', line: 4, subject: 'alice', message: 'iwr with a wildcard sends data anywhere' },
        { path: 'C:\\Users\\alice\\.claude\\settings.json', line: 5, message: 'whole disk' },
      ],
    },
  },
  {
    name: 'win32: scoped rules in the HKLM policy pass',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: claudePolicies({ codeHklm: { permissions: { allow: ['Bash(dotnet test *)', 'WebFetch(domain:learn.microsoft.com)'] } } }) }),
    expect: { status: 'pass' },
  },
]);
