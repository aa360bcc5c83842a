import { dnsSettings, type LinuxDns } from '../../src/collectors/dns-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { FALLBACK_DROP_IN, RESTART_RESOLVED, validateAllowlist } from '../../src/network/dns-findings.js';
import type { AddressSet } from '../../src/network/ip.js';
import { resolverAllowlist, resolverProblem } from '../../src/network/public-resolvers.js';
import { nmDnsOverTls } from '../../src/parsers/networkmanager-conf.js';
import { COMPILED_IN_FALLBACK_DNS, dnsOverTlsMode } from '../../src/parsers/resolved-conf.js';
import { allowedResolversParam } from '../../src/network/resolver-params.js';

const EMPTY_FALLBACK: RemediationAction[] = [
  { kind: 'write-file', path: FALLBACK_DROP_IN, content: '# Written by cowork-audit (network.dns-fallback): no fallback resolvers.\n[Resolve]\nFallbackDNS=\n', mode: '0644' },
  RESTART_RESOLVED,
];

function linuxFindings(linux: LinuxDns, allowlist: AddressSet, notes: string[]): Finding[] | string {
  const resolved = linux.resolved;
  if (!resolved.inUse) return `systemd-resolved is not in use (${resolved.evidence})`;
  const findings: Finding[] = [];
  const fallback = resolved.config.fallbackDns;
  const global = resolved.status?.scopes.find((scope) => scope.name === 'Global');
  if (fallback) {
    for (const server of fallback.servers) {
      const problem = resolverProblem(server.address, allowlist);
      if (problem) findings.push({ message: `${server.path}:${server.line}: FallbackDNS ${server.text} is ${problem}`, location: { path: server.path, line: server.line }, subject: 'system', actions: EMPTY_FALLBACK });
    }
  } else if (global) {
    for (const server of global.fallback) {
      const problem = resolverProblem(server.address, allowlist);
      if (problem) findings.push({ message: `resolvectl status: fallback resolver ${server.text} (built into this systemd, FallbackDNS= is not set) is ${problem}`, subject: 'system', actions: EMPTY_FALLBACK });
    }
  } else {
    const where = resolved.files[0]?.path;
    findings.push({
      message: `FallbackDNS= is not set in ${where ?? `${resolved.mainFile} (absent)`} or its drop-ins, so systemd-resolved falls back to its compiled-in public resolvers (upstream: ${COMPILED_IN_FALLBACK_DNS.slice(0, 4).map((entry) => entry.replace(/#.*/, '')).join(', ')}, ...) when no other server is known`,
      ...(where ? { location: { path: where } } : {}),
      subject: 'system',
      actions: EMPTY_FALLBACK,
    });
  }
  const dot = resolved.config.dnsOverTls;
  if (dot && dnsOverTlsMode(dot.value) === 'opportunistic') {
    findings.push({
      message: `${dot.path}:${dot.line}: DNSOverTLS=opportunistic is not authenticated: it accepts any certificate and falls back to clear text when TLS fails`,
      location: { path: dot.path, line: dot.line },
      subject: 'system',
      actions: [{ kind: 'manual', text: `In ${dot.path}:${dot.line} set DNSOverTLS=yes (authenticated, with each DNS= entry naming its server as #name) if the corporate resolvers serve DNS over TLS, or DNSOverTLS=no to stop pretending.` }],
    });
  } else if (!dot && global?.dnsOverTls === 'opportunistic') {
    findings.push({ message: 'resolvectl status: DNSOverTLS is opportunistic (not authenticated; falls back to clear text)', subject: 'system', actions: [{ kind: 'manual', text: 'Set DNSOverTLS=yes or no in a resolved.conf.d drop-in.' }] });
  }
  const nmDot = linux.networkManager.dnsOverTls;
  if (nmDot && nmDnsOverTls(nmDot.value) === 'opportunistic') {
    findings.push({
      message: `${nmDot.path}:${nmDot.line}: connection.dns-over-tls=${nmDot.value} (opportunistic) is not authenticated and falls back to clear text`,
      location: { path: nmDot.path, line: nmDot.line },
      subject: 'system',
      actions: [{ kind: 'manual', text: `In ${nmDot.path}:${nmDot.line} set connection.dns-over-tls=2 (yes) or 0 (no).` }],
    });
  }
  if (resolved.statusUnavailable) notes.push(`live state not read (${resolved.statusUnavailable})`);
  return findings;
}

export default defineCheck({
  meta: {
    id: 'network.dns-fallback',
    title: 'No fallback path sends DNS queries around the corporate resolvers',
    area: 'network',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A resolver that is used only when the corporate one is unreachable or bypassed is still a way around it, chosen by whoever controls the ' +
      'network. systemd-resolved with FallbackDNS= unset uses its compiled-in public list (Cloudflare and Google upstream); only an explicitly empty ' +
      'or allowlisted FallbackDNS passes, and DNSOverTLS=opportunistic is reported because it is not authenticated. macOS keeps a resolver per ' +
      'interface for scoped queries; Windows asks every interface\'s resolvers at once (smart multi-homed name resolution) and falls back to LLMNR ' +
      'multicast. Resolvers are judged like network.dns-resolvers: inside allowedResolvers, or without it not well-known public ones.',
    references: [
      { title: 'resolved.conf(5): FallbackDNS=, DNSOverTLS=', url: 'https://www.freedesktop.org/software/systemd/man/latest/resolved.conf.html' },
      { title: 'Windows DNS Client policy: Turn off smart multi-homed name resolution, Turn off multicast name resolution', url: 'https://learn.microsoft.com/windows/client-management/mdm/policy-csp-admx-dnsclient' },
      { title: 'Distribution builds of systemd may ship another FallbackDNS default (UNVERIFIED: the live resolvectl status is used when available)' },
    ],
    fix: 'Set an empty FallbackDNS= (resolved.conf.d drop-in) and DNSOverTLS=yes or no; on macOS give every interface the corporate resolvers; on Windows turn off smart multi-homed name resolution and LLMNR by policy.',
  },
  params: {
    allowedResolvers: allowedResolversParam,
  },
  uses: [dnsSettings],
  evaluate(facts, params) {
    validateAllowlist(params.allowedResolvers);
    const allowlist = resolverAllowlist(params.allowedResolvers);
    const settings = facts.get(dnsSettings);
    const notes: string[] = [];
    let findings: Finding[] = [];
    let judged = '';
    if (settings.linux) {
      const result = linuxFindings(settings.linux, allowlist, notes);
      if (typeof result === 'string') return { status: 'skipped', message: result };
      findings = result;
      judged = 'systemd-resolved has no public fallback and no opportunistic DNS over TLS';
    } else if (settings.scutil) {
      const scutil = settings.scutil;
      if (!scutil.value) return { status: 'skipped', message: `scutil --dns: ${scutil.unavailable ?? scutil.error ?? 'not available'}` };
      const scoped = scutil.value.resolvers.filter((resolver) => resolver.scoped);
      for (const resolver of scoped) {
        for (const server of resolver.nameservers) {
          const problem = resolverProblem(server.address, allowlist);
          if (!problem) continue;
          findings.push({
            message: `scutil --dns (scoped queries) resolver #${resolver.index}${resolver.interfaceName ? ` on ${resolver.interfaceName}` : ''}: ${server.address} is ${problem}; queries bound to that interface, and every query when it becomes the primary one, go there`,
            subject: resolver.interfaceName ?? 'system',
            actions: [{ kind: 'manual', text: `Set the DNS servers of the network service on ${resolver.interfaceName ?? 'that interface'} to the corporate resolvers (networksetup -setdnsservers "<network service>" ...), or enforce them with a DNS settings configuration profile.` }],
          });
        }
      }
      judged = `${scoped.length} scoped resolver(s), none outside the organisation`;
    } else if (settings.windows) {
      const policy = settings.windows.policy;
      if (!policy.value) return { status: 'skipped', message: `${policy.command}: ${policy.unavailable ?? 'not available'}` };
      const key = policy.value.key;
      if (policy.value.disableSmartNameResolution !== '1') {
        findings.push({
          message: `${key}: DisableSmartNameResolution is ${policy.value.disableSmartNameResolution ?? 'not set'}, so Windows sends each query to the resolvers of every interface at once (smart multi-homed name resolution), the home or hotel network's included`,
          subject: 'system',
          actions: [{ kind: 'registry-set', key, name: 'DisableSmartNameResolution', type: 'DWord', value: 1 }],
        });
      }
      if (policy.value.enableMulticast !== '0') {
        findings.push({
          message: `${key}: EnableMulticast is ${policy.value.enableMulticast ?? 'not set'}, so names DNS cannot answer fall back to LLMNR multicast on the local network`,
          subject: 'system',
          actions: [{ kind: 'registry-set', key, name: 'EnableMulticast', type: 'DWord', value: 0 }],
        });
      }
      judged = 'smart multi-homed name resolution and LLMNR are off by policy';
    } else return { status: 'skipped', message: 'DNS settings of an offline macOS or Windows image cannot be read' };
    const note = notes.length ? `; ${notes.join('; ')}` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} DNS fallback path(s) around the corporate resolvers${note}`, findings };
    return { status: 'pass', message: `${judged}${note}` };
  },
});
