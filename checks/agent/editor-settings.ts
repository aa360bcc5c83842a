import { editorSettings, type EditorId, type EditorSettingsFacts } from '../../src/collectors/editor-settings.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { oneOf } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { describePolicy, policyBoolean, policyFor, policyLocation, setPolicyActions, type PolicyDecision } from '../../src/editors/vscode-policy.js';
import { normaliseMcpAccess, type EditorSetting } from '../../src/parsers/editor-settings.js';

// VS Code / Cursor settings that let an agent act without a human: global tool auto-approval ("YOLO
// mode"), workspace trust off (every folder's tasks, settings and MCP servers trusted on open), and MCP
// access wider than the baseline allows. A VS Code policy overrides the user's value: the message says
// which decided.

const ACCESS_RANK = { none: 0, registry: 1, all: 2 } as const;
type Access = keyof typeof ACCESS_RANK;
const AUTO_APPROVE = 'chat.tools.global.autoApprove';
const AUTO_APPROVE_LEGACY = 'chat.tools.autoApprove';
const TRUST = 'security.workspace.trust.enabled';
const MCP_ACCESS = 'chat.mcp.access';
const MCP_ENABLED = 'chat.mcp.enabled';
const EDITOR_NAMES: Record<EditorId, string> = { vscode: 'VS Code', cursor: 'Cursor', windsurf: 'Windsurf' };
const CHECKED: readonly EditorId[] = ['vscode', 'cursor'];

interface Context {
  facts: EditorSettingsFacts;
  allowed: Access;
  findings: Finding[];
  notes: string[];
  /** Policy sources already reported, so that one bad policy is one finding. */
  reportedPolicies: Set<string>;
}

function autoApproveOf(values: Record<string, EditorSetting>): EditorSetting | undefined {
  const current = values[AUTO_APPROVE];
  if (current) return current;
  const legacy = values[AUTO_APPROVE_LEGACY];
  return legacy?.value === true ? legacy : undefined;
}

function accessOf(values: Record<string, EditorSetting>): { access: Access; setting: EditorSetting } | undefined {
  for (const key of [MCP_ACCESS, MCP_ENABLED]) {
    const setting = values[key];
    const access = setting ? normaliseMcpAccess(setting.value) : undefined;
    if (setting && access) return { access, setting };
  }
  return undefined;
}

function policyFinding(context: Context, decision: PolicyDecision, message: string, actions: RemediationAction[]): void {
  const key = `${decision.source.location}|${decision.name}`;
  if (context.reportedPolicies.has(key)) return;
  context.reportedPolicies.add(key);
  const location = policyLocation(decision);
  context.findings.push({ message, ...(location ? { location } : {}), subject: decision.source.user ?? 'system', actions });
}

function accessAction(allowed: Access, where: string): RemediationAction {
  return { kind: 'manual', text: `In ${where} set "${MCP_ACCESS}": "${allowed}" (VS Code's values: none | registry | all), or lock it for everyone with the ChatMCP policy.` };
}

/** One settings file (user or workspace) of the editors it applies to. */
function judgeFile(
  context: Context,
  file: { path: string; values: Record<string, EditorSetting>; user?: string },
  editors: EditorId[],
  kind: 'user' | 'workspace',
): void {
  const { facts } = context;
  const label = editors.map((editor) => EDITOR_NAMES[editor]).join('/');
  const scope = kind === 'user' ? `${label} user settings` : `workspace settings (applies to ${label})`;
  // For VS Code, a policy decides the setting and the file's value does not count; Cursor reads no VS Code policy.
  const decidedFor = (name: 'ChatToolsAutoApprove' | 'ChatMCP') => (editors.every((editor) => editor === 'vscode') ? policyFor(facts, name, file.user) : undefined);

  const approve = autoApproveOf(file.values);
  if (approve?.value === true) {
    const decision = decidedFor('ChatToolsAutoApprove');
    if (decision) context.notes.push(`${file.path}:${approve.line} ${approve.key} is overridden by ${describePolicy(decision)}`);
    else {
      context.findings.push({
        message: `${file.path}:${approve.line}: ${approve.key} is true in ${scope}: every tool call (terminal, file edits, MCP tools) runs without asking, so one injected instruction acts unchecked`,
        location: { path: file.path, line: approve.line },
        ...(file.user ? { subject: file.user } : {}),
        actions: [{ kind: 'set-json-key', path: file.path, keyPath: [approve.key], value: false }],
      });
    }
  }

  const trust = file.values[TRUST];
  if (trust?.value === false) {
    context.findings.push({
      message: `${file.path}:${trust.line}: ${TRUST} is false in ${scope}: every folder opens trusted, so a cloned repository's tasks, settings and MCP servers run without the restricted-mode prompt`,
      location: { path: file.path, line: trust.line },
      ...(file.user ? { subject: file.user } : {}),
      actions: [{ kind: 'set-json-key', path: file.path, keyPath: [TRUST], value: true }],
    });
  }

  if (context.allowed !== 'all') {
    const setting = accessOf(file.values);
    const decision = decidedFor('ChatMCP');
    if (decision) return;
    // Unset in a user file means VS Code's default, all; unset in a workspace file changes nothing.
    if (setting && ACCESS_RANK[setting.access] > ACCESS_RANK[context.allowed]) {
      context.findings.push({
        message: `${file.path}:${setting.setting.line}: ${setting.setting.key} allows ${setting.access === 'all' ? 'any installed MCP server' : 'registry MCP servers'} in ${scope}; the baseline allows ${context.allowed}`,
        location: { path: file.path, line: setting.setting.line },
        ...(file.user ? { subject: file.user } : {}),
        actions: [accessAction(context.allowed, `${file.path}:${setting.setting.line}`)],
      });
    } else if (!setting && kind === 'user') {
      context.findings.push({
        message: `${file.path}: ${MCP_ACCESS} is not set, so ${label} allows any installed MCP server (default all); the baseline allows ${context.allowed}`,
        location: { path: file.path },
        ...(file.user ? { subject: file.user } : {}),
        actions: editors.includes('vscode') ? [...setPolicyActions(facts, 'ChatMCP', context.allowed)] : [accessAction(context.allowed, file.path)],
      });
    }
  }
}

export default defineCheck({
  meta: {
    id: 'agent.editor-settings',
    title: 'VS Code and Cursor keep tool approval, workspace trust and MCP access on',
    area: 'agent',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'repo', 'replay'],
    rationale:
      'Editor agents (Copilot agent mode, Cursor) run tools on the developer\'s machine. chat.tools.global.autoApprove ("YOLO mode") removes the ' +
      'confirmation before every tool call, and security.workspace.trust.enabled: false opens every folder trusted, so a cloned repository\'s ' +
      'tasks, settings and .vscode/mcp.json servers run at once. chat.mcp.access wider than the organisation allows lets any installed MCP ' +
      'server reach the agent. Read from user settings (Code/User and Cursor/User under the app-data folder), workspace .vscode/settings.json ' +
      'of known projects (or the repository with --repo, where findings point at file and line for code review), and VS Code policies ' +
      '(/etc/vscode/policy.json, managed preferences com.microsoft.VSCode, HKLM/HKCU\\SOFTWARE\\Policies\\Microsoft\\VSCode), which override the ' +
      'user\'s value; the message says which decided. Cursor reads no VS Code policy.',
    references: [
      { title: 'VS Code: enterprise policies (ChatToolsAutoApprove, ChatMCP, TelemetryLevel)', url: 'https://code.visualstudio.com/docs/setup/enterprise' },
      { title: 'VS Code: workspace trust', url: 'https://code.visualstudio.com/docs/editing/workspaces/workspace-trust' },
      { title: 'VS Code: security considerations for agents (auto-approval)', url: 'https://code.visualstudio.com/docs/copilot/security' },
      { title: 'VS Code policyData.jsonc: chat.mcp.access values none | registry | all', url: 'https://github.com/microsoft/vscode/blob/main/build/lib/policies/policyData.jsonc' },
      { title: 'Cursor user settings under Cursor/User/settings.json (UNVERIFIED: follows the VS Code layout)' },
    ],
    fix: 'Set chat.tools.global.autoApprove to false and security.workspace.trust.enabled to true (or remove them), and lock ChatToolsAutoApprove and ChatMCP by VS Code policy.',
  },
  params: {
    chatMcpAccess: oneOf(
      'Widest chat.mcp.access the baseline allows: all (no limit), registry (servers from the configured registry only), none; allowed | registryOnly | off are accepted as the same three',
      ['all', 'registry', 'none', 'allowed', 'registryOnly', 'off'],
      'all',
    ),
  },
  uses: [editorSettings],
  evaluate(facts, params) {
    const editorFacts = facts.get(editorSettings);
    const allowed = normaliseMcpAccess(params.chatMcpAccess) ?? 'all';
    const context: Context = { facts: editorFacts, allowed, findings: [], notes: [], reportedPolicies: new Set() };
    const present = editorFacts.editors.filter((editor) => editor.present && CHECKED.includes(editor.editor));
    if (present.length === 0 && editorFacts.workspace.length === 0) return { status: 'skipped', message: 'neither VS Code nor Cursor is on the target, and no project has .vscode/settings.json' };

    // Policies that themselves weaken the editor (VS Code only).
    if (present.some((editor) => editor.editor === 'vscode')) {
      for (const source of editorFacts.policies) {
        const approve = source.values.ChatToolsAutoApprove;
        if (approve && policyBoolean(approve.value) === true) {
          const decision: PolicyDecision = { name: 'ChatToolsAutoApprove', value: approve.value, source, ...(approve.line !== undefined ? { line: approve.line } : {}) };
          policyFinding(context, decision, `${describePolicy(decision)} turns global tool auto-approval on for every VS Code user: no tool call asks first`, setPolicyActions(editorFacts, 'ChatToolsAutoApprove', false));
        }
        const access = source.values.ChatMCP;
        const level = access ? normaliseMcpAccess(access.value) : undefined;
        if (access && level && ACCESS_RANK[level] > ACCESS_RANK[allowed]) {
          const decision: PolicyDecision = { name: 'ChatMCP', value: access.value, source, ...(access.line !== undefined ? { line: access.line } : {}) };
          policyFinding(context, decision, `${describePolicy(decision)} allows ${level === 'all' ? 'any installed MCP server' : 'registry MCP servers'}; the baseline allows ${allowed}`, setPolicyActions(editorFacts, 'ChatMCP', allowed));
        }
      }
    }
    for (const file of editorFacts.userSettings) {
      if (!CHECKED.includes(file.editor) || !file.exists) {
        if (CHECKED.includes(file.editor) && allowed !== 'all' && !(file.editor === 'vscode' && policyFor(editorFacts, 'ChatMCP', file.user))) {
          judgeFile(context, { path: file.path, values: {}, user: file.user }, [file.editor], 'user');
        }
        continue;
      }
      if (file.error) context.notes.push(`${file.path}: ${file.error}`);
      judgeFile(context, file, [file.editor], 'user');
    }
    const workspaceEditors: EditorId[] = present.length > 0 ? present.map((editor) => editor.editor) : ['vscode', 'cursor'];
    for (const file of editorFacts.workspace) {
      if (file.error) context.notes.push(`${file.path}: ${file.error}`);
      judgeFile(context, file, workspaceEditors, 'workspace');
    }
    for (const unavailable of editorFacts.policyUnavailable) context.notes.push(`VS Code policy not read: ${unavailable}`);
    const note = context.notes.length ? `; ${context.notes.join('; ')}` : '';
    const decidedBy = editorFacts.policies.filter((source) => Object.keys(source.values).length > 0).map((source) => source.location);
    const policyText = decidedBy.length ? `; VS Code policy from ${decidedBy.join(', ')}` : '';
    if (context.findings.length > 0) return { status: 'fail', message: `${context.findings.length} editor setting(s) weaken agent safeguards${policyText}${note}`, findings: context.findings };
    const checked = editorFacts.userSettings.filter((file) => CHECKED.includes(file.editor) && file.exists).length + editorFacts.workspace.length;
    return { status: 'pass', message: `${checked} settings file(s) keep tool approval and workspace trust on${allowed !== 'all' ? ` and MCP access within ${allowed}` : ''}${policyText}${note}` };
  },
});
