import { redactedHint } from './redact.js';
import { TOKEN_SHAPES } from './token-shapes.js';

const PATTERNS = TOKEN_SHAPES.filter((shape) => !shape.markerOnly).map((shape) => ({
  shape,
  pattern: new RegExp(shape.pattern.source, `${shape.pattern.flags.replace('g', '')}g`),
}));

/**
 * Last line of defence: replaces anything token-shaped in text that leaves the process (error
 * messages, log lines) by its redacted hint. Findings never carry values in the first place.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const { shape, pattern } of PATTERNS) {
    out = out.replace(pattern, (match) => redactedHint(match, shape.publicPrefix.exec(match)?.[0]));
  }
  return out;
}
