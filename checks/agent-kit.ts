// Building blocks for the agent scenarios: settings files and registry policy commands as recorded.
import { powershellCommandLine, registryScript } from '../src/collectors/windows-commands.js';
import type { ReplayCommand, ReplayEntry } from '../src/host/replay-host.js';

/** A settings file owned by a user (uid/gid on Unix), content as JSON text (pretty, two spaces). */
export function json(value: unknown, owner: { uid?: number; gid?: number; mode?: string } = {}): ReplayEntry {
  return { ...(owner.mode ? { mode: owner.mode } : {}), ...(owner.uid !== undefined ? { uid: owner.uid, gid: owner.gid ?? owner.uid } : {}), content: `${JSON.stringify(value, null, 2)}\n` };
}

/** A registry key's values as cowork-audit's one-liner prints them; undefined values: the key does not exist. */
export function registry(key: string, values?: Record<string, unknown>): Record<string, ReplayCommand> {
  return { [powershellCommandLine(registryScript(key))]: { stdout: values ? `${JSON.stringify(values)}\r\n` : '' } };
}

/** All four Claude policy keys (Claude Code and Claude Desktop, HKLM and HKCU), absent unless given. */
export function claudePolicies(given: { codeHklm?: unknown; codeHkcu?: unknown; desktopHklm?: Record<string, unknown>; desktopHkcu?: Record<string, unknown> } = {}): Record<string, ReplayCommand> {
  const settings = (value: unknown) => (value === undefined ? undefined : { Settings: typeof value === 'string' ? value : JSON.stringify(value) });
  return {
    ...registry('HKLM\\SOFTWARE\\Policies\\ClaudeCode', settings(given.codeHklm)),
    ...registry('HKCU\\SOFTWARE\\Policies\\ClaudeCode', settings(given.codeHkcu)),
    ...registry('HKLM\\SOFTWARE\\Policies\\Claude', given.desktopHklm),
    ...registry('HKCU\\SOFTWARE\\Policies\\Claude', given.desktopHkcu),
  };
}

/** An XML property list of a dict with the given entries (strings, booleans, numbers, nested dicts, arrays). */
export function plist(value: Record<string, unknown>): ReplayEntry {
  const render = (item: unknown, indent: string): string => {
    if (typeof item === 'boolean') return `${indent}<${item}/>`;
    if (typeof item === 'number') return `${indent}<integer>${item}</integer>`;
    if (typeof item === 'string') return `${indent}<string>${item.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`;
    if (Array.isArray(item)) return `${indent}<array>\n${item.map((entry) => render(entry, `${indent}  `)).join('\n')}\n${indent}</array>`;
    const entries = Object.entries(item as Record<string, unknown>);
    return `${indent}<dict>\n${entries.map(([key, entry]) => `${indent}  <key>${key}</key>\n${render(entry, `${indent}  `)}`).join('\n')}\n${indent}</dict>`;
  };
  return { content: `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n${render(value, '')}\n</plist>\n` };
}
