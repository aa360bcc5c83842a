import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';
import { jsonProperties, jsonProperty, jsonString, parseJsonTree } from './json-tree.js';

const SECRET_FIELDS: Record<string, string> = {
  auth: 'Docker registry credential (base64 user:password)',
  identitytoken: 'Docker registry identity token',
  registrytoken: 'Docker registry bearer token',
  password: 'Docker registry password',
};

/** Registry credentials stored in ~/.docker/config.json itself rather than in a credential helper. */
export function scanDockerConfig(text: string): ScanResult {
  const { root, error } = parseJsonTree(text);
  const sightings: CredentialSighting[] = [];
  const credsStore = jsonString(jsonProperty(text, root, 'credsStore')?.[0]);
  // With a credsStore, docker keeps secrets in the helper (the file holds `{}` per registry).
  if (credsStore === undefined || credsStore === '') {
    const helpers = new Set(
      jsonProperties(text, jsonProperty(text, root, 'credHelpers')?.[0])
        .filter(([, value]) => (jsonString(value) ?? '') !== '')
        .map(([registry]) => registryHost(registry)),
    );
    for (const [registry, entry] of jsonProperties(text, jsonProperty(text, root, 'auths')?.[0])) {
      if (helpers.has(registryHost(registry))) continue;
      for (const [field, value, line] of jsonProperties(text, entry)) {
        const kind = SECRET_FIELDS[field];
        const secret = jsonString(value);
        if (kind === undefined || secret === undefined || isPlaceholderValue(secret)) continue;
        sightings.push({ line, kind, hint: hintForValue(secret), longLived: true, detail: `registry ${registry}` });
      }
    }
  }
  return error === undefined ? { sightings } : { sightings, error };
}

/** `https://index.docker.io/v1/` and `index.docker.io` name the same registry (as docker's ConvertToHostname). */
function registryHost(registry: string): string {
  return registry
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}
