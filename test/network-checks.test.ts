// The network checks beyond their scenarios: malformed evidence is the check's error or a finding with
// file and line (never a crash), proxy passwords never leave the process, the example organisation
// baseline, and the checks on an offline image (--root) and on this machine (live).
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS } from '../checks/index.js';
import { registryKey, scutilProxy, winhttp } from '../checks/network-kit.js';
import { endpoint } from '../checks/scenario-kit.js';
import { corpInspectionCa, sha256Of } from '../checks/test-certificates.js';
import { loadBaseline } from '../src/baseline/load-baseline.js';
import { DNS_CLIENT_SCRIPT, powershellCommandLine, REGISTRY } from '../src/collectors/windows-commands.js';
import { defaultsOf } from '../src/engine/params-schema.js';
import type { CheckResult } from '../src/engine/result.js';
import { runChecks } from '../src/engine/runner.js';
import type { Host } from '../src/host/host.js';
import { LiveHost } from '../src/host/live-host.js';
import { ReplayHost, type ReplaySpec } from '../src/host/replay-host.js';
import { RootHost } from '../src/host/root-host.js';
import { renderHtml } from '../src/report/html-reporter.js';
import { scan } from '../src/scan/scan.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

const REPO = path.resolve(import.meta.dirname, '..');
const NETWORK = BUILTIN_CHECKS.filter((check) => check.meta.area === 'network');

async function run(host: Host, id: string, params: Record<string, unknown> = {}): Promise<CheckResult> {
  const check = BUILTIN_CHECKS.find((candidate) => candidate.meta.id === id);
  if (!check) throw new Error(id);
  const { results } = await runChecks({ host, checks: [{ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), ...params } }] });
  return results[0] as CheckResult;
}

const replay = (spec: ReplaySpec) => new ReplayHost(spec);

afterAll(() => removeTempDirs());

describe('malformed evidence is the check\'s error, with where', () => {
  it('scutil --proxy output that is no dictionary', async () => {
    const result = await run(replay(endpoint('darwin', {}, { commands: scutilProxy('<dictionary> {\n  HTTPEnable : 1\n  Oops\n}\n') })), 'network.proxy-configured');
    expect(result.status).toBe('error');
    expect(result.message).toContain('scutil --proxy output line 3');
    expect(result.error?.origin).toBe('check "network.proxy-configured"');
  });

  it('netsh output that names no proxy', async () => {
    const result = await run(replay(endpoint('win32', {}, { commands: { ...winhttp('The RPC server is unavailable.\r\n'), ...registryKey(REGISTRY.internetSettings, { ProxyEnable: 0 }) } })), 'network.proxy-configured');
    expect(result.status).toBe('error');
    expect(result.message).toContain('netsh winhttp show proxy: neither "Direct access" nor a proxy server line');
  });

  it('Get-DnsClientServerAddress output that is not JSON', async () => {
    const result = await run(replay(endpoint('win32', {}, { commands: { [powershellCommandLine(DNS_CLIENT_SCRIPT)]: { stdout: 'Get-DnsClientServerAddress : Access denied\r\n' } } })), 'network.dns-resolvers');
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/Get-DnsClientServerAddress output: not JSON/);
  });

  it('baseline parameters that cannot be used', async () => {
    const host = replay(endpoint('linux', { '/etc/resolv.conf': { content: 'nameserver 10.0.0.1\n' } }));
    expect((await run(host, 'network.dns-resolvers', { allowedResolvers: ['10.0.0.0/8', 'dns.corp.example'] })).message).toContain('allowedResolvers: "dns.corp.example" is neither an IP address nor a CIDR range');
    expect((await run(host, 'network.dns-fallback', { allowedResolvers: ['10.0.0.0/33'] })).status).toBe('error');
    expect((await run(host, 'network.tls-inspection-ca', { inspectionCa: 'corp-root' })).message).toContain('inspectionCa must be a SHA-256 fingerprint');
    expect((await run(host, 'network.tls-inspection-ca', { inspectionCa: '/opt/corp/ca.pem' })).message).toContain('was not read; give its SHA-256 fingerprint instead');
    const proxy = await run(host, 'network.proxy-configured', { proxyUrl: 'http://user:Pa55w0rd@' });
    expect(proxy.status).toBe('error');
    expect(JSON.stringify(proxy)).not.toContain('Pa55w0rd');
  });
});

describe('malformed files are findings with file and line', () => {
  it('a Claude Code settings file that is not JSON loses its env (proxy-configured)', async () => {
    const host = replay(endpoint('linux', {
      '/etc/environment': { content: 'https_proxy=http://proxy.corp.example:3128\n' },
      '/etc/claude-code/managed-settings.json': { content: '{\n  "env": {\n    "HTTPS_PROXY": "http://proxy.corp.example:3128"\n  }\n  "permissions": {}\n}\n' },
    }));
    const result = await run(host, 'network.proxy-configured');
    expect(result.status).toBe('fail');
    expect(result.findings).toEqual([
      expect.objectContaining({ location: { path: '/etc/claude-code/managed-settings.json', line: 5 }, message: expect.stringContaining('invalid JSON at line 5') }),
    ]);
  });

  it('a binary managed-preferences plist and a nameserver line that is no address', async () => {
    const doh = await run(replay(endpoint('darwin', { '/Applications/Google Chrome.app': { type: 'dir' }, '/Library/Managed Preferences/com.google.Chrome.plist': { content: 'bplist00\u0001\u0002' } })), 'network.doh-bypass');
    expect(doh.status).toBe('fail');
    expect(doh.findings.map((finding) => [finding.location?.path, finding.message.includes('binary property list')])).toEqual([
      ['/Library/Managed Preferences/com.google.Chrome.plist', true],
      [undefined, false],
    ]);
    const dns = await run(replay(endpoint('linux', { '/etc/resolv.conf': { content: 'nameserver 10.0.0.1\nnameserver dns.corp.example\n' } })), 'network.dns-resolvers');
    expect(dns.status).toBe('fail');
    expect(dns.findings).toEqual([expect.objectContaining({ location: { path: '/etc/resolv.conf', line: 2 }, message: expect.stringContaining('"nameserver dns.corp.example" is not a nameserver address') })]);
  });

  it('a PEM file with a broken certificate block', async () => {
    const broken = corpInspectionCa.replace(/^MII.*$/m, 'MIIB!!!');
    const host = replay(endpoint('linux', { '/etc/environment': { content: 'NODE_EXTRA_CA_CERTS=/etc/ssl/corp.pem\n' }, '/etc/ssl/corp.pem': { content: broken } }));
    const result = await run(host, 'network.tls-inspection-ca');
    expect(result.findings).toEqual([expect.objectContaining({ location: { path: '/etc/environment', line: 1 }, message: expect.stringMatching(/holds no PEM certificate \(line 1: not a certificate node can read/) })]);
  });
});

describe('proxy credentials never leave the process', () => {
  it('a user:password in a proxy URL is redacted in every message and kept out of every action', async () => {
    const secret = 'S3cr3t-Pr0xy-Pw';
    const host = replay(
      endpoint(
        'linux',
        {
          '/etc/environment': { content: `https_proxy=http://alice:${secret}@proxy.corp.example:3128\nno_proxy=*\n` },
          '/etc/profile.d/proxy.sh': { content: `export HTTPS_PROXY="http://alice:${secret}@127.0.0.1:8888"\n` },
          '/etc/claude-code/managed-settings.json': { content: `{ "env": { "HTTP_PROXY": "socks5://bob:${secret}@10.0.0.9:1080" } }` },
        },
        { env: { https_proxy: `http://carol:${secret}@proxy.corp.example:3128`, PATH: '/usr/bin' } },
      ),
    );
    for (const params of [{}, { proxyUrl: 'http://proxy.corp.example:3128' }, { proxyUrl: `http://svc:${secret}@proxy.corp.example:3128` }]) {
      const { results } = await runChecks({ host, checks: NETWORK.map((check) => ({ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), ...params } })) });
      const text = JSON.stringify(results);
      expect(text).not.toContain(secret);
      const proxy = results.find((result) => result.checkId === 'network.proxy-configured');
      if ('proxyUrl' in params) expect(proxy?.findings.some((finding) => finding.message.includes('http://***@127.0.0.1:8888'))).toBe(true);
    }
  });
});

describe('the example organisation baseline', () => {
  const file = path.join(REPO, 'baselines/example-org.yaml');

  it('extends recommended, sets the proxy, resolvers and the inspection CA, and validates', () => {
    const baseline = loadBaseline(file, BUILTIN_CHECKS);
    expect(baseline.id).toBe('example-org');
    expect(baseline.params).toMatchObject({ agentUser: 'claude', proxyUrl: 'http://proxy.corp.example:3128', allowedResolvers: ['10.20.0.53', '10.20.0.54', 'fd10:20::/64'] });
    expect(String(baseline.params.inspectionCa).replace(/:/g, '').toLowerCase()).toBe(sha256Of(corpInspectionCa));
    expect([...baseline.checks.keys()].sort()).toEqual(BUILTIN_CHECKS.map((check) => check.meta.id).sort());
    expect(baseline.checks.get('network.proxy-configured')?.severity).toBe('high');
  });

  it.each(['linux', 'darwin', 'win32'])('%s: every network check fails on the weak endpoint and passes on the hardened one', async (platform) => {
    const baseline = loadBaseline(file, BUILTIN_CHECKS);
    for (const [kind, status] of [['weak', 'fail'], ['hardened', 'pass']] as const) {
      const report = await scan({ host: ReplayHost.fromFolder(path.join(REPO, `fixtures/endpoints/${platform}-${kind}`)), baseline, selection: { only: ['network'] } });
      expect(report.results.map((result) => [result.checkId, result.status]), `${platform}-${kind}`).toEqual(NETWORK.map((check) => [check.meta.id, status]));
      if (kind === 'weak') for (const result of report.results) expect(result.remediation?.actions.length, result.checkId).toBeGreaterThan(0);
    }
  });
});

describe('the new remediation actions in the HTML report', () => {
  it('are described in words, every value escaped', async () => {
    const report = await scan({ host: ReplayHost.fromFolder(path.join(REPO, 'fixtures/endpoints/linux-weak')), baseline: loadBaseline(path.join(REPO, 'baselines/example-org.yaml'), BUILTIN_CHECKS), selection: { only: ['network'] } });
    const html = renderHtml(report, { failOn: 'high', exitCode: 1 });
    expect(html).toContain('In <code>/home/claude/.claude/settings.json</code> set <code>[&quot;env&quot;,&quot;HTTPS_PROXY&quot;]</code> to <code>&quot;http://proxy.corp.example:3128&quot;</code>');
    expect(html).toContain('Write <code>/etc/systemd/resolved.conf.d/zz-cowork-audit-fallback.conf</code> (mode <code>0644</code>)');
    expect(html).not.toContain('(see the JSON report)');
    const win = await scan({ host: ReplayHost.fromFolder(path.join(REPO, 'fixtures/endpoints/win32-weak')), baseline: 'recommended', selection: { only: ['network'] } });
    expect(renderHtml(win, { failOn: 'high', exitCode: 1 })).toContain('Set the registry value <code>HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient\\EnableMulticast</code> (DWord) to <code>0</code>');
  });
});

describe('the firewall remediation in the HTML report', () => {
  it('describes the default-deny egress policy in words, values escaped, never as an unknown action', async () => {
    const report = await scan({ host: ReplayHost.fromFolder(path.join(REPO, 'fixtures/endpoints/linux-weak')), baseline: loadBaseline(path.join(REPO, 'baselines/example-org.yaml'), BUILTIN_CHECKS), selection: { only: ['firewall'] } });
    const html = renderHtml(report, { failOn: 'high', exitCode: 1 });
    expect(html).toContain('Load a default-deny egress policy (nftables)');
    expect(html).toContain('<code>10.20.0.10:3128/tcp</code>');
    expect(html).toContain('DNS only to <code>10.20.0.53</code>');
    expect(html).not.toContain('(see the JSON report)');
  });
});

describe('offline image (--root)', () => {
  it('reads the files of the image, follows its resolv.conf link inside it, and runs no command', async () => {
    const image = makeTempDir('net-image');
    writeFileAt(path.join(image, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    writeFileAt(path.join(image, 'etc/environment'), 'PATH="/usr/bin"\nhttps_proxy="http://proxy.corp.example:3128"\n');
    writeFileAt(path.join(image, 'etc/systemd/system.conf'), '[Manager]\n#DefaultEnvironment=\n');
    writeFileAt(path.join(image, 'etc/systemd/resolved.conf'), '[Resolve]\n#FallbackDNS=\n');
    writeFileAt(path.join(image, 'etc/systemd/resolved.conf.d/dns.conf'), '[Resolve]\nDNS=10.20.0.53\n');
    // In an image, /run is empty: the link dangles, and still says that resolved answers queries.
    symlinkSync('../run/systemd/resolve/stub-resolv.conf', path.join(image, 'etc/resolv.conf'));
    writeFileAt(path.join(image, 'opt/google/chrome/chrome'), '', 0o755);
    writeFileAt(path.join(image, 'etc/opt/chrome/policies/managed/doh.json'), '{ "DnsOverHttpsMode": "off" }\n');
    const host = new RootHost(image, 'root', 'linux');
    const { results } = await runChecks({ host, checks: NETWORK.map((check) => ({ check, severity: check.meta.severity, params: { ...defaultsOf(check.params), allowedResolvers: ['10.20.0.0/24'] } })) });
    const byId = Object.fromEntries(results.map((result) => [result.checkId, result]));
    expect(byId['network.proxy-configured']?.status).toBe('fail');
    expect(byId['network.proxy-configured']?.findings.map((finding) => finding.location?.path)).toEqual(['/etc/systemd/system.conf']);
    expect(byId['network.dns-resolvers']).toMatchObject({ status: 'pass', message: expect.stringContaining('1 resolver(s) in use (10.20.0.53)') });
    expect(byId['network.dns-fallback']).toMatchObject({ status: 'fail', findings: [expect.objectContaining({ location: { path: '/etc/systemd/resolved.conf' } })] });
    expect(byId['network.doh-bypass']).toMatchObject({ status: 'pass' });
    expect(byId['network.tls-inspection-ca']?.status).toBe('skipped');
    for (const result of results) expect(JSON.stringify(result)).not.toContain(image);
  });
});

describe('this machine (live)', () => {
  it('every network check gives a result: missing tools are evidence unavailable, not errors', async () => {
    const { results } = await runChecks({ host: new LiveHost(), checks: NETWORK.map((check) => ({ check, severity: check.meta.severity, params: defaultsOf(check.params) })) });
    expect(results).toHaveLength(NETWORK.length);
    for (const result of results) expect(['pass', 'fail', 'skipped'], `${result.checkId}: ${result.message}`).toContain(result.status);
  });
});
