import { dedupe, locationOf, setAt, where } from '../../src/agent/origins.js';
import type { SettingOrigin } from '../../src/agent/settings-model.js';
import { agentSettings, CLAUDE_CODE_POLICY_KEYS } from '../../src/collectors/agent-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, stringList } from '../../src/engine/params-schema.js';

/** `key=value` from the requiredKeys param: the value as JSON when it parses (true, 30, "x"), else the text. */
function requirement(text: string): { key: string; value: unknown } | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  const raw = text.slice(at + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return { key: text.slice(0, at).trim(), value };
}

export default defineCheck({
  meta: {
    id: 'agent.managed-policy',
    title: 'Claude Code managed settings are in place, admin-controlled and read',
    area: 'agent',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Only managed settings bind every user and project: deny rules, the bypass-mode switch and the allowManaged*Only locks placed there cannot be overridden. ' +
      'They count only when Claude Code reads them and a user cannot change them: the managed-settings.json file in the system folder (root-owned, not writable ' +
      'by users), or an MDM profile (managed preferences plist, HKLM policy). HKCU\\SOFTWARE\\Policies\\ClaudeCode is user-writable and is used only when no admin ' +
      'source exists; C:\\ProgramData\\ClaudeCode\\managed-settings.json is no longer read; ~/Library/Preferences plists are never read as policy.',
    references: [
      { title: 'Claude Code: managed settings (delivery mechanisms, first source wins)', url: 'https://code.claude.com/docs/en/managed-settings' },
      { title: 'Claude Code: settings (managed settings locations)', url: 'https://code.claude.com/docs/en/settings' },
    ],
    fix: 'Deploy managed-settings.json (root-owned, mode 0644) to the managed folder, or an MDM profile (com.anthropic.claudecode / HKLM\\SOFTWARE\\Policies\\ClaudeCode), with the keys the baseline requires.',
  },
  params: {
    required: boolean('Require an admin-controlled managed settings source (the managed file or an MDM profile) to be in effect.', true),
    requiredKeys: stringList(
      'Managed keys the baseline requires, as key=value with dotted keys (permissions.disableBypassPermissionsMode=disable, allowManagedHooksOnly=true).',
      [],
    ),
  },
  uses: [agentSettings],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    if (settings.scope === 'repo') return { status: 'skipped', message: 'managed settings belong to a machine, not to a repository' };
    const managed = settings.managed;
    const findings: Finding[] = [];
    const hkcuActing = managed.winner?.path === CLAUDE_CODE_POLICY_KEYS.hkcu;

    for (const issue of managed.userWritable) {
      const file = issue.origin.path.endsWith('.json');
      findings.push({
        message: issue.message,
        location: locationOf(issue.origin),
        subject: 'system',
        actions: hkcuActing && issue.origin.path === CLAUDE_CODE_POLICY_KEYS.hkcu
          ? [{ kind: 'manual', text: `Deliver the policy from an admin source: ${managed.file}, or the Settings value of ${CLAUDE_CODE_POLICY_KEYS.hklm} (Intune / Group Policy); then remove ${CLAUDE_CODE_POLICY_KEYS.hkcu}.` }]
          : [{ kind: 'chown', path: issue.origin.path, user: 'root', group: settings.platform === 'darwin' ? 'wheel' : 'root' }, { kind: 'chmod', path: issue.origin.path, mode: file ? '0644' : '0755' }],
      });
    }
    for (const origin of managed.deprecated) {
      findings.push({
        message: `${origin.path} is the old Windows managed settings path, no longer read by Claude Code (since v2.1.75)${managed.present ? '' : ': its policy is not applied'}`,
        location: { path: origin.path },
        subject: 'system',
        actions: [{ kind: 'manual', text: `Move ${origin.path} to ${managed.file} (keep it admin-only) and delete the old file.` }],
      });
    }
    for (const issue of settings.issues) {
      if (issue.origin.level === 'user' && issue.origin.path.endsWith('com.anthropic.claudecode.plist')) {
        findings.push({
          message: issue.message,
          location: { path: issue.origin.path },
          ...(issue.origin.user ? { subject: issue.origin.user } : {}),
          actions: [{ kind: 'manual', text: `Deliver com.anthropic.claudecode as an MDM configuration profile (it lands in /Library/Managed Preferences) or as ${managed.file}; then delete ${issue.origin.path}.` }],
        });
      }
    }

    // The policy in effect must be readable: a broken managed file is ignored by Claude Code.
    const managedLayers = settings.views.flatMap((view) => view.layers).filter((layer) => layer.origin.level === 'managed');
    for (const layer of dedupe(managedLayers, (item) => item.origin.path)) {
      if (!layer.error) continue;
      const line = /line (\d+)/.exec(layer.error)?.[1];
      findings.push({
        message: `${where(layer.origin)}: ${layer.error}; Claude Code ignores a managed settings file it cannot parse`,
        location: line ? { path: layer.origin.path, line: Number(line) } : { path: layer.origin.path },
        subject: 'system',
        actions: [{ kind: 'manual', text: `Fix ${layer.origin.label ?? layer.origin.path}${line ? ` (line ${line})` : ''} so that it is valid JSON.` }],
      });
    }

    if (params.required && !managed.present && !hkcuActing && managed.deprecated.length === 0) {
      findings.push({
        message: `no managed Claude Code settings: ${managed.file} does not exist and no MDM policy (${settings.platform === 'win32' ? CLAUDE_CODE_POLICY_KEYS.hklm : settings.platform === 'darwin' ? 'com.anthropic.claudecode profile' : 'none on Linux'}) was found${managed.unavailable.length ? ` (${managed.unavailable[0]})` : ''}; every user decides their own permissions`,
        location: { path: managed.file },
        subject: 'system',
        actions: [{ kind: 'write-file', path: managed.file, mode: '0644', content: `${JSON.stringify({ permissions: { disableBypassPermissionsMode: 'disable' } }, null, 2)}\n` }],
      });
    }

    if (managed.present || hkcuActing) {
      const target: SettingOrigin = managed.winner ? { ...managed.winner, line: undefined } : { path: managed.file, level: 'managed' };
      for (const text of params.requiredKeys) {
        const wanted = requirement(text);
        if (!wanted) continue;
        const views = settings.views.length ? settings.views : [];
        const missing = views.some((view) => {
          const value = view.scalars[wanted.key];
          return !(value && value.origin.level === 'managed' && JSON.stringify(value.value) === JSON.stringify(wanted.value));
        });
        if (!missing && views.length) continue;
        findings.push({
          message: `managed settings (${where(target)}) do not set ${wanted.key} to ${JSON.stringify(wanted.value)}, which the baseline requires`,
          location: { path: target.path },
          subject: 'system',
          actions: [setAt(target, wanted.key.split('.'), wanted.value, 'required by the baseline')],
        });
      }
    }

    const unique = dedupe(findings, (finding) => `${finding.location?.path}:${finding.location?.line}:${finding.message}`);
    if (unique.length > 0) return { status: 'fail', message: `${unique.length} managed-settings problem(s)`, findings: unique };
    if (!params.required && !managed.present) return { status: 'pass', message: 'no managed Claude Code settings (the baseline does not require them)' };
    return {
      status: 'pass',
      message: `managed settings in effect from ${managed.winner ? where(managed.winner) : managed.file}${params.requiredKeys.length ? ` with the ${params.requiredKeys.length} required key(s)` : ''}`,
    };
  },
});
