import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';
import { parseYamlTree, yamlEntries, yamlItems, yamlScalarText } from './yaml-tree.js';

// exec and auth-provider fetch short-lived tokens at run time: not reported.
const SECRET_FIELDS: Record<string, string> = {
  token: 'Kubernetes bearer token',
  'client-key-data': 'Kubernetes client private key (embedded)',
  password: 'Kubernetes basic-auth password',
};

/** Static credentials in a kubeconfig's `users[].user`. */
export function scanKubeconfig(text: string): ScanResult {
  const { doc, lineOf, error } = parseYamlTree(text);
  const sightings: CredentialSighting[] = [];
  const users = yamlEntries(doc.contents).find(([key]) => key === 'users')?.[1];
  for (const item of yamlItems(users)) {
    const entry = yamlEntries(item);
    const name = yamlScalarText(entry.find(([key]) => key === 'name')?.[1]);
    const user = entry.find(([key]) => key === 'user')?.[1];
    for (const [field, value, keyNode] of yamlEntries(user)) {
      const kind = SECRET_FIELDS[field];
      const secret = yamlScalarText(value);
      if (kind === undefined || secret === undefined || isPlaceholderValue(secret)) continue;
      sightings.push({
        line: lineOf(keyNode),
        kind,
        hint: hintForValue(secret),
        longLived: true,
        detail: name === undefined ? 'unnamed user' : `user ${name}`,
      });
    }
  }
  return error === undefined ? { sightings } : { sightings, error };
}
