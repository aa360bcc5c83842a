import { splitLines } from '../util/text-lines.js';
import type { Account, Group } from './host.js';

/** Parses /etc/passwd (name:x:uid:gid:gecos:home:shell); comments, NIS +/- lines and malformed lines are skipped. */
export function parsePasswd(text: string): Account[] {
  const accounts: Account[] = [];
  for (const line of splitLines(text)) {
    if (isSkippable(line)) continue;
    const fields = line.split(':');
    if (fields.length !== 7) continue;
    const [name, , uidText, gidText, , home, shell] = fields as [string, string, string, string, string, string, string];
    const uid = parseId(uidText);
    const gid = parseId(gidText);
    if (name === '' || uid === undefined || gid === undefined) continue;
    accounts.push({ name, uid, gid, home, ...(shell === '' ? {} : { shell }) });
  }
  return accounts;
}

/** Parses /etc/group (name:x:gid:member1,member2). */
export function parseGroup(text: string): Group[] {
  const groups: Group[] = [];
  for (const line of splitLines(text)) {
    if (isSkippable(line)) continue;
    const fields = line.split(':');
    if (fields.length !== 3 && fields.length !== 4) continue;
    const [name, , gidText, memberText = ''] = fields as [string, string, string, string?];
    const gid = parseId(gidText);
    if (name === '' || gid === undefined) continue;
    const members = memberText
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    groups.push({ name, gid, members });
  }
  return groups;
}

function isSkippable(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('+') || trimmed.startsWith('-');
}

// macOS lists nobody as -2; stat reports the same id as unsigned 32-bit, so compare in that form.
function parseId(text: string): number | undefined {
  if (!/^-?\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  if (id < -0x80000000 || id > 0xffffffff) return undefined;
  return id >>> 0;
}
