import path from 'node:path';
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { parseSudoers, sudoersIncludedName, type SudoersEntry } from '../parsers/sudoers.js';

// /etc/sudoers and everything it includes, in the order sudo reads them: @include/#include files
// (relative paths from the including file's folder, sudo 1.9.1+), @includedir/#includedir folders (files
// in lexical order, skipping names that contain `.` or end in `~`), at most 128 levels deep.

export interface SudoersFile {
  path: string;
  entries: SudoersEntry[];
  /** The include line that brought this file in. */
  includedFrom?: { path: string; line: number };
}

export interface SudoersProblem {
  path: string;
  line?: number;
  message: string;
}

export interface SudoersFacts {
  /** False on Windows: no sudoers. */
  applicable: boolean;
  /** Every file read, in sudo's order. */
  files: SudoersFile[];
  /** Files that exist but could not be read, include loops, `%h` paths. */
  problems: SudoersProblem[];
  /** /etc/sudoers does not exist (sudo not installed). */
  missing: boolean;
}

export const SUDOERS_PATH = '/etc/sudoers';
const MAX_DEPTH = 128;

export const sudoers = defineCollector<SudoersFacts>({
  id: 'sudoers',
  description: 'sudoers rules: /etc/sudoers and its @include/@includedir files',
  async collect({ host }) {
    if (host.platform === 'win32' || host.kind === 'repo') return { applicable: false, files: [], problems: [], missing: true };
    const facts: SudoersFacts = { applicable: true, files: [], problems: [], missing: false };
    const visited = new Set<string>();
    const read = async (filePath: string, depth: number, from?: { path: string; line: number }): Promise<boolean> => {
      if (depth > MAX_DEPTH) {
        facts.problems.push({ path: from?.path ?? filePath, ...(from ? { line: from.line } : {}), message: `includes nest deeper than ${MAX_DEPTH} levels` });
        return true;
      }
      if (visited.has(filePath)) {
        facts.problems.push({ path: from?.path ?? filePath, ...(from ? { line: from.line } : {}), message: `${filePath} is included again (an include loop, which sudo rejects)` });
        return true;
      }
      visited.add(filePath);
      let text: string | undefined;
      try {
        text = (await host.readFile(filePath))?.toString('utf8');
      } catch (error) {
        facts.problems.push({ path: filePath, message: `cannot be read (${describeError(error).replace(/^cannot read \S+: /, '')}); run the audit as root` });
        return true;
      }
      if (text === undefined) return false;
      const file: SudoersFile = { path: filePath, entries: parseSudoers(text).entries, ...(from ? { includedFrom: from } : {}) };
      facts.files.push(file);
      for (const entry of file.entries) {
        if (entry.kind !== 'include') continue;
        const at = { path: filePath, line: entry.line };
        if (entry.path.includes('%h')) {
          facts.problems.push({ ...at, message: `${entry.path} names the host (%h): not followed` });
          continue;
        }
        // Relative to the including file's folder (sudo 1.9.1+); normalised so loops are recognised.
        const target = path.posix.resolve(path.posix.dirname(file.path), entry.path);
        if (entry.directory) await readFolder(host, target, depth + 1, at, read, facts);
        else if (!(await read(target, depth + 1, at))) facts.problems.push({ ...at, message: `${target} does not exist (sudo stops with a parse error)` });
      }
      return true;
    };
    facts.missing = !(await read(SUDOERS_PATH, 0));
    return facts;
  },
});

async function readFolder(
  host: Host,
  folder: string,
  depth: number,
  from: { path: string; line: number },
  read: (path: string, depth: number, from?: { path: string; line: number }) => Promise<boolean>,
  facts: SudoersFacts,
): Promise<void> {
  let names: string[] | undefined;
  try {
    names = await host.listDir(folder);
  } catch (error) {
    facts.problems.push({ path: folder, message: `cannot be listed (${describeError(error).replace(/^cannot read \S+: /, '')}); run the audit as root` });
    return;
  }
  for (const name of [...(names ?? [])].filter(sudoersIncludedName).sort()) {
    const file = `${folder.replace(/\/+$/, '')}/${name}`;
    const info = await host.stat(file).catch(() => undefined);
    if (info && info.type !== 'file') continue;
    await read(file, depth, from);
  }
}
