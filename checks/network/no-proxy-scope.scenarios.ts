import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { registryKey, scutilProxy, scutilWithProxy, winhttpProxy } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

export default defineScenarios('network.no-proxy-scope', [
  {
    name: 'linux: local names, internal domains and private ranges only',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'https_proxy=http://proxy.corp.example:3128\nno_proxy="localhost,127.0.0.1,::1,.corp.example,10.0.0.0/8,169.254.169.254"\nNO_PROXY=localhost,127.0.0.1,.corp.example\n' },
    }),
    expect: { status: 'pass', message: '2 bypass list(s)' },
  },
  {
    name: 'linux: `*`, public suffixes and 0.0.0.0/0 in /etc/environment, profile.d and agent settings',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'NO_PROXY=*\n' },
      '/etc/profile.d/proxy.sh': { content: 'export no_proxy="localhost,.com,*.amazonaws.com,.corp.example"\n' },
      '/etc/claude-code/managed-settings.json': { content: '{\n  "env": {\n    "NO_PROXY": "localhost,0.0.0.0/0,.co.uk"\n  }\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/environment', line: 1, subject: 'system', message: '"*" `*` sends every destination around the proxy', actions: ['set-env-line'] },
        { path: '/etc/profile.d/proxy.sh', line: 1, message: '".com" covers the public top-level domain .com; "*.amazonaws.com" covers the public suffix .amazonaws.com', actions: ['manual'] },
        { path: '/etc/claude-code/managed-settings.json', line: 3, subject: 'managed settings', message: '"0.0.0.0/0" covers every address', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'linux: an org-accepted broad entry (allowedNoProxy)',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/environment': { content: 'NO_PROXY=localhost,.github.io\n' } }),
    params: { allowedNoProxy: ['.github.io'] },
    expect: { status: 'pass' },
  },
  {
    name: 'darwin: the default ExceptionsList (*.local, 169.254/16)',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: scutilProxy(scutilWithProxy('proxy.corp.example', 3128)) }),
    expect: { status: 'pass', message: '1 bypass list(s)' },
  },
  {
    name: 'darwin: ExceptionsList with * and *.com',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: scutilProxy('<dictionary> {\n  ExceptionsList : <array> {\n    0 : *.local\n    1 : *\n    2 : *.com\n  }\n  HTTPSEnable : 1\n  HTTPSPort : 3128\n  HTTPSProxy : proxy.corp.example\n}\n') }),
    expect: { status: 'fail', findings: [{ message: 'ExceptionsList "*" `*` sends every destination around the proxy; "*.com" covers', actions: ['manual'] }] },
  },
  {
    name: 'win32: <local> and internal wildcards',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: { ...winhttpProxy('proxy.corp.example:3128', '<local>;*.corp.example'), ...registryKey(REGISTRY.internetSettings, { ProxyEnable: 1, ProxyServer: 'proxy.corp.example:3128', ProxyOverride: '<local>;10.*;192.168.*' }) } }),
    expect: { status: 'pass', message: '2 bypass list(s)' },
  },
  {
    name: 'win32: WinHTTP bypass * and WinINET *.com',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: { ...winhttpProxy('proxy.corp.example:3128', '*'), ...registryKey(REGISTRY.internetSettings, { ProxyEnable: 1, ProxyServer: 'proxy.corp.example:3128', ProxyOverride: '*.com;<local>' }) } }),
    expect: {
      status: 'fail',
      findings: [
        { message: 'WinHTTP bypass list "*"', actions: ['manual'] },
        { message: 'ProxyOverride "*.com" covers the public top-level domain .com', actions: ['registry-set'] },
      ],
    },
  },
]);
