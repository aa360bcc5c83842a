import { AREAS } from '../engine/check.js';

// Custom check ids live outside the built-in namespaces: at least two dot-separated kebab segments, and
// the first one is not a built-in area (`custom.acme.ssh-config`, `acme.ssh-config`). So a custom id can
// never collide with a built-in id today or later, since built-in ids always start with their area.
export const CUSTOM_ID = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$/;

/** Why an id cannot name a custom check, or undefined when it can. */
export function customIdProblem(id: string): string | undefined {
  if (!CUSTOM_ID.test(id)) return `"${id}" is not a check id: lower-case kebab segments joined by dots, at least two (custom.<org>.<name>)`;
  const first = id.split('.')[0] as string;
  if ((AREAS as readonly string[]).includes(first)) {
    return `"${id}" starts with the built-in area "${first}": custom ids use their own namespace, for example custom.<org>.<name>`;
  }
  return undefined;
}
