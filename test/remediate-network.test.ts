// The remediation actions the network checks add: set-env-line and write-file (bash, run for real on a
// temporary image with hostile names: dry run, apply, idempotent, rollback, confined to --root) and
// registry-set (PowerShell, held to the quoting conventions: no PowerShell on this CI). Then the loop
// scan, remediate, rescan on an image whose network settings are weak.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RemediationAction } from '../src/engine/remediation.js';
import { writePowerShellScript } from '../src/remediate/powershell-writer.js';
import { psQuote } from '../src/remediate/quote.js';
import type { AuditReport } from '../src/report/report-model.js';
import { runCli } from './support/cli.js';
import { reportWithActions } from './support/sample-reports.js';
import { filesNamed, treeState } from './support/host-trees.js';

function reportOf(target: AuditReport['target'], actions: RemediationAction[], checkId = 'network.dns-fallback'): AuditReport {
  return reportWithActions(target, actions, { id: checkId, area: 'network', severity: 'medium' });
}


function put(root: string, rel: string, content: string, mode = 0o644): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

function shellcheck(file: string): string {
  const check = spawnSync('shellcheck', ['--severity=style', file], { encoding: 'utf8' });
  expect(check.error, 'shellcheck must be installed').toBeUndefined();
  return check.stdout + check.stderr;
}

const HOSTILE_DIR = "etc/it's $(touch PWNED-dir) `touch PWNED-tick`;\nx";
const HOSTILE_VALUE = "$(touch PWNED-value) 'q' `touch PWNED-v2` ;&|";
const HOSTILE_CONTENT = "# $(touch PWNED-content) `touch PWNED-c2` 'quoted' \"dq\" \\ %s\n[Resolve]\nFallbackDNS=\n";

describe('bash: set-env-line and write-file on an image with hostile names', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'cowork-net-remediate-'));
  const work = mkdtempSync(path.join(tmpdir(), 'cowork-net-remediate-out-'));
  const outside = mkdtempSync(path.join(tmpdir(), 'cowork-net-remediate-outside-'));
  put(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  const environment = '# /etc/environment\nPATH="/usr/bin:/bin"\nexport https_proxy=http://old-proxy:8080\nhttps_proxy="http://older:1"\n';
  put(root, 'etc/environment', environment);
  put(root, `${HOSTILE_DIR}/environment`, 'A=1');
  mkdirSync(path.join(root, 'etc/systemd'), { recursive: true });
  put(root, 'etc/firefox/policies/policies.json', '{ "policies": {} }\n', 0o600);
  // A folder link out of the image: nothing may be written through it.
  symlinkSync(outside, path.join(root, 'etc/opt-link'));
  mkdirSync(path.join(outside, 'sub'));
  const actions: RemediationAction[] = [
    { kind: 'set-env-line', path: '/etc/environment', name: 'https_proxy', value: 'http://proxy.corp.example:3128' },
    { kind: 'set-env-line', path: '/etc/environment', name: 'NO_PROXY', value: 'localhost,127.0.0.1,::1' },
    { kind: 'set-env-line', path: '/etc/environment', name: 'EVIL', value: HOSTILE_VALUE },
    { kind: 'set-env-line', path: '/etc/environment', name: 'QUOTED', value: 'a"b' },
    { kind: 'set-env-line', path: '/etc/environment', name: 'BAD NAME', value: 'x' },
    { kind: 'set-env-line', path: `/${HOSTILE_DIR}/environment`, name: 'B', value: '2' },
    { kind: 'set-env-line', path: '/etc/new-environment', name: 'NODE_EXTRA_CA_CERTS', value: '/etc/ssl/corp.pem' },
    { kind: 'write-file', path: '/etc/opt/chrome/policies/managed/cowork-audit-doh.json', content: '{\n  "DnsOverHttpsMode": "off"\n}\n', mode: '0644' },
    { kind: 'write-file', path: '/etc/systemd/resolved.conf.d/zz-cowork-audit-fallback.conf', content: HOSTILE_CONTENT, mode: '0644' },
    { kind: 'write-file', path: '/etc/firefox/policies/policies.json', content: '{ "policies": { "DNSOverHTTPS": { "Enabled": false, "Locked": true } } }\n', mode: '0644' },
    { kind: 'write-file', path: `/${HOSTILE_DIR}/new $(touch PWNED-name)\n'file'.conf`, content: 'x\n', mode: '0600' },
    { kind: 'write-file', path: '/etc/opt-link/escape.conf', content: 'escaped\n', mode: '0644' },
    { kind: 'write-file', path: '/etc/opt-link/sub/escape.conf', content: 'escaped\n', mode: '0644' },
    { kind: 'write-file', path: '/etc/bad-mode.conf', content: 'x\n', mode: '644; touch PWNED-mode' },
  ];
  const reportFile = path.join(work, 'report.json');
  writeFileSync(reportFile, JSON.stringify(reportOf({ kind: 'root', platform: 'linux', path: root }, actions)));
  const script = path.join(work, 'remediate.sh');
  const bash = (args: string[]) => spawnSync('bash', [script, '--root', root, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  const before = treeState(root);

  it('writes a script that passes shellcheck and bash -n, with every value single-quoted', () => {
    const generated = runCli(['remediate', reportFile]);
    expect(generated.code, generated.stderr).toBe(0);
    writeFileSync(script, generated.stdout);
    expect(shellcheck(script)).toBe('');
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    expect(generated.stdout).toContain("set_env_line '/etc/environment' 'EVIL' '$(touch PWNED-value) '\\''q'\\'' `touch PWNED-v2` ;&|'");
    expect(generated.stdout).toContain("write_file '/etc/opt/chrome/policies/managed/cowork-audit-doh.json' '0644' '{\n  \"DnsOverHttpsMode\": \"off\"\n}\n'");
  });

  it('a dry run changes nothing and says what it would do', () => {
    const dry = bash([]);
    expect(dry.stdout).toContain('mode: dry run');
    expect(dry.stdout).toContain('set /etc/environment https_proxy: "http://older:1" -> "http://proxy.corp.example:3128"');
    expect(dry.stdout).toContain('set /etc/environment NO_PROXY="localhost,127.0.0.1,::1" (new line)');
    expect(dry.stdout).toContain('create /etc/opt/chrome/policies/managed/cowork-audit-doh.json (0644) in a new folder');
    expect(dry.stdout).toContain('rewrite /etc/firefox/policies/policies.json (0644)');
    expect(dry.stderr).toContain('REFUSED: /etc/environment: the value for QUOTED holds a newline, a double quote or a backslash');
    expect(dry.stderr).toContain('REFUSED: /etc/environment: "BAD NAME" is not a variable name');
    expect(dry.stderr).toContain('REFUSED: /etc/bad-mode.conf: "644; touch PWNED-mode" is not an octal mode');
    expect(dry.status).toBe(3);
    expect(treeState(root)).toEqual(before);
    expect(readdirSync(work).sort()).toEqual(['remediate.sh', 'report.json']);
    expect(filesNamed('PWNED', root, work, outside, process.cwd())).toEqual([]);
  });

  it('--apply makes exactly the changes, in place, and nothing leaves the image', () => {
    const inode = lstatSync(path.join(root, 'etc/environment')).ino;
    const applied = bash(['--apply', '--rollback', path.join(work, 'rollback.sh')]);
    expect(applied.status).toBe(3);
    expect(applied.stdout).toMatch(/done: 9 change\(s\) made, 5 refused/);
    expect(applied.stderr).toContain('REFUSED: /etc/opt-link is a symbolic link inside the image');
    expect(applied.stderr).toContain(`REFUSED: /etc/opt-link/sub resolves outside the image (${outside})`);
    expect(readFileSync(path.join(root, 'etc/environment'), 'utf8')).toBe(
      `# /etc/environment\nPATH="/usr/bin:/bin"\nhttps_proxy="http://proxy.corp.example:3128"\nNO_PROXY="localhost,127.0.0.1,::1"\nEVIL="${HOSTILE_VALUE}"\n`,
    );
    expect(lstatSync(path.join(root, 'etc/environment')).ino).toBe(inode);
    expect(readFileSync(path.join(root, HOSTILE_DIR, 'environment'), 'utf8')).toBe('A=1\nB="2"\n');
    expect(readFileSync(path.join(root, 'etc/new-environment'), 'utf8')).toBe('NODE_EXTRA_CA_CERTS="/etc/ssl/corp.pem"\n');
    expect(lstatSync(path.join(root, 'etc/new-environment')).mode & 0o777).toBe(0o644);
    expect(readFileSync(path.join(root, 'etc/opt/chrome/policies/managed/cowork-audit-doh.json'), 'utf8')).toBe('{\n  "DnsOverHttpsMode": "off"\n}\n');
    expect(lstatSync(path.join(root, 'etc/opt/chrome')).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(root, 'etc/systemd/resolved.conf.d/zz-cowork-audit-fallback.conf'), 'utf8')).toBe(HOSTILE_CONTENT);
    expect(lstatSync(path.join(root, 'etc/firefox/policies/policies.json')).mode & 0o777).toBe(0o644);
    expect(readFileSync(path.join(root, HOSTILE_DIR, "new $(touch PWNED-name)\n'file'.conf"), 'utf8')).toBe('x\n');
    expect(readdirSync(outside, { recursive: true })).toEqual(['sub']);
    expect(filesNamed('PWNED', root, work, outside, process.cwd())).toEqual([]);
  });

  it('a second --apply changes nothing', () => {
    const again = bash(['--apply', '--rollback', path.join(work, 'rollback-2.sh')]);
    expect(again.stdout).toContain('done: 0 change(s) made, 5 refused');
    expect(again.stdout).toContain('ok: /etc/environment already has https_proxy="http://proxy.corp.example:3128"');
    expect(again.stdout).toContain('ok: /etc/opt/chrome/policies/managed/cowork-audit-doh.json already has the wanted content and mode 0644');
  });

  it('the rollback restores every file, removes what was created, folders included', () => {
    const rollback = path.join(work, 'rollback.sh');
    expect(shellcheck(rollback)).toBe('');
    const back = spawnSync('bash', [rollback], { cwd: work, encoding: 'utf8' });
    expect(back.stderr).toBe('');
    expect(back.status).toBe(0);
    expect(treeState(root)).toEqual(before);
    expect(readFileSync(path.join(root, 'etc/environment'), 'utf8')).toBe(environment);
    expect(filesNamed('PWNED', root, work, outside, process.cwd())).toEqual([]);
  });
});

describe('scan, remediate, rescan: an image with weak network settings', () => {
  it('the generated script makes proxy, DNS and DoH pass, and its rollback brings the image back', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cowork-net-loop-'));
    const out = mkdtempSync(path.join(tmpdir(), 'cowork-net-loop-out-'));
    put(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
    put(root, 'etc/hostname', 'golden\n');
    put(root, 'etc/environment', 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\n');
    put(root, 'etc/systemd/system.conf', '[Manager]\n#DefaultEnvironment=\n');
    put(root, 'etc/systemd/resolved.conf', '[Resolve]\n#DNS=\n#FallbackDNS=\n');
    put(root, 'etc/systemd/resolved.conf.d/fast-dns.conf', '[Resolve]\nDNS=8.8.8.8 1.1.1.1\nFallbackDNS=1.0.0.1\n');
    symlinkSync('../run/systemd/resolve/stub-resolv.conf', path.join(root, 'etc/resolv.conf'));
    put(root, 'opt/google/chrome/chrome', '', 0o755);
    put(root, 'usr/lib/firefox/firefox', '', 0o755);
    const baseline = path.join(out, 'baseline.yaml');
    writeFileSync(baseline, 'id: corp\nextends: recommended\nparams:\n  proxyUrl: http://proxy.corp.example:3128\n  allowedResolvers: [10.20.0.53, 10.20.0.54]\n');
    const before = treeState(root);
    const status = (report: string) => Object.fromEntries((JSON.parse(report) as { results: { checkId: string; status: string }[] }).results.map((result) => [result.checkId, result.status]));

    const scan = runCli(['scan', '--root', root, '--baseline', baseline, '--only', 'network', '--format', 'json', '--output', out]);
    expect(scan.code, scan.stderr).toBe(0);
    expect(status(readFileSync(path.join(out, 'cowork-audit.json'), 'utf8'))).toMatchObject({ 'network.proxy-configured': 'fail', 'network.dns-resolvers': 'fail', 'network.dns-fallback': 'fail', 'network.doh-bypass': 'fail' });
    const script = path.join(out, 'remediate.sh');
    expect(shellcheck(script)).toBe('');
    const applied = spawnSync('bash', [script, '--root', root, '--apply', '--rollback', path.join(out, 'rollback.sh')], { cwd: out, encoding: 'utf8' });
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain('MANUAL (network.dns-resolvers): Restart systemd-resolved');

    const rescan = runCli(['scan', '--root', root, '--baseline', baseline, '--only', 'network', '--format', 'json', '--output', '-']);
    expect(status(rescan.stdout)).toMatchObject({ 'network.proxy-configured': 'pass', 'network.dns-resolvers': 'pass', 'network.dns-fallback': 'pass', 'network.doh-bypass': 'pass' });
    expect(readFileSync(path.join(root, 'etc/systemd/system.conf.d/zz-cowork-audit-proxy.conf'), 'utf8')).toContain('DefaultEnvironment="https_proxy=http://proxy.corp.example:3128"');

    const back = spawnSync('bash', [path.join(out, 'rollback.sh')], { cwd: out, encoding: 'utf8' });
    expect(back.status).toBe(0);
    expect(treeState(root)).toEqual(before);
  });
});

describe('PowerShell: registry-set', () => {
  it('becomes Set-RegistryValue with verbatim arguments; the other new kinds become MANUAL steps there', () => {
    const hostileKey = "HKLM\\SOFTWARE\\Policies\\it's $(Remove-Item C:\\ -Recurse) `whoami`\u2019";
    const report = reportOf({ kind: 'replay', platform: 'win32', hostname: 'pc' }, [
      { kind: 'registry-set', key: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient', name: 'EnableMulticast', type: 'DWord', value: 0 },
      { kind: 'registry-set', key: hostileKey, name: "Name'; Remove-Item x", type: 'String', value: "off'); Stop-Computer; ('" },
      { kind: 'set-env-line', path: '/etc/environment', name: 'NO_PROXY', value: 'localhost' },
      { kind: 'write-file', path: '/etc/x.conf', content: "a'b\n", mode: '0644' },
    ]);
    const script = writePowerShellScript(report);
    expect(script).toContain("Set-RegistryValue 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient' 'EnableMulticast' 'DWord' '0'");
    expect(script).toContain(`Set-RegistryValue ${psQuote(hostileKey)} 'Name''; Remove-Item x' 'String' 'off''); Stop-Computer; ('''`);
    expect(psQuote(hostileKey)).toContain('\u2019\u2019');
    expect(script).toContain("Write-Manual 'network.dns-fallback' 'in /etc/environment set NO_PROXY=\"localhost\" (a Linux environment file: use remediate.sh)'");
    expect(script).toContain("(use remediate.sh): a''b\n'");
    // The template: only HKLM and HKCU, String or DWord; the key made when missing and removed again by the rollback.
    expect(script).toContain("if ($Key -notmatch '^(HKLM|HKCU)\\\\') { Write-Refusal");
    expect(script).toMatch(/Add-Rollback \('Remove-Item -LiteralPath ' \+ \(ConvertTo-Literal \$path\) \+ ' -Recurse'\)/);
    expect(script).toContain('New-ItemProperty -LiteralPath $path -Name $Name -PropertyType $Type -Value $wanted -Force | Out-Null');
  });

  it('bash prints registry-set as a MANUAL step naming remediate.ps1', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'cowork-net-reg-'));
    const file = path.join(work, 'report.json');
    writeFileSync(file, JSON.stringify(reportOf({ kind: 'replay', platform: 'win32', hostname: 'pc' }, [{ kind: 'registry-set', key: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings', name: 'ProxyEnable', type: 'DWord', value: 1 }])));
    const bash = runCli(['remediate', file, '--shell', 'bash']).stdout;
    expect(bash).toContain("manual 'network.dns-fallback' 'set the registry value HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\ProxyEnable (DWord) to 1 (use remediate.ps1)'");
  });
});
