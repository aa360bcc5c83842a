import { isLiteralSecretValue, stripMatchingQuotes } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import { splitLines } from '../util/text-lines.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';

const SECRET_KEYS: Record<string, string> = {
  _authtoken: 'npm auth token',
  _auth: 'npm basic auth (base64 user:password)',
  _password: 'npm password (base64)',
};

/** Literal `_authToken`, `_auth` and `_password` in an .npmrc (npm expands `${VAR}`, so those are not secrets). */
export function scanNpmrc(text: string): ScanResult {
  const sightings: CredentialSighting[] = [];
  splitLines(text).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const at = trimmed.indexOf('=');
    if (at <= 0) return;
    const key = trimmed.slice(0, at).trim();
    // Scoped keys end with `:_authToken` (`//registry.npmjs.org/:_authToken`).
    const colon = key.lastIndexOf(':');
    const field = key.slice(colon + 1);
    const kind = SECRET_KEYS[field.toLowerCase()];
    const value = stripMatchingQuotes(trimmed.slice(at + 1));
    if (kind === undefined || !isLiteralSecretValue(value)) return;
    const scope = colon > 0 ? key.slice(0, colon) : undefined;
    sightings.push({
      line: index + 1,
      kind,
      hint: hintForValue(value),
      longLived: true,
      detail: scope ? `registry ${scope}` : 'default registry',
    });
  });
  return { sightings };
}
