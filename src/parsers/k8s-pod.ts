// Kubernetes workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), in multi-document
// YAML: one ContainerSpec per container (init and ephemeral ones too) with the pod's host namespaces and
// hostPath volumes, the container's securityContext over the pod's. Never throws.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { type ContainerSpec, type Located, type MountSpec, emptySpec } from '../containers/model.js';
import type { FixPlan } from '../containers/rules.js';
import { appendSeqItem, columnOf, insertLinesAfter, isTrueScalar, mapIndent, removePair, removeSeqItems, replaceScalar } from '../containers/yaml-edit.js';
import { applySplices, type Splice } from '../remediate/unified-diff.js';

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;

export interface KubernetesParse {
  containers: ContainerSpec[];
  error?: string;
}

/** Whether a YAML text looks like a Kubernetes workload, before parsing it. */
export function looksLikeWorkload(text: string): boolean {
  return /^apiVersion:/m.test(text) && new RegExp(`^kind:\\s*["']?(${WORKLOAD_KINDS.join('|')})["']?\\s*$`, 'm').test(text);
}

interface ContainerRefs {
  map: YAMLMap;
  securityContext?: Pair;
  privileged?: Pair;
  capAdd: { pair: Pair; item: number }[];
  /** Scalars to set for an unconfined profile, and the safe value. */
  securityOpt: ({ node: Node; safe: string } | undefined)[];
  namespaces: Pair[];
}

function get(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key) as Pair | undefined;
}

function value(map: unknown, ...keys: string[]): unknown {
  let node: unknown = map;
  for (const key of keys) node = get(node, key)?.value;
  return node;
}

function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

function podSpec(root: unknown): YAMLMap | undefined {
  const kind = text(value(root, 'kind'));
  const spec = kind === 'Pod' ? value(root, 'spec') : kind === 'CronJob' ? value(root, 'spec', 'jobTemplate', 'spec', 'template', 'spec') : value(root, 'spec', 'template', 'spec');
  return isMap(spec) ? (spec as YAMLMap) : undefined;
}

interface Read {
  specs: ContainerSpec[];
  refs: ContainerRefs[];
  error?: string;
}

function read(source: string): Read {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys: false });
  const lineOf = (node: unknown): number => ((node as Node | undefined)?.range ? lineCounter.linePos((node as Node).range?.[0] as number).line : 0);
  const out: Read = { specs: [], refs: [] };
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list as Document[]) {
    const first = doc.errors[0];
    if (first && !out.error) out.error = `invalid YAML at line ${lineCounter.linePos(first.pos[0]).line}: ${first.message.split('\n')[0] ?? first.code}`;
    const root = doc.contents;
    const kind = text(value(root, 'kind'));
    if (!kind || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) continue;
    const pod = podSpec(root);
    if (!pod) continue;
    const workload = `${kind}/${text(value(root, 'metadata', 'name')) ?? '?'}`;
    const annotations = kind === 'Pod' ? value(root, 'metadata', 'annotations') : value(root, 'spec', 'template', 'metadata', 'annotations');
    const hostPaths = new Map<string, { path: string; line: number }>();
    const volumes = value(pod, 'volumes');
    if (isSeq(volumes)) {
      for (const volume of volumes.items) {
        const name = text(value(volume, 'name'));
        const pathNode = value(volume, 'hostPath', 'path');
        const hostPath = text(pathNode);
        if (name !== undefined && hostPath !== undefined) hostPaths.set(name, { path: hostPath, line: lineOf(pathNode) });
      }
    }
    const podSc = value(pod, 'securityContext');
    for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
      const containers = value(pod, group);
      if (!isSeq(containers)) continue;
      for (const container of containers.items) {
        if (!isMap(container)) continue;
        const name = text(value(container, 'name')) ?? '?';
        const spec = emptySpec('kubernetes', `${workload} container ${name}`, out.specs.length, lineOf(container));
        spec.notApplicable.push('pids-limit');
        const refs: ContainerRefs = { map: container as YAMLMap, capAdd: [], securityOpt: [], namespaces: [] };
        const scPair = get(container, 'securityContext');
        if (scPair) refs.securityContext = scPair;
        const sc = scPair?.value;
        const privileged = get(sc, 'privileged');
        if (privileged && isTrueScalar(privileged.value)) {
          spec.privileged = { value: true, line: lineOf(privileged.key) };
          refs.privileged = privileged;
        }
        const caps = value(sc, 'capabilities');
        const add = get(caps, 'add');
        if (add && isSeq(add.value)) {
          (add.value as YAMLSeq).items.forEach((item, index) => {
            const cap = text(item);
            if (cap === undefined) return;
            spec.capAdd.push({ value: cap, line: lineOf(item) });
            refs.capAdd.push({ pair: add, item: index });
          });
        }
        const drop = value(caps, 'drop');
        if (isSeq(drop)) for (const item of drop.items) if (text(item) !== undefined) spec.capDrop.push({ value: text(item) as string, line: lineOf(item) });
        const pushOpt = (option: Located<string>, ref?: { node: Node; safe: string }) => {
          spec.securityOpt.push(option);
          refs.securityOpt.push(ref);
        };
        const escalation = get(sc, 'allowPrivilegeEscalation');
        if (escalation && isScalar(escalation.value) && escalation.value.value === false) pushOpt({ value: 'no-new-privileges', line: lineOf(escalation.key) });
        for (const [where, context] of [['container', sc], ['pod', podSc]] as const) {
          const seccomp = value(context, 'seccompProfile', 'type');
          if (text(seccomp)?.toLowerCase() === 'unconfined') pushOpt({ value: 'seccomp=unconfined', line: lineOf(seccomp), ...(where === 'pod' ? { via: 'pod securityContext' } : {}) }, { node: seccomp as Node, safe: 'RuntimeDefault' });
          const apparmor = value(context, 'appArmorProfile', 'type');
          if (text(apparmor)?.toLowerCase() === 'unconfined') pushOpt({ value: 'apparmor=unconfined', line: lineOf(apparmor), ...(where === 'pod' ? { via: 'pod securityContext' } : {}) }, { node: apparmor as Node, safe: 'RuntimeDefault' });
        }
        const annotation = value(annotations, `container.apparmor.security.beta.kubernetes.io/${name}`);
        if (text(annotation) === 'unconfined') pushOpt({ value: 'apparmor=unconfined', line: lineOf(annotation), via: 'annotation' }, { node: annotation as Node, safe: 'runtime/default' });
        const procMount = value(sc, 'procMount');
        if (text(procMount) === 'Unmasked') pushOpt({ value: 'systempaths=unconfined', line: lineOf(procMount) }, { node: procMount as Node, safe: 'Default' });
        const readOnly = get(sc, 'readOnlyRootFilesystem');
        if (readOnly) spec.readOnly = { value: isTrueScalar(readOnly.value), line: lineOf(readOnly.key) };
        for (const [context, via] of [[sc, undefined], [podSc, 'pod securityContext']] as const) {
          if (spec.user) break;
          const runAsUser = get(context, 'runAsUser');
          const nonRoot = get(context, 'runAsNonRoot');
          const uid = text(runAsUser?.value);
          if (runAsUser && uid !== undefined) spec.user = { value: uid, line: lineOf(runAsUser.key), ...(via ? { via } : {}) };
          else if (nonRoot && isTrueScalar(nonRoot.value)) spec.user = { value: 'non-root', line: lineOf(nonRoot.key), ...(via ? { via } : {}) };
        }
        for (const [key, kind] of [['hostNetwork', 'network'], ['hostPID', 'pid'], ['hostIPC', 'ipc']] as const) {
          const pair = get(pod, key);
          if (pair && isTrueScalar(pair.value)) {
            spec.namespaces.push({ value: { kind, value: 'host' }, line: lineOf(pair.key) });
            refs.namespaces.push(pair);
          }
        }
        const mounts = value(container, 'volumeMounts');
        if (isSeq(mounts)) {
          for (const mount of mounts.items) {
            const volume = hostPaths.get(text(value(mount, 'name')) ?? '');
            if (!volume) continue;
            const target = text(value(mount, 'mountPath'));
            const readOnlyMount = isTrueScalar(value(mount, 'readOnly'));
            const hostMount: MountSpec = { text: `hostPath ${volume.path} -> ${target ?? '?'}${readOnlyMount ? ' read-only' : ''}`, source: volume.path, ...(target !== undefined ? { target } : {}), readOnly: readOnlyMount, bind: true, line: volume.line };
            spec.mounts.push(hostMount);
          }
        }
        out.specs.push(spec);
        out.refs.push(refs);
      }
    }
  }
  return out;
}

export function parseKubernetes(source: string): KubernetesParse {
  const { specs, error } = read(source);
  return { containers: specs, ...(error ? { error } : {}) };
}

/** The manifest after the change `plan` describes for one container, or undefined when none can be made. */
export function fixKubernetes(source: string, spec: ContainerSpec, plan: FixPlan): string | undefined {
  const parsed = read(source);
  if (parsed.error) return undefined;
  const refs = parsed.refs[spec.index];
  if (!refs || parsed.specs[spec.index]?.name !== spec.name) return undefined;
  const splices: Splice[] = [];
  const removal = plan.remove;
  if (removal) {
    if (removal.setting === 'privileged' && refs.privileged) splices.push(removePair(source, refs.privileged));
    else if (removal.setting === 'capAdd' && refs.capAdd[removal.index]) {
      const ref = refs.capAdd[removal.index] as { pair: Pair; item: number };
      splices.push(...removeSeqItems(source, ref.pair, [ref.item]));
    } else if (removal.setting === 'securityOpt' && refs.securityOpt[removal.index]) {
      const ref = refs.securityOpt[removal.index] as { node: Node; safe: string };
      splices.push(replaceScalar(ref.node, ref.safe));
    } else if (removal.setting === 'namespace' && refs.namespaces[removal.index]) splices.push(removePair(source, refs.namespaces[removal.index] as Pair));
    else return undefined;
  }
  const sc = refs.securityContext?.value;
  const lines: string[] = [];
  for (const item of plan.add ?? []) {
    if (item === 'cap-drop-all') {
      const caps = get(sc, 'capabilities');
      const drop = get(caps?.value, 'drop');
      if (drop && isSeq(drop.value)) {
        const splice = appendSeqItem(source, drop.value as YAMLSeq, 'ALL');
        if (!splice) return undefined;
        splices.push(splice);
      } else if (caps && isMap(caps.value) && !(caps.value as YAMLMap).flow) {
        splices.push(insertLinesAfter(source, (caps.key as Node).range?.[0] ?? 0, [`${mapIndent(source, caps.value) ?? ''}drop: [ALL]`]));
      } else if (caps) return undefined;
      else lines.push('capabilities:', '  drop: [ALL]');
    } else if (item === 'no-new-privileges') {
      const pair = get(sc, 'allowPrivilegeEscalation');
      if (pair?.value) splices.push(replaceScalar(pair.value as Node, 'false'));
      else lines.push('allowPrivilegeEscalation: false');
    } else if (item === 'read-only') {
      const pair = get(sc, 'readOnlyRootFilesystem');
      if (pair?.value) splices.push(replaceScalar(pair.value as Node, 'true'));
      else lines.push('readOnlyRootFilesystem: true');
    } else if (item === 'non-root-user') {
      const uid = get(sc, 'runAsUser');
      const nonRoot = get(sc, 'runAsNonRoot');
      if (uid?.value) splices.push(replaceScalar(uid.value as Node, '1000'));
      else if (nonRoot?.value) splices.push(replaceScalar(nonRoot.value as Node, 'true'));
      else lines.push('runAsNonRoot: true');
    }
  }
  if (lines.length > 0) {
    if (refs.securityContext) {
      const value = refs.securityContext.value;
      if (isMap(value) && (value as YAMLMap).flow) return undefined;
      const key = refs.securityContext.key as Node;
      const indent = mapIndent(source, value) ?? ' '.repeat(columnOf(source, key.range?.[0] ?? 0) + 2);
      splices.push(insertLinesAfter(source, key.range?.[0] ?? 0, lines.map((line) => `${indent}${line}`)));
    } else {
      const firstPair = refs.map.items[0];
      const indent = mapIndent(source, refs.map);
      if (!firstPair || indent === undefined) return undefined;
      const end = (firstPair.value as Node | null)?.range?.[1] ?? (firstPair.key as Node).range?.[1] ?? 0;
      splices.push(insertLinesAfter(source, Math.max(0, end - 1), [`${indent}securityContext:`, ...lines.map((line) => `${indent}  ${line}`)]));
    }
  }
  if (splices.length === 0) return undefined;
  const after = applySplices(source, splices);
  return read(after).error ? undefined : after;
}
