import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import { splitLines } from '../util/text-lines.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';

/** A sighting per `https://user:secret@host` line of ~/.git-credentials (git credential-store). */
export function scanGitCredentials(text: string): ScanResult {
  const sightings: CredentialSighting[] = [];
  splitLines(text).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return;
    }
    const secret = decodeUriPart(url.password);
    if (secret === '' || isPlaceholderValue(secret)) return;
    // The user name is not secret but personal, so only the host is named.
    sightings.push({
      line: index + 1,
      kind: 'Git credential (plaintext)',
      hint: hintForValue(secret),
      longLived: true,
      detail: `host ${url.host}`,
    });
  });
  return { sightings };
}

function decodeUriPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
