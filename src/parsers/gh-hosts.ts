import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import type { Node } from 'yaml';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';
import { parseYamlTree, yamlEntries, yamlScalarText } from './yaml-tree.js';

const KIND = 'GitHub CLI OAuth token (plaintext hosts.yml)';

// User names are public but personal: left out of reports, as for git credentials.
/** `oauth_token` in ~/.config/gh/hosts.yml, per host and per `users.<name>` (gh 2.40+ multi-account). */
export function scanGhHosts(text: string): ScanResult {
  const { doc, lineOf, error } = parseYamlTree(text);
  const sightings: CredentialSighting[] = [];
  const add = (value: unknown, keyNode: Node, detail: string): void => {
    const token = yamlScalarText(value);
    if (token === undefined || isPlaceholderValue(token)) return;
    sightings.push({ line: lineOf(keyNode), kind: KIND, hint: hintForValue(token), longLived: true, detail });
  };
  for (const [host, hostValue] of yamlEntries(doc.contents)) {
    for (const [key, value, keyNode] of yamlEntries(hostValue)) {
      if (key === 'oauth_token') add(value, keyNode, `host ${host}`);
      if (key !== 'users') continue;
      for (const [, userValue] of yamlEntries(value)) {
        for (const [userKey, token, tokenKey] of yamlEntries(userValue)) {
          if (userKey === 'oauth_token') add(token, tokenKey, `host ${host}, per-user entry`);
        }
      }
    }
  }
  return error === undefined ? { sightings } : { sightings, error };
}
