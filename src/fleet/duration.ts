// Durations for --max-age (7d, 36h, 90m, 2w, 3600s) and report ages as people read them.

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds in a duration such as `7d`, `36h`, `1.5d`; undefined when it is not one (or is zero). */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  if (!match) return undefined;
  const seconds = Math.round(Number(match[1]) * (UNIT_SECONDS[(match[2] ?? '').toLowerCase()] ?? Number.NaN));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** `45m`, `5h`, `3d 4h`, `in the future`. */
export function formatAge(seconds: number): string {
  if (seconds < 0) return 'in the future';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return hours ? `${days}d ${hours}h` : `${days}d`;
}
