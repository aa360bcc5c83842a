import { levelName, locationOf, where } from '../../src/agent/origins.js';
import { claudeCodeInstalled, fixTarget, judgedViews, managedTarget, setKeyActions, subjectOfTarget } from '../../src/agent/runtime-targets.js';
import type { SettingOrigin } from '../../src/agent/settings-model.js';
import { agentInstalls } from '../../src/collectors/agent-installs.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { targetUsers } from '../../src/collectors/target-users.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { integer } from '../../src/engine/params-schema.js';

/** Claude Code's retention when cleanupPeriodDays is not set (CCD settings). */
const DEFAULT_DAYS = 30;

interface Group {
  origin?: SettingOrigin;
  target?: { origin: SettingOrigin; exists: boolean };
  value: unknown;
  users: Set<string>;
  projects: Set<string>;
}

export default defineCheck({
  meta: {
    id: 'agent.transcript-retention',
    title: 'Claude Code keeps session transcripts no longer than the baseline allows',
    area: 'agent',
    severity: 'low',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'Claude Code writes every session (prompts, tool calls, file contents it read, command output, secrets pasted or printed) to transcripts under ' +
      '~/.claude/projects and deletes them cleanupPeriodDays after their last activity: 30 days when the key is not set. Each extra day is more ' +
      'sensitive data at rest for malware, a backup or another agent to read. The effective value counts (managed > local > project > user): a ' +
      "user's 365 under a managed 14 is irrelevant; the finding names the file and line that decided. Claude Code rejects values below 1.",
    references: [
      { title: 'Claude Code: settings (cleanupPeriodDays, default 30, minimum 1)', url: 'https://code.claude.com/docs/en/settings' },
      { title: 'Claude Code: data usage (local session storage)', url: 'https://code.claude.com/docs/en/data-usage' },
    ],
    fix: 'Set cleanupPeriodDays to the baseline maximum or less in managed settings (or in each user\'s ~/.claude/settings.json where there are none).',
  },
  params: {
    maxTranscriptDays: integer(
      `Longest transcript retention allowed, in days. ${DEFAULT_DAYS} (Claude Code's own default) flags only retention someone lengthened; strict baselines go lower.`,
      DEFAULT_DAYS,
      1,
      3650,
    ),
  },
  uses: [agentSettings, agentInstalls, targetUsers],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const users = facts.get(targetUsers);
    const max = params.maxTranscriptDays;
    const groups = new Map<string, Group>();
    const decided: string[] = [];
    const views = judgedViews(settings, claudeCodeInstalled(facts.get(agentInstalls)));

    for (const view of views) {
      const entry = view.scalars.cleanupPeriodDays;
      const value = entry?.value;
      const valid = typeof value === 'number' && Number.isInteger(value) && value >= 1;
      if (entry && valid && value <= max) {
        decided.push(`${value} day(s) by ${where(entry.origin)}`);
        continue;
      }
      let key: string;
      let group: Group;
      if (entry) {
        key = `set:${entry.origin.path}:${entry.origin.line}`;
        group = groups.get(key) ?? { origin: entry.origin, value, users: new Set(), projects: new Set() };
      } else {
        // Unset: Claude Code's default decides. Not a repository's business to set.
        if (settings.scope === 'repo' || DEFAULT_DAYS <= max) {
          decided.push(`the default ${DEFAULT_DAYS} days`);
          continue;
        }
        const target = fixTarget(settings, users, view);
        if (!target) continue;
        key = `unset:${target.origin.path}`;
        group = groups.get(key) ?? { target, value: undefined, users: new Set(), projects: new Set() };
      }
      if (view.user) group.users.add(view.user);
      if (view.project) group.projects.add(view.project);
      groups.set(key, group);
    }

    const findings: Finding[] = [];
    for (const group of groups.values()) {
      // A value in one user's own file concerns that user: naming them again adds nothing.
      const whom = group.users.size && group.origin?.level !== 'user' ? ` for ${[...group.users].join(', ')}` : '';
      const projects = group.projects.size ? ` (in ${[...group.projects].join(', ')})` : '';
      if (group.origin) {
        const origin = group.origin;
        const valid = typeof group.value === 'number' && Number.isInteger(group.value) && group.value >= 1;
        // Fix where it binds: managed settings when the value came from below them, else where it was set.
        const managed = origin.level !== 'managed' ? managedTarget(settings) : undefined;
        const target = managed ? { origin: managed, exists: true } : { origin: { ...origin, line: undefined }, exists: true };
        findings.push({
          message: valid
            ? `cleanupPeriodDays is ${String(group.value)} in ${levelName(origin)} (${where(origin)})${whom}${projects}: transcripts are kept ${String(group.value)} days, more than the baseline's ${max}`
            : `cleanupPeriodDays is ${JSON.stringify(group.value)} in ${levelName(origin)} (${where(origin)})${whom}${projects}: not a whole number of days of at least 1, which Claude Code rejects`,
          location: locationOf(origin),
          ...subjectOfTarget(origin, [...group.users][0]),
          actions: setKeyActions(target, ['cleanupPeriodDays'], max, `keep transcripts at most ${max} days`),
        });
      } else if (group.target) {
        findings.push({
          message: `cleanupPeriodDays is not set${whom}: Claude Code keeps transcripts ${DEFAULT_DAYS} days (its default), more than the baseline's ${max}`,
          location: { path: group.target.origin.path },
          ...subjectOfTarget(group.target.origin, [...group.users][0]),
          actions: setKeyActions(group.target, ['cleanupPeriodDays'], max, `keep transcripts at most ${max} days`),
        });
      }
    }
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} setting(s) keep transcripts longer than ${max} days`, findings };
    const how = [...new Set(decided)];
    return {
      status: 'pass',
      message: views.length
        ? `transcripts are kept at most ${max} days in ${views.length} settings view(s): ${how.slice(0, 4).join('; ')}${how.length > 4 ? '; ...' : ''}`
        : settings.scope === 'repo'
          ? 'the repository does not set cleanupPeriodDays'
          : 'no user runs Claude Code and it is not installed',
    };
  },
});
