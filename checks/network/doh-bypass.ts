import { browserPolicies, type BrowserPolicy, type PolicyValue } from '../../src/collectors/browser-policies.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import type { RemediationAction } from '../../src/engine/remediation.js';

const POLICY_FILE = 'cowork-audit-doh.json';

function where(value: PolicyValue): string {
  return value.line ? `${value.source}:${value.line}` : value.source;
}

function locationOf(value: PolicyValue | undefined) {
  return value?.path ? { location: value.line ? { path: value.path, line: value.line } : { path: value.path } } : {};
}

function chromiumFix(policy: BrowserPolicy): RemediationAction[] {
  const target = policy.policyTarget;
  if (target.kind === 'registry') return [{ kind: 'registry-set', key: target.location, name: 'DnsOverHttpsMode', type: 'String', value: 'off' }];
  if (target.kind === 'plist') return [{ kind: 'manual', text: `Set DnsOverHttpsMode to "off" in a configuration profile for the ${target.location.replace(/^.*\/|\.plist$/g, '')} domain (managed preferences are written by MDM).` }];
  if (policy.mode?.path) return [{ kind: 'set-json-key', path: policy.mode.path, keyPath: ['DnsOverHttpsMode'], value: 'off' }];
  return [{ kind: 'write-file', path: `${target.location}/${POLICY_FILE}`, content: '{\n  "DnsOverHttpsMode": "off"\n}\n', mode: '0644' }];
}

function firefoxFix(policy: BrowserPolicy): RemediationAction[] {
  const target = policy.policyTarget;
  if (target.kind === 'registry') {
    return [
      { kind: 'registry-set', key: target.location, name: 'Enabled', type: 'DWord', value: 0 },
      { kind: 'registry-set', key: target.location, name: 'Locked', type: 'DWord', value: 1 },
    ];
  }
  if (target.kind === 'plist') return [{ kind: 'manual', text: 'Set DNSOverHTTPS = {Enabled: false, Locked: true} (with EnterprisePoliciesEnabled) in a configuration profile for the org.mozilla.firefox domain.' }];
  const existing = policy.files.find((file) => file.path === target.location && !file.error);
  if (existing) {
    return [
      { kind: 'set-json-key', path: target.location, keyPath: ['policies', 'DNSOverHTTPS', 'Enabled'], value: false },
      { kind: 'set-json-key', path: target.location, keyPath: ['policies', 'DNSOverHTTPS', 'Locked'], value: true },
    ];
  }
  return [{ kind: 'write-file', path: target.location, content: '{\n  "policies": {\n    "DNSOverHTTPS": {\n      "Enabled": false,\n      "Locked": true\n    }\n  }\n}\n', mode: '0644' }];
}

function isFalse(value: PolicyValue | undefined): boolean {
  return value?.value === false || value?.value === 0 || value?.value === '0' || value?.value === 'false';
}

function isTrue(value: PolicyValue | undefined): boolean {
  return value?.value === true || value?.value === 1 || value?.value === '1' || value?.value === 'true';
}

export default defineCheck({
  meta: {
    id: 'network.doh-bypass',
    title: 'Browser DNS-over-HTTPS is turned off by managed policy',
    area: 'network',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      "A browser that resolves names over HTTPS sends every query to its DoH provider inside TLS, around the corporate resolver and its logging, and " +
      "computer-use agents drive exactly those browsers. Chrome, Chromium and Edge must have DnsOverHttpsMode=off by managed policy (JSON in the " +
      "managed policy folders on Linux, the managed-preferences plist on macOS, the Policies registry key on Windows); Firefox's policies must set " +
      'DNSOverHTTPS Enabled=false and Locked=true (policies.json, the org.mozilla.firefox plist or the registry). A browser that is not installed is skipped.',
    references: [
      { title: 'Chrome Enterprise policy: DnsOverHttpsMode', url: 'https://chromeenterprise.google/policies/#DnsOverHttpsMode' },
      { title: 'Microsoft Edge policy: DnsOverHttpsMode', url: 'https://learn.microsoft.com/en-us/deployedge/microsoft-edge-policies#dnsoverhttpsmode' },
      { title: 'Firefox enterprise policies: DNSOverHTTPS', url: 'https://mozilla.github.io/policy-templates/#dnsoverhttps' },
    ],
    fix: 'Set DnsOverHttpsMode=off for Chrome, Chromium and Edge, and DNSOverHTTPS {Enabled: false, Locked: true} for Firefox, by managed policy.',
  },
  params: {},
  uses: [browserPolicies],
  evaluate(facts) {
    const { browsers } = facts.get(browserPolicies);
    const installed = browsers.filter((browser) => browser.installed);
    if (installed.length === 0) return { status: 'skipped', message: 'no supported browser is installed (Chrome, Chromium, Edge, Firefox)' };
    const findings: Finding[] = [];
    const unverified: string[] = [];
    const ok: string[] = [];
    for (const browser of installed) {
      const before = findings.length;
      for (const file of browser.files.filter((item) => item.error)) {
        const line = /line (\d+)/.exec(file.error ?? '')?.[1];
        findings.push({
          message: `${browser.name}: policy file ${file.path} ${file.error}; the browser ignores the whole file`,
          location: line ? { path: file.path, line: Number(line) } : { path: file.path },
          subject: browser.name,
          actions: [{ kind: 'manual', text: `Fix ${file.path}${line ? ` (line ${line})` : ''} so that it is valid ${file.path.endsWith('.plist') ? 'XML property list' : 'JSON'}.` }],
        });
      }
      if (browser.unavailable) {
        unverified.push(`${browser.name} (${browser.unavailable})`);
        continue;
      }
      if (browser.browser === 'firefox') {
        if (!isFalse(browser.enabled) || !isTrue(browser.locked)) {
          const state = `Enabled=${browser.enabled ? String(browser.enabled.value) : 'unset'}, Locked=${browser.locked ? String(browser.locked.value) : 'unset'}`;
          const source = browser.enabled ?? browser.locked;
          findings.push({
            message: `${browser.name}: DNSOverHTTPS policy is ${state}${source ? ` (${where(source)})` : ` (no policy in ${browser.policyTarget.location})`}; it must be Enabled=false and Locked=true`,
            ...locationOf(source),
            subject: browser.name,
            actions: firefoxFix(browser),
          });
        }
      } else if (browser.mode?.value !== 'off') {
        findings.push({
          message: browser.mode
            ? `${browser.name}: DnsOverHttpsMode is "${String(browser.mode.value)}" (${where(browser.mode)}); it must be "off"`
            : `${browser.name}: DnsOverHttpsMode is not set by policy (${browser.policyTarget.location}), so the browser may upgrade DNS to its DoH provider ("automatic")`,
          ...locationOf(browser.mode),
          subject: browser.name,
          actions: chromiumFix(browser),
        });
      }
      if (findings.length === before) ok.push(browser.name);
    }
    const notInstalled = browsers.filter((browser) => !browser.installed).map((browser) => browser.name);
    const tail = `${unverified.length ? `; not verified: ${unverified.join(', ')}` : ''}${notInstalled.length ? `; not installed: ${notInstalled.join(', ')}` : ''}`;
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} browser DoH problem(s)${tail}`, findings };
    if (ok.length === 0) return { status: 'skipped', message: `browser policies could not be read${tail}` };
    return { status: 'pass', message: `DNS over HTTPS is off by policy in ${ok.join(', ')}${tail}` };
  },
});
