/**
 * A POSIX path made absolute and lexically clean: empty and `.` segments dropped, `..` taking off the
 * segment before it (none above the root), no trailing slash. `a/../b`, `/a//./b/`, `/../b` -> `/b`, `/a/b`, `/b`.
 */
export function normalizeAbsolutePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
