// Environment variables that switch telemetry, analytics or crash reporting of developer tools and agents
// on or off (../shared/FACTS.md section 5, and Claude Code's own). src/collectors/network-environment.ts
// keeps them from every source it reads, beside the network variables, so that the telemetry checks see
// /etc/environment, profile.d, systemd, the registry and Claude settings env the same way the network
// checks do. Names only: none of these holds a secret.

/** Opt-outs of developer tools, one entry per tool variable. */
export const DEV_TOOL_VARIABLES = [
  'HOMEBREW_NO_ANALYTICS',
  'DOTNET_CLI_TELEMETRY_OPTOUT',
  'NEXT_TELEMETRY_DISABLED',
  'GATSBY_TELEMETRY_DISABLED',
  'SAM_CLI_TELEMETRY',
  'CDK_DISABLE_CLI_TELEMETRY',
  'AZURE_CORE_COLLECT_TELEMETRY',
  'CLOUDSDK_CORE_DISABLE_USAGE_REPORTING',
  'GH_TELEMETRY',
] as const;

/** Variables that move a tool's configuration folder: where its telemetry setting is read from. */
export const CONFIG_LOCATION_VARIABLES = ['AZURE_CONFIG_DIR', 'CLOUDSDK_CONFIG', 'CLOUDSDK_ACTIVE_CONFIG_NAME', 'GH_CONFIG_DIR', 'XDG_CONFIG_HOME'] as const;

/** Claude Code's telemetry, error reporting and OpenTelemetry export switches (used by the agent telemetry check). */
export const CLAUDE_CODE_TELEMETRY_VARIABLES = [
  'DISABLE_TELEMETRY',
  'DISABLE_ERROR_REPORTING',
  'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
  'DO_NOT_TRACK',
  'CLAUDE_CODE_ENABLE_TELEMETRY',
  'OTEL_LOG_USER_PROMPTS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
  // Third-party model providers: metrics, error reports and /feedback are off by default with them (telemetry.claude-code).
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
] as const;

export const TELEMETRY_VARIABLES: readonly string[] = [...DEV_TOOL_VARIABLES, ...CONFIG_LOCATION_VARIABLES, ...CLAUDE_CODE_TELEMETRY_VARIABLES];

const KNOWN = new Set(TELEMETRY_VARIABLES);

export function isTelemetryVariable(name: string): boolean {
  return KNOWN.has(name);
}
