// A hint tells two findings apart and lets the owner recognise the key; it must never help anyone guess it.
const MIN_LENGTH_FOR_TAIL_4 = 12;
const MIN_LENGTH_FOR_TAIL_2 = 8;

/**
 * Fixed redacted form of a secret: the public prefix (AKIA, ghp_, sk-ant-api03-, xoxb-...) + `…` + last 4 characters;
 * without a known prefix or when short, `…` + at most the last 2 characters.
 */
export function redactedHint(value: string, shapePrefix?: string): string {
  const hasPrefix = shapePrefix !== undefined && shapePrefix !== '' && value.startsWith(shapePrefix);
  if (hasPrefix && value.length >= MIN_LENGTH_FOR_TAIL_4 && value.length - shapePrefix.length > 4) {
    return `${shapePrefix}…${value.slice(-4)}`;
  }
  return value.length >= MIN_LENGTH_FOR_TAIL_2 ? `…${value.slice(-2)}` : '…';
}
