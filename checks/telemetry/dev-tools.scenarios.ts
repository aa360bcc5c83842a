import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const LINUXBREW = { '/home/linuxbrew/.linuxbrew/bin/brew': { mode: '0755', content: '#!/bin/bash\n' } };
const DOTNET_SDK = { '/usr/share/dotnet/dotnet': { mode: '0755', content: '' }, '/usr/share/dotnet/sdk/8.0.404': { type: 'dir' as const } };
const WINDOWS_DOTNET = { 'C:\\Program Files\\dotnet\\dotnet.exe': { content: '' }, 'C:\\Program Files\\dotnet\\sdk\\8.0.404': { type: 'dir' as const } };
const HOMEBREW_GIT_CONFIG = (disabled: string) => `[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/Homebrew/brew\n[homebrew]\n\tanalyticsmessage = true\n\tcaskanalyticsmessage = true\n\tinfluxanalyticsmessage = true\n\tanalyticsdisabled = ${disabled}\n`;
const windowsEnv = (machine: Record<string, string> | undefined, user: Record<string, string> | undefined = undefined) => ({
  ...registryKey(REGISTRY.machineEnvironment, { Path: '%SystemRoot%\\system32', ...machine }),
  ...registryKey(REGISTRY.userEnvironment, user),
});

export default defineScenarios('telemetry.dev-tools', [
  {
    name: 'linux: Homebrew and the .NET SDK installed, both opted out in /etc/environment for every session',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...LINUXBREW,
      ...DOTNET_SDK,
      '/etc/environment': { content: 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\nHOMEBREW_NO_ANALYTICS=1\nDOTNET_CLI_TELEMETRY_OPTOUT="true"\n' },
    }),
    expect: { status: 'pass', message: '2 tool(s) found (Homebrew, .NET SDK), telemetry off' },
  },
  {
    name: 'linux: brew analytics off (the repository git config) covers every user without a variable; Go without a mode file is local only',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...LINUXBREW,
      '/home/linuxbrew/.linuxbrew/Homebrew/.git/config': { content: HOMEBREW_GIT_CONFIG('true') },
      '/usr/local/go/bin/go': { mode: '0755', content: '' },
      '/usr/local/go/VERSION': { content: 'go1.23.4\ntime 2024-12-02T19:28:29Z\n' },
    }),
    expect: { status: 'pass', message: '2 tool(s) found (Homebrew, Go toolchain)' },
  },
  {
    name: 'linux: HOMEBREW_NO_ANALYTICS only in alice\'s ~/.zshrc: the agent account claude still reports',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...LINUXBREW,
      '/home/alice/.zshrc': { content: 'export PATH="/home/linuxbrew/.linuxbrew/bin:$PATH"\nexport HOMEBREW_NO_ANALYTICS=1\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/linuxbrew/.linuxbrew/bin/brew', subject: 'system', message: 'telemetry is on for claude (HOMEBREW_NO_ANALYTICS is not set for them; set for others only: HOMEBREW_NO_ANALYTICS at /home/alice/.zshrc:2 (for alice only))', actions: ['set-env-line', 'manual'] },
      ],
    },
  },
  {
    name: 'linux: an opt-out variable with a value that does not opt out, a SAM metadata file, Next.js and Azure CLI state in homes',
    platform: 'linux',
    endpoint: endpoint('linux', {
      ...DOTNET_SDK,
      '/etc/profile.d/dotnet.sh': { content: '# written by the SDK installer\nexport DOTNET_ROOT=/usr/share/dotnet\nexport DOTNET_CLI_TELEMETRY_OPTOUT=0\n' },
      '/home/alice/.aws-sam/metadata.json': { content: '{\n    "installationId": "7b7d4db7-2f54-45ba-bf2f-a2cbc9e74a34",\n    "telemetryEnabled": true\n}\n' },
      '/home/claude/.config/nextjs-nodejs/config.json': { content: '{\n\t"telemetry": {\n\t\t"notifiedAt": "1731400000000",\n\t\t"enabled": true\n\t}\n}' },
      '/home/alice/.azure/config': { content: '[cloud]\nname = AzureCloud\n\n[core]\ncollect_telemetry = yes\n' },
      '/home/claude/.azure': { type: 'dir' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/profile.d/dotnet.sh', line: 3, subject: 'alice', message: '.NET SDK: telemetry is on for alice: DOTNET_CLI_TELEMETRY_OPTOUT="0" at /etc/profile.d/dotnet.sh:3 does not opt out', actions: ['manual'] },
        { path: '/etc/profile.d/dotnet.sh', line: 3, subject: 'claude' },
        { path: '/home/alice/.aws-sam/metadata.json', line: 3, subject: 'alice', message: 'AWS SAM CLI: telemetry is on for alice: telemetryEnabled = true', actions: ['set-json-key', 'set-env-line'] },
        { path: '/home/claude/.config/nextjs-nodejs/config.json', line: 4, subject: 'claude', message: 'Next.js: telemetry is on for claude: telemetry.enabled = true', actions: ['set-json-key'] },
        { path: '/home/alice/.azure/config', line: 5, subject: 'alice', message: 'Azure CLI: telemetry is on for alice: [core] collect_telemetry = yes', actions: ['manual', 'set-env-line'] },
        { path: '/home/claude/.azure', subject: 'claude', message: "Azure CLI: telemetry is on for claude: no opt-out (AZURE_CORE_COLLECT_TELEMETRY is not set for claude, and the tool's own setting does not turn it off)" },
      ],
    },
  },
  {
    name: 'linux: SAM_CLI_TELEMETRY=0 in /etc/environment wins over the metadata file; Go telemetry on in one home',
    platform: 'linux',
    params: { goTelemetry: 'off' },
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'SAM_CLI_TELEMETRY=0\n' },
      '/home/alice/.aws-sam/metadata.json': { content: '{"installationId": "x", "telemetryEnabled": true}' },
      '/home/alice/.config/go/telemetry/mode': { content: 'on 2024-11-02' },
      '/home/claude/.config/go/telemetry/mode': { content: 'off 2024-11-02' },
    }),
    expect: {
      status: 'fail',
      findings: [{ path: '/home/alice/.config/go/telemetry/mode', line: 1, subject: 'alice', message: 'Go toolchain: telemetry mode is "on" for alice: mode = on 2024-11-02', actions: ['manual'] }],
    },
  },
  {
    name: 'linux: a Go 1.22 toolchain predates telemetry; nothing else installed',
    platform: 'linux',
    endpoint: endpoint('linux', { '/usr/local/go/bin/go': { mode: '0755', content: '' }, '/usr/local/go/VERSION': { content: 'go1.22.5\ntime 2024-06-27T20:11:12Z\n' } }),
    expect: { status: 'skipped', message: 'go1.22.5 predates Go telemetry (1.23)' },
  },
  {
    name: 'darwin: /opt/homebrew with brew analytics off; gcloud used by alice without opting in (off by default)',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/opt/homebrew/bin/brew': { mode: '0755', content: '' },
      '/opt/homebrew/.git/config': { content: HOMEBREW_GIT_CONFIG('true') },
      '/Users/alice/.config/gcloud/active_config': { content: 'default' },
      '/Users/alice/.config/gcloud/configurations/config_default': { content: '[core]\naccount = alice@corp.example\nproject = corp-dev\n' },
    }),
    expect: { status: 'pass', message: '2 tool(s) found (Homebrew, Google Cloud CLI)' },
  },
  {
    name: 'darwin: alice opted out in ~/.zshrc, claude did not; alice opted in to gcloud usage statistics; Next.js state of claude',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/opt/homebrew/bin/brew': { mode: '0755', content: '' },
      '/opt/homebrew/.git/config': { content: HOMEBREW_GIT_CONFIG('false') },
      '/Users/alice/.zshrc': { content: 'eval "$(/opt/homebrew/bin/brew shellenv)"\nexport HOMEBREW_NO_ANALYTICS=1\n' },
      '/Users/alice/.config/gcloud/active_config': { content: 'work' },
      '/Users/alice/.config/gcloud/configurations/config_work': { content: '[core]\naccount = alice@corp.example\ndisable_usage_reporting = False\n' },
      '/Users/claude/Library/Preferences/nextjs-nodejs/config.json': { content: '{"telemetry":{"notifiedAt":"1731400000000","anonymousId":"a1","salt":"b2"}}' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/opt/homebrew/.git/config', line: 10, subject: 'claude', message: 'Homebrew: telemetry is on for claude: homebrew.analyticsdisabled = false at /opt/homebrew/.git/config:10', actions: ['manual'] },
        { path: '/Users/alice/.config/gcloud/configurations/config_work', line: 3, subject: 'alice', message: 'Google Cloud CLI: telemetry is on for alice: [core] disable_usage_reporting = False', actions: ['manual'] },
        { path: '/Users/claude/Library/Preferences/nextjs-nodejs/config.json', subject: 'claude', message: 'Next.js: telemetry is on for claude: no opt-out', actions: ['set-json-key', 'manual'] },
      ],
    },
  },
  {
    name: 'win32: the .NET SDK with DOTNET_CLI_TELEMETRY_OPTOUT in the machine Environment key',
    platform: 'win32',
    endpoint: endpoint('win32', WINDOWS_DOTNET, { commands: windowsEnv({ DOTNET_CLI_TELEMETRY_OPTOUT: '1' }) }),
    expect: { status: 'pass', message: '1 tool(s) found (.NET SDK)' },
  },
  {
    name: 'win32: the opt-out only in alice\'s PowerShell profile; Azure CLI of alice collects telemetry',
    platform: 'win32',
    endpoint: endpoint('win32', {
      ...WINDOWS_DOTNET,
      'C:\\Users\\alice\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1': { content: "# alice's profile\r\n$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'\r\n" },
      'C:\\Users\\alice\\.azure\\config': { content: '[core]\r\ncollect_telemetry = true\r\n' },
    }, { commands: windowsEnv({}) }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Program Files\\dotnet\\sdk', subject: 'system', message: 'telemetry is on for claude (DOTNET_CLI_TELEMETRY_OPTOUT is not set for them; set for others only: DOTNET_CLI_TELEMETRY_OPTOUT at C:\\Users\\alice\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1:2 (for alice only))', actions: ['registry-set'] },
        { path: 'C:\\Users\\alice\\.azure\\config', line: 2, subject: 'alice', message: 'Azure CLI: telemetry is on for alice', actions: ['manual', 'registry-set'] },
      ],
    },
  },
]);
