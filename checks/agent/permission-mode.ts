import { subjectOf, dedupe, levelName, locationOf, setAt, where } from '../../src/agent/origins.js';
import type { SettingOrigin } from '../../src/agent/settings-model.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, stringList } from '../../src/engine/params-schema.js';

export default defineCheck({
  meta: {
    id: 'agent.permission-mode',
    title: 'Claude Code asks before acting: no bypass or unattended default permission mode',
    area: 'agent',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'With permissions.defaultMode "bypassPermissions" every tool call runs without a prompt (only deny rules still apply), and "dontAsk" runs whatever the ' +
      'allow rules admit with nobody watching; skipDangerousModePermissionPrompt removes the last warning before bypass mode. A prompt-injected agent then ' +
      'runs shell commands, edits files and fetches URLs unchecked. Managed settings can refuse bypass mode outright (permissions.disableBypassPermissionsMode: "disable").',
    references: [
      { title: 'Claude Code: permission modes (defaultMode)', url: 'https://code.claude.com/docs/en/permissions' },
      { title: 'Claude Code: settings reference (disableBypassPermissionsMode, skipDangerousModePermissionPrompt)', url: 'https://code.claude.com/docs/en/settings' },
      { title: 'Claude Code: managed settings', url: 'https://code.claude.com/docs/en/managed-settings' },
    ],
    fix: 'Set permissions.defaultMode to "default" (or acceptEdits/plan), remove skipDangerousModePermissionPrompt, and set permissions.disableBypassPermissionsMode to "disable" in managed settings.',
  },
  params: {
    forbiddenModes: stringList('Default permission modes that fail (Claude Code modes: default, acceptEdits, plan, auto, dontAsk, bypassPermissions).', ['bypassPermissions', 'dontAsk']),
    requireDisableBypass: boolean('Require managed settings to set permissions.disableBypassPermissionsMode to "disable" (endpoint and image scans).', false),
  },
  uses: [agentSettings],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const findings: Finding[] = [];
    let bypassRefused = 0;
    for (const view of settings.views) {
      const refused = view.scalars['permissions.disableBypassPermissionsMode']?.value === 'disable';
      const mode = view.scalars['permissions.defaultMode'];
      if (mode && typeof mode.value === 'string' && params.forbiddenModes.includes(mode.value)) {
        if (mode.value === 'bypassPermissions' && refused) bypassRefused += 1;
        else {
          findings.push({
            message: `permissions.defaultMode is "${mode.value}" in ${levelName(mode.origin)} (${where(mode.origin)})${view.project ? ` for ${view.project}` : ''}: ${mode.value === 'bypassPermissions' ? 'every tool call runs without a prompt' : 'tool calls the allow rules admit run with nobody asked, the rest are refused silently'}`,
            location: locationOf(mode.origin),
            ...subjectOf(mode.origin, view.user),
            actions: [setAt(mode.origin, ['permissions', 'defaultMode'], 'default', 'ask before acting')],
          });
        }
      }
      const skip = view.scalars.skipDangerousModePermissionPrompt;
      if (skip?.value === true && !refused) {
        findings.push({
          message: `skipDangerousModePermissionPrompt is true in ${levelName(skip.origin)} (${where(skip.origin)}): bypass mode starts without its warning`,
          location: locationOf(skip.origin),
          ...subjectOf(skip.origin, view.user),
          actions: [setAt(skip.origin, ['skipDangerousModePermissionPrompt'], false, 'keep the bypass-mode warning')],
        });
      }
    }
    if (params.requireDisableBypass && settings.scope === 'endpoint') {
      const lacking = settings.views.filter((view) => {
        const value = view.scalars['permissions.disableBypassPermissionsMode'];
        return !(value?.value === 'disable' && value.origin.level === 'managed');
      });
      if (lacking.length > 0 || settings.views.length === 0) {
        const winner = settings.managed.winner;
        const target: SettingOrigin = winner ? { ...winner, line: undefined } : { path: settings.managed.file, level: 'managed' };
        findings.push({
          message: `managed settings do not set permissions.disableBypassPermissionsMode to "disable"${lacking.length ? ` (sessions of ${[...new Set(lacking.map((view) => view.user ?? 'any user'))].join(', ')} may enter bypass mode with --dangerously-skip-permissions)` : ''}`,
          location: { path: target.path },
          subject: 'system',
          actions: [setAt(target, ['permissions', 'disableBypassPermissionsMode'], 'disable', 'refuse bypass mode')],
        });
      }
    }
    const unique = dedupe(findings, (finding) => `${finding.location?.path}:${finding.location?.line}:${finding.message}`);
    if (unique.length > 0) return { status: 'fail', message: `${unique.length} permission-mode problem(s)`, findings: unique };
    const note = bypassRefused ? `; bypassPermissions is set but refused by disableBypassPermissionsMode in ${bypassRefused} view(s)` : '';
    return {
      status: 'pass',
      message: settings.views.length
        ? `no forbidden default permission mode in ${settings.views.length} settings view(s)${note}`
        : 'no Claude Code settings found (the default mode asks before acting)',
    };
  },
});
