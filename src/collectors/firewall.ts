import { defineCollector } from '../engine/collector.js';
import type { EgressRuleset } from '../firewall/model.js';
import type { Host, Platform, TargetKind } from '../host/host.js';
import { parsePlist, type PlistValue } from '../parsers/plist.js';
import { collectFirewalld } from './firewall/firewalld.js';
import { collectIptables } from './firewall/iptables.js';
import { collectNftables } from './firewall/nftables.js';
import { collectPf } from './firewall/pf.js';
import { collectUfw } from './firewall/ufw.js';
import { collectWindowsFirewall } from './firewall/windows.js';

// Every firewall backend of the target's platform, each reading its own evidence (nft -j, iptables-save,
// ufw and firewalld configuration, pfctl and pf.conf, Get-NetFirewallProfile/Rule): one list of rulesets
// in the normalised egress model (src/firewall/model.ts) that the firewall checks evaluate.

type Backend = (host: Host) => Promise<EgressRuleset[]>;

const BACKENDS: Record<Platform, readonly { name: string; collect: Backend }[]> = {
  linux: [
    { name: 'nftables', collect: collectNftables },
    { name: 'iptables', collect: collectIptables },
    { name: 'ufw', collect: collectUfw },
    { name: 'firewalld', collect: collectFirewalld },
  ],
  darwin: [{ name: 'pf', collect: collectPf }],
  win32: [{ name: 'Windows Firewall', collect: collectWindowsFirewall }],
};

export interface FirewallFacts {
  platform: Platform;
  targetKind: TargetKind;
  /** Which backends were asked, for messages ("nftables, iptables, ufw, firewalld"). */
  backends: string[];
  rulesets: EgressRuleset[];
  /** A backend that failed outright (a bug, not missing evidence): its name and the error. */
  notes: string[];
  /** Accounts by name, so that a check can evaluate for the agent user's uid. */
  accounts: { name: string; uid: number }[];
  /** macOS application firewall (socketfilterfw): inbound only, reported so that nobody mistakes it for egress filtering. */
  appFirewall?: AppFirewall;
}

export interface AppFirewall {
  /** Undefined when the evidence does not say. */
  enabled?: boolean;
  /** `socketfilterfw --getglobalstate: Firewall is enabled. (State = 1)`, `/Library/Preferences/com.apple.alf.plist globalstate = 0`. */
  evidence: string;
}

export const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';
export const ALF_PLIST = '/Library/Preferences/com.apple.alf.plist';

/** `Firewall is enabled. (State = 1)`, `Firewall is blocking all non-essential... (State = 2)`, `Firewall is disabled. (State = 0)`. */
export function parseSocketfilterfw(stdout: string): boolean | undefined {
  const state = /State\s*=\s*(\d)/.exec(stdout)?.[1];
  if (state !== undefined) return state !== '0';
  if (/firewall is disabled/i.test(stdout)) return false;
  if (/firewall is (enabled|blocking)/i.test(stdout)) return true;
  return undefined;
}

async function readAppFirewall(host: Host): Promise<AppFirewall | undefined> {
  if (host.kind !== 'root' && host.kind !== 'repo') {
    const result = await host.run(SOCKETFILTERFW, ['--getglobalstate'], { timeoutMs: 5_000 });
    if (result.ran && result.exitCode === 0) {
      const line = result.stdout.trim().split(/\r?\n/)[0] ?? '';
      const enabled = parseSocketfilterfw(result.stdout);
      return enabled === undefined ? { evidence: `socketfilterfw --getglobalstate: ${line}` } : { enabled, evidence: `socketfilterfw --getglobalstate: ${line}` };
    }
  }
  const bytes = await host.readFile(ALF_PLIST).catch(() => undefined);
  if (!bytes) return undefined;
  const parsed = parsePlist(bytes);
  const root: PlistValue | undefined = parsed.root;
  const state = root?.type === 'dict' ? root.entries.filter((entry) => entry.key === 'globalstate').pop()?.value : undefined;
  if (state?.type !== 'integer') return { evidence: `${ALF_PLIST}: no globalstate${parsed.error ? ` (${parsed.error})` : ''}` };
  return { enabled: state.value > 0, evidence: `${ALF_PLIST} globalstate = ${state.value}` };
}

export const firewallRulesets = defineCollector<FirewallFacts>({
  id: 'firewall-rulesets',
  description: 'Firewall rulesets of every backend of the platform (nftables, iptables, ufw, firewalld; pf; Windows Defender Firewall), normalised for egress evaluation',
  timeoutMs: 60_000,
  async collect({ host }) {
    const backends = BACKENDS[host.platform];
    const notes: string[] = [];
    const results = await Promise.all(
      backends.map(async (backend) => {
        try {
          return await backend.collect(host);
        } catch (error) {
          notes.push(`${backend.name}: could not be read (${error instanceof Error ? error.message : String(error)})`);
          return [];
        }
      }),
    );
    const accounts = (await host.users().catch(() => [])).map((account) => ({ name: account.name, uid: account.uid }));
    const facts: FirewallFacts = { platform: host.platform, targetKind: host.kind, backends: backends.map((backend) => backend.name), rulesets: results.flat(), notes, accounts };
    if (host.platform === 'darwin') {
      const appFirewall = await readAppFirewall(host).catch(() => undefined);
      if (appFirewall) facts.appFirewall = appFirewall;
    }
    return facts;
  },
});
