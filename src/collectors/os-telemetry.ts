import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { parseIni } from '../parsers/ini.js';
import { parsePlist, type PlistValue } from '../parsers/plist.js';
import { plistEntry } from '../parsers/plist-xml.js';
import { parsePamEnvironment } from '../parsers/shell-env.js';
import { readRegistryKey, runPowerShell, type RegistryKey } from './windows-commands.js';

// Operating-system diagnostic data and crash reporting, as the OS itself records the choice:
// - Windows: the DataCollection policy (AllowTelemetry) with the edition that decides whether 0 is
//   honoured, and Windows Error Reporting (policy and machine key);
// - macOS: the "Share Mac Analytics" / "Share with app developers" choice in
//   DiagnosticMessagesHistory.plist, and the configuration-profile keys that override it
//   (com.apple.SubmitDiagInfo, com.apple.applicationaccess allowDiagnosticSubmission);
// - Linux: Debian/Ubuntu popularity-contest, Ubuntu apport and whoopsie, Fedora ABRT autoreporting.

export const DATA_COLLECTION_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection';
export const WER_POLICY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Windows Error Reporting';
export const WER_MACHINE = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\Windows Error Reporting';
export const EDITION_SCRIPT = '(Get-CimInstance -ClassName Win32_OperatingSystem).Caption';

export const DIAGNOSTIC_HISTORY = '/Library/Application Support/CrashReporter/DiagnosticMessagesHistory.plist';
export const MANAGED_SUBMIT_DIAG = '/Library/Managed Preferences/com.apple.SubmitDiagInfo.plist';
export const MANAGED_RESTRICTIONS = '/Library/Managed Preferences/com.apple.applicationaccess.plist';

export interface PlistSetting {
  key: string;
  value: boolean | number | string;
  /** 0 in a binary plist (no lines). */
  line: number;
}

export interface PlistFile {
  path: string;
  settings: PlistSetting[];
  error?: string;
}

export interface LinuxReporter {
  kind: 'popularity-contest' | 'apport' | 'whoopsie' | 'abrt';
  path: string;
  key: string;
  value?: string;
  line?: number;
  error?: string;
}

export interface OsTelemetry {
  platform: Platform;
  windows?: {
    dataCollection: RegistryKey;
    werPolicy: RegistryKey;
    werMachine: RegistryKey;
    edition?: string;
    /** `Win32_OperatingSystem` or `the recorded os field`. */
    editionSource?: string;
  };
  darwin?: PlistFile[];
  linux?: LinuxReporter[];
  /** Why this target's OS settings cannot be read (an offline Windows image has no registry access). */
  unavailable?: string;
}

const DARWIN_KEYS: Record<string, string[]> = {
  [DIAGNOSTIC_HISTORY]: ['AutoSubmit', 'ThirdPartyDataSubmit'],
  [MANAGED_SUBMIT_DIAG]: ['AutoSubmit', 'ThirdPartyDataSubmit'],
  [MANAGED_RESTRICTIONS]: ['allowDiagnosticSubmission'],
};

function scalar(value: PlistValue): boolean | number | string | undefined {
  if (value.type === 'boolean' || value.type === 'integer' || value.type === 'real') return value.value;
  if (value.type === 'string') return value.value;
  return undefined;
}

async function readPlistFile(host: Host, path: string): Promise<PlistFile | undefined> {
  let bytes: Buffer | undefined;
  try {
    bytes = await host.readFile(path);
  } catch (error) {
    return { path, settings: [], error: describeError(error) };
  }
  if (!bytes) return undefined;
  const parsed = parsePlist(bytes);
  if (parsed.error || !parsed.root) return { path, settings: [], error: parsed.error ?? 'empty property list' };
  const settings: PlistSetting[] = [];
  for (const key of DARWIN_KEYS[path] ?? []) {
    const entry = plistEntry(parsed.root, key);
    const value = entry ? scalar(entry.value) : undefined;
    if (entry && value !== undefined) settings.push({ key, value, line: entry.line });
  }
  return { path, settings };
}

async function readLinuxReporters(host: Host): Promise<LinuxReporter[]> {
  const out: LinuxReporter[] = [];
  const read = async (path: string): Promise<{ text?: string; error?: string }> => {
    try {
      const bytes = await host.readFile(path);
      return bytes ? { text: bytes.toString('utf8') } : {};
    } catch (error) {
      return { error: describeError(error) };
    }
  };
  const shellStyle = async (kind: LinuxReporter['kind'], path: string, key: string) => {
    const file = await read(path);
    if (file.text === undefined && !file.error) return;
    const found = parsePamEnvironment(file.text ?? '').assignments.filter((item) => item.name === key).pop();
    out.push({ kind, path, key, ...(found ? { value: found.value, line: found.line } : {}), ...(file.error ? { error: file.error } : {}) });
  };
  const iniStyle = async (kind: LinuxReporter['kind'], path: string, key: string) => {
    const file = await read(path);
    if (file.text === undefined && !file.error) return;
    let found: { value: string; line: number } | undefined;
    for (const section of parseIni(file.text ?? '').sections) for (const item of section.keys) if (item.name === key) found = { value: item.value, line: item.line };
    out.push({ kind, path, key, ...(found ? { value: found.value, line: found.line } : {}), ...(file.error ? { error: file.error } : {}) });
  };
  await shellStyle('popularity-contest', '/etc/popularity-contest.conf', 'PARTICIPATE');
  await shellStyle('apport', '/etc/default/apport', 'enabled');
  await iniStyle('whoopsie', '/etc/default/whoopsie', 'report_crashes');
  await iniStyle('abrt', '/etc/abrt/abrt.conf', 'AutoreportingEnabled');
  return out;
}

export const osTelemetry = defineCollector<OsTelemetry>({
  id: 'os-telemetry',
  description: 'operating-system diagnostic data and crash reporting settings (Windows DataCollection and Error Reporting policies, macOS diagnostics submission, popularity-contest, apport, whoopsie, ABRT)',
  async collect({ host }) {
    if (host.platform === 'win32') {
      if (host.kind !== 'live' && host.kind !== 'replay') return { platform: host.platform, unavailable: 'the registry of an offline Windows image is not read' };
      const [dataCollection, werPolicy, werMachine] = [await readRegistryKey(host, DATA_COLLECTION_POLICY), await readRegistryKey(host, WER_POLICY), await readRegistryKey(host, WER_MACHINE)];
      const caption = await runPowerShell(host, EDITION_SCRIPT).catch(() => ({ stdout: undefined }));
      const fromCommand = caption.stdout?.trim();
      const recorded = (await host.info()).os;
      const edition = fromCommand || recorded;
      return {
        platform: host.platform,
        windows: { dataCollection, werPolicy, werMachine, ...(edition ? { edition, editionSource: fromCommand ? 'Win32_OperatingSystem' : 'the target description' } : {}) },
      };
    }
    if (host.platform === 'darwin') {
      const files: PlistFile[] = [];
      for (const path of [MANAGED_RESTRICTIONS, MANAGED_SUBMIT_DIAG, DIAGNOSTIC_HISTORY]) {
        const file = await readPlistFile(host, path);
        if (file) files.push(file);
      }
      return { platform: host.platform, darwin: files };
    }
    return { platform: host.platform, linux: await readLinuxReporters(host) };
  },
});
