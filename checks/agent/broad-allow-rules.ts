import { subjectOf, dedupe, fileArray, levelName, locationOf, setAt, where } from '../../src/agent/origins.js';
import { broadAllowReason } from '../../src/agent/permission-rules.js';
import type { SettingOrigin } from '../../src/agent/settings-model.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { stringList } from '../../src/engine/params-schema.js';

export default defineCheck({
  meta: {
    id: 'agent.broad-allow-rules',
    title: 'Claude Code allow rules are scoped: no blanket shell, file or web access',
    area: 'agent',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'An allow rule runs matching tool calls without a prompt. `Bash` or `Bash(*)` lets the agent run any command; an interpreter or network tool with a wildcard ' +
      '(`Bash(python:*)`, `Bash(curl *)`) is the same thing in one more step; `Read(//**)` or `Read(~/**)` reads every credential on disk, `Edit(//**)` rewrites any ' +
      'file; `WebFetch` without a domain sends data to any URL. A prompt-injected agent needs exactly one of these to exfiltrate or persist. Allow rules merge across ' +
      'managed, project, local and user settings, so a rule anywhere counts.',
    references: [
      { title: 'Claude Code: permission rules (Bash patterns, Read/Edit paths, WebFetch domains)', url: 'https://code.claude.com/docs/en/permissions' },
      { title: 'Claude Code: security (prompt injection)', url: 'https://code.claude.com/docs/en/security' },
    ],
    fix: 'Replace blanket allow rules with specific commands (`Bash(npm run test *)`), project paths and `WebFetch(domain:...)` rules.',
  },
  params: {
    allowedRules: stringList('Allow rules the organisation accepts although they are broad (exact rule text).', []),
  },
  uses: [agentSettings],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const accepted = new Set(params.allowedRules.map((rule) => rule.trim()));
    const findings: Finding[] = [];
    let rules = 0;
    for (const view of settings.views) {
      const entries = view.arrays['permissions.allow'] ?? [];
      rules += entries.length;
      // One fix per file: the file's own allow list without its broad rules.
      const fixes = new Map<string, RemediationAction>();
      const fixFor = (origin: SettingOrigin): RemediationAction => {
        const key = `${origin.level}|${origin.path}`;
        let action = fixes.get(key);
        if (!action) {
          const own = fileArray(view, 'permissions.allow', origin);
          const kept = own.filter((rule) => typeof rule !== 'string' || accepted.has(rule.trim()) || broadAllowReason(rule) === undefined);
          action = setAt({ ...origin, line: undefined }, ['permissions', 'allow'], kept, 'remove the blanket allow rules');
          fixes.set(key, action);
        }
        return action;
      };
      for (const entry of entries) {
        if (typeof entry.value !== 'string' || accepted.has(entry.value.trim())) continue;
        const reason = broadAllowReason(entry.value);
        if (!reason) continue;
        findings.push({
          message: `allow rule "${entry.value}" in ${levelName(entry.origin)} (${where(entry.origin)}) ${reason}`,
          location: locationOf(entry.origin),
          ...subjectOf(entry.origin, view.user),
          actions: [fixFor(entry.origin)],
        });
      }
    }
    const unique = dedupe(findings, (finding) => `${finding.location?.path}:${finding.location?.line}:${finding.message}`);
    if (unique.length > 0) return { status: 'fail', message: `${unique.length} blanket allow rule(s)`, findings: unique };
    return { status: 'pass', message: settings.views.length ? `no blanket allow rule among ${rules} allow rule(s) in ${settings.views.length} settings view(s)` : 'no Claude Code settings found' };
  },
});
