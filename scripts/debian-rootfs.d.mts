/** See debian-rootfs.mjs: a cached minimal Debian rootfs made with debootstrap from apt's own mirror and suite. */
export interface DebianRootfs {
  /** The cached rootfs folder: copy it (copyRootfs), never change it. */
  rootfs: string;
  /** true when it came from the cache, false when this call ran debootstrap. */
  cached: boolean;
  /** How long this call took. */
  seconds: number;
  suite: string;
  arch: string;
  mirror: string;
  stamp: { suite: string; arch: string; mirror: string; debootstrap?: string; variant: string; builtAt: string; buildSeconds: number };
}
export function findDebootstrap(): string | undefined;
export function aptSource(): { mirror: string; suite: string; from?: string };
export function debianArch(): string;
export function cacheRoot(): string;
export function debianRootfs(options?: { rebuild?: boolean; log?: (line: string) => void }): DebianRootfs;
export function copyRootfs(from: string, to: string): string;
