import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './scenarios.js';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas/fleet-summary.schema.json'), 'utf8')) as object;
// Union types (["integer", "null"]) are how the schema says "a number, or null when there is none".
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** Validation errors of a fleet summary against schemas/fleet-summary.schema.json (empty when valid). */
export function fleetSchemaErrors(summary: unknown): string[] {
  if (validate(summary)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
