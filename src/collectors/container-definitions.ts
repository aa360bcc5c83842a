// Container definitions an agent runs in: in a repository (--repo) every compose file, devcontainer.json,
// Dockerfile, script with `docker run` and Kubernetes workload; on a machine or image, those in the
// agent-sandbox folders of every audited user and of the system. Parsed with positions; a file that does
// not parse is a fact with its error, never a crash.
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host, Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import type { ContainerFormat, DefinitionFile } from '../containers/model.js';
import { parseCompose } from '../parsers/compose.js';
import { parseDevcontainer } from '../parsers/devcontainer.js';
import { mentionsRun, parseDockerRuns } from '../parsers/docker-run.js';
import { parseDockerfile } from '../parsers/dockerfile.js';
import { looksLikeWorkload, parseKubernetes } from '../parsers/k8s-pod.js';
import { targetUsers } from './target-users.js';

/**
 * The folders searched on machines and images: `~/` entries in every audited home. `~/.claude-devcontainer`
 * is where Trail of Bits' claude-code-devcontainer installs its `devc` template; `~/.config/claude-sandbox`
 * and `/etc/claude-sandbox` are where an organisation keeps its own agent sandbox definition.
 */
export const CONTAINER_DEFINITION_FOLDERS = ['~/.claude-devcontainer', '~/.config/claude-sandbox', '/etc/claude-sandbox'] as const;

export interface SearchedFolder {
  /** The entry of CONTAINER_DEFINITION_FOLDERS (or `.` for a repository). */
  entry: string;
  path: string;
  user?: string;
  exists: boolean;
}

export interface ContainerDefinitions {
  scope: 'repository' | 'folders';
  searched: SearchedFolder[];
  files: DefinitionFile[];
  /** Files that look like definitions but cannot be judged (templates), with the reason. */
  skipped: { path: string; reason: string }[];
  /** Set when the walk stopped at its bounds. */
  truncated?: string;
}

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'bower_components', 'vendor', '.venv', 'venv', '__pycache__', '.tox', '.terraform', '.next', '.nuxt', '.cache', '.gradle', '.idea', '.pnpm-store', '.yarn']);
const MAX_ENTRIES = 50_000;
const MAX_FILE_BYTES = 1024 * 1024;
const REPO_DEPTH = 12;
const FOLDER_DEPTH = 5;

/** What kind of definition a file name says it is; `yaml` and `script` need a look inside. */
export function classifyName(name: string): ContainerFormat | 'yaml' | 'script' | 'maybe-script' | undefined {
  const lower = name.toLowerCase();
  if (/^(docker-compose.*|compose(\..+)?|.+\.compose)\.ya?ml$/.test(lower)) return 'compose';
  if (lower === 'devcontainer.json' || lower === '.devcontainer.json') return 'devcontainer';
  if (/^(dockerfile|containerfile)([.-][^.]+)?$/.test(lower) || /\.(dockerfile|containerfile)$/.test(lower)) return 'dockerfile';
  if (/\.ya?ml$/.test(lower)) return 'yaml';
  if (/\.(sh|bash|zsh|ksh)$/.test(lower)) return 'script';
  if (!lower.includes('.')) return 'maybe-script';
  return undefined;
}

interface Walk {
  entries: number;
  truncated?: string;
}

async function walk(host: Host, platform: Platform, folder: string, depth: number, state: Walk, found: string[]): Promise<void> {
  if (state.entries >= MAX_ENTRIES) {
    state.truncated = `stopped after ${MAX_ENTRIES} entries`;
    return;
  }
  const names = await host.listDir(folder).catch(() => undefined);
  if (!names) return;
  const paths = targetPaths(platform);
  for (const name of [...names].sort()) {
    state.entries++;
    if (state.entries > MAX_ENTRIES) {
      state.truncated = `stopped after ${MAX_ENTRIES} entries`;
      return;
    }
    const full = paths.join(folder, name);
    const info = await host.lstat(full).catch(() => undefined);
    if (!info) continue;
    if (info.type === 'dir') {
      if (SKIP_DIRS.has(name)) continue;
      if (depth > 0) await walk(host, platform, full, depth - 1, state, found);
      else state.truncated ??= `did not descend below ${full}`;
      continue;
    }
    if (info.type === 'file' && info.size <= MAX_FILE_BYTES && classifyName(name)) found.push(full);
    // Links are not followed: a link out of the folder could make the walk endless or leave the target.
  }
}

async function readDefinition(host: Host, path: string, root: string, relative: string): Promise<DefinitionFile | { skipped: string } | undefined> {
  const name = relative.split('/').pop() ?? relative;
  const kind = classifyName(name);
  if (!kind) return undefined;
  let text: string;
  try {
    const bytes = kind === 'maybe-script' ? await host.readFile(path, 256) : await host.readFile(path, MAX_FILE_BYTES);
    if (!bytes) return undefined;
    text = bytes.toString('utf8');
    if (kind === 'maybe-script') {
      if (!/^#!\s*\S*\b(ba|z|k|da)?sh\b|^#!\s*\/usr\/bin\/env\s+(ba|z|k|da)?sh\b/.test(text)) return undefined;
      text = (await host.readFile(path, MAX_FILE_BYTES))?.toString('utf8') ?? '';
    }
  } catch (error) {
    const format: ContainerFormat = kind === 'yaml' ? 'kubernetes' : kind === 'script' || kind === 'maybe-script' ? 'docker-run' : kind;
    return { path, root, relative, format, text: '', containers: [], error: `cannot read: ${describeError(error)}` };
  }
  text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const base = { path, root, relative, text };
  if (kind === 'compose') return { ...base, format: 'compose', ...parseCompose(text) };
  if (kind === 'devcontainer') return { ...base, format: 'devcontainer', ...parseDevcontainer(text) };
  if (kind === 'dockerfile') return { ...base, format: 'dockerfile', ...parseDockerfile(text) };
  if (kind === 'yaml') {
    if (!looksLikeWorkload(text)) return undefined;
    if (/\{\{[^}]*\}\}/.test(text)) return { skipped: 'templated (Helm or Jinja): judge the rendered manifests' };
    return { ...base, format: 'kubernetes', ...parseKubernetes(text) };
  }
  if (!mentionsRun(text)) return undefined;
  const containers = parseDockerRuns(text);
  return containers.length > 0 ? { ...base, format: 'docker-run', containers } : undefined;
}

/** The absolute folders an entry names on this target (one per audited home for `~/`). */
export function expandFolder(entry: string, platform: Platform, homes: readonly { name: string; home: string }[]): { path: string; user?: string }[] {
  const paths = targetPaths(platform);
  if (entry.startsWith('~/')) {
    const rest = entry.slice(2).split('/');
    return homes.map((user) => ({ path: paths.join(user.home, ...rest), user: user.name }));
  }
  if (platform === 'win32') return /^[A-Za-z]:\\/.test(entry) ? [{ path: entry }] : [];
  return entry.startsWith('/') ? [{ path: entry }] : [];
}

function relativePath(platform: Platform, root: string, path: string): string {
  return targetPaths(platform).relative(root, path).split(/[\\/]/).join('/');
}

export const containerDefinitions = defineCollector<ContainerDefinitions>({
  id: 'container-definitions',
  description: 'compose files, devcontainer.json, Dockerfiles, docker run scripts and Kubernetes workloads of the repository or of the agent-sandbox folders',
  async collect({ host, get, params }) {
    const platform = host.platform;
    const state: Walk = { entries: 0 };
    const searched: SearchedFolder[] = [];
    const roots: { root: string; files: string[] }[] = [];
    if (host.kind === 'repo') {
      const files: string[] = [];
      await walk(host, platform, '/', REPO_DEPTH, state, files);
      searched.push({ entry: '.', path: '/', exists: true });
      roots.push({ root: '/', files });
    } else {
      const homes = (await get(targetUsers)).audited;
      // The folders this version knows, and any the baseline adds (containerDefinitionPaths).
      const named = Array.isArray(params.containerDefinitionPaths) ? params.containerDefinitionPaths.filter((item): item is string => typeof item === 'string') : [];
      for (const entry of [...new Set([...CONTAINER_DEFINITION_FOLDERS, ...named])]) {
        for (const folder of expandFolder(entry, platform, homes)) {
          const info = await host.stat(folder.path).catch(() => undefined);
          searched.push({ entry, path: folder.path, ...(folder.user ? { user: folder.user } : {}), exists: info?.type === 'dir' });
          if (info?.type !== 'dir') continue;
          const files: string[] = [];
          await walk(host, platform, folder.path, FOLDER_DEPTH, state, files);
          roots.push({ root: folder.path, files });
        }
      }
    }
    const files: DefinitionFile[] = [];
    const skipped: ContainerDefinitions['skipped'] = [];
    for (const { root, files: paths } of roots) {
      for (const path of paths) {
        const relative = host.kind === 'repo' ? path.replace(/^\/+/, '') : relativePath(platform, root, path);
        const definition = await readDefinition(host, path, root, relative);
        if (!definition) continue;
        if ('skipped' in definition) skipped.push({ path, reason: definition.skipped });
        else files.push(definition);
      }
    }
    return { scope: host.kind === 'repo' ? 'repository' : 'folders', searched, files, skipped, ...(state.truncated ? { truncated: state.truncated } : {}) };
  },
});
