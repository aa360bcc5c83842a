// Developer tools whose telemetry or analytics the telemetry.dev-tools check looks at, and how each reads
// its opt-out (../shared/FACTS.md section 5, confirmed in each tool's source where noted).

export const DEV_TOOLS = ['homebrew', 'dotnet', 'nextjs', 'gatsby', 'aws-sam', 'aws-cdk', 'azure-cli', 'gcloud', 'github-cli', 'go'] as const;
export type DevToolId = (typeof DEV_TOOLS)[number];

/** What a tool does with its telemetry for one user: sends it, keeps it local (Go), or sends nothing. */
export type TelemetryState = 'on' | 'local' | 'off';

export interface DevToolSpec {
  id: DevToolId;
  name: string;
  /** The environment variable that opts out, and the value to set. */
  variable?: { name: string; optOutValue: string };
  /** State with no setting at all. */
  defaultState: TelemetryState;
  /** Reads the variable's value: the state it selects, or undefined when the tool ignores it. */
  readVariable?: (value: string) => TelemetryState | undefined;
  /** Reads the config setting's value (as text: JSON booleans become 'true'/'false'). */
  readSetting?: (value: string) => TelemetryState | undefined;
  /** How to opt out in the tool's own configuration, for remediation text. */
  configFix?: string;
}

const lower = (value: string) => value.trim().toLowerCase();
/** Python configparser / gcloud / git booleans. */
const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];
const isTrue = (value: string) => TRUE_WORDS.includes(lower(value));
const isFalse = (value: string) => FALSE_WORDS.includes(lower(value));

export const DEV_TOOL_SPECS: Record<DevToolId, DevToolSpec> = {
  // utils/analytics.rb: disabled? when HOMEBREW_NO_ANALYTICS is set or `homebrew.analyticsdisabled` is
  // true in the Homebrew repository's .git/config (what `brew analytics off` writes). Newer Homebrew parses
  // boolean variables with FALSY_VALUES (false no off nil 0), older ones take any non-empty value: those
  // values are read as not opting out.
  homebrew: {
    id: 'homebrew',
    name: 'Homebrew',
    variable: { name: 'HOMEBREW_NO_ANALYTICS', optOutValue: '1' },
    defaultState: 'on',
    readVariable: (value) => (value === '' ? undefined : ['false', 'no', 'off', 'nil', '0'].includes(lower(value)) ? 'on' : 'off'),
    readSetting: (value) => (isTrue(value) ? 'off' : isFalse(value) ? 'on' : undefined),
    configFix: 'brew analytics off',
  },
  // .NET SDK docs: DOTNET_CLI_TELEMETRY_OPTOUT set to 1 or true.
  dotnet: {
    id: 'dotnet',
    name: '.NET SDK',
    variable: { name: 'DOTNET_CLI_TELEMETRY_OPTOUT', optOutValue: '1' },
    defaultState: 'on',
    readVariable: (value) => (value === '' ? undefined : ['1', 'true'].includes(lower(value)) ? 'off' : 'on'),
  },
  // telemetry/storage.ts: any non-empty NEXT_TELEMETRY_DISABLED disables; else `telemetry.enabled` of the
  // conf store (`next telemetry disable` writes false).
  nextjs: {
    id: 'nextjs',
    name: 'Next.js',
    variable: { name: 'NEXT_TELEMETRY_DISABLED', optOutValue: '1' },
    defaultState: 'on',
    readVariable: (value) => (value === '' ? undefined : 'off'),
    readSetting: (value) => (value === 'false' ? 'off' : value === 'true' ? 'on' : undefined),
    configFix: 'npx next telemetry disable',
  },
  // gatsby-telemetry: isTruthy(GATSBY_TELEMETRY_DISABLED) (true or a positive number); else
  // `telemetry.enabled` in ~/.config/gatsby/config.json (`gatsby telemetry --disable`).
  gatsby: {
    id: 'gatsby',
    name: 'Gatsby',
    variable: { name: 'GATSBY_TELEMETRY_DISABLED', optOutValue: '1' },
    defaultState: 'on',
    readVariable: (value) => (value === '' ? undefined : lower(value) === 'true' || Number.parseInt(value, 10) > 0 ? 'off' : 'on'),
    readSetting: (value) => (value === 'false' ? 'off' : value === 'true' ? 'on' : undefined),
    configFix: 'gatsby telemetry --disable',
  },
  // samcli/cli/global_config.py: when SAM_CLI_TELEMETRY is in the environment, only "1" enables; else
  // `telemetryEnabled` of metadata.json. The first run announces telemetry and turns it on unless the
  // variable says 0 (the notice in samcli/cli/main.py).
  'aws-sam': {
    id: 'aws-sam',
    name: 'AWS SAM CLI',
    variable: { name: 'SAM_CLI_TELEMETRY', optOutValue: '0' },
    defaultState: 'on',
    readVariable: (value) => (value.trim() === '1' ? 'on' : 'off'),
    readSetting: (value) => (value === 'false' ? 'off' : value === 'true' ? 'on' : undefined),
  },
  // aws-cdk lib/cli/telemetry/collect-telemetry.ts: CDK_DISABLE_CLI_TELEMETRY 'true' or '1', or context
  // `cli-telemetry` false; collected from CLI 2.1100.0 on.
  'aws-cdk': {
    id: 'aws-cdk',
    name: 'AWS CDK CLI',
    variable: { name: 'CDK_DISABLE_CLI_TELEMETRY', optOutValue: 'true' },
    defaultState: 'on',
    readVariable: (value) => (['true', '1'].includes(value) ? 'off' : undefined),
    readSetting: (value) => (value === 'false' ? 'off' : value === 'true' ? 'on' : undefined),
    configFix: 'cdk cli-telemetry --disable',
  },
  // Azure CLI (knack config): [core] collect_telemetry in ~/.azure/config, or AZURE_CORE_COLLECT_TELEMETRY
  // (environment wins); configparser booleans. Secondary source.
  'azure-cli': {
    id: 'azure-cli',
    name: 'Azure CLI',
    variable: { name: 'AZURE_CORE_COLLECT_TELEMETRY', optOutValue: 'false' },
    defaultState: 'on',
    readVariable: (value) => (isFalse(value) ? 'off' : isTrue(value) ? 'on' : undefined),
    readSetting: (value) => (isFalse(value) ? 'off' : isTrue(value) ? 'on' : undefined),
    configFix: 'az config set core.collect_telemetry=false',
  },
  // gcloud: usage statistics are only sent when opted in at installation (disable_usage_reporting false);
  // the property comes from CLOUDSDK_CORE_DISABLE_USAGE_REPORTING, the active configuration, the
  // legacy user properties file, then the installation's properties file.
  gcloud: {
    id: 'gcloud',
    name: 'Google Cloud CLI',
    variable: { name: 'CLOUDSDK_CORE_DISABLE_USAGE_REPORTING', optOutValue: 'true' },
    defaultState: 'off',
    readVariable: (value) => (isTrue(value) ? 'off' : isFalse(value) ? 'on' : undefined),
    readSetting: (value) => (isTrue(value) ? 'off' : isFalse(value) ? 'on' : undefined),
    configFix: 'gcloud config set disable_usage_reporting true',
  },
  // GitHub CLI telemetry (cli.github.com/telemetry): GH_TELEMETRY=false. Partially verified.
  'github-cli': {
    id: 'github-cli',
    name: 'GitHub CLI',
    variable: { name: 'GH_TELEMETRY', optOutValue: 'false' },
    defaultState: 'on',
    readVariable: (value) => (value === '' ? undefined : [...FALSE_WORDS, 'disabled'].includes(lower(value)) ? 'off' : 'on'),
  },
  // golang.org/x/telemetry: os.UserConfigDir()/go/telemetry/mode holds "on|off|local [date]"; no file is
  // local (counters kept, nothing uploaded). Go 1.23 and later.
  go: {
    id: 'go',
    name: 'Go toolchain',
    defaultState: 'local',
    readSetting: (value) => {
      const mode = lower(value).split(/\s+/)[0];
      return mode === 'on' ? 'on' : mode === 'off' ? 'off' : mode === 'local' ? 'local' : undefined;
    },
    configFix: 'go telemetry off',
  },
};
