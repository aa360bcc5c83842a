import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import { splitLines } from '../util/text-lines.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';

/** A sighting per `hostname:port:database:username:password` line of ~/.pgpass with a password. */
export function scanPgpass(text: string): ScanResult {
  const sightings: CredentialSighting[] = [];
  splitLines(text).forEach((raw, index) => {
    if (raw.trimStart().startsWith('#')) return;
    const fields = splitPgpassLine(raw);
    if (fields === undefined) return;
    const [host, port, database, , password] = fields;
    if (password === '' || isPlaceholderValue(password)) return;
    sightings.push({
      line: index + 1,
      kind: 'PostgreSQL password (plaintext)',
      hint: hintForValue(password),
      longLived: true,
      detail: `host ${host}, port ${port}, database ${database}`,
    });
  });
  return { sightings };
}

/** Five fields with `\:` and `\\` unescaped; as libpq does, the password is the rest of the line. */
function splitPgpassLine(line: string): [string, string, string, string, string] | undefined {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      field += line[++i];
    } else if (c === ':' && fields.length < 4) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  if (fields.length < 4) return undefined;
  const [host = '', port = '', database = '', user = ''] = fields;
  return [host, port, database, user, field];
}
