// A small typed schema for check parameters and baseline values. One definition gives the TypeScript
// type, the defaults, strict validation with key paths, and the text of `checks explain` and the docs.

export type SchemaIssue = { path: (string | number)[]; message: string };

export interface Schema<T> {
  readonly type: string;
  readonly description: string;
  readonly defaultValue: T;
  /** Human form of the type for docs: `string`, `list of string`, `0..3650`. */
  describe(): string;
  validate(value: unknown, path: (string | number)[], issues: SchemaIssue[]): T | undefined;
}

type Infer<S> = S extends Schema<infer T> ? T : never;
export type InferParams<S extends Record<string, Schema<unknown>>> = { [K in keyof S]: Infer<S[K]> };

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'date';
  return typeof value;
}

export function string(description: string, defaultValue = '', pattern?: RegExp): Schema<string> {
  return {
    type: 'string',
    description,
    defaultValue,
    describe: () => (pattern ? `string matching ${pattern.source}` : 'string'),
    validate(value, path, issues) {
      if (typeof value !== 'string') {
        issues.push({ path, message: `expected a string, got ${typeName(value)}` });
        return undefined;
      }
      if (pattern && !pattern.test(value)) {
        issues.push({ path, message: `"${value}" does not match ${pattern.source}` });
        return undefined;
      }
      return value;
    },
  };
}

export function optionalString(description: string, pattern?: RegExp): Schema<string | undefined> {
  const inner = string(description, '', pattern);
  return {
    type: 'string',
    description,
    defaultValue: undefined,
    describe: () => `${inner.describe()} (optional)`,
    validate: (value, path, issues) => (value === undefined || value === null ? undefined : inner.validate(value, path, issues)),
  };
}

export function boolean(description: string, defaultValue: boolean): Schema<boolean> {
  return {
    type: 'boolean',
    description,
    defaultValue,
    describe: () => 'boolean',
    validate(value, path, issues) {
      if (typeof value !== 'boolean') {
        issues.push({ path, message: `expected true or false, got ${typeName(value)}` });
        return undefined;
      }
      return value;
    },
  };
}

export function integer(description: string, defaultValue: number, min: number, max: number): Schema<number> {
  return {
    type: 'integer',
    description,
    defaultValue,
    describe: () => `integer ${min}..${max}`,
    validate(value, path, issues) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        issues.push({ path, message: `expected a whole number, got ${typeName(value)}` });
        return undefined;
      }
      if (value < min || value > max) {
        issues.push({ path, message: `${value} is outside ${min}..${max}` });
        return undefined;
      }
      return value;
    },
  };
}

export function oneOf<const V extends string>(description: string, values: readonly V[], defaultValue: V): Schema<V> {
  return {
    type: 'enum',
    description,
    defaultValue,
    describe: () => values.join(' | '),
    validate(value, path, issues) {
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
        issues.push({ path, message: `expected one of ${values.join(', ')}, got ${JSON.stringify(value)}` });
        return undefined;
      }
      return value as V;
    },
  };
}

export function stringList(description: string, defaultValue: string[] = []): Schema<string[]> {
  return {
    type: 'string[]',
    description,
    defaultValue,
    describe: () => 'list of string',
    validate(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.push({ path, message: `expected a list, got ${typeName(value)}` });
        return undefined;
      }
      const out: string[] = [];
      value.forEach((item, index) => {
        if (typeof item === 'string') out.push(item);
        else issues.push({ path: [...path, index], message: `expected a string, got ${typeName(item)}` });
      });
      return out;
    },
  };
}

/**
 * A mapping of named fields (for example `egress: { allow: [...], probes: [...] }`): unknown keys are
 * errors, missing keys take their defaults, so a baseline sets only the fields it cares about.
 */
export function record<S extends Record<string, Schema<unknown>>>(description: string, fields: S): Schema<InferParams<S>> {
  return {
    type: 'record',
    description,
    defaultValue: defaultsOf(fields),
    describe: () => `mapping of ${Object.entries(fields).map(([name, field]) => `${name} (${field.describe()})`).join(', ')}`,
    validate(value, path, issues) {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
        issues.push({ path, message: `expected a mapping, got ${typeName(value)}` });
        return undefined;
      }
      const before = issues.length;
      const given = validateParams(fields, value, path, issues);
      if (issues.length > before) return undefined;
      return { ...defaultsOf(fields), ...given };
    },
  };
}

/** Validates an object of params strictly: unknown keys are errors, missing keys take defaults. */
export function validateParams<S extends Record<string, Schema<unknown>>>(
  schema: S,
  value: unknown,
  path: (string | number)[],
  issues: SchemaIssue[],
): Partial<InferParams<S>> {
  const out: Record<string, unknown> = {};
  if (value === undefined || value === null) return out as Partial<InferParams<S>>;
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path, message: `expected a mapping, got ${typeName(value)}` });
    return out as Partial<InferParams<S>>;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = schema[key];
    if (!field) {
      const known = Object.keys(schema);
      issues.push({
        path: [...path, key],
        message: `unknown parameter "${key}"${known.length ? ` (known: ${known.join(', ')})` : ' (this check takes no parameters)'}`,
      });
      continue;
    }
    const checked = field.validate(item, [...path, key], issues);
    if (checked !== undefined || item === null) out[key] = checked;
  }
  return out as Partial<InferParams<S>>;
}

export function defaultsOf<S extends Record<string, Schema<unknown>>>(schema: S): InferParams<S> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) out[key] = field.defaultValue;
  return out as InferParams<S>;
}
