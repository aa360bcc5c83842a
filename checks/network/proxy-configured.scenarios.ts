import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { registryKey, SCUTIL_NO_PROXY, scutilProxy, scutilWithProxy, WINHTTP_DIRECT, winhttp, winhttpProxy } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const PROXY = 'http://proxy.corp.example:3128';
const SYSTEMD_WITH_PROXY = `[Manager]\n#DefaultTimeoutStartSec=90s\nDefaultEnvironment="https_proxy=${PROXY}" "HTTPS_PROXY=${PROXY}" "NO_PROXY=localhost,127.0.0.1"\n`;

export default defineScenarios('network.proxy-configured', [
  {
    name: 'linux: /etc/environment and systemd DefaultEnvironment set a proxy',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: `PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\nhttps_proxy="${PROXY}"\nHTTPS_PROXY="${PROXY}"\n` },
      '/etc/systemd/system.conf': { content: SYSTEMD_WITH_PROXY },
    }),
    expect: { status: 'pass', message: /user sessions: https_proxy=http:\/\/proxy\.corp\.example:3128 \(\/etc\/environment:2\); systemd services/ },
  },
  {
    name: 'linux: a profile.d export that expands another variable, matching proxyUrl; an empty ALL_PROXY is no proxy',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/profile.d/proxy.sh': { content: `# corporate proxy\nPROXY_HOST=proxy.corp.example\nexport http_proxy="http://\${PROXY_HOST}:3128"\nexport https_proxy=$http_proxy HTTPS_PROXY=$http_proxy\n# an empty variable sets no proxy\nexport ALL_PROXY=""\n` },
    }),
    params: { proxyUrl: PROXY },
    expect: { status: 'pass', message: "(the baseline's proxy)" },
  },
  {
    name: 'linux: no proxy for sessions or services',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\n' },
      '/etc/systemd/system.conf': { content: '[Manager]\n#DefaultEnvironment=\n' },
    }),
    params: { proxyUrl: PROXY },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/environment', subject: 'system', message: 'no proxy for user sessions', actions: ['set-env-line'] },
        { path: '/etc/systemd/system.conf', subject: 'system', message: 'no proxy for systemd services', actions: ['write-file', 'manual'] },
      ],
    },
  },
  {
    name: 'linux: another proxy, a proxy with a password (redacted), and agent settings that clear the proxy',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/etc/environment': { content: `https_proxy=${PROXY}\nHTTP_PROXY=http://alice:S3cretPw@127.0.0.1:8888\n` },
      '/etc/systemd/system.conf': { content: SYSTEMD_WITH_PROXY },
      '/home/alice/.claude/settings.json': { uid: 1000, content: '{\n  // debugging\n  "env": {\n    "HTTPS_PROXY": "",\n    "DISABLE_TELEMETRY": "1"\n  }\n}\n' },
    }),
    params: { proxyUrl: PROXY },
    expect: {
      status: 'fail',
      findings: [
        { path: '/etc/environment', line: 2, message: 'HTTP_PROXY=http://***@127.0.0.1:8888 is not', actions: ['set-env-line'] },
        { path: '/home/alice/.claude/settings.json', line: 4, subject: 'alice', message: 'set HTTPS_PROXY to an empty value', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'darwin: scutil --proxy has the corporate HTTPS proxy',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: scutilProxy(scutilWithProxy('proxy.corp.example', 3128)) }),
    params: { proxyUrl: PROXY },
    expect: { status: 'pass', message: 'the system (scutil --proxy): HTTPSProxy proxy.corp.example:3128' },
  },
  {
    name: 'darwin: scutil --proxy enables nothing (default exceptions only, CRLF)',
    platform: 'darwin',
    endpoint: endpoint('darwin', {}, { commands: scutilProxy(SCUTIL_NO_PROXY) }),
    expect: { status: 'fail', findings: [{ message: 'scutil --proxy: no HTTP, HTTPS or auto-config proxy', actions: ['manual'] }] },
  },
  {
    name: 'darwin: a PAC that is not the baseline proxyPac, and a user settings proxy to a debugging proxy',
    platform: 'darwin',
    endpoint: endpoint(
      'darwin',
      { '/Users/alice/.claude/settings.json': { uid: 501, content: '{ "env": { "HTTPS_PROXY": "http://127.0.0.1:8888" } }' } },
      { commands: scutilProxy('<dictionary> {\n  ProxyAutoConfigEnable : 1\n  ProxyAutoConfigURLString : http://wpad.home.example/wpad.dat\n}\n') },
    ),
    params: { proxyUrl: PROXY, proxyPac: 'http://pac.corp.example/proxy.pac' },
    expect: {
      status: 'fail',
      findings: [
        { message: 'proxy auto-config http://wpad.home.example/wpad.dat is not the baseline', actions: ['manual'] },
        { path: '/Users/alice/.claude/settings.json', line: 1, subject: 'alice', message: 'HTTPS_PROXY=http://127.0.0.1:8888 is not', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'win32: WinHTTP and WinINET name the corporate proxy',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: { ...winhttpProxy('proxy.corp.example:3128', '<local>;*.corp.example'), ...registryKey(REGISTRY.internetSettings, { ProxyEnable: 1, ProxyServer: 'proxy.corp.example:3128', ProxyOverride: '<local>' }) } }),
    params: { proxyUrl: PROXY },
    expect: { status: 'pass', message: 'services (WinHTTP): proxy.corp.example:3128' },
  },
  {
    name: 'win32: WinHTTP direct access and WinINET off',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: { ...winhttp(WINHTTP_DIRECT), ...registryKey(REGISTRY.internetSettings, { ProxyEnable: 0, ProxyServer: '' }) } }),
    params: { proxyUrl: PROXY },
    expect: {
      status: 'fail',
      findings: [
        { message: 'WinHTTP has direct access', actions: ['manual'] },
        { message: 'ProxyEnable is not 1', actions: ['registry-set'] },
      ],
    },
  },
  {
    name: 'win32: the corpus netsh output (testProxy:8999) is not the baseline proxy',
    platform: 'win32',
    endpoint: endpoint('win32', {}, { commands: { ...winhttp('Current WinHTTP proxy settings:\n\n    Proxy Server(s) :  testProxy:8999\n    Bypass List     :  (none)\n'), ...registryKey(REGISTRY.internetSettings, { ProxyEnable: 1, ProxyServer: 'http=proxy.corp.example:3128;https=proxy.corp.example:3128' }) } }),
    params: { proxyUrl: PROXY },
    expect: { status: 'fail', findings: [{ message: 'WinHTTP proxy testProxy:8999 is not', actions: ['manual'] }] },
  },
]);
