import { auditSetup, type AuditSetup } from '../../src/collectors/audit-rules.js';
import { credentialPaths, type CredentialPath } from '../../src/collectors/credential-paths.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { boolean, stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import { effectiveRules, ruleSafePath, ruleTarget, type AuditRule } from '../../src/parsers/audit-rules.js';

export const RULES_FILE = '/etc/audit/rules.d/zz-cowork-audit.rules';
const CREDENTIAL_KEY = 'cowork-credentials';
const AGENT_KEY = 'cowork-agent-exec';

interface Target {
  /** The path to watch (a credential folder or file, an agent binary or its versions folder). */
  path: string;
  /** Other names of the same object (a link and what it resolves to). */
  aliases: string[];
  perm: 'r' | 'x';
  what: string;
  subject: string;
}

interface Coverage {
  rule?: AuditRule;
  file?: string;
  /** A never rule that comes first and suppresses the records. */
  suppressedBy?: AuditRule;
  /** A rule on the path that records other permissions only (-p wa). */
  partial?: AuditRule;
}

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

function coverage(rules: readonly { rule: AuditRule; file?: string }[], target: Target): Coverage {
  let partial: AuditRule | undefined;
  for (const { rule, file } of rules) {
    const watched = ruleTarget(rule);
    if (!watched) continue;
    const names = [target.path, ...target.aliases];
    const matches = names.some((name) => (watched.subtree ? within(name, watched.path) : name === watched.path));
    if (!matches) continue;
    if (!watched.perms.includes(target.perm)) {
      partial ??= rule;
      continue;
    }
    if (watched.action === 'never') return { suppressedBy: rule, ...(file ? { file } : {}) };
    return { rule, ...(file ? { file } : {}) };
  }
  return partial ? { partial } : {};
}

function persistentRules(setup: AuditSetup): { rule: AuditRule; file: string }[] {
  const ordered = setup.files.flatMap((file) => file.parse.rules.map((rule) => ({ rule, file: file.path })));
  // augenrules emits the last -D first and the last -e last; audit.rules loaded as written stops at -e 2.
  const { rules } = effectiveRules(
    ordered.map((item) => item.rule),
    setup.source === 'rules.d' ? { augenrules: true } : { honourImmutable: true },
  );
  return rules.map((rule) => ({ rule, file: ordered.find((item) => item.rule === rule)?.file ?? '' }));
}

function credentialTargets(found: readonly CredentialPath[]): Target[] {
  const stores = found.filter((entry) => entry.role === 'secret-dir' || entry.role === 'secret-file');
  const folders = new Set(stores.filter((entry) => entry.role === 'secret-dir').map((entry) => entry.path));
  // A store inside another watched folder needs no watch of its own (ancestors looked up, not compared pairwise:
  // an image may have thousands of stores).
  const underFolder = (path: string): boolean => {
    for (let parent = path.replace(/\/+$/, '').replace(/\/[^/]*$/, ''); parent !== ''; parent = parent.replace(/\/[^/]*$/, '')) if (folders.has(parent)) return true;
    return false;
  };
  return stores
    .filter((entry) => !underFolder(entry.path) && (entry.role === 'secret-dir' || !folders.has(entry.path)))
    .map((entry) => ({ path: entry.path, aliases: entry.realPath ? [entry.realPath] : [], perm: 'r' as const, what: `${entry.user.name}'s ${entry.label}`, subject: entry.user.name }));
}

function agentTargets(setup: AuditSetup, detect: boolean, extra: readonly string[]): Target[] {
  const targets: Target[] = [];
  if (detect) {
    for (const binary of setup.agentBinaries) {
      const real = binary.realPath ?? binary.path;
      // The native installer links ~/.local/bin/claude to ~/.local/share/claude/versions/<version>: watch
      // the versions folder so that an update stays covered.
      const versions = /\/versions\/[^/]+$/.test(real) ? real.replace(/\/[^/]+$/, '') : undefined;
      targets.push({ path: versions ?? real, aliases: [binary.path, real], perm: 'x', what: `Claude Code (${binary.path}${binary.realPath ? ` -> ${binary.realPath}` : ''})`, subject: binary.user ?? 'system' });
    }
  }
  for (const path of extra) targets.push({ path, aliases: [], perm: 'x', what: `agent binary ${path} (agentBinaries)`, subject: 'system' });
  return targets;
}

function ruleLine(target: Target): string {
  return `-w ${target.path} -p ${target.perm} -k ${target.perm === 'x' ? AGENT_KEY : CREDENTIAL_KEY}`;
}

function rulesFileContent(targets: readonly Target[]): string {
  const lines = [...new Set(targets.filter((target) => ruleSafePath(target.path)).map(ruleLine))];
  return `## Written by cowork-audit (monitoring.audit-rules): record reads of credential stores and runs of agent binaries.\n## Load with: augenrules --load (a reboot when the loaded rules are immutable, -e 2).\n${lines.join('\n')}\n`;
}

function where(rule: AuditRule, file?: string): string {
  return file ? `${file}:${rule.line}` : `auditctl -l line ${rule.line}`;
}

export default defineCheck({
  meta: {
    id: 'monitoring.audit-rules',
    title: 'Linux audit rules record reads of credential stores and runs of the agent',
    area: 'monitoring',
    severity: 'medium',
    platforms: ['linux'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'When an agent is tricked into reading ~/.aws, ~/.ssh or a token file, an audit record (who, which process, when) is what lets the ' +
      'security team see it and scope the incident. auditd must be installed and enabled, and its rules must watch every credential store found ' +
      'for the audited users with read permission (-w PATH -p r, or -a always,exit -F dir=/path= -F perm=r; -p wa alone records changes, not ' +
      'reads) and the execution of the agent binaries (-p x). Persistent rules (/etc/audit/rules.d, else audit.rules, in load order with -D, -A ' +
      'and -e 2) and, on a live machine, the loaded ones (auditctl -l) must both cover them. Detected agent binaries: npm global installs of ' +
      'Claude Code, /usr/local/bin/claude, and per user ~/.local/bin/claude (the native installer, watched through its versions folder) and ' +
      '~/.claude/local/claude; agentBinaries adds others.',
    references: [
      { title: 'auditctl(8): -w, -p, -a, -F dir= and path=, -k', url: 'https://man7.org/linux/man-pages/man8/auditctl.8.html' },
      { title: 'augenrules(8): rules.d parts in natural order, the last -D emitted first and the last -e last', url: 'https://man7.org/linux/man-pages/man8/augenrules.8.html' },
      { title: 'audit-userspace issue 523 and Neo23x0/auditd issue 126: rule paths cannot contain whitespace', url: 'https://github.com/Neo23x0/auditd/issues/126' },
      { title: 'CIS Linux Benchmarks 4.1.3 / 6.3.3: audit rules for sensitive files' },
    ],
    fix: `Install and enable auditd, add watches (-w PATH -p r / -p x) for the credential stores and agent binaries in ${RULES_FILE}, then run augenrules --load.`,
  },
  params: {
    detectAgentBinaries: boolean('Require an exec watch on the Claude Code installs found on the target.', true),
    agentBinaries: stringList('Further agent binaries (absolute paths) whose execution must be recorded, present or not.', []),
  },
  uses: [auditSetup, credentialPaths],
  evaluate(facts, params) {
    const setup = facts.get(auditSetup);
    const bad = params.agentBinaries.filter((path) => !path.startsWith('/'));
    if (bad.length) throw new Error(`agentBinaries: not absolute: ${bad.join(', ')}`);
    const targets = [...credentialTargets(facts.get(credentialPaths).found), ...agentTargets(setup, params.detectAgentBinaries, params.agentBinaries)];
    const content = rulesFileContent(targets);
    const load: RemediationAction = { kind: 'manual', text: `Load the rules: augenrules --load (reboot instead when the loaded rules are immutable, -e 2), then check with auditctl -l.` };
    const writeRules: RemediationAction = { kind: 'write-file', path: RULES_FILE, content, mode: '0640' };

    if (!setup.installed) {
      return {
        status: 'fail',
        message: `auditd is not installed (no ${['auditctl', 'auditd'].join(' or ')} in /sbin or /usr/sbin): nothing records reads of ${targets.length} credential store(s) or agent binary(ies)`,
        findings: [
          {
            message: 'auditd is not installed: install it (apt install auditd, dnf install audit), enable it (systemctl enable --now auditd), then add the watches',
            // The fix writes the rules file, so the finding names it (an image gets it before auditd arrives).
            location: { path: RULES_FILE },
            subject: 'system',
            actions: [{ kind: 'manual', text: 'Install and enable auditd: apt install auditd (Debian, Ubuntu) or dnf install audit (Fedora, RHEL); systemctl enable --now auditd.' }, writeRules, load],
          },
        ],
      };
    }

    const findings: Finding[] = [];
    const notes = [...setup.unavailable];
    if (setup.enabled?.value === 'off') {
      findings.push({ message: `auditd is installed (${setup.installed}) but not enabled (${setup.enabled.how}): no rule records anything`, subject: 'system', actions: [{ kind: 'manual', text: 'systemctl enable --now auditd; auditctl -e 1' }] });
    }
    for (const file of setup.files) {
      if (file.error) findings.push({ message: `${file.path} could not be read: ${file.error}`, location: { path: file.path }, subject: 'system', actions: [{ kind: 'manual', text: `Run the audit as root, or fix the permissions of ${file.path}.` }] });
      for (const error of file.parse.errors) {
        findings.push({ message: `${file.path}:${error.line}: auditctl rejects this line: ${error.message}`, location: { path: file.path, line: error.line }, subject: 'system', actions: [{ kind: 'manual', text: `Fix or remove line ${error.line} of ${file.path}: auditctl -R stops loading at a rule it rejects.` }] });
      }
    }
    const persistent = persistentRules(setup);
    const loaded = setup.live ? effectiveRules(setup.live.parse.rules).rules.map((rule) => ({ rule })) : undefined;
    let covered = 0;
    for (const target of targets) {
      const saved = coverage(persistent, target);
      const now = loaded ? coverage(loaded, target) : undefined;
      const safe = ruleSafePath(target.path);
      const actions: RemediationAction[] = safe
        ? [writeRules, load]
        : [{ kind: 'manual', text: `auditctl splits rule lines on whitespace and has no escape, so ${JSON.stringify(target.path)} cannot be named in a rule: watch the nearest folder above it whose path has no whitespace, or move the store.` }];
      const location = { path: target.path };
      const need = target.perm === 'r' ? 'reads' : 'runs';
      if (saved.rule && (!now || now.rule)) {
        covered += 1;
        continue;
      }
      if (saved.rule && now && !now.rule) {
        findings.push({ message: `${target.what}: watched in ${where(saved.rule, saved.file)} but not in the loaded rules (auditctl -l): the rules were not loaded`, location, subject: target.subject, actions: [load] });
        continue;
      }
      if (!saved.rule && now?.rule) {
        findings.push({ message: `${target.what}: watched now (${now.rule.text}) but in no rules file: the watch is lost at the next reboot`, location, subject: target.subject, actions });
        continue;
      }
      const why = saved.suppressedBy
        ? `; ${where(saved.suppressedBy, saved.file)} (${saved.suppressedBy.text}) comes first and suppresses it`
        : saved.partial
          ? `; ${saved.partial.text} records ${saved.partial.perms ?? ruleTarget(saved.partial)?.perms ?? ''} only, not ${target.perm === 'r' ? 'reads (r)' : 'execution (x)'}`
          : '';
      findings.push({ message: `${target.what}: no audit rule records ${need} of ${target.path}${why}`, location, subject: target.subject, actions });
    }
    const note = notes.length ? `; ${notes.join('; ')}` : '';
    const state = setup.enabled ? `auditd ${setup.enabled.value} (${setup.enabled.how})` : `auditd installed (${setup.installed})`;
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} problem(s): ${covered} of ${targets.length} credential store(s) and agent binaries watched; ${state}${note}`, findings };
    return { status: 'pass', message: `${state}; all ${targets.length} credential store(s) and agent binaries watched (rules from ${setup.source}${loaded ? ' and auditctl -l' : ''})${note}` };
  },
});
