import { subjectOf, dedupe, fileArray, levelName, locationOf, setAt, where } from '../../src/agent/origins.js';
import { folderContains, toRulePath } from '../../src/agent/path-rules.js';
import { readReachability } from '../../src/agent/reachability.js';
import type { EffectiveSettings, SettingOrigin } from '../../src/agent/settings-model.js';
import { agentInstalls } from '../../src/collectors/agent-installs.js';
import { agentSettings } from '../../src/collectors/agent-settings.js';
import { credentialPaths, type CredentialPath } from '../../src/collectors/credential-paths.js';
import { targetUsers } from '../../src/collectors/target-users.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { stringList } from '../../src/engine/params-schema.js';
import type { Account, Platform } from '../../src/host/host.js';
import { targetPaths } from '../../src/host/target-paths.js';

export default defineCheck({
  meta: {
    id: 'agent.credential-reachability',
    title: "Claude Code cannot read its user's credential files",
    area: 'agent',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'Claude Code runs with its user\'s file access: ~/.aws/credentials, SSH keys, kubeconfig and tokens are one Read call or one `cat` away from a prompt-injected ' +
      'agent. A Read deny rule (`Read(~/.aws/**)`) closes the Read tool; only the sandbox (sandbox.enabled with sandbox.filesystem.denyRead) closes the shell, which ' +
      'matters once commands run without a prompt. Relative deny rules (`Read(**/.ssh/**)`) cover only files below the folder a session starts in, so they do not ' +
      'protect the home folder. additionalDirectories or Claude Desktop allowedWorkspaceFolders that include the home folder or / hand the whole disk to the agent.',
    references: [
      { title: 'Claude Code: permissions, Read and Edit path rules', url: 'https://code.claude.com/docs/en/permissions' },
      { title: 'Claude Code: sandboxing (filesystem denyRead)', url: 'https://code.claude.com/docs/en/sandboxing' },
      { title: 'Claude Desktop: enterprise policy (allowedWorkspaceFolders)', url: 'https://support.claude.com/en/articles/12622667-enterprise-configuration' },
    ],
    fix: 'Deny reads of credential stores in managed or user settings (`Read(~/.aws/**)`, `Read(~/.ssh/**)`, ...), enable the sandbox with the same paths in sandbox.filesystem.denyRead, and keep additionalDirectories out of the home folder.',
  },
  params: {
    ignoreStores: stringList('Credential stores (aws, ssh, kube, gh, claude, ...) not to report, for example because a vault replaces them.', []),
  },
  uses: [agentSettings, credentialPaths, targetUsers, agentInstalls],
  evaluate(facts, params) {
    const settings = facts.get(agentSettings);
    const { found } = facts.get(credentialPaths);
    const users = facts.get(targetUsers);
    const platform = settings.platform;
    const paths = targetPaths(platform);
    const ignored = new Set(params.ignoreStores);
    const findings: Finding[] = [];
    const userViews = new Map<string, EffectiveSettings[]>();
    for (const view of settings.views) if (view.user) userViews.set(view.user, [...(userViews.get(view.user) ?? []), view]);

    // --- credential files of each user, against each of that user's views ---
    // Users who run Claude Code (a ~/.claude folder, ~/.claude.json or settings); service accounts are not judged.
    const claudeUsers = new Set(settings.claudeUsers);
    const candidates = found.filter((entry) => claudeUsers.has(entry.user.name) && !entry.error && entry.info && entry.role !== 'protected-config' && !ignored.has(entry.store));
    const reachable = new Map<string, { entry: CredentialPath; view: EffectiveSettings; reason: string }[]>();
    let judged = 0;
    for (const entry of candidates) {
      const views = userViews.get(entry.user.name) ?? [];
      for (const view of views) {
        judged += 1;
        const result = readReachability(view, { path: entry.path, isDirectory: entry.info?.type === 'dir' }, entry.user.home, platform);
        if (!result.reachable) continue;
        reachable.set(entry.user.name, [...(reachable.get(entry.user.name) ?? []), { entry, view, reason: result.reason }]);
        break;
      }
    }
    for (const [user, list] of reachable) {
      // A folder that is open makes its files open too: report the folder once.
      const folders = list.filter((item) => item.entry.info?.type === 'dir').map((item) => item.entry.path);
      const shown = list.filter((item) => !folders.some((folder) => isInside(paths, folder, item.entry.path)));
      const account = users.accounts.find((candidate) => candidate.name === user) ?? list[0]?.entry.user;
      const fix = account ? denyAction(account, shown.map((item) => item.entry), userViews.get(user) ?? [], platform) : undefined;
      for (const item of shown) {
        const inside = item.entry.info?.type === 'dir' ? list.filter((other) => other !== item && isInside(paths, item.entry.path, other.entry.path)).length : 0;
        findings.push({
          message: `${item.entry.label} ${item.entry.path}${inside ? ` (and ${inside} credential file(s) inside)` : ''} of ${user} is readable by Claude Code${item.view.project ? ` in ${item.view.project}` : ''}: ${item.reason}`,
          location: { path: item.entry.path },
          subject: user,
          actions: [
            ...(fix ? [fix] : []),
            { kind: 'manual', text: `Also turn the sandbox on (sandbox.enabled: true) with ${item.entry.path} in sandbox.filesystem.denyRead, so that shell commands cannot read it either.` },
          ],
        });
      }
    }

    // --- folders handed to the agent: additionalDirectories covering a home or / ---
    for (const view of settings.views) {
      const account = view.user ? users.accounts.find((candidate) => candidate.name === view.user) : undefined;
      for (const entry of view.arrays['permissions.additionalDirectories'] ?? []) {
        if (typeof entry.value !== 'string') continue;
        const covered = broadFolder(entry.value, account, users.audited, platform, view.project);
        if (!covered) continue;
        const kept = fileArray(view, 'permissions.additionalDirectories', entry.origin).filter((value) => typeof value !== 'string' || !broadFolder(value, account, users.audited, platform, view.project));
        findings.push({
          message: `additionalDirectories entry "${entry.value}" in ${levelName(entry.origin)} (${where(entry.origin)}) gives Claude Code ${covered}`,
          location: locationOf(entry.origin),
          ...subjectOf(entry.origin, view.user),
          actions: [setAt({ ...entry.origin, line: undefined }, ['permissions', 'additionalDirectories'], kept, 'keep extra folders out of the home folder')],
        });
      }
    }

    // --- Claude Desktop / Cowork: allowedWorkspaceFolders covering a home or / ---
    const workspace = settings.desktop.policies.allowedWorkspaceFolders;
    if (workspace && Array.isArray(workspace.value)) {
      for (const folder of workspace.value) {
        if (typeof folder !== 'string') continue;
        const covered = broadFolder(folder, undefined, users.audited, platform, undefined);
        if (!covered) continue;
        findings.push({
          message: `Claude Desktop policy allowedWorkspaceFolders (${where(workspace.origin)}) includes "${folder}", which gives Cowork and the Code tab ${covered}`,
          location: locationOf(workspace.origin),
          subject: 'system',
          actions: [desktopFix(workspace.origin, workspace.value.filter((item) => typeof item !== 'string' || !broadFolder(item, undefined, users.audited, platform, undefined)))],
        });
      }
    }

    // --- Claude Desktop installed with no allowedWorkspaceFolders: unset means any folder may be connected ---
    if (settings.scope !== 'repo' && !workspace) {
      const desktop = facts.get(agentInstalls).filter((install) => install.kind === 'claude-desktop');
      if (desktop.length > 0) {
        const where = platform === 'win32' ? 'the HKLM\\SOFTWARE\\Policies\\Claude value allowedWorkspaceFolders (a JSON list in a string)' : 'the com.anthropic.claudefordesktop configuration profile (allowedWorkspaceFolders)';
        findings.push({
          message: `Claude Desktop is installed (${desktop.map((install) => install.path).join(', ')}) and no allowedWorkspaceFolders policy limits the folders Cowork and the Code tab may open: unset means any folder, the home folder and its credentials included`,
          location: { path: (desktop[0] as { path: string }).path },
          subject: 'system',
          actions: [{ kind: 'manual', text: `Set ${where} to the project folders users may connect.` }],
        });
      }
    }

    const unique = dedupe(findings, (finding) => `${finding.location?.path}:${finding.location?.line}:${finding.message}`);
    if (unique.length > 0) return { status: 'fail', message: `${unique.length} way(s) for Claude Code to read credentials`, findings: unique };
    return {
      status: 'pass',
      message: candidates.length
        ? `${candidates.length} credential path(s) are covered by deny rules or the sandbox in every settings view (${judged} judged)`
        : settings.scope === 'repo'
          ? 'no additionalDirectories entry opens the home folder or the disk (repository scan: credential files are not judged)'
          : `no credential files of users who run Claude Code (${settings.claudeUsers.join(', ') || 'none found'})`,
    };
  },
});

/** What a folder entry covers when it is too broad: `/`, a home folder, or a folder above a home; undefined otherwise. */
function broadFolder(folder: string, account: Account | undefined, audited: readonly Account[], platform: Platform, cwd: string | undefined): string | undefined {
  const windows = platform === 'win32';
  const text = folder.trim();
  if (/^~[\\/]?$/.test(text)) return 'the home folder (credentials included)';
  const homes = account ? [account.home] : audited.map((user) => user.home);
  const home = account?.home ?? homes[0];
  if (home === undefined && text.startsWith('~')) return undefined;
  const absolute = text.startsWith('~') && home !== undefined ? `${home}${text.slice(1)}` : text;
  const normalized = toRulePath(absolute, windows);
  if (normalized === '/' || /^\/[a-z]$/i.test(normalized)) return 'the whole disk';
  const context = { home: home ?? '/', windows, ...(cwd !== undefined ? { cwd } : {}) };
  for (const candidate of homes) if (folderContains(absolute, candidate, context)) return `the home folder ${candidate} (credentials included)`;
  return undefined;
}

function isInside(paths: ReturnType<typeof targetPaths>, folder: string, path: string): boolean {
  const relative = paths.relative(folder, path);
  return relative !== '' && !relative.startsWith('..') && !paths.isAbsolute(relative);
}

/** A rule for one credential path: home-relative when under the home folder. */
export function denyRuleFor(path: string, isDirectory: boolean, home: string, platform: Platform): string {
  const windows = platform === 'win32';
  const target = toRulePath(path, windows);
  const base = toRulePath(home, windows);
  const fold = (text: string) => (windows ? text.toLowerCase() : text);
  const suffix = isDirectory ? '/**' : '';
  if (fold(target).startsWith(`${fold(base)}/`)) return `Read(~/${target.slice(base.length + 1)}${suffix})`;
  return `Read(/${target}${suffix})`;
}

function denyAction(account: Account, entries: readonly CredentialPath[], views: readonly EffectiveSettings[], platform: Platform): RemediationAction {
  const userLayer = views.flatMap((view) => view.layers).find((layer) => layer.origin.level === 'user' && layer.origin.user === account.name);
  const origin: SettingOrigin = userLayer?.origin ?? { path: targetPaths(platform).join(account.home, '.claude', 'settings.json'), level: 'user', user: account.name };
  const view = views.find((candidate) => !candidate.project) ?? views[0];
  const existing = view ? fileArray(view, 'permissions.deny', origin) : [];
  const rules = entries.map((entry) => denyRuleFor(entry.path, entry.info?.type === 'dir', account.home, platform));
  const merged = [...existing, ...rules.filter((rule) => !existing.includes(rule))];
  return setAt({ ...origin, line: undefined }, ['permissions', 'deny'], [...new Set(merged)], 'deny reads of credential stores');
}

function desktopFix(origin: SettingOrigin, kept: unknown[]): RemediationAction {
  if (/^HK(LM|CU)\\/i.test(origin.path)) return { kind: 'registry-set', key: origin.path, name: 'allowedWorkspaceFolders', type: 'String', value: JSON.stringify(kept) };
  return { kind: 'manual', text: `In the ${origin.label ?? origin.path} configuration profile, set allowedWorkspaceFolders to project folders only (now it includes a home folder or /).` };
}
