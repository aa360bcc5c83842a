import { editorSettings, type EditorSettingsFacts } from '../../src/collectors/editor-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { describePolicy, policyFor, policyLocation, setPolicyActions } from '../../src/editors/vscode-policy.js';
import { telemetryLevelOf } from '../../src/parsers/editor-settings.js';

// VS Code, Cursor and Windsurf send usage telemetry unless telemetry.telemetryLevel says otherwise (default
// "all"). The level in effect: the legacy switches telemetry.enableTelemetry / enableCrashReporter set to
// false turn it off whatever else says (VS Code's getTelemetryLevel), then the VS Code TelemetryLevel policy,
// then the user's settings, then the default. Only editors present on the target are judged.

const LEVELS = ['all', 'error', 'crash', 'off'];
const KEY = 'telemetry.telemetryLevel';

export default defineCheck({
  meta: {
    id: 'telemetry.editors',
    title: 'Editor telemetry (VS Code, Cursor, Windsurf) is off',
    area: 'telemetry',
    severity: 'low',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Editors in the VS Code family send usage data, error reports and crash dumps (which can hold file paths, project names and snippets of ' +
      'what the agent was working on) unless telemetry.telemetryLevel is lowered; the default is "all". The setting is application-wide, so it is ' +
      'read from each user\'s settings.json (Code, Cursor and Windsurf under the app-data folder; Cursor and Windsurf follow the VS Code layout, ' +
      'UNVERIFIED) and from the VS Code TelemetryLevel policy, which overrides it (/etc/vscode/policy.json, managed preferences ' +
      'com.microsoft.VSCode, HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode). Editors not present on the target are not judged.',
    references: [
      { title: 'VS Code: telemetry (telemetry.telemetryLevel: all | error | crash | off)', url: 'https://code.visualstudio.com/docs/configure/telemetry' },
      { title: 'VS Code: enterprise policies (TelemetryLevel)', url: 'https://code.visualstudio.com/docs/setup/enterprise' },
      { title: 'Cursor and Windsurf settings under Cursor/User and Windsurf/User (UNVERIFIED: VS Code layout)' },
    ],
    fix: 'Set "telemetry.telemetryLevel": "off" in each user\'s settings.json, and for VS Code lock it with the TelemetryLevel policy.',
  },
  params: {
    editorTelemetryLevels: stringList('Editor telemetry levels the baseline accepts (of all, error, crash, off)', ['off']),
  },
  uses: [editorSettings],
  evaluate(facts, params) {
    const bad = params.editorTelemetryLevels.filter((level) => !LEVELS.includes(level));
    if (bad.length > 0 || params.editorTelemetryLevels.length === 0) throw new Error(`editorTelemetryLevels must name levels of ${LEVELS.join(', ')} (got ${params.editorTelemetryLevels.join(', ') || 'none'})`);
    const accepted = new Set(params.editorTelemetryLevels);
    const target = accepted.has('off') ? 'off' : (LEVELS.slice().reverse().find((level) => accepted.has(level)) as string);
    const editorFacts: EditorSettingsFacts = facts.get(editorSettings);
    const present = editorFacts.editors.filter((editor) => editor.present);
    if (present.length === 0) return { status: 'skipped', message: 'no VS Code, Cursor or Windsurf on the target' };
    const findings: Finding[] = [];
    const notes: string[] = [];
    const seenPolicies = new Set<string>();
    const judged: string[] = [];
    for (const editor of present) {
      const files = editorFacts.userSettings.filter((file) => file.editor === editor.editor);
      const policy = editor.editor === 'vscode' ? policyFor(editorFacts, 'TelemetryLevel') : undefined;
      if (files.length === 0) {
        // Installed, but no user has run it yet: the first run starts at the policy or the default.
        const level = policy && typeof policy.value === 'string' ? policy.value : 'all';
        judged.push(`${editor.name} (no user settings yet: ${level}${policy ? ', by policy' : ', default'})`);
        if (accepted.has(level)) continue;
        const install = editor.installs[0] as string;
        const actions: RemediationAction[] =
          editor.editor === 'vscode'
            ? setPolicyActions(editorFacts, 'TelemetryLevel', target)
            : [{ kind: 'manual', text: `${editor.name} is installed at ${install} but no user has settings yet: add "${KEY}": "${target}" to each user's ${editor.name}/User/settings.json when it is first set up (or through your configuration management).` }];
        findings.push({ message: `${editor.name} is installed (${install}) and starts with telemetry level "${level}"${policy ? ` (${describePolicy(policy)})` : ' (no policy, default)'}; the baseline accepts ${[...accepted].join(', ')}`, location: { path: install }, subject: 'system', actions });
        continue;
      }
      for (const file of files) {
        if (file.error) notes.push(`${file.path}: ${file.error}`);
        const own = telemetryLevelOf(file.values);
        let level: string;
        let decidedBy: string;
        if (own?.legacy) {
          level = 'off';
          decidedBy = `${file.path}:${own.setting.line} (${own.setting.key}: false)`;
        } else if (policy && typeof policy.value === 'string') {
          level = policy.value;
          decidedBy = describePolicy(policy);
          if (!accepted.has(level)) {
            const key = `${policy.source.location}|TelemetryLevel`;
            if (!seenPolicies.has(key)) {
              seenPolicies.add(key);
              const location = policyLocation(policy);
              findings.push({ message: `${decidedBy} sets VS Code telemetry to "${level}" for every user; the baseline accepts ${[...accepted].join(', ')}`, ...(location ? { location } : {}), subject: policy.source.user ?? 'system', actions: setPolicyActions(editorFacts, 'TelemetryLevel', target) });
            }
            continue;
          }
        } else if (own) {
          level = own.level;
          decidedBy = `${file.path}:${own.setting.line}`;
        } else {
          level = 'all';
          decidedBy = file.exists ? `not set in ${file.path}, the default` : `no ${file.path}, the default`;
        }
        judged.push(`${editor.name} for ${file.user}: ${level} (${decidedBy})`);
        if (accepted.has(level)) continue;
        const line = own && !own.legacy ? own.setting.line : undefined;
        // set-json-key edits an existing file; a settings file the user never created is theirs to create.
        const actions: RemediationAction[] = file.exists
          ? [{ kind: 'set-json-key', path: file.path, keyPath: [KEY], value: target }]
          : [{ kind: 'manual', text: `As ${file.user}, create ${file.path} with { "${KEY}": "${target}" } (or set it in ${editor.name}'s Settings).` }];
        if (editor.editor === 'vscode' && !policy) actions.push(...setPolicyActions(editorFacts, 'TelemetryLevel', target));
        findings.push({
          message: `${editor.name} telemetry for ${file.user} is "${level}" (${decidedBy}): usage data and error reports go to the vendor; the baseline accepts ${[...accepted].join(', ')}`,
          location: { path: file.path, ...(line !== undefined ? { line } : {}) },
          subject: file.user,
          actions,
        });
      }
    }
    for (const unavailable of editorFacts.policyUnavailable) notes.push(`VS Code policy not read: ${unavailable}`);
    const note = notes.length ? `; ${notes.join('; ')}` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} editor telemetry setting(s) above ${[...accepted].join('/')}${note}`, findings };
    return { status: 'pass', message: `editor telemetry within ${[...accepted].join('/')}: ${judged.join('; ')}${note}` };
  },
});
