import { mandatoryAccessControl, type KernelParameters, type MandatoryAccessControl } from '../../src/collectors/mandatory-access-control.js';
import { processes } from '../../src/collectors/processes.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { apparmorGlobMatch } from '../../src/parsers/apparmor.js';

type Lsm = 'apparmor' | 'selinux';

interface BootEffect {
  lsm: Lsm;
  parameter: string;
  effect: string;
  at: KernelParameters;
}

/** What the kernel parameters of one command line do to AppArmor and SELinux (kernel-parameters.txt). */
export function bootEffects(line: KernelParameters): BootEffect[] {
  const out: BootEffect[] = [];
  for (const parameter of line.parameters) {
    const [key, value = ''] = parameter.split(/=(.*)/s);
    if (key === 'apparmor' && value === '0') out.push({ lsm: 'apparmor', parameter, effect: 'turns AppArmor off', at: line });
    if (key === 'selinux' && value === '0') out.push({ lsm: 'selinux', parameter, effect: 'turns SELinux off', at: line });
    if (key === 'enforcing' && value === '0') out.push({ lsm: 'selinux', parameter, effect: 'starts SELinux in permissive mode', at: line });
    if (key === 'security' && value !== '') {
      if (value !== 'apparmor') out.push({ lsm: 'apparmor', parameter, effect: `makes ${value} the major LSM instead of AppArmor`, at: line });
      if (value !== 'selinux') out.push({ lsm: 'selinux', parameter, effect: `makes ${value} the major LSM instead of SELinux`, at: line });
    }
    if (key === 'lsm') {
      const list = value.split(',');
      if (!list.includes('apparmor')) out.push({ lsm: 'apparmor', parameter, effect: 'leaves AppArmor out of the LSM list', at: line });
      if (!list.includes('selinux')) out.push({ lsm: 'selinux', parameter, effect: 'leaves SELinux out of the LSM list', at: line });
    }
  }
  return out;
}

/** The boot configuration in effect: the last grub assignment of each variable, plus the other sources. */
function bootLines(facts: MandatoryAccessControl): KernelParameters[] {
  const lastGrub = new Map<string, KernelParameters>();
  const others: KernelParameters[] = [];
  for (const line of facts.kernelParameters) {
    if (line.source.startsWith('GRUB_CMDLINE_LINUX')) lastGrub.set(line.source, line);
    else if (line.path !== '/proc/cmdline') others.push(line);
  }
  return [...lastGrub.values(), ...others];
}

function where(line: KernelParameters): string {
  return `${line.path}${line.line ? `:${line.line}` : ''}`;
}

function removeParameterAction(effect: BootEffect): RemediationAction {
  const regenerate = effect.at.path.startsWith('/etc/default/grub') ? ', then run update-grub (Debian, Ubuntu) or grub2-mkconfig -o /boot/grub2/grub.cfg' : effect.at.source === 'options' ? ' (grubby --update-kernel=ALL --remove-args=...)' : '';
  return { kind: 'manual', text: `Remove "${effect.parameter}" from ${effect.at.source} in ${where(effect.at)}${regenerate}, and reboot.` };
}

const ENFORCING_FLAGS = (flags: readonly string[]) => !flags.some((flag) => flag === 'complain' || flag === 'unconfined' || flag === 'prompt');

export default defineCheck({
  meta: {
    id: 'sandbox.mac-enforcing',
    title: 'AppArmor or SELinux is enforcing (and confines the agent)',
    area: 'sandbox',
    severity: 'medium',
    platforms: ['linux'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Mandatory access control is the kernel\'s own limit on what a process may touch, whatever its account may do: with AppArmor or SELinux enforcing, ' +
      'a profile can keep an agent out of credential folders and sockets even when a file\'s mode would let it in. This check reads the running state ' +
      '(/sys/module/apparmor/parameters/enabled, the loaded profiles and their modes, /sys/fs/selinux/enforce, /sys/kernel/security/lsm) and the boot ' +
      'configuration (kernel parameters apparmor=0, selinux=0, enforcing=0, security=, lsm= in /proc/cmdline, /etc/default/grub[.d], /etc/kernel/cmdline, ' +
      'BLS entries; /etc/selinux/config; AppArmor policy files, apparmor_parser and apparmor.service). An offline image is judged on its boot configuration. ' +
      'With the baseline\'s agentBinaries, each must be attached to an AppArmor profile in enforce mode, and running agent processes must not be unconfined.',
    references: [
      { title: 'AppArmor: apparmor.d(5) profile syntax and globbing', url: 'https://manpages.ubuntu.com/manpages/noble/man5/apparmor.d.5.html' },
      { title: 'Linux kernel parameters: apparmor=, selinux=, enforcing=, security=, lsm=', url: 'https://www.kernel.org/doc/html/latest/admin-guide/kernel-parameters.html' },
      { title: 'Red Hat: changing SELinux states and modes (/etc/selinux/config)', url: 'https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/9/html/using_selinux/changing-selinux-states-and-modes_using-selinux' },
      { title: 'CIS Distribution Independent Linux Benchmark 1.6: mandatory access control' },
    ],
    fix: 'Enable AppArmor (or SELinux) in enforcing mode, remove kernel parameters that turn it off, and confine the agent binaries with an enforcing profile.',
  },
  params: {
    agentBinaries: stringList(
      'Absolute paths of the agent executables (for example /usr/local/bin/claude, resolved through links); each must run under an enforcing AppArmor profile. Same meaning as for the audit-rule check. Empty: only require that a MAC is enforcing.',
      [],
    ),
  },
  uses: [mandatoryAccessControl, processes],
  evaluate(facts, params) {
    const relative = params.agentBinaries.filter((path) => !path.startsWith('/'));
    if (relative.length) throw new Error(`agentBinaries: not absolute: ${relative.join(', ')}`);
    const mac = facts.get(mandatoryAccessControl);
    if (!mac.applicable) return { status: 'skipped', message: 'mandatory access control is checked on Linux hosts and images' };
    const findings: Finding[] = [];
    const aa = mac.apparmor;
    const se = mac.selinux;
    const boot = bootLines(mac).flatMap(bootEffects);
    const running = mac.kernelParameters.filter((line) => line.path === '/proc/cmdline').flatMap(bootEffects);
    const activeFiles = aa.profileFiles.filter((file) => !file.disabled);
    const enforceableProfiles = activeFiles.filter((file) => !file.forceComplain).flatMap((file) => file.profiles.filter((profile) => ENFORCING_FLAGS(profile.flags)));
    const apparmorPresent = aa.moduleEnabled !== undefined || aa.parser !== undefined || aa.profileFiles.length > 0 || (mac.activeLsms?.value.includes('apparmor') ?? false);
    const selinuxPresent = se.active || se.config !== undefined;

    let apparmorOn: boolean;
    let selinuxOn: boolean;
    const state: string[] = [];
    if (mac.live) {
      const loaded = aa.loaded?.profiles ?? [];
      const enforced = loaded.filter((profile) => profile.mode === 'enforce' || profile.mode === 'kill');
      apparmorOn = aa.moduleEnabled?.value === true && (aa.loaded ? enforced.length > 0 : true);
      selinuxOn = se.enforcing?.value === true;
      if (aa.moduleEnabled) state.push(aa.moduleEnabled.value ? `AppArmor enabled${aa.loaded ? ` with ${enforced.length} of ${loaded.length} loaded profile(s) enforcing` : ` (loaded profiles unknown: ${aa.loadedUnavailable ?? 'not read'})`}` : 'AppArmor disabled');
      if (se.active) state.push(`SELinux ${se.enforcing ? (se.enforcing.value ? 'enforcing' : 'permissive') : 'active, mode unknown'}`);
      if (!apparmorOn && !selinuxOn) {
        if (aa.moduleEnabled && !aa.moduleEnabled.value) {
          const cause = running.find((effect) => effect.lsm === 'apparmor');
          findings.push({
            message: `AppArmor is disabled in the running kernel: ${aa.moduleEnabled.path} is N${cause ? ` (the kernel was booted with ${cause.parameter}, /proc/cmdline)` : ''}`,
            location: { path: aa.moduleEnabled.path },
            subject: 'system',
            actions: [{ kind: 'manual', text: 'Boot without apparmor=0 (and with apparmor=1 security=apparmor if the kernel does not enable it by default), enable apparmor.service, and reboot.' }],
          });
        } else if (aa.moduleEnabled?.value && aa.loaded) {
          const modes = new Map<string, number>();
          for (const profile of aa.loaded.profiles) modes.set(profile.mode, (modes.get(profile.mode) ?? 0) + 1);
          findings.push({
            message: `AppArmor is enabled but no loaded profile enforces (${[...modes].map(([mode, count]) => `${count} ${mode}`).join(', ') || 'no profile loaded'}; ${aa.loaded.source})`,
            location: { path: aa.loaded.source.startsWith('/') ? aa.loaded.source : aa.moduleEnabled.path },
            subject: 'system',
            actions: [{ kind: 'manual', text: 'Load the profiles in enforce mode: aa-enforce /etc/apparmor.d/<profile> (and remove their links from /etc/apparmor.d/force-complain), then systemctl reload apparmor.' }],
          });
        }
        if (se.active && se.enforcing && !se.enforcing.value) {
          findings.push({ message: `SELinux is permissive: ${se.enforcing.path} is 0`, location: { path: se.enforcing.path }, subject: 'system', actions: [{ kind: 'manual', text: 'setenforce 1, and set SELINUX=enforcing in /etc/selinux/config so it stays after a reboot.' }] });
        }
        if (se.config?.mode && se.config.mode.value !== 'enforcing' && !apparmorPresent) {
          findings.push({ message: `/etc/selinux/config:${se.config.mode.line} sets SELINUX=${se.config.mode.value} for every boot`, location: { path: se.config.mode.path, ...(se.config.mode.line ? { line: se.config.mode.line } : {}) }, subject: 'system', actions: [{ kind: 'manual', text: `Set SELINUX=enforcing at /etc/selinux/config:${se.config.mode.line} (from disabled: touch /.autorelabel first).` }] });
        }
        if (!apparmorPresent && !selinuxPresent) {
          findings.push({
            message: `neither AppArmor nor SELinux is active${mac.activeLsms ? ` (active LSMs: ${mac.activeLsms.value.join(', ')})` : ''}`,
            ...(mac.activeLsms ? { location: { path: mac.activeLsms.path } } : {}),
            subject: 'system',
            actions: [{ kind: 'manual', text: 'Install and enable AppArmor (Debian, Ubuntu, SUSE: apparmor, apparmor-profiles) or SELinux (Fedora, RHEL: selinux-policy-targeted) in enforcing mode.' }],
          });
        }
      }
    } else {
      const apparmorBlocked = boot.filter((effect) => effect.lsm === 'apparmor');
      apparmorOn = aa.parser !== undefined && enforceableProfiles.length > 0 && !aa.service.masked && (aa.service.enabledBy !== undefined || aa.service.unit === undefined) && apparmorBlocked.length === 0;
      selinuxOn = se.config?.mode?.value === 'enforcing' && se.policyInstalled && !boot.some((effect) => effect.lsm === 'selinux');
      if (apparmorPresent) state.push(`AppArmor: ${aa.parser ? 'apparmor_parser installed' : 'no apparmor_parser'}, ${enforceableProfiles.length} enforcing profile(s) in ${activeFiles.length} policy file(s), apparmor.service ${aa.service.masked ? 'masked' : aa.service.enabledBy ? 'enabled' : aa.service.unit ? 'not enabled' : 'absent'}`);
      if (se.config) state.push(`SELinux: SELINUX=${se.config.mode?.value ?? '?'}, policy ${se.policyInstalled ? 'installed' : 'missing'}`);
      if (!apparmorOn && !selinuxOn) {
        if (apparmorPresent) {
          if (!aa.parser) findings.push({ message: 'AppArmor policy is present but apparmor_parser is not installed: no profile can be loaded at boot', location: { path: aa.profileFiles[0]?.path ?? '/etc/apparmor.d' }, subject: 'system', actions: [{ kind: 'manual', text: 'Install the apparmor package in the image.' }] });
          if (aa.service.masked) findings.push({ message: `apparmor.service is masked (${aa.service.masked} -> /dev/null): no profile is loaded at boot`, location: { path: aa.service.masked }, subject: 'system', actions: [{ kind: 'manual', text: 'systemctl unmask apparmor.service && systemctl enable apparmor.service (in the image: remove the /dev/null link and add the sysinit.target.wants link).' }] });
          else if (aa.service.unit && !aa.service.enabledBy) findings.push({ message: `apparmor.service is not enabled at boot (${aa.service.unit} has no .wants link)`, location: { path: aa.service.unit }, subject: 'system', actions: [{ kind: 'manual', text: 'systemctl enable apparmor.service (in the image: link it into /etc/systemd/system/sysinit.target.wants/).' }] });
          if (enforceableProfiles.length === 0) findings.push({ message: `no AppArmor profile of the image would enforce (${aa.profileFiles.length} policy file(s): all disabled, complain or unconfined)`, location: { path: '/etc/apparmor.d' }, subject: 'system', actions: [{ kind: 'manual', text: 'Install enforcing profiles (apparmor-profiles) and remove links from /etc/apparmor.d/disable and force-complain.' }] });
        }
        if (se.config?.mode && se.config.mode.value !== 'enforcing') {
          findings.push({ message: `/etc/selinux/config:${se.config.mode.line} sets SELINUX=${se.config.mode.value}`, location: { path: se.config.mode.path, ...(se.config.mode.line ? { line: se.config.mode.line } : {}) }, subject: 'system', actions: [{ kind: 'manual', text: `Set SELINUX=enforcing at /etc/selinux/config:${se.config.mode.line} (relabel first: touch /.autorelabel).` }] });
        } else if (se.config?.mode && !se.policyInstalled) {
          findings.push({ message: `/etc/selinux/config asks for enforcing mode but no ${se.config.type?.value ?? 'targeted'} policy is installed`, location: { path: se.config.mode.path, ...(se.config.mode.line ? { line: se.config.mode.line } : {}) }, subject: 'system', actions: [{ kind: 'manual', text: 'Install the SELinux policy package (selinux-policy-targeted).' }] });
        }
        if (!apparmorPresent && !selinuxPresent) {
          findings.push({ message: 'the image has neither AppArmor (no policy, no apparmor_parser) nor SELinux (/etc/selinux/config)', subject: 'system', actions: [{ kind: 'manual', text: 'Install and enable AppArmor or SELinux in enforcing mode in the image.' }] });
        }
      }
    }

    // Boot parameters that turn off the MAC the system uses (or would use), for the next boot.
    for (const effect of boot) {
      const relevant = effect.lsm === 'apparmor' ? apparmorPresent && (apparmorOn || !selinuxOn) : selinuxPresent && (selinuxOn || !apparmorOn);
      if (!relevant) continue;
      findings.push({
        message: `${where(effect.at)}: ${effect.at.source} has "${effect.parameter}", which ${effect.effect} at the next boot`,
        location: { path: effect.at.path, ...(effect.at.line ? { line: effect.at.line } : {}) },
        subject: 'system',
        actions: [removeParameterAction(effect)],
      });
    }
    if (mac.live && selinuxOn && se.config?.mode && se.config.mode.value !== 'enforcing') {
      findings.push({ message: `SELinux enforces now, but /etc/selinux/config:${se.config.mode.line} sets SELINUX=${se.config.mode.value} for the next boot`, location: { path: se.config.mode.path, ...(se.config.mode.line ? { line: se.config.mode.line } : {}) }, subject: 'system', actions: [{ kind: 'manual', text: `Set SELINUX=enforcing at /etc/selinux/config:${se.config.mode.line}.` }] });
    }

    // Nothing enforces, and none of the specific causes above was seen: say so rather than pass.
    if (!apparmorOn && !selinuxOn && findings.length === 0) {
      const aaState = aa.moduleEnabled ? (aa.moduleEnabled.value ? `AppArmor enabled, loaded profiles unknown (${aa.loadedUnavailable ?? 'not read'})` : 'AppArmor disabled') : mac.live ? 'AppArmor not in the running kernel' : 'AppArmor would not load at boot';
      const seState = se.active ? `SELinux ${se.enforcing ? (se.enforcing.value ? 'enforcing' : 'permissive') : 'mode unknown'}` : se.config ? `SELinux configured (SELINUX=${se.config.mode?.value ?? '?'}) but ${mac.live ? 'not active' : 'without a policy'}` : 'no SELinux';
      findings.push({
        message: `no mandatory access control can be shown to enforce: ${aaState}; ${seState}`,
        ...(aa.moduleEnabled ? { location: { path: aa.moduleEnabled.path } } : mac.activeLsms ? { location: { path: mac.activeLsms.path } } : {}),
        subject: 'system',
        actions: [{ kind: 'manual', text: 'Enable AppArmor (apparmor=1 security=apparmor, apparmor.service) or SELinux (SELINUX=enforcing) in enforcing mode; run the audit as root if the state could not be read.' }],
      });
    }

    // The agent binaries: attached to an enforcing AppArmor profile; running agents not unconfined.
    const listing = facts.get(processes);
    const loadedModes = new Map((aa.loaded?.profiles ?? []).map((profile) => [profile.name, profile.mode]));
    for (const binary of params.agentBinaries) {
      const declared = activeFiles.flatMap((file) => file.profiles.map((profile) => ({ file, profile }))).filter(({ profile }) => profile.name === binary || (profile.attachment !== undefined && apparmorGlobMatch(profile.attachment, binary)));
      const enforcing = declared.filter(({ file, profile }) => {
        const mode = loadedModes.get(profile.name);
        if (mac.live && aa.loaded) return mode === 'enforce' || mode === 'kill';
        return !file.forceComplain && ENFORCING_FLAGS(profile.flags);
      });
      const loadedByName = loadedModes.get(binary);
      const runningAs = listing.processes.filter((process) => process.executable === binary || process.argv[0] === binary);
      const confinedByLabel = runningAs.some((process) => process.securityLabel && / \((enforce|kill)\)$/.test(process.securityLabel));
      const seLinuxConfined = selinuxOn && runningAs.length > 0 && runningAs.every((process) => process.securityLabel && !/:unconfined_t:/.test(process.securityLabel) && process.securityLabel !== 'unconfined');
      if (enforcing.length === 0 && loadedByName !== 'enforce' && !confinedByLabel && !seLinuxConfined) {
        const seen = declared.length ? ` (profile ${declared.map(({ file, profile }) => `${profile.name} in ${file.path}: ${mac.live && aa.loaded ? (loadedModes.get(profile.name) ?? 'not loaded') : profile.flags.join(',') || 'enforce'}`).join('; ')})` : '';
        findings.push({
          message: `agent binary ${binary} is not confined: no AppArmor profile attached to it is in enforce mode${seen}`,
          location: { path: declared[0]?.file.path ?? binary },
          subject: binary,
          actions: [{ kind: 'manual', text: `Write an AppArmor profile for ${binary} (aa-genprof ${binary}, or a profile in /etc/apparmor.d that denies the credential folders), load it with apparmor_parser -r and put it in enforce mode (aa-enforce).` }],
        });
      }
      for (const process of runningAs) {
        if (process.securityLabel === 'unconfined' || /:unconfined_t:/.test(process.securityLabel ?? '')) {
          findings.push({
            message: `agent process ${process.pid} (${binary}${process.user ? `, user ${process.user}` : ''}) runs unconfined (${process.source}/attr/current: ${process.securityLabel})`,
            location: { path: `${process.source}/attr/current` },
            subject: process.user ?? binary,
            actions: [{ kind: 'manual', text: `Restart ${binary} after its profile is loaded in enforce mode: a running process keeps the confinement it started with.` }],
          });
        }
      }
    }

    const summary = state.join('; ') || 'no AppArmor or SELinux evidence';
    if (findings.length > 0) return { status: 'fail', message: `${apparmorOn || selinuxOn ? 'mandatory access control is on, with problems' : 'no mandatory access control enforces'}: ${summary}`, findings };
    const binaries = params.agentBinaries.length ? `; ${params.agentBinaries.length} agent binary(ies) confined` : '';
    return { status: 'pass', message: `${apparmorOn ? 'AppArmor' : 'SELinux'} ${mac.live ? 'enforces' : 'will enforce at boot'}: ${summary}${binaries}` };
  },
});
