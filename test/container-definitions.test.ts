// Container definitions (compose, devcontainer.json, Dockerfile, docker run scripts, Kubernetes) and the
// Docker daemon: the parsers on every real file of ../shared/corpus, lines pinned by hand, the unified
// diffs of the remediation checked with the real `patch` (and `git apply`), and a --repo scan through the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import { runChecks } from '../src/engine/runner.js';
import { ReplayHost, type ReplayEntry } from '../src/host/replay-host.js';
import { RootHost } from '../src/host/root-host.js';
import { FactStore } from '../src/engine/fact-store.js';
import { classifyName, containerDefinitions } from '../src/collectors/container-definitions.js';
import type { ContainerFormat, ContainerSpec, DefinitionFile } from '../src/containers/model.js';
import { normalizeHostPath } from '../src/containers/model.js';
import { fixedText, remediationFor } from '../src/containers/remediation.js';
import { lineHoldsSecret } from '../src/secrets/secret-heuristics.js';
import { type ContainerIssue, judgeContainer } from '../src/containers/rules.js';
import { parseCompose, splitVolumeSpec } from '../src/parsers/compose.js';
import { parseDevcontainer } from '../src/parsers/devcontainer.js';
import { parseDaemonJson, parseDockerdFlags, unitExecStart } from '../src/parsers/docker-daemon.js';
import { parseDockerRuns, tokenizeShell } from '../src/parsers/docker-run.js';
import { dockerfileInstructions, parseDockerfile } from '../src/parsers/dockerfile.js';
import { looksLikeWorkload, parseKubernetes } from '../src/parsers/k8s-pod.js';
import { unifiedDiff } from '../src/remediate/unified-diff.js';
import { endpoint } from '../checks/scenario-kit.js';
import { runCli } from './support/cli.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const corpusFiles = (kind: string) => readdirSync(path.join(CORPUS, kind)).sort();
const corpus = (kind: string, name: string) => readFileSync(path.join(CORPUS, kind, name), 'utf8');
const hasGit = spawnSync('git', ['--version']).status === 0;

afterAll(() => removeTempDirs());

function parse(format: ContainerFormat, text: string): { containers: ContainerSpec[]; error?: string } {
  switch (format) {
    case 'compose':
      return parseCompose(text);
    case 'devcontainer':
      return parseDevcontainer(text);
    case 'dockerfile':
      return parseDockerfile(text);
    case 'kubernetes':
      return parseKubernetes(text);
    case 'docker-run':
      return { containers: parseDockerRuns(text) };
  }
}

function issuesOf(format: ContainerFormat, text: string, allowedCapabilities: string[] = []): { spec: ContainerSpec; issue: ContainerIssue }[] {
  return parse(format, text).containers.flatMap((spec) => judgeContainer(spec, { allowedCapabilities }).map((issue) => ({ spec, issue })));
}

/** `name:line:kind` of every issue, for compact assertions. */
function summary(format: ContainerFormat, text: string): string[] {
  return issuesOf(format, text).map(({ spec, issue }) => `${spec.name}:${issue.line}:${issue.kind}:${issue.severity}`);
}

function definition(format: ContainerFormat, relative: string, text: string, root = '/work'): DefinitionFile {
  return { path: `${root}/${relative}`, root, relative, format, text, ...parse(format, text) };
}

/** Writes `text` at dir/relative, checks `diff` with `patch -p1 --dry-run` (and `git apply --check`), applies it, returns the result. */
function patchFile(relative: string, text: string, diff: string): string {
  const dir = makeTempDir('patch');
  writeFileAt(path.join(dir, relative), text);
  const dry = spawnSync('patch', ['-p1', '--dry-run', '--batch', '-d', dir], { input: diff, encoding: 'utf8' });
  expect(dry.status, `patch --dry-run: ${dry.stdout}${dry.stderr}\n${diff}`).toBe(0);
  if (hasGit) {
    const check = spawnSync('git', ['apply', '--check', '-p1', '--directory=', '-'], { input: diff, cwd: dir, encoding: 'utf8' });
    expect(check.status, `git apply --check: ${check.stderr}\n${diff}`).toBe(0);
  }
  const real = spawnSync('patch', ['-p1', '--batch', '--no-backup-if-mismatch', '-d', dir], { input: diff, encoding: 'utf8' });
  expect(real.status, real.stderr).toBe(0);
  return readFileSync(path.join(dir, relative), 'utf8');
}

/** The diff inside a manual action produced by remediationFor. */
function diffOf(text: string): string {
  const at = text.indexOf('\n--- a/');
  return at < 0 ? '' : text.slice(at + 1);
}

const LINES = (count: number) => Array.from({ length: count }, (_v, index) => `l${index + 1}\n`).join('');

describe('unified diffs', () => {
  const cases: [string, string, string][] = [
    ['a change in the middle', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nD\ne\nf\ng\nh\n'],
    ['an insertion at the top', 'one\ntwo\n', 'zero\none\ntwo\n'],
    ['a deletion of the last line', 'one\ntwo\nthree\n', 'one\ntwo\n'],
    ['a last line without a line break', 'services:\n  plex:\n    network_mode: host', 'services:\n  plex:\n    image: x'],
    ['adding a line break at the end', 'a\nb', 'a\nb\n'],
    ['two far-apart changes in two hunks', LINES(20), LINES(20).replace('l1\n', 'first\n').replace('l20\n', 'last\n')],
    ['CRLF lines', 'a\r\nb\r\nc\r\n', 'a\r\nB\r\nc\r\n'],
    ['an empty file', '', 'USER 1000:1000\n'],
  ];
  it.each(cases)('%s: patch -p1 turns the old text into the new one', (_name, before, after) => {
    const diff = unifiedDiff('dir with space/compose.yaml', before, after);
    expect(diff.startsWith('--- a/dir with space/compose.yaml\t\n+++ b/dir with space/compose.yaml\t\n@@ -')).toBe(true);
    expect(patchFile('dir with space/compose.yaml', before, diff)).toBe(after);
  });

  it('is empty for equal texts and shows the no-newline marker', () => {
    expect(unifiedDiff('f', 'same\n', 'same\n')).toBe('');
    expect(unifiedDiff('f', 'a\nb', 'a\nc')).toContain('-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  });

  it('numbers hunks as diff -u does: two hunks for changes more than 6 lines apart', () => {
    const diff = unifiedDiff('f', LINES(20), LINES(20).replace('l1\n', 'first\n').replace('l20\n', 'last\n'));
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,4 +1,4 @@', '@@ -17,4 +17,4 @@']);
  });
});

describe('the compose corpus', () => {
  it.each(corpusFiles('compose'))('%s parses without an error and judges every service', (name) => {
    const parsed = parseCompose(corpus('compose', name));
    expect(parsed.error).toBeUndefined();
    expect(parsed.containers.length).toBeGreaterThan(0);
    for (const spec of parsed.containers) {
      expect(spec.line).toBeGreaterThan(0);
      for (const issue of judgeContainer(spec, { allowedCapabilities: [] })) expect(issue.line).toBeGreaterThan(0);
    }
  });

  it('openhands: privileged at line 4, the socket at 23, .git-credentials at 28 and .npmrc at 30', () => {
    expect(summary('compose', corpus('compose', 'openhands-dev-privileged-docker-sock-host-creds.compose.yml'))).toEqual([
      'dev:3:missing-hardening:medium',
      'dev:4:privileged:critical',
      'dev:23:engine-socket:critical',
      'dev:28:sensitive-mount:high',
      'dev:30:sensitive-mount:high',
    ]);
  });

  it('openhands: ${VAR:-default} stays text; $HOME is the home folder; .gitconfig is not a credential store', () => {
    const spec = parseCompose(corpus('compose', 'openhands-dev-privileged-docker-sock-host-creds.compose.yml')).containers[0] as ContainerSpec;
    expect(spec.mounts.map((mount) => mount.source)).toEqual([
      '/var/run/docker.sock',
      '${WORKSPACE_BASE:-$PWD/workspace}',
      '${OPENHANDS_WORKSPACE:-../../}',
      '$HOME/.git-credentials',
      '$HOME/.gitconfig',
      '$HOME/.npmrc',
      'cache-data',
    ]);
    expect(spec.mounts[3]?.readOnly).toBe(true);
    expect(spec.mounts[6]?.bind).toBe(false);
  });

  it('portainer: the quoted socket mount at line 9', () => {
    expect(summary('compose', corpus('compose', 'awesome-compose-portainer-docker-sock.compose.yaml'))).toEqual(['portainer:2:missing-hardening:medium', 'portainer:9:engine-socket:critical']);
  });

  it('plex: network_mode host at line 5 in a file without a final newline', () => {
    expect(summary('compose', corpus('compose', 'awesome-compose-plex-network-mode-host-no-eol.compose.yaml'))).toEqual(['plex:2:missing-hardening:medium', 'plex:5:host-namespace:high']);
  });

  it('gluetun: the socket, ~/.ssh, SYS_PTRACE, NET_ADMIN and seccomp:unconfined, each at its line', () => {
    expect(summary('compose', corpus('compose', 'gluetun-devcontainer-seccomp-unconfined.docker-compose.yml'))).toEqual([
      'vscode:4:missing-hardening:medium',
      'vscode:9:engine-socket:critical',
      'vscode:14:sensitive-mount:high',
      'vscode:23:capability:high',
      'vscode:24:capability:high',
      'vscode:27:unconfined:high',
    ]);
  });

  it('wollomatic: read_only, cap_drop ALL, no-new-privileges and a user leave only the socket and the pids limits', () => {
    expect(summary('compose', corpus('compose', 'wollomatic-socket-proxy-readonly-capdrop-nnp.compose.yaml'))).toEqual([
      'dockerproxy:2:missing-hardening:medium',
      'dockerproxy:26:engine-socket:critical',
      'watchtower:32:missing-hardening:medium',
    ]);
    const [first] = issuesOf('compose', corpus('compose', 'wollomatic-socket-proxy-readonly-capdrop-nnp.compose.yaml'));
    expect(first?.issue.message).toBe('lacks pids_limit');
  });

  it('falco: lowercase "cap_drop: [all]" counts, lowercase sys_admin is critical, /proc and /etc mounts are reported', () => {
    const falco = issuesOf('compose', corpus('compose', 'falco-capdrop-all-lowercase-docker-sock.docker-compose.yaml')).filter(({ spec }) => spec.name === 'falco');
    expect(falco.map(({ issue }) => `${issue.line}:${issue.kind}`)).toEqual(['3:missing-hardening', '8:capability', '9:capability', '10:capability', '12:engine-socket', '13:sensitive-mount', '14:sensitive-mount']);
    expect(falco[0]?.issue.message).not.toContain('cap_drop');
    expect(falco[1]?.issue).toMatchObject({ severity: 'critical', message: expect.stringContaining('SYS_ADMIN') });
  });

  it('devcontainers dood: the commented-out cap_add and seccomp are not settings; the remapped socket is', () => {
    expect(summary('compose', corpus('compose', 'devcontainers-dood-commented-seccomp-trailing-ws.docker-compose.yml'))).toEqual(['app:4:missing-hardening:medium', 'app:11:engine-socket:critical']);
  });

  it('nextcloud: a read-only socket is still critical; network_mode bridge is fine', () => {
    const issues = issuesOf('compose', corpus('compose', 'nextcloud-aio-docker-sock-ro-heavy-comments.compose.yaml'));
    expect(issues.map(({ issue }) => `${issue.line}:${issue.kind}`)).toEqual(['3:missing-hardening', '10:engine-socket']);
    expect(issues[1]?.issue.message).toContain('read-only does not help');
  });

  it('nginx-golang-mysql: a mount-level read_only is not the service read_only', () => {
    const proxy = parseCompose(corpus('compose', 'awesome-compose-nginx-golang-mysql-mount-read_only.compose.yaml')).containers.find((spec) => spec.name === 'proxy');
    expect(proxy?.readOnly).toBeUndefined();
    expect(proxy?.mounts[0]).toMatchObject({ source: './proxy/nginx.conf', readOnly: true, bind: true, line: 38 });
  });

  it('dozzle: services sharing an anchor (healthcheck: *dozzle-healthcheck) are each judged', () => {
    const specs = parseCompose(corpus('compose', 'dozzle-multi-docker-sock.docker-compose.yml')).containers;
    expect(specs.map((spec) => spec.name)).toEqual(['custom_base', 'simple-auth', 'dozzle', 'logs-viewer', 'logspam', 'remote', 'dozzle-with-agent', 'agent', 'proxy', 'playwright']);
    expect(specs.filter((spec) => spec.mounts.some((mount) => mount.source === '/var/run/docker.sock')).map((spec) => spec.name)).toEqual(['custom_base', 'simple-auth', 'dozzle', 'logs-viewer', 'agent', 'proxy']);
  });

  it('wg-easy and dockur: NET_ADMIN high, SYS_MODULE critical; /lib/modules read-only alone is not reported', () => {
    expect(summary('compose', corpus('compose', 'wg-easy-netadmin-sysctls.docker-compose.yml'))).toEqual(['wg-easy:5:missing-hardening:medium', 'wg-easy:26:capability:high', 'wg-easy:27:capability:critical']);
    expect(summary('compose', corpus('compose', 'dockur-windows-kvm-tun-netadmin.compose.yml'))).toEqual(['windows:2:missing-hardening:medium', 'windows:11:capability:high']);
  });

  it('every diff of every corpus issue applies with patch -p1 and removes that issue', () => {
    let checked = 0;
    let withheld = 0;
    for (const name of corpusFiles('compose')) {
      const text = corpus('compose', name);
      for (const { spec, issue } of issuesOf('compose', text)) {
        const file = definition('compose', 'compose.yaml', text);
        const action = remediationFor(file, spec, issue);
        expect(action.kind).toBe('manual');
        let diff = diffOf(action.kind === 'manual' ? action.text : '');
        if (action.kind === 'manual' && action.text.includes('No diff is given')) {
          // watchtower's `--http-api-token demotoken` sits next to the change: the report withholds the
          // diff; the diff itself must still be right.
          expect(diff).toBe('');
          expect(text.split('\n').some((line) => lineHoldsSecret(line)), `${name}: withheld without a secret`).toBe(true);
          diff = unifiedDiff('compose.yaml', text, fixedText(file, spec, issue) ?? text);
          withheld++;
        }
        expect(diff, `${name}:${issue.line} ${issue.kind}: no diff`).not.toBe('');
        const after = patchFile('compose.yaml', text, diff);
        expect(after).toBe(fixedText(file, spec, issue));
        const left = issuesOf('compose', after).filter(({ spec: s }) => s.name === spec.name).map(({ issue: i }) => i);
        if (issue.kind === 'missing-hardening') expect(left.some((i) => i.kind === 'missing-hardening'), `${name}: ${spec.name} still lacks hardening`).toBe(false);
        else expect(left.some((i) => i.message === issue.message), `${name}: ${issue.message} still there`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
    expect(withheld).toBeLessThan(checked / 4);
  });

  it('never quotes a secret of the file in a diff: env lines with tokens or passwords near the change withhold it', () => {
    const token = 'ghp_' + 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc';
    const password = 'Hunter2' + 'wqpzmtk';
    const text = `services:\n  agent:\n    image: ghcr.io/x/agent:1\n    environment:\n      - GITHUB_TOKEN=${token}\n      - DB_PASSWORD=${password}\n    privileged: true\n`;
    const issues = issuesOf('compose', text);
    expect(issues.length).toBeGreaterThan(0);
    for (const { spec, issue } of issues) {
      const action = remediationFor(definition('compose', 'compose.yaml', text), spec, issue);
      const shown = JSON.stringify(action);
      expect(shown).not.toContain(token);
      expect(shown).not.toContain(password);
    }
    expect(issues.some(({ spec, issue }) => JSON.stringify(remediationFor(definition('compose', 'compose.yaml', text), spec, issue)).includes('No diff is given'))).toBe(true);
    // Without the secrets the same file gets its diff.
    const clean = text.replace(token, '${GITHUB_TOKEN}').replace(password, '${DB_PASSWORD}');
    const cleanActions = issuesOf('compose', clean).map(({ spec, issue }) => JSON.stringify(remediationFor(definition('compose', 'compose.yaml', clean), spec, issue)));
    expect(cleanActions.some((action) => action.includes('patch -p1'))).toBe(true);
    expect(cleanActions.filter((action) => action.includes('No diff is given'))).toEqual([]);
  });
});

describe('compose edge cases', () => {
  it('merge keys, anchors of lists and same-file extends fill in hardening; extends of another file is named', () => {
    const text = `x-hardening: &hardening
  cap_drop: [ALL]
  security_opt: [no-new-privileges:true]
  read_only: true
  user: "1000:1000"
  pids_limit: 100
services:
  base:
    <<: *hardening
    image: base
  child:
    extends: base
    image: child
  other:
    extends:
      service: web
      file: common.yml
    image: other
  listed:
    <<: [*hardening]
    image: listed
    read_only: false
`;
    const specs = parseCompose(text).containers;
    expect(specs.map((spec) => spec.name)).toEqual(['base', 'child', 'other', 'listed']);
    const judged = specs.map((spec) => judgeContainer(spec, { allowedCapabilities: [] }).map((issue) => issue.message));
    expect(judged[0]).toEqual([]);
    expect(judged[1]).toEqual([]);
    expect(judged[2]?.[0]).toMatch(/^lacks .*\(extends web of common\.yml, not followed\)$/);
    expect(judged[3]).toEqual(['lacks read_only: true (set to false)']);
    expect(specs[0]?.capDrop[0]).toMatchObject({ value: 'ALL', line: 2, via: 'merged from &hardening' });
  });

  it('the fix of a merged setting overrides it in the service, and patch applies it', () => {
    const text = 'x-base: &base\n  read_only: false\nservices:\n  web:\n    <<: *base\n    image: nginx\n    cap_drop: [ALL]\n    security_opt:\n      - no-new-privileges\n    user: "101"\n    pids_limit: 10\n';
    const [{ spec, issue }] = issuesOf('compose', text) as [{ spec: ContainerSpec; issue: ContainerIssue }];
    expect(issue.message).toBe('lacks read_only: true (set to false)');
    const after = patchFile('compose.yaml', text, unifiedDiff('compose.yaml', text, fixedText(definition('compose', 'compose.yaml', text), spec, issue) ?? text));
    expect(after).toContain('  web:\n    read_only: true\n    <<: *base\n');
    expect(issuesOf('compose', after)).toEqual([]);
  });

  it('never throws on hostile YAML: unclosed flows, aliases to nowhere, scalars where maps are expected, tabs', () => {
    for (const text of ['services: [a, b', 'services:\n  a: *nowhere\n', 'services: 3\n', 'services:\n  a:\n\tprivileged: true\n', '', '---\n...\n', 'services:\n  a: &a\n    <<: *a\n']) {
      expect(() => parseCompose(text)).not.toThrow();
    }
  });

  it('splits volumes at colons outside ${...} and keeps Windows drives; finds a socket behind an interpolation default', () => {
    expect(splitVolumeSpec('${SOCK:-/var/run/docker.sock}:/var/run/docker.sock:ro')).toEqual(['${SOCK:-/var/run/docker.sock}', '/var/run/docker.sock', 'ro']);
    expect(splitVolumeSpec('C:\\Users\\alice:/home/agent')).toEqual(['C:\\Users\\alice', '/home/agent']);
    expect(normalizeHostPath('${localEnv:HOME}${localEnv:USERPROFILE}/.ssh')).toBe('~/.ssh');
    expect(summary('compose', 'services:\n  a:\n    image: x\n    volumes:\n      - ${DOCKER_SOCK:-/run/podman/podman.sock}:/sock\n      - type: bind\n        source: /\n        target: /host\n        read_only: true\n')).toEqual([
      'a:2:missing-hardening:medium',
      'a:5:engine-socket:critical',
      'a:7:host-root:critical',
    ]);
  });

  it('takes pids from deploy.resources.limits.pids, CAP_-prefixed and lowercase capabilities, and user 0 as root', () => {
    const text = 'services:\n  a:\n    image: x\n    user: "0:0"\n    cap_drop: [NET_RAW]\n    cap_add: [CAP_SYS_ADMIN]\n    deploy:\n      resources:\n        limits:\n          pids: -1\n';
    expect(issuesOf('compose', text).map(({ issue }) => issue.message)).toEqual([
      'lacks cap_drop: [ALL], security_opt: [no-new-privileges:true], read_only: true, a non-root user (user 0:0), pids_limit (-1 means unlimited)',
      expect.stringMatching(/^adds capability SYS_ADMIN/),
    ]);
    expect(summary('compose', text.replace('[NET_RAW]', '[NET_RAW, all]'))[0]).toBe('a:2:missing-hardening:medium');
    expect(issuesOf('compose', text.replace('[NET_RAW]', '[NET_RAW, all]'))[0]?.issue.message).not.toContain('cap_drop');
  });
});

describe('the devcontainer corpus', () => {
  it.each(corpusFiles('devcontainer'))('%s parses as JSONC without an error', (name) => {
    const parsed = parseDevcontainer(corpus('devcontainer', name));
    expect(parsed.error).toBeUndefined();
    expect(parsed.containers).toHaveLength(1);
  });

  it('trailofbits: --cap-add=NET_ADMIN at line 16 (NET_RAW is a default capability), remoteUser vscode is not root', () => {
    expect(summary('devcontainer', corpus('devcontainer', 'trailofbits-claude-sandbox-capadd-readonly-binds.devcontainer.json'))).toEqual([
      'Claude Code Sandbox:1:missing-hardening:medium',
      'Claude Code Sandbox:16:capability:high',
    ]);
    expect(issuesOf('devcontainer', corpus('devcontainer', 'trailofbits-claude-sandbox-capadd-readonly-binds.devcontainer.json'), ['NET_ADMIN']).map(({ issue }) => issue.kind)).toEqual(['missing-hardening']);
  });

  it('openhands: trailing commas parse; the docker-outside-of-docker feature mounts the host socket (line 10)', () => {
    const spec = parseDevcontainer(corpus('devcontainer', 'openhands-jsonc-trailing-commas-runArgs.devcontainer.json')).containers[0] as ContainerSpec;
    expect(spec.name).toBe('Python 3');
    expect(spec.mounts).toEqual([expect.objectContaining({ source: '/var/run/docker.sock', line: 10, via: 'feature ghcr.io/devcontainers/features/docker-outside-of-docker:1' })]);
    expect(summary('devcontainer', corpus('devcontainer', 'openhands-jsonc-trailing-commas-runArgs.devcontainer.json'))).toEqual(['Python 3:2:missing-hardening:medium', 'Python 3:10:unconfined:medium', 'Python 3:10:engine-socket:critical']);
  });

  it('gluetun: capAdd and securityOpt with // comments, object mounts of ~/.ssh (line 37) and the socket (line 43)', () => {
    expect(summary('devcontainer', corpus('devcontainer', 'gluetun-capAdd-securityOpt-inline-comments.devcontainer.json'))).toEqual([
      'gluetun-dev:1:missing-hardening:medium',
      'gluetun-dev:13:capability:high',
      'gluetun-dev:14:capability:high',
      'gluetun-dev:17:unconfined:high',
      'gluetun-dev:37:sensitive-mount:high',
      'gluetun-dev:43:engine-socket:critical',
    ]);
  });

  it('docker-in-docker: the feature makes the container privileged (line 9)', () => {
    expect(summary('devcontainer', corpus('devcontainer', 'devcontainers-template-docker-in-docker-feature.devcontainer.json'))).toEqual(['Docker in Docker:3:missing-hardening:medium', 'Docker in Docker:9:privileged:critical']);
  });

  it('nginx-ui: Compose-based, so only remoteUser root is its own; the ~/.ssh string mount at line 48', () => {
    const issues = issuesOf('devcontainer', corpus('devcontainer', 'nginx-ui-compose-based-jsonc-ssh-bind.devcontainer.json'));
    expect(issues.map(({ issue }) => `${issue.line}:${issue.kind}`)).toEqual(['3:missing-hardening', '48:sensitive-mount']);
    expect(issues[0]?.issue.message).toBe('lacks a non-root remoteUser (user root) (hardening is judged on compose service nginx-ui)');
  });

  it('dockur: a Compose-based devcontainer with nothing of its own is clean', () => {
    expect(summary('devcontainer', corpus('devcontainer', 'dockur-windows-compose-initializeCommand.devcontainer.json'))).toEqual([]);
  });

  it('every diff of every corpus issue applies with patch -p1, stays JSONC and removes that issue', () => {
    let checked = 0;
    for (const name of corpusFiles('devcontainer')) {
      const text = corpus('devcontainer', name);
      for (const { spec, issue } of issuesOf('devcontainer', text)) {
        const file = definition('devcontainer', '.devcontainer/devcontainer.json', text);
        const action = remediationFor(file, spec, issue);
        const diff = diffOf(action.kind === 'manual' ? action.text : '');
        expect(diff, `${name}:${issue.line}`).not.toBe('');
        const after = patchFile('.devcontainer/devcontainer.json', text, diff);
        expect(parseDevcontainer(after).error).toBeUndefined();
        const left = issuesOf('devcontainer', after).map(({ issue: i }) => i);
        if (issue.kind === 'missing-hardening') expect(left.some((i) => i.kind === 'missing-hardening'), name).toBe(false);
        else expect(left.some((i) => i.line === issue.line && i.kind === issue.kind && i.message === issue.message), `${name}: ${issue.message}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(12);
  });
});

describe('docker run in scripts', () => {
  const script = `#!/usr/bin/env bash
set -euo pipefail
# docker run --privileged would be bad, but this is a comment
echo "docker run --privileged is quoted text"
IMAGE=ghcr.io/example/agent:1.4
docker run --rm -it \\
  --privileged \\
  --cap-add SYS_ADMIN --cap-add=NET_RAW,SYS_PTRACE \\
  -v /var/run/docker.sock:/var/run/docker.sock \\
  --mount type=bind,source="$HOME/.aws",target=/root/.aws,readonly \\
  --network host \\
  "$IMAGE" bash -c 'run --privileged'
id=$(podman container run -d --read-only --cap-drop=ALL --security-opt=no-new-privileges --pids-limit 64 -u 1000 alpine sleep 1)
sudo /usr/bin/docker run --user root alpine
`;

  it('finds three commands at their lines, flags across continuations, nothing from comments, strings or the container command', () => {
    const specs = parseDockerRuns(script);
    expect(specs.map((spec) => [spec.name, spec.line])).toEqual([
      ['docker run $IMAGE', 6],
      ['podman run alpine', 13],
      ['docker run alpine', 14],
    ]);
    expect(summary('docker-run', script)).toEqual([
      'docker run $IMAGE:6:missing-hardening:medium',
      'docker run $IMAGE:7:privileged:critical',
      'docker run $IMAGE:8:capability:critical',
      'docker run $IMAGE:8:capability:high',
      'docker run $IMAGE:9:engine-socket:critical',
      'docker run $IMAGE:10:sensitive-mount:high',
      'docker run $IMAGE:11:host-namespace:high',
      'docker run alpine:14:missing-hardening:medium',
    ]);
  });

  it('tokenizes quotes and continuations with offsets into the original text', () => {
    const tokens = tokenizeShell('a "b c" \'d\'\\\n  e\\ f # g\nh');
    expect(tokens.map((token) => [token.text, token.line, token.separator ?? false])).toEqual([
      ['a', 1, false],
      ['b c', 1, false],
      ['d', 1, false],
      ['e f', 2, false],
      ['\n', 2, true],
      ['h', 3, false],
    ]);
    expect(tokens[1]).toMatchObject({ start: 2, end: 7 });
  });

  it('each diff applies with patch, leaves a script sh -n accepts, and removes its issue', () => {
    let checked = 0;
    for (const { spec, issue } of issuesOf('docker-run', script)) {
      const file = definition('docker-run', 'bin/start-agent.sh', script);
      const action = remediationFor(file, spec, issue);
      const diff = diffOf(action.kind === 'manual' ? action.text : '');
      expect(diff, issue.message).not.toBe('');
      const after = patchFile('bin/start-agent.sh', script, diff);
      const dir = makeTempDir('sh');
      writeFileAt(path.join(dir, 's.sh'), after);
      expect(spawnSync('bash', ['-n', path.join(dir, 's.sh')]).status, after).toBe(0);
      const left = issuesOf('docker-run', after).filter(({ spec: s }) => s.line === spec.line).map(({ issue: i }) => i);
      if (issue.kind === 'missing-hardening') expect(left.some((i) => i.kind === 'missing-hardening')).toBe(false);
      else expect(left.filter((i) => i.message === issue.message)).toHaveLength(0);
      checked++;
    }
    expect(checked).toBe(8);
  });

  it('a flag alone on a continuation line goes with its line', () => {
    const [first] = issuesOf('docker-run', script).filter(({ issue }) => issue.kind === 'privileged');
    const after = fixedText(definition('docker-run', 's.sh', script), first?.spec as ContainerSpec, first?.issue as ContainerIssue) ?? '';
    expect(after).toContain('docker run --rm -it \\\n  --cap-add SYS_ADMIN');
    expect(after).not.toContain('--privileged \\');
  });
});

describe('Dockerfiles', () => {
  it('follows continuations with comments, heredocs, an escape directive and stages built on stages', () => {
    const text = '# escape=`\nFROM node:20 AS base\nRUN apt-get update && `\n# a comment inside\n    apt-get install -y git\nRUN <<EOF\nUSER root\nEOF\nUSER node\nFROM base AS final\nCOPY . /app\n';
    expect(dockerfileInstructions(text).map((instruction) => `${instruction.line}:${instruction.keyword}`)).toEqual(['2:FROM', '3:RUN', '6:RUN', '9:USER', '10:FROM', '11:COPY']);
    const spec = parseDockerfile(text).containers[0] as ContainerSpec;
    expect(spec).toMatchObject({ name: 'stage final (FROM base)', line: 10, user: { value: 'node', line: 9, via: 'stage base' } });
    expect(judgeContainer(spec, { allowedCapabilities: [] })).toEqual([]);
  });

  it('a final stage without USER, or with USER 0, fails at its FROM; the fix appends a USER that patch applies', () => {
    const text = 'FROM golang:1.22 AS build\nUSER nobody\nRUN go build\nFROM debian:12\nUSER 0\nCOPY --from=build /out /app';
    const [{ spec, issue }] = issuesOf('dockerfile', text) as [{ spec: ContainerSpec; issue: ContainerIssue }];
    expect(issue).toMatchObject({ line: 4, message: 'lacks a final non-root USER (user 0)' });
    const action = remediationFor(definition('dockerfile', 'Dockerfile', text), spec, issue);
    const after = patchFile('Dockerfile', text, diffOf(action.kind === 'manual' ? action.text : ''));
    expect(after.endsWith('COPY --from=build /out /app\nUSER 1000:1000\n')).toBe(true);
    expect(issuesOf('dockerfile', after)).toEqual([]);
    expect(parseDockerfile('# nothing\n')).toEqual({ containers: [], error: 'no FROM instruction' });
  });
});

describe('Kubernetes workloads', () => {
  const manifest = `apiVersion: v1
kind: ConfigMap
metadata: { name: cfg }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/agent: unconfined
    spec:
      hostNetwork: true
      securityContext:
        seccompProfile:
          type: Unconfined
      containers:
        - name: agent
          image: ghcr.io/example/agent:1.4
          securityContext:
            privileged: true
            capabilities:
              add: ["SYS_ADMIN"]
          volumeMounts:
            - { name: sock, mountPath: /var/run/docker.sock }
        - name: sidecar
          image: envoy
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: alpine
              securityContext:
                runAsNonRoot: true
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: { drop: [ALL] }
`;

  it('recognises workloads, reads every container of every document, and reports pod-level settings once', () => {
    expect(looksLikeWorkload(manifest)).toBe(true);
    expect(looksLikeWorkload('apiVersion: v1\nkind: Service\n')).toBe(false);
    const parsed = parseKubernetes(manifest);
    expect(parsed.error).toBeUndefined();
    expect(parsed.containers.map((spec) => spec.name)).toEqual(['Deployment/agent container agent', 'Deployment/agent container sidecar', 'CronJob/nightly container job']);
    expect(summary('kubernetes', manifest)).toEqual([
      'Deployment/agent container agent:13:unconfined:high',
      'Deployment/agent container agent:15:host-namespace:high',
      'Deployment/agent container agent:18:unconfined:high',
      'Deployment/agent container agent:20:missing-hardening:medium',
      'Deployment/agent container agent:23:privileged:critical',
      'Deployment/agent container agent:25:capability:critical',
      'Deployment/agent container agent:33:engine-socket:critical',
      'Deployment/agent container sidecar:15:host-namespace:high',
      'Deployment/agent container sidecar:18:unconfined:high',
      'Deployment/agent container sidecar:28:missing-hardening:medium',
    ]);
  });

  it('the diffs add a securityContext or fill one in, and patch applies them', () => {
    for (const { spec, issue } of issuesOf('kubernetes', manifest).filter(({ issue: i }) => i.kind !== 'engine-socket')) {
      const file = definition('kubernetes', 'k8s/agent.yaml', manifest);
      const action = remediationFor(file, spec, issue);
      const diff = diffOf(action.kind === 'manual' ? action.text : '');
      expect(diff, issue.message).not.toBe('');
      const after = patchFile('k8s/agent.yaml', manifest, diff);
      expect(parseKubernetes(after).error).toBeUndefined();
      const left = issuesOf('kubernetes', after).filter(({ spec: s }) => s.name === spec.name).map(({ issue: i }) => i);
      if (issue.kind === 'missing-hardening') expect(left.some((i) => i.kind === 'missing-hardening')).toBe(false);
      else expect(left.some((i) => i.line === issue.line && i.kind === issue.kind)).toBe(false);
    }
    const sidecar = issuesOf('kubernetes', manifest).find(({ spec, issue }) => spec.name.endsWith('sidecar') && issue.kind === 'missing-hardening');
    expect(fixedText(definition('kubernetes', 'a.yaml', manifest), sidecar?.spec as ContainerSpec, sidecar?.issue as ContainerIssue)).toContain(
      '        - name: sidecar\n          securityContext:\n            capabilities:\n              drop: [ALL]\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            runAsNonRoot: true\n          image: envoy\n',
    );
  });

  it('a hostPath volume has no exact fix: the remediation says what to change', () => {
    const socket = issuesOf('kubernetes', manifest).find(({ issue }) => issue.kind === 'engine-socket');
    const action = remediationFor(definition('kubernetes', 'k8s/agent.yaml', manifest), socket?.spec as ContainerSpec, socket?.issue as ContainerIssue);
    expect(action).toEqual({ kind: 'manual', text: 'In /work/k8s/agent.yaml line 33, remove the setting named in the finding from Deployment/agent container agent.' });
  });
});

describe('daemon.json and dockerd flags', () => {
  it.each(corpusFiles('daemon-json'))('%s parses as strict JSON with the line of each key', (name) => {
    const config = parseDaemonJson('/etc/docker/daemon.json', corpus('daemon-json', name));
    expect(config.error).toBeUndefined();
    expect(Object.keys(config.settings).length).toBeGreaterThan(0);
    for (const setting of Object.values(config.settings)) expect(setting.line).toBeGreaterThan(0);
  });

  it('flyapps: hosts at line 18 with tcp://[::]:2375, tls false at line 26; metropolis: runtime names with spaces', () => {
    const fly = parseDaemonJson('/etc/docker/daemon.json', corpus('daemon-json', 'flyapps-tcp-2375-no-tls-ipv6.daemon.json')).settings;
    expect(fly.hosts).toMatchObject({ value: ['unix:///var/run/docker.sock', 'tcp://[::]:2375'], line: 18 });
    expect(fly.tls).toMatchObject({ value: false, line: 26 });
    const gvisor = parseDaemonJson('/etc/docker/daemon.json', corpus('daemon-json', 'metropolis-gvisor-runsc-runtimes.daemon.json')).settings;
    expect(Object.keys(gvisor.runtimes?.value as object)).toContain('runsc-systrap --host-uds=open');
  });

  it('reads ExecStart after drop-in resets, with continuations and -H forms', () => {
    const exec = unitExecStart([
      { path: '/usr/lib/systemd/system/docker.service', text: '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n' },
      { path: '/etc/systemd/system/docker.service.d/tcp.conf', text: '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -Hunix:///run/docker.sock \\\n  --host=tcp://0.0.0.0:2376 --tlsverify --icc=false --insecure-registry 10.0.0.1:5000\n' },
    ]);
    expect(exec).toMatchObject({ path: '/etc/systemd/system/docker.service.d/tcp.conf', line: 3 });
    const flags = parseDockerdFlags(exec?.path ?? '', exec?.line ?? 0, exec?.command ?? '').settings;
    expect(flags.hosts?.value).toEqual(['unix:///run/docker.sock', 'tcp://0.0.0.0:2376']);
    expect(flags.tlsverify?.value).toBe(true);
    expect(flags.icc?.value).toBe(false);
    expect(flags['insecure-registries']?.value).toEqual(['10.0.0.1:5000']);
  });

  const check = BUILTIN_CHECKS.find((candidate) => candidate.meta.id === 'sandbox.docker-daemon');
  const enabled: Record<string, ReplayEntry> = {
    '/usr/bin/docker': { content: '' },
    '/etc/systemd/system/multi-user.target.wants/docker.service': { type: 'symlink', target: '/usr/lib/systemd/system/docker.service' },
    '/usr/lib/systemd/system/docker.service': { content: '[Service]\nExecStart=/usr/bin/dockerd\n' },
  };
  async function judge(daemonJson: string) {
    const host = new ReplayHost(endpoint('linux', { ...enabled, '/etc/docker/daemon.json': { content: daemonJson } }));
    const { results } = await runChecks({ host, checks: [{ check: check as never, severity: 'high', params: defaultsOf((check as NonNullable<typeof check>).params) }] });
    return results[0] as NonNullable<(typeof results)[0]>;
  }

  it.each([
    ['flyapps-tcp-2375-no-tls-ipv6.daemon.json', ['userns', 'no-new-privileges', 'icc', '18:[critical]']],
    ['jmelahman-registry-mirror-http.daemon.json', ['userns', 'no-new-privileges', 'icc', '2:[medium]']],
    ['metropolis-gvisor-runsc-runtimes.daemon.json', ['no-new-privileges', 'icc']],
    ['maximbaz-bip-only.daemon.json', ['userns', 'no-new-privileges', 'icc']],
  ] as const)('the daemon check on %s', async (name, expected) => {
    const result = await judge(corpus('daemon-json', name));
    expect(result.status).toBe('fail');
    const described = result.findings.map((finding) => `${finding.location?.line ? `${finding.location.line}:` : ''}${finding.message}`);
    expect(described).toHaveLength(expected.length);
    expected.forEach((fragment, index) => expect(described[index]).toContain(fragment));
    for (const finding of result.findings) expect(finding.actions?.map((action) => action.kind)).toContain('set-json-key');
    // The restart comes once, after the last change, so that the remediation script restarts last.
    expect(result.findings.flatMap((finding) => finding.actions ?? []).filter((action) => action.kind === 'manual' && action.text.startsWith('Restart'))).toHaveLength(1);
    expect(result.findings.at(-1)?.actions?.at(-1)).toEqual({ kind: 'manual', text: 'Restart the rootful daemon so that the change takes effect: systemctl restart docker.' });
  });

  it('the set-json-key actions, applied by json-set, make the daemon pass', async () => {
    const text = corpus('daemon-json', 'flyapps-tcp-2375-no-tls-ipv6.daemon.json');
    const failed = await judge(text);
    const dir = makeTempDir('daemon');
    const file = writeFileAt(path.join(dir, 'daemon.json'), text);
    for (const finding of failed.findings) {
      for (const action of finding.actions ?? []) {
        if (action.kind !== 'set-json-key') continue;
        const run = runCli(['json-set', file, JSON.stringify(action.keyPath), JSON.stringify(action.value)]);
        expect(run.code, run.stderr).toBe(0);
      }
    }
    const fixed = readFileSync(file, 'utf8');
    expect(JSON.parse(fixed)).toMatchObject({ 'userns-remap': 'default', 'no-new-privileges': true, icc: false, hosts: ['unix:///var/run/docker.sock'], 'data-root': '/data/docker' });
    expect((await judge(fixed)).status).toBe('pass');
  });
});

describe('the collector', () => {
  it('classifies file names as the container tools do', () => {
    const kinds = Object.fromEntries(
      ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.override.yaml', 'docker-compose-dev.yml', 'compose.dev.yaml', 'prod.compose.yml', 'devcontainer.json', '.devcontainer.json', 'Dockerfile', 'Dockerfile.dev', 'dockerfile.dev', 'api.Dockerfile', 'Containerfile', 'deploy.yaml', 'run.sh', 'entrypoint', 'README.md', 'compose.json', '.dockerignore'].map((name) => [name, classifyName(name) ?? null]),
    );
    expect(kinds).toEqual({
      'compose.yaml': 'compose',
      'compose.yml': 'compose',
      'docker-compose.yml': 'compose',
      'docker-compose.override.yaml': 'compose',
      'docker-compose-dev.yml': 'compose',
      'compose.dev.yaml': 'compose',
      'prod.compose.yml': 'compose',
      'devcontainer.json': 'devcontainer',
      '.devcontainer.json': 'devcontainer',
      Dockerfile: 'dockerfile',
      'Dockerfile.dev': 'dockerfile',
      'dockerfile.dev': 'dockerfile',
      'api.Dockerfile': 'dockerfile',
      Containerfile: 'dockerfile',
      'deploy.yaml': 'yaml',
      'run.sh': 'script',
      entrypoint: 'maybe-script',
      'README.md': null,
      'compose.json': null,
      '.dockerignore': null,
    });
  });

  it('walks a repository through a RootHost: skips node_modules and .git, reads shebang scripts, skips Helm templates', async () => {
    const repo = makeTempDir('repo-walk');
    writeFileAt(path.join(repo, 'compose.yaml'), 'services:\n  a:\n    image: x\n');
    writeFileAt(path.join(repo, 'node_modules/pkg/docker-compose.yml'), 'services:\n  b:\n    privileged: true\n');
    writeFileAt(path.join(repo, '.git/hooks/compose.yaml'), 'services: {}\n');
    writeFileAt(path.join(repo, 'bin/agent'), '#!/bin/bash\ndocker run --privileged alpine\n');
    writeFileAt(path.join(repo, 'bin/notes'), 'docker run --privileged alpine\n');
    writeFileAt(path.join(repo, 'chart/templates/deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n');
    writeFileAt(path.join(repo, 'k8s/pod.yml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n    - name: c\n      image: x\n');
    const store = new FactStore(new RootHost(repo, 'repo'));
    try {
      const facts = await store.get(containerDefinitions);
      expect(facts.scope).toBe('repository');
      expect(facts.files.map((file) => [file.relative, file.format, file.path])).toEqual([
        ['bin/agent', 'docker-run', '/bin/agent'],
        ['compose.yaml', 'compose', '/compose.yaml'],
        ['k8s/pod.yml', 'kubernetes', '/k8s/pod.yml'],
      ]);
      expect(facts.skipped).toEqual([{ path: '/chart/templates/deploy.yaml', reason: 'templated (Helm or Jinja): judge the rendered manifests' }]);
    } finally {
      store.close();
    }
  });
});

describe('an offline image (--root)', () => {
  it('judges the image\'s daemon, its docker group and the sandbox folders of its homes, reading only inside the image', async () => {
    const image = makeTempDir('image');
    writeFileAt(path.join(image, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nclaude:x:1001:1001::/home/claude:/bin/bash\nbuild:x:999:999::/var/lib/build:/usr/sbin/nologin\n');
    writeFileAt(path.join(image, 'etc/group'), 'root:x:0:\nalice:x:1000:\nclaude:x:1001:\ndocker:x:998:build,claude\n');
    writeFileAt(path.join(image, 'usr/bin/docker'), '');
    writeFileAt(path.join(image, 'usr/lib/systemd/system/docker.socket'), '[Socket]\nListenStream=/run/docker.sock\n');
    mkdirSync(path.join(image, 'etc/systemd/system/sockets.target.wants'), { recursive: true });
    // An absolute link: inside the image it resolves to the image's own unit, never the scanning machine's.
    symlinkSync('/usr/lib/systemd/system/docker.socket', path.join(image, 'etc/systemd/system/sockets.target.wants/docker.socket'));
    writeFileAt(path.join(image, 'etc/docker/daemon.json'), '{\n  "userns-remap": "default",\n  "no-new-privileges": true,\n  "icc": false\n}\n');
    mkdirSync(path.join(image, 'home/alice'), { recursive: true });
    writeFileAt(path.join(image, 'home/claude/.claude-devcontainer/.devcontainer.json'), '{ "image": "x", "privileged": true }\n');
    writeFileAt(path.join(image, 'etc/claude-sandbox/docker-compose.yml'), 'services:\n  agent:\n    image: x\n    pid: host\n');
    const host = new RootHost(image, 'root');
    const checks = BUILTIN_CHECKS.filter((check) => check.meta.id === 'sandbox.docker-daemon' || check.meta.id === 'sandbox.container-hardening');
    const { results } = await runChecks({ host, checks: checks.map((check) => ({ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), ...('agentUser' in check.params ? { agentUser: 'claude' } : {}) } })) });
    const daemon = results.find((result) => result.checkId === 'sandbox.docker-daemon');
    expect(daemon?.status, daemon?.message).toBe('fail');
    expect(daemon?.message).toContain('/etc/systemd/system/sockets.target.wants/docker.socket (enabled)');
    // build (uid 999, nologin) is a service account; claude is the agent.
    expect(daemon?.findings.map((finding) => finding.subject)).toEqual(['claude']);
    expect(daemon?.findings[0]?.message).toMatch(/^\[high\] agent user claude is in the docker group: /);
    const hardening = results.find((result) => result.checkId === 'sandbox.container-hardening');
    const described = hardening?.findings.map((finding) => `${finding.location?.path}:${finding.location?.line} ${finding.message}`) ?? [];
    expect(described).toHaveLength(4);
    [
      /^\/home\/claude\/\.claude-devcontainer\/\.devcontainer\.json:1 \[medium\] devcontainer "devcontainer": lacks --cap-drop=ALL/,
      /^\/home\/claude\/\.claude-devcontainer\/\.devcontainer\.json:1 \[critical\] devcontainer "devcontainer": runs privileged/,
      /^\/etc\/claude-sandbox\/docker-compose\.yml:2 \[medium\] service agent: lacks cap_drop/,
      /^\/etc\/claude-sandbox\/docker-compose\.yml:4 \[high\] service agent: uses the host pid namespace/,
    ].forEach((pattern, index) => expect(described[index]).toMatch(pattern));
  });
});

describe('cowork-audit scan --repo', () => {
  it('reports findings with repository-relative paths and lines in JSON and SARIF, and the diffs apply from the repository root', () => {
    const repo = makeTempDir('repo-scan');
    const copies: [string, string, string][] = [
      ['compose', 'openhands-dev-privileged-docker-sock-host-creds.compose.yml', 'containers/dev/compose.yml'],
      ['compose', 'wollomatic-socket-proxy-readonly-capdrop-nnp.compose.yaml', 'compose.yaml'],
      ['devcontainer', 'trailofbits-claude-sandbox-capadd-readonly-binds.devcontainer.json', '.devcontainer/devcontainer.json'],
      ['devcontainer', 'openhands-jsonc-trailing-commas-runArgs.devcontainer.json', '.devcontainer/python/devcontainer.json'],
    ];
    for (const [kind, name, target] of copies) writeFileAt(path.join(repo, target), corpus(kind, name));
    writeFileAt(path.join(repo, '.devcontainer/Dockerfile'), 'FROM node:20\nUSER node\n');
    const out = makeTempDir('repo-scan-out');
    const run = runCli(['scan', '--repo', repo, '--only', 'sandbox.container-hardening,sandbox.docker-daemon', '--format', 'json,sarif', '--output', out]);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8')) as {
      target: { kind: string };
      results: { checkId: string; status: string; message: string; findings: { message: string; location?: { path: string; line?: number }; actions?: { kind: string; text?: string }[] }[] }[];
    };
    expect(report.target.kind).toBe('repo');
    const daemon = report.results.find((result) => result.checkId === 'sandbox.docker-daemon');
    expect(daemon?.status).toBe('skipped');
    const hardening = report.results.find((result) => result.checkId === 'sandbox.container-hardening');
    expect(hardening?.status).toBe('fail');
    expect(hardening?.message).toMatch(/^6 container definition\(s\) in 5 file\(s\) of the repository: 13 finding\(s\) \(4 critical, 3 high, 6 medium\)$/);
    const where = hardening?.findings.map((finding) => `${finding.location?.path}:${finding.location?.line}`);
    expect(where).toEqual([
      '/.devcontainer/devcontainer.json:1',
      '/.devcontainer/devcontainer.json:16',
      '/.devcontainer/python/devcontainer.json:2',
      '/.devcontainer/python/devcontainer.json:10',
      '/.devcontainer/python/devcontainer.json:10',
      '/compose.yaml:2',
      '/compose.yaml:26',
      '/compose.yaml:32',
      '/containers/dev/compose.yml:3',
      '/containers/dev/compose.yml:4',
      '/containers/dev/compose.yml:23',
      '/containers/dev/compose.yml:28',
      '/containers/dev/compose.yml:30',
    ]);
    const sarif = JSON.parse(readFileSync(path.join(out, 'cowork-audit.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }[] }[] }[];
    };
    const locations = sarif.runs[0]?.results.filter((result) => result.ruleId === 'sandbox.container-hardening').map((result) => result.locations[0]?.physicalLocation);
    expect(locations).toContainEqual({ artifactLocation: { uri: 'containers/dev/compose.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } });
    expect(locations).toContainEqual({ artifactLocation: { uri: '.devcontainer/devcontainer.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 16 } });
    // The privileged finding's diff, applied from the repository root, removes the line.
    const privileged = hardening?.findings.find((finding) => finding.message.includes('runs privileged'));
    const text = privileged?.actions?.[0]?.text ?? '';
    expect(text.startsWith('From the repository root, apply with `patch -p1` or `git apply`:\n--- a/containers/dev/compose.yml\n')).toBe(true);
    const diff = diffOf(text);
    expect(diff.startsWith('--- a/containers/dev/compose.yml\n+++ b/containers/dev/compose.yml\n')).toBe(true);
    const applied = spawnSync('patch', ['-p1', '--batch', '-d', repo], { input: diff, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
    expect(readFileSync(path.join(repo, 'containers/dev/compose.yml'), 'utf8')).not.toContain('privileged: true');
    expect(existsSync(path.join(repo, 'containers/dev/compose.yml.orig'))).toBe(false);
  });
});
