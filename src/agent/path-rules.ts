// Claude Code's Read/Edit path rules and sandbox filesystem paths, matched the way the documentation
// describes them (CCD permissions, "Read and Edit"): gitignore patterns with four anchors.
//
//   //path   absolute, from the root of the file system      Read(//Users/alice/secrets/**)
//   ~/path   from the user's home                            Read(~/.aws/**)
//   /path    relative to the settings file's root folder     Edit(/src/**/*.ts)
//   path, ./path  relative to the working folder             Read(*.env), Read(./.env)
//
// Windows paths are compared in POSIX form: C:\Users\alice becomes /c/Users/alice (case-insensitive), so a
// rule for a whole drive is written //c/**. A rule written with a drive letter (`C:\x`, `C:/x`) is normalised
// the same way to `/c/x`, which is a settings-relative pattern: it does not name the absolute path its author
// meant (the documentation asks for //c/...). Inside the pattern, gitignore applies: `*` and `?` stay inside
// one path segment, `**` spans segments (`**/x`, `x/**`, `a/**/b`), `[abc]` is a class, a trailing `/`
// matches folders only, a pattern without a slash (other than a trailing one) matches a name at any depth
// below its base, and a rule that matches a folder covers everything inside it.
//
// The working folder of a session is often unknown to an audit (a user view without a project). Then the
// relative patterns match nothing: a deny rule like Read(**/.ssh/**) protects only files below the folder
// Claude Code was started in, so it cannot be credited for ~/.ssh in general.

import { normalizeAbsolutePath } from '../util/posix-path.js';

export type PatternAnchor = 'absolute' | 'home' | 'settings' | 'cwd';

export interface PathRuleContext {
  /** The user's home folder, in the target's flavour (`/home/alice`, `C:\Users\alice`). */
  home: string;
  /** The folder `/path` patterns are relative to: the project (project and local files), ~/.claude (user), the managed folder. */
  settingsRoot?: string;
  /** The session's working folder; unknown: relative patterns match nothing. */
  cwd?: string;
  windows?: boolean;
}

export interface ResolvedPattern {
  anchor: PatternAnchor;
  /** The folder the glob is relative to, in POSIX form; undefined when that folder is unknown. */
  base?: string;
  glob: string;
  directoryOnly: boolean;
  /** Matches a name at any depth below base (no slash in the glob). */
  anyDepth: boolean;
}

const DRIVE = /^([A-Za-z]):(?:[\\/]|$)/;

/** A target path in the POSIX form rules are matched against: `C:\Users\a` -> `/c/Users/a`. */
export function toRulePath(path: string, windows = false): string {
  let out = path;
  if (windows || DRIVE.test(path) || path.includes('\\')) {
    const drive = DRIVE.exec(path);
    out = path.replace(/\\/g, '/');
    if (drive) out = `/${(drive[1] as string).toLowerCase()}${out.slice(2)}`;
  }
  out = out.replace(/\/{2,}/g, '/');
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return collapseDots(out);
}

function collapseDots(path: string): string {
  return path.startsWith('/') ? normalizeAbsolutePath(path) : path;
}

/** Splits a rule's specifier into its anchor, base folder and glob. */
export function resolvePathPattern(pattern: string, context: PathRuleContext): ResolvedPattern {
  let text = pattern.trim().replace(/\\/g, '/');
  const drive = DRIVE.exec(text);
  if (drive) text = `/${(drive[1] as string).toLowerCase()}${text.slice(2)}`;
  const windows = context.windows ?? false;
  let anchor: PatternAnchor;
  let base: string | undefined;
  let glob: string;
  let anchored = true;
  if (text.startsWith('//')) {
    anchor = 'absolute';
    base = '/';
    glob = text.replace(/^\/+/, '');
  } else if (text === '~' || text.startsWith('~/')) {
    anchor = 'home';
    base = toRulePath(context.home, windows);
    glob = text.slice(2);
  } else if (text.startsWith('/')) {
    anchor = 'settings';
    base = context.settingsRoot !== undefined ? toRulePath(context.settingsRoot, windows) : undefined;
    glob = text.slice(1);
  } else {
    anchor = 'cwd';
    base = context.cwd !== undefined ? toRulePath(context.cwd, windows) : undefined;
    if (text.startsWith('./')) glob = text.replace(/^(\.\/)+/, '');
    else {
      glob = text;
      anchored = glob.replace(/\/+$/, '').includes('/');
    }
  }
  const directoryOnly = glob.endsWith('/') && glob.length > 1;
  glob = glob.replace(/\/+$/, '');
  return { anchor, ...(base !== undefined ? { base } : {}), glob, directoryOnly, anyDepth: !anchored };
}

/** The regular expression of a gitignore glob (relative, no leading or trailing slash). */
export function globRegExp(glob: string, anyDepth: boolean, windows = false): RegExp {
  let source = '';
  let i = 0;
  const segmentsStart = () => source === '' || source.endsWith('/') || source.endsWith('(?:.*/)?');
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const atStart = segmentsStart();
      const atEnd = j >= glob.length;
      if (atStart && glob[j] === '/') {
        source += '(?:.*/)?';
        i = j + 1;
      } else if (atStart && atEnd) {
        source += '.*';
        i = j;
      } else {
        source += '[^/]*';
        i = j;
      }
      continue;
    }
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
    i++;
  }
  if (source === '' || source === '.*') return new RegExp('^.*$', windows ? 'is' : 's');
  return new RegExp(`^${anyDepth ? '(?:.*/)?' : ''}${source}$`, windows ? 'is' : 's');
}

/**
 * Whether a rule pattern covers a target path: the path itself, or a folder above it inside the rule's
 * base (a rule on a folder covers its contents). `isDirectory` says whether the target is a folder.
 */
export function pathRuleMatches(pattern: string, target: string, context: PathRuleContext, options: { isDirectory?: boolean } = {}): boolean {
  const resolved = resolvePathPattern(pattern, context);
  if (resolved.base === undefined) return false;
  const windows = context.windows ?? false;
  const path = toRulePath(target, windows);
  const base = resolved.base;
  const fold = (text: string) => (windows ? text.toLowerCase() : text);
  let relative: string;
  if (fold(path) === fold(base)) relative = '';
  else if (base === '/' ? path.startsWith('/') : fold(path).startsWith(`${fold(base)}/`)) relative = path.slice(base === '/' ? 1 : base.length + 1);
  else return false;
  if (resolved.glob === '') return relative === '' ? !resolved.directoryOnly || options.isDirectory !== false : true;
  if (relative === '') return false;
  const regex = globRegExp(resolved.glob, resolved.anyDepth, windows);
  const parts = relative.split('/');
  for (let count = 1; count <= parts.length; count++) {
    const candidate = parts.slice(0, count).join('/');
    const isLast = count === parts.length;
    if (resolved.directoryOnly && isLast && options.isDirectory === false) continue;
    if (resolved.directoryOnly && isLast && options.isDirectory === undefined) continue;
    if (regex.test(candidate)) return true;
  }
  return false;
}

/** Whether a folder given in settings (additionalDirectories, allowedWorkspaceFolders) contains a path. */
export function folderContains(folder: string, target: string, context: { home: string; windows?: boolean; cwd?: string }): boolean {
  const windows = context.windows ?? false;
  let text = folder.trim();
  if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) text = `${context.home}${text.slice(1)}`;
  const isAbsolute = text.startsWith('/') || DRIVE.test(text) || text.startsWith('\\\\');
  if (!isAbsolute) {
    if (context.cwd === undefined) return false;
    text = `${context.cwd}/${text}`;
  }
  const base = toRulePath(text, windows);
  const path = toRulePath(target, windows);
  const fold = (value: string) => (windows ? value.toLowerCase() : value);
  return base === '/' || fold(path) === fold(base) || fold(path).startsWith(`${fold(base)}/`);
}
