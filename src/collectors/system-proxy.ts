import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import { parseScutilDictionary, scutilProxy, type ScutilProxy } from '../parsers/scutil.js';
import { parseNetshWinhttp, type WinHttpProxy } from '../parsers/windows-network.js';
import { readRegistryKey, registryText, REGISTRY } from './windows-commands.js';

// The operating system's own proxy settings, which desktop apps (Electron, Chromium) and services use:
// macOS `scutil --proxy` (the merged configuration of the current network service); Windows WinHTTP
// (services, `netsh winhttp show proxy`) and WinINET (the user's Internet Settings in the registry).

export interface CommandEvidence<T> {
  command: string;
  value?: T;
  /** The command could not be run (missing tool, not recorded, timeout). */
  unavailable?: string;
  /** The output could not be read, with its line where known. */
  error?: string;
}

export interface WinInetProxy {
  key: string;
  enabled: boolean;
  server?: string;
  override?: string;
  autoConfigUrl?: string;
}

export interface SystemProxy {
  scutil?: CommandEvidence<ScutilProxy>;
  winhttp?: CommandEvidence<WinHttpProxy>;
  wininet?: CommandEvidence<WinInetProxy>;
}

export const SCUTIL_PROXY = ['scutil', '--proxy'] as const;
export const NETSH_WINHTTP = ['netsh', 'winhttp', 'show', 'proxy'] as const;

export const systemProxy = defineCollector<SystemProxy>({
  id: 'system-proxy',
  description: 'operating-system proxy settings: macOS scutil --proxy, Windows WinHTTP and WinINET',
  async collect({ host }) {
    if (host.kind !== 'live' && host.kind !== 'replay') return {};
    if (host.platform === 'darwin') {
      const [command, ...args] = SCUTIL_PROXY;
      const line = SCUTIL_PROXY.join(' ');
      const result = await host.run(command, args, { timeoutMs: 5_000 });
      if (!result.ran || result.exitCode !== 0) return { scutil: { command: line, unavailable: result.unavailable ?? `exit ${result.exitCode}` } };
      const parsed = parseScutilDictionary(result.stdout);
      if (parsed.error || !parsed.root) return { scutil: { command: line, error: `${line} output line ${parsed.error?.line ?? 1}: ${parsed.error?.message ?? 'unreadable'}` } };
      return { scutil: { command: line, value: scutilProxy(parsed.root) } };
    }
    if (host.platform === 'win32') {
      const [command, ...args] = NETSH_WINHTTP;
      const line = NETSH_WINHTTP.join(' ');
      const out: SystemProxy = {};
      const result = await host.run(command, args, { timeoutMs: 10_000 });
      if (!result.ran || result.exitCode !== 0) out.winhttp = { command: line, unavailable: result.unavailable ?? `exit ${result.exitCode}` };
      else {
        const parsed = parseNetshWinhttp(result.stdout);
        out.winhttp = 'error' in parsed ? { command: line, error: `${line}: ${parsed.error}` } : { command: line, value: parsed };
      }
      try {
        const read = await readRegistryKey(host, REGISTRY.internetSettings);
        if (read.unavailable) out.wininet = { command: REGISTRY.internetSettings, unavailable: read.unavailable };
        else {
          const text = (name: string) => registryText(read.values, name);
          const server = text('ProxyServer');
          const override = text('ProxyOverride');
          const pac = text('AutoConfigURL');
          out.wininet = {
            command: REGISTRY.internetSettings,
            value: { key: REGISTRY.internetSettings, enabled: text('ProxyEnable') === '1', ...(server ? { server } : {}), ...(override ? { override } : {}), ...(pac ? { autoConfigUrl: pac } : {}) },
          };
        }
      } catch (error) {
        out.wininet = { command: REGISTRY.internetSettings, unavailable: describeError(error) };
      }
      return out;
    }
    return {};
  },
});
