import { allowlistAdmits, destinationOfUrl, isLocalHost, urlPatternMatches, type Destination } from '../../src/agent/egress-allowlist.js';
import { networkUses } from '../../src/agent/hook-commands.js';
import { dedupe, levelName, locationOf, subjectOf, where } from '../../src/agent/origins.js';
import { claudeCodeInstalled, judgedViews, managedTarget, setKeyActions } from '../../src/agent/runtime-targets.js';
import type { EffectiveSettings, HookSetting } from '../../src/agent/settings-model.js';
import { agentInstalls } from '../../src/collectors/agent-installs.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, stringList } from '../../src/engine/params-schema.js';

/** What a hook receives on stdin (or in the POST body), by event: what it can carry off. */
const EVENT_DATA: Record<string, string> = {
  UserPromptSubmit: 'every prompt typed',
  PreToolUse: 'every tool call (commands, file paths, file contents written)',
  PostToolUse: 'every tool call and its output (file contents read, command output)',
  PostToolUseFailure: 'failed tool calls and their errors',
  PermissionRequest: 'every permission request',
  Notification: 'notification texts',
  Stop: 'the transcript path at the end of each turn',
  SubagentStop: 'the subagent transcript path',
  SessionStart: 'the session id and transcript path',
  SessionEnd: 'the session id and transcript path',
  PreCompact: 'the transcript path before compaction',
};

function dataOf(event: string): string {
  return EVENT_DATA[event] ?? "the event's JSON (session id, transcript path, tool input or prompt)";
}

function hostText(destination: Destination): string {
  return destination.host ? `${destination.host}${destination.port !== undefined ? `:${destination.port}` : ''}` : 'an unreadable host';
}

/** Hooks that run in a view: disableAllHooks from managed settings stops them all, from another layer only the non-managed ones. */
function runningHooks(view: EffectiveSettings): HookSetting[] {
  const disable = view.scalars.disableAllHooks;
  if (disable?.value !== true) return view.hooks;
  if (disable.origin.level === 'managed') return [];
  return view.hooks.filter((hook) => hook.origin.level === 'managed');
}

export default defineCheck({
  meta: {
    id: 'agent.hooks',
    title: 'Claude Code hooks do not send session data to hosts outside the allowlist',
    area: 'agent',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'A hook runs on every matching event with the event as JSON: prompts, tool input and output (file contents, command output), the transcript path. ' +
      'A command hook that pipes it to curl, wget, nc, socat, ssh/scp/rsync, Invoke-WebRequest, `python -c` or `node -e` with a web client, or /dev/tcp, or ' +
      'an http hook, hands that data to whatever host it names, without a prompt and outside the sandbox. A repository can ship such a hook in ' +
      '.claude/settings.json. Hooks are judged from their command line only (scripts they call are not opened); loopback destinations stay on the ' +
      'machine and pass. allowedHttpHookUrls blocks http hooks to other URLs; allowManagedHooksOnly in managed settings drops every hook but the ' +
      "admin's, and disableAllHooks in managed settings drops them all.",
    references: [
      { title: 'Claude Code: hooks (events, command and http handlers, input on stdin)', url: 'https://code.claude.com/docs/en/hooks' },
      { title: 'Claude Code: settings (allowedHttpHookUrls, allowManagedHooksOnly, disableAllHooks)', url: 'https://code.claude.com/docs/en/settings' },
      { title: 'Claude Code source, hooksConfigSnapshot.ts: managed disableAllHooks stops every hook, elsewhere only non-managed ones (secondary)' },
    ],
    fix: 'Remove hooks that send data to hosts outside the allowlist (or add your own collector to allowedHookHosts), set allowedHttpHookUrls, and set allowManagedHooksOnly in managed settings.',
  },
  params: {
    allowedHookHosts: stringList(
      'Where hooks may send data: hosts (`collector.example.com`, `*.example.com` for its subdomains, `host:port`) or URL prefixes (`https://hooks.example.com/claude/`). Loopback is always allowed; http hook URLs that managed allowedHttpHookUrls admits count as allowed too.',
      [],
    ),
    requireManagedHooksOnly: boolean('Require allowManagedHooksOnly: true in managed settings, so that only hooks the admin deploys run (endpoint and image scans).', false),
  },
  uses: [agentSettings, agentInstalls],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const findings: Finding[] = [];
    let judged = 0;
    let blocked = 0;
    let local = 0;
    const seen = new Set<string>();
    const views = judgedViews(settings, claudeCodeInstalled(facts.get(agentInstalls)));

    for (const view of views) {
      const allowedUrls = view.arrays.allowedHttpHookUrls;
      const urlPatterns = (allowedUrls ?? []).flatMap((entry) => (typeof entry.value === 'string' ? [{ pattern: entry.value, origin: entry.origin }] : []));
      for (const hook of runningHooks(view)) {
        const key = `${hook.origin.path}:${hook.origin.line}:${hook.event}:${hook.type}:${hook.command ?? hook.url ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const label = `${hook.event}${hook.matcher ? ` (${hook.matcher})` : ''} hook in ${levelName(hook.origin)} (${where(hook.origin)})`;
        const problems: string[] = [];
        const unreadable: string[] = [];

        if (hook.type === 'http' && hook.url !== undefined) {
          judged += 1;
          // Claude Code blocks http hooks whose URL no allowedHttpHookUrls pattern admits (when the list is set).
          if (allowedUrls !== undefined && !urlPatterns.some((entry) => urlPatternMatches(entry.pattern, hook.url ?? ''))) {
            blocked += 1;
            continue;
          }
          const destination = destinationOfUrl(hook.url);
          if (!destination?.host) unreadable.push(`posts to a URL whose host is filled in at run time or cannot be read`);
          else if (isLocalHost(destination.host)) local += 1;
          else if (!allowlistAdmits(params.allowedHookHosts, destination) && !urlPatterns.some((entry) => entry.origin.level === 'managed' && urlPatternMatches(entry.pattern, hook.url ?? ''))) {
            problems.push(`posts to ${hostText(destination)}`);
          }
        } else if (hook.type === 'command' && hook.command !== undefined) {
          judged += 1;
          for (const use of networkUses(hook.command)) {
            if (use.unknown) {
              unreadable.push(`runs ${use.tool} to a destination ${use.unknown}`);
              continue;
            }
            for (const destination of use.destinations) {
              if (destination.host && isLocalHost(destination.host)) {
                local += 1;
                continue;
              }
              if (allowlistAdmits(params.allowedHookHosts, destination)) continue;
              problems.push(`runs ${use.tool} to ${hostText(destination)}`);
            }
          }
        }
        if (problems.length === 0 && unreadable.length === 0) continue;
        const unique = [...new Set(problems)];
        const parts = [
          ...(unique.length ? [`${unique.join(' and ')}, not in the baseline's allowedHookHosts`] : []),
          ...(unreadable.length ? [`${[...new Set(unreadable)].join(' and ')}, which no allowlist can vouch for`] : []),
        ];
        findings.push({
          message: `${label} ${parts.join('; it also ')}: ${dataOf(hook.event)} can leave the machine, with no prompt and outside the sandbox`,
          location: locationOf(hook.origin),
          ...subjectOf(hook.origin, view.user),
          actions: [
            {
              kind: 'manual',
              text: `Remove the ${hook.event} hook at ${where(hook.origin)} or point it at an allowed host named on its command line; if the host is your organisation's own collector, add it to allowedHookHosts in the baseline.`,
            },
          ],
        });
      }
    }

    // Where Claude Code is neither used nor installed there is nothing to lock.
    if (params.requireManagedHooksOnly && settings.scope === 'endpoint' && views.length > 0) {
      const locked = views.every((view) => view.scalars.allowManagedHooksOnly?.value === true && view.scalars.allowManagedHooksOnly.origin.level === 'managed');
      if (!locked) {
        const target = managedTarget(settings);
        const ignored = (settings.issues ?? []).filter((issue) => issue.message.startsWith('allowManagedHooksOnly is not applied'));
        findings.push({
          message: `managed settings do not set allowManagedHooksOnly: users and repositories can add hooks of their own${ignored.length ? ` (set in ${ignored.map((issue) => where(issue.origin)).join(', ')}, where Claude Code does not read it)` : ''}`,
          location: { path: target?.path ?? settings.managed.file },
          subject: 'system',
          actions: setKeyActions(target ? { origin: target, exists: true } : { origin: { path: settings.managed.file, level: 'managed' }, exists: false }, ['allowManagedHooksOnly'], true, 'run only hooks the admin deploys'),
        });
      }
    }

    const unique = dedupe(findings, (finding) => `${finding.location?.path}:${finding.location?.line}:${finding.message}`);
    if (unique.length > 0) return { status: 'fail', message: `${unique.length} hook problem(s)`, findings: unique };
    const notes = [blocked ? `${blocked} http hook(s) blocked by allowedHttpHookUrls` : '', local ? `${local} loopback destination(s)` : ''].filter(Boolean).join(', ');
    return {
      status: 'pass',
      message: judged
        ? `${judged} command or http hook(s) send nothing outside the allowlist${notes ? ` (${notes})` : ''}`
        : settings.scope === 'repo'
          ? 'the repository defines no command or http hooks'
          : 'no command or http hooks in the Claude Code settings of the audited users (or Claude Code is not used here)',
    };
  },
});
