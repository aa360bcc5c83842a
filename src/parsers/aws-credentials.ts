import { isPlaceholderValue, isReferenceValue } from '../secrets/secret-heuristics.js';
import { hintForValue, shapeOfValue } from '../secrets/token-shapes.js';
import type { CredentialSighting, ScanResult } from './credential-sighting.js';
import { type IniKey, type IniSection, iniValue, parseIni } from './ini.js';

// credential_process, sso_* and role_arn are the short-lived mechanisms we want people to use: never reported.
const SESSION_TOKEN_KEYS = ['aws_session_token', 'aws_security_token'];

/** Static AWS keys in ~/.aws/credentials or ~/.aws/config. */
export function scanAwsFile(text: string): ScanResult {
  const sightings: CredentialSighting[] = [];
  // The AWS CLI reads these files with Python's configparser, which also accepts `key: value`.
  const { sections } = parseIni(text, { colonDelimiter: true });
  for (const [name, parts] of groupByName(sections)) {
    const detail = name === '' ? 'before any section' : `section [${name}]`;
    const keyId = literal(parts, 'aws_access_key_id');
    const temporary =
      SESSION_TOKEN_KEYS.some((k) => literal(parts, k) !== undefined) || keyId?.value.startsWith('ASIA') === true;
    for (const section of parts) {
      for (const key of section.keys) {
        const kind = kindOf(key);
        if (kind === undefined || !isLiteral(key.value)) continue;
        const longLived = kind === 'AWS session token' ? false : (keyIdLongLived(key) ?? !temporary);
        sightings.push({ line: key.line, kind, hint: hintForValue(key.value), longLived, detail });
      }
    }
  }
  return { sightings: sightings.sort((a, b) => a.line - b.line) };
}

// An AKIA id is long-lived and an ASIA id temporary whatever sits next to them.
function keyIdLongLived(key: IniKey): boolean | undefined {
  return key.name.toLowerCase() === 'aws_access_key_id' ? shapeOfValue(key.value)?.longLived : undefined;
}

function kindOf(key: IniKey): string | undefined {
  const name = key.name.toLowerCase();
  if (name === 'aws_access_key_id') return 'AWS access key ID';
  if (name === 'aws_secret_access_key') return 'AWS secret access key';
  if (SESSION_TOKEN_KEYS.includes(name)) return 'AWS session token';
  return undefined;
}

// The AWS files expand nothing, but shared templates carry placeholders and ${VAR}s that are not keys.
function isLiteral(value: string): boolean {
  return !isPlaceholderValue(value) && !isReferenceValue(value);
}

function literal(sections: IniSection[], name: string): IniKey | undefined {
  let found: IniKey | undefined;
  for (const section of sections) {
    const key = iniValue(section, name);
    if (key && isLiteral(key.value)) found = key;
  }
  return found;
}

function groupByName(sections: IniSection[]): Map<string, IniSection[]> {
  const groups = new Map<string, IniSection[]>();
  for (const section of sections) groups.set(section.name, [...(groups.get(section.name) ?? []), section]);
  return groups;
}
