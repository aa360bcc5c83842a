/** A permission mode as people write it: 0600, 0700, 2775. */
export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
