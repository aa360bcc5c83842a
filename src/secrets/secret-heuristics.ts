// Heuristics for `NAME=value` pairs found outside the dedicated credential stores (env blocks, .env files).
// Tuned for few false positives: a security report that cries wolf gets ignored.
import { findTokens } from './token-shapes.js';

const SECRET_LAST_WORDS = new Set(['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'APIKEY']);
/** Secret only after another word: `PWD` and `PAT` alone are the working directory and a person. */
const SECRET_LAST_WORDS_QUALIFIED = new Set(['PWD', 'PAT']);
/** Words that make a trailing KEY a secret (API_KEY), unlike KEY_BINDINGS or SSH_KEY_PATH. */
const KEY_QUALIFIERS = new Set([
  'API',
  'ACCESS',
  'SECRET',
  'PRIVATE',
  'AUTH',
  'SIGNING',
  'ENCRYPTION',
  'MASTER',
  'ACCOUNT',
  'SUBSCRIPTION',
  'ADMIN',
]);

/** True for names such as OPENAI_API_KEY, GITHUB_TOKEN, DB_PASSWORD, clientSecret; false for PATH, KEY_BINDINGS. */
export function isSecretLikeName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  const previous = words[words.length - 2];
  if (previous === undefined) return false;
  if (SECRET_LAST_WORDS_QUALIFIED.has(last)) return true;
  return last === 'KEY' && KEY_QUALIFIERS.has(previous);
}

/** Upper-case words of an identifier, split at separators and camelCase humps (apiKey -> API, KEY). */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
}

/** The value without one pair of matching surrounding quotes, trimmed. */
export function stripMatchingQuotes(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2) {
    const first = trimmed[0];
    if ((first === '"' || first === "'") && trimmed.endsWith(first)) return trimmed.slice(1, -1).trim();
  }
  return trimmed;
}

const REFERENCE_PATTERNS: readonly RegExp[] = [
  /\$\{[^}]*\}/, // ${VAR}, ${input:x}, ${env:X}, ${localEnv:X}
  /\$\([^)]*\)/, // $(cmd)
  /`[^`]*`/, // `cmd`
  /%[A-Za-z_][\w()]*%/, // %VAR%
  /\$env:[A-Za-z_]/i, // PowerShell
  /(?:^|[\s"'=:/@])\$[A-Za-z_]\w*/, // $VAR (not a `$` inside a password)
  /\{\{[^}]*\}\}/, // {{ secrets.X }} templates
  /^op:\/\//, // 1Password secret reference
];

/** True when the value is (or embeds) a reference that is resolved elsewhere, not the secret itself. */
export function isReferenceValue(value: string): boolean {
  return REFERENCE_PATTERNS.some((p) => p.test(value));
}

const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^(.)\1*$/s, // all the same character: ********, 00000000
  /^x{3,}/i,
  /x{4,}/i,
  /\.\.\.|…|\*{3,}/, // elided or masked
  /^<.*>$/,
  /^\[.*\]$/,
  /change[-_ ]?me/i,
  /replace[-_ ]?me/i,
  /^your[-_ ]/i,
  /[-_ ]here$/i,
  /placeholder/i,
  /EXAMPLE(?:KEY)?$/, // AWS documentation keys
  /^(?:example|sample|dummy|test|todo|tbd|none|null|undefined|secret|password|token|redacted)$/i,
];

/** True for obvious placeholders: changeme, xxxx, <your-key>, your_api_key_here, REPLACE_ME, ********. */
export function isPlaceholderValue(value: string): boolean {
  const v = stripMatchingQuotes(value);
  return v === '' || PLACEHOLDER_PATTERNS.some((p) => p.test(v));
}

const MIN_LITERAL_SECRET_LENGTH = 8;

/** True for a literal value (quotes stripped) of 8+ characters that is neither a reference nor a placeholder. */
export function isLiteralSecretValue(value: string): boolean {
  const v = stripMatchingQuotes(value);
  return v.length >= MIN_LITERAL_SECRET_LENGTH && !isReferenceValue(v) && !isPlaceholderValue(v);
}

// `NAME=value`, `NAME: value`, `"NAME": "value"`, `--name value`, `-e NAME=value`, `ENV NAME value`: a
// secret-like name followed by a literal value, in the syntaxes configuration files mix.
const ASSIGNMENTS: readonly RegExp[] = [
  /["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*("[^"]*"|'[^']*'|\$\{[^}]*\}[^\s,;#]*|[^\s,;#}\]]+)/g,
  /--([A-Za-z][\w-]*)[=\s]+("[^"]*"|'[^']*'|\$\{[^}]*\}\S*|[^\s-][^\s]*)/g,
  /\bENV\s+([A-Za-z_]\w*)\s+("[^"]*"|'[^']*'|\S+)/g,
];

/**
 * True when a line of some configuration file holds a secret value: a token shape anywhere, or a
 * secret-like name given a literal (not a reference, not a placeholder). Used before file text is quoted
 * into a report, such as the context of a suggested diff.
 */
export function lineHoldsSecret(line: string): boolean {
  if (findTokens(line).length > 0) return true;
  for (const pattern of ASSIGNMENTS) {
    for (const match of line.matchAll(pattern)) {
      const [, name, value] = match;
      if (name !== undefined && value !== undefined && isSecretLikeName(name) && isLiteralSecretValue(value)) return true;
    }
  }
  return false;
}
