import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { parsePowerShellJson } from '../parsers/windows-network.js';

// Windows evidence comes from commands, each a fixed PowerShell one-liner (recorded under the same
// command line in replay fixtures: `powershell.exe -NoProfile -NonInteractive -Command <script>`).
// Registry values are read one key at a time:
//
//   Get-ItemProperty -LiteralPath 'Registry::<HIVE>\<key>' -ErrorAction SilentlyContinue |
//     Select-Object -Property * -ExcludeProperty PS* | ConvertTo-Json -Compress
//
// which prints the key's values as one JSON object (REG_DWORD as a number, REG_SZ as a string), or nothing
// when the key does not exist. HKCU is the hive of the account running the scan.

export const POWERSHELL = 'powershell.exe';
export const POWERSHELL_ARGS = ['-NoProfile', '-NonInteractive', '-Command'] as const;
const TIMEOUT_MS = 20_000;

const HIVES: Record<string, string> = { HKLM: 'HKEY_LOCAL_MACHINE', HKCU: 'HKEY_CURRENT_USER' };

/** The one-liner that prints a registry key's values as JSON. */
export function registryScript(key: string): string {
  const [hive = '', ...rest] = key.split('\\');
  return `Get-ItemProperty -LiteralPath 'Registry::${HIVES[hive] ?? hive}\\${rest.join('\\')}' -ErrorAction SilentlyContinue | Select-Object -Property * -ExcludeProperty PS* | ConvertTo-Json -Compress`;
}

/** `Get-DnsClientServerAddress` with the fields the DNS checks read. */
export const DNS_CLIENT_SCRIPT = 'Get-DnsClientServerAddress | Select-Object -Property InterfaceAlias, InterfaceIndex, AddressFamily, ServerAddresses | ConvertTo-Json -Compress';

/** The machine's trusted root certificates, one base64 DER a line. */
export const ROOT_STORE_SCRIPT = 'Get-ChildItem -Path Cert:\\LocalMachine\\Root | ForEach-Object { [Convert]::ToBase64String($_.RawData) }';

/** The command line as reports name it and fixtures record it. */
export function powershellCommandLine(script: string): string {
  return [POWERSHELL, ...POWERSHELL_ARGS, script].join(' ');
}

export async function runPowerShell(host: Host, script: string): Promise<{ stdout?: string; unavailable?: string }> {
  const result = await host.run(POWERSHELL, [...POWERSHELL_ARGS, script], { timeoutMs: TIMEOUT_MS });
  // The reason names the whole command line; the caller names the evidence, so keep only the reason.
  if (!result.ran) return { unavailable: (result.unavailable ?? 'PowerShell could not be run').replace(powershellCommandLine(script), 'the PowerShell query') };
  if (result.exitCode !== 0) return { unavailable: `PowerShell exited with ${result.exitCode}: ${result.stderr.trim().split('\n')[0] ?? ''}` };
  return { stdout: result.stdout };
}

export interface RegistryKey {
  /** `HKLM\SOFTWARE\Policies\Google\Chrome`. */
  key: string;
  /** Values of the key; undefined when the key does not exist. */
  values?: Record<string, unknown>;
  /** The command could not be run or its output not read. */
  unavailable?: string;
}

export async function readRegistryKey(host: Host, key: string): Promise<RegistryKey> {
  try {
    const run = await runPowerShell(host, registryScript(key));
    if (run.stdout === undefined) return { key, unavailable: `${key}: ${run.unavailable ?? 'not run'}` };
    const parsed = parsePowerShellJson(run.stdout);
    if (parsed.error) return { key, unavailable: `${key}: ${parsed.error}` };
    if (parsed.value === undefined) return { key };
    if (!parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) return { key, unavailable: `${key}: the output is not a JSON object` };
    return { key, values: parsed.value as Record<string, unknown> };
  } catch (error) {
    return { key, unavailable: describeError(error) };
  }
}

/** A registry value as text (REG_SZ), or a number as its decimal text (REG_DWORD). */
export function registryText(values: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = values?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export const REGISTRY = {
  internetSettings: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings',
  machineEnvironment: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment',
  userEnvironment: 'HKCU\\Environment',
  dnsClientPolicy: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient',
  chromePolicy: 'HKLM\\SOFTWARE\\Policies\\Google\\Chrome',
  chromiumPolicy: 'HKLM\\SOFTWARE\\Policies\\Chromium',
  edgePolicy: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge',
  firefoxDohPolicy: 'HKLM\\SOFTWARE\\Policies\\Mozilla\\Firefox\\DNSOverHTTPS',
} as const;
