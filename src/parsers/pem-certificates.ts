import { X509Certificate } from 'node:crypto';
import { splitLines } from '../util/text-lines.js';

// Certificates in PEM bundles (NODE_EXTRA_CA_CERTS files, CA anchors, `security find-certificate -p`)
// and as base64 DER lines (the Windows certificate store script), parsed with node:crypto.

export interface CertificateInfo {
  /** SHA-256 of the DER encoding, lower-case hex without separators. */
  sha256: string;
  subject: string;
  issuer: string;
  ca: boolean;
  /** Epoch milliseconds. */
  notBefore: number;
  notAfter: number;
  /** Line of the `-----BEGIN CERTIFICATE-----` (or of the base64 line). */
  line: number;
}

export interface CertificateParse {
  certificates: CertificateInfo[];
  /** Blocks that are not certificates node can read, with their line. */
  errors: { line: number; message: string }[];
}

/** `AB:CD:...` or `abcd...` (any case, `:` or space separated) -> `abcd...`; undefined when not 64 hex digits. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/^sha-?256[:=\s]*/i, '').replace(/[:\s]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

function describe(certificate: X509Certificate, line: number): CertificateInfo {
  return {
    sha256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
    subject: certificate.subject.replace(/\n/g, ', '),
    issuer: certificate.issuer.replace(/\n/g, ', '),
    ca: certificate.ca,
    notBefore: Date.parse(certificate.validFrom),
    notAfter: Date.parse(certificate.validTo),
    line,
  };
}

/** Every `CERTIFICATE` block of a PEM text; other blocks (keys, CRLs) are skipped, broken ones reported. */
export function parsePemCertificates(text: string): CertificateParse {
  const result: CertificateParse = { certificates: [], errors: [] };
  const lines = splitLines(text);
  let start = -1;
  let body: string[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (/^-----BEGIN CERTIFICATE-----$/.test(line) || /^-----BEGIN TRUSTED CERTIFICATE-----$/.test(line)) {
      if (start >= 0) result.errors.push({ line: start + 1, message: 'BEGIN CERTIFICATE without END' });
      start = index;
      body = [];
      return;
    }
    if (start < 0) return;
    if (/^-----END (TRUSTED )?CERTIFICATE-----$/.test(line)) {
      const at = start + 1;
      start = -1;
      try {
        const der = Buffer.from(body.join(''), 'base64');
        result.certificates.push(describe(new X509Certificate(der), at));
      } catch (error) {
        result.errors.push({ line: at, message: `not a certificate node can read (${(error as Error).message})` });
      }
      return;
    }
    if (!line.includes(':')) body.push(line);
  });
  if (start >= 0) result.errors.push({ line: start + 1, message: 'BEGIN CERTIFICATE without END' });
  return result;
}

/** One base64 DER certificate a line (the Windows certificate store script's output). */
export function parseBase64DerLines(text: string): CertificateParse {
  const result: CertificateParse = { certificates: [], errors: [] };
  splitLines(text).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      result.certificates.push(describe(new X509Certificate(Buffer.from(line, 'base64')), index + 1));
    } catch (error) {
      result.errors.push({ line: index + 1, message: `not a base64 DER certificate (${(error as Error).message})` });
    }
  });
  return result;
}
