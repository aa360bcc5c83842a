import { claudePolicies, json, plist } from '../agent-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const ALICE = { uid: 1000, gid: 1000 };
const CLAUDE = { uid: 1001, gid: 1001 };
const ALICE_MAC = { uid: 501, gid: 20 };

export default defineScenarios('agent.transcript-retention', [
  {
    name: 'linux: a managed 90 days decides for alice (her own 7 does not count) and fails at the managed line',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ cleanupPeriodDays: 90 }),
      '/home/alice/.claude/settings.json': json({ cleanupPeriodDays: 7 }, ALICE),
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/etc/claude-code/managed-settings.json', line: 2, subject: 'system', message: "cleanupPeriodDays is 90 in managed settings (/etc/claude-code/managed-settings.json:2) for alice: transcripts are kept 90 days, more than the baseline's 30", actions: ['set-json-key'] }],
    },
  },
  {
    name: "linux: alice's 365 days and claude's invalid 0 fail at their own lines",
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.claude/settings.json': json({ model: 'sonnet', cleanupPeriodDays: 365 }, ALICE),
      '/home/claude/.claude/settings.json': json({ cleanupPeriodDays: 0 }, CLAUDE),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.claude/settings.json', line: 3, subject: 'alice', message: 'transcripts are kept 365 days', actions: ['set-json-key'] },
        { path: '/home/claude/.claude/settings.json', line: 2, subject: 'claude', message: 'cleanupPeriodDays is 0 in claude\'s user settings (/home/claude/.claude/settings.json:2): not a whole number of days of at least 1' },
      ],
    },
  },
  {
    name: "linux: a managed 14 days wins over alice's 365",
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ cleanupPeriodDays: 14 }),
      '/home/alice/.claude/settings.json': json({ cleanupPeriodDays: 365 }, ALICE),
    }),
    expect: { status: 'pass', message: '14 day(s) by /etc/claude-code/managed-settings.json:2' },
  },
  {
    name: 'linux: unset, the default 30 days is within the recommended maximum',
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude/settings.json': json({ model: 'sonnet' }, ALICE) }),
    expect: { status: 'pass', message: 'the default 30 days' },
  },
  {
    name: "linux: unset under a strict 7 days fails at alice's settings file, where the key belongs",
    platform: 'linux',
    endpoint: endpoint('linux', { '/home/alice/.claude/settings.json': json({ model: 'sonnet' }, ALICE) }),
    params: { maxTranscriptDays: 7 },
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.claude/settings.json', subject: 'alice', message: "cleanupPeriodDays is not set for alice: Claude Code keeps transcripts 30 days (its default), more than the baseline's 7", actions: ['set-json-key'] }],
    },
  },
  {
    name: 'darwin: the MDM profile keeps transcripts 60 days',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Library/Managed Preferences/com.anthropic.claudecode.plist': plist({ cleanupPeriodDays: 60 }),
      '/Users/alice/.claude/settings.json': json({ cleanupPeriodDays: 5 }, ALICE_MAC),
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/Library/Managed Preferences/com.anthropic.claudecode.plist', line: 5, subject: 'system', message: 'cleanupPeriodDays is 60 in managed settings', actions: ['manual'] }],
    },
  },
  {
    name: "darwin: alice's 14 days passes",
    platform: 'darwin',
    endpoint: endpoint('darwin', { '/Users/alice/.claude/settings.json': json({ cleanupPeriodDays: 14 }, ALICE_MAC) }),
    expect: { status: 'pass', message: '14 day(s) by /Users/alice/.claude/settings.json:2' },
  },
  {
    name: 'win32: the user-writable HKCU policy keeps transcripts 90 days',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Users\\alice\\.claude\\settings.json': json({ cleanupPeriodDays: 10 }) }, { commands: claudePolicies({ codeHkcu: { cleanupPeriodDays: 90 } }) }),
    expect: {
      status: 'fail',
      findings: [{ path: 'HKCU\\SOFTWARE\\Policies\\ClaudeCode', subject: 'system', message: 'cleanupPeriodDays is 90 in managed settings (HKCU\\SOFTWARE\\Policies\\ClaudeCode (Settings))', actions: ['manual'] }],
    },
  },
  {
    name: 'win32: the managed file keeps transcripts 21 days',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Program Files\\ClaudeCode\\managed-settings.json': json({ cleanupPeriodDays: 21 }), 'C:\\Users\\alice\\.claude\\settings.json': json({}) }, { commands: claudePolicies() }),
    expect: { status: 'pass', message: '21 day(s) by C:\\Program Files\\ClaudeCode\\managed-settings.json:2' },
  },
]);
