import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import edrPresent from '../checks/monitoring/edr-present.js';
import agentIsolation from '../checks/sandbox/agent-isolation.js';
import agentUser from '../checks/sandbox/agent-user.js';
import macEnforcing, { bootEffects } from '../checks/sandbox/mac-enforcing.js';
import { kernelWords } from '../src/collectors/mandatory-access-control.js';
import { executableOf, parsePsOutput, parseWindowsProcesses, processes, splitWindowsCommandLine } from '../src/collectors/processes.js';
import { sudoers } from '../src/collectors/sudoers.js';
import { cgroupContainer, dmiHypervisor, virtualization } from '../src/collectors/virtualization.js';
import type { AnyCheck } from '../src/engine/check.js';
import { FactStore } from '../src/engine/fact-store.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import type { CheckResult } from '../src/engine/result.js';
import { runChecks } from '../src/engine/runner.js';
import { RootHost } from '../src/host/root-host.js';
import { apparmorGlobMatch, parseAaStatusJson, parseLoadedProfiles, parseProfileFile } from '../src/parsers/apparmor.js';
import { agentKindOf } from '../src/sandbox/agents.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

// The host-sandbox checks on offline images (`--root`): no process can be seen, so isolation comes from
// the image's guest tools and container markers, MAC from the boot configuration, sudo from the image's
// sudoers, EDR from install paths and enabled units.

afterAll(() => removeTempDirs());

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nclaude:x:1001:1001:Agent:/home/claude:/bin/bash\n';
const GROUP = 'root:x:0:\nsudo:x:27:alice\ndocker:x:999:alice\nalice:x:1000:\nclaude:x:1001:\n';
const DEBIAN_SUDOERS = 'Defaults\tenv_reset\nDefaults\tuse_pty\n\n# User privilege specification\nroot\tALL=(ALL:ALL) ALL\n\n# Allow members of group sudo to execute any command\n%sudo\tALL=(ALL:ALL) ALL\n\n@includedir /etc/sudoers.d\n';
const GRUB = (cmdline: string) => `GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\nGRUB_CMDLINE_LINUX_DEFAULT="${cmdline}"\nGRUB_CMDLINE_LINUX=""\n`;

/** A Debian-like image folder with the given files (content, or a link with `->`). */
function image(files: Record<string, string | { link: string }>): string {
  const root = makeTempDir('host-sandbox-image');
  writeFileAt(path.join(root, 'etc/passwd'), PASSWD);
  writeFileAt(path.join(root, 'etc/group'), GROUP);
  writeFileAt(path.join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n');
  mkdirSync(path.join(root, 'home/alice'), { recursive: true });
  mkdirSync(path.join(root, 'home/claude'), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    if (typeof content === 'string') writeFileAt(target, content);
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      symlinkSync(content.link, target);
    }
  }
  return root;
}

async function run(root: string, check: AnyCheck, params: Record<string, unknown> = {}): Promise<CheckResult> {
  const { results } = await runChecks({ host: new RootHost(root), checks: [{ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), ...params } }] });
  const result = results[0] as CheckResult;
  expect(result.error, JSON.stringify(result.error)).toBeUndefined();
  return result;
}

const APPARMOR_BOOT = {
  'usr/sbin/apparmor_parser': '',
  'lib/systemd/system/apparmor.service': '[Unit]\nDescription=Load AppArmor profiles\n[Install]\nWantedBy=sysinit.target\n',
  'etc/systemd/system/sysinit.target.wants/apparmor.service': { link: '/lib/systemd/system/apparmor.service' },
  'etc/apparmor.d/usr.bin.man': 'abi <abi/3.0>,\ninclude <tunables/global>\n\n/usr/bin/man {\n  include <abstractions/base>\n}\n',
  'etc/apparmor.d/usr.sbin.cups-browsed': '/usr/sbin/cups-browsed {\n}\n',
  'etc/apparmor.d/abstractions/base': '# an abstraction, not a profile\n',
};

describe('collectors on an image', () => {
  it('say that no process can be seen offline, rather than listing none', async () => {
    const store = new FactStore(new RootHost(image({})));
    const listing = await store.get(processes);
    expect(listing).toMatchObject({ available: false, unavailable: 'processes cannot be seen in an offline image', processes: [] });
    store.close();
  });

  it('read sudoers through @includedir, skipping names with a dot or a trailing ~', async () => {
    const root = image({
      'etc/sudoers': DEBIAN_SUDOERS,
      'etc/sudoers.d/README': '# comments only\n',
      'etc/sudoers.d/claude': 'claude ALL=(ALL) NOPASSWD: ALL\n',
      'etc/sudoers.d/claude~': 'claude ALL=(ALL) ALL\n',
      'etc/sudoers.d/site.conf': 'claude ALL=(ALL) ALL\n',
      'etc/sudoers.d/local': '@include ../sudoers.local\n',
      'etc/sudoers.local': 'Defaults:claude !lecture\n',
    });
    const store = new FactStore(new RootHost(root));
    const facts = await store.get(sudoers);
    expect(facts.files.map((file) => file.path)).toEqual(['/etc/sudoers', '/etc/sudoers.d/README', '/etc/sudoers.d/claude', '/etc/sudoers.d/local', '/etc/sudoers.local']);
    expect(facts.files.find((file) => file.path === '/etc/sudoers.local')?.includedFrom).toEqual({ path: '/etc/sudoers.d/local', line: 1 });
    expect(facts.problems).toEqual([]);
    store.close();
  });

  it('report an include loop instead of following it forever', async () => {
    const root = image({ 'etc/sudoers': '@include /etc/sudoers.d/a\n', 'etc/sudoers.d/a': '@include /etc/sudoers\n' });
    const store = new FactStore(new RootHost(root));
    const facts = await store.get(sudoers);
    expect(facts.problems).toEqual([{ path: '/etc/sudoers.d/a', line: 1, message: '/etc/sudoers is included again (an include loop, which sudo rejects)' }]);
    store.close();
  });

  it('tell a VM image by its guest tools, a container image by its markers, and know nothing otherwise', async () => {
    const vm = new FactStore(new RootHost(image({ 'usr/sbin/qemu-ga': '', 'boot/vmlinuz-6.1.0-26-amd64': '', 'sbin/init': '' })));
    expect(await vm.get(virtualization)).toMatchObject({ kind: 'vm', technology: 'kvm', isolating: true, evidence: [{ path: '/usr/sbin/qemu-ga' }] });
    const container = new FactStore(new RootHost(image({ '.dockerenv': '' })));
    expect(await container.get(virtualization)).toMatchObject({ kind: 'container', technology: 'docker' });
    const plain = new FactStore(new RootHost(image({ 'boot/vmlinuz-6.1.0-26-amd64': '', 'sbin/init': '' })));
    expect((await plain.get(virtualization)).kind).toBe('unknown');
    for (const store of [vm, container, plain]) store.close();
  });
});

describe('sandbox.agent-user on an image', () => {
  it('fails on a NOPASSWD rule for claude in sudoers.d and on docker membership, with the file, line and group', async () => {
    const root = image({
      'etc/group': GROUP.replace('docker:x:999:alice', 'docker:x:999:alice,claude'),
      'etc/sudoers': DEBIAN_SUDOERS,
      'etc/sudoers.d/90-claude': '# added by the agent installer\nclaude ALL=(ALL) NOPASSWD: ALL\n',
    });
    const result = await run(root, agentUser, { agentUser: 'claude' });
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => [finding.location?.path, finding.location?.line, finding.actions?.map((action) => action.kind)])).toEqual([
      [undefined, undefined, ['remove-group-member']],
      ['/etc/sudoers.d/90-claude', 2, ['manual']],
    ]);
    expect(result.findings[1]?.message).toBe('/etc/sudoers.d/90-claude:2 lets "claude" (user claude) run any command as (ALL) without a password: claude ALL=(ALL) NOPASSWD: ALL');
    expect(result.findings[1]?.actions).toEqual([{ kind: 'manual', text: 'Run `visudo -f /etc/sudoers.d/90-claude` and remove line 2: claude ALL=(ALL) NOPASSWD: ALL', reference: 'https://www.sudo.ws/docs/man/sudoers.man/' }]);
    expect(result.findings[0]?.actions).toEqual([{ kind: 'remove-group-member', group: 'docker', user: 'claude' }]);
  });

  it('passes an image whose sudoers names claude nowhere', async () => {
    const result = await run(image({ 'etc/sudoers': DEBIAN_SUDOERS, 'etc/sudoers.d/README': '#\n' }), agentUser, { agentUser: 'claude' });
    expect(result.status, result.message).toBe('pass');
  });

  it('skips without an agent user', async () => {
    expect((await run(image({}), agentUser)).status).toBe('skipped');
  });
});

describe('sandbox.mac-enforcing on an image', () => {
  it('passes an image that loads enforcing AppArmor profiles at boot', async () => {
    const result = await run(image({ ...APPARMOR_BOOT, 'etc/default/grub': GRUB('quiet') }), macEnforcing);
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toContain('AppArmor will enforce at boot: AppArmor: apparmor_parser installed, 2 enforcing profile(s) in 2 policy file(s), apparmor.service enabled');
  });

  it('fails on apparmor=0 in the grub command line, with its line', async () => {
    const result = await run(image({ ...APPARMOR_BOOT, 'etc/default/grub': GRUB('quiet apparmor=0') }), macEnforcing);
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => [finding.location, finding.message])).toEqual([
      [{ path: '/etc/default/grub', line: 4 }, '/etc/default/grub:4: GRUB_CMDLINE_LINUX_DEFAULT has "apparmor=0", which turns AppArmor off at the next boot'],
    ]);
  });

  it('fails on a masked apparmor.service and profiles in complain mode', async () => {
    const result = await run(image({
      ...APPARMOR_BOOT,
      'etc/systemd/system/apparmor.service': { link: '/dev/null' },
      'etc/apparmor.d/force-complain/usr.bin.man': { link: '/etc/apparmor.d/usr.bin.man' },
      'etc/apparmor.d/disable/usr.sbin.cups-browsed': { link: '/etc/apparmor.d/usr.sbin.cups-browsed' },
    }), macEnforcing);
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => finding.location?.path)).toEqual(['/etc/systemd/system/apparmor.service', '/etc/apparmor.d']);
  });

  it('reads /etc/selinux/config: permissive fails with its line, enforcing with a policy passes', async () => {
    const permissive = await run(image({ 'etc/selinux/config': '# SELinux config\nSELINUX=permissive\nSELINUXTYPE=targeted\n', 'etc/selinux/targeted/policy/policy.33': '' }), macEnforcing);
    expect(permissive.status).toBe('fail');
    expect(permissive.findings.map((finding) => finding.location)).toEqual([{ path: '/etc/selinux/config', line: 2 }]);
    const enforcing = await run(image({ 'etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n', 'etc/selinux/targeted/policy/policy.33': '' }), macEnforcing);
    expect(enforcing.status, enforcing.message).toBe('pass');
    const turnedOff = await run(image({ 'etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n', 'etc/selinux/targeted/policy/policy.33': '', 'etc/kernel/cmdline': 'root=UUID=1234 ro selinux=0\n' }), macEnforcing);
    expect(turnedOff.findings.map((finding) => [finding.location, finding.message])).toEqual([[{ path: '/etc/kernel/cmdline', line: 1 }, '/etc/kernel/cmdline:1: cmdline has "selinux=0", which turns SELinux off at the next boot']]);
  });

  it('fails an image with neither AppArmor nor SELinux', async () => {
    const result = await run(image({}), macEnforcing);
    expect(result.findings.map((finding) => finding.message)).toEqual(['the image has neither AppArmor (no policy, no apparmor_parser) nor SELinux (/etc/selinux/config)']);
  });

  it("checks the agent binaries against the profiles' attachments", async () => {
    const files = { ...APPARMOR_BOOT, 'etc/apparmor.d/claude': 'profile claude /usr/local/bin/claude {\n  deny @{HOME}/.aws/** rw,\n}\n' };
    expect((await run(image(files), macEnforcing, { agentBinaries: ['/usr/local/bin/claude'] })).status).toBe('pass');
    const complain = await run(image({ ...files, 'etc/apparmor.d/claude': 'profile claude /usr/local/bin/claude flags=(complain) {\n}\n' }), macEnforcing, { agentBinaries: ['/usr/local/bin/claude'] });
    expect(complain.findings.map((finding) => [finding.location?.path, finding.message])).toEqual([
      ['/etc/apparmor.d/claude', 'agent binary /usr/local/bin/claude is not confined: no AppArmor profile attached to it is in enforce mode (profile claude in /etc/apparmor.d/claude: complain)'],
    ]);
  });
});

describe('monitoring.edr-present on an image', () => {
  it('passes an image with CrowdStrike installed and its unit enabled', async () => {
    const result = await run(image({
      'opt/CrowdStrike/falconctl': '',
      'lib/systemd/system/falcon-sensor.service': '[Install]\nWantedBy=multi-user.target\n',
      'etc/systemd/system/multi-user.target.wants/falcon-sensor.service': { link: '/lib/systemd/system/falcon-sensor.service' },
    }), edrPresent);
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toBe('CrowdStrike Falcon: installed and enabled at boot (falcon-sensor.service is enabled (/etc/systemd/system/multi-user.target.wants/falcon-sensor.service))');
  });

  it('fails an image whose Wazuh agent is installed but not enabled, at its install path', async () => {
    const result = await run(image({ 'var/ossec/bin/wazuh-agentd': '', 'usr/lib/systemd/system/wazuh-agent.service': '[Install]\nWantedBy=multi-user.target\n' }), edrPresent);
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => [finding.location?.path, finding.message])).toEqual([
      ['/var/ossec/bin/wazuh-agentd', 'Wazuh agent is installed (/var/ossec/bin/wazuh-agentd) but not enabled at boot: wazuh-agent.service is installed but not enabled (/usr/lib/systemd/system/wazuh-agent.service)'],
      [undefined, expect.stringContaining('no endpoint sensor is installed and enabled in the image (looked for CrowdStrike Falcon')],
    ]);
  });

  it('fails when the required sensor is not the one installed', async () => {
    const result = await run(image({
      'opt/microsoft/mdatp/sbin/wdavdaemon': '',
      'lib/systemd/system/mdatp.service': '',
      'etc/systemd/system/multi-user.target.wants/mdatp.service': { link: '/lib/systemd/system/mdatp.service' },
    }), edrPresent, { requiredEdr: 'sentinelone' });
    expect(result.findings.map((finding) => finding.message)).toEqual(['the required sensor SentinelOne is not installed and enabled in the image; present instead: Microsoft Defender for Endpoint']);
  });
});

describe('sandbox.agent-isolation on an image', () => {
  const CLAUDE_INSTALLED = { 'usr/local/lib/node_modules/@anthropic-ai/claude-code/cli.js': '', 'home/claude/.local/bin/claude': '' };

  it('passes a VM image (QEMU guest agent) and names the agents installed in it', async () => {
    const result = await run(image({ ...CLAUDE_INSTALLED, 'usr/sbin/qemu-ga': '' }), agentIsolation, { requireIsolation: true });
    expect(result.status).toBe('pass');
    expect(result.message).toBe('this machine is a virtual machine (kvm: QEMU guest agent is installed (/usr/sbin/qemu-ga)): agents on it run isolated from the physical host (processes cannot be seen in an offline image; installed: Claude Code at /usr/local/lib/node_modules/@anthropic-ai/claude-code, Claude Code at /home/claude/.local/bin/claude)');
  });

  it('reports an image without markers as unknown, and fails it with requireIsolation', async () => {
    const root = image({ ...CLAUDE_INSTALLED, 'boot/vmlinuz-6.1.0-26-amd64': '', 'sbin/init': '' });
    const lenient = await run(root, agentIsolation);
    expect(lenient.status).toBe('pass');
    expect(lenient.message).toContain('isolation unknown: processes cannot be seen in an offline image');
    expect(lenient.message).toContain('(report only: requireIsolation is false)');
    const strict = await run(root, agentIsolation, { requireIsolation: true });
    expect(strict.status).toBe('fail');
    expect(strict.findings.map((finding) => [finding.location?.path, finding.subject])).toEqual([
      ['/usr/local/lib/node_modules/@anthropic-ai/claude-code', undefined],
      ['/home/claude/.local/bin/claude', 'claude'],
    ]);
  });
});

describe('evidence parsers', () => {
  it('splits macOS ps lines and recovers executables with spaces', () => {
    const rows = parsePsOutput(
      '    1     0     0 root     /sbin/launchd\n' +
        '  402     1     0 root     /Library/Application Support/Microsoft/Defender/wdavdaemon\n' +
        '  733     1   502 claude   /Applications/Visual Studio Code.app/Contents/MacOS/Electron --inspect=0\n' +
        '  612   598   501 alice    node /opt/homebrew/lib/node_modules/@anthropic-ai/claude-code/cli.js -p hello\n' +
        'garbage line\n',
    );
    expect(rows.map((row) => [row.pid, row.ppid, row.uid, row.user, row.name, row.executable])).toEqual([
      [1, 0, 0, 'root', 'launchd', '/sbin/launchd'],
      [402, 1, 0, 'root', 'wdavdaemon', '/Library/Application Support/Microsoft/Defender/wdavdaemon'],
      [733, 1, 502, 'claude', 'Electron', '/Applications/Visual Studio Code.app/Contents/MacOS/Electron'],
      [612, 598, 501, 'alice', 'node', 'node'],
    ]);
    expect(executableOf('/usr/bin/python3 /opt/tool/run.py --flag')).toBe('/usr/bin/python3');
  });

  it('reads the Windows process JSON, one object or an array, and splits quoted command lines', () => {
    const one = parseWindowsProcesses('{"ProcessId":9120,"ParentProcessId":7716,"Name":"claude.exe","ExecutablePath":"C:\\\\Users\\\\alice\\\\.local\\\\bin\\\\claude.exe","CommandLine":"claude -p \\"fix it\\"","Owner":"PC\\\\alice"}');
    expect(one.processes).toEqual([expect.objectContaining({ pid: 9120, ppid: 7716, name: 'claude.exe', user: 'PC\\alice', argv: ['claude', '-p', 'fix it'] })]);
    expect(parseWindowsProcesses('not json').error).toMatch(/^not JSON/);
    expect(splitWindowsCommandLine('"C:\\Program Files\\x\\a.exe" --type=renderer "two words"')).toEqual(['C:\\Program Files\\x\\a.exe', '--type=renderer', 'two words']);
  });

  it('tells agents from look-alikes: main processes only, no bare substrings', () => {
    const linux = (argv: string[], name: string, executable?: string) => ({ pid: 1, name, argv, commandLine: argv.join(' '), source: '/proc/1', ...(executable ? { executable } : {}) });
    expect(agentKindOf(linux(['claude'], 'claude', '/usr/bin/node'))).toBe('claude-code');
    expect(agentKindOf(linux(['/usr/bin/node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js'], 'node', '/usr/bin/node'))).toBe('claude-code');
    expect(agentKindOf(linux(['vim', 'claude.md'], 'vim', '/usr/bin/vim'))).toBeUndefined();
    expect(agentKindOf(linux(['/usr/bin/node', '/home/a/claude-clone/cli.js'], 'node', '/usr/bin/node'))).toBeUndefined();
    expect(agentKindOf(linux(['/opt/Cursor/cursor', '--type=zygote'], 'cursor', '/opt/Cursor/cursor'))).toBeUndefined();
    expect(agentKindOf(linux(['/usr/share/code/code', '--unity-launch'], 'code', '/usr/share/code/code'))).toBe('vscode');
    expect(agentKindOf(linux(['/usr/local/bin/code'], 'code', '/usr/local/bin/code'))).toBeUndefined();
    const win = (path: string, commandLine = `"${path}"`) => ({ pid: 2, name: path.split('\\').pop() as string, executable: path, commandLine, argv: splitWindowsCommandLine(commandLine), source: 'Win32_Process' });
    expect(agentKindOf(win('C:\\Program Files\\WindowsApps\\Claude_1.2278.0.0_x64__pzs8sxrjxfjjc\\app\\claude.exe'))).toBe('claude-desktop');
    expect(agentKindOf(win('C:\\Users\\alice\\AppData\\Local\\AnthropicClaude\\app-0.14.10\\claude.exe'))).toBe('claude-desktop');
    expect(agentKindOf(win('C:\\Users\\alice\\.local\\bin\\claude.exe'))).toBe('claude-code');
    expect(agentKindOf(win('C:\\Users\\alice\\AppData\\Local\\AnthropicClaude\\app-0.14.10\\claude.exe', '"claude.exe" --type=gpu-process'))).toBeUndefined();
  });

  it('classifies cgroups and DMI strings', () => {
    expect(cgroupContainer(['0::/system.slice/docker-3f4e2a1b9c8d7e6f5a4b.scope'])).toBe('docker');
    expect(cgroupContainer(['12:pids:/docker/3f4e2a1b9c8d7e6f5a4b3c2d'])).toBe('docker');
    expect(cgroupContainer(['0::/kubepods.slice/kubepods-besteffort.slice/cri-containerd-abc.scope'])).toBe('kubernetes');
    expect(cgroupContainer(['0::/user.slice/user-1000.slice/libpod-0123456789abcdef.scope'])).toBe('podman');
    expect(cgroupContainer(['0::/user.slice/user-1000.slice/session-2.scope', '0::/init.scope'])).toBeUndefined();
    expect(dmiHypervisor('QEMU', 'Standard PC (Q35 + ICH9, 2009)')).toBe('kvm');
    expect(dmiHypervisor('Microsoft Corporation', 'Virtual Machine')).toBe('microsoft');
    expect(dmiHypervisor('Microsoft Corporation', 'Surface Laptop 5')).toBeUndefined();
    expect(dmiHypervisor('innotek GmbH', 'VirtualBox')).toBe('oracle');
    expect(dmiHypervisor('LENOVO', '21HMCTO1WW')).toBeUndefined();
  });

  it('reads AppArmor profile lists, aa-status JSON and profile declarations with attachments', () => {
    expect(parseLoadedProfiles('/usr/bin/man (enforce)\nsnap.code.code (complain)\nfirefox (unconfined)\n')).toEqual([
      { name: '/usr/bin/man', mode: 'enforce' },
      { name: 'snap.code.code', mode: 'complain' },
      { name: 'firefox', mode: 'unconfined' },
    ]);
    expect(parseAaStatusJson('{"version": "2", "profiles": {"/usr/bin/man": "enforce", "lsb_release": "enforce"}, "processes": {}}').profiles).toHaveLength(2);
    const declared = parseProfileFile('@{exec_path} = /usr/lib/firefox/firefox{,*[^s][^h]}\nprofile firefox @{exec_path} flags=(unconfined) {\n  profile child {\n  }\n}\n/usr/sbin/cupsd flags=(attach_disconnected,complain) {\n}\n');
    expect(declared).toEqual([
      { name: 'firefox', attachment: '/usr/lib/firefox/firefox{,*[^s][^h]}', flags: ['unconfined'], line: 2 },
      { name: '/usr/sbin/cupsd', attachment: '/usr/sbin/cupsd', flags: ['attach_disconnected', 'complain'], line: 6 },
    ]);
    expect(apparmorGlobMatch('/usr/lib/firefox/firefox{,*[^s][^h]}', '/usr/lib/firefox/firefox')).toBe(true);
    expect(apparmorGlobMatch('/opt/*/bin/claude', '/opt/anthropic/bin/claude')).toBe(true);
    expect(apparmorGlobMatch('/opt/*/bin/claude', '/opt/a/b/bin/claude')).toBe(false);
    expect(apparmorGlobMatch('/opt/**/claude', '/opt/a/b/bin/claude')).toBe(true);
  });

  it('knows what kernel parameters do to AppArmor and SELinux', () => {
    const effects = (words: string[]) => bootEffects({ path: '/proc/cmdline', source: 'running kernel', parameters: words }).map((effect) => `${effect.lsm}:${effect.parameter}`);
    expect(effects(['quiet', 'apparmor=1', 'security=apparmor'])).toEqual(['selinux:security=apparmor']);
    expect(effects(['apparmor=0', 'enforcing=0'])).toEqual(['apparmor:apparmor=0', 'selinux:enforcing=0']);
    expect(effects(['lsm=landlock,lockdown,yama,integrity,apparmor,bpf'])).toEqual(['selinux:lsm=landlock,lockdown,yama,integrity,apparmor,bpf']);
    expect(kernelWords('root=UUID=1 ro quiet "dyndbg=file x +p" apparmor=0')).toEqual(['root=UUID=1', 'ro', 'quiet', 'dyndbg=file x +p', 'apparmor=0']);
  });
});
