import { devToolTelemetry, type DevToolTelemetry, type ToolSetting, type ToolSite } from '../../src/collectors/dev-tool-telemetry.js';
import { sessionValue, telemetryEnvironment, type EffectiveVariable, type TelemetryEnvironment } from '../../src/collectors/telemetry-environment.js';
import { defineCheck, type Finding, type Location } from '../../src/engine/check.js';
import { oneOf, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import type { Platform } from '../../src/host/host.js';
import { DEV_TOOL_SPECS, DEV_TOOLS, type DevToolId, type DevToolSpec, type TelemetryState } from '../../src/telemetry/dev-tools.js';

const MACHINE_ENVIRONMENT_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment';
/** Where a tool's state for one user comes from. */
type Reason = { kind: 'env'; variable: EffectiveVariable } | { kind: 'setting'; setting: ToolSetting } | { kind: 'default' };
interface UserState {
  user: string;
  state: TelemetryState;
  reason: Reason;
  /** An assignment that does not opt out (HOMEBREW_NO_ANALYTICS=0) while a setting decides, for the message. */
  ignored?: EffectiveVariable;
}

// Layers of gcloud's configuration, strongest first; other tools have one layer.
const LAYER_RANK: Record<string, number> = { configuration: 0, 'user-properties': 1, installation: 2 };
// Tools whose variable, when present, decides even against the configuration file.
const ENV_OVERRIDES_CONFIG = new Set<DevToolId>(['aws-sam', 'azure-cli', 'gcloud']);

function where(location: { path: string; line?: number }): string {
  return location.line ? `${location.path}:${location.line}` : location.path;
}

function envWhere(variable: EffectiveVariable): string {
  const { source, assignment } = variable;
  const at = source.path && assignment.line > 0 ? `${source.path}:${assignment.line}` : source.label;
  return source.scope === 'user' ? `${at} (for ${source.user} only)` : at;
}

function settingFor(tool: DevToolId, user: string, settings: readonly ToolSetting[], sites: readonly ToolSite[]): ToolSetting | undefined {
  // A machine-wide setting (a Homebrew or gcloud installation) applies to every user of that install.
  const relevant = settings.filter((setting) => setting.tool === tool && (setting.user === undefined || setting.user === user));
  const machineInstall = sites.some((site) => site.tool === tool && site.user === undefined);
  const usable = relevant.filter((setting) => setting.user === user || machineInstall);
  return [...usable].sort((a, b) => (LAYER_RANK[a.layer ?? ''] ?? 0) - (LAYER_RANK[b.layer ?? ''] ?? 0))[0];
}

function stateOf(spec: DevToolSpec, user: string, env: TelemetryEnvironment, evidence: DevToolTelemetry): UserState {
  const variable = spec.variable ? sessionValue(env, user, spec.variable.name) : undefined;
  const fromEnv = variable && spec.readVariable ? spec.readVariable(variable.value) : undefined;
  const setting = settingFor(spec.id, user, evidence.settings, evidence.sites);
  const fromSetting = setting && spec.readSetting ? spec.readSetting(setting.value) : undefined;
  if (variable && fromEnv === 'off') return { user, state: 'off', reason: { kind: 'env', variable } };
  if (variable && fromEnv === 'on' && ENV_OVERRIDES_CONFIG.has(spec.id)) return { user, state: 'on', reason: { kind: 'env', variable } };
  if (setting && fromSetting) return { user, state: fromSetting, reason: { kind: 'setting', setting }, ...(variable && fromEnv === 'on' ? { ignored: variable } : {}) };
  if (variable && fromEnv === 'on') return { user, state: 'on', reason: { kind: 'env', variable } };
  return { user, state: spec.defaultState, reason: { kind: 'default' } };
}

/** Sets the opt-out variable for every session on the machine. */
function systemEnvActions(spec: DevToolSpec, platform: Platform): RemediationAction[] {
  const variable = spec.variable;
  if (!variable) return [];
  if (platform === 'linux') return [{ kind: 'set-env-line', path: '/etc/environment', name: variable.name, value: variable.optOutValue }];
  if (platform === 'win32') return [{ kind: 'registry-set', key: MACHINE_ENVIRONMENT_KEY, name: variable.name, type: 'String', value: variable.optOutValue }];
  return [
    {
      kind: 'manual',
      text: `Add "export ${variable.name}=${variable.optOutValue}" to /etc/zshenv (read by every zsh) and /etc/profile (bash), or push it with a configuration profile or launchd job for apps started outside a shell.`,
    },
  ];
}

/** How to turn telemetry off in the state a user's own file holds. */
function userSettingActions(spec: DevToolSpec, site: { path: string }, setting: ToolSetting | undefined, user: string): RemediationAction[] {
  const path = setting?.path ?? site.path;
  const json: Partial<Record<DevToolId, string[]>> = { nextjs: ['telemetry', 'enabled'], gatsby: ['telemetry', 'enabled'], 'aws-sam': ['telemetryEnabled'], 'aws-cdk': ['context', 'cli-telemetry'] };
  const keyPath = json[spec.id];
  if (keyPath && /\.json$/i.test(path)) return [{ kind: 'set-json-key', path, keyPath, value: false }];
  if (spec.configFix) return [{ kind: 'manual', text: `As ${user}, run: ${spec.configFix}` }];
  return [];
}

function messageFor(spec: DevToolSpec, state: UserState, params: { goTelemetry: string }): string {
  const variable = spec.variable?.name;
  const reason = state.reason;
  const what = spec.id === 'go' ? `telemetry mode is "${state.state}"${state.state === 'local' ? ` (counters are kept locally; the baseline allows ${params.goTelemetry})` : ''}` : 'telemetry is on';
  if (reason.kind === 'env') return `${spec.name}: ${what} for ${state.user}: ${variable}=${JSON.stringify(reason.variable.value)} at ${envWhere(reason.variable)} does not opt out`;
  if (reason.kind === 'setting') {
    const ignored = state.ignored ? `; ${state.ignored.name}=${JSON.stringify(state.ignored.value)} at ${envWhere(state.ignored)} does not opt out` : '';
    return `${spec.name}: ${what} for ${state.user}: ${reason.setting.key} = ${reason.setting.value} at ${where(reason.setting)}${ignored}`;
  }
  const own = spec.readSetting ? "the tool's own setting does not turn it off" : '';
  const missing = [variable ? `${variable} is not set for ${state.user}` : '', own].filter(Boolean).join(', and ');
  return `${spec.name}: ${what} for ${state.user}: no opt-out (${missing})`;
}

export default defineCheck({
  meta: {
    id: 'telemetry.dev-tools',
    title: 'Developer tools on the machine do not send usage telemetry',
    area: 'telemetry',
    severity: 'low',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'An agent runs the developer tools of the machine it works on (brew, dotnet, next, gatsby, sam, cdk, az, gcloud, gh, go) many times a day, ' +
      'and each run of a tool with telemetry on reports commands, versions, project hashes and timing to the vendor: traffic the egress policy has ' +
      'to allow and an inventory of what the organisation builds. Only tools found on the target are judged: by install folder (machine-wide, so ' +
      'every audited user) or by the state a tool writes in a home on first run. The opt-out variables are read from /etc/environment, profile.d, ' +
      'environment.d, the system and per-user shell and PowerShell start-up files and the machine Environment key; a variable set in one user\'s ' +
      '~/.zshrc holds for that user only. Project-level settings (a repository\'s .env or cdk.json) are not read.',
    references: [
      { title: 'Homebrew: Anonymous Analytics (HOMEBREW_NO_ANALYTICS, brew analytics off; utils/analytics.rb)', url: 'https://docs.brew.sh/Analytics' },
      { title: '.NET SDK and .NET CLI telemetry (DOTNET_CLI_TELEMETRY_OPTOUT)', url: 'https://learn.microsoft.com/en-us/dotnet/core/tools/telemetry' },
      { title: 'Next.js telemetry (NEXT_TELEMETRY_DISABLED, next telemetry disable; telemetry/storage.ts)', url: 'https://nextjs.org/telemetry' },
      { title: 'Gatsby telemetry (GATSBY_TELEMETRY_DISABLED; gatsby-telemetry event-storage.ts)', url: 'https://www.gatsbyjs.com/docs/telemetry/' },
      { title: 'AWS SAM CLI telemetry (SAM_CLI_TELEMETRY; samcli/cli/global_config.py)', url: 'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-telemetry.html' },
      { title: 'AWS CDK CLI telemetry, on from 2.1100.0 (CDK_DISABLE_CLI_TELEMETRY, context cli-telemetry)', url: 'https://docs.aws.amazon.com/cdk/v2/guide/cli-telemetry.html' },
      { title: 'Azure CLI configuration: [core] collect_telemetry, AZURE_CORE_COLLECT_TELEMETRY (secondary source)', url: 'https://learn.microsoft.com/en-us/cli/azure/azure-cli-configuration' },
      { title: 'gcloud CLI usage statistics (disable_usage_reporting; off unless opted in at installation)', url: 'https://cloud.google.com/sdk/usage-statistics' },
      { title: 'GitHub CLI telemetry (GH_TELEMETRY=false: partially verified)', url: 'https://cli.github.com/telemetry' },
      { title: 'Go telemetry (go telemetry off; mode file under os.UserConfigDir()/go/telemetry)', url: 'https://go.dev/doc/telemetry' },
    ],
    fix: 'Set each tool\'s opt-out for every user (/etc/environment, the machine Environment key, /etc/zshenv on macOS) or in the tool\'s own setting (brew analytics off, az config set core.collect_telemetry=false, go telemetry off).',
  },
  params: {
    tools: stringList(
      `Tools to judge, out of: ${DEV_TOOLS.join(', ')}. github-cli (GH_TELEMETRY) is only partially verified and left out by default; strict baselines add it.`,
      DEV_TOOLS.filter((tool) => tool !== 'github-cli'),
    ),
    goTelemetry: oneOf('Most the Go toolchain may do: local (counters kept on disk, nothing uploaded; the default without a mode file) or off.', ['local', 'off'] as const, 'local'),
  },
  uses: [devToolTelemetry, telemetryEnvironment],
  evaluate(facts, params) {
    const unknown = params.tools.filter((tool) => !(DEV_TOOLS as readonly string[]).includes(tool));
    if (unknown.length > 0) throw new Error(`tools: unknown tool(s) ${unknown.join(', ')}; known: ${DEV_TOOLS.join(', ')}`);
    const evidence = facts.get(devToolTelemetry);
    const env = facts.get(telemetryEnvironment);
    const findings: Finding[] = [];
    const present: string[] = [];
    const notes: string[] = [];
    for (const id of params.tools as DevToolId[]) {
      const spec = DEV_TOOL_SPECS[id];
      const sites = evidence.sites.filter((site) => site.tool === id);
      for (const site of sites.filter((item) => item.inactive)) notes.push(`${spec.name} at ${site.path}: ${site.inactive}`);
      const active = sites.filter((site) => !site.inactive);
      if (active.length === 0) continue;
      present.push(spec.name);
      for (const problem of evidence.problems.filter((item) => item.tool === id)) notes.push(`${problem.path}: ${problem.error}`);
      const machine = active.find((site) => site.user === undefined);
      const users = machine ? env.users : env.users.filter((user) => active.some((site) => site.user === user));
      const allowed = (state: TelemetryState) => state === 'off' || (state === 'local' && params.goTelemetry === 'local');
      const states = users.map((user) => stateOf(spec, user, env, evidence));
      const failing = states.filter((state) => !allowed(state.state));
      const grouped: UserState[] = [];
      for (const state of failing) {
        const reason = state.reason;
        const userSite = active.find((site) => site.user === state.user);
        if (reason.kind === 'env') {
          const { source, assignment } = reason.variable;
          const location: Location | undefined = source.path ? { path: source.path, ...(assignment.line > 0 ? { line: assignment.line } : {}) } : undefined;
          const fix: RemediationAction[] =
            source.path === '/etc/environment'
              ? [{ kind: 'set-env-line', path: '/etc/environment', name: assignment.name, value: spec.variable?.optOutValue ?? '' }]
              : source.registryKey
                ? [{ kind: 'registry-set', key: source.registryKey, name: assignment.name, type: 'String', value: spec.variable?.optOutValue ?? '' }]
                : [{ kind: 'manual', text: `In ${envWhere(reason.variable)} set ${assignment.name}=${spec.variable?.optOutValue ?? ''}.` }];
          findings.push({ message: messageFor(spec, state, params), ...(location ? { location } : {}), subject: state.user, actions: fix });
        } else if (reason.kind === 'setting') {
          const setting = reason.setting;
          const actions = setting.user ? userSettingActions(spec, setting, setting, state.user) : spec.configFix ? [{ kind: 'manual' as const, text: `Run as the owner of the installation: ${spec.configFix}` }] : [];
          findings.push({ message: messageFor(spec, state, params), location: { path: setting.path, ...(setting.line ? { line: setting.line } : {}) }, subject: state.user, actions: [...actions, ...systemEnvActions(spec, evidence.platform)] });
        } else if (!machine && userSite) {
          const actions = [...userSettingActions(spec, userSite, undefined, state.user), ...systemEnvActions(spec, evidence.platform)];
          findings.push({ message: messageFor(spec, state, params), location: { path: userSite.path }, subject: state.user, actions });
        } else {
          grouped.push(state);
        }
      }
      if (grouped.length > 0 && machine) {
        const others = states
          .filter((state) => allowed(state.state) && state.reason.kind === 'env')
          .map((state) => (state.reason.kind === 'env' ? `${state.reason.variable.name} at ${envWhere(state.reason.variable)}` : ''));
        const variable = spec.variable?.name;
        const configFix = spec.configFix && id === 'homebrew' ? [{ kind: 'manual' as const, text: `Or, as the owner of ${machine.path}, run: ${spec.configFix} (applies to every user of this installation).` }] : [];
        const actions = id === 'go' ? grouped.map((state) => ({ kind: 'manual' as const, text: `As ${state.user}, run: go telemetry off` })) : [...systemEnvActions(spec, evidence.platform), ...configFix];
        findings.push({
          message:
            `${spec.name} at ${machine.path}: telemetry ${id === 'go' ? `mode is local, the baseline wants off` : 'is on'} for ${grouped.map((state) => state.user).join(', ')}` +
            (variable ? ` (${variable} is not set for them${others.length ? `; set for others only: ${[...new Set(others)].join(', ')}` : ''})` : ''),
          location: { path: machine.path },
          subject: 'system',
          actions,
        });
      }
    }
    const note = notes.length ? `; ${[...new Set(notes)].slice(0, 4).join('; ')}` : '';
    if (present.length === 0) {
      return { status: 'skipped', message: `none of the judged developer tools is installed or used here (looked at ${evidence.looked} install and state locations of ${params.tools.map((id) => DEV_TOOL_SPECS[id as DevToolId].name).join(', ')})${note}` };
    }
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} telemetry opt-out(s) missing across ${present.length} tool(s) found (${present.join(', ')})${note}`, findings };
    return { status: 'pass', message: `${present.length} tool(s) found (${present.join(', ')}), telemetry off${params.goTelemetry === 'local' ? ' (or local only)' : ''} for every user that runs them${note}` };
  },
});
