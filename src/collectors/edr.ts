import { defineCollector } from '../engine/collector.js';
import type { Host, Platform } from '../host/host.js';
import { EDR_CATALOGUE, type EdrProduct } from '../monitoring/edr-catalogue.js';
import { parsePlistXml, plistEntry } from '../parsers/plist-xml.js';
import { parsePowerShellJson } from '../parsers/windows-network.js';
import { processes } from './processes.js';
import { runPowerShell } from './windows-commands.js';

// Endpoint sensors of the catalogue, each with the evidence found: install paths, its service (systemd
// unit file, enabled through a .wants link or masked; launchd plist in /Library/LaunchDaemons; Windows
// service with status and start type from Get-Service) and its running processes.

export interface EdrService {
  name: string;
  /** Unit file or plist, when the service is defined by a file. */
  path?: string;
  /** Enabled at boot: a .wants link (systemd), a LaunchDaemon plist not Disabled, start type Automatic (Windows). */
  enabled?: boolean;
  /** systemd: linked to /dev/null. Windows: start type Disabled. */
  masked?: boolean;
  /** Windows: status Running. */
  running?: boolean;
  /** What was seen, for messages. */
  detail: string;
}

export interface EdrObservation {
  id: string;
  name: string;
  installedPaths: string[];
  services: EdrService[];
  processes: { pid: number; name: string; user?: string }[];
  /** The Windows service ships with the OS (Sense): presence alone is no installation. */
  builtIn: boolean;
}

export interface EdrFacts {
  platform: Platform;
  /** Live or recorded machine; false for an offline image. */
  live: boolean;
  processesAvailable: boolean;
  processesUnavailable?: string;
  /** Windows: Get-Service could not run. */
  servicesUnavailable?: string;
  /** Products with any evidence; the others are absent. */
  observations: EdrObservation[];
  /** Products the catalogue knows for this platform. */
  searched: string[];
}

export const WINDOWS_SERVICES_SCRIPT =
  "Get-Service | Select-Object -Property Name, DisplayName, @{Name='Status';Expression={[string]$_.Status}}, @{Name='StartType';Expression={[string]$_.StartType}} | ConvertTo-Json -Compress";

export interface WindowsService {
  name: string;
  displayName?: string;
  status?: string;
  startType?: string;
}

const SERVICE_STATUS: Record<number, string> = { 1: 'Stopped', 2: 'StartPending', 3: 'StopPending', 4: 'Running', 5: 'ContinuePending', 6: 'PausePending', 7: 'Paused' };
const START_TYPE: Record<number, string> = { 0: 'Boot', 1: 'System', 2: 'Automatic', 3: 'Manual', 4: 'Disabled' };

/** Get-Service JSON; Status and StartType as text, or as the enum numbers when not converted. */
export function parseWindowsServices(text: string): { services: WindowsService[]; error?: string } {
  const parsed = parsePowerShellJson(text);
  if (parsed.error) return { services: [], error: parsed.error };
  const items = parsed.value === undefined ? [] : Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const text_ = (value: unknown, names: Record<number, string>) => (typeof value === 'number' ? names[value] ?? String(value) : typeof value === 'string' ? value : undefined);
  return {
    services: items.flatMap((item) => {
      if (!item || typeof item !== 'object') return [];
      const record = item as Record<string, unknown>;
      if (typeof record.Name !== 'string') return [];
      const status = text_(record.Status, SERVICE_STATUS);
      const startType = text_(record.StartType, START_TYPE);
      return [{ name: record.Name, ...(typeof record.DisplayName === 'string' ? { displayName: record.DisplayName } : {}), ...(status ? { status } : {}), ...(startType ? { startType } : {}) }];
    }),
  };
}

async function lstat(host: Host, path: string) {
  return host.lstat(path).catch(() => undefined);
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

async function systemdService(host: Host, unit: string, wants: readonly string[]): Promise<EdrService | undefined> {
  let path: string | undefined;
  let masked: string | undefined;
  for (const dir of UNIT_DIRS) {
    const info = await lstat(host, `${dir}/${unit}`);
    if (!info) continue;
    if (info.type === 'symlink' && info.linkTarget === '/dev/null') masked ??= `${dir}/${unit}`;
    else path ??= `${dir}/${unit}`;
  }
  let enabledBy: string | undefined;
  for (const folder of wants) {
    if (await lstat(host, `/etc/systemd/system/${folder}/${unit}`)) {
      enabledBy = `/etc/systemd/system/${folder}/${unit}`;
      break;
    }
  }
  if (!path && !masked && !enabledBy) return undefined;
  const detail = masked ? `${unit} is masked (${masked} -> /dev/null)` : enabledBy ? `${unit} is enabled (${enabledBy})` : `${unit} is installed but not enabled (${path})`;
  return { name: unit, ...(masked || path ? { path: (masked ?? path) as string } : {}), enabled: !!enabledBy && !masked, masked: !!masked, detail };
}

async function launchdService(host: Host, label: string): Promise<EdrService | undefined> {
  const path = `/Library/LaunchDaemons/${label}.plist`;
  if (!(await lstat(host, path))) return undefined;
  let disabled = false;
  try {
    const text = (await host.readFile(path, 1024 * 1024))?.toString('utf8') ?? '';
    const parsed = parsePlistXml(text);
    const entry = plistEntry(parsed.root, 'Disabled');
    disabled = entry?.value.type === 'boolean' && entry.value.value;
  } catch {
    // Unreadable: the plist exists, which is what matters.
  }
  return { name: label, path, enabled: !disabled, masked: disabled, detail: disabled ? `${path} has Disabled = true` : `LaunchDaemon ${path}` };
}

function windowsService(services: readonly WindowsService[], name: string): EdrService | undefined {
  const found = services.find((service) => service.name.toLowerCase() === name.toLowerCase());
  if (!found) return undefined;
  return {
    name: found.name,
    running: found.status === 'Running',
    enabled: found.startType === 'Automatic' || found.startType === 'Boot' || found.startType === 'System',
    masked: found.startType === 'Disabled',
    detail: `service ${found.name} is ${found.status ?? 'in an unknown state'} (start type ${found.startType ?? 'unknown'})`,
  };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export const edrSensors = defineCollector<EdrFacts>({
  id: 'edr-sensors',
  description: 'endpoint detection and response sensors: install paths, services and processes',
  async collect({ host, get }) {
    const platform = host.platform;
    const live = host.kind === 'live' || host.kind === 'replay';
    const facts: EdrFacts = { platform, live, processesAvailable: false, observations: [], searched: [] };
    if (host.kind === 'repo') return facts;
    const listing = await get(processes);
    facts.processesAvailable = listing.available;
    if (!listing.available && listing.unavailable) facts.processesUnavailable = listing.unavailable;
    let windowsServices: WindowsService[] = [];
    if (platform === 'win32' && live) {
      const run = await runPowerShell(host, WINDOWS_SERVICES_SCRIPT);
      const parsed = run.stdout !== undefined ? parseWindowsServices(run.stdout) : undefined;
      if (!parsed || parsed.error) facts.servicesUnavailable = `Get-Service: ${run.unavailable ?? parsed?.error}`;
      else windowsServices = parsed.services;
    }
    const wants = platform === 'linux' ? ((await host.listDir('/etc/systemd/system').catch(() => undefined)) ?? []).filter((name) => name.endsWith('.wants')).sort() : [];
    for (const product of EDR_CATALOGUE) {
      const spec = product[platform];
      if (!spec) continue;
      facts.searched.push(product.name);
      const installedPaths: string[] = [];
      for (const path of spec.installPaths) if (await lstat(host, path)) installedPaths.push(path);
      const services: EdrService[] = [];
      for (const name of spec.services) {
        const service = platform === 'linux' ? await systemdService(host, name, wants) : platform === 'darwin' ? await launchdService(host, name) : windowsService(windowsServices, name);
        if (service) services.push(service);
      }
      const wanted = new Set(spec.processes.map((name) => name.toLowerCase()));
      const seen = listing.processes
        .filter((process) => wanted.has(process.name.toLowerCase()) || wanted.has(baseName(process.executable ?? '').toLowerCase()))
        .map((process) => ({ pid: process.pid, name: process.name, ...(process.user ? { user: process.user } : {}) }));
      if (installedPaths.length || services.length || seen.length) facts.observations.push(observation(product, installedPaths, services, seen, spec.builtIn ?? false));
    }
    return facts;
  },
});

function observation(product: EdrProduct, installedPaths: string[], services: EdrService[], seen: EdrObservation['processes'], builtIn: boolean): EdrObservation {
  return { id: product.id, name: product.name, installedPaths, services, processes: seen, builtIn };
}
