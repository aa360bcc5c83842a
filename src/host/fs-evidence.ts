import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import { HostAccessError, type FileInfo, type FileType } from './host.js';

// Shared by the live and root hosts: both read real files, the root host after confining the path.

export function fileType(stats: Stats): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function toFileInfo(targetPath: string, stats: Stats, linkTarget?: string): FileInfo {
  const info: FileInfo = {
    path: targetPath,
    type: fileType(stats),
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    mtimeMs: stats.mtimeMs,
  };
  if (linkTarget !== undefined) info.linkTarget = linkTarget;
  return info;
}

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

export function isAbsentError(error: unknown): boolean {
  return ABSENT.has((error as NodeJS.ErrnoException).code ?? 'EIO');
}

/** Absent paths are undefined; unreadable ones are a HostAccessError naming the target path only. */
export function accessError(targetPath: string, error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  if (ABSENT.has(code)) return undefined;
  throw new HostAccessError(targetPath, code, `cannot read ${targetPath}: ${code}`);
}

export async function statPath(realPath: string, targetPath: string, follow: boolean): Promise<FileInfo | undefined> {
  try {
    const stats = follow ? await stat(realPath) : await lstat(realPath);
    const linkTarget = stats.isSymbolicLink() ? await readlink(realPath) : undefined;
    return toFileInfo(targetPath, stats, linkTarget);
  } catch (error) {
    return accessError(targetPath, error);
  }
}

/**
 * Reads at most maxBytes of a regular file. O_NONBLOCK keeps a FIFO planted in an image from hanging
 * the scan; the type check keeps devices out. noFollow refuses a final symlink (the root host has
 * already resolved links inside the image).
 */
export async function readRegularFile(
  realPath: string,
  targetPath: string,
  maxBytes: number,
  noFollow: boolean,
): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(realPath, constants.O_RDONLY | constants.O_NONBLOCK | (noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    return accessError(targetPath, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    // Read to the end rather than to the reported size: /proc and /sys files say 0 bytes and are not. A file
    // with a size is read in one buffer of that size plus one byte, and a short read ends it (no second read,
    // no 64 KiB buffer per small file: an image scan reads thousands). Only the bytes read are returned.
    const sized = stats.size > 0;
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < maxBytes) {
      const want = Math.min(sized && total === 0 ? stats.size + 1 : 64 * 1024, maxBytes - total);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(chunk, 0, want, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (sized && bytesRead < want) break;
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } catch (error) {
    return accessError(targetPath, error);
  } finally {
    await handle.close();
  }
}

export async function listDirectory(realPath: string, targetPath: string): Promise<string[] | undefined> {
  try {
    return (await readdir(realPath)).sort();
  } catch (error) {
    return accessError(targetPath, error);
  }
}
