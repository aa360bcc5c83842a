import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { parseNetworkManagerConf, parseNmConnection, type NmConfFile, type NmConnection, type NmValue } from '../parsers/networkmanager-conf.js';
import { parseResolvConf, RESOLVED_STUB_ADDRESSES, type ResolvConf } from '../parsers/resolv-conf.js';
import { mergeResolved, parseResolvedFile, RESOLVED_CONF_DIRS, type ResolvedConfig, type ResolvedFile } from '../parsers/resolved-conf.js';
import { parseResolvectlStatus, type ResolvectlStatus } from '../parsers/resolvectl-status.js';
import { parseScutilDns, type ScutilDns } from '../parsers/scutil.js';
import { parseDnsClientServers, type DnsClientServers } from '../parsers/windows-network.js';
import { dropInFiles } from './drop-ins.js';
import type { CommandEvidence } from './system-proxy.js';
import { DNS_CLIENT_SCRIPT, powershellCommandLine, readRegistryKey, registryText, REGISTRY, runPowerShell } from './windows-commands.js';

// Which resolvers the machine uses, and which it falls back to.
// Linux: /etc/resolv.conf (a link into /run/systemd/resolve or the 127.0.0.53 stub hands queries to
// systemd-resolved); resolved.conf (the first main file of /etc, /run, /usr/local/lib, /usr/lib) and its
// resolved.conf.d drop-ins in name order; NetworkManager.conf, conf.d and keyfile connections; live,
// `resolvectl status`. macOS: `scutil --dns`. Windows: Get-DnsClientServerAddress and the DNS client
// policy (smart multi-homed name resolution, LLMNR).

export interface FileProblem {
  path: string;
  line?: number;
  message: string;
}

export interface LinuxDns {
  resolvConf?: { path: string; linkTarget?: string; parsed?: ResolvConf; error?: string };
  resolved: {
    /** Files applied, main file first. */
    files: ResolvedFile[];
    config: ResolvedConfig;
    /** The main file, or where it would be created. */
    mainFile: string;
    inUse: boolean;
    /** Why resolved is (or is not) considered in use. */
    evidence: string;
    status?: ResolvectlStatus;
    statusUnavailable?: string;
  };
  networkManager: { files: NmConfFile[]; connections: NmConnection[]; dnsMode?: NmValue; dnsOverTls?: NmValue };
  /** Files that could not be read or hold lines their reader ignores (bad server addresses). */
  problems: FileProblem[];
}

export interface WindowsDnsPolicy {
  key: string;
  disableSmartNameResolution?: string;
  enableMulticast?: string;
}

export interface DnsSettings {
  linux?: LinuxDns;
  scutil?: CommandEvidence<ScutilDns>;
  windows?: { servers: CommandEvidence<DnsClientServers[]>; policy: CommandEvidence<WindowsDnsPolicy> };
}

const RESOLVECTL = ['resolvectl', 'status', '--no-pager'] as const;
export const SCUTIL_DNS = ['scutil', '--dns'] as const;
const NM_CONF = '/etc/NetworkManager/NetworkManager.conf';
const NM_DROP_INS = ['/usr/lib/NetworkManager/conf.d', '/run/NetworkManager/conf.d', '/etc/NetworkManager/conf.d'];
const NM_CONNECTIONS = ['/etc/NetworkManager/system-connections', '/run/NetworkManager/system-connections'];
const RESOLVED_ENABLED_LINKS = ['/etc/systemd/system/dbus-org.freedesktop.resolve1.service', '/etc/systemd/system/multi-user.target.wants/systemd-resolved.service', '/etc/systemd/system/sysinit.target.wants/systemd-resolved.service'];

async function readText(host: Host, path: string, problems: FileProblem[]): Promise<string | undefined> {
  try {
    return (await host.readFile(path))?.toString('utf8');
  } catch (error) {
    problems.push({ path, message: `cannot be read (${describeError(error)})` });
    return undefined;
  }
}

async function linuxDns(host: Host): Promise<LinuxDns> {
  const problems: FileProblem[] = [];
  const evidence: string[] = [];

  let resolvConf: LinuxDns['resolvConf'];
  const link = await host.lstat('/etc/resolv.conf').catch(() => undefined);
  const text = await readText(host, '/etc/resolv.conf', problems);
  if (link || text !== undefined) {
    resolvConf = { path: '/etc/resolv.conf', ...(link?.linkTarget ? { linkTarget: link.linkTarget } : {}) };
    if (text !== undefined) {
      resolvConf.parsed = parseResolvConf(text);
      for (const bad of resolvConf.parsed.invalid) problems.push({ path: '/etc/resolv.conf', line: bad.line, message: `"${bad.text}" is not a nameserver address (glibc ignores the line)` });
    } else if (link?.linkTarget) resolvConf.error = `a link to ${link.linkTarget}, which does not exist here`;
  }
  if (resolvConf?.linkTarget && /systemd\/resolve\//.test(resolvConf.linkTarget)) evidence.push(`/etc/resolv.conf links to ${resolvConf.linkTarget}`);
  if (resolvConf?.parsed?.nameservers.some((server) => RESOLVED_STUB_ADDRESSES.includes(server.address))) evidence.push('/etc/resolv.conf names the resolved stub');

  const files: ResolvedFile[] = [];
  let mainFile = '/etc/systemd/resolved.conf';
  for (const dir of RESOLVED_CONF_DIRS) {
    const path = `${dir}/resolved.conf`;
    const content = await readText(host, path, problems);
    if (content === undefined) continue;
    mainFile = path;
    files.push(parseResolvedFile(path, content));
    break;
  }
  for (const path of await dropInFiles(host, [...RESOLVED_CONF_DIRS].reverse().map((dir) => `${dir}/resolved.conf.d`))) {
    const content = await readText(host, path, problems);
    if (content !== undefined) files.push(parseResolvedFile(path, content));
  }
  for (const file of files) for (const bad of file.invalid) problems.push({ path: file.path, line: bad.line, message: `"${bad.text}" is not a DNS server (resolved ignores it)` });

  for (const path of RESOLVED_ENABLED_LINKS) {
    if (await host.lstat(path).catch(() => undefined)) {
      evidence.push(`systemd-resolved is enabled (${path})`);
      break;
    }
  }

  const nmFiles: NmConfFile[] = [];
  const nmMain = await readText(host, NM_CONF, problems);
  if (nmMain !== undefined) nmFiles.push(parseNetworkManagerConf(NM_CONF, nmMain));
  for (const path of await dropInFiles(host, NM_DROP_INS)) {
    const content = await readText(host, path, problems);
    if (content !== undefined) nmFiles.push(parseNetworkManagerConf(path, content));
  }
  const dnsMode = nmFiles.map((file) => file.dnsMode).filter((value) => value !== undefined).pop();
  const dnsOverTls = nmFiles.map((file) => file.dnsOverTls).filter((value) => value !== undefined).pop();
  if (dnsMode?.value === 'systemd-resolved') evidence.push(`NetworkManager hands DNS to systemd-resolved (${dnsMode.path}:${dnsMode.line})`);
  const connections: NmConnection[] = [];
  for (const folder of NM_CONNECTIONS) {
    for (const name of ((await host.listDir(folder).catch(() => undefined)) ?? []).sort()) {
      if (!name.endsWith('.nmconnection')) continue;
      const path = `${folder}/${name}`;
      const content = await readText(host, path, problems);
      if (content === undefined) continue;
      const connection = parseNmConnection(path, content);
      for (const bad of connection.invalid) problems.push({ path, line: bad.line, message: `"${bad.text}" is not a DNS server address` });
      connections.push(connection);
    }
  }

  const resolved: LinuxDns['resolved'] = { files, config: mergeResolved(files), mainFile, inUse: false, evidence: '' };
  if (host.kind === 'live' || host.kind === 'replay') {
    const [command, ...args] = RESOLVECTL;
    const result = await host.run(command, args, { timeoutMs: 5_000 });
    if (result.ran && result.exitCode === 0 && /^Global\s*$/m.test(result.stdout)) {
      resolved.status = parseResolvectlStatus(result.stdout);
      evidence.push('resolvectl status answered');
    } else resolved.statusUnavailable = `${RESOLVECTL.join(' ')}: ${result.unavailable ?? (result.stderr.trim().split('\n')[0] || `exit ${result.exitCode}`)}`;
  }
  resolved.inUse = evidence.length > 0;
  resolved.evidence = evidence.length > 0 ? evidence.join('; ') : 'resolv.conf does not point at it, it is not enabled, and it did not answer';
  return {
    ...(resolvConf ? { resolvConf } : {}),
    resolved,
    networkManager: { files: nmFiles, connections, ...(dnsMode ? { dnsMode } : {}), ...(dnsOverTls ? { dnsOverTls } : {}) },
    problems,
  };
}

async function windowsDns(host: Host): Promise<DnsSettings['windows']> {
  const command = powershellCommandLine(DNS_CLIENT_SCRIPT);
  let servers: CommandEvidence<DnsClientServers[]>;
  const run = await runPowerShell(host, DNS_CLIENT_SCRIPT);
  if (run.stdout === undefined) servers = { command, unavailable: run.unavailable ?? 'not run' };
  else {
    const parsed = parseDnsClientServers(run.stdout);
    servers = parsed.error ? { command, error: `Get-DnsClientServerAddress output: ${parsed.error}` } : { command, value: parsed.interfaces };
  }
  const read = await readRegistryKey(host, REGISTRY.dnsClientPolicy);
  let policy: CommandEvidence<WindowsDnsPolicy>;
  if (read.unavailable) policy = { command: REGISTRY.dnsClientPolicy, unavailable: read.unavailable };
  else {
    const smart = registryText(read.values, 'DisableSmartNameResolution');
    const multicast = registryText(read.values, 'EnableMulticast');
    policy = { command: REGISTRY.dnsClientPolicy, value: { key: REGISTRY.dnsClientPolicy, ...(smart !== undefined ? { disableSmartNameResolution: smart } : {}), ...(multicast !== undefined ? { enableMulticast: multicast } : {}) } };
  }
  return { servers, policy };
}

export const dnsSettings = defineCollector<DnsSettings>({
  id: 'dns-settings',
  description: 'resolvers in use and fallback resolvers: resolv.conf, systemd-resolved, NetworkManager, scutil --dns, Windows DNS client',
  async collect({ host }) {
    if (host.platform === 'linux') return { linux: await linuxDns(host) };
    if (host.kind !== 'live' && host.kind !== 'replay') return {};
    if (host.platform === 'darwin') {
      const [command, ...args] = SCUTIL_DNS;
      const line = SCUTIL_DNS.join(' ');
      const result = await host.run(command, args, { timeoutMs: 5_000 });
      if (!result.ran || result.exitCode !== 0) return { scutil: { command: line, unavailable: result.unavailable ?? `exit ${result.exitCode}` } };
      return { scutil: { command: line, value: parseScutilDns(result.stdout) } };
    }
    return { windows: await windowsDns(host) };
  },
});
