import { fileArray, levelName, locationOf, subjectOf, where } from '../../src/agent/origins.js';
import { claudeCodeInstalled, fixTarget, judgedViews, managedTarget, setKeyActions, subjectOfTarget } from '../../src/agent/runtime-targets.js';
import { denyReadEntryFor, sandboxReadCover } from '../../src/agent/sandbox-coverage.js';
import type { EffectiveSettings, SettingOrigin } from '../../src/agent/settings-model.js';
import { agentInstalls } from '../../src/collectors/agent-installs.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { credentialPaths, type CredentialPath } from '../../src/collectors/credential-paths.js';
import { editorSettings } from '../../src/collectors/editor-settings.js';
import { targetUsers } from '../../src/collectors/target-users.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { targetPaths } from '../../src/host/target-paths.js';

/** The switches the baseline wants, with Claude Code's default and what the default means. */
const SWITCHES = [
  {
    key: 'sandbox.enabled',
    want: true,
    fallback: false,
    why: 'shell commands run with the full file and network access of the user',
  },
  {
    key: 'sandbox.failIfUnavailable',
    want: true,
    fallback: false,
    why: 'when the sandbox cannot start (bubblewrap or socat missing, an unsupported platform such as native Windows) Claude Code only warns and runs commands unsandboxed',
  },
  {
    key: 'sandbox.allowUnsandboxedCommands',
    want: false,
    fallback: true,
    why: 'the model may re-run a command the sandbox blocked outside it (dangerouslyDisableSandbox), after one approval',
  },
] as const;

const VSCODE_KEYS = ['chat.agent.sandbox.enabled', 'chat.tools.terminal.sandbox.enabled'] as const;
const MAX_LISTED = 8;

interface Pending {
  message: (whom: string) => string;
  location: { path: string; line?: number };
  origin: SettingOrigin;
  users: Set<string>;
  actions: RemediationAction[];
}

export default defineCheck({
  meta: {
    id: 'sandbox.agent-sandbox-settings',
    title: "Claude Code's sandbox is on, mandatory, closed to credential folders and limited to allowed domains",
    area: 'sandbox',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      "Permission rules stop Claude Code's own tools; only the sandbox (Seatbelt on macOS, bubblewrap on Linux and WSL2) stops the shell commands it runs. " +
      'It is off by default (sandbox.enabled false); without sandbox.failIfUnavailable a missing dependency silently means no sandbox; ' +
      'sandbox.allowUnsandboxedCommands defaults to true, so a blocked command can be re-run outside it; reads are allowed everywhere unless ' +
      'sandbox.filesystem.denyRead names the credential folders (~/.aws, ~/.ssh, ...); and without sandbox.network.allowedDomains every new destination ' +
      'is decided by a prompt. The effective settings count (managed > local > project > user). Native Windows has no Claude Code sandbox: there ' +
      'failIfUnavailable makes Claude Code refuse to run instead of running commands unsandboxed, and the same managed settings govern Claude Code in ' +
      "WSL2. VS Code's agent terminal sandbox (chat.agent.sandbox.enabled, earlier chat.tools.terminal.sandbox.enabled; preview, macOS and Linux) is " +
      'required when the baseline asks for it.',
    references: [
      { title: 'Claude Code: sandboxing (filesystem and network isolation, platforms)', url: 'https://code.claude.com/docs/en/sandboxing' },
      { title: 'Claude Code: settings, sandbox keys and sandbox path prefixes', url: 'https://code.claude.com/docs/en/settings' },
      { title: 'VS Code: sandbox agent terminal commands (chat.agent.sandbox.enabled)', url: 'https://code.visualstudio.com/docs/agents/run/agent-sandboxing' },
    ],
    fix: 'In managed settings (or ~/.claude/settings.json where there are none) set sandbox.enabled and sandbox.failIfUnavailable to true, sandbox.allowUnsandboxedCommands to false, list the credential folders in sandbox.filesystem.denyRead and the needed domains in sandbox.network.allowedDomains.',
  },
  params: {
    ignoreStores: stringList('Credential stores (aws, ssh, kube, gh, claude, ...) not to require in sandbox.filesystem.denyRead, for example because a vault replaces them.', []),
    requireVscodeSandbox: boolean("Require VS Code's agent terminal sandbox (a preview feature) for every user with VS Code settings, on macOS and Linux.", false),
  },
  uses: [agentSettings, agentInstalls, credentialPaths, targetUsers, editorSettings],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const users = facts.get(targetUsers);
    const platform = settings.platform;
    const views = judgedViews(settings, claudeCodeInstalled(facts.get(agentInstalls)));
    const pending = new Map<string, Pending>();
    const add = (key: string, item: Omit<Pending, 'users'>, user: string | undefined) => {
      const entry = pending.get(key) ?? { ...item, users: new Set<string>() };
      if (user) entry.users.add(user);
      pending.set(key, entry);
    };
    // A value set below the managed level is fixed in managed settings when they exist, else where it was set.
    const fixFor = (origin: SettingOrigin) => {
      const managed = origin.level !== 'managed' ? managedTarget(settings) : undefined;
      return managed ? { origin: managed, exists: true } : { origin: { ...origin, line: undefined }, exists: true };
    };
    const windowsNote = platform === 'win32' ? ' (native Windows has no sandbox: with failIfUnavailable Claude Code refuses to run there instead; the setting governs Claude Code in WSL2)' : '';

    for (const view of views) {
      const target = settings.scope === 'repo' ? undefined : fixTarget(settings, users, view);
      const project = view.project && settings.scope !== 'repo' ? ` in ${view.project}` : '';

      for (const item of SWITCHES) {
        const entry = view.scalars[item.key];
        if (entry?.value === item.want) continue;
        const keyPath = item.key.split('.');
        if (entry) {
          add(
            `set:${entry.origin.path}:${entry.origin.line}:${item.key}`,
            {
              message: (whom) => `${item.key} is ${JSON.stringify(entry.value)} in ${levelName(entry.origin)} (${where(entry.origin)})${entry.origin.level === 'user' ? '' : whom}${project}: ${item.why}${item.key === 'sandbox.enabled' ? windowsNote : ''}`,
              location: locationOf(entry.origin),
              origin: entry.origin,
              actions: setKeyActions(fixFor(entry.origin), keyPath, item.want, 'harden the Claude Code sandbox'),
            },
            view.user,
          );
        } else if (target) {
          add(
            `unset:${target.origin.path}:${item.key}`,
            {
              message: (whom) => `${item.key} is not set${whom} (Claude Code's default is ${String(item.fallback)}): ${item.why}${item.key === 'sandbox.enabled' ? windowsNote : ''}`,
              location: { path: target.origin.path },
              origin: target.origin,
              actions: setKeyActions(target, keyPath, item.want, 'harden the Claude Code sandbox'),
            },
            view.user,
          );
        }
      }

      // Network allowlist: entries of every layer merge; "*" allows everything.
      const domains = (view.arrays['sandbox.network.allowedDomains'] ?? []).filter((entry) => typeof entry.value === 'string');
      const wildcard = domains.find((entry) => (entry.value as string).trim() === '*');
      if (wildcard) {
        add(
          `wild:${wildcard.origin.path}:${wildcard.origin.line}`,
          {
            message: (whom) => `sandbox.network.allowedDomains holds "*" in ${levelName(wildcard.origin)} (${where(wildcard.origin)})${wildcard.origin.level === 'user' ? '' : whom}${project}: sandboxed commands may reach any host`,
            location: locationOf(wildcard.origin),
            origin: wildcard.origin,
            actions: [{ kind: 'manual', text: `Replace "*" in sandbox.network.allowedDomains at ${where(wildcard.origin)} with the domains commands need (package registry, git host).` }],
          },
          view.user,
        );
      } else if (domains.length === 0 && target) {
        add(
          `domains:${target.origin.path}`,
          {
            message: (whom) => `sandbox.network.allowedDomains is empty${whom}: no network allowlist, so each new host a command contacts is decided by a prompt at run time instead of by policy`,
            location: { path: target.origin.path },
            origin: target.origin,
            actions: [
              {
                kind: 'manual',
                text: `In ${target.origin.label ?? target.origin.path}, list the domains sandboxed commands need (package registry, git host) in sandbox.network.allowedDomains${target.origin.level === 'managed' ? ' and set sandbox.network.allowManagedDomainsOnly to true' : ''}.`,
              },
            ],
          },
          view.user,
        );
      }
    }

    // Credential folders that exist for each user who runs Claude Code, against that user's views.
    const findings: Finding[] = [];
    const reopened = new Map<string, { cover: { entry: string; origin: SettingOrigin }; paths: string[]; user: string }>();
    if (settings.scope === 'endpoint') {
      const ignored = new Set(params.ignoreStores);
      const claudeUsers = new Set(settings.claudeUsers);
      const found = facts.get(credentialPaths).found.filter((entry) => claudeUsers.has(entry.user.name) && !entry.error && entry.info && entry.role !== 'protected-config' && !ignored.has(entry.store));
      const byTarget = new Map<string, { target: { origin: SettingOrigin; exists: boolean }; view: EffectiveSettings; open: Map<string, CredentialPath[]> }>();
      for (const view of views) {
        if (!view.user) continue;
        const mine = found.filter((entry) => entry.user.name === view.user);
        const open = mine.filter((entry) => {
          const cover = sandboxReadCover(view, { path: entry.path, isDirectory: entry.info?.type === 'dir' }, entry.user.home, platform);
          if (cover && 'reopened' in cover) {
            const key = `${cover.reopened.origin.path}:${cover.reopened.origin.line}:${cover.reopened.entry}`;
            reopened.set(key, { cover: cover.reopened, paths: [...(reopened.get(key)?.paths ?? []), entry.path], user: entry.user.name });
            return false;
          }
          return cover === undefined;
        });
        if (open.length === 0) continue;
        const target = fixTarget(settings, users, view);
        if (!target) continue;
        const group = byTarget.get(target.origin.path) ?? { target, view, open: new Map<string, CredentialPath[]>() };
        const known = group.open.get(view.user) ?? [];
        for (const entry of open) if (!known.some((item) => item.path === entry.path)) known.push(entry);
        group.open.set(view.user, known);
        byTarget.set(target.origin.path, group);
      }
      const paths = targetPaths(platform);
      const inside = (folder: string, path: string) => {
        const relative = paths.relative(folder, path);
        return relative !== '' && !relative.startsWith('..') && !paths.isAbsolute(relative);
      };
      for (const { target, view, open } of byTarget.values()) {
        const parts: string[] = [];
        const entries: string[] = [];
        for (const [user, list] of open) {
          const folders = list.filter((entry) => entry.info?.type === 'dir').map((entry) => entry.path);
          const shown = list.filter((entry) => !folders.some((folder) => inside(folder, entry.path)));
          const named = shown.map((entry) => entry.path);
          parts.push(`${user}'s ${named.slice(0, MAX_LISTED).join(', ')}${named.length > MAX_LISTED ? ` and ${named.length - MAX_LISTED} more` : ''}`);
          for (const entry of shown) entries.push(denyReadEntryFor(entry.path, entry.user.home, platform));
        }
        const existing = fileArray(view, 'sandbox.filesystem.denyRead', target.origin).filter((value) => typeof value === 'string') as string[];
        const merged = [...existing, ...[...new Set(entries)].filter((entry) => !existing.includes(entry))];
        findings.push({
          message: `sandbox.filesystem.denyRead does not cover ${parts.join('; ')}: sandboxed commands may read these credentials (the sandbox allows reads everywhere it is not told otherwise)`,
          location: { path: target.origin.path },
          ...subjectOfTarget(target.origin, open.size === 1 ? [...open.keys()][0] : undefined),
          actions: setKeyActions(target, ['sandbox', 'filesystem', 'denyRead'], merged, 'keep sandboxed commands out of credential folders'),
        });
      }
    }

    for (const item of reopened.values()) {
      const named = [...new Set(item.paths)];
      findings.push({
        message: `sandbox.filesystem.allowRead "${item.cover.entry}" in ${levelName(item.cover.origin)} (${where(item.cover.origin)}) re-opens ${named.slice(0, MAX_LISTED).join(', ')}${named.length > MAX_LISTED ? ` and ${named.length - MAX_LISTED} more` : ''} that denyRead closes: sandboxed commands may read these credentials`,
        location: locationOf(item.cover.origin),
        ...subjectOf(item.cover.origin, item.user),
        actions: [{ kind: 'manual', text: `Remove "${item.cover.entry}" from sandbox.filesystem.allowRead at ${where(item.cover.origin)} (allowRead wins over denyRead).` }],
      });
    }
    for (const item of pending.values()) {
      const whom = item.users.size ? ` for ${[...item.users].join(', ')}` : '';
      findings.push({ message: item.message(whom), location: item.location, ...subjectOfTarget(item.origin, item.users.size === 1 ? [...item.users][0] : undefined), actions: item.actions });
    }

    // VS Code's agent terminal sandbox, where the baseline requires it.
    let vscodeNote = '';
    if (params.requireVscodeSandbox && settings.scope === 'endpoint') {
      if (platform === 'win32') vscodeNote = "; VS Code's terminal sandbox is not available on native Windows (WSL2 only) and is not judged";
      else {
        const editor = facts.get(editorSettings);
        const audited = new Set(users.audited.map((user) => user.name));
        for (const file of editor.userSettings) {
          if (file.editor !== 'vscode' || !audited.has(file.user)) continue;
          const setting = file.values[VSCODE_KEYS[0]] ?? file.values[VSCODE_KEYS[1]];
          if (setting?.value === true) continue;
          const actions: RemediationAction[] = VSCODE_KEYS.map((key) => ({ kind: 'set-json-key', path: file.path, keyPath: [key], value: true }));
          if (!file.exists) actions.push({ kind: 'manual', text: `${file.path} does not exist yet: create it as ${file.user} with {} in it first.` });
          findings.push({
            message: setting
              ? `${setting.key} is ${JSON.stringify(setting.value)} in ${file.user}'s VS Code user settings (${file.path}:${setting.line}): agent terminal commands run unsandboxed`
              : `VS Code's agent terminal sandbox (chat.agent.sandbox.enabled) is not turned on in ${file.user}'s user settings (${file.path}): agent terminal commands run unsandboxed`,
            location: setting ? { path: file.path, line: setting.line } : { path: file.path },
            subject: file.user,
            actions,
          });
        }
      }
    }

    if (findings.length > 0) return { status: 'fail', message: `${findings.length} sandbox setting problem(s)`, findings };
    return {
      status: 'pass',
      message: views.length
        ? settings.scope === 'repo'
          ? "the repository's settings do not weaken the sandbox"
          : `the sandbox is on, mandatory, closed to credential folders and limited to allowed domains in ${views.length} settings view(s)${vscodeNote}`
        : 'no user runs Claude Code and it is not installed',
    };
  },
});
