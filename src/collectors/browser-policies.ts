import type { Node } from 'jsonc-parser';
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { jsonProperty, parseJsonTree } from '../parsers/json-tree.js';
import { parsePlistXml, plistEntry, type PlistValue } from '../parsers/plist-xml.js';
import { readRegistryKey, registryText, REGISTRY } from './windows-commands.js';

// Browser DNS-over-HTTPS policy, per browser that is installed. Chromium-based browsers read
// `DnsOverHttpsMode` (off | automatic | secure) from managed policy: JSON files in a `managed` folder
// (Linux), a managed-preferences plist (macOS), the Policies registry key (Windows). Firefox reads
// `DNSOverHTTPS` {Enabled, Locked, ...} from policies.json (/etc/firefox/policies, or the install's
// distribution folder), the org.mozilla.firefox plist (macOS) or HKLM\SOFTWARE\Policies\Mozilla\Firefox.

export type BrowserId = 'chrome' | 'chromium' | 'edge' | 'firefox';

export interface PolicyValue {
  value: string | boolean | number;
  /** The file or registry key that sets it. */
  source: string;
  path?: string;
  line?: number;
  registryKey?: string;
}

export interface PolicyFile {
  path: string;
  /** Invalid JSON or plist, with its line: the browser ignores the whole file. */
  error?: string;
}

export interface BrowserPolicy {
  browser: BrowserId;
  name: string;
  /** The path that shows the browser is installed; undefined when it is not. */
  installed?: string;
  /** Chromium family: DnsOverHttpsMode. */
  mode?: PolicyValue;
  /** Firefox: DNSOverHTTPS.Enabled and .Locked. */
  enabled?: PolicyValue;
  locked?: PolicyValue;
  /** Policy files read, in order. */
  files: PolicyFile[];
  /** Where a policy is set on this platform: a folder, a plist, a policies.json or a registry key. */
  policyTarget: { kind: 'json-folder' | 'policies-json' | 'plist' | 'registry'; location: string };
  /** Policy evidence that could not be read (registry of an offline image, a command that failed). */
  unavailable?: string;
}

export interface BrowserPolicies {
  browsers: BrowserPolicy[];
}

interface BrowserSpec {
  browser: BrowserId;
  name: string;
  binaries: Partial<Record<Platform, string[]>>;
  linuxPolicyFolders?: string[];
  macDomain?: string;
  windowsKey?: string;
}

const SPECS: readonly BrowserSpec[] = [
  {
    browser: 'chrome',
    name: 'Google Chrome',
    binaries: {
      linux: ['/opt/google/chrome/chrome', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
      darwin: ['/Applications/Google Chrome.app'],
      win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'],
    },
    linuxPolicyFolders: ['/etc/opt/chrome/policies/managed'],
    macDomain: 'com.google.Chrome',
    windowsKey: REGISTRY.chromePolicy,
  },
  {
    browser: 'chromium',
    name: 'Chromium',
    binaries: {
      linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/snap/bin/chromium'],
      darwin: ['/Applications/Chromium.app'],
      win32: ['C:\\Program Files\\Chromium\\Application\\chrome.exe'],
    },
    linuxPolicyFolders: ['/etc/chromium/policies/managed', '/etc/chromium-browser/policies/managed'],
    macDomain: 'org.chromium.Chromium',
    windowsKey: REGISTRY.chromiumPolicy,
  },
  {
    browser: 'edge',
    name: 'Microsoft Edge',
    binaries: {
      linux: ['/opt/microsoft/msedge/msedge', '/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable'],
      darwin: ['/Applications/Microsoft Edge.app'],
      win32: ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe'],
    },
    linuxPolicyFolders: ['/etc/opt/edge/policies/managed'],
    macDomain: 'com.microsoft.Edge',
    windowsKey: REGISTRY.edgePolicy,
  },
  {
    browser: 'firefox',
    name: 'Mozilla Firefox',
    binaries: {
      linux: ['/usr/lib/firefox/firefox', '/usr/lib64/firefox/firefox', '/opt/firefox/firefox', '/usr/bin/firefox', '/snap/bin/firefox'],
      darwin: ['/Applications/Firefox.app'],
      win32: ['C:\\Program Files\\Mozilla Firefox\\firefox.exe', 'C:\\Program Files (x86)\\Mozilla Firefox\\firefox.exe'],
    },
    macDomain: 'org.mozilla.firefox',
    windowsKey: REGISTRY.firefoxDohPolicy,
  },
];

const MANAGED_PREFERENCES = '/Library/Managed Preferences';

async function firstExisting(host: Host, paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) if (await host.lstat(path).catch(() => undefined)) return path;
  return undefined;
}

async function readText(host: Host, path: string): Promise<{ text?: string; error?: string }> {
  try {
    const bytes = await host.readFile(path);
    return bytes ? { text: bytes.toString('utf8') } : {};
  } catch (error) {
    return { error: `cannot be read (${describeError(error)})` };
  }
}

function scalar(node: Node | undefined): string | boolean | number | undefined {
  return node && (node.type === 'string' || node.type === 'boolean' || node.type === 'number') ? (node.value as string | boolean | number) : undefined;
}

function plistScalar(value: PlistValue | undefined): string | boolean | number | undefined {
  if (!value) return undefined;
  if (value.type === 'string' || value.type === 'boolean' || value.type === 'integer' || value.type === 'real') return value.value;
  return undefined;
}

/** Firefox's distribution folder for an install path (`.../firefox` binary or `Firefox.app`). */
function firefoxDistribution(platform: Platform, installed: string): string {
  if (platform === 'darwin') return `${installed}/Contents/Resources/distribution/policies.json`;
  if (platform === 'win32') return `${installed.replace(/\\[^\\]+$/, '')}\\distribution\\policies.json`;
  const folder = installed.startsWith('/usr/bin/') || installed.startsWith('/snap/') ? '/usr/lib/firefox' : installed.replace(/\/[^/]+$/, '');
  return `${folder}/distribution/policies.json`;
}

async function readFirefoxJson(host: Host, policy: BrowserPolicy, path: string): Promise<boolean> {
  const file = await readText(host, path);
  if (file.text === undefined && !file.error) return false;
  const entry: PolicyFile = { path };
  policy.files.push(entry);
  if (file.error) {
    entry.error = file.error;
    return true;
  }
  const text = file.text as string;
  const { root, error } = parseJsonTree(text, { jsonc: true });
  // Firefox ignores a policies.json it cannot parse: nothing in it counts.
  if (error) {
    entry.error = error;
    return true;
  }
  const doh = jsonProperty(text, jsonProperty(text, root, 'policies')?.[0], 'DNSOverHTTPS');
  for (const [field, key] of [['enabled', 'Enabled'], ['locked', 'Locked']] as const) {
    const found = jsonProperty(text, doh?.[0], key);
    const value = scalar(found?.[0]);
    if (found && value !== undefined) policy[field] = { value, source: path, path, line: found[1] };
  }
  return true;
}

async function linuxPolicy(host: Host, spec: BrowserSpec, policy: BrowserPolicy): Promise<void> {
  if (spec.browser === 'firefox') {
    const candidates = ['/etc/firefox/policies/policies.json', firefoxDistribution('linux', policy.installed ?? '/usr/lib/firefox/firefox')];
    policy.policyTarget = { kind: 'policies-json', location: candidates[0] as string };
    for (const path of candidates) {
      if (await readFirefoxJson(host, policy, path)) {
        policy.policyTarget = { kind: 'policies-json', location: path };
        return;
      }
    }
    return;
  }
  const folders = spec.linuxPolicyFolders ?? [];
  policy.policyTarget = { kind: 'json-folder', location: folders[0] as string };
  for (const folder of folders) {
    for (const name of ((await host.listDir(folder).catch(() => undefined)) ?? []).filter((item) => item.endsWith('.json')).sort()) {
      const path = `${folder}/${name}`;
      const file = await readText(host, path);
      const entry: PolicyFile = { path };
      policy.files.push(entry);
      if (file.error || file.text === undefined) {
        entry.error = file.error ?? 'not a file';
        continue;
      }
      const { root, error } = parseJsonTree(file.text, { jsonc: true });
      // The browser ignores a policy file it cannot parse: nothing in it counts.
      if (error) {
        entry.error = error;
        continue;
      }
      const found = jsonProperty(file.text, root, 'DnsOverHttpsMode');
      const value = scalar(found?.[0]);
      if (found && value !== undefined) policy.mode = { value, source: path, path, line: found[1] };
    }
  }
}

async function darwinPolicy(host: Host, spec: BrowserSpec, policy: BrowserPolicy): Promise<void> {
  const plist = `${MANAGED_PREFERENCES}/${spec.macDomain}.plist`;
  policy.policyTarget = { kind: 'plist', location: plist };
  const file = await readText(host, plist);
  if (file.text !== undefined || file.error) {
    const entry: PolicyFile = { path: plist };
    policy.files.push(entry);
    const parsed = file.text !== undefined ? parsePlistXml(file.text) : { error: file.error };
    if (parsed.error) entry.error = parsed.error;
    const root = 'root' in parsed ? parsed.root : undefined;
    if (spec.browser === 'firefox') {
      const doh = plistEntry(root, 'DNSOverHTTPS');
      for (const [field, key] of [['enabled', 'Enabled'], ['locked', 'Locked']] as const) {
        const found = plistEntry(doh?.value, key);
        const value = plistScalar(found?.value);
        if (found && value !== undefined) policy[field] = { value, source: plist, path: plist, line: found.line };
      }
    } else {
      const found = plistEntry(root, 'DnsOverHttpsMode');
      const value = plistScalar(found?.value);
      if (found && value !== undefined) policy.mode = { value, source: plist, path: plist, line: found.line };
    }
  }
  if (spec.browser === 'firefox' && policy.enabled === undefined && policy.installed) await readFirefoxJson(host, policy, firefoxDistribution('darwin', policy.installed));
}

async function windowsPolicy(host: Host, spec: BrowserSpec, policy: BrowserPolicy): Promise<void> {
  const key = spec.windowsKey as string;
  policy.policyTarget = { kind: 'registry', location: key };
  if (host.kind !== 'live' && host.kind !== 'replay') {
    policy.unavailable = `the registry of an offline image cannot be read (${key})`;
    return;
  }
  const read = await readRegistryKey(host, key);
  if (read.unavailable) {
    policy.unavailable = read.unavailable;
    return;
  }
  if (spec.browser === 'firefox') {
    for (const [field, name] of [['enabled', 'Enabled'], ['locked', 'Locked']] as const) {
      const value = registryText(read.values, name);
      if (value !== undefined) policy[field] = { value: Number(value), source: key, registryKey: key };
    }
    // Group policy (the registry) wins over policies.json; without it, the install's policies.json counts.
    if (read.values === undefined && policy.installed) await readFirefoxJson(host, policy, firefoxDistribution('win32', policy.installed));
    return;
  }
  const mode = registryText(read.values, 'DnsOverHttpsMode');
  if (mode !== undefined) policy.mode = { value: mode, source: key, registryKey: key };
}

export const browserPolicies = defineCollector<BrowserPolicies>({
  id: 'browser-policies',
  description: 'installed browsers and their DNS-over-HTTPS policy (Chrome, Chromium, Edge, Firefox)',
  async collect({ host }) {
    const browsers: BrowserPolicy[] = [];
    for (const spec of SPECS) {
      const installed = await firstExisting(host, spec.binaries[host.platform] ?? []);
      const policy: BrowserPolicy = { browser: spec.browser, name: spec.name, ...(installed ? { installed } : {}), files: [], policyTarget: { kind: 'registry', location: '' } };
      // A browser that is not installed has no policy to judge; on Windows that saves a PowerShell run.
      if (!installed) {
        browsers.push(policy);
        continue;
      }
      if (host.platform === 'linux') await linuxPolicy(host, spec, policy);
      else if (host.platform === 'darwin') await darwinPolicy(host, spec, policy);
      else await windowsPolicy(host, spec, policy);
      browsers.push(policy);
    }
    return { browsers };
  },
});
