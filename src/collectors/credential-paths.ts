import {
  CREDENTIAL_ENV_OVERRIDES,
  CREDENTIAL_FOLDERS,
  CREDENTIAL_PATHS,
  appliesTo,
  type BaseFolder,
  type CredentialRole,
  type ScannerId,
} from '../credentials/catalogue.js';
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Account, AclEvidence, FileInfo, Host } from '../host/host.js';
import { targetPaths, type TargetPaths } from '../host/target-paths.js';
import { targetUsers } from './target-users.js';

/** A path on the way to a credential, with what decides who may pass through it. */
export interface PathNode {
  path: string;
  info?: FileInfo;
  acl?: AclEvidence;
  error?: string;
}

export interface CredentialPath extends PathNode {
  /** The account whose credential this is. */
  user: Account;
  store: string;
  label: string;
  role: CredentialRole;
  scan?: ScannerId;
  /** `default location` or `env NAME`. */
  source: string;
  /** lstat of the path when it is a symlink (info is then the target's). */
  link?: FileInfo;
  /** Where a linked path resolves to. */
  realPath?: string;
  /** The folders above it, from the root down, for reachability. */
  ancestors: PathNode[];
}

export interface CredentialPaths {
  /** Credential paths that exist (or exist but cannot be read). */
  found: CredentialPath[];
  /** How many locations were looked at, to show the search was real. */
  searched: number;
}

type Candidate = Omit<CredentialPath, 'ancestors' | 'info' | 'acl' | 'link' | 'error'>;

export const credentialPaths = defineCollector<CredentialPaths>({
  id: 'credential-paths',
  description: 'credential files and folders of the audited users, with owner, mode and ACL',
  async collect({ host, get }) {
    const users = await get(targetUsers);
    const env = await host.env();
    const current = await host.currentUser();
    const paths = targetPaths(host.platform);
    const nodes = new NodeCache(host);

    const perUser = await Promise.all(
      users.audited.map(async (user) => {
        const envOfUser = current && current.name === user.name ? env : {};
        return [
          ...defaultCandidates(host, paths, user, envOfUser),
          ...envCandidates(host, paths, user, envOfUser),
          ...(await folderCandidates(host, paths, user, envOfUser)),
        ];
      }),
    );
    const candidates: Candidate[] = perUser.flat();

    const unique = new Map<string, Candidate>();
    for (const candidate of candidates) if (!unique.has(candidate.path)) unique.set(candidate.path, candidate);

    const found: CredentialPath[] = [];
    await Promise.all(
      [...unique.values()].map(async (candidate) => {
        const node = await nodes.get(candidate.path);
        if (!node.info && !node.error) return;
        const link = await host.lstat(candidate.path).catch(() => undefined);
        // Who can open a linked credential depends on the folders above the file it resolves to.
        const real = (await host.realPath(candidate.path).catch(() => undefined)) ?? candidate.path;
        // The top of an image is the folder it was unpacked into, whose mode says nothing about the image.
        const chain = host.kind === 'root' ? ancestorsOf(paths, real).slice(1) : ancestorsOf(paths, real);
        const ancestors = await Promise.all(chain.map((path) => nodes.get(path)));
        found.push({
          ...candidate,
          ...node,
          ...(link?.type === 'symlink' ? { link, realPath: real } : {}),
          ancestors,
        });
      }),
    );
    found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { found, searched: unique.size };
  },
});

function baseFolder(paths: TargetPaths, user: Account, base: BaseFolder, env: Record<string, string>): string {
  if (base === 'home') return user.home;
  if (base === 'xdg-config') return env.XDG_CONFIG_HOME && paths.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : paths.join(user.home, '.config');
  return env.APPDATA && paths.isAbsolute(env.APPDATA) ? env.APPDATA : paths.join(user.home, 'AppData', 'Roaming');
}

function defaultCandidates(host: Host, paths: TargetPaths, user: Account, env: Record<string, string>): Candidate[] {
  return CREDENTIAL_PATHS.filter((spec) => appliesTo(spec, host.platform)).map((spec) => ({
    user,
    store: spec.store,
    label: spec.label,
    role: spec.role,
    ...(spec.scan ? { scan: spec.scan } : {}),
    source: 'default location',
    path: paths.join(baseFolder(paths, user, spec.base, env), ...spec.rel.split('/')),
  }));
}

function envCandidates(host: Host, paths: TargetPaths, user: Account, env: Record<string, string>): Candidate[] {
  const delimiter = host.platform === 'win32' ? ';' : ':';
  return CREDENTIAL_ENV_OVERRIDES.flatMap((spec) => {
    const value = env[spec.variable];
    if (!value) return [];
    const list = spec.kind === 'file-list' ? value.split(delimiter) : [value];
    return list
      .filter((item) => item !== '' && paths.isAbsolute(item))
      .map((item) => ({
        user,
        store: spec.store,
        label: spec.label,
        role: spec.role,
        ...(spec.scan ? { scan: spec.scan } : {}),
        source: `env ${spec.variable}`,
        path: paths.normalize(item),
      }));
  });
}

async function folderCandidates(host: Host, paths: TargetPaths, user: Account, env: Record<string, string>): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const spec of CREDENTIAL_FOLDERS.filter((folder) => appliesTo(folder, host.platform))) {
    const folder = paths.join(baseFolder(paths, user, spec.base, env), ...spec.rel.split('/'));
    const names = await host.listDir(folder).catch(() => undefined);
    for (const name of names ?? []) {
      const path = paths.join(folder, name);
      const child = spec.children.find((rule) => rule.match.test(name));
      let role = child?.role;
      if (!role && spec.sniff && !spec.sniff.skip.test(name)) {
        const head = await host.readFile(path, 64).catch(() => undefined);
        if (head && spec.sniff.header.test(head.toString('latin1'))) role = spec.sniff.role;
      }
      if (!role) continue;
      out.push({ user, store: spec.store, label: spec.label, role, ...(child?.scan ? { scan: child.scan } : {}), source: 'default location', path });
    }
  }
  return out;
}

function ancestorsOf(paths: TargetPaths, path: string): string[] {
  const out: string[] = [];
  let current = paths.dirname(path);
  for (;;) {
    out.unshift(current);
    const parent = paths.dirname(current);
    if (parent === current) return out;
    current = parent;
  }
}

/** Stats and ACLs, each fetched once: many credential paths share the same home and folders. */
class NodeCache {
  private readonly cache = new Map<string, Promise<PathNode>>();
  constructor(private readonly host: Host) {}

  get(path: string): Promise<PathNode> {
    let node = this.cache.get(path);
    if (!node) {
      node = this.load(path);
      this.cache.set(path, node);
    }
    return node;
  }

  private async load(path: string): Promise<PathNode> {
    try {
      const info = await this.host.stat(path);
      if (!info) return { path };
      const acl = await this.host.acl(path).catch((error: unknown) => ({ kind: 'unavailable', reason: describeError(error) }) as AclEvidence);
      return { path, info, acl };
    } catch (error) {
      return { path, error: describeError(error) };
    }
  }
}
