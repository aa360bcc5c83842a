import { defineScenarios, endpoint, fakeSecrets } from '../scenario-kit.js';

const { anthropic, github, slack, awsKeyId } = fakeSecrets;

export default defineScenarios('credentials.secrets-in-shell-profiles', [
  {
    name: 'linux: references and secret-manager lookups pass',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.bashrc': { uid: 1000, gid: 1000, content: 'export PATH="$HOME/bin:$PATH"\nexport GITHUB_TOKEN="$(pass show github/token)"\nexport OPENAI_API_KEY=${OPENAI_API_KEY:-}\nexport TOKENIZERS_PARALLELISM=false\n' },
      '/etc/environment': { content: 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\n' },
      '/etc/profile.d/proxy.sh': { content: 'export HTTPS_PROXY=http://proxy.corp:3128\n' },
    }),
    expect: { status: 'pass', message: /no secrets in 3 start-up file/ },
  },
  {
    name: 'linux: exported keys in .bashrc, /etc/environment and profile.d fail',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/home/alice/.bashrc': { uid: 1000, gid: 1000, content: `# keys\nexport ANTHROPIC_API_KEY="${anthropic()}"\nalias ll='ls -l'\n# export OLD=${github()}\n` },
      '/etc/environment': { content: `PATH="/usr/bin"\nSLACK_BOT_TOKEN=${slack()}\n` },
      '/etc/profile.d/db.sh': { content: 'export DB_PASSWORD="Tr0ub4dor&3-horse"\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.bashrc', line: 2, subject: 'alice', message: /Anthropic.*sk-ant-api03-…/, actions: ['manual'] },
        { path: '/home/alice/.bashrc', line: 4, message: 'GitHub' },
        { path: '/etc/environment', line: 2, subject: 'system', message: 'Slack' },
        { path: '/etc/profile.d/db.sh', line: 1, message: 'DB_PASSWORD' },
      ],
    },
  },
  {
    name: 'linux: an ignored variable name is not reported',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/profile.d/db.sh': { content: 'export DB_PASSWORD="Tr0ub4dor&3-horse"\n' } }),
    params: { ignoreVariables: ['DB_PASSWORD'] },
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: zsh and fish files without secrets pass',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.zshrc': { mode: '0644', uid: 501, gid: 20, content: 'export HOMEBREW_NO_ANALYTICS=1\nsource ~/.secrets.zsh\n' },
      '/Users/alice/.config/fish/config.fish': { uid: 501, gid: 20, content: 'set -gx EDITOR nvim\n' },
    }),
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: fish set -gx and zshenv exports fail',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Users/alice/.zshenv': { uid: 501, gid: 20, content: `export AWS_ACCESS_KEY_ID=${awsKeyId()}\n` },
      '/Users/alice/.config/fish/config.fish': { uid: 501, gid: 20, content: 'set -gx OPENAI_API_KEY "q8Zt2LmVx7Rk4PwN9sYc"\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/Users/alice/.zshenv', line: 1, message: 'AWS' },
        { path: '/Users/alice/.config/fish/config.fish', line: 1, message: 'OPENAI_API_KEY' },
      ],
    },
  },
  {
    name: 'win32: a profile reading from SecretManagement passes',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1': { content: '$env:GITHUB_TOKEN = Get-Secret -Name github -AsPlainText\nSet-PSReadLineOption -EditMode Emacs\n' },
    }),
    expect: { status: 'pass', message: /no secrets in 1 start-up file/ },
  },
  {
    name: 'win32: $env: assignments and SetEnvironmentVariable in profiles fail',
    platform: 'win32',
    endpoint: endpoint('win32', {
      'C:\\Users\\alice\\Documents\\WindowsPowerShell\\profile.ps1': { content: `$env:GITHUB_TOKEN = "${github()}"\n` },
      'C:\\Program Files\\PowerShell\\7\\profile.ps1': { content: "[Environment]::SetEnvironmentVariable('SERVICE_CLIENT_SECRET', 'p4ssW0rd-Xy7-Lq9', 'Machine')\n" },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: 'C:\\Users\\alice\\Documents\\WindowsPowerShell\\profile.ps1', line: 1, subject: 'alice', message: 'GitHub' },
        { path: 'C:\\Program Files\\PowerShell\\7\\profile.ps1', line: 1, subject: 'system', message: 'SERVICE_CLIENT_SECRET' },
      ],
    },
  },
]);
