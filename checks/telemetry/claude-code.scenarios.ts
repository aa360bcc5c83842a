import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { claudePolicies, json } from '../agent-kit.js';
import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const ALICE = { uid: 1000, gid: 1000 };
const ALICE_MAC = { uid: 501, gid: 20 };
const windowsEnv = (machine: Record<string, string> | undefined, user: Record<string, string> | undefined = undefined) => ({
  ...registryKey(REGISTRY.machineEnvironment, { Path: '%SystemRoot%\\system32', ...machine }),
  ...registryKey(REGISTRY.userEnvironment, user),
});

export default defineScenarios('telemetry.claude-code', [
  {
    name: 'linux: DO_NOT_TRACK=0 does not opt out; a profile.d script logs prompts to a vendor collector',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\nDO_NOT_TRACK=0\n' },
      '/etc/profile.d/claude-otel.sh': {
        content: '# observability pilot\nexport CLAUDE_CODE_ENABLE_TELEMETRY=1\nexport OTEL_LOG_USER_PROMPTS=1\nexport OTEL_EXPORTER_OTLP_ENDPOINT=https://otel.vendor-observability.io:4318\n',
      },
      '/home/alice/.claude/settings.json': json({}, ALICE),
    }),
    expect: {
      status: 'fail',
      findings: [
        {
          path: '/home/alice/.claude/settings.json',
          subject: 'alice',
          message: 'Claude Code sends usage telemetry and error reports to Anthropic for alice: DISABLE_TELEMETRY, DISABLE_ERROR_REPORTING are not in effect',
          actions: ['set-json-key'],
        },
        { path: '/etc/profile.d/claude-otel.sh', line: 3, subject: 'system', message: "OTEL_LOG_USER_PROMPTS=\"1\" at /etc/profile.d/claude-otel.sh:3 in the sessions of alice: the text of every prompt goes into Claude Code's OpenTelemetry logs" },
        { path: '/etc/profile.d/claude-otel.sh', line: 4, subject: 'system', message: "sends Claude Code's OpenTelemetry data to https://otel.vendor-observability.io:4318, not in the baseline's telemetry.allowedCollectors" },
      ],
    },
  },
  {
    name: 'linux: opt-outs in /etc/environment and an exporter to the allowed collector pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'DISABLE_TELEMETRY=1\nDISABLE_ERROR_REPORTING=1\nCLAUDE_CODE_ENABLE_TELEMETRY=1\nOTEL_EXPORTER_OTLP_ENDPOINT=https://otel.corp.example:4318\n' },
      '/home/alice/.claude/settings.json': json({}, ALICE),
    }),
    params: { telemetry: { allowedCollectors: ['otel.corp.example:4318'] } },
    expect: { status: 'pass', message: 'DISABLE_TELEMETRY="1" at /etc/environment:1' },
  },
  {
    name: "linux: a project's local settings empty DISABLE_TELEMETRY, overriding /etc/environment for that project",
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'DISABLE_TELEMETRY=1\nDISABLE_ERROR_REPORTING=1\n' },
      '/home/alice/.claude.json': json({ projects: { '/home/alice/src/app': {} } }, ALICE),
      '/home/alice/.claude/settings.json': json({}, ALICE),
      '/home/alice/src/app/.claude/settings.local.json': json({ env: { DISABLE_TELEMETRY: '' } }, ALICE),
    }),
    expect: {
      status: 'fail',
      findings: [
        {
          path: '/home/alice/src/app/.claude/settings.local.json',
          line: 3,
          subject: 'alice',
          message: 'DISABLE_TELEMETRY="" at /home/alice/src/app/.claude/settings.local.json:3 (local project settings) does not count',
          actions: ['set-json-key'],
        },
      ],
    },
  },
  {
    name: 'linux: the strict baseline accepts managed CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, whatever its value',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': json({ env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0' } }),
      '/home/alice/.claude/settings.json': json({}, ALICE),
    }),
    params: { requireNonessentialTrafficOff: true },
    expect: { status: 'pass', message: 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="0" at /etc/claude-code/managed-settings.json:3 (managed settings)' },
  },
  {
    name: "darwin: alice's ~/.zshrc turns telemetry off but not error reports, and her settings log prompts",
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.zshrc': { mode: '0644', uid: 501, gid: 20, content: 'export PATH="$HOME/bin:$PATH"\nexport DISABLE_TELEMETRY=1\n' },
      '/Users/alice/.claude/settings.json': json({ env: { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOG_USER_PROMPTS: 'true' } }, ALICE_MAC),
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/.claude/settings.json', subject: 'alice', message: 'Claude Code sends error reports to Anthropic for alice: DISABLE_ERROR_REPORTING is not in effect', actions: ['set-json-key'] },
        { path: '/Users/alice/.claude/settings.json', line: 4, subject: 'alice', message: 'OTEL_LOG_USER_PROMPTS="true"', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'darwin: managed settings env turns both off for everyone',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Library/Application Support/ClaudeCode/managed-settings.json': json({ env: { DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1' } }),
      '/Users/alice/.claude/settings.json': json({}, ALICE_MAC),
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: nothing opts out and the machine Environment key points OpenTelemetry at an unlisted collector',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Users\\alice\\.claude\\settings.json': json({}) }, { commands: { ...claudePolicies(), ...windowsEnv({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://10.20.30.40:4317' }) } }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\.claude\\settings.json', subject: 'alice', message: 'sends usage telemetry and error reports to Anthropic for alice', actions: ['set-json-key'] },
        { path: REGISTRY.machineEnvironment, subject: 'system', message: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT at HKLM', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'win32: CLAUDE_CODE_USE_BEDROCK=1 in the machine Environment key turns metrics and error reports off',
    platform: 'win32',
    endpoint: endpoint('win32', { 'C:\\Users\\alice\\.claude\\settings.json': json({}) }, { commands: { ...claudePolicies(), ...windowsEnv({ CLAUDE_CODE_USE_BEDROCK: '1' }) } }),
    expect: { status: 'pass', message: 'CLAUDE_CODE_USE_BEDROCK="1"' },
  },
]);
