// The Docker daemon of a Linux machine or image: whether Docker is installed, whether the rootful daemon
// is in use (daemon.json, an enabled unit, its socket), its settings from /etc/docker/daemon.json and the
// dockerd flags of its unit, each audited user's rootless daemon (~/.config/systemd/user/docker.service,
// ~/.config/docker/daemon.json), `docker info` security options on a live machine, and the docker group.
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Account, Group, Host } from '../host/host.js';
import { type DaemonConfig, parseDaemonJson, parseDockerdFlags, unitExecStart } from '../parsers/docker-daemon.js';
import { dropInFiles } from './drop-ins.js';
import { targetUsers } from './target-users.js';

export const ROOTFUL_DAEMON_JSON = '/etc/docker/daemon.json';
export const DOCKER_BINARIES = ['/usr/bin/docker', '/usr/local/bin/docker', '/usr/bin/dockerd', '/usr/local/bin/dockerd', '/snap/bin/docker'];
const UNIT_FILES = ['/usr/lib/systemd/system/docker.service', '/lib/systemd/system/docker.service', '/etc/systemd/system/docker.service'];
const ENABLED_LINKS = ['/etc/systemd/system/multi-user.target.wants/docker.service', '/etc/systemd/system/sockets.target.wants/docker.socket'];
const SOCKETS = ['/run/docker.sock', '/var/run/docker.sock'];
const SYSV_INIT = '/etc/init.d/docker';

export interface RootlessDaemon {
  user: string;
  home: string;
  /** ~/.config/systemd/user/docker.service, when installed (dockerd-rootless-setuptool.sh). */
  unit?: string;
  configPath: string;
  config?: DaemonConfig;
}

export interface DockerDaemonFacts {
  /** What shows Docker is installed; empty when it is not. */
  installedEvidence: string[];
  /** What was looked for, for the skip message. */
  lookedFor: string[];
  rootful: {
    /** What shows the rootful daemon is in use; empty when it is installed but not enabled. */
    inUse: string[];
    configPath: string;
    config?: DaemonConfig;
    /** dockerd flags from the unit's ExecStart (after drop-ins). */
    flags?: DaemonConfig;
  };
  rootless: RootlessDaemon[];
  /** `docker info` SecurityOptions on a live machine (name=rootless, name=userns, ...). */
  securityOptions?: string[];
  group?: Group;
  accounts: Account[];
}

async function exists(host: Host, path: string): Promise<boolean> {
  return (await host.lstat(path).catch(() => undefined)) !== undefined;
}

async function readConfig(host: Host, path: string): Promise<DaemonConfig | undefined> {
  try {
    const bytes = await host.readFile(path);
    return bytes ? parseDaemonJson(path, bytes.toString('utf8')) : undefined;
  } catch (error) {
    return { path, settings: {}, error: `cannot read: ${describeError(error)}` };
  }
}

async function readText(host: Host, path: string): Promise<string | undefined> {
  try {
    return (await host.readFile(path))?.toString('utf8');
  } catch {
    return undefined;
  }
}

export const dockerDaemon = defineCollector<DockerDaemonFacts>({
  id: 'docker-daemon',
  description: "the Docker daemon's configuration (rootful and rootless), its enablement and the docker group",
  async collect({ host, get }) {
    const users = await get(targetUsers);
    const group = users.groups.find((candidate) => candidate.name === 'docker');
    const installedEvidence: string[] = [];
    for (const binary of DOCKER_BINARIES) if (await exists(host, binary)) installedEvidence.push(binary);
    const config = await readConfig(host, ROOTFUL_DAEMON_JSON);
    if (config) installedEvidence.push(ROOTFUL_DAEMON_JSON);
    if (group) installedEvidence.push('docker group');

    const inUse: string[] = [];
    if (config) inUse.push(ROOTFUL_DAEMON_JSON);
    for (const link of ENABLED_LINKS) if (await exists(host, link)) inUse.push(`${link} (enabled)`);
    for (const socket of SOCKETS) if (await exists(host, socket)) inUse.push(`${socket} (socket present)`);
    const units: { path: string; text: string }[] = [];
    for (const unit of UNIT_FILES) {
      const text = await readText(host, unit);
      if (text !== undefined) units.push({ path: unit, text });
    }
    if (units.length > 0) installedEvidence.push(...units.map((unit) => unit.path));
    // Without systemd units, an init script is how the daemon starts (WSL, older images).
    if (units.length === 0 && (await exists(host, SYSV_INIT))) {
      inUse.push(`${SYSV_INIT} (no systemd unit)`);
      installedEvidence.push(SYSV_INIT);
    }
    for (const dropIn of await dropInFiles(host, ['/etc/systemd/system/docker.service.d', '/run/systemd/system/docker.service.d'])) {
      const text = await readText(host, dropIn);
      if (text !== undefined) units.push({ path: dropIn, text });
    }
    const execStart = unitExecStart(units);
    const flags = execStart ? parseDockerdFlags(execStart.path, execStart.line, execStart.command) : undefined;

    const rootless: RootlessDaemon[] = [];
    for (const user of users.audited) {
      const unit = `${user.home}/.config/systemd/user/docker.service`;
      const configPath = `${user.home}/.config/docker/daemon.json`;
      const hasUnit = await exists(host, unit);
      const userConfig = await readConfig(host, configPath);
      if (!hasUnit && !userConfig) continue;
      rootless.push({ user: user.name, home: user.home, ...(hasUnit ? { unit } : {}), configPath, ...(userConfig ? { config: userConfig } : {}) });
      installedEvidence.push(hasUnit ? unit : configPath);
    }

    let securityOptions: string[] | undefined;
    if (installedEvidence.length > 0 && (host.kind === 'live' || host.kind === 'replay')) {
      const info = await host.run('docker', ['info', '--format', '{{json .SecurityOptions}}'], { timeoutMs: 5_000 });
      if (info.ran && info.exitCode === 0) {
        try {
          const parsed = JSON.parse(info.stdout) as unknown;
          if (Array.isArray(parsed)) securityOptions = parsed.filter((item): item is string => typeof item === 'string');
          // A daemon that answers without name=rootless is the rootful one, whatever the files say.
          if (securityOptions && !securityOptions.some((option) => /\bname=rootless\b/.test(option))) inUse.push('docker info (a rootful daemon answers)');
        } catch {
          // Not JSON (an old client): no evidence.
        }
      }
    }

    return {
      installedEvidence,
      lookedFor: [...DOCKER_BINARIES, ROOTFUL_DAEMON_JSON, ...UNIT_FILES, SYSV_INIT, 'the docker group', '~/.config/systemd/user/docker.service', '~/.config/docker/daemon.json'],
      rootful: { inUse, configPath: ROOTFUL_DAEMON_JSON, ...(config ? { config } : {}), ...(flags && Object.keys(flags.settings).length > 0 ? { flags } : {}) },
      rootless,
      ...(securityOptions ? { securityOptions } : {}),
      ...(group ? { group } : {}),
      accounts: users.accounts,
    };
  },
});
