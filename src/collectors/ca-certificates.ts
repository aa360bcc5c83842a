import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import type { Host } from '../host/host.js';
import { targetPaths } from '../host/target-paths.js';
import { parseBase64DerLines, parsePemCertificates, type CertificateInfo } from '../parsers/pem-certificates.js';
import { networkEnvironment } from './network-environment.js';
import { ROOT_STORE_SCRIPT, runPowerShell, powershellCommandLine } from './windows-commands.js';

// The certificates Node agents are told to trust (NODE_EXTRA_CA_CERTS, wherever it is set) and the
// system trust store: CA anchor folders and bundles on Linux (Debian/Ubuntu update-ca-certificates,
// RHEL/Fedora update-ca-trust, Arch trust anchors); the System keychain on macOS; the machine's Root
// store on Windows. The clock is read here, once, so that checks judge expiry without one.

export interface CertificateFile {
  path: string;
  certificates: CertificateInfo[];
  /** Blocks that are not certificates, with their line. */
  errors: { line: number; message: string }[];
  /** The file does not exist. */
  missing?: boolean;
  /** The file exists but cannot be read. */
  readError?: string;
}

export interface TrustStore {
  /** How the store is described in messages. */
  label: string;
  /** Linux: the anchor files and bundles read. */
  files: CertificateFile[];
  /** macOS and Windows: what the store command printed. */
  certificates: CertificateInfo[];
  command?: string;
  unavailable?: string;
}

export interface CaCertificates {
  /** One entry per distinct NODE_EXTRA_CA_CERTS path. */
  extraFiles: CertificateFile[];
  store: TrustStore;
  /** When the evidence was read (epoch ms), for expiry. */
  now: number;
}

/** Where distributions keep locally added CA anchors, and the bundles generated from them. */
export const LINUX_ANCHOR_FOLDERS = ['/usr/local/share/ca-certificates', '/etc/pki/ca-trust/source/anchors', '/usr/share/pki/ca-trust-source/anchors', '/etc/ca-certificates/trust-source/anchors'];
export const LINUX_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem'];
export const MACOS_SYSTEM_KEYCHAIN = ['security', 'find-certificate', '-a', '-p', '/Library/Keychains/System.keychain'] as const;

async function readCertificateFile(host: Host, path: string): Promise<CertificateFile> {
  try {
    const bytes = await host.readFile(path);
    if (!bytes) return { path, certificates: [], errors: [], missing: true };
    const text = bytes.toString('latin1');
    // A DER file (one binary certificate) is accepted by update-ca-trust; node reads only PEM from NODE_EXTRA_CA_CERTS.
    const parsed = parsePemCertificates(text);
    return { path, ...parsed };
  } catch (error) {
    return { path, certificates: [], errors: [], readError: describeError(error) };
  }
}

async function anchorFiles(host: Host, folder: string, depth = 0): Promise<string[]> {
  const names = (await host.listDir(folder).catch(() => undefined)) ?? [];
  const out: string[] = [];
  for (const name of names.sort()) {
    const path = `${folder}/${name}`;
    const info = await host.stat(path).catch(() => undefined);
    if (info?.type === 'dir' && depth < 2) out.push(...(await anchorFiles(host, path, depth + 1)));
    else if (info?.type === 'file' && /\.(crt|pem|cer)$/i.test(name)) out.push(path);
  }
  return out;
}

async function linuxStore(host: Host): Promise<TrustStore> {
  const paths: string[] = [];
  for (const folder of LINUX_ANCHOR_FOLDERS) paths.push(...(await anchorFiles(host, folder)));
  for (const bundle of LINUX_BUNDLES) paths.push(bundle);
  const files = (await Promise.all(paths.map((path) => readCertificateFile(host, path)))).filter((file) => !file.missing);
  return { label: `the system CA anchors and bundles (${[...LINUX_ANCHOR_FOLDERS.slice(0, 2), LINUX_BUNDLES[0]].join(', ')}, ...)`, files, certificates: [] };
}

async function darwinStore(host: Host): Promise<TrustStore> {
  const [command, ...args] = MACOS_SYSTEM_KEYCHAIN;
  const line = MACOS_SYSTEM_KEYCHAIN.join(' ');
  const label = 'the System keychain';
  if (host.kind !== 'live' && host.kind !== 'replay') return { label, files: [], certificates: [], command: line, unavailable: 'the keychain of an offline image cannot be read' };
  const result = await host.run(command, args, { timeoutMs: 10_000 });
  if (!result.ran || result.exitCode !== 0) return { label, files: [], certificates: [], command: line, unavailable: result.unavailable ?? `exit ${result.exitCode}` };
  return { label, files: [], certificates: parsePemCertificates(result.stdout).certificates, command: line };
}

async function windowsStore(host: Host): Promise<TrustStore> {
  const label = 'the LocalMachine Root store';
  const command = powershellCommandLine(ROOT_STORE_SCRIPT);
  if (host.kind !== 'live' && host.kind !== 'replay') return { label, files: [], certificates: [], command, unavailable: 'the certificate store of an offline image cannot be read' };
  const run = await runPowerShell(host, ROOT_STORE_SCRIPT);
  if (run.stdout === undefined) return { label, files: [], certificates: [], command, unavailable: run.unavailable ?? 'not run' };
  return { label, files: [], certificates: parseBase64DerLines(run.stdout).certificates, command };
}

export const caCertificates = defineCollector<CaCertificates>({
  id: 'ca-certificates',
  description: 'certificates named by NODE_EXTRA_CA_CERTS and the system trust store',
  async collect({ host, get }) {
    const paths = targetPaths(host.platform);
    const env = await get(networkEnvironment);
    const extraPaths = new Set<string>();
    for (const source of env.sources) {
      for (const assignment of source.assignments) {
        if (assignment.name === 'NODE_EXTRA_CA_CERTS' && assignment.value !== '' && paths.isAbsolute(assignment.value)) extraPaths.add(paths.normalize(assignment.value));
      }
    }
    const extraFiles = await Promise.all([...extraPaths].map((path) => readCertificateFile(host, path)));
    const store = host.platform === 'linux' ? await linuxStore(host) : host.platform === 'darwin' ? await darwinStore(host) : await windowsStore(host);
    return { extraFiles, store, now: Date.now() };
  },
});
