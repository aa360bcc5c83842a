import { defineCollector } from '../engine/collector.js';
import { parsePowerShellJson } from '../parsers/windows-network.js';
import { runPowerShell } from './windows-commands.js';

// Administrator membership as the operating system resolves it, nested groups included, which the plain
// group lists (dscl GroupMembership, Get-LocalGroup members by name) do not show:
// - macOS: `dseditgroup -o checkmember -m <user> admin` for each non-system account (uid >= 500, name not
//   starting with `_`): "yes <user> is a member of admin" or "no <user> is NOT a member of admin";
// - Windows: the members of BUILTIN\Administrators (SID S-1-5-32-544, the same in every language) with
//   their SIDs, object class (User or Group) and source (Local, ActiveDirectory, AzureAD, MicrosoftAccount).

export interface DarwinAdminAnswer {
  member: boolean;
  /** The command line, for messages. */
  command: string;
}

export interface WindowsGroupMember {
  name: string;
  sid?: string;
  objectClass?: string;
  principalSource?: string;
}

export interface AdminMembership {
  /** macOS: dseditgroup's answer per account name. */
  darwinAdmin: Record<string, DarwinAdminAnswer>;
  /** Windows: members of Administrators; undefined when the query could not run. */
  windowsAdministrators?: WindowsGroupMember[];
  /** Queries that could not run. */
  unavailable: string[];
}

export const ADMINISTRATORS_SID = 'S-1-5-32-544';

export const WINDOWS_ADMINISTRATORS_SCRIPT =
  `Get-LocalGroupMember -SID ${ADMINISTRATORS_SID} | Select-Object -Property Name, @{Name='SID';Expression={$_.SID.Value}}, ObjectClass, ` +
  `@{Name='PrincipalSource';Expression={[string]$_.PrincipalSource}} | ConvertTo-Json -Compress`;

export function dseditgroupArgs(user: string): string[] {
  return ['-o', 'checkmember', '-m', user, 'admin'];
}

/** `yes alice is a member of admin` / `no claude is NOT a member of admin`; undefined for anything else. */
export function parseCheckmember(text: string): boolean | undefined {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase();
  if (first === 'yes') return true;
  if (first === 'no') return false;
  return undefined;
}

export function parseLocalGroupMembers(text: string): { members: WindowsGroupMember[]; error?: string } {
  const parsed = parsePowerShellJson(text);
  if (parsed.error) return { members: [], error: parsed.error };
  const items = parsed.value === undefined ? [] : Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const members = items.flatMap((item): WindowsGroupMember[] => {
    if (!item || typeof item !== 'object') return [];
    const record = item as Record<string, unknown>;
    if (typeof record.Name !== 'string') return [];
    const sid = typeof record.SID === 'string' ? record.SID : typeof (record.SID as { Value?: unknown } | undefined)?.Value === 'string' ? ((record.SID as { Value: string }).Value) : undefined;
    return [{
      name: record.Name,
      ...(sid ? { sid } : {}),
      ...(typeof record.ObjectClass === 'string' ? { objectClass: record.ObjectClass } : {}),
      ...(record.PrincipalSource !== undefined && record.PrincipalSource !== null ? { principalSource: String(record.PrincipalSource) } : {}),
    }];
  });
  return { members };
}

export const adminMembership = defineCollector<AdminMembership>({
  id: 'admin-membership',
  description: 'administrator membership as the OS resolves it (macOS dseditgroup, Windows Get-LocalGroupMember)',
  async collect({ host }) {
    const facts: AdminMembership = { darwinAdmin: {}, unavailable: [] };
    if (host.kind === 'root' || host.kind === 'repo') return facts;
    if (host.platform === 'darwin') {
      for (const account of await host.users()) {
        if (account.uid < 500 || account.name.startsWith('_')) continue;
        const args = dseditgroupArgs(account.name);
        const command = ['dseditgroup', ...args].join(' ');
        const result = await host.run('dseditgroup', args, { timeoutMs: 5_000 });
        const member = result.ran ? parseCheckmember(result.stdout) : undefined;
        if (member === undefined) facts.unavailable.push(`${command}: ${result.unavailable ?? (result.stdout.trim() || result.stderr.trim() || 'no answer')}`);
        else facts.darwinAdmin[account.name] = { member, command };
      }
    } else if (host.platform === 'win32') {
      const run = await runPowerShell(host, WINDOWS_ADMINISTRATORS_SCRIPT);
      if (run.stdout === undefined) facts.unavailable.push(`Get-LocalGroupMember -SID ${ADMINISTRATORS_SID}: ${run.unavailable ?? 'not run'}`);
      else {
        const parsed = parseLocalGroupMembers(run.stdout);
        if (parsed.error) facts.unavailable.push(`Get-LocalGroupMember -SID ${ADMINISTRATORS_SID}: ${parsed.error}`);
        else facts.windowsAdministrators = parsed.members;
      }
    }
    return facts;
  },
});
