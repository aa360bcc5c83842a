import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Builds dist/cowork-audit.mjs once per test run: CLI tests exercise the real bundle. */
export default function setup(): void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../scripts/build.mjs')], { stdio: 'inherit' });
}
