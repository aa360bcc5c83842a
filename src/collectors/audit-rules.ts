import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { naturalCompare, parseAuditRules, type AuditRulesParse } from '../parsers/audit-rules.js';
import { targetUsers } from './target-users.js';

// The Linux audit system as configured and as loaded: whether auditd is installed and enabled, the
// persistent rules (/etc/audit/rules.d/*.rules as augenrules concatenates them, else audit.rules),
// the rules in the kernel now (`auditctl -l`, live and recorded endpoints), and the Claude Code
// installs whose execution the monitoring check wants recorded.

export const AUDIT_BINARIES = ['/usr/sbin/auditctl', '/sbin/auditctl', '/usr/sbin/auditd', '/sbin/auditd'];
const ENABLED_LINKS = ['/etc/systemd/system/multi-user.target.wants/auditd.service', '/etc/systemd/system/sysinit.target.wants/auditd.service'];

export interface AuditRulesFile {
  path: string;
  parse: AuditRulesParse;
  error?: string;
}

export interface AgentBinary {
  /** Where it is installed (a link, for the native installer's ~/.local/bin/claude). */
  path: string;
  /** The file it resolves to. */
  realPath?: string;
  /** The user whose home holds it. */
  user?: string;
}

export interface AuditSetup {
  /** An auditctl or auditd binary found. */
  installed?: string;
  /** `auditctl -s` enabled value (0, 1, 2), or the systemd unit link that enables auditd at boot. */
  enabled?: { value: 'on' | 'off' | 'locked'; how: string };
  /** Persistent rules, in load order; `source` says which set auditd loads at boot. */
  source: 'rules.d' | 'audit.rules' | 'none';
  files: AuditRulesFile[];
  /** `auditctl -l`, when it could be run. */
  live?: { command: string; parse: AuditRulesParse };
  unavailable: string[];
  agentBinaries: AgentBinary[];
}

/** Claude Code installs: npm global packages, the native installer, and the older per-user local install. */
export const AGENT_BINARY_CANDIDATES = {
  system: ['/usr/local/bin/claude', '/usr/bin/claude', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js', '/usr/local/lib/node_modules/@anthropic-ai/claude-code/cli.js'],
  user: ['.local/bin/claude', '.claude/local/claude', '.npm-global/lib/node_modules/@anthropic-ai/claude-code/cli.js'],
};

async function readRules(host: Host, path: string): Promise<AuditRulesFile | undefined> {
  try {
    const bytes = await host.readFile(path);
    return bytes ? { path, parse: parseAuditRules(bytes.toString('utf8')) } : undefined;
  } catch (error) {
    return { path, parse: { rules: [], errors: [] }, error: describeError(error) };
  }
}

async function present(host: Host, path: string): Promise<boolean> {
  return (await host.lstat(path).catch(() => undefined)) !== undefined;
}

export const auditSetup = defineCollector<AuditSetup>({
  id: 'audit-setup',
  description: 'auditd installation and state, persistent audit rules (rules.d, audit.rules), loaded rules (auditctl -l) and Claude Code binaries',
  async collect({ host, get }) {
    const unavailable: string[] = [];
    let installed: string | undefined;
    for (const path of AUDIT_BINARIES) {
      if (await present(host, path)) {
        installed = path;
        break;
      }
    }

    const names = ((await host.listDir('/etc/audit/rules.d').catch(() => undefined)) ?? []).filter((name) => name.endsWith('.rules')).sort(naturalCompare);
    const files: AuditRulesFile[] = [];
    for (const name of names) {
      const file = await readRules(host, `/etc/audit/rules.d/${name}`);
      if (file) files.push(file);
    }
    let source: AuditSetup['source'] = files.length > 0 ? 'rules.d' : 'none';
    if (files.length === 0) {
      const main = await readRules(host, '/etc/audit/audit.rules');
      if (main) {
        files.push(main);
        source = 'audit.rules';
      }
    }

    let enabled: AuditSetup['enabled'];
    let live: AuditSetup['live'];
    if (installed && (host.kind === 'live' || host.kind === 'replay')) {
      const status = await host.run('auditctl', ['-s'], { timeoutMs: 5_000 });
      const value = /^enabled\s+(\d)/m.exec(status.stdout)?.[1];
      if (status.ran && status.exitCode === 0 && value !== undefined) enabled = { value: value === '0' ? 'off' : value === '2' ? 'locked' : 'on', how: `auditctl -s: enabled ${value}` };
      else unavailable.push(`auditctl -s: ${status.unavailable ?? (status.stderr.trim().split('\n')[0] || `exit ${status.exitCode}`)}`);
      const list = await host.run('auditctl', ['-l'], { timeoutMs: 5_000 });
      if (list.ran && list.exitCode === 0) live = { command: 'auditctl -l', parse: parseAuditRules(list.stdout) };
      else unavailable.push(`auditctl -l: ${list.unavailable ?? (list.stderr.trim().split('\n')[0] || `exit ${list.exitCode}`)}`);
    }
    if (installed && !enabled) {
      for (const link of ENABLED_LINKS) {
        if (await present(host, link)) {
          enabled = { value: 'on', how: `${link} (enabled at boot)` };
          break;
        }
      }
      if (!enabled && host.kind === 'root') enabled = { value: 'off', how: `no ${ENABLED_LINKS[0]} link (not enabled at boot)` };
    }

    const agentBinaries: AgentBinary[] = [];
    const paths = targetPaths(host.platform);
    const candidates: { path: string; user?: string }[] = AGENT_BINARY_CANDIDATES.system.map((path) => ({ path }));
    for (const user of (await get(targetUsers)).audited) for (const rel of AGENT_BINARY_CANDIDATES.user) candidates.push({ path: paths.join(user.home, ...rel.split('/')), user: user.name });
    for (const candidate of candidates) {
      if (!(await present(host, candidate.path))) continue;
      const real = await host.realPath(candidate.path).catch(() => undefined);
      // /usr/bin/claude -> ../lib/node_modules/... is the same install as the package path: keep one.
      if (real && agentBinaries.some((known) => (known.realPath ?? known.path) === real)) continue;
      agentBinaries.push({ ...candidate, ...(real && real !== candidate.path ? { realPath: real } : {}) });
    }
    return { ...(installed ? { installed } : {}), ...(enabled ? { enabled } : {}), source, files, ...(live ? { live } : {}), unavailable, agentBinaries };
  },
});
