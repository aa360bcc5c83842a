// Every value a remediation script carries goes through one of these: nothing from a report (file
// names, user names, ACL entries) ever reaches a shell unquoted.

/** POSIX shell single-quoted word: the only special character inside is `'`, written as '\''. */
export function bashQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** PowerShell verbatim string: the only special characters are quotes, doubled (typographic ones too). */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote)}'`;
}

/** A comment line that cannot end early: newlines and control characters are shown escaped. */
export function commentText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
