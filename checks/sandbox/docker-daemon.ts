import { dockerDaemon, type DockerDaemonFacts } from '../../src/collectors/docker-daemon.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { string, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import type { DaemonConfig, DaemonSetting } from '../../src/parsers/docker-daemon.js';

const NO_LOGIN_SHELL = /(nologin|\/false|\/sync|\/shutdown|\/halt)$/;

/** The settings dockerd runs with: daemon.json and unit flags (dockerd refuses a key set in both). */
function effective(configs: (DaemonConfig | undefined)[]): Record<string, DaemonSetting> {
  return Object.assign({}, ...configs.map((config) => config?.settings ?? {})) as Record<string, DaemonSetting>;
}

function isLoopback(host: string): boolean {
  return /^tcp:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/i.test(host);
}

interface DaemonTarget {
  /** `the rootful daemon` or `alice's rootless daemon`. */
  name: string;
  configPath: string;
  config?: DaemonConfig;
  flags?: DaemonConfig;
  rootless: boolean;
  /** How to restart this daemon after a change. */
  restart: string;
}

/** Findings about one daemon's settings, with set-json-key (or write-file when daemon.json is missing) actions. */
function judgeDaemon(target: DaemonTarget, securityOptions: readonly string[] | undefined): Finding[] {
  const findings: Finding[] = [];
  if (target.config?.error) {
    const line = /\bline (\d+)/.exec(target.config.error)?.[1];
    findings.push({
      message: `[high] ${target.configPath}: ${target.config.error}; dockerd refuses to start with it, and nothing in it can be judged`,
      location: { path: target.configPath, ...(line ? { line: Number(line) } : {}) },
      subject: target.name,
      actions: [{ kind: 'manual', text: `Fix the JSON of ${target.configPath} (dockerd reads strict JSON: no comments, no trailing commas).` }],
    });
    return findings;
  }
  const settings = effective([target.config, target.flags]);
  const wanted: Record<string, unknown> = {};
  const pending: { finding: Finding; key: string; value: unknown; fromFlag?: DaemonSetting }[] = [];
  const where = (key: string) => {
    const setting = settings[key];
    return setting ? { path: setting.path, ...(setting.line ? { line: setting.line } : {}) } : { path: target.configPath };
  };
  const add = (severity: string, key: string, value: unknown, message: string) => {
    const setting = settings[key];
    pending.push({ finding: { message: `[${severity}] ${target.name}: ${message}`, location: where(key), subject: target.name }, key, value, ...(setting?.source === 'flag' ? { fromFlag: setting } : {}) });
    wanted[key] = value;
  };

  if (!target.rootless) {
    const remap = settings['userns-remap']?.value;
    const runtime = String(settings['default-runtime']?.value ?? '');
    const remapped = (typeof remap === 'string' && remap.trim() !== '') || (securityOptions ?? []).some((option) => /\bname=userns\b/.test(option));
    if (!remapped && !/runsc|gvisor|kata/i.test(runtime)) {
      add('high', 'userns-remap', 'default', 'runs containers without user-namespace remapping ("userns-remap" unset, not rootless, no gVisor/Kata default runtime): uid 0 in a container is uid 0 on the host');
    }
  }
  if (settings['no-new-privileges']?.value !== true) {
    add('medium', 'no-new-privileges', true, `does not set "no-new-privileges": true${settings['no-new-privileges'] ? ` (it is ${JSON.stringify(settings['no-new-privileges'].value)})` : ''}: setuid binaries in any container can still raise privileges`);
  }
  if (settings.icc?.value !== false) {
    add('medium', 'icc', false, 'leaves inter-container communication on ("icc" is not false): every container on the default bridge can reach every other one');
  }
  if (String(settings['seccomp-profile']?.value ?? '').toLowerCase() === 'unconfined') {
    add('high', 'seccomp-profile', 'builtin', 'turns the default seccomp profile off ("seccomp-profile": "unconfined") for every container');
  }
  // Each source's hosts on their own: a tcp:// listener in the unit and another in daemon.json are both reported.
  const verified = settings.tlsverify?.value === true;
  for (const source of [target.config, target.flags]) {
    const setting = source?.settings.hosts;
    if (!setting || verified) continue;
    const hosts = (Array.isArray(setting.value) ? setting.value : [setting.value]).map(String);
    const open = hosts.filter((host) => /^tcp:\/\//i.test(host.trim()));
    if (open.length === 0) continue;
    const remote = open.filter((host) => !isLoopback(host.trim()));
    const keep = hosts.filter((host) => !open.includes(host));
    const severity = remote.length > 0 ? 'critical' : 'high';
    const message = `[${severity}] ${target.name}: serves the Docker API on ${open.join(', ')} without TLS client verification ("tlsverify" is not true${settings.tls?.value === true ? '; "tls" alone encrypts but lets anyone in' : ''}): ${remote.length > 0 ? 'anyone who reaches the port' : 'any local user or process, the agent included,'} is root on this host`;
    const value = keep.length > 0 ? keep : ['unix:///var/run/docker.sock'];
    pending.push({ finding: { message, location: { path: setting.path, ...(setting.line ? { line: setting.line } : {}) }, subject: target.name }, key: 'hosts', value, ...(setting.source === 'flag' ? { fromFlag: setting } : {}) });
    if (setting.source !== 'flag') wanted.hosts = value;
  }
  const insecure = Array.isArray(settings['insecure-registries']?.value) ? (settings['insecure-registries']?.value as unknown[]).map(String) : [];
  if (insecure.length > 0) {
    add('medium', 'insecure-registries', [], `trusts registries without TLS verification (${insecure.join(', ')}): an image pulled from them can be swapped on the way`);
  }
  const mirrors = Array.isArray(settings['registry-mirrors']?.value) ? (settings['registry-mirrors']?.value as unknown[]).map(String) : [];
  const plain = mirrors.filter((mirror) => /^http:\/\//i.test(mirror.trim()));
  if (plain.length > 0) {
    add('medium', 'registry-mirrors', mirrors.filter((mirror) => !plain.includes(mirror)), `pulls through plain-http mirrors (${plain.join(', ')}): images can be swapped on the way`);
  }

  const restart: RemediationAction = { kind: 'manual', text: `Restart ${target.name} so that the change takes effect: ${target.restart}.` };
  pending.forEach((item, index) => {
    const actions: RemediationAction[] = [];
    if (item.fromFlag) {
      actions.push({ kind: 'manual', text: `Change the dockerd flag in ExecStart of ${item.fromFlag.path}${item.fromFlag.line ? ` (line ${item.fromFlag.line})` : ''}, or move the setting to ${target.configPath} as "${item.key}": ${JSON.stringify(item.value)} (not both: dockerd refuses a setting given twice).` });
    } else if (target.config) {
      actions.push({ kind: 'set-json-key', path: target.configPath, keyPath: [item.key], value: item.value });
    } else {
      // No daemon.json yet: create it with every key this audit wants (flag settings stay in the unit).
      const content = Object.fromEntries(Object.entries(wanted).filter(([key]) => settings[key]?.source !== 'flag'));
      actions.push({ kind: 'write-file', path: target.configPath, content: `${JSON.stringify(content, null, 2)}\n`, mode: '0644' });
    }
    if (item.key === 'userns-remap') {
      actions.push({ kind: 'manual', text: 'With userns-remap, images and containers live under a new data root (/var/lib/docker/<uid>.<gid>): pull or rebuild them; containers that need host root need --userns=host, which this audit then flags.' });
    }
    // Once, after the last change of this daemon: the remediation plan keeps the order of the findings.
    if (index === pending.length - 1) actions.push(restart);
    findings.push({ ...item.finding, actions });
  });
  return findings;
}

function groupFindings(facts: DockerDaemonFacts, agentUser: string, allowed: readonly string[]): { findings: Finding[]; members: string[] } {
  const group = facts.group;
  if (!group) return { findings: [], members: [] };
  const members = new Map<string, 'member' | 'primary'>();
  for (const name of group.members) members.set(name, 'member');
  for (const account of facts.accounts) if (account.gid === group.gid && !members.has(account.name)) members.set(account.name, 'primary');
  const findings: Finding[] = [];
  for (const [name, how] of members) {
    if (allowed.includes(name)) continue;
    const account = facts.accounts.find((candidate) => candidate.name === name);
    const isAgent = agentUser !== '' && name === agentUser;
    const human = account !== undefined && account.uid >= 1000 && account.uid !== 65534 && !NO_LOGIN_SHELL.test(account.shell ?? '');
    if (!isAgent && !human) continue;
    findings.push({
      message: `[high] ${isAgent ? `agent user ${name}` : `user ${name}`} is in the docker group${how === 'primary' ? ' (as primary group)' : ''}: the rootful daemon's socket lets every member start a privileged container, which is root on the host${isAgent ? ', so a prompt-injected agent is root' : ''}`,
      location: { path: '/etc/group' },
      subject: name,
      actions:
        how === 'member'
          ? [{ kind: 'remove-group-member', group: group.name, user: name }, { kind: 'manual', text: `Give ${name} rootless Docker (dockerd-rootless-setuptool.sh install) instead, or use sudo for the few docker commands that need the system daemon.` }]
          : [{ kind: 'manual', text: `Change the primary group of ${name} away from docker (usermod -g ${name} ${name}).` }],
    });
  }
  return { findings, members: [...members.keys()] };
}

export default defineCheck({
  meta: {
    id: 'sandbox.docker-daemon',
    title: 'The Docker daemon isolates containers and is not root for every user',
    area: 'sandbox',
    severity: 'high',
    platforms: ['linux'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Every container an agent starts, or runs in, gets what the daemon allows. Without user-namespace remapping (or rootless Docker) root in a container is ' +
      'root on the host; without no-new-privileges setuid binaries still work; with icc on, containers reach each other; a tcp:// API without TLS client ' +
      'verification is root for anyone who reaches the port; insecure or plain-http registries let images be swapped. Membership of the docker group ' +
      'is root on the host whenever the rootful daemon runs, so no human account and not the agent account should have it.',
    references: [
      { title: 'Docker: Isolate containers with a user namespace', url: 'https://docs.docker.com/engine/security/userns-remap/' },
      { title: 'Docker: Rootless mode', url: 'https://docs.docker.com/engine/security/rootless/' },
      { title: 'Docker: Protect the Docker daemon socket', url: 'https://docs.docker.com/engine/security/protect-access/' },
      { title: 'CIS Docker Benchmark, section 2 (daemon configuration)', url: 'https://www.cisecurity.org/benchmark/docker' },
    ],
    fix: 'Set userns-remap, "no-new-privileges": true and "icc": false in /etc/docker/daemon.json (or run Docker rootless), drop unauthenticated tcp:// hosts and insecure registries, and empty the docker group.',
  },
  params: {
    agentUser: string('Account the agent (Claude Code, Cowork, MCP servers) runs as; it must not be in the docker group.', ''),
    allowedDockerGroupMembers: stringList('Accounts accepted in the docker group (a CI runner, for example); humans and the agent fail otherwise.', []),
  },
  uses: [dockerDaemon],
  evaluate(facts, params) {
    const docker = facts.get(dockerDaemon);
    if (docker.installedEvidence.length === 0) {
      return { status: 'skipped', message: `Docker is not installed: none of ${docker.lookedFor.join(', ')} exists` };
    }
    const findings: Finding[] = [];
    const judged: string[] = [];
    const rootful = docker.rootful;
    let groupMembers: string[] = [];
    if (rootful.inUse.length > 0) {
      findings.push(
        ...judgeDaemon(
          { name: 'the rootful daemon', configPath: rootful.configPath, ...(rootful.config ? { config: rootful.config } : {}), ...(rootful.flags ? { flags: rootful.flags } : {}), rootless: false, restart: 'systemctl restart docker' },
          docker.securityOptions,
        ),
      );
      const group = groupFindings(docker, params.agentUser, params.allowedDockerGroupMembers);
      findings.push(...group.findings);
      groupMembers = group.members;
      judged.push(`the rootful daemon (in use: ${rootful.inUse.join(', ')})`);
    }
    for (const daemon of docker.rootless) {
      const name = `${daemon.user}'s rootless daemon`;
      findings.push(...judgeDaemon({ name, configPath: daemon.configPath, ...(daemon.config ? { config: daemon.config } : {}), rootless: true, restart: `as ${daemon.user}: systemctl --user restart docker` }, docker.securityOptions));
      judged.push(name);
    }
    if (judged.length === 0) {
      return {
        status: 'pass',
        message: `Docker is installed (${docker.installedEvidence.join(', ')}) but no daemon is in use: no ${rootful.configPath}, no enabled docker.service or docker.socket, no socket, no rootless daemon in an audited home${docker.group?.members.length ? `; the docker group (${docker.group.members.join(', ')}) grants nothing while it stays so` : ''}`,
      };
    }
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} finding(s) in ${judged.join('; ')}`, findings };
    const groupNote = rootful.inUse.length > 0 ? `; docker group: ${groupMembers.length ? `only ${groupMembers.join(', ')} (no human or agent account, or allowed)` : 'empty'}` : docker.group?.members.length ? `; the rootful daemon is not in use, so the docker group (${docker.group.members.join(', ')}) grants nothing` : '';
    return { status: 'pass', message: `${judged.join('; ')}: user namespaces, no-new-privileges, icc off, no unauthenticated tcp:// API, no insecure registries${groupNote}` };
  },
});
