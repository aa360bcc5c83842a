// Test certificates for the network scenarios and the recorded endpoints (fixtures/endpoints/*/files),
// generated once with OpenSSL 3.0; the private keys were thrown away, nothing here can sign anything.
//   corpInspectionCa: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500
//     -subj "/O=Example Corp/CN=Example Corp TLS Inspection CA" -addext basicConstraints=critical,CA:TRUE ...
//   otherCa: the same with -subj "/O=Fiddler Debug/CN=DO_NOT_TRUST_FiddlerRoot Example" (a debugging proxy's root)
//   leafCertificate: -subj "/CN=proxy.corp.example" -addext basicConstraints=critical,CA:FALSE (no CA)
//   expiredCa: openssl ca -selfsign -startdate 20190101000000Z -enddate 20210101000000Z (a CA, expired)
import { X509Certificate } from 'node:crypto';

export const corpInspectionCa = `-----BEGIN CERTIFICATE-----
MIIB5jCCAY2gAwIBAgIUTlXYBFRA1yIrHHHpsyKzza0soEEwCgYIKoZIzj0EAwIw
QDEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMScwJQYDVQQDDB5FeGFtcGxlIENvcnAg
VExTIEluc3BlY3Rpb24gQ0EwIBcNMjYxMTIxMTEwNzQ3WhgPMjEyNjEwMjgxMTA3
NDdaMEAxFTATBgNVBAoMDEV4YW1wbGUgQ29ycDEnMCUGA1UEAwweRXhhbXBsZSBD
b3JwIFRMUyBJbnNwZWN0aW9uIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
piCjAMe2UNekI2OoGoQjk6h8YD0zq8ftdmxQ6svpzjsXK2eWZuwO7nUxwaVeLEMO
KH3QK2TzlnxXns2A/Tmy4KNjMGEwHQYDVR0OBBYEFKlQBLA1A+PNj2PSQPW/a+2T
RydaMB8GA1UdIwQYMBaAFKlQBLA1A+PNj2PSQPW/a+2TRydaMA8GA1UdEwEB/wQF
MAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0cAMEQCIHoF8iEmWIYW
Rv7tN6h/66gorStrXQ7ETC0Q9maraNpFAiBVisZuNsW8PXrGLEAyjX3vWGz+8ptN
pX9vcky/+psOCA==
-----END CERTIFICATE-----
`;
export const otherCa = `-----BEGIN CERTIFICATE-----
MIIB7TCCAZOgAwIBAgIUYMqIGteETT8aKS2wtAeYk0YUqyEwCgYIKoZIzj0EAwIw
QzEWMBQGA1UECgwNRmlkZGxlciBEZWJ1ZzEpMCcGA1UEAwwgRE9fTk9UX1RSVVNU
X0ZpZGRsZXJSb290IEV4YW1wbGUwIBcNMjYxMTIxMTEwNzQ3WhgPMjEyNjEwMjgx
MTA3NDdaMEMxFjAUBgNVBAoMDUZpZGRsZXIgRGVidWcxKTAnBgNVBAMMIERPX05P
VF9UUlVTVF9GaWRkbGVyUm9vdCBFeGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEaxKwGRu0yoNnQ11QSHf/wcZ2hxHnjQnGWNzFF4GxKtovHx9MKU4+xB/3
6U3l+n3qupd4KXrSLaXWQdV2JdYjtKNjMGEwHQYDVR0OBBYEFIDofUkmCm49LQyr
OZUU6pyrDXAKMB8GA1UdIwQYMBaAFIDofUkmCm49LQyrOZUU6pyrDXAKMA8GA1Ud
EwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0gAMEUCIHk0
/uJFg34kV2X8b6wUEn3X0k1GUVnwaK8Ky4AMMX5gAiEA8SYBWHeI3oPt3uXxyN+V
iSAxb1dajzobi/1h8ScKYsY=
-----END CERTIFICATE-----
`;
export const leafCertificate = `-----BEGIN CERTIFICATE-----
MIIBrjCCAVOgAwIBAgIURX9AWxsUtdxYW/G679EzxVbnlGMwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwScHJveHkuY29ycC5leGFtcGxlMCAXDTI2MTEyMTExMDc0N1oY
DzIxMjYxMDI4MTEwNzQ3WjAdMRswGQYDVQQDDBJwcm94eS5jb3JwLmV4YW1wbGUw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ1bfLOxyx/3LAh1Y8W2N/CrX1ri3XW
TEL5pmAdMSYsX575CxqDu5EFj+EQGeJ6vMUvDYW8EoNg4suVz/A3j5cqo28wbTAd
BgNVHQ4EFgQU5Q5Bb6yysP5sNQJwwxIrfUhxxSUwHwYDVR0jBBgwFoAU5Q5Bb6yy
sP5sNQJwwxIrfUhxxSUwDAYDVR0TAQH/BAIwADAdBgNVHREEFjAUghJwcm94eS5j
b3JwLmV4YW1wbGUwCgYIKoZIzj0EAwIDSQAwRgIhAKu7AsDXIyKbDkflovOJEYjt
Yjxp4RWhg/1t4uB0oXxMAiEAvIJSVUwHP/vIVHohSPBFVjPmBjxzlAEAX9G0EQNT
bxk=
-----END CERTIFICATE-----
`;
export const expiredCa = `-----BEGIN CERTIFICATE-----
MIIBuzCCAWGgAwIBAgIBATAKBggqhkjOPQQDAjBFMRUwEwYDVQQKDAxFeGFtcGxl
IENvcnAxLDAqBgNVBAMMI0V4YW1wbGUgQ29ycCBPbGQgSW5zcGVjdGlvbiBDQSAy
MDE5MB4XDTE5MDEwMTAwMDAwMFoXDTIxMDEwMTAwMDAwMFowRTEVMBMGA1UECgwM
RXhhbXBsZSBDb3JwMSwwKgYDVQQDDCNFeGFtcGxlIENvcnAgT2xkIEluc3BlY3Rp
b24gQ0EgMjAxOTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLef3mFuw3kFyy8B
1DPvVwfRjyULIaNtatJy1/GygJ9BF9Z/1wsZ3DOaHqGHkF0KQRsyxp0Ymi4mbG87
0Wg0jiujQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1Ud
DgQWBBRg/mhGT74MWqxa9qruWyaFDVttojAKBggqhkjOPQQDAgNIADBFAiB9shge
3D3+7tqazYKYDkZTtqLPLXwZUYCeEnL/VQEvRQIhAPrZ3UArbJob/C7rIz0aZRUP
oVPIvz+KoASqAB3d1C2k
-----END CERTIFICATE-----
`;

/** SHA-256 fingerprint as the baseline's inspectionCa takes it (lower-case hex). */
export function sha256Of(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}
