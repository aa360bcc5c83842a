import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { registryKey, systemKeychain, windowsRootStore } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';
import { corpInspectionCa, expiredCa, leafCertificate, otherCa, sha256Of } from '../test-certificates.js';

const CA_SHA = sha256Of(corpInspectionCa);
const ANCHOR = '/usr/local/share/ca-certificates/corp-inspection.crt';
const MAC_PEM = '/Library/Application Support/ExampleCorp/inspection-ca.pem';
const WIN_PEM = 'C:\\ProgramData\\ExampleCorp\\inspection-ca.pem';

export default defineScenarios('network.tls-inspection-ca', [
  {
    name: 'linux: NODE_EXTRA_CA_CERTS names a readable PEM with a CA (no CA declared)',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: `NODE_EXTRA_CA_CERTS=${ANCHOR}\n` },
      [ANCHOR]: { content: corpInspectionCa },
    }),
    expect: { status: 'pass', message: 'no inspection CA declared' },
  },
  {
    name: 'linux: the declared CA (by fingerprint, with colons) is in NODE_EXTRA_CA_CERTS and the system bundle',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: `NODE_EXTRA_CA_CERTS="${ANCHOR}"\n` },
      [ANCHOR]: { content: corpInspectionCa },
      '/etc/ssl/certs/ca-certificates.crt': { content: `${otherCa}${corpInspectionCa}` },
    }),
    params: { inspectionCa: CA_SHA.toUpperCase().replace(/(..)(?!$)/g, '$1:') },
    expect: { status: 'pass', message: /the inspection CA \(SHA-256 [0-9a-f]{16}…\) is in NODE_EXTRA_CA_CERTS \(1 setting/ },
  },
  {
    name: 'linux: the declared CA by path, set in Claude Code managed settings',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/claude-code/managed-settings.json': { content: `{ "env": { "NODE_EXTRA_CA_CERTS": "${ANCHOR}" } }\n` },
      [ANCHOR]: { content: corpInspectionCa },
    }),
    params: { inspectionCa: ANCHOR },
    expect: { status: 'pass', message: 'Example Corp TLS Inspection CA' },
  },
  {
    name: 'linux: verification off, a missing PEM, a leaf instead of a CA, an expired CA',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'PATH="/usr/bin:/bin"\nNODE_TLS_REJECT_UNAUTHORIZED=0\n' },
      '/etc/profile.d/node.sh': { content: 'export NODE_EXTRA_CA_CERTS=/etc/ssl/proxy-leaf.pem\n' },
      '/etc/ssl/proxy-leaf.pem': { content: leafCertificate },
      '/home/alice/.claude/settings.json': { uid: 1000, content: '{\n  "env": {\n    "NODE_EXTRA_CA_CERTS": "/home/alice/certs/corp.pem"\n  }\n}\n' },
      '/etc/claude-code/managed-settings.json': { content: '{\n  "env": { "NODE_EXTRA_CA_CERTS": "/etc/ssl/old-ca.pem" }\n}\n' },
      '/etc/ssl/old-ca.pem': { content: expiredCa },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/environment', line: 2, subject: 'system', message: 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate verification', actions: ['set-env-line'] },
        { path: '/etc/profile.d/node.sh', line: 1, message: 'holds no CA certificate, only CN=proxy.corp.example', actions: ['manual'] },
        { path: '/home/alice/.claude/settings.json', line: 3, subject: 'alice', message: 'NODE_EXTRA_CA_CERTS=/home/alice/certs/corp.pem does not exist', actions: ['manual'] },
        { path: '/etc/claude-code/managed-settings.json', line: 2, subject: 'managed settings', message: 'holds only expired certificates', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'linux: a declared CA that nothing trusts',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'PATH="/usr/bin:/bin"\n' },
      '/etc/ssl/certs/ca-certificates.crt': { content: otherCa },
    }),
    params: { inspectionCa: CA_SHA },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/environment', message: 'Node agents are not given the inspection CA', actions: ['manual'] },
        { message: 'is not in the system CA anchors and bundles', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'darwin: managed settings point at the CA, which the System keychain has',
    platform: 'darwin',
    endpoint: endpoint(
      'darwin',
      {
        '/Library/Application Support/ClaudeCode/managed-settings.json': { content: `{ "env": { "NODE_EXTRA_CA_CERTS": "${MAC_PEM}" } }` },
        [MAC_PEM]: { content: corpInspectionCa },
      },
      { commands: systemKeychain([otherCa, corpInspectionCa]) },
    ),
    params: { inspectionCa: CA_SHA },
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: the PEM holds another CA and the keychain lacks the inspection CA',
    platform: 'darwin',
    endpoint: endpoint(
      'darwin',
      {
        '/Library/Application Support/ClaudeCode/managed-settings.json': { content: `{\n  "env": {\n    "NODE_EXTRA_CA_CERTS": "${MAC_PEM}"\n  }\n}` },
        [MAC_PEM]: { content: otherCa },
      },
      { commands: systemKeychain([otherCa]) },
    ),
    params: { inspectionCa: CA_SHA },
    expect: {
      status: 'fail',
      findings: [
        { path: '/Library/Application Support/ClaudeCode/managed-settings.json', line: 3, message: 'does not contain the inspection CA', actions: ['manual'] },
        { message: 'is not in the System keychain (security find-certificate', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'win32: managed settings and the LocalMachine Root store have the CA',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      {
        'C:\\Program Files\\ClaudeCode\\managed-settings.json': { content: `{ "env": { "NODE_EXTRA_CA_CERTS": "${WIN_PEM.replace(/\\/g, '\\\\')}" } }` },
        [WIN_PEM]: { content: corpInspectionCa.replace(/\n/g, '\r\n') },
      },
      { commands: { ...windowsRootStore([otherCa, corpInspectionCa]), ...registryKey(REGISTRY.machineEnvironment, { Path: 'C:\\Windows\\system32' }), ...registryKey(REGISTRY.userEnvironment, undefined) } },
    ),
    params: { inspectionCa: CA_SHA },
    expect: { status: 'pass' },
  },
  {
    name: 'win32: NODE_TLS_REJECT_UNAUTHORIZED=0 in the machine environment, and the Root store lacks the CA',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      {
        'C:\\Program Files\\ClaudeCode\\managed-settings.json': { content: `{ "env": { "NODE_EXTRA_CA_CERTS": "${WIN_PEM.replace(/\\/g, '\\\\')}" } }` },
        [WIN_PEM]: { content: corpInspectionCa },
      },
      { commands: { ...windowsRootStore([otherCa]), ...registryKey(REGISTRY.machineEnvironment, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }), ...registryKey(REGISTRY.userEnvironment, undefined) } },
    ),
    params: { inspectionCa: CA_SHA },
    expect: {
      status: 'fail',
      findings: [
        { subject: 'system', message: 'Session Manager\\Environment: NODE_TLS_REJECT_UNAUTHORIZED=0', actions: ['registry-set'] },
        { message: 'is not in the LocalMachine Root store', actions: ['manual'] },
      ],
    },
  },
]);
