import type { Node } from 'jsonc-parser';
import { isPlaceholderValue } from '../secrets/secret-heuristics.js';
import { hintForValue } from '../secrets/token-shapes.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';
import { jsonProperty, jsonString, parseJsonTree } from './json-tree.js';

/**
 * application_default_credentials.json and service-account key files: a private key or a refresh token is long-lived;
 * external_account (workload identity federation) holds no secret.
 */
export function scanGcloudCredentials(text: string): ScanResult {
  const { root, error } = parseJsonTree(text);
  const sightings = scanCredentialObject(text, root);
  return error === undefined ? { sightings } : { sightings, error };
}

function scanCredentialObject(text: string, node: Node | undefined): CredentialSighting[] {
  const field = (name: string): [string | undefined, number] => {
    const found = jsonProperty(text, node, name);
    return [jsonString(found?.[0]), found?.[1] ?? 0];
  };
  const [type] = field('type');
  if (type === 'service_account') {
    const [key, line] = field('private_key');
    const [email] = field('client_email');
    if (key === undefined || isPlaceholderValue(key)) return [];
    const detail = email ? `service account ${email}` : 'service account';
    return [{ line, kind: 'Google service account private key', hint: hintForValue(key), longLived: true, detail }];
  }
  if (type === 'authorized_user') {
    const [token, line] = field('refresh_token');
    if (token === undefined || isPlaceholderValue(token)) return [];
    return [{ line, kind: 'Google OAuth refresh token (authorized_user)', hint: hintForValue(token), longLived: true }];
  }
  // `gcloud auth application-default login --impersonate-service-account` nests the user's own credentials.
  if (type === 'impersonated_service_account') {
    return scanCredentialObject(text, jsonProperty(text, node, 'source_credentials')?.[0]);
  }
  return [];
}
