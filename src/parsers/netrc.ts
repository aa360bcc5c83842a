import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import { splitLines } from '../util/text-lines.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';

const TAKES_VALUE = new Set(['machine', 'login', 'password', 'account', 'port', 'macdef']);
// Double quotes group a token with spaces (curl 7.84+); backslash escapes inside them.
const TOKEN = /"((?:[^"\\]|\\.)*)"|(\S+)/g;

/** A sighting per `password` in a .netrc / _netrc, named by its machine; tokens may span lines. */
export function scanNetrc(text: string): ScanResult {
  const sightings: CredentialSighting[] = [];
  let machine = 'no machine';
  let pending: string | undefined;
  let inMacro = false;
  splitLines(text).forEach((raw, index) => {
    if (inMacro) {
      if (raw.trim() === '') inMacro = false;
      return;
    }
    if (raw.trimStart().startsWith('#')) return;
    for (const m of raw.matchAll(TOKEN)) {
      const token = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '');
      if (pending === undefined) {
        if (token === 'default') machine = 'default';
        else if (TAKES_VALUE.has(token)) pending = token;
        continue;
      }
      const keyword = pending;
      pending = undefined;
      if (keyword === 'machine') machine = `machine ${token}`;
      if (keyword === 'macdef') {
        // The body starts on the next line and runs to the first blank line.
        inMacro = true;
        break;
      }
      if (keyword === 'password' && !isPlaceholderValue(token)) {
        sightings.push({
          line: index + 1,
          kind: 'netrc password (plaintext)',
          hint: hintForValue(token),
          longLived: true,
          detail: machine,
        });
      }
    }
  });
  return { sightings };
}
