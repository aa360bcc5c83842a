// devcontainer.json (JSONC: comments and trailing commas): privileged, capAdd, securityOpt, mounts,
// features that make the container privileged or hand it the host's Docker socket, runArgs (docker run
// flags), remoteUser/containerUser. A Compose-based devcontainer leaves the hardening to its compose
// service, which is judged in the compose file. Never throws.
import { applyEdits, modify, type FormattingOptions, type Node } from 'jsonc-parser';
import { type ContainerSpec, type MountSpec, emptySpec } from '../containers/model.js';
import type { FixPlan } from '../containers/rules.js';
import { lineAt } from '../util/text-lines.js';
import { isHostPath, SUGGESTED_PIDS_LIMIT } from './compose.js';
import { mountFlag, readRunFlags, type FlagRef, type RunRefs, type RunToken } from './docker-run.js';
import { jsonProperties, jsonProperty, jsonString, parseJsonTree } from './json-tree.js';

/** The non-root user of the devcontainers base images, proposed for a root remoteUser. */
export const SUGGESTED_REMOTE_USER = 'vscode';

export interface DevcontainerParse {
  containers: ContainerSpec[];
  error?: string;
}

type Source =
  | { kind: 'property'; key: string; index?: number }
  | { kind: 'feature'; key: string }
  | { kind: 'runArgs'; ref: FlagRef };

interface Refs {
  privileged?: Source;
  capAdd: Source[];
  securityOpt: Source[];
  namespaces: Source[];
  mounts: Source[];
  runArgs: RunRefs;
  runArgsLength?: number;
  /** remoteUser/containerUser keys that name root, for the fix. */
  rootUserKeys: string[];
}

/** Features whose own devcontainer-feature.json makes the container privileged or mounts the Docker socket. */
function featureEffect(id: string): 'privileged' | 'docker-socket' | undefined {
  const name = id.replace(/[:@].*$/, '').replace(/^.*\//, '').toLowerCase();
  if (name === 'docker-in-docker') return 'privileged';
  if (name === 'docker-outside-of-docker' || name === 'docker-from-docker') return 'docker-socket';
  return undefined;
}

function objectMount(text: string, node: Node, line: number): MountSpec {
  const field = (key: string) => jsonString(jsonProperty(text, node, key)?.[0]);
  const source = field('source');
  const target = field('target');
  const type = (field('type') ?? 'volume').toLowerCase();
  return {
    text: `${type} ${source ?? '(anonymous)'} -> ${target ?? '?'}`,
    ...(source !== undefined ? { source } : {}),
    ...(target !== undefined ? { target } : {}),
    readOnly: false,
    bind: type === 'bind' || (source !== undefined && isHostPath(source) && type !== 'volume'),
    line: lineAt(text, jsonProperty(text, node, 'source')?.[0].offset ?? node.offset),
  };
}

function read(text: string): { spec?: ContainerSpec; refs?: Refs; error?: string } {
  const { root, error } = parseJsonTree(text, { jsonc: true });
  if (root?.type !== 'object') return { error: error ?? 'devcontainer.json is not a JSON object' };
  const props = new Map(jsonProperties(text, root).map(([key, node, line]) => [key, { node, line }]));
  const name = jsonString(props.get('name')?.node) ?? 'devcontainer';
  const spec = emptySpec('devcontainer', name, 0, lineAt(text, root.offset));
  const refs: Refs = { capAdd: [], securityOpt: [], namespaces: [], mounts: [], runArgs: { runToken: -1, capAdd: [], securityOpt: [], namespaces: [], mounts: [] }, rootUserKeys: [] };
  const composeService = props.has('dockerComposeFile') ? (jsonString(props.get('service')?.node) ?? '?') : undefined;

  const privileged = props.get('privileged');
  if (privileged?.node.type === 'boolean' && privileged.node.value === true) {
    spec.privileged = { value: true, line: privileged.line };
    refs.privileged = { kind: 'property', key: 'privileged' };
  }
  const stringItems = (key: string, push: (value: string, line: number, index: number) => void) => {
    const node = props.get(key)?.node;
    if (node?.type !== 'array') return;
    (node.children ?? []).forEach((child, index) => {
      const value = jsonString(child);
      if (value !== undefined) push(value, lineAt(text, child.offset), index);
    });
  };
  stringItems('capAdd', (value, line, index) => {
    spec.capAdd.push({ value, line });
    refs.capAdd.push({ kind: 'property', key: 'capAdd', index });
  });
  stringItems('securityOpt', (value, line, index) => {
    spec.securityOpt.push({ value, line });
    refs.securityOpt.push({ kind: 'property', key: 'securityOpt', index });
  });
  const mounts = props.get('mounts')?.node;
  if (mounts?.type === 'array') {
    (mounts.children ?? []).forEach((child, index) => {
      const line = lineAt(text, child.offset);
      const value = jsonString(child);
      const mount = value !== undefined ? mountFlag(value, line) : child.type === 'object' ? objectMount(text, child, line) : undefined;
      if (!mount) return;
      spec.mounts.push(mount);
      refs.mounts.push({ kind: 'property', key: 'mounts', index });
    });
  }
  for (const [id, , line] of jsonProperties(text, props.get('features')?.node)) {
    const effect = featureEffect(id);
    if (effect === 'privileged' && !spec.privileged) {
      spec.privileged = { value: true, line, via: `feature ${id}` };
      refs.privileged = { kind: 'feature', key: id };
    } else if (effect === 'docker-socket') {
      spec.mounts.push({ text: '/var/run/docker.sock -> /var/run/docker-host.sock', source: '/var/run/docker.sock', target: '/var/run/docker-host.sock', readOnly: false, bind: true, line, via: `feature ${id}` });
      refs.mounts.push({ kind: 'feature', key: id });
      spec.securityOpt.push({ value: 'label=disable', line, via: `feature ${id}` });
      refs.securityOpt.push({ kind: 'feature', key: id });
    }
  }
  for (const key of ['remoteUser', 'containerUser']) {
    const entry = props.get(key);
    const value = jsonString(entry?.node);
    if (!entry || value === undefined) continue;
    if (/^(root|0)$/i.test(value.trim())) refs.rootUserKeys.push(key);
    // The agent's terminal runs as remoteUser; a root containerUser matters when remoteUser is not set.
    if (!spec.user || (key === 'containerUser' && /^(root|0)$/i.test(value) && !props.has('remoteUser'))) spec.user = { value, line: entry.line };
  }

  if (composeService !== undefined) {
    // runArgs and workspaceMount do not apply to a Compose-based devcontainer; its service carries the hardening.
    spec.notApplicable.push('cap-drop-all', 'no-new-privileges', 'read-only', 'pids-limit');
    if (!spec.user) spec.notApplicable.push('non-root-user');
    spec.notes.push(`hardening is judged on compose service ${composeService}`);
    return { spec, refs };
  }
  if (!spec.user) spec.notApplicable.push('non-root-user');
  const workspaceMount = props.get('workspaceMount');
  const workspaceValue = jsonString(workspaceMount?.node);
  if (workspaceMount && workspaceValue !== undefined) {
    spec.mounts.push(mountFlag(workspaceValue, workspaceMount.line));
    refs.mounts.push({ kind: 'property', key: 'workspaceMount' });
  }
  const runArgs = props.get('runArgs')?.node;
  if (runArgs?.type === 'array') {
    const tokens: RunToken[] = (runArgs.children ?? []).map((child) => {
      const value = jsonString(child);
      return { text: value ?? '', start: child.offset, end: child.offset + child.length, line: lineAt(text, child.offset), ...(value === undefined ? { separator: true } : {}) };
    });
    refs.runArgsLength = tokens.length;
    // Every element is a flag (the image comes from image/build): read past words that are not options.
    const before = { caps: spec.capAdd.length, opts: spec.securityOpt.length, mounts: spec.mounts.length };
    for (let at = 0; at < tokens.length; ) {
      const next = readRunFlags(tokens, at, spec, refs.runArgs);
      at = next === at ? at + 1 : next;
    }
    refs.runArgs.capAdd.forEach((ref, index) => (refs.capAdd[before.caps + index] = { kind: 'runArgs', ref }));
    refs.runArgs.securityOpt.forEach((ref, index) => (refs.securityOpt[before.opts + index] = { kind: 'runArgs', ref }));
    refs.runArgs.mounts.forEach((ref, index) => (refs.mounts[before.mounts + index] = { kind: 'runArgs', ref }));
    refs.runArgs.namespaces.forEach((ref) => refs.namespaces.push({ kind: 'runArgs', ref }));
    if (refs.runArgs.privileged && !refs.privileged) refs.privileged = { kind: 'runArgs', ref: refs.runArgs.privileged };
  }
  return { spec, refs, ...(error ? { error } : {}) };
}

/** The container a devcontainer.json describes; a syntax error is reported with its line. */
export function parseDevcontainer(text: string): DevcontainerParse {
  const { spec, error } = read(text);
  return { containers: spec ? [spec] : [], ...(error ? { error } : {}) };
}

function formatting(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

function edit(text: string, path: (string | number)[], value: unknown, insert = false): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: formatting(text), ...(insert ? { isArrayInsertion: true } : {}) }));
}

function removeSource(text: string, source: Source): string {
  if (source.kind === 'feature') return edit(text, ['features', source.key], undefined);
  if (source.kind === 'property') return edit(text, source.index === undefined ? [source.key] : [source.key, source.index], undefined);
  const ref = source.ref;
  if (ref.values.length > 1) return edit(text, ['runArgs', ref.valueToken], `${ref.prefix}${ref.values.filter((_v, i) => i !== ref.valueIndex).join(',')}`);
  let out = text;
  for (const index of [...ref.tokens].sort((a, b) => b - a)) out = edit(out, ['runArgs', index], undefined);
  return out;
}

/** The file after the change `plan` describes, or undefined when no exact edit can be made. */
export function fixDevcontainer(text: string, _spec: ContainerSpec, plan: FixPlan): string | undefined {
  const { spec, refs, error } = read(text);
  if (!spec || !refs || error) return undefined;
  let out = text;
  const removal = plan.remove;
  if (removal) {
    const source =
      removal.setting === 'privileged' ? refs.privileged
      : removal.setting === 'capAdd' ? refs.capAdd[removal.index]
      : removal.setting === 'securityOpt' ? refs.securityOpt[removal.index]
      : removal.setting === 'namespace' ? refs.namespaces[removal.index]
      : refs.mounts[removal.index];
    if (!source) return undefined;
    out = removeSource(out, source);
  }
  const runArgs: string[] = [];
  for (const item of plan.add ?? []) {
    if (item === 'cap-drop-all') runArgs.push('--cap-drop=ALL');
    else if (item === 'read-only') runArgs.push('--read-only');
    else if (item === 'no-new-privileges') {
      const count = spec.securityOpt.filter((_o, i) => refs.securityOpt[i]?.kind === 'property').length;
      out = count > 0 ? edit(out, ['securityOpt', count], 'no-new-privileges', true) : edit(out, ['securityOpt'], ['no-new-privileges']);
    } else if (item === 'pids-limit') {
      const ref = refs.runArgs.pidsLimit;
      if (ref) out = edit(out, ['runArgs', ref.valueToken], `${ref.prefix}${SUGGESTED_PIDS_LIMIT}`);
      else runArgs.push(`--pids-limit=${SUGGESTED_PIDS_LIMIT}`);
    } else if (item === 'non-root-user') {
      for (const key of refs.rootUserKeys) out = edit(out, [key], SUGGESTED_REMOTE_USER);
    }
  }
  if (runArgs.length > 0) {
    if (refs.runArgsLength === undefined) out = edit(out, ['runArgs'], runArgs);
    else runArgs.forEach((arg, index) => (out = edit(out, ['runArgs', (refs.runArgsLength as number) + index], arg, true)));
  }
  if (out === text) return undefined;
  return parseJsonTree(out, { jsonc: true }).error ? undefined : out;
}
