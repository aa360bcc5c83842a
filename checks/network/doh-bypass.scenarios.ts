import { REGISTRY } from '../../src/collectors/windows-commands.js';
import { registryKey } from '../network-kit.js';
import { defineScenarios, endpoint } from '../scenario-kit.js';

const PLIST = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}</dict>\n</plist>\n`;
const BINARY = { content: '', mode: '0755' };

export default defineScenarios('network.doh-bypass', [
  {
    name: 'linux: Chrome and Firefox have DoH off by managed policy',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/opt/google/chrome/chrome': BINARY,
      '/etc/opt/chrome/policies/managed/corp.json': { content: '{\n  "DnsOverHttpsMode": "off",\n  "MetricsReportingEnabled": false\n}\n' },
      '/usr/lib/firefox/firefox': BINARY,
      '/etc/firefox/policies/policies.json': { content: '{ "policies": { "DNSOverHTTPS": { "Enabled": false, "Locked": true } } }\n' },
    }),
    expect: { status: 'pass', message: 'DNS over HTTPS is off by policy in Google Chrome, Mozilla Firefox; not installed: Chromium, Microsoft Edge' },
  },
  {
    name: 'linux: Chrome without policy, Edge automatic, Chromium with a broken policy file, Firefox not locked',
    platform: 'linux',
    endpoint: endpoint('linux', {
      '/usr/bin/google-chrome-stable': BINARY,
      '/opt/microsoft/msedge/msedge': BINARY,
      '/etc/opt/edge/policies/managed/edge.json': { content: '{\n  "DnsOverHttpsMode": "automatic"\n}\n' },
      '/usr/bin/chromium': BINARY,
      '/etc/chromium/policies/managed/doh.json': { content: '{\n  "DnsOverHttpsMode": "off"\n  "HomepageLocation": "https://intranet.corp.example"\n}\n' },
      '/usr/lib/firefox/firefox': BINARY,
      '/usr/lib/firefox/distribution/policies.json': { content: '{\n  "policies": {\n    "DNSOverHTTPS": {\n      "Enabled": false\n    }\n  }\n}\n' },
    }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'Google Chrome', message: 'DnsOverHttpsMode is not set by policy (/etc/opt/chrome/policies/managed)', actions: ['write-file'] },
        { path: '/etc/opt/edge/policies/managed/edge.json', line: 2, subject: 'Microsoft Edge', message: 'DnsOverHttpsMode is "automatic"', actions: ['set-json-key'] },
        { path: '/etc/chromium/policies/managed/doh.json', line: 3, subject: 'Chromium', message: 'invalid JSON at line 3', actions: ['manual'] },
        { subject: 'Chromium', message: 'DnsOverHttpsMode is not set by policy (/etc/chromium/policies/managed)', actions: ['write-file'] },
        { path: '/usr/lib/firefox/distribution/policies.json', line: 4, subject: 'Mozilla Firefox', message: 'DNSOverHTTPS policy is Enabled=false, Locked=unset', actions: ['set-json-key'] },
      ],
    },
  },
  {
    name: 'linux: no browser installed',
    platform: 'linux',
    endpoint: endpoint('linux', { '/etc/opt/chrome/policies/managed/corp.json': { content: '{}' } }),
    expect: { status: 'skipped', message: 'no supported browser is installed' },
  },
  {
    name: 'darwin: Chrome and Firefox managed preferences turn DoH off',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Applications/Google Chrome.app': { type: 'dir' },
      '/Library/Managed Preferences/com.google.Chrome.plist': { content: PLIST('  <key>DnsOverHttpsMode</key>\n  <string>off</string>\n') },
      '/Applications/Firefox.app': { type: 'dir' },
      '/Library/Managed Preferences/org.mozilla.firefox.plist': { content: PLIST('  <key>EnterprisePoliciesEnabled</key>\n  <true/>\n  <key>DNSOverHTTPS</key>\n  <dict>\n    <key>Enabled</key>\n    <false/>\n    <key>Locked</key>\n    <true/>\n  </dict>\n') },
    }),
    expect: { status: 'pass', message: 'Google Chrome, Mozilla Firefox' },
  },
  {
    name: 'darwin: Edge without a profile, Firefox enabled',
    platform: 'darwin',
    endpoint: endpoint('darwin', {
      '/Applications/Microsoft Edge.app': { type: 'dir' },
      '/Applications/Firefox.app': { type: 'dir' },
      '/Library/Managed Preferences/org.mozilla.firefox.plist': { content: PLIST('  <key>DNSOverHTTPS</key>\n  <dict>\n    <key>Enabled</key>\n    <true/>\n    <key>ProviderURL</key>\n    <string>https://mozilla.cloudflare-dns.com/dns-query</string>\n  </dict>\n') },
    }),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'Microsoft Edge', message: 'DnsOverHttpsMode is not set by policy (/Library/Managed Preferences/com.microsoft.Edge.plist)', actions: ['manual'] },
        { path: '/Library/Managed Preferences/org.mozilla.firefox.plist', line: 7, subject: 'Mozilla Firefox', message: 'Enabled=true, Locked=unset', actions: ['manual'] },
      ],
    },
  },
  {
    name: 'win32: Chrome and Firefox policies in the registry',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      { 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe': {}, 'C:\\Program Files\\Mozilla Firefox\\firefox.exe': {} },
      { commands: { ...registryKey(REGISTRY.chromePolicy, { DnsOverHttpsMode: 'off' }), ...registryKey(REGISTRY.firefoxDohPolicy, { Enabled: 0, Locked: 1 }) } },
    ),
    expect: { status: 'pass' },
  },
  {
    name: 'win32: Edge automatic, Firefox without policy',
    platform: 'win32',
    endpoint: endpoint(
      'win32',
      { 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe': {}, 'C:\\Program Files\\Mozilla Firefox\\firefox.exe': {} },
      { commands: { ...registryKey(REGISTRY.edgePolicy, { DnsOverHttpsMode: 'automatic', HomepageLocation: 'https://intranet.corp.example' }), ...registryKey(REGISTRY.firefoxDohPolicy, undefined) } },
    ),
    expect: {
      status: 'fail',
      findings: [
        { subject: 'Microsoft Edge', message: 'DnsOverHttpsMode is "automatic" (HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge)', actions: ['registry-set'] },
        { subject: 'Mozilla Firefox', message: 'Enabled=unset, Locked=unset (no policy in HKLM\\SOFTWARE\\Policies\\Mozilla\\Firefox\\DNSOverHTTPS)', actions: ['registry-set'] },
      ],
    },
  },
]);
