import { splitLines, stripBom } from '../util/text-lines.js';

// AppArmor evidence: the loaded-profile list of securityfs (/sys/kernel/security/apparmor/profiles, one
// `name (mode)` a line), `aa-status --json`, and the top-level profile declarations of policy files in
// /etc/apparmor.d (apparmor.d(5)):
//
//   /usr/bin/foo flags=(complain) {          attachment = name
//   profile foo /opt/foo/bin/* {             name foo, attachment /opt/foo/bin/*
//   profile foo @{exec_path} flags=(unconfined) {
//
// Variables `@{name} = value ...` defined in the same file are expanded (first value).

export interface LoadedProfile {
  name: string;
  /** enforce, complain, kill, unconfined, prompt, ... */
  mode: string;
}

export function parseLoadedProfiles(text: string): LoadedProfile[] {
  return splitLines(text).flatMap((line) => {
    const match = /^(.*\S)\s+\(([a-z_-]+)\)\s*$/.exec(line);
    return match ? [{ name: match[1] as string, mode: match[2] as string }] : [];
  });
}

/** `aa-status --json`: `{"version": "2", "profiles": {"name": "enforce", ...}, "processes": {...}}`. */
export function parseAaStatusJson(text: string): { profiles: LoadedProfile[]; error?: string } {
  try {
    const data = JSON.parse(text) as { profiles?: Record<string, unknown> };
    const profiles = Object.entries(data.profiles ?? {}).flatMap(([name, mode]) => (typeof mode === 'string' ? [{ name, mode }] : []));
    return { profiles };
  } catch (error) {
    return { profiles: [], error: `not JSON: ${(error as Error).message.split('\n')[0]}` };
  }
}

export interface ProfileDeclaration {
  name: string;
  /** Executable path pattern the profile attaches to; undefined for a profile without one. */
  attachment?: string;
  /** Flags as written: complain, enforce, unconfined, kill, attach_disconnected, ... */
  flags: string[];
  line: number;
}

function expandVariables(text: string, variables: Map<string, string>): string {
  return text.replace(/@\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => variables.get(name) ?? whole);
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length > 1 ? text.slice(1, -1) : text;
}

/** Top-level profiles declared in one policy file (hats and child profiles are skipped). */
export function parseProfileFile(text: string): ProfileDeclaration[] {
  const out: ProfileDeclaration[] = [];
  const variables = new Map<string, string>();
  let depth = 0;
  splitLines(stripBom(text)).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const variable = /^@\{([A-Za-z0-9_]+)\}\s*\+?=\s*(.+)$/.exec(line);
    if (variable && depth === 0) {
      const first = (variable[2] as string).trim().split(/\s+/)[0] ?? '';
      if (!variables.has(variable[1] as string)) variables.set(variable[1] as string, unquote(first));
      return;
    }
    if (depth === 0 && line.endsWith('{')) {
      const header = line.slice(0, -1).trim();
      const flagsMatch = /\s*(?:flags\s*=\s*)?\(([^)]*)\)\s*$/.exec(header);
      const flags = flagsMatch ? (flagsMatch[1] as string).split(/[\s,]+/).filter(Boolean) : [];
      const head = (flagsMatch ? header.slice(0, flagsMatch.index) : header).trim();
      const words = head.match(/"[^"]*"|\S+/g) ?? [];
      let name: string | undefined;
      let attachment: string | undefined;
      if (words[0] === 'profile' || words[0] === 'hat') {
        if (words[0] === 'profile' && words[1]) {
          name = unquote(words[1]);
          if (words[2]) attachment = expandVariables(unquote(words[2]), variables);
        }
      } else if (words.length === 1 && /^[/@"]/.test(words[0] as string)) {
        name = unquote(words[0] as string);
        attachment = expandVariables(name, variables);
      }
      if (name) out.push({ name, ...(attachment ? { attachment } : {}), flags, line: index + 1 });
    }
    for (const char of line) {
      if (char === '{') depth += 1;
      else if (char === '}') depth = Math.max(0, depth - 1);
    }
  });
  return out;
}

/** AppArmor's glob (apparmor.d(5) "Globbing"): `*` within a path segment, `**` across segments, `?`, `[...]`, `{a,b}`. */
export function apparmorGlobMatch(pattern: string, path: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*';
        i += 1;
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (char === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end === -1) source += '\\{';
      else {
        source += `(?:${pattern.slice(i + 1, end).split(',').map((alt) => alt.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else source += char.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`).test(path);
  } catch {
    return pattern === path;
  }
}
