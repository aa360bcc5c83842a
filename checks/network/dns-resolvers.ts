import { dnsSettings, type DnsSettings, type LinuxDns } from '../../src/collectors/dns-settings.js';
import { defineCheck, type Finding, type Location } from '../../src/engine/check.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { allowedAddresses, resolvedDnsActions, validateAllowlist } from '../../src/network/dns-findings.js';
import { resolverAllowlist, resolverProblem } from '../../src/network/public-resolvers.js';
import { MAX_NAMESERVERS, RESOLVED_STUB_ADDRESSES } from '../../src/parsers/resolv-conf.js';
import { allowedResolversParam } from '../../src/network/resolver-params.js';

interface ResolverUse {
  address: string;
  /** `/etc/resolv.conf:3`, `resolvectl status (link wlan0)`, `scutil --dns resolver #1`. */
  where: string;
  location?: Location;
  subject?: string;
  actions: RemediationAction[];
}

function linuxUses(linux: LinuxDns, allowed: readonly string[]): { uses: ResolverUse[]; notes: string[] } {
  const uses: ResolverUse[] = [];
  const notes: string[] = [];
  const resolved = linux.resolved;
  const replaceWith = allowedAddresses(allowed).join(' ') || '<corporate resolvers>';
  for (const server of (linux.resolvConf?.parsed?.nameservers ?? []).slice(0, MAX_NAMESERVERS)) {
    if (RESOLVED_STUB_ADDRESSES.includes(server.address)) continue;
    uses.push({
      address: server.address,
      where: `/etc/resolv.conf:${server.line}`,
      location: { path: '/etc/resolv.conf', line: server.line },
      subject: 'system',
      actions: [{ kind: 'manual', text: `Replace "nameserver ${server.address}" at /etc/resolv.conf:${server.line} with the corporate resolvers (${replaceWith}), at the tool that writes the file (NetworkManager, systemd-resolved, resolvconf, DHCP client) if it is generated.` }],
    });
  }
  if (resolved.inUse) {
    for (const server of resolved.config.dns?.servers ?? []) {
      uses.push({ address: server.address, where: `${server.path}:${server.line}`, location: { path: server.path, line: server.line }, subject: 'system', actions: resolvedDnsActions(allowed) });
    }
    const fromFiles = new Set((resolved.config.dns?.servers ?? []).map((server) => server.address));
    for (const scope of resolved.status?.scopes ?? []) {
      for (const server of scope.servers) {
        if (fromFiles.has(server.address)) continue;
        const link = scope.name === 'Global' ? 'global' : `link ${scope.name}`;
        uses.push({
          address: server.address,
          where: `resolvectl status (${link})`,
          subject: scope.name === 'Global' ? 'system' : scope.name,
          actions: [
            scope.name === 'Global'
              ? resolvedDnsActions(allowed)[0] as RemediationAction
              : { kind: 'manual', text: `Link ${scope.name} got ${server.address} from DHCP or its connection profile: set its DNS to the corporate resolvers (${replaceWith}) and stop accepting DHCP DNS (NetworkManager: ipv4.ignore-auto-dns yes, ipv6.ignore-auto-dns yes).` },
          ],
        });
      }
    }
  }
  const nm = linux.networkManager;
  if (nm.dnsMode?.value !== 'none') {
    for (const file of nm.files) {
      for (const server of file.globalServers) {
        uses.push({ address: server.address, where: `${server.path}:${server.line}`, location: { path: server.path, line: server.line }, subject: 'system', actions: [{ kind: 'manual', text: `In ${server.path}:${server.line} set servers= to the corporate resolvers (${replaceWith}).` }] });
      }
    }
    for (const connection of nm.connections) {
      for (const server of connection.servers) {
        const name = connection.id ?? connection.path;
        uses.push({
          address: server.address,
          where: `${server.path}:${server.line}`,
          location: { path: server.path, line: server.line },
          subject: 'system',
          actions: [{ kind: 'manual', text: `nmcli connection modify "${name}" ipv4.dns "${replaceWith}" ipv4.ignore-auto-dns yes (and ipv6 likewise), then reconnect.` }],
        });
      }
    }
  }
  if (resolved.statusUnavailable && resolved.inUse) notes.push(`live link state not read (${resolved.statusUnavailable})`);
  return { uses, notes };
}

function evidenceOf(settings: DnsSettings, allowed: readonly string[]): { uses: ResolverUse[]; notes: string[]; none?: string } {
  if (settings.linux) {
    const { uses, notes } = linuxUses(settings.linux, allowed);
    for (const problem of settings.linux.problems.filter((item) => item.line === undefined)) notes.push(`${problem.path} ${problem.message}`);
    const linux = settings.linux;
    if (uses.length === 0 && !linux.resolvConf && !linux.resolved.inUse && linux.networkManager.files.length === 0) return { uses, notes, none: 'no resolver configuration found (no /etc/resolv.conf, systemd-resolved or NetworkManager)' };
    if (uses.length === 0) notes.push(linux.resolved.inUse ? 'systemd-resolved has no static resolvers: they come from DHCP at run time' : 'no static resolvers configured');
    return { uses, notes };
  }
  if (settings.scutil) {
    const scutil = settings.scutil;
    if (!scutil.value) return { uses: [], notes: [], none: `scutil --dns: ${scutil.unavailable ?? scutil.error ?? 'not available'}` };
    const uses: ResolverUse[] = [];
    for (const resolver of scutil.value.resolvers.filter((item) => !item.scoped)) {
      for (const server of resolver.nameservers) {
        uses.push({
          address: server.address,
          where: `scutil --dns resolver #${resolver.index}${resolver.domain ? ` (domain ${resolver.domain})` : ''}${resolver.interfaceName ? ` via ${resolver.interfaceName}` : ''}`,
          subject: resolver.interfaceName ?? 'system',
          actions: [{ kind: 'manual', text: `Set the DNS servers of the network service${resolver.interfaceName ? ` on ${resolver.interfaceName}` : ''} to the corporate resolvers: networksetup -setdnsservers "<network service>" ${allowedAddresses(allowed).join(' ') || '<corporate resolvers>'}, or push DNS settings in a configuration profile.` }],
        });
      }
    }
    const notes = scutil.value.invalid.map((bad) => `scutil --dns line ${bad.line}: "${bad.text}" is not an address`);
    if (scutil.value.empty || uses.length === 0) notes.push('scutil --dns lists no nameserver');
    return { uses, notes };
  }
  if (settings.windows) {
    const servers = settings.windows.servers;
    if (servers.error) throw new Error(servers.error);
    if (!servers.value) return { uses: [], notes: [], none: `Get-DnsClientServerAddress: ${servers.unavailable ?? 'not available'}` };
    const uses: ResolverUse[] = [];
    for (const item of servers.value) {
      for (const address of item.servers) {
        uses.push({
          address,
          where: `Get-DnsClientServerAddress (${item.interfaceAlias}, ${item.family})`,
          subject: item.interfaceAlias,
          actions: [{ kind: 'manual', text: `Run as administrator: Set-DnsClientServerAddress -InterfaceAlias "${item.interfaceAlias}" -ServerAddresses ${allowedAddresses(allowed).map((entry) => `"${entry}"`).join(',') || '<corporate resolvers>'} (or set the adapter's DNS by group policy or Intune).` }],
        });
      }
    }
    return { uses, notes: uses.length === 0 ? ['no interface has a DNS server'] : [] };
  }
  return { uses: [], notes: [], none: 'DNS settings of an offline macOS or Windows image cannot be read' };
}

export default defineCheck({
  meta: {
    id: 'network.dns-resolvers',
    title: 'Only the corporate DNS resolvers are used',
    area: 'network',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'DNS is how a prompt-injected agent leaks data past a proxy (a name per chunk under an attacker\'s domain) and how a hostile network redirects ' +
      'it. Corporate resolvers log and filter names; public ones do neither for the organisation. This check reads the resolvers in effect: ' +
      '/etc/resolv.conf, systemd-resolved DNS= (main file and resolved.conf.d drop-ins in order) and the live link state when resolv.conf points at ' +
      'its stub, NetworkManager global and connection DNS; macOS scutil --dns; Windows Get-DnsClientServerAddress. With the baseline\'s ' +
      'allowedResolvers (addresses and CIDRs, IPv4 and IPv6) each must be inside it; without, well-known public resolvers fail.',
    references: [
      { title: 'resolved.conf(5): DNS=, Domains=', url: 'https://www.freedesktop.org/software/systemd/man/latest/resolved.conf.html' },
      { title: 'resolv.conf(5)', url: 'https://man7.org/linux/man-pages/man5/resolv.conf.5.html' },
      { title: 'NetworkManager.conf(5): dns=, global-dns-domain', url: 'https://networkmanager.dev/docs/api/latest/NetworkManager.conf.html' },
      { title: 'Get-DnsClientServerAddress', url: 'https://learn.microsoft.com/en-us/powershell/module/dnsclient/get-dnsclientserveraddress' },
    ],
    fix: 'Configure the corporate resolvers only (systemd-resolved drop-in, NetworkManager connection DNS with ignore-auto-dns, networksetup, Set-DnsClientServerAddress).',
  },
  params: {
    allowedResolvers: allowedResolversParam,
  },
  uses: [dnsSettings],
  evaluate(facts, params) {
    validateAllowlist(params.allowedResolvers);
    const allowlist = resolverAllowlist(params.allowedResolvers);
    const { uses, notes, none } = evidenceOf(facts.get(dnsSettings), params.allowedResolvers);
    if (none) return { status: 'skipped', message: none };
    const findings: Finding[] = [];
    // Lines the resolver ignores (a nameserver or DNS= entry that is no address): the file says something it does not do.
    for (const problem of facts.get(dnsSettings).linux?.problems ?? []) {
      if (problem.line === undefined) continue;
      findings.push({
        message: `${problem.path}:${problem.line}: ${problem.message}`,
        location: { path: problem.path, line: problem.line },
        subject: 'system',
        actions: [{ kind: 'manual', text: `Fix or remove line ${problem.line} of ${problem.path}.` }],
      });
    }
    for (const use of uses) {
      const problem = resolverProblem(use.address, allowlist);
      if (!problem) continue;
      findings.push({ message: `${use.where}: resolver ${use.address} is ${problem}`, ...(use.location ? { location: use.location } : {}), ...(use.subject ? { subject: use.subject } : {}), actions: use.actions });
    }
    const note = notes.length ? `; ${notes.join('; ')}` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} resolver(s) outside ${allowlist.size > 0 ? 'the allowlist' : 'the organisation (public resolvers)'}${note}`, findings };
    const distinct = [...new Set(uses.map((use) => use.address))];
    return { status: 'pass', message: `${distinct.length} resolver(s) in use${distinct.length ? ` (${distinct.join(', ')})` : ''}, ${allowlist.size > 0 ? 'all in allowedResolvers' : 'none a well-known public resolver'}${note}` };
  },
});
