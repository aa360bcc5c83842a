import { redactedHint } from './redact.js';

/** A recognisable secret format (after the gitleaks rules). */
export interface TokenShape {
  id: string;
  /** Human label for reports. */
  kind: string;
  pattern: RegExp;
  /** False for credentials that expire within hours (STS, GitHub App tokens). */
  longLived: boolean;
  /** Matches the non-secret start of a value of this shape. */
  publicPrefix: RegExp;
  /** The match is a marker (a PEM header) rather than the secret itself, so it may be shown as is. */
  markerOnly?: boolean;
}

export interface TokenSighting {
  shapeId: string;
  kind: string;
  longLived: boolean;
  hint: string;
  /** 1-based column of the first character of the match. */
  column: number;
}

export const TOKEN_SHAPES: readonly TokenShape[] = [
  {
    id: 'aws-access-key-id',
    kind: 'AWS access key ID',
    pattern: /\b(?:AKIA|ABIA|ACCA)[A-Z2-7]{16}\b/,
    longLived: true,
    publicPrefix: /^(?:AKIA|ABIA|ACCA)/,
  },
  {
    id: 'aws-temporary-access-key-id',
    kind: 'AWS access key ID',
    pattern: /\bASIA[A-Z2-7]{16}\b/,
    longLived: false,
    publicPrefix: /^ASIA/,
  },
  {
    id: 'github-pat',
    kind: 'GitHub personal access token (classic)',
    pattern: /\bghp_[0-9a-zA-Z]{36}\b/,
    longLived: true,
    publicPrefix: /^ghp_/,
  },
  {
    id: 'github-fine-grained-pat',
    kind: 'GitHub fine-grained personal access token',
    pattern: /\bgithub_pat_\w{82}\b/,
    longLived: true,
    publicPrefix: /^github_pat_/,
  },
  {
    id: 'github-oauth',
    kind: 'GitHub OAuth access token',
    pattern: /\bgho_[0-9a-zA-Z]{36}\b/,
    longLived: true,
    publicPrefix: /^gho_/,
  },
  {
    id: 'github-app-user-token',
    kind: 'GitHub App user access token',
    pattern: /\bghu_[0-9a-zA-Z]{36}\b/,
    longLived: false,
    publicPrefix: /^ghu_/,
  },
  {
    id: 'github-app-installation-token',
    kind: 'GitHub App installation token',
    pattern: /\bghs_[0-9a-zA-Z]{36}\b/,
    longLived: false,
    publicPrefix: /^ghs_/,
  },
  {
    id: 'github-refresh-token',
    kind: 'GitHub refresh token',
    pattern: /\bghr_[0-9a-zA-Z]{36}\b/,
    longLived: true,
    publicPrefix: /^ghr_/,
  },
  {
    id: 'anthropic-api-key',
    kind: 'Anthropic API key',
    pattern: /(?<![\w-])sk-ant-api03-[\w-]{93}AA(?![\w-])/,
    longLived: true,
    publicPrefix: /^sk-ant-api03-/,
  },
  {
    id: 'anthropic-admin-key',
    kind: 'Anthropic Admin API key',
    pattern: /(?<![\w-])sk-ant-admin01-[\w-]{93}AA(?![\w-])/,
    longLived: true,
    publicPrefix: /^sk-ant-admin01-/,
  },
  {
    id: 'openai-api-key',
    kind: 'OpenAI API key',
    pattern: /(?<![\w-])sk-(?:proj|svcacct|admin)-[\w-]*T3BlbkFJ[\w-]*/,
    longLived: true,
    publicPrefix: /^sk-(?:proj|svcacct|admin)-/,
  },
  {
    id: 'openai-legacy-api-key',
    kind: 'OpenAI API key',
    pattern: /\bsk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}\b/,
    longLived: true,
    publicPrefix: /^sk-/,
  },
  {
    id: 'slack-token',
    kind: 'Slack token',
    pattern: /\bxox[bpe]-[0-9A-Za-z-]{10,}/,
    longLived: true,
    publicPrefix: /^xox[bpe]-/,
  },
  {
    id: 'gitlab-pat',
    kind: 'GitLab personal access token',
    pattern: /\bglpat-[\w-]{20}(?![\w-])/,
    longLived: true,
    publicPrefix: /^glpat-/,
  },
  {
    id: 'npm-access-token',
    kind: 'npm access token',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/,
    longLived: true,
    publicPrefix: /^npm_/,
  },
  {
    id: 'private-key',
    kind: 'Private key',
    pattern: /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/,
    longLived: true,
    publicPrefix: /^-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/,
    markerOnly: true,
  },
];

const GLOBAL_PATTERNS = new Map(TOKEN_SHAPES.map((s) => [s, new RegExp(s.pattern.source, `${s.pattern.flags}g`)]));
const WHOLE_VALUE_PATTERNS = new Map(TOKEN_SHAPES.map((s) => [s, new RegExp(`^(?:${s.pattern.source})$`, s.pattern.flags)]));

/** Token-shaped substrings of one line, each with a redacted hint; the value itself is never returned. */
export function findTokens(line: string): TokenSighting[] {
  const found: TokenSighting[] = [];
  for (const shape of TOKEN_SHAPES) {
    const pattern = GLOBAL_PATTERNS.get(shape);
    if (!pattern) continue;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) {
      found.push({
        shapeId: shape.id,
        kind: shape.kind,
        longLived: shape.longLived,
        hint: hintForMatch(shape, m[0]),
        column: m.index + 1,
      });
    }
  }
  return found.sort((a, b) => a.column - b.column);
}

/** The shape a whole value has (surrounding whitespace ignored), if any. */
export function shapeOfValue(value: string): TokenShape | undefined {
  const trimmed = value.trim();
  return TOKEN_SHAPES.find((s) => !s.markerOnly && WHOLE_VALUE_PATTERNS.get(s)?.test(trimmed));
}

/**
 * Redacted hint for a credential value found by key (a parser knows it is secret): keeps the public prefix only when
 * the whole value has a known shape, and names the PEM header of an embedded private key.
 */
export function hintForValue(value: string): string {
  const trimmed = value.trim();
  const shape = shapeOfValue(trimmed);
  if (shape) return hintForMatch(shape, trimmed);
  const pem = TOKEN_SHAPES.find((s) => s.markerOnly && s.pattern.test(trimmed));
  if (pem) return pem.pattern.exec(trimmed)?.[0] ?? '…';
  return redactedHint(trimmed);
}

function hintForMatch(shape: TokenShape, match: string): string {
  if (shape.markerOnly) return match;
  return redactedHint(match, shape.publicPrefix.exec(match)?.[0]);
}
