import { isPlaceholderValue, isReferenceValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import { splitLines, stripBom } from '../util/text-lines.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';
import { jsonProperties, jsonProperty, jsonString, parseJsonTree } from './json-tree.js';

const KIND = 'Terraform registry API token';

/** Tokens in credentials.tfrc.json (JSON) or a .terraformrc `credentials "host" { token = "..." }` block (HCL). */
export function scanTerraformCredentials(text: string): ScanResult {
  return stripBom(text).trimStart().startsWith('{') ? scanTfrcJson(text) : scanTerraformrc(text);
}

function scanTfrcJson(text: string): ScanResult {
  const { root, error } = parseJsonTree(stripBom(text));
  const sightings: CredentialSighting[] = [];
  for (const [host, entry] of jsonProperties(text, jsonProperty(text, root, 'credentials')?.[0])) {
    const found = jsonProperty(text, entry, 'token');
    const token = jsonString(found?.[0]);
    if (found && token !== undefined && isLiteral(token)) sightings.push(sighting(found[1], token, host));
  }
  return error === undefined ? { sightings } : { sightings, error };
}

const BLOCK_START = /^\s*credentials\s+"([^"]*)"\s*\{(.*)$/;
const TOKEN = /(?:^|[\s{;,])token\s*=\s*"((?:[^"\\]|\\.)*)"/;

// A line-based reading of the one block shape terraform documents; not a general HCL parser.
function scanTerraformrc(text: string): ScanResult {
  const sightings: CredentialSighting[] = [];
  let host: string | undefined;
  splitLines(text).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith('//')) return;
    let rest = raw;
    const start = BLOCK_START.exec(raw);
    if (start) {
      host = start[1] ?? '';
      rest = start[2] ?? '';
    }
    if (host === undefined) return;
    const token = TOKEN.exec(rest)?.[1];
    if (token !== undefined && isLiteral(token)) sightings.push(sighting(index + 1, token, host));
    if (rest.includes('}')) host = undefined;
  });
  return { sightings };
}

function isLiteral(token: string): boolean {
  return !isPlaceholderValue(token) && !isReferenceValue(token);
}

function sighting(line: number, token: string, host: string): CredentialSighting {
  return { line, kind: KIND, hint: hintForValue(token), longLived: true, detail: `host ${host}` };
}
