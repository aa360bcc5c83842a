import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Account, Host, Platform } from '../host/host.js';
import { targetPaths, type TargetPaths } from '../host/target-paths.js';
import { parseIni } from '../parsers/ini.js';
import { jsonProperty, parseJsonTree } from '../parsers/json-tree.js';
import type { DevToolId } from '../telemetry/dev-tools.js';
import { sessionValue, telemetryEnvironment, type TelemetryEnvironment } from './telemetry-environment.js';
import { targetUsers } from './target-users.js';

// Which developer tools are on the target, and what their own configuration says about telemetry.
// A tool counts as present by its install folder (machine-wide: every audited user may run it) or by
// the per-user state it writes on first run (Next.js, Gatsby, SAM CLI, CDK, Azure CLI, gcloud, Go). A
// tool's project-level settings (a repository's .env, cdk.json) are not read: this audits endpoints.

export interface ToolSite {
  tool: DevToolId;
  /** The user whose home holds it; undefined for a machine-wide install. */
  user?: string;
  path: string;
  /** Why the tool sends nothing whatever the settings (a Go toolchain older than 1.23). */
  inactive?: string;
}

export interface ToolSetting {
  tool: DevToolId;
  user?: string;
  path: string;
  line?: number;
  /** `homebrew.analyticsdisabled`, `telemetry.enabled`, `[core] collect_telemetry`, `mode`. */
  key: string;
  /** As text; JSON booleans as 'true'/'false'. */
  value: string;
  /** Which layer of the tool's configuration: gcloud has several. */
  layer?: 'configuration' | 'user-properties' | 'installation';
}

export interface ToolProblem {
  tool: DevToolId;
  user?: string;
  path: string;
  error: string;
}

export interface DevToolTelemetry {
  platform: Platform;
  sites: ToolSite[];
  settings: ToolSetting[];
  problems: ToolProblem[];
  /** How many install and state probes were made (system-wide locations once per group of users). */
  looked: number;
}

type Evidence = { sites: ToolSite[]; settings: ToolSetting[]; problems: ToolProblem[]; looked: number };

async function exists(host: Host, path: string): Promise<'file' | 'dir' | undefined> {
  const info = await host.stat(path).catch(() => undefined);
  if (!info) return (await host.lstat(path).catch(() => undefined)) ? 'file' : undefined;
  return info.type === 'dir' ? 'dir' : 'file';
}

async function readText(host: Host, path: string): Promise<{ text?: string; error?: string }> {
  try {
    const bytes = await host.readFile(path, 1024 * 1024);
    return bytes ? { text: bytes.toString('utf8') } : {};
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** The value of a dotted key path in a JSON file, with the line of its key. */
function jsonValue(text: string, keyPath: readonly string[]): { value?: string; line?: number; error?: string } {
  const tree = parseJsonTree(text);
  if (tree.error && !tree.root) return { error: tree.error };
  let node = tree.root;
  let line: number | undefined;
  for (const key of keyPath) {
    const found = jsonProperty(text, node, key);
    if (!found) return tree.error ? { error: tree.error } : {};
    [node, line] = found;
  }
  if (!node) return {};
  const value = node.type === 'boolean' || node.type === 'number' || node.type === 'string' ? String(node.value) : node.type === 'null' ? 'null' : JSON.stringify(node.value ?? null);
  return { value, ...(line !== undefined ? { line } : {}) };
}

/** The last value of `[section] key` (names compared case-insensitively, as git and configparser do). */
function iniSetting(text: string, section: string, key: string): { value: string; line: number } | undefined {
  let found: { value: string; line: number } | undefined;
  for (const part of parseIni(text).sections) {
    if (part.name.toLowerCase() !== section.toLowerCase()) continue;
    for (const item of part.keys) if (item.name.toLowerCase() === key.toLowerCase()) found = { value: item.value.replace(/^"(.*)"$/, '$1'), line: item.line };
  }
  return found;
}

interface UserContext {
  user: Account;
  /** XDG config folder (Unix) or %APPDATA% (Windows) of the user. */
  config: string;
  appData: string;
  localAppData: string;
  env: (name: string) => string | undefined;
}

function userContexts(host: Host, paths: TargetPaths, users: Account[], env: TelemetryEnvironment): UserContext[] {
  return users.map((user) => {
    const value = (name: string) => sessionValue(env, user.name, name)?.value;
    const xdg = value('XDG_CONFIG_HOME');
    const appData = paths.join(user.home, 'AppData', 'Roaming');
    return {
      user,
      config: host.platform === 'win32' ? appData : xdg && paths.isAbsolute(xdg) ? xdg : paths.join(user.home, '.config'),
      appData,
      localAppData: paths.join(user.home, 'AppData', 'Local'),
      env: value,
    };
  });
}

async function homebrew(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  const installs: { bin: string; repository: string; user?: string }[] =
    host.platform === 'darwin'
      ? [
          { bin: '/opt/homebrew/bin/brew', repository: '/opt/homebrew' },
          { bin: '/usr/local/bin/brew', repository: '/usr/local/Homebrew' },
        ]
      : host.platform === 'linux'
        ? [
            { bin: '/home/linuxbrew/.linuxbrew/bin/brew', repository: '/home/linuxbrew/.linuxbrew/Homebrew' },
            ...contexts.map((context) => ({ bin: paths.join(context.user.home, '.linuxbrew', 'bin', 'brew'), repository: paths.join(context.user.home, '.linuxbrew', 'Homebrew'), user: context.user.name })),
          ]
        : [];
  for (const install of installs) {
    out.looked += 1;
    if (!(await exists(host, install.bin))) continue;
    out.sites.push({ tool: 'homebrew', path: install.bin, ...(install.user ? { user: install.user } : {}) });
    const config = paths.join(install.repository, '.git', 'config');
    const read = await readText(host, config);
    if (read.error) out.problems.push({ tool: 'homebrew', path: config, error: read.error });
    const setting = read.text === undefined ? undefined : iniSetting(read.text, 'homebrew', 'analyticsdisabled');
    if (setting) out.settings.push({ tool: 'homebrew', path: config, line: setting.line, key: 'homebrew.analyticsdisabled', value: setting.value, ...(install.user ? { user: install.user } : {}) });
  }
}

async function dotnet(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  const roots: { root: string; user?: string }[] = (
    host.platform === 'win32' ? ['C:\\Program Files\\dotnet', 'C:\\Program Files (x86)\\dotnet'] : host.platform === 'darwin' ? ['/usr/local/share/dotnet'] : ['/usr/share/dotnet', '/usr/lib/dotnet', '/usr/lib64/dotnet', '/opt/dotnet', '/snap/dotnet-sdk/current']
  ).map((root) => ({ root }));
  for (const context of contexts) roots.push({ root: host.platform === 'win32' ? paths.join(context.localAppData, 'Microsoft', 'dotnet') : paths.join(context.user.home, '.dotnet'), user: context.user.name });
  for (const { root, user } of roots) {
    out.looked += 1;
    // CLI telemetry comes from the SDK's commands; a runtime-only install has no sdk folder.
    const sdk = paths.join(root, 'sdk');
    if ((await exists(host, sdk)) !== 'dir') continue;
    out.sites.push({ tool: 'dotnet', path: sdk, ...(user ? { user } : {}) });
  }
}

async function jsonStateFile(host: Host, tool: DevToolId, path: string, user: string, keyPath: readonly string[], out: Evidence): Promise<void> {
  out.looked += 1;
  const read = await readText(host, path);
  if (read.text === undefined && !read.error) return;
  out.sites.push({ tool, user, path });
  if (read.error) {
    out.problems.push({ tool, user, path, error: read.error });
    return;
  }
  const found = jsonValue(read.text ?? '', keyPath);
  if (found.error) out.problems.push({ tool, user, path, error: found.error });
  if (found.value !== undefined) out.settings.push({ tool, user, path, ...(found.line !== undefined ? { line: found.line } : {}), key: keyPath.join('.'), value: found.value });
}

function nextConfigPath(host: Host, paths: TargetPaths, context: UserContext): string {
  // `conf` with projectName nextjs, through env-paths (suffix -nodejs).
  if (host.platform === 'darwin') return paths.join(context.user.home, 'Library', 'Preferences', 'nextjs-nodejs', 'config.json');
  if (host.platform === 'win32') return paths.join(context.appData, 'nextjs-nodejs', 'Config', 'config.json');
  return paths.join(context.config, 'nextjs-nodejs', 'config.json');
}

async function samAndCdk(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  const samInstalls = host.platform === 'win32' ? ['C:\\Program Files\\Amazon\\AWSSAMCLI\\bin\\sam.cmd'] : host.platform === 'darwin' ? ['/usr/local/aws-sam-cli', '/opt/homebrew/bin/sam'] : ['/usr/local/aws-sam-cli', '/home/linuxbrew/.linuxbrew/bin/sam'];
  for (const path of samInstalls) {
    out.looked += 1;
    if (await exists(host, path)) out.sites.push({ tool: 'aws-sam', path });
  }
  for (const context of contexts) {
    // click.get_app_dir("AWS SAM", force_posix=True): ~/.aws-sam, %APPDATA%\AWS SAM on Windows.
    const folder = host.platform === 'win32' ? paths.join(context.appData, 'AWS SAM') : paths.join(context.user.home, '.aws-sam');
    await jsonStateFile(host, 'aws-sam', paths.join(folder, 'metadata.json'), context.user.name, ['telemetryEnabled'], out);

    // The CDK CLI keeps its cache in ~/.cdk and reads user defaults from ~/.cdk.json (context included).
    const userDefaults = paths.join(context.user.home, '.cdk.json');
    const cache = paths.join(context.user.home, '.cdk');
    out.looked += 2;
    const read = await readText(host, userDefaults);
    if (read.text !== undefined || read.error) {
      out.sites.push({ tool: 'aws-cdk', user: context.user.name, path: userDefaults });
      const found = read.text === undefined ? { error: read.error } : jsonValue(read.text, ['context', 'cli-telemetry']);
      if (found.error) out.problems.push({ tool: 'aws-cdk', user: context.user.name, path: userDefaults, error: found.error });
      if ('value' in found && found.value !== undefined) out.settings.push({ tool: 'aws-cdk', user: context.user.name, path: userDefaults, ...(found.line !== undefined ? { line: found.line } : {}), key: 'context.cli-telemetry', value: found.value });
    } else if ((await exists(host, cache)) === 'dir') {
      out.sites.push({ tool: 'aws-cdk', user: context.user.name, path: cache });
    }
  }
}

async function azure(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  for (const context of contexts) {
    const configured = context.env('AZURE_CONFIG_DIR');
    const folder = configured && paths.isAbsolute(configured) ? configured : paths.join(context.user.home, '.azure');
    out.looked += 1;
    if ((await exists(host, folder)) !== 'dir') continue;
    out.sites.push({ tool: 'azure-cli', user: context.user.name, path: folder });
    const config = paths.join(folder, 'config');
    const read = await readText(host, config);
    if (read.error) out.problems.push({ tool: 'azure-cli', user: context.user.name, path: config, error: read.error });
    const setting = read.text === undefined ? undefined : iniSetting(read.text, 'core', 'collect_telemetry');
    if (setting) out.settings.push({ tool: 'azure-cli', user: context.user.name, path: config, line: setting.line, key: '[core] collect_telemetry', value: setting.value });
  }
}

const GCLOUD_INSTALLS: Record<Platform, string[]> = {
  linux: ['/usr/lib/google-cloud-sdk', '/usr/lib64/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/opt/google-cloud-sdk', '/snap/google-cloud-cli/current', '/snap/google-cloud-sdk/current'],
  darwin: ['/opt/homebrew/share/google-cloud-sdk', '/usr/local/share/google-cloud-sdk', '/opt/homebrew/Caskroom/gcloud-cli/latest/google-cloud-sdk', '/opt/homebrew/Caskroom/google-cloud-sdk/latest/google-cloud-sdk'],
  win32: ['C:\\Program Files (x86)\\Google\\Cloud SDK\\google-cloud-sdk', 'C:\\Program Files\\Google\\Cloud SDK\\google-cloud-sdk'],
};

async function gcloudProperties(host: Host, path: string, layer: ToolSetting['layer'], user: string | undefined, out: Evidence): Promise<void> {
  const read = await readText(host, path);
  if (read.error) out.problems.push({ tool: 'gcloud', path, error: read.error, ...(user ? { user } : {}) });
  const setting = read.text === undefined ? undefined : iniSetting(read.text, 'core', 'disable_usage_reporting');
  if (setting) out.settings.push({ tool: 'gcloud', path, line: setting.line, key: '[core] disable_usage_reporting', value: setting.value, ...(layer ? { layer } : {}), ...(user ? { user } : {}) });
}

async function gcloud(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  const installs = [...GCLOUD_INSTALLS[host.platform].map((root) => ({ root, user: undefined as string | undefined }))];
  for (const context of contexts) {
    installs.push({ root: paths.join(context.user.home, 'google-cloud-sdk'), user: context.user.name });
    if (host.platform === 'win32') installs.push({ root: paths.join(context.localAppData, 'Google', 'Cloud SDK', 'google-cloud-sdk'), user: context.user.name });
  }
  for (const install of installs) {
    out.looked += 1;
    if ((await exists(host, paths.join(install.root, 'bin'))) !== 'dir') continue;
    out.sites.push({ tool: 'gcloud', path: install.root, ...(install.user ? { user: install.user } : {}) });
    await gcloudProperties(host, paths.join(install.root, 'properties'), 'installation', install.user, out);
  }
  for (const context of contexts) {
    const configured = context.env('CLOUDSDK_CONFIG');
    const folder = configured && paths.isAbsolute(configured) ? configured : paths.join(context.config, 'gcloud');
    out.looked += 1;
    if ((await exists(host, folder)) !== 'dir') continue;
    out.sites.push({ tool: 'gcloud', user: context.user.name, path: folder });
    const active = context.env('CLOUDSDK_ACTIVE_CONFIG_NAME') || (await readText(host, paths.join(folder, 'active_config'))).text?.trim() || 'default';
    if (/^[A-Za-z0-9_-]+$/.test(active)) await gcloudProperties(host, paths.join(folder, 'configurations', `config_${active}`), 'configuration', context.user.name, out);
    await gcloudProperties(host, paths.join(folder, 'properties'), 'user-properties', context.user.name, out);
  }
}

async function githubCli(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  const binaries = host.platform === 'win32' ? ['C:\\Program Files\\GitHub CLI\\gh.exe', 'C:\\Program Files (x86)\\GitHub CLI\\gh.exe'] : host.platform === 'darwin' ? ['/opt/homebrew/bin/gh', '/usr/local/bin/gh'] : ['/usr/bin/gh', '/usr/local/bin/gh', '/snap/bin/gh', '/home/linuxbrew/.linuxbrew/bin/gh'];
  for (const path of binaries) {
    out.looked += 1;
    if (await exists(host, path)) out.sites.push({ tool: 'github-cli', path });
  }
  for (const context of contexts) {
    const configured = context.env('GH_CONFIG_DIR');
    const folder = configured && paths.isAbsolute(configured) ? configured : host.platform === 'win32' ? paths.join(context.appData, 'GitHub CLI') : paths.join(context.config, 'gh');
    out.looked += 1;
    if ((await exists(host, folder)) === 'dir') out.sites.push({ tool: 'github-cli', user: context.user.name, path: folder });
  }
}

const GO_ROOTS: Record<Platform, string[]> = {
  linux: ['/usr/local/go', '/usr/lib/go', '/usr/lib/golang', '/snap/go/current'],
  darwin: ['/usr/local/go', '/opt/homebrew/opt/go/libexec'],
  win32: ['C:\\Program Files\\Go'],
};

async function go(host: Host, paths: TargetPaths, contexts: UserContext[], out: Evidence): Promise<void> {
  for (const root of GO_ROOTS[host.platform]) {
    out.looked += 1;
    const bin = paths.join(root, 'bin', host.platform === 'win32' ? 'go.exe' : 'go');
    if (!(await exists(host, bin))) continue;
    const version = (await readText(host, paths.join(root, 'VERSION'))).text?.split(/\r?\n/)[0]?.trim();
    const minor = /^go1\.(\d+)/.exec(version ?? '')?.[1];
    const inactive = minor !== undefined && Number(minor) < 23 ? `${version} predates Go telemetry (1.23)` : undefined;
    out.sites.push({ tool: 'go', path: bin, ...(inactive ? { inactive } : {}) });
  }
  for (const context of contexts) {
    // os.UserConfigDir(): XDG config on Linux, ~/Library/Application Support on macOS, %AppData% on Windows.
    const base = host.platform === 'darwin' ? paths.join(context.user.home, 'Library', 'Application Support') : context.config;
    const folder = paths.join(base, 'go', 'telemetry');
    const mode = paths.join(folder, 'mode');
    out.looked += 1;
    const read = await readText(host, mode);
    if (read.error) out.problems.push({ tool: 'go', user: context.user.name, path: mode, error: read.error });
    if (read.text !== undefined) {
      out.sites.push({ tool: 'go', user: context.user.name, path: mode });
      out.settings.push({ tool: 'go', user: context.user.name, path: mode, line: 1, key: 'mode', value: read.text.trim() });
    } else if ((await exists(host, folder)) === 'dir') {
      out.sites.push({ tool: 'go', user: context.user.name, path: folder });
    }
  }
}

export const devToolTelemetry = defineCollector<DevToolTelemetry>({
  id: 'dev-tool-telemetry',
  description: 'developer tools installed or used on the target (Homebrew, .NET SDK, Next.js, Gatsby, AWS SAM and CDK, Azure CLI, gcloud, GitHub CLI, Go) and their telemetry settings',
  async collect({ host, get }) {
    const users = await get(targetUsers);
    const env = await get(telemetryEnvironment);
    const paths = targetPaths(host.platform);
    const contexts = userContexts(host, paths, users.audited, env);
    // An image may have a thousand homes: sixteen groups of users are probed at once, each also probing the
    // system-wide locations (their sightings are merged once), in a fixed order.
    const size = Math.max(1, Math.ceil(contexts.length / 16));
    const groups = contexts.length === 0 ? [[]] : Array.from({ length: Math.ceil(contexts.length / size) }, (_, index) => contexts.slice(index * size, (index + 1) * size));
    const parts = await Promise.all(groups.map((group) => probeTools(host, paths, group)));
    const merged: Evidence = { sites: [], settings: [], problems: [], looked: 0 };
    const seen = new Set<string>();
    for (const part of parts) {
      merged.looked += part.looked;
      for (const kind of ['sites', 'settings', 'problems'] as const) {
        for (const item of part[kind]) {
          const key = `${kind}:${JSON.stringify(item)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          (merged[kind] as unknown[]).push(item);
        }
      }
    }
    return { platform: host.platform, ...merged };
  },
});

async function probeTools(host: Host, paths: TargetPaths, contexts: UserContext[]): Promise<Evidence> {
  const out: Evidence = { sites: [], settings: [], problems: [], looked: 0 };
  await homebrew(host, paths, contexts, out);
  await dotnet(host, paths, contexts, out);
  for (const context of contexts) {
    await jsonStateFile(host, 'nextjs', nextConfigPath(host, paths, context), context.user.name, ['telemetry', 'enabled'], out);
    // configstore("gatsby", { globalConfigPath: true }): $XDG_CONFIG_HOME or ~/.config, on every platform.
    const gatsbyBase = host.platform === 'win32' ? paths.join(context.user.home, '.config') : context.config;
    await jsonStateFile(host, 'gatsby', paths.join(gatsbyBase, 'gatsby', 'config.json'), context.user.name, ['telemetry', 'enabled'], out);
  }
  await samAndCdk(host, paths, contexts, out);
  await azure(host, paths, contexts, out);
  await gcloud(host, paths, contexts, out);
  await githubCli(host, paths, contexts, out);
  await go(host, paths, contexts, out);
  return out;
}
