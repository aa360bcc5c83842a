// Builders for the network scenarios: recorded command outputs keyed the way the collectors run them.
import { DNS_CLIENT_SCRIPT, powershellCommandLine, registryScript, ROOT_STORE_SCRIPT } from '../src/collectors/windows-commands.js';
import type { ReplayCommand } from '../src/host/replay-host.js';

type Commands = Record<string, ReplayCommand>;

/** A registry key's values as the registry one-liner prints them (`{}` when given no values: key absent). */
export function registryKey(key: string, values: Record<string, string | number> | undefined): Commands {
  return { [powershellCommandLine(registryScript(key))]: { stdout: values ? `${JSON.stringify(values)}\r\n` : '' } };
}

export function winhttp(stdout: string): Commands {
  return { 'netsh winhttp show proxy': { stdout } };
}

export const WINHTTP_DIRECT = '\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n\r\n';

export function winhttpProxy(server: string, bypass = '(none)'): Commands {
  return winhttp(`\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  ${server}\r\n    Bypass List     :  ${bypass}\r\n\r\n`);
}

export function dnsClient(interfaces: { alias: string; index: number; family: 2 | 23; servers: string[] }[]): Commands {
  const json = interfaces.map((item) => ({ InterfaceAlias: item.alias, InterfaceIndex: item.index, AddressFamily: item.family, ServerAddresses: item.servers }));
  return { [powershellCommandLine(DNS_CLIENT_SCRIPT)]: { stdout: JSON.stringify(json.length === 1 ? json[0] : json) } };
}

export function windowsRootStore(pems: string[]): Commands {
  const lines = pems.map((pem) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
  return { [powershellCommandLine(ROOT_STORE_SCRIPT)]: { stdout: `${lines.join('\r\n')}\r\n` } };
}

export function scutilProxy(stdout: string): Commands {
  return { 'scutil --proxy': { stdout } };
}

export function scutilDns(stdout: string): Commands {
  return { 'scutil --dns': { stdout } };
}

export function systemKeychain(pems: string[]): Commands {
  return { 'security find-certificate -a -p /Library/Keychains/System.keychain': { stdout: pems.join('') } };
}

/** `scutil --proxy` of a Mac with an explicit HTTP and HTTPS proxy and the default exceptions. */
export function scutilWithProxy(host: string, port: number): string {
  return `<dictionary> {\n  ExceptionsList : <array> {\n    0 : *.local\n    1 : 169.254/16\n  }\n  FTPPassive : 1\n  HTTPEnable : 1\n  HTTPPort : ${port}\n  HTTPProxy : ${host}\n  HTTPSEnable : 1\n  HTTPSPort : ${port}\n  HTTPSProxy : ${host}\n}\n`;
}

/** `scutil --proxy` with nothing enabled (copied from the icedtea-web corpus sample, CRLF). */
export const SCUTIL_NO_PROXY = '<dictionary> {\r\n  ExceptionsList : <array> {\r\n    0 : *.local\r\n    1 : 169.254/16\r\n  }\r\n  FTPPassive : 1\r\n}\r\n';
