// Helpers for the host and CLI tests: temporary trees with real modes, owners and ACLs, and a snapshot of
// a tree (type, mode, owner, size, mtime, ctime, content hash, link target, ACL) to prove nothing changed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created: string[] = [];

/** A fresh folder under the OS temp dir, resolved (no symlinked /tmp), removed by removeTempDirs(). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cowork-audit-${prefix}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes a file (creating its folders) and returns its path. */
export function writeFileAt(file: string, content: string | Buffer, mode?: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  if (mode !== undefined) execFileSync('chmod', [mode.toString(8), file]);
  return file;
}

export function mkfifo(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('mkfifo', [file]);
  return file;
}

export function setfacl(...args: string[]): void {
  execFileSync('setfacl', args);
}

/** Resolves within `ms`, or rejects: turns a hang into a readable failure instead of a test timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every entry under root with what an audit must never change. Atime is left out (reading may touch it);
 * ctime is in, so a chmod-and-restore would still show. ACLs come from getfacl without following links.
 */
export function snapshotTree(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const stats = lstatSync(full);
      const rel = path.relative(root, full);
      let detail = '';
      if (stats.isSymbolicLink()) detail = `-> ${readlinkSync(full)}`;
      else if (stats.isFile()) detail = createHash('sha256').update(readFileSync(full)).digest('hex');
      const kind = stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : stats.isSymbolicLink() ? 'link' : 'other';
      lines.push(`${rel} ${kind} ${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid} ${stats.size} m${stats.mtimeMs} c${stats.ctimeMs} ${detail}`);
      if (stats.isDirectory()) walk(full);
    }
  };
  walk(root);
  const acl = execFileSync('getfacl', ['-R', '-P', '-n', '-p', '--', root], { encoding: 'utf8' });
  return `${lines.join('\n')}\n--- acl ---\n${acl}`;
}

/**
 * What remediation and its rollback change, entry by entry: type, mode, owner, content hash or link
 * target, and ACL. No times: a rollback restores state, not ctime.
 */
export function treeState(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stats = lstatSync(full);
      const what = stats.isSymbolicLink() ? `link ${readlinkSync(full)}` : stats.isDirectory() ? 'dir' : createHash('sha256').update(readFileSync(full)).digest('hex');
      const acl = stats.isSymbolicLink() ? '' : execFileSync('getfacl', ['-n', '--absolute-names', '--omit-header', '--', full], { encoding: 'utf8' }).replace(/\n/g, ' ');
      out.set(path.relative(root, full), `${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid} ${what} ${acl}`);
      if (stats.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

/** Files whose name starts with prefix under the folders: what an injected `touch PWNED` would leave. */
export function filesNamed(prefix: string, ...dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (name.startsWith(prefix)) found.push(full);
      if (lstatSync(full).isDirectory()) walk(full);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return found;
}
