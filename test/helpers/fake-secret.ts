// Fake secrets are assembled at run time so that no realistic secret literal sits in the repository.

export const UPPER_BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const WORD = `${ALNUM}_`;
export const BASE64 = `${ALNUM}+/`;

/** Deterministic pseudo-random string over an alphabet (a small LCG; the seed picks the string). */
export function fakeSecret(alphabet: string, length: number, seed = 1): string {
  let state = (seed * 2654435761) >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}

/** Asserts-friendly check that a value appears nowhere in a serialised result. */
export function leaks(result: unknown, secret: string): boolean {
  return JSON.stringify(result).includes(secret);
}
