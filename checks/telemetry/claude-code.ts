import { allowlistAdmits, destinationOfUrl, isLiteralHost, type Destination } from '../../src/agent/egress-allowlist.js';
import { levelName, setAt, subjectOf, where } from '../../src/agent/origins.js';
import { claudeCodeInstalled, fixTarget, judgedViews, managedTarget, setKeyActions, subjectOfTarget } from '../../src/agent/runtime-targets.js';
import type { EffectiveSettings, SettingOrigin } from '../../src/agent/settings-model.js';
import { agentInstalls } from '../../src/collectors/agent-installs.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { networkEnvironment } from '../../src/collectors/network-environment.js';
import { sessionValue, telemetryEnvironment, type TelemetryEnvSource } from '../../src/collectors/telemetry-environment.js';
import { targetUsers } from '../../src/collectors/target-users.js';
import { defineCheck, type Finding, type Location } from '../../src/engine/check.js';
import { boolean, record, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';

// Claude Code's switches (FACTS.md section 1, CCD env-vars and data-usage): DISABLE_TELEMETRY,
// DISABLE_ERROR_REPORTING and CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC are on with any non-empty value
// (even "0"); DO_NOT_TRACK is an ordinary boolean; a third-party provider (Bedrock, Vertex, Foundry) turns
// metrics and error reports off by default. Settings `env` is applied over the environment Claude Code
// starts with.
const NONESSENTIAL = 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC';
const PROVIDERS = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'] as const;
const ENDPOINTS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/** A variable as Claude Code sees it, and where that value came from. */
interface Resolved {
  name: string;
  value: string;
  where: string;
  settings?: SettingOrigin;
  session?: { source: TelemetryEnvSource; line: number };
}

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

function sessionWhere(source: TelemetryEnvSource, line: number): string {
  const at = source.path && line > 0 ? `${source.path}:${line}` : source.label;
  return source.scope === 'user' ? `${at} (for ${source.user} only)` : at;
}

function locationOfResolved(resolved: Resolved): Location | undefined {
  if (resolved.settings) return resolved.settings.line !== undefined ? { path: resolved.settings.path, line: resolved.settings.line } : { path: resolved.settings.path };
  const source = resolved.session?.source;
  if (source?.path) return { path: source.path, ...(resolved.session && resolved.session.line > 0 ? { line: resolved.session.line } : {}) };
  if (source?.registryKey) return { path: source.registryKey };
  return undefined;
}

function subjectOfResolved(resolved: Resolved, user: string | undefined): { subject?: string } {
  if (resolved.settings) return subjectOf(resolved.settings, user);
  const source = resolved.session?.source;
  if (source?.scope === 'user' && source.user) return { subject: source.user };
  return { subject: 'system' };
}

/** Where a destination is described without its path or query (which may carry a token). */
function describeDestination(destination: Destination | undefined): string {
  if (!destination?.host) return 'a URL whose host cannot be read';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(destination.url ?? '')?.[1]?.toLowerCase();
  return `${scheme ? `${scheme}://` : ''}${destination.host}${destination.port !== undefined ? `:${destination.port}` : ''}`;
}

function endpointDestination(value: string): Destination | undefined {
  const url = destinationOfUrl(value);
  if (url) return url;
  // host:port without a scheme (gRPC endpoints are sometimes written so).
  const match = /^([^:/\s]+)(?::(\d+))?$/.exec(value.trim());
  if (match && isLiteralHost(match[1] ?? '')) return { host: (match[1] as string).toLowerCase(), ...(match[2] ? { port: Number(match[2]) } : {}) };
  return undefined;
}

export default defineCheck({
  meta: {
    id: 'telemetry.claude-code',
    title: 'Claude Code sends no usage telemetry or error reports, and no prompts to unapproved OpenTelemetry collectors',
    area: 'telemetry',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'Claude Code reports usage metrics (Statsig) and errors (Sentry) to Anthropic unless DISABLE_TELEMETRY and DISABLE_ERROR_REPORTING (or ' +
      'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, which also stops auto-update checks, /feedback and release notes) are set: any non-empty value turns them ' +
      'on, even "0"; DO_NOT_TRACK=1 acts like DISABLE_TELEMETRY; with CLAUDE_CODE_USE_BEDROCK, _VERTEX or _FOUNDRY metrics and error reports are off by ' +
      'default. Its OpenTelemetry export (CLAUDE_CODE_ENABLE_TELEMETRY) goes wherever OTEL_EXPORTER_OTLP_*ENDPOINT points, and OTEL_LOG_USER_PROMPTS puts ' +
      'the text of every prompt into it. Values are read per user from the settings env (managed > local > project > user), which Claude Code applies ' +
      'over its environment, then from /etc/environment, profile.d, environment.d, system and user shell and PowerShell start-up files and the ' +
      "Environment registry keys; the scan's own environment counts only when the scan audits the user running it.",
    references: [
      { title: 'Claude Code: environment variables (DISABLE_TELEMETRY, DISABLE_ERROR_REPORTING, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC)', url: 'https://code.claude.com/docs/en/env-vars' },
      { title: 'Claude Code: data usage (telemetry services, defaults with Bedrock, Vertex and Foundry)', url: 'https://code.claude.com/docs/en/data-usage' },
      { title: 'Claude Code: monitoring usage (OpenTelemetry, OTEL_LOG_USER_PROMPTS)', url: 'https://code.claude.com/docs/en/monitoring-usage' },
    ],
    fix: 'Set env.DISABLE_TELEMETRY and env.DISABLE_ERROR_REPORTING (or CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC) to "1" in managed settings, remove OTEL_LOG_USER_PROMPTS, and point OpenTelemetry only at collectors the baseline lists.',
  },
  params: {
    telemetry: record('Telemetry destinations the organisation runs.', {
      allowedCollectors: stringList(
        'OpenTelemetry collectors Claude Code may export to: hosts (`otel.example.com`, `*.example.com`, `host:4318`) or URL prefixes (`https://otel.example.com/`).',
        [],
      ),
    }),
    requireNonessentialTrafficOff: boolean('Require CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC as well (also stops auto-update checks, /feedback and release notes).', false),
  },
  uses: [agentSettings, agentInstalls, telemetryEnvironment, networkEnvironment, targetUsers],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const users = facts.get(targetUsers);
    const telemetryEnv = facts.get(telemetryEnvironment);
    const network = facts.get(networkEnvironment);
    const allowed = params.telemetry.allowedCollectors;
    // The scan's environment is that of the user running it: it counts when the scan audits that user alone.
    const processUser = /^current user (.+)$/.exec(users.scope)?.[1];
    const processValues = new Map<string, string>();
    for (const source of network.sources) if (source.scope === 'process') for (const item of source.telemetry) processValues.set(item.name, item.value);

    const resolve = (view: EffectiveSettings, name: string): Resolved | undefined => {
      const fromSettings = view.env.find((entry) => entry.name === name);
      if (fromSettings) return { name, value: fromSettings.value, where: `${where(fromSettings.origin)} (${levelName(fromSettings.origin)})`, settings: fromSettings.origin };
      if (settings.scope === 'repo') return undefined;
      if (view.user !== undefined && view.user === processUser && processValues.has(name)) return { name, value: processValues.get(name) as string, where: "the scan's own environment" };
      const session = sessionValue(telemetryEnv, view.user ?? '', name);
      if (session) return { name, value: session.value, where: sessionWhere(session.source, session.assignment.line), session: { source: session.source, line: session.assignment.line } };
      return undefined;
    };

    const missing = new Map<string, { message: (whom: string) => string; location: Location; origin: SettingOrigin; users: Set<string>; actions: RemediationAction[] }>();
    const risky = new Map<string, { message: (whom: string) => string; location?: Location; subject: { subject?: string }; users: Set<string>; actions: RemediationAction[] }>();
    const offSummary = new Set<string>();
    const views = judgedViews(settings, claudeCodeInstalled(facts.get(agentInstalls)));

    for (const view of views) {
      const get = (name: string) => resolve(view, name);
      const on = (resolved: Resolved | undefined) => resolved !== undefined && resolved.value !== '';
      const provider = PROVIDERS.map(get).find((resolved) => truthy(resolved?.value));
      const nonessential = get(NONESSENTIAL);
      const disableTelemetry = get('DISABLE_TELEMETRY');
      const disableErrors = get('DISABLE_ERROR_REPORTING');
      const doNotTrack = get('DO_NOT_TRACK');

      if (settings.scope === 'endpoint') {
        const telemetryBy = on(disableTelemetry) ? disableTelemetry : on(nonessential) ? nonessential : truthy(doNotTrack?.value) ? doNotTrack : provider;
        const errorsBy = on(disableErrors) ? disableErrors : on(nonessential) ? nonessential : provider;
        const gaps: { variable: string; what: string; ineffective: Resolved[] }[] = [];
        if (!telemetryBy) gaps.push({ variable: 'DISABLE_TELEMETRY', what: 'usage telemetry', ineffective: [disableTelemetry, nonessential, doNotTrack].filter((item): item is Resolved => item !== undefined) });
        if (!errorsBy) gaps.push({ variable: 'DISABLE_ERROR_REPORTING', what: 'error reports', ineffective: [disableErrors, nonessential].filter((item): item is Resolved => item !== undefined) });
        if (params.requireNonessentialTrafficOff && !on(nonessential)) gaps.push({ variable: NONESSENTIAL, what: 'non-essential traffic (auto-update checks, /feedback, release notes)', ineffective: nonessential ? [nonessential] : [] });
        for (const by of [telemetryBy, errorsBy]) if (by) offSummary.add(`${by.name}=${JSON.stringify(by.value)} at ${by.where}`);

        if (gaps.length > 0) {
          const ineffective = [...new Map(gaps.flatMap((gap) => gap.ineffective).map((item) => [item.name, item])).values()];
          // An empty value in a settings file overrides what the environment says: fix it where it is (or above it).
          const overriding = ineffective.find((item) => item.settings && item.value === '');
          const managed = overriding?.settings && overriding.settings.level !== 'managed' ? managedTarget(settings) : undefined;
          const target = overriding?.settings ? (managed ? { origin: managed, exists: true } : { origin: { ...overriding.settings, line: undefined }, exists: true }) : fixTarget(settings, users, view);
          if (!target) continue;
          const notes = ineffective.map((item) => `${item.name}=${JSON.stringify(item.value)} at ${item.where} does not count`).join('; ');
          const whatText = gaps.map((gap) => gap.what).join(' and ');
          const key = `${target.origin.path}|${whatText}|${notes}`;
          const entry = missing.get(key) ?? {
            message: (whom: string) =>
              `Claude Code sends ${whatText} to Anthropic${whom}: ${gaps.map((gap) => gap.variable).join(', ')} ${gaps.length > 1 ? 'are' : 'is'} not in effect (nor ${NONESSENTIAL}${gaps.some((gap) => gap.variable === 'DISABLE_TELEMETRY') ? ', DO_NOT_TRACK=1' : ''} or a third-party provider)${notes ? `; ${notes}` : ''}`,
            location: overriding ? (locationOfResolved(overriding) as Location) : { path: target.origin.path },
            origin: target.origin,
            users: new Set<string>(),
            actions: gaps.flatMap((gap) => setKeyActions(target, ['env', gap.variable], '1', `turn off Claude Code ${gap.what}`)),
          };
          if (view.user) entry.users.add(view.user);
          missing.set(key, entry);
        }
      }

      // Prompts in OpenTelemetry logs, and exporters pointing outside the baseline's collectors.
      const exportOn = truthy(get('CLAUDE_CODE_ENABLE_TELEMETRY')?.value);
      const exportNote = exportOn ? '' : ' (used once CLAUDE_CODE_ENABLE_TELEMETRY=1)';
      const prompts = get('OTEL_LOG_USER_PROMPTS');
      if (prompts && truthy(prompts.value)) {
        const location = locationOfResolved(prompts);
        const key = `prompts|${location?.path}:${location?.line}`;
        const entry = risky.get(key) ?? {
          message: (whom: string) => `OTEL_LOG_USER_PROMPTS=${JSON.stringify(prompts.value)} at ${prompts.where}${whom}: the text of every prompt goes into Claude Code's OpenTelemetry logs${exportNote}`,
          ...(location ? { location } : {}),
          subject: subjectOfResolved(prompts, view.user),
          users: new Set<string>(),
          actions: turnOff(prompts, settings.platform),
        };
        if (view.user) entry.users.add(view.user);
        risky.set(key, entry);
      }
      for (const name of ENDPOINTS) {
        const endpoint = get(name);
        if (!endpoint || endpoint.value.trim() === '') continue;
        const destination = endpointDestination(endpoint.value);
        if (destination && allowlistAdmits(allowed, destination)) continue;
        const location = locationOfResolved(endpoint);
        const key = `endpoint|${name}|${location?.path}:${location?.line}`;
        const entry = risky.get(key) ?? {
          message: (whom: string) =>
            `${name} at ${endpoint.where}${whom} sends Claude Code's OpenTelemetry data to ${describeDestination(destination)}, not in the baseline's telemetry.allowedCollectors${exportNote}`,
          ...(location ? { location } : {}),
          subject: subjectOfResolved(endpoint, view.user),
          users: new Set<string>(),
          actions: [{ kind: 'manual', text: `Point ${name} (${endpoint.where}) at your organisation's collector, or remove it; list the collector in telemetry.allowedCollectors.` }],
        };
        if (view.user) entry.users.add(view.user);
        risky.set(key, entry);
      }
    }

    const findings: Finding[] = [];
    const whomOf = (set: Set<string>) => (set.size ? ` in the sessions of ${[...set].join(', ')}` : '');
    for (const entry of missing.values()) {
      findings.push({ message: entry.message(entry.users.size ? ` for ${[...entry.users].join(', ')}` : ''), location: entry.location, ...subjectOfTarget(entry.origin, entry.users.size === 1 ? [...entry.users][0] : undefined), actions: entry.actions });
    }
    for (const entry of risky.values()) {
      // A value in one user's own file concerns that user: naming them again adds nothing.
      findings.push({ message: entry.message(entry.subject.subject !== 'system' && entry.users.size === 1 && entry.subject.subject === [...entry.users][0] ? '' : whomOf(entry.users)), ...(entry.location ? { location: entry.location } : {}), ...entry.subject, actions: entry.actions });
    }
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} Claude Code telemetry problem(s)`, findings };
    const summary = [...offSummary].slice(0, 3).join('; ');
    return {
      status: 'pass',
      message:
        settings.scope === 'repo'
          ? "the repository's settings env neither logs prompts nor exports to collectors outside the baseline"
          : views.length
            ? `Claude Code telemetry and error reports are off in ${views.length} settings view(s)${summary ? ` (${summary})` : ''}; no prompt logging or unapproved collector`
            : 'no user runs Claude Code and it is not installed',
    };
  },
});

/** Turns OTEL_LOG_USER_PROMPTS off where it was set. */
function turnOff(resolved: Resolved, platform: string): RemediationAction[] {
  if (resolved.settings) return [setAt(resolved.settings, ['env', resolved.name], '0', 'keep prompt text out of telemetry')];
  const source = resolved.session?.source;
  if (source?.path === '/etc/environment') return [{ kind: 'set-env-line', path: '/etc/environment', name: resolved.name, value: '0' }];
  if (source?.registryKey && platform === 'win32') return [{ kind: 'registry-set', key: source.registryKey, name: resolved.name, type: 'String', value: '0' }];
  return [{ kind: 'manual', text: `Remove ${resolved.name} from ${resolved.where}.` }];
}
