import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Builds dist/cowork-audit.mjs once per test run (CLI tests exercise the real bundle), and gives the
 * run its own temporary folder, removed at the end, so that test trees never pile up in /tmp.
 */
export default function setup(): () => void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../scripts/build.mjs')], { stdio: 'inherit' });
  // Caches that must outlive the run (the debootstrap rootfs of test/golden-image.test.ts) stay in the OS temp dir.
  process.env.COWORK_AUDIT_OS_TMPDIR ??= tmpdir();
  const scratch = mkdtempSync(path.join(tmpdir(), 'cowork-audit-tests-'));
  process.env.TMPDIR = scratch;
  return () => rmSync(scratch, { recursive: true, force: true });
}
