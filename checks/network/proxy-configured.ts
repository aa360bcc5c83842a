import { networkEnvironment, type EnvScope, type EnvSource } from '../../src/collectors/network-environment.js';
import { systemProxy, type SystemProxy } from '../../src/collectors/system-proxy.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { string } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import type { Platform } from '../../src/host/host.js';
import { locationOf, setVariableActions, subjectOf, whereSet } from '../../src/network/env-findings.js';
import { ALL_PROXY_VARIABLES, hasUserinfo, hostPort, parseProxy, parseProxyList, PROXY_VARIABLES, redactProxy, sameProxy } from '../../src/network/proxy-url.js';
import type { EnvAssignment } from '../../src/parsers/shell-env.js';

const DEFAULT_NO_PROXY = 'localhost,127.0.0.1,::1';
const SERVICES_DROP_IN = '/etc/systemd/system.conf.d/zz-cowork-audit-proxy.conf';
const ENV_FILE = '/etc/environment';

interface Expectation {
  url: string;
  pac: string;
  /** The URL may be written into scripts: it has no user name or password. */
  automatable: boolean;
}

/** The first proxy variable an agent reads, after later sources override earlier ones. */
function effectiveProxy(sources: readonly EnvSource[]): { source: EnvSource; assignment: EnvAssignment } | undefined {
  const merged = new Map<string, { source: EnvSource; assignment: EnvAssignment }>();
  for (const source of sources) for (const assignment of source.assignments) merged.set(assignment.name, { source, assignment });
  for (const name of PROXY_VARIABLES) {
    const found = merged.get(name);
    if (found && found.assignment.value.trim() !== '') return found;
  }
  return undefined;
}

function sameServer(server: string, expected: string): boolean {
  const left = parseProxy(server);
  const right = parseProxy(expected);
  return left !== undefined && right !== undefined && left.host === right.host && left.port === right.port;
}

/** What to set on Linux where a scope has no proxy: /etc/environment lines, or a systemd drop-in. */
function missingScopeActions(scope: 'session' | 'services', expect: Expectation, sources: readonly EnvSource[]): RemediationAction[] {
  if (!expect.automatable) {
    const what = scope === 'session' ? `${PROXY_VARIABLES.join(', ')} (and no_proxy/NO_PROXY=${DEFAULT_NO_PROXY}) in ${ENV_FILE}` : `DefaultEnvironment with ${PROXY_VARIABLES.join(', ')} in ${SERVICES_DROP_IN}, then systemctl daemon-reexec`;
    return [{ kind: 'manual', text: `Set ${what} to your corporate proxy${expect.url ? ` (${redactProxy(expect.url)})` : ''}.` }];
  }
  const hasNoProxy = sources.some((source) => source.assignments.some((assignment) => /^no_proxy$/i.test(assignment.name)));
  const names: string[] = [...PROXY_VARIABLES];
  if (scope === 'session') {
    const actions: RemediationAction[] = names.map((name) => ({ kind: 'set-env-line', path: ENV_FILE, name, value: expect.url }));
    if (!hasNoProxy) actions.push({ kind: 'set-env-line', path: ENV_FILE, name: 'no_proxy', value: DEFAULT_NO_PROXY }, { kind: 'set-env-line', path: ENV_FILE, name: 'NO_PROXY', value: DEFAULT_NO_PROXY });
    return actions;
  }
  const words = names.map((name) => `"${name}=${expect.url}"`);
  if (!hasNoProxy) words.push(`"no_proxy=${DEFAULT_NO_PROXY}"`, `"NO_PROXY=${DEFAULT_NO_PROXY}"`);
  return [
    { kind: 'write-file', path: SERVICES_DROP_IN, content: `# Written by cowork-audit (network.proxy-configured): the corporate proxy for every systemd service.\n[Manager]\nDefaultEnvironment=${words.join(' ')}\n`, mode: '0644' },
    { kind: 'manual', text: 'Run systemctl daemon-reexec so that services started from now on get the proxy in their environment.' },
  ];
}

function envFindings(sources: readonly EnvSource[], expect: Expectation): Finding[] {
  const findings: Finding[] = [];
  for (const source of sources) {
    for (const assignment of source.assignments) {
      const isProxy = (PROXY_VARIABLES as readonly string[]).includes(assignment.name) || (ALL_PROXY_VARIABLES as readonly string[]).includes(assignment.name);
      if (!isProxy) continue;
      const base = { location: locationOf(source, assignment), subject: subjectOf(source) };
      if (assignment.value.trim() === '') {
        if (source.scope !== 'agent') continue;
        findings.push({
          ...base,
          message: `${whereSet(source, assignment)}: the agent settings set ${assignment.name} to an empty value, so Claude Code connects without the proxy`,
          actions: expect.url && expect.automatable ? setVariableActions(source, assignment, expect.url) : [{ kind: 'manual', text: `Remove "${assignment.name}" from the "env" object of ${whereSet(source, assignment)}, or set it to the corporate proxy.` }],
        });
        continue;
      }
      if (!expect.url || sameProxy(assignment.value, expect.url)) continue;
      const parsed = parseProxy(assignment.value);
      findings.push({
        ...base,
        message: `${whereSet(source, assignment)}: ${assignment.name}=${redactProxy(assignment.value)} ${parsed ? 'is not' : 'is no proxy address, and not'} the baseline's proxy ${redactProxy(expect.url)}`,
        actions: expect.automatable ? setVariableActions(source, assignment, expect.url) : [{ kind: 'manual', text: `Set ${assignment.name} at ${whereSet(source, assignment)} to the corporate proxy (${redactProxy(expect.url)}).` }],
      });
    }
  }
  return findings;
}

interface ScopeState {
  name: string;
  configured: string | undefined;
}

function systemFindings(platform: Platform, system: SystemProxy, expect: Expectation, sessionEnv: string | undefined, states: ScopeState[], notes: string[]): Finding[] {
  const findings: Finding[] = [];
  const pacFinding = (pac: string, where: string, fix: RemediationAction[]): void => {
    if (expect.pac && pac !== expect.pac) findings.push({ message: `${where}: proxy auto-config ${redactProxy(pac)} is not the baseline's proxyPac ${redactProxy(expect.pac)}`, actions: fix });
  };
  if (platform === 'darwin') {
    const scutil = system.scutil;
    if (!scutil?.value) {
      notes.push(`scutil --proxy: ${scutil?.unavailable ?? scutil?.error ?? 'not available'}`);
      if (scutil?.error) throw new Error(scutil.error);
      return findings;
    }
    const proxy = scutil.value;
    const manual = (what: string): RemediationAction[] => [{ kind: 'manual', text: `${what}: networksetup -setsecurewebproxy "<network service>" ${expect.url ? (hostPort(expect.url) ?? '<host> <port>').replace(/:(\d+)$/, ' $1') : '<host> <port>'} and networksetup -setwebproxy likewise for every network service, or push the proxy in a configuration profile (com.apple.SystemConfiguration Proxies payload).` }];
    const servers = [proxy.https && { label: 'HTTPSProxy', ...proxy.https }, proxy.http && { label: 'HTTPProxy', ...proxy.http }].filter((item): item is NonNullable<typeof item> => Boolean(item));
    for (const server of servers) {
      const value = `${server.host}${server.port ? `:${server.port}` : ''}`;
      if (expect.url && !sameServer(value, expect.url)) findings.push({ message: `scutil --proxy: ${server.label} ${redactProxy(value)} is not the baseline's proxy ${redactProxy(expect.url)}`, actions: manual('Set the proxy of each network service') });
    }
    if (proxy.pac) pacFinding(proxy.pac.url, 'scutil --proxy', [{ kind: 'manual', text: `Run networksetup -setautoproxyurl "<network service>" "${expect.pac}" for every network service, or set ProxyAutoConfigURLString in the configuration profile's Proxies payload.` }]);
    const explicit = servers[0] ? `${servers[0].label} ${redactProxy(`${servers[0].host}:${servers[0].port ?? ''}`)}` : undefined;
    const configured = explicit ?? (proxy.pac ? `proxy auto-config ${redactProxy(proxy.pac.url)}` : undefined);
    states.push({ name: 'the system (scutil --proxy)', configured });
    if (!configured) findings.push({ message: 'scutil --proxy: no HTTP, HTTPS or auto-config proxy is enabled for the current network service, so desktop agents connect directly', actions: manual('Enable the corporate proxy') });
    else if (!explicit && expect.url && !expect.pac) findings.push({ message: `scutil --proxy: only proxy auto-config ${redactProxy(proxy.pac?.url ?? '')} is set; declare it as proxyPac in the baseline to accept it`, actions: manual('Set an explicit proxy, or declare the PAC URL in the baseline (proxyPac)') });
    return findings;
  }
  if (platform === 'win32') {
    const winhttp = system.winhttp;
    const winhttpFix = (bypass?: string): RemediationAction[] => [
      { kind: 'manual', text: `Run as administrator: netsh winhttp set proxy proxy-server="${expect.url ? (hostPort(expect.url) ?? '<host:port>') : '<host:port>'}" bypass-list="${bypass ?? '<local>'}" (or netsh winhttp import proxy source=ie).` },
    ];
    if (winhttp?.error) throw new Error(winhttp.error);
    if (!winhttp?.value) notes.push(`netsh winhttp show proxy: ${winhttp?.unavailable ?? 'not available'}`);
    else {
      const value = winhttp.value;
      const servers = value.server ? parseProxyList(value.server.value) : [];
      states.push({ name: 'services (WinHTTP)', configured: value.direct || servers.length === 0 ? undefined : redactProxy(value.server?.value ?? '') });
      if (value.direct || servers.length === 0) findings.push({ message: 'netsh winhttp show proxy: WinHTTP has direct access (no proxy server), so Windows services connect directly', actions: winhttpFix() });
      for (const server of servers) {
        if (expect.url && !sameServer(server.server, expect.url)) findings.push({ message: `netsh winhttp show proxy: WinHTTP proxy ${redactProxy(server.server)}${server.scheme === '*' ? '' : ` (${server.scheme})`} is not the baseline's proxy ${redactProxy(expect.url)}`, actions: winhttpFix(value.bypass?.value) });
      }
    }
    const wininet = system.wininet;
    if (!wininet?.value) notes.push(`${wininet?.command ?? 'Internet Settings'}: ${wininet?.unavailable ?? 'not available'}`);
    else {
      const value = wininet.value;
      const key = value.key;
      const fix: RemediationAction[] =
        expect.url && expect.automatable && hostPort(expect.url)
          ? [
              { kind: 'registry-set', key, name: 'ProxyServer', type: 'String', value: hostPort(expect.url) as string },
              { kind: 'registry-set', key, name: 'ProxyEnable', type: 'DWord', value: 1 },
              ...(value.override ? [] : [{ kind: 'registry-set' as const, key, name: 'ProxyOverride', type: 'String' as const, value: '<local>' }]),
            ]
          : [{ kind: 'manual', text: `Set the user's proxy (Settings > Network > Proxy, or ProxyEnable=1 and ProxyServer in ${key}) to the corporate proxy; run as the user whose settings these are.` }];
      const servers = value.enabled && value.server ? parseProxyList(value.server) : [];
      for (const server of servers) {
        if (expect.url && !sameServer(server.server, expect.url)) findings.push({ message: `${key}: ProxyServer ${redactProxy(server.server)} is not the baseline's proxy ${redactProxy(expect.url)}`, actions: fix });
      }
      if (value.autoConfigUrl) pacFinding(value.autoConfigUrl, `${key}: AutoConfigURL`, [{ kind: 'registry-set', key, name: 'AutoConfigURL', type: 'String', value: expect.pac }]);
      const configured = servers.length > 0 ? `ProxyServer ${redactProxy(value.server ?? '')}` : value.autoConfigUrl ? `AutoConfigURL ${redactProxy(value.autoConfigUrl)}` : sessionEnv;
      states.push({ name: 'the user session (WinINET)', configured });
      if (!configured) findings.push({ message: `${key}: ProxyEnable is not 1 and no AutoConfigURL is set, so the user's desktop apps connect directly`, actions: fix });
      else if (servers.length === 0 && value.autoConfigUrl && expect.url && !expect.pac) findings.push({ message: `${key}: only AutoConfigURL ${redactProxy(value.autoConfigUrl)} is set; declare it as proxyPac in the baseline to accept it`, actions: fix });
    }
  }
  return findings;
}

export default defineCheck({
  meta: {
    id: 'network.proxy-configured',
    title: 'Agent traffic goes through the corporate proxy',
    area: 'network',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A TLS-inspecting corporate proxy is where agent traffic is logged, filtered and stopped; an agent that connects directly bypasses all of it. ' +
      'Agents read https_proxy, HTTPS_PROXY, http_proxy and HTTP_PROXY in that order (lower case first), desktop apps and services read the operating ' +
      "system's settings. This check reads every place that sets them: Linux /etc/environment, /etc/profile.d, systemd DefaultEnvironment and the " +
      "scan's environment; macOS scutil --proxy; Windows WinHTTP (services) and WinINET (the user's session); and Claude Code's env in managed and user " +
      'settings. With the baseline\'s proxyUrl (and proxyPac) every proxy set must match it; without, any proxy passes and none fails.',
    references: [
      { title: 'Claude Code: corporate proxy configuration (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)', url: 'https://code.claude.com/docs/en/network-config' },
      { title: 'pam_env.conf(5): /etc/environment', url: 'https://man7.org/linux/man-pages/man5/pam_env.conf.5.html' },
      { title: 'systemd-system.conf(5): DefaultEnvironment=', url: 'https://www.freedesktop.org/software/systemd/man/latest/systemd-system.conf.html' },
      { title: 'netsh winhttp: WinHTTP proxy for services', url: 'https://learn.microsoft.com/en-us/windows/win32/winhttp/netsh-exe-commands' },
    ],
    fix: 'Set the corporate proxy for user sessions (/etc/environment, WinINET, network services) and services (systemd DefaultEnvironment, WinHTTP), and remove other proxies.',
  },
  params: {
    proxyUrl: string('The corporate proxy every proxy setting must name, for example http://proxy.corp.example:3128. Empty: any proxy passes, none fails.', ''),
    proxyPac: string('The proxy auto-config URL that system settings may use instead of an explicit proxy. Empty: a PAC is accepted only without proxyUrl.', ''),
  },
  uses: [networkEnvironment, systemProxy],
  evaluate(facts, params) {
    const env = facts.get(networkEnvironment);
    const system = facts.get(systemProxy);
    if (params.proxyUrl && !parseProxy(params.proxyUrl)) throw new Error(`the baseline's proxyUrl ${redactProxy(params.proxyUrl)} is not a proxy URL (want http://host:port)`);
    // Only a plain URL (no credentials, no quotes or spaces) is written into files and scripts.
    const automatable = params.proxyUrl !== '' && !hasUserinfo(params.proxyUrl) && /^[a-z][a-z0-9+.-]*:\/\/[^\s"'\\]+$/i.test(params.proxyUrl);
    const expect: Expectation = { url: params.proxyUrl, pac: params.proxyPac, automatable };
    const notes = [...env.unavailable];
    const findings = envFindings(env.sources, expect);
    // Claude Code does not apply a settings file it cannot parse: its env, the proxy included, is lost.
    for (const source of env.sources.filter((item) => item.kind === 'claude-settings' && item.error)) {
      const line = /line (\d+)/.exec(source.error ?? '')?.[1];
      findings.push({
        message: `${source.label}: ${source.error}; Claude Code does not apply this settings file, so its env (proxy, NO_PROXY, CA) is lost`,
        location: line ? { path: source.path as string, line: Number(line) } : { path: source.path as string },
        subject: subjectOf(source),
        actions: [{ kind: 'manual', text: `Fix ${source.label}${line ? ` (line ${line})` : ''} so that it is valid JSON.` }],
      });
    }
    for (const source of env.sources.filter((item) => item.kind !== 'claude-settings' && item.error)) notes.push(`${source.label}: ${source.error}`);
    const states: ScopeState[] = [];
    const inScope = (...scopes: EnvScope[]) => env.sources.filter((source) => scopes.includes(source.scope));
    const platform = env.platform;
    const describe = (found: ReturnType<typeof effectiveProxy>) => (found ? `${found.assignment.name}=${redactProxy(found.assignment.value)} (${whereSet(found.source, found.assignment)})` : undefined);

    if (platform === 'linux') {
      const sessionFiles = inScope('session');
      const session = effectiveProxy(sessionFiles) ?? effectiveProxy(inScope('process'));
      states.push({ name: 'user sessions', configured: describe(session) });
      if (!session) {
        findings.push({
          message: `no proxy for user sessions: none of ${PROXY_VARIABLES.join(', ')} is set in ${ENV_FILE}${sessionFiles.some((source) => source.kind === 'shell') ? ', /etc/profile.d/*.sh' : ''} or the scan's environment`,
          location: { path: ENV_FILE },
          subject: 'system',
          actions: missingScopeActions('session', expect, sessionFiles),
        });
      }
      const live = env.sources.filter((source) => source.kind === 'systemctl');
      const services = live.length > 0 ? live : inScope('services');
      if (services.length > 0) {
        const found = effectiveProxy(services);
        states.push({ name: 'systemd services', configured: describe(found) });
        if (!found) {
          const file = services.find((source) => source.path)?.path ?? '/etc/systemd/system.conf';
          findings.push({
            message: `no proxy for systemd services: DefaultEnvironment sets none of ${PROXY_VARIABLES.join(', ')} (${services.map((source) => source.label).join(', ')})`,
            location: { path: file },
            subject: 'system',
            actions: missingScopeActions('services', expect, services),
          });
        }
      }
    } else {
      const sessionEnv = describe(effectiveProxy(inScope('session')) ?? effectiveProxy(inScope('process')));
      findings.push(...systemFindings(platform, system, expect, sessionEnv, states, notes));
    }

    const agent = effectiveProxy(inScope('agent'));
    if (agent) states.push({ name: 'Claude Code settings', configured: describe(agent) });
    const note = notes.length ? `; not verified: ${notes.join('; ')}` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} proxy problem(s)${note}`, findings };
    const covered = states.filter((state) => state.configured);
    if (covered.length === 0) return { status: 'skipped', message: `no proxy evidence could be read${note}` };
    return { status: 'pass', message: `proxy set for ${covered.map((state) => `${state.name}: ${state.configured}`).join('; ')}${expect.url ? ' (the baseline\'s proxy)' : ''}${note}` };
  },
});
