import path from 'node:path';
import type { Platform } from './host.js';

export type TargetPaths = typeof path.posix;

/** Path arithmetic in the target's own flavour (a Windows endpoint replayed on Linux keeps C:\ paths). */
export function targetPaths(platform: Platform): TargetPaths {
  return platform === 'win32' ? path.win32 : path.posix;
}
