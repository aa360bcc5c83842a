import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import AjvDraft04Module, { type Options, type ValidateFunction } from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// The SARIF 2.1.0 schema as @microsoft/jest-sarif ships it (draft-04, hence ajv-draft-04).
// ajv-draft-04 and ajv-formats are CommonJS: under NodeNext the default import is the module object.
const Ajv = (AjvDraft04Module as unknown as { default: new (options: Options) => { compile(schema: object): ValidateFunction } }).default;
const addFormats = (addFormatsModule as unknown as { default: (ajv: unknown) => unknown }).default;
const schemaFile = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);

/** Validation errors of a SARIF log against the SARIF 2.1.0 schema (empty when valid). */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validateSarif(log)) return [];
  return (validateSarif.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
