// Escaping for the HTML report. Everything that comes from a report is untrusted: file names, messages and
// host names are chosen by whoever controls the audited machine, and a report may be read back from JSON.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Characters that would hide or reorder what the reader sees (C0/C1 controls, bidi overrides and
 * isolates, zero-width marks): shown as `[U+202E]` instead, so a crafted file name cannot pass for
 * another one. Tab and newline stay.
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function reveal(char: string): string {
  return `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Escapes a value for HTML text and for double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text.replace(INVISIBLE, reveal).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * The normalised URL when it is an absolute http(s) URL without credentials, else undefined: only
 * those become links. `javascript:`, `data:`, `file:`, relative and protocol-relative URLs stay text.
 */
export function safeHttpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // The URL parser forgives leading controls and spaces (" javascript:"); accept only a clean start.
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // user:pass@ can make a link read like another site (https://bank.example@evil.example/).
  if (url.username || url.password) return undefined;
  return url.href;
}
