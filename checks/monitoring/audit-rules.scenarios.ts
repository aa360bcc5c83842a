import { defineScenarios, endpoint } from '../scenario-kit.js';

const AUDITD = { '/usr/sbin/auditctl': { mode: '0750', content: '' }, '/usr/sbin/auditd': { mode: '0750', content: '' } };
const STATUS = (enabled: number) => ({ 'auditctl -s': { stdout: `enabled ${enabled}\nfailure 1\npid 812\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n` } });
const CREDENTIALS = {
  '/home/alice/.aws': { type: 'dir' as const, mode: '0700', uid: 1000, gid: 1000 },
  '/home/alice/.aws/credentials': { mode: '0600', uid: 1000, gid: 1000, content: '[default]\nregion = eu-west-1\n' },
  '/home/claude/.claude': { type: 'dir' as const, mode: '0700', uid: 1001, gid: 1001 },
  '/home/claude/.claude/.credentials.json': { mode: '0600', uid: 1001, gid: 1001, content: '{}' },
};
const NATIVE_CLAUDE = {
  '/home/claude/.local/bin/claude': { target: '/home/claude/.local/share/claude/versions/2.0.14' },
  '/home/claude/.local/share/claude/versions/2.0.14': { mode: '0755', uid: 1001, gid: 1001, content: '' },
};
const GOOD_RULES =
  '## cowork agent monitoring\n-w /home/alice/.aws -p r -k cowork-credentials\n' +
  '-a always,exit -F arch=b64 -S open,openat,openat2 -F path=/home/claude/.claude/.credentials.json -F perm=r -F key=cowork-credentials\n' +
  '-w /home/claude/.local/share/claude/versions -p x -k cowork-agent-exec\n';
const GOOD_LOADED = '-w /home/alice/.aws -p r -k cowork-credentials\n-w /home/claude/.claude/.credentials.json -p r -k cowork-credentials\n-w /home/claude/.local/share/claude/versions -p x -k cowork-agent-exec\n';

export default defineScenarios('monitoring.audit-rules', [
  {
    name: 'linux: rules.d watches both credential stores (a -w and a -F path= rule) and the native Claude Code versions folder; all loaded',
    platform: 'linux',
    endpoint: endpoint('linux', { ...AUDITD, ...CREDENTIALS, ...NATIVE_CLAUDE, '/etc/audit/rules.d/10-base.rules': { content: '-D\n-b 8192\n-f 1\n--backlog_wait_time 60000\n' }, '/etc/audit/rules.d/50-cowork.rules': { content: GOOD_RULES } }, { commands: { ...STATUS(1), 'auditctl -l': { stdout: GOOD_LOADED } } }),
    expect: { status: 'pass', message: 'auditd on (auditctl -s: enabled 1); all 3 credential store(s) and agent binaries watched (rules from rules.d and auditctl -l)' },
  },
  {
    name: 'linux: CIS-style -p wa watches record changes, not reads; a -D in a later part does not drop the earlier one (augenrules puts it first); the loaded rules lag the files',
    platform: 'linux',
    endpoint: endpoint(
      'linux',
      {
        ...AUDITD,
        ...CREDENTIALS,
        ...NATIVE_CLAUDE,
        '/etc/audit/rules.d/30-creds.rules': { content: '-w /home/claude/.claude/.credentials.json -p r -k creds\n' },
        '/etc/audit/rules.d/40-reset.rules': { content: '# start over\n-D\n-w /home/alice/.aws -p wa -k aws-changes\n-w /home/claude/.local/share/claude/versions -p x -k agent\n' },
      },
      { commands: { ...STATUS(1), 'auditctl -l': { stdout: '-w /home/alice/.aws -p wa -k aws-changes\n' } } },
    ),
    expect: {
      status: 'fail',
      findings: [
        { path: '/home/alice/.aws', subject: 'alice', message: "alice's AWS CLI folder: no audit rule records reads of /home/alice/.aws; -w /home/alice/.aws -p wa -k aws-changes records wa only, not reads (r)", actions: ['write-file', 'manual'] },
        { path: '/home/claude/.claude/.credentials.json', subject: 'claude', message: 'watched in /etc/audit/rules.d/30-creds.rules:1 but not in the loaded rules (auditctl -l)', actions: ['manual'] },
        { path: '/home/claude/.local/share/claude/versions', subject: 'claude', message: 'watched in /etc/audit/rules.d/40-reset.rules:4 but not in the loaded rules (auditctl -l): the rules were not loaded', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: auditd not installed',
    platform: 'linux',
    endpoint: endpoint('linux', { ...CREDENTIALS }),
    expect: { status: 'fail', message: 'auditd is not installed', findings: [{ subject: 'system', message: 'auditd is not installed', actions: ['manual', 'write-file'] }] },
  },
  {
    name: 'linux: auditd installed but disabled, a rule line with a space in the path, a never rule first',
    platform: 'linux',
    endpoint: endpoint(
      'linux',
      {
        ...AUDITD,
        ...CREDENTIALS,
        '/etc/audit/audit.rules': { content: '## generated\n-D\n-a never,exit -F dir=/home/alice -k quiet-home\n-w /home/alice/.aws -p r -k creds\n-w /home/claude/My Secrets -p r -k creds\n-w /home/claude/.claude -p rwa -k claude\n' },
      },
      { commands: { ...STATUS(0), 'auditctl -l': { stdout: 'No rules\n' } } },
    ),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'auditd is installed (/usr/sbin/auditctl) but not enabled (auditctl -s: enabled 0)', actions: ['manual'] },
        { path: '/etc/audit/audit.rules', line: 5, message: 'auditctl rejects this line: unexpected "Secrets" (a path cannot contain whitespace in an audit rule)' },
        { path: '/home/alice/.aws', subject: 'alice', message: '/etc/audit/audit.rules:3 (-a never,exit -F dir=/home/alice -k quiet-home) comes first and suppresses it' },
        { path: '/home/claude/.claude/.credentials.json', subject: 'claude', message: 'watched in /etc/audit/audit.rules:6 but not in the loaded rules' },
      ],
    },
  },
]);
