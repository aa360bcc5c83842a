import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type IniDocument, type IniSection, iniValue, parseIni } from '../src/parsers/ini.js';
import { splitLines } from '../src/util/text-lines.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const awsCorpus = path.resolve(repoRoot, '../shared/corpus/aws');
const readCorpus = (name: string) => readFileSync(path.join(awsCorpus, name), 'utf8');

function section(doc: IniDocument, name: string): IniSection {
  const found = doc.sections.find((s) => s.name === name);
  if (!found) throw new Error(`no section [${name}]`);
  return found;
}

describe('parseIni on the AWS corpus', () => {
  const files = readdirSync(awsCorpus).filter((f) => f.endsWith('.aws-config'));

  it('has the five corpus files', () => {
    expect(files).toHaveLength(5);
  });

  for (const file of files) {
    it(`${file}: every header and key points at its own line`, () => {
      const text = readCorpus(file);
      const lines = splitLines(text);
      const doc = parseIni(text);
      expect(doc.sections.length).toBeGreaterThan(0);
      for (const s of doc.sections) {
        expect(lines[s.line - 1]?.trim()).toBe(`[${s.name}]`);
        for (const key of s.keys) expect(lines[key.line - 1]?.trimStart().startsWith(key.name)).toBe(true);
      }
    });
  }

  it('brianvia: sso-session and profile sections, a URL ending in # kept whole', () => {
    const doc = parseIni(readCorpus('brianvia-sso-session-many-profiles.aws-config'));
    expect(doc.sections).toHaveLength(20);
    expect(doc.sections[0]).toMatchObject({ name: 'sso-session dfinitiv', line: 1 });
    expect(section(doc, 'profile dfinitiv-brian').line).toBe(5);
    expect(iniValue(section(doc, 'profile dfinitiv-brian'), 'sso_role_name')).toMatchObject({ value: 'PowerUserAccess', line: 8 });
    expect(iniValue(section(doc, 'profile brianvia-digital-solutions-PROD'), 'sso_start_url')).toEqual({
      name: 'sso_start_url',
      value: 'https://d-9067e9d59a.awsapps.com/start/#',
      line: 121,
      continuation: [],
    });
    expect(section(doc, 'sso-session brianvia-digital-solutions-PROD').line).toBe(127);
    expect(doc.unparsed).toEqual([]);
  });

  it('celtikill: an empty role_arn followed by an unindented ARN line', () => {
    const text = readCorpus('celtikill-credential-process-assume-role.aws-config');
    const doc = parseIni(text);
    expect(iniValue(section(doc, 'profile dev'), 'credential_process')).toMatchObject({ line: 11 });
    expect(iniValue(section(doc, 'profile dev-admin'), 'role_arn')).toMatchObject({ value: '', line: 43 });
    expect(doc.unparsed.map((u) => u.line)).toEqual([44, 51, 58]);
    // Python's configparser (the AWS CLI) splits on ':' too, so it reads that line as a key named `arn`.
    const asAws = parseIni(text, { colonDelimiter: true });
    expect(asAws.unparsed).toEqual([]);
    expect(iniValue(section(asAws, 'profile dev-admin'), 'arn')).toMatchObject({
      value: 'aws:iam::822529998967:role/cross-account/CrossAccountAdminRole',
      line: 44,
    });
  });

  it('gsi-csiro: the last key of a file without a final newline', () => {
    const doc = parseIni(readCorpus('gsi-csiro-role-arn-source-profile.aws-config'));
    const last = doc.sections[doc.sections.length - 1];
    expect(last?.name).toBe('profile BGSI-TF-User-Executor-RSJPD-UAT');
    expect(last && iniValue(last, 'output')).toMatchObject({ value: 'json', line: 64 });
    expect(iniValue(section(doc, 'profile BGSI-TF-User-Executor-RSCM'), 'source_profile')?.value).toBe('BGSI-TF-User-Executor-RSCM');
  });

  it('harisekhon: sections without the profile prefix and an inline comment after a value', () => {
    const doc = parseIni(readCorpus('harisekhon-legacy-sso-typos-inline-comments.aws-config'));
    expect(doc.sections.map((s) => [s.name, s.line])).toEqual([
      ['default', 27],
      ['mgmt', 32],
      ['dev', 46],
      ['staging', 54],
      ['production', 62],
    ]);
    expect(iniValue(section(doc, 'dev'), 'so_start_url')).toMatchObject({ value: 'https://a-xxxxxxxxxx.awsapps.com/start', line: 47 });
  });

  it('iamthemitchell: a shell-style KEY=VALUE line inside a section, no final newline', () => {
    const doc = parseIni(readCorpus('iamthemitchell-malformed-section-envvar-line.aws-config'));
    expect(doc.sections.map((s) => s.name)).toEqual(['default', 'personal']);
    expect(iniValue(section(doc, 'personal'), 'AWS_DEFAULT_REGION')).toMatchObject({ value: 'us-east-1', line: 8 });
  });
});

describe('parseIni edge cases', () => {
  it('keeps keys before the first header in a nameless section on line 0', () => {
    const doc = parseIni('region = eu-west-1\n[a]\nx = 1\n');
    expect(doc.sections.map((s) => [s.name, s.line, s.keys.map((k) => k.name)])).toEqual([
      ['', 0, ['region']],
      ['a', 2, ['x']],
    ]);
  });

  it('reads CRLF, a BOM, ; comments and inline ; or # comments', () => {
    const doc = parseIni('\uFEFF[s]\r\n; comment\r\n# comment\r\na = 1 ; note\r\nb=2 # note\r\nc = x#y\r\n');
    const s = section(doc, 's');
    expect(s.keys.map((k) => [k.name, k.value, k.line])).toEqual([
      ['a', '1', 4],
      ['b', '2', 5],
      ['c', 'x#y', 6],
    ]);
  });

  it('keeps duplicate keys and sections; iniValue returns the last key, case-insensitively', () => {
    const doc = parseIni('[s]\nKey = 1\nkey = 2\n[s]\nkey = 3\n');
    expect(doc.sections).toHaveLength(2);
    const first = doc.sections[0];
    expect(first && iniValue(first, 'KEY')).toMatchObject({ value: '2', line: 3 });
  });

  it('collects more-indented lines as continuation of the key above (AWS nested settings)', () => {
    const doc = parseIni('[default]\ns3 =\n    max_concurrent_requests = 20\n    addressing_style = path\nregion = x\n');
    const s3 = iniValue(section(doc, 'default'), 's3');
    expect(s3?.continuation).toEqual([
      { line: 3, text: 'max_concurrent_requests = 20' },
      { line: 4, text: 'addressing_style = path' },
    ]);
    expect(iniValue(section(doc, 'default'), 'region')?.line).toBe(5);
  });

  it('reads equally indented keys as keys (gitconfig style)', () => {
    const doc = parseIni('[core]\n\tautocrlf = input\n\teditor = vim\n');
    expect(section(doc, 'core').keys.map((k) => k.name)).toEqual(['autocrlf', 'editor']);
  });

  it('lists garbage lines as unparsed without throwing', () => {
    const doc = parseIni('[broken\n= novalue\njust words\n[ok]\nk=v');
    expect(doc.unparsed.map((u) => u.line)).toEqual([1, 2, 3]);
    expect(section(doc, 'ok').keys).toHaveLength(1);
    expect(parseIni('')).toEqual({ sections: [], unparsed: [] });
  });

  it('splits on ":" only when asked', () => {
    expect(parseIni('[a]\nk: v\n').unparsed).toHaveLength(1);
    expect(parseIni('[a]\nk: v\n', { colonDelimiter: true }).sections[0]?.keys[0]).toMatchObject({ name: 'k', value: 'v' });
    // The first delimiter wins, as in configparser.
    expect(parseIni('[a]\nurl = https://x\n', { colonDelimiter: true }).sections[0]?.keys[0]).toMatchObject({ name: 'url', value: 'https://x' });
  });
});
