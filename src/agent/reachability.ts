import type { Platform } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { settingsRootOf } from './origins.js';
import { pathRuleMatches, type PathRuleContext } from './path-rules.js';
import { broadAllowReason, parsePermissionRule } from './permission-rules.js';
import type { EffectiveSettings, SettingOrigin } from './settings-model.js';

// Whether a Claude Code session with these effective settings can read a file. Two doors lead to it: the
// Read tool (and Grep/Glob), closed by a `Read(...)` deny rule (any layer: deny always applies); and the
// shell, which Read denies do not close (FACTS.md section 1) — only the sandbox does, when
// sandbox.enabled is true and sandbox.filesystem.denyRead covers the path (allowRead can re-open it).
// The shell door counts as open when a blanket Bash/PowerShell allow rule or bypassPermissions mode runs
// commands without a prompt; otherwise a person is asked before each command. Claude Code's sandbox runs on
// macOS (Seatbelt), Linux and WSL2 (bubblewrap), not on native Windows: there sandbox settings protect nothing.

export interface ReadCover {
  rule: string;
  origin: SettingOrigin;
}

export interface Reachability {
  reachable: boolean;
  /** The deny rule that closes the Read tool, when one does. */
  readDeny?: ReadCover;
  /** The sandbox denyRead entry that closes the shell, when one does. */
  sandboxDeny?: ReadCover;
  /** Why commands run without a prompt (a blanket allow rule, bypass mode), when they do. */
  shellOpen?: string;
  /** One sentence for a finding. */
  reason: string;
}

function contextFor(origin: SettingOrigin, home: string, platform: Platform, cwd: string | undefined): PathRuleContext {
  const root = settingsRootOf(origin, platform);
  return { home, windows: platform === 'win32', ...(root !== undefined ? { settingsRoot: root } : {}), ...(cwd !== undefined ? { cwd } : {}) };
}

/** Sandbox filesystem paths: `/x` and `//x` absolute, `~/x` home, others relative to the settings file's folder. */
function sandboxPattern(path: string): string {
  const text = path.trim();
  if (text.startsWith('/') && !text.startsWith('//')) return `/${text}`;
  return text;
}

export function readReachability(view: EffectiveSettings, target: { path: string; isDirectory: boolean }, home: string, platform: Platform): Reachability {
  const cwd = view.project;
  // A folder's secrets are the files inside it: test a file below it.
  const probe = target.isDirectory ? targetPaths(platform).join(target.path, '.probe') : target.path;
  const covers = (pattern: string, origin: SettingOrigin) => pathRuleMatches(pattern, probe, contextFor(origin, home, platform, cwd), { isDirectory: false });

  let readDeny: ReadCover | undefined;
  for (const entry of view.arrays['permissions.deny'] ?? []) {
    if (typeof entry.value !== 'string') continue;
    const rule = parsePermissionRule(entry.value);
    if ('error' in rule || rule.tool !== 'Read') continue;
    if (rule.specifier === undefined || rule.specifier.trim() === '' || covers(rule.specifier, entry.origin)) {
      readDeny = { rule: entry.value, origin: entry.origin };
      break;
    }
  }

  let sandboxDeny: ReadCover | undefined;
  const sandboxOn = view.scalars['sandbox.enabled']?.value === true && platform !== 'win32';
  if (sandboxOn) {
    const reopened = (view.arrays['sandbox.filesystem.allowRead'] ?? []).some((entry) => typeof entry.value === 'string' && covers(sandboxPattern(entry.value), entry.origin));
    if (!reopened) {
      for (const entry of view.arrays['sandbox.filesystem.denyRead'] ?? []) {
        if (typeof entry.value === 'string' && covers(sandboxPattern(entry.value), entry.origin)) {
          sandboxDeny = { rule: entry.value, origin: entry.origin };
          break;
        }
      }
    }
  }

  let shellOpen: string | undefined;
  const mode = view.scalars['permissions.defaultMode'];
  const bypassRefused = view.scalars['permissions.disableBypassPermissionsMode']?.value === 'disable';
  if (mode?.value === 'bypassPermissions' && !bypassRefused) shellOpen = 'bypassPermissions mode runs every command without a prompt';
  if (!shellOpen) {
    for (const entry of view.arrays['permissions.allow'] ?? []) {
      if (typeof entry.value !== 'string') continue;
      const rule = parsePermissionRule(entry.value);
      if ('error' in rule || (rule.tool !== 'Bash' && rule.tool !== 'PowerShell')) continue;
      const reason = broadAllowReason(entry.value);
      if (reason) {
        shellOpen = `allow rule "${entry.value}" runs shell commands without a prompt`;
        break;
      }
    }
  }
  if (!shellOpen && sandboxOn && view.scalars['sandbox.autoAllowBashIfSandboxed']?.value !== false) {
    shellOpen = 'sandboxed commands run without a prompt (sandbox.autoAllowBashIfSandboxed)';
  }

  if (sandboxDeny) return { reachable: false, ...(readDeny ? { readDeny } : {}), sandboxDeny, ...(shellOpen ? { shellOpen } : {}), reason: `sandbox denyRead "${sandboxDeny.rule}" covers it` };
  if (readDeny && !shellOpen) return { reachable: false, readDeny, reason: `deny rule "${readDeny.rule}" covers it and shell commands need approval` };
  if (readDeny && shellOpen) return { reachable: true, readDeny, shellOpen, reason: `deny rule "${readDeny.rule}" closes the Read tool, but ${shellOpen} and no sandbox denyRead covers it` };
  return { reachable: true, ...(shellOpen ? { shellOpen } : {}), reason: `no Read deny rule and no sandbox denyRead covers it${sandboxOn ? '' : platform === 'win32' ? ' (no sandbox on Windows)' : ' (the sandbox is off)'}` };
}
