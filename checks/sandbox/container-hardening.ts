import { CONTAINER_DEFINITION_FOLDERS, containerDefinitions } from '../../src/collectors/container-definitions.js';
import type { ContainerSpec, DefinitionFile } from '../../src/containers/model.js';
import { remediationFor } from '../../src/containers/remediation.js';
import { type IssueSeverity, judgeContainer } from '../../src/containers/rules.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { type Schema, stringList } from '../../src/engine/params-schema.js';

/**
 * The folders judged on machines and images: a subset of those the collector searches (collectors do not
 * see params, so a folder outside that list could never be read; refusing it at baseline load is honest).
 */
/** Folders as the collector expands them: absolute (POSIX or C:\\), or `~/...` in every audited home. */
function folderList(description: string): Schema<string[]> {
  const inner = stringList(description, [...CONTAINER_DEFINITION_FOLDERS]);
  return {
    ...inner,
    describe: () => 'list of folders (absolute, or ~/ for every audited home)',
    validate(value, path, issues) {
      const list = inner.validate(value, path, issues);
      if (!list) return undefined;
      const bad = list.filter((entry) => !/^(~\/|\/|[A-Za-z]:\\)/.test(entry) || entry.split(/[\\/]/).includes('..'));
      if (bad.length > 0) {
        issues.push({ path, message: `${bad.join(', ')}: a folder must be absolute or start with ~/, without ..` });
        return undefined;
      }
      return list;
    },
  };
}

const SEVERITY_ORDER: IssueSeverity[] = ['critical', 'high', 'medium', 'low'];

function label(spec: ContainerSpec): string {
  switch (spec.format) {
    case 'compose':
      return `service ${spec.name}`;
    case 'devcontainer':
      return `devcontainer "${spec.name}"`;
    case 'dockerfile':
      return `Dockerfile ${spec.name}`;
    case 'docker-run':
      return `${spec.name} (line ${spec.line})`;
    case 'kubernetes':
      return spec.name;
  }
}

function parseErrorFinding(file: DefinitionFile): Finding {
  const line = /\bline (\d+)/.exec(file.error ?? '')?.[1];
  return {
    message: `[medium] ${file.relative}: ${file.error}; ${file.containers.length > 0 ? 'judged as far as it could be read' : 'not judged'}`,
    location: { path: file.path, ...(line ? { line: Number(line) } : {}) },
    subject: file.relative,
    actions: [{ kind: 'manual', text: `Fix the syntax of ${file.path}${line ? ` at line ${line}` : ''}; the container engine would reject it too.` }],
  };
}

export default defineCheck({
  meta: {
    id: 'sandbox.container-hardening',
    title: 'Container definitions an agent runs in are locked down',
    area: 'sandbox',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'A container only contains a prompt-injected agent if the definition keeps the host out of it. privileged, the Docker socket, the host root or ' +
      'credential folders mounted, host network or pid namespaces, dangerous capabilities and disabled seccomp/AppArmor each hand the host to the code ' +
      'inside. Without cap_drop ALL, no-new-privileges, a read-only root, a non-root user and a pids limit, one kernel bug or setuid binary is enough. ' +
      'In a repository (--repo) every compose file, devcontainer.json, Dockerfile, docker run script and Kubernetes workload is judged; on a machine or ' +
      'image the agent-sandbox folders (param containerDefinitionPaths). Each finding names its severity, file and line, grouped per container.',
    references: [
      { title: 'OWASP Docker Security Cheat Sheet', url: 'https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html' },
      { title: 'CIS Docker Benchmark, section 5 (container runtime)', url: 'https://www.cisecurity.org/benchmark/docker' },
      { title: 'Kubernetes Pod Security Standards (restricted)', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
      { title: 'Dev Container metadata reference', url: 'https://containers.dev/implementors/json_reference/' },
    ],
    fix: 'Apply the diff of each finding: drop privileged, the Docker socket, host namespaces and credential mounts; add cap_drop ALL, no-new-privileges, read_only, a non-root user and a pids limit.',
  },
  params: {
    containerDefinitionPaths: folderList(
      'Folders searched for the agent\'s container definitions on machines and images (`~/` is every audited home); repositories (--repo) are searched whole. [] judges repositories only.',
    ),
    allowedCapabilities: stringList('Capabilities accepted in cap_add (for example NET_ADMIN for a sandbox that sets up its own egress firewall); CAP_ prefix and case do not matter.', []),
  },
  uses: [containerDefinitions],
  evaluate(facts, params) {
    const definitions = facts.get(containerDefinitions);
    const judgedRoots = new Set(definitions.searched.filter((folder) => definitions.scope === 'repository' || params.containerDefinitionPaths.includes(folder.entry)).map((folder) => folder.path));
    const files = definitions.files.filter((file) => judgedRoots.has(file.root));
    const where =
      definitions.scope === 'repository'
        ? 'the repository'
        : definitions.searched.filter((folder) => judgedRoots.has(folder.path)).map((folder) => folder.path).join(', ') || 'no folder (containerDefinitionPaths is empty)';
    if (files.length === 0) {
      return {
        status: 'skipped',
        message: `no container definitions in ${where} (looked for compose files, devcontainer.json, Dockerfiles, scripts with docker/podman run and Kubernetes workloads)${definitions.truncated ? `; ${definitions.truncated}` : ''}`,
      };
    }
    // In file order, then container order, then line order: a ten-service file reads service by service.
    const findings: Finding[] = [];
    const counts = new Map<IssueSeverity, number>();
    const seen = new Set<string>();
    let containers = 0;
    for (const file of files) {
      if (file.error) findings.push(parseErrorFinding(file));
      for (const spec of file.containers) {
        containers++;
        for (const issue of judgeContainer(spec, { allowedCapabilities: params.allowedCapabilities })) {
          // Pod-level settings repeat on every container of the pod: one finding is enough.
          const key = `${file.path}:${issue.line}:${issue.kind}:${issue.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          counts.set(issue.severity, (counts.get(issue.severity) ?? 0) + 1);
          findings.push({
            message: `[${issue.severity}] ${label(spec)}: ${issue.message}`,
            location: { path: file.path, line: issue.line },
            subject: label(spec),
            actions: [remediationFor(file, spec, issue)],
          });
        }
      }
    }
    const found = definitions.scope === 'repository' ? where : [...new Set(files.map((file) => file.root))].join(', ');
    const summary = `${containers} container definition(s) in ${files.length} file(s) of ${found}`;
    if (findings.length === 0) {
      return { status: 'pass', message: `${summary}: no privilege, no host socket or credential mount, capabilities dropped, no-new-privileges, read-only, non-root, pids limited` };
    }
    const bySeverity = SEVERITY_ORDER.filter((severity) => counts.get(severity)).map((severity) => `${counts.get(severity)} ${severity}`).join(', ');
    return {
      status: 'fail',
      message: `${summary}: ${findings.length} finding(s)${bySeverity ? ` (${bySeverity})` : ''}`,
      findings,
    };
  },
});
