/** A credential found in a file; it names where and what, never the secret value. */
export interface CredentialSighting {
  /** 1-based line of the key (or value) holding the credential. */
  line: number;
  kind: string;
  /** Redacted hint from redactedHint(): public prefix and at most 4 trailing characters. */
  hint: string;
  longLived: boolean;
  /** Non-secret context, such as the host, profile or registry. */
  detail?: string;
}

/** What every credential-file scanner returns; error is set when the file could not be (fully) parsed. */
export interface ScanResult {
  sightings: CredentialSighting[];
  error?: string;
}
