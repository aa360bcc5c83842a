// Which package an MCP server's command line fetches and runs, and whether its version is pinned.
// `npx -y pkg` (and bunx, pnpm dlx, yarn dlx, uvx, uv tool run, pipx run) resolves the package on the
// registry at each start unless the spec names an exact version: a hijacked or typosquatted release
// then runs with the agent's rights. Works on the command and arguments only; nothing is run.

export type Launcher = 'npx' | 'bunx' | 'pnpm dlx' | 'yarn dlx' | 'uvx' | 'uv tool run' | 'pipx run';

export interface LaunchedPackage {
  launcher: Launcher;
  /** The package spec as written (`exa-mcp-server`, `@eslint/mcp@latest`, `mcp-server-git==0.6.2`). */
  spec: string;
  /** The package name without version or extras. */
  name: string;
  /** The version part as written (`latest`, `^1.2.0`, `1.2.3`), undefined when absent. */
  version?: string;
  pinned: boolean;
  /** Index of the spec in the argument list, -1 when it is the command itself. */
  argIndex: number;
  /** The exact pinned spec to write, with `<version>` for the version to choose. */
  pinnedExample: string;
}

const NODE_LAUNCHERS: Record<string, Launcher> = { npx: 'npx', bunx: 'bunx' };
/** npx/npm exec options that take a value (the next argument when not written `--opt=value`). */
const NPX_VALUE_OPTIONS = new Set(['-p', '--package', '-c', '--call', '--registry', '--cache', '--userconfig', '-w', '--workspace', '--prefix', '--loglevel']);
const UV_VALUE_OPTIONS = new Set([
  '--from', '--with', '-w', '--with-editable', '--with-requirements', '--python', '-p', '--index', '--index-url', '--extra-index-url',
  '--default-index', '--find-links', '-f', '--constraints', '-c', '--overrides', '--cache-dir', '--directory', '--project', '--config-file',
  '--python-preference', '--index-strategy', '--keyring-provider', '--resolution', '--prerelease', '--exclude-newer', '--color',
  '--reinstall-package', '--upgrade-package', '-P', '--refresh-package', '--env-file',
]);
const PIPX_VALUE_OPTIONS = new Set(['--spec', '--python', '--index-url', '-i', '--pip-args', '--fetch-python']);

const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const EXACT_PEP440 = /^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?(?:\+[0-9A-Za-z.]+)?$/;
const COMMIT = /^[0-9a-f]{40}$/i;

/** The program name without folders and a Windows extension (`/Users/a/.asdf/shims/npx`, `npx.cmd`). */
export function programName(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.replace(/\.(?:cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/** Local paths and archives are not registry packages. */
function isLocalSpec(spec: string): boolean {
  return /^(?:\.{1,2}[\\/]|[\\/]|~[\\/]|[A-Za-z]:[\\/]|file:)/.test(spec) || /\.(?:tgz|tar\.gz|whl)$/i.test(spec) && !/^https?:/i.test(spec);
}

function gitPinned(spec: string): boolean {
  const ref = /#(.+)$/.exec(spec)?.[1] ?? /\.git@([^#]+)$/.exec(spec)?.[1] ?? /@([0-9a-f]{40})(?:#.*)?$/i.exec(spec)?.[1];
  return ref !== undefined && COMMIT.test(ref.replace(/^commit=/, ''));
}

/** Splits an npm spec `@scope/name@version` or `name@version`. */
function npmSpec(spec: string): { name: string; version?: string; pinned: boolean } {
  if (/^(?:git\+|git:|github:|gitlab:|bitbucket:|https?:)/i.test(spec) || /^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(spec)) {
    return { name: spec.replace(/#.*$/, ''), pinned: gitPinned(spec) };
  }
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at <= 0) return { name: spec, pinned: false };
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1);
  return { name, version, pinned: EXACT_SEMVER.test(version) };
}

/** Splits a Python requirement `name[extra]==1.2.3` or uv's `name@1.2.3`. */
function pythonSpec(spec: string): { name: string; version?: string; pinned: boolean } {
  if (/^(?:git\+|https?:)/i.test(spec)) return { name: spec.replace(/@[^@/]*$/, ''), pinned: gitPinned(spec) };
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(===?|@)\s*([^\s;,]+)|([<>~!=][^;]*))?/.exec(spec);
  if (!match) return { name: spec, pinned: false };
  const name = match[1] as string;
  if (match[4] !== undefined) return { name, version: match[4], pinned: EXACT_PEP440.test(match[4]) && !/[*]/.test(match[4]) };
  if (match[5] !== undefined) return { name, version: match[5].trim(), pinned: false };
  return { name, pinned: false };
}

/** Positional arguments after options, with option values skipped. */
function firstPositional(args: readonly string[], start: number, valueOptions: ReadonlySet<string>): number {
  for (let index = start; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--') return index + 1 < args.length ? index + 1 : -1;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && valueOptions.has(arg)) index += 1;
      continue;
    }
    return index;
  }
  return -1;
}

/** Values of an option given as `--opt value` or `--opt=value`, with their index. */
function optionValues(args: readonly string[], start: number, end: number, names: readonly string[]): [string, number][] {
  const found: [string, number][] = [];
  for (let index = start; index < end; index += 1) {
    const arg = args[index] as string;
    for (const name of names) {
      if (arg === name && index + 1 < args.length) found.push([args[index + 1] as string, index + 1]);
      else if (arg.startsWith(`${name}=`)) found.push([arg.slice(name.length + 1), index]);
    }
  }
  return found;
}

function npmResult(launcher: Launcher, spec: string, argIndex: number): LaunchedPackage | undefined {
  if (isLocalSpec(spec)) return undefined;
  const parsed = npmSpec(spec);
  return { launcher, spec, argIndex, ...parsed, pinnedExample: `${parsed.name}@<version>` };
}

function pythonResult(launcher: Launcher, spec: string, argIndex: number): LaunchedPackage | undefined {
  if (isLocalSpec(spec)) return undefined;
  const parsed = pythonSpec(spec);
  return { launcher, spec, argIndex, ...parsed, pinnedExample: `${parsed.name}==<version>` };
}

/**
 * The registry packages a command line fetches: npx/bunx/pnpm dlx/yarn dlx (npm specs), uvx, uv tool run
 * and pipx run (Python specs). `cmd /c npx ...` (Windows) is looked through. Local paths are left out.
 */
export function launchedPackages(command: string | undefined, args: readonly string[]): LaunchedPackage[] {
  if (command === undefined) return [];
  let program = programName(command);
  let rest = [...args];
  let offset = 0;
  // Windows wrappers: cmd /c npx -y pkg, and `npm exec -- pkg`.
  if (program === 'cmd' && rest.length > 1 && /^\/[ck]$/i.test(rest[0] ?? '')) {
    program = programName(rest[1] as string);
    rest = rest.slice(2);
    offset = 2;
  }
  const shift = (items: LaunchedPackage[]) => items.map((item) => ({ ...item, argIndex: item.argIndex + offset }));
  if (NODE_LAUNCHERS[program] || (program === 'npm' && rest[0] === 'exec') || ((program === 'pnpm' || program === 'yarn') && rest[0] === 'dlx')) {
    const launcher: Launcher = NODE_LAUNCHERS[program] ?? (program === 'pnpm' ? 'pnpm dlx' : program === 'yarn' ? 'yarn dlx' : 'npx');
    const start = NODE_LAUNCHERS[program] ? 0 : 1;
    const first = firstPositional(rest, start, NPX_VALUE_OPTIONS);
    const packages = optionValues(rest, start, first === -1 ? rest.length : first, ['-p', '--package']);
    const specs = packages.length > 0 ? packages : first === -1 ? [] : [[rest[first] as string, first] as [string, number]];
    return shift(specs.flatMap(([spec, index]) => npmResult(launcher, spec, index) ?? []));
  }
  const uv = program === 'uvx' ? { launcher: 'uvx' as const, start: 0 } : program === 'uv' && rest[0] === 'tool' && rest[1] === 'run' ? { launcher: 'uv tool run' as const, start: 2 } : undefined;
  if (uv) {
    const first = firstPositional(rest, uv.start, UV_VALUE_OPTIONS);
    const from = optionValues(rest, uv.start, first === -1 ? rest.length : first, ['--from']);
    const specs = from.length > 0 ? from : first === -1 ? [] : [[rest[first] as string, first] as [string, number]];
    return shift(specs.flatMap(([spec, index]) => pythonResult(uv.launcher, spec, index) ?? []));
  }
  if (program === 'pipx' && rest[0] === 'run') {
    const first = firstPositional(rest, 1, PIPX_VALUE_OPTIONS);
    const spec = optionValues(rest, 1, first === -1 ? rest.length : first, ['--spec']);
    const specs = spec.length > 0 ? spec : first === -1 ? [] : [[rest[first] as string, first] as [string, number]];
    return shift(specs.flatMap(([value, index]) => pythonResult('pipx run', value, index) ?? []));
  }
  return [];
}
