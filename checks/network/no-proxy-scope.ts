import { networkEnvironment } from '../../src/collectors/network-environment.js';
import { systemProxy } from '../../src/collectors/system-proxy.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { stringList } from '../../src/engine/params-schema.js';
import { locationOf, setVariableActions, subjectOf, whereSet } from '../../src/network/env-findings.js';
import { judgeBypassEntry, splitBypassList } from '../../src/network/no-proxy.js';
import { hostPort, NO_PROXY_VARIABLES } from '../../src/network/proxy-url.js';

const SAFE_DEFAULT = 'localhost,127.0.0.1,::1';

export default defineCheck({
  meta: {
    id: 'network.no-proxy-scope',
    title: 'Proxy bypass lists (NO_PROXY) stay local',
    area: 'network',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Every destination in a bypass list is reached directly, outside the proxy that logs and filters agent traffic. `*` turns the proxy off; an ' +
      'entry such as `.com`, `.co.uk`, `.amazonaws.com` or `.github.io` sends whole public suffixes, where anyone can register a name, around it; ' +
      'a wide public address range does the same for IP destinations. This check reads NO_PROXY/no_proxy wherever the proxy variables are set ' +
      "(system files, systemd, the registry, Claude Code settings, the scan's environment), macOS ExceptionsList and the Windows WinHTTP and WinINET " +
      'bypass lists. Local names, private address ranges and single hosts are fine; allowedNoProxy accepts more.',
    references: [
      { title: 'curl: NO_PROXY syntax (domains, leading dots, CIDR)', url: 'https://everything.curl.dev/usingcurl/proxies/env.html' },
      { title: 'Public Suffix List', url: 'https://publicsuffix.org/' },
      { title: 'Claude Code: NO_PROXY', url: 'https://code.claude.com/docs/en/network-config' },
    ],
    fix: 'Remove `*`, public suffixes and public address ranges from NO_PROXY and the system bypass lists; list the internal domains that must bypass the proxy instead.',
  },
  params: {
    allowedNoProxy: stringList('Bypass entries accepted although broad (as written, for example ".internal.example.com" or "10.0.0.0/8").', []),
  },
  uses: [networkEnvironment, systemProxy],
  evaluate(facts, params) {
    const env = facts.get(networkEnvironment);
    const system = facts.get(systemProxy);
    const allowed = new Set(params.allowedNoProxy.map((entry) => entry.trim().toLowerCase()));
    const findings: Finding[] = [];
    let lists = 0;
    const judge = (value: string) => {
      const entries = splitBypassList(value).map((entry) => judgeBypassEntry(entry, allowed));
      const bad = entries.filter((entry) => entry.problem);
      const kept = entries.filter((entry) => !entry.problem).map((entry) => entry.text);
      return { bad, kept };
    };
    const describe = (bad: { text: string; problem?: string }[]) => bad.map((entry) => `"${entry.text}" ${entry.problem}`).join('; ');

    for (const source of env.sources) {
      for (const assignment of source.assignments) {
        if (!(NO_PROXY_VARIABLES as readonly string[]).includes(assignment.name)) continue;
        lists += 1;
        const { bad, kept } = judge(assignment.value);
        if (bad.length === 0) continue;
        const fixed = kept.length > 0 ? kept.join(',') : SAFE_DEFAULT;
        findings.push({
          message: `${whereSet(source, assignment)}: ${assignment.name} ${describe(bad)}`,
          location: locationOf(source, assignment),
          subject: subjectOf(source),
          actions: setVariableActions(source, assignment, fixed),
        });
      }
    }

    const scutil = system.scutil?.value;
    if (scutil && scutil.exceptions.length > 0) {
      lists += 1;
      const { bad, kept } = judge(scutil.exceptions.map((item) => item.value).join(','));
      if (bad.length > 0) {
        findings.push({
          message: `scutil --proxy: ExceptionsList ${describe(bad)}`,
          actions: [{ kind: 'manual', text: `Run networksetup -setproxybypassdomains "<network service>" ${kept.map((entry) => `"${entry}"`).join(' ') || '"*.local" "169.254/16"'} for every network service, or fix the Proxies payload of the configuration profile.` }],
        });
      }
    }
    const winhttp = system.winhttp?.value;
    if (winhttp?.bypass) {
      lists += 1;
      const { bad, kept } = judge(winhttp.bypass.value);
      if (bad.length > 0) {
        findings.push({
          message: `netsh winhttp show proxy: WinHTTP bypass list ${describe(bad)}`,
          actions: [{ kind: 'manual', text: `Run as administrator: netsh winhttp set proxy proxy-server="${winhttp.server ? (hostPort(winhttp.server.value) ?? winhttp.server.value) : '<host:port>'}" bypass-list="${kept.join(';') || '<local>'}"` }],
        });
      }
    }
    const wininet = system.wininet?.value;
    if (wininet?.override) {
      lists += 1;
      const { bad, kept } = judge(wininet.override);
      if (bad.length > 0) {
        findings.push({
          message: `${wininet.key}: ProxyOverride ${describe(bad)}`,
          actions: [{ kind: 'registry-set', key: wininet.key, name: 'ProxyOverride', type: 'String', value: kept.join(';') || '<local>' }],
        });
      }
    }
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} bypass list(s) send public destinations around the proxy`, findings };
    return { status: 'pass', message: lists > 0 ? `${lists} bypass list(s), every entry local, private or a single host` : 'no proxy bypass list is set' };
  },
});
