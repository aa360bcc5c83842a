import { defineCollector } from '../engine/collector.js';
import type { Host } from '../host/host.js';
import { parseAaStatusJson, parseLoadedProfiles, parseProfileFile, type LoadedProfile, type ProfileDeclaration } from '../parsers/apparmor.js';
import { parseShellExports } from '../parsers/shell-env.js';
import { splitLines } from '../util/text-lines.js';

// Linux mandatory access control, live and at boot:
// - AppArmor: /sys/module/apparmor/parameters/enabled (Y/N), the loaded profiles with their modes
//   (/sys/kernel/security/apparmor/profiles, or `aa-status --json` when securityfs is not readable), the
//   policy files of /etc/apparmor.d (and snapd's) with their attachments, disable/ and force-complain/
//   links, apparmor_parser, and whether apparmor.service is enabled or masked;
// - SELinux: /sys/fs/selinux/enforce (1 enforcing, 0 permissive; absent: disabled), `getenforce` when the
//   file cannot be read, /etc/selinux/config SELINUX= and SELINUXTYPE= with the policy folder;
// - the kernel command line now (/proc/cmdline) and at the next boot (/etc/default/grub and
//   /etc/default/grub.d/*.cfg GRUB_CMDLINE_LINUX[_DEFAULT], /etc/kernel/cmdline, BLS entries
//   /boot/loader/entries/*.conf `options`): apparmor=0, selinux=0, enforcing=0, security=, lsm=;
// - the active LSMs (/sys/kernel/security/lsm).

export interface Located<T> {
  value: T;
  path: string;
  line?: number;
}

export interface KernelParameters {
  path: string;
  /** Line of the assignment or option line, for files. */
  line?: number;
  /** `GRUB_CMDLINE_LINUX_DEFAULT`, `options`, or `cmdline`. */
  source: string;
  parameters: string[];
}

export interface ProfileFile {
  path: string;
  profiles: ProfileDeclaration[];
  /** A link of the same name in /etc/apparmor.d/disable/. */
  disabled: boolean;
  /** A link of the same name in /etc/apparmor.d/force-complain/. */
  forceComplain: boolean;
}

export interface AppArmorFacts {
  /** /sys/module/apparmor/parameters/enabled: Y or N; undefined when the module is not built in. */
  moduleEnabled?: Located<boolean>;
  /** Loaded profiles with their modes, from securityfs or aa-status. */
  loaded?: { profiles: LoadedProfile[]; source: string };
  loadedUnavailable?: string;
  profileFiles: ProfileFile[];
  /** apparmor_parser path, when installed. */
  parser?: string;
  /** apparmor.service: enabled through a .wants link, masked to /dev/null, or neither. */
  service: { unit?: string; enabledBy?: string; masked?: string };
}

export interface SelinuxFacts {
  /** 1 enforcing, 0 permissive (/sys/fs/selinux/enforce or getenforce). */
  enforcing?: Located<boolean>;
  /** SELinux filesystem present (the kernel has SELinux active). */
  active: boolean;
  config?: { mode?: Located<string>; type?: Located<string> };
  /** /etc/selinux/<type>/policy exists. */
  policyInstalled: boolean;
}

export interface MandatoryAccessControl {
  applicable: boolean;
  /** Live or recorded machine (state can be seen), or an offline image (boot configuration only). */
  live: boolean;
  /** /sys/kernel/security/lsm. */
  activeLsms?: Located<string[]>;
  apparmor: AppArmorFacts;
  selinux: SelinuxFacts;
  /** /proc/cmdline (live) and the boot configuration files. */
  kernelParameters: KernelParameters[];
}

async function readText(host: Host, path: string, maxBytes = 1024 * 1024): Promise<string | undefined> {
  try {
    return (await host.readFile(path, maxBytes))?.toString('utf8');
  } catch {
    return undefined;
  }
}

async function readOrError(host: Host, path: string): Promise<{ text?: string; error?: string }> {
  try {
    const text = (await host.readFile(path, 4 * 1024 * 1024))?.toString('utf8');
    return text === undefined ? {} : { text };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function list(host: Host, path: string): Promise<string[]> {
  return (await host.listDir(path).catch(() => undefined)) ?? [];
}

async function lstat(host: Host, path: string) {
  return host.lstat(path).catch(() => undefined);
}

/** Words of a kernel command line, quotes removed (`a="b c"` stays one word). */
export function kernelWords(text: string): string[] {
  return (text.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((word) => word.replace(/"/g, ''));
}

async function bootParameters(host: Host): Promise<KernelParameters[]> {
  const out: KernelParameters[] = [];
  // grub: /etc/default/grub, then grub.d/*.cfg, sourced in that order by grub-mkconfig.
  const grubFiles = ['/etc/default/grub', ...(await list(host, '/etc/default/grub.d')).filter((name) => name.endsWith('.cfg')).sort().map((name) => `/etc/default/grub.d/${name}`)];
  let known: Record<string, string> = {};
  for (const path of grubFiles) {
    const text = await readText(host, path);
    if (text === undefined) continue;
    const parsed = parseShellExports(text, known);
    for (const assignment of parsed.assignments) {
      known = { ...known, [assignment.name]: assignment.value };
      if (assignment.name === 'GRUB_CMDLINE_LINUX' || assignment.name === 'GRUB_CMDLINE_LINUX_DEFAULT') {
        out.push({ path, line: assignment.line, source: assignment.name, parameters: kernelWords(assignment.value) });
      }
    }
  }
  const kernelCmdline = await readText(host, '/etc/kernel/cmdline');
  if (kernelCmdline !== undefined) out.push({ path: '/etc/kernel/cmdline', line: 1, source: 'cmdline', parameters: kernelWords(kernelCmdline) });
  for (const name of (await list(host, '/boot/loader/entries')).filter((item) => item.endsWith('.conf')).sort()) {
    const path = `/boot/loader/entries/${name}`;
    const text = await readText(host, path);
    splitLines(text ?? '').forEach((line, index) => {
      const match = /^\s*options\s+(.*)$/.exec(line);
      if (match) out.push({ path, line: index + 1, source: 'options', parameters: kernelWords(match[1] as string) });
    });
  }
  return out;
}

const APPARMOR_DIRS = ['/etc/apparmor.d', '/var/lib/snapd/apparmor/profiles'];
const SKIP_NAMES = new Set(['abstractions', 'tunables', 'local', 'disable', 'force-complain', 'cache', 'cache.d', 'abi', 'includes']);

async function apparmor(host: Host, live: boolean): Promise<AppArmorFacts> {
  const facts: AppArmorFacts = { profileFiles: [], service: {} };
  if (live) {
    const enabled = (await readText(host, '/sys/module/apparmor/parameters/enabled'))?.trim();
    if (enabled) facts.moduleEnabled = { value: enabled === 'Y', path: '/sys/module/apparmor/parameters/enabled' };
    const loaded = await readOrError(host, '/sys/kernel/security/apparmor/profiles');
    if (loaded.text !== undefined) facts.loaded = { profiles: parseLoadedProfiles(loaded.text), source: '/sys/kernel/security/apparmor/profiles' };
    else if (facts.moduleEnabled?.value) {
      const status = await host.run('aa-status', ['--json'], { timeoutMs: 10_000 });
      const parsed = status.ran && status.exitCode === 0 ? parseAaStatusJson(status.stdout) : undefined;
      if (parsed && !parsed.error) facts.loaded = { profiles: parsed.profiles, source: 'aa-status --json' };
      else facts.loadedUnavailable = `${loaded.error ?? '/sys/kernel/security/apparmor/profiles is absent'}; aa-status --json: ${status.unavailable ?? parsed?.error ?? `exited with ${status.exitCode}`}`;
    }
  }
  for (const dir of APPARMOR_DIRS) {
    const disabled = new Set(dir === '/etc/apparmor.d' ? await list(host, `${dir}/disable`) : []);
    const complain = new Set(dir === '/etc/apparmor.d' ? await list(host, `${dir}/force-complain`) : []);
    for (const name of (await list(host, dir)).sort()) {
      if (SKIP_NAMES.has(name) || name.startsWith('.') || name.endsWith('~') || name.endsWith('.dpkg-dist') || name.endsWith('.dpkg-old') || name === 'README') continue;
      const path = `${dir}/${name}`;
      const info = await host.stat(path).catch(() => undefined);
      if (info?.type !== 'file') continue;
      const text = await readText(host, path);
      if (text === undefined) continue;
      facts.profileFiles.push({ path, profiles: parseProfileFile(text), disabled: disabled.has(name), forceComplain: complain.has(name) });
    }
  }
  for (const path of ['/usr/sbin/apparmor_parser', '/sbin/apparmor_parser', '/usr/bin/apparmor_parser']) {
    if (await lstat(host, path)) {
      facts.parser = path;
      break;
    }
  }
  for (const dir of ['/usr/lib/systemd/system', '/lib/systemd/system', '/etc/systemd/system']) {
    if (await lstat(host, `${dir}/apparmor.service`)) facts.service.unit ??= `${dir}/apparmor.service`;
  }
  const override = await lstat(host, '/etc/systemd/system/apparmor.service');
  if (override?.type === 'symlink' && override.linkTarget === '/dev/null') facts.service.masked = '/etc/systemd/system/apparmor.service';
  for (const name of (await list(host, '/etc/systemd/system')).filter((item) => item.endsWith('.wants')).sort()) {
    const link = `/etc/systemd/system/${name}/apparmor.service`;
    if (await lstat(host, link)) {
      facts.service.enabledBy = link;
      break;
    }
  }
  return facts;
}

async function selinux(host: Host, live: boolean): Promise<SelinuxFacts> {
  const facts: SelinuxFacts = { active: false, policyInstalled: false };
  if (live) {
    const enforce = await readOrError(host, '/sys/fs/selinux/enforce');
    if (enforce.text !== undefined) {
      facts.active = true;
      facts.enforcing = { value: enforce.text.trim() === '1', path: '/sys/fs/selinux/enforce' };
    } else if (enforce.error) {
      facts.active = true;
      const result = await host.run('getenforce', [], { timeoutMs: 5_000 });
      const answer = result.ran ? result.stdout.trim() : '';
      if (answer === 'Enforcing' || answer === 'Permissive') facts.enforcing = { value: answer === 'Enforcing', path: 'getenforce' };
    }
  }
  const config = await readText(host, '/etc/selinux/config');
  if (config !== undefined) {
    facts.config = {};
    splitLines(config).forEach((line, index) => {
      const match = /^\s*(SELINUX|SELINUXTYPE)\s*=\s*"?([^"\s#]*)"?/.exec(line);
      if (!match) return;
      const located = { value: (match[2] as string).toLowerCase(), path: '/etc/selinux/config', line: index + 1 };
      if (match[1] === 'SELINUX') facts.config!.mode = located;
      else facts.config!.type = { ...located, value: match[2] as string };
    });
    const type = facts.config.type?.value ?? 'targeted';
    facts.policyInstalled = (await list(host, `/etc/selinux/${type}/policy`)).length > 0;
  }
  return facts;
}

export const mandatoryAccessControl = defineCollector<MandatoryAccessControl>({
  id: 'mandatory-access-control',
  description: 'AppArmor and SELinux state, policy files and the kernel command line (Linux)',
  async collect({ host }) {
    const live = host.kind === 'live' || host.kind === 'replay';
    const empty: MandatoryAccessControl = { applicable: false, live, apparmor: { profileFiles: [], service: {} }, selinux: { active: false, policyInstalled: false }, kernelParameters: [] };
    if (host.platform !== 'linux' || host.kind === 'repo') return empty;
    const facts: MandatoryAccessControl = { ...empty, applicable: true, apparmor: await apparmor(host, live), selinux: await selinux(host, live), kernelParameters: [] };
    if (live) {
      const lsm = (await readText(host, '/sys/kernel/security/lsm'))?.trim();
      if (lsm) facts.activeLsms = { value: lsm.split(',').filter(Boolean), path: '/sys/kernel/security/lsm' };
      const cmdline = (await readText(host, '/proc/cmdline'))?.trim();
      if (cmdline) facts.kernelParameters.push({ path: '/proc/cmdline', source: 'running kernel', parameters: kernelWords(cmdline) });
    }
    facts.kernelParameters.push(...(await bootParameters(host)));
    return facts;
  },
});
