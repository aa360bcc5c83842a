import { caCertificates, type CertificateFile } from '../../src/collectors/ca-certificates.js';
import { networkEnvironment, type EnvSource } from '../../src/collectors/network-environment.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { string } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';
import type { Platform } from '../../src/host/host.js';
import { locationOf, setVariableActions, subjectOf, whereSet } from '../../src/network/env-findings.js';
import { normalizeFingerprint, type CertificateInfo } from '../../src/parsers/pem-certificates.js';
import type { EnvAssignment } from '../../src/parsers/shell-env.js';

/** How to put a CA into the system store, per platform. */
function trustStoreFix(platform: Platform, ca: string): RemediationAction {
  if (platform === 'darwin') return { kind: 'manual', text: `Add the inspection CA (${ca}) to the System keychain as a trusted root: security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain <ca.pem>, or push it in a configuration profile.` };
  if (platform === 'win32') return { kind: 'manual', text: `Import the inspection CA (${ca}) into the machine's trusted roots: Import-Certificate -FilePath <ca.cer> -CertStoreLocation Cert:\\LocalMachine\\Root, or deploy it by group policy.` };
  return { kind: 'manual', text: `Install the inspection CA (${ca}): copy its PEM to /usr/local/share/ca-certificates/<name>.crt and run update-ca-certificates (Debian, Ubuntu), or to /etc/pki/ca-trust/source/anchors/ and run update-ca-trust (RHEL, Fedora).` };
}

function short(certificate: CertificateInfo): string {
  return `${certificate.subject.split(', ').find((part) => part.startsWith('CN=')) ?? certificate.subject} (SHA-256 ${certificate.sha256.slice(0, 16)}…)`;
}

export default defineCheck({
  meta: {
    id: 'network.tls-inspection-ca',
    title: 'Node agents and the system trust the TLS-inspection CA, and nothing turns verification off',
    area: 'network',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      "A TLS-inspecting proxy re-signs every connection with the organisation's CA. Node-based agents (Claude Code, MCP servers started with npx) " +
      'trust only their bundled roots plus the PEM file NODE_EXTRA_CA_CERTS names; when that is missing, broken or lacks the CA, they fail, and the ' +
      'usual workaround, NODE_TLS_REJECT_UNAUTHORIZED=0, turns certificate checks off for everything. This check parses every NODE_EXTRA_CA_CERTS file ' +
      '(env, system files, Claude Code settings) with node:crypto, flags NODE_TLS_REJECT_UNAUTHORIZED=0, and, when the baseline declares the ' +
      'inspection CA (inspectionCa: a SHA-256 fingerprint or the path of its PEM on the machine), requires it in NODE_EXTRA_CA_CERTS and in the ' +
      'system trust store (Linux CA anchors and bundles, the macOS System keychain, the Windows LocalMachine Root store).',
    references: [
      { title: 'Node.js: NODE_EXTRA_CA_CERTS', url: 'https://nodejs.org/api/cli.html#node_extra_ca_certsfile' },
      { title: 'Node.js: NODE_TLS_REJECT_UNAUTHORIZED', url: 'https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue' },
      { title: 'Claude Code: custom CA certificates (NODE_EXTRA_CA_CERTS, CLAUDE_CODE_CERT_STORE)', url: 'https://code.claude.com/docs/en/network-config' },
      { title: 'update-ca-certificates(8)', url: 'https://manpages.debian.org/stable/ca-certificates/update-ca-certificates.8.en.html' },
    ],
    fix: "Point NODE_EXTRA_CA_CERTS at a readable PEM with the organisation's inspection CA, install that CA in the system trust store, and remove NODE_TLS_REJECT_UNAUTHORIZED=0.",
  },
  params: {
    inspectionCa: string("The TLS-inspection CA: its SHA-256 fingerprint (hex, colons allowed) or the absolute path of its PEM on the audited machine. Empty: only NODE_EXTRA_CA_CERTS files and NODE_TLS_REJECT_UNAUTHORIZED are checked.", ''),
  },
  uses: [networkEnvironment, caCertificates],
  evaluate(facts, params) {
    const env = facts.get(networkEnvironment);
    const certs = facts.get(caCertificates);
    const findings: Finding[] = [];
    const notes: string[] = [];
    const allFiles = [...certs.extraFiles, ...certs.store.files];
    const fileAt = (path: string) => allFiles.find((file) => file.path === path);

    // The declared CA, as fingerprints.
    let declared: { fingerprints: Set<string>; label: string; path?: string } | undefined;
    if (params.inspectionCa.trim() !== '') {
      const fingerprint = normalizeFingerprint(params.inspectionCa);
      if (fingerprint) declared = { fingerprints: new Set([fingerprint]), label: `SHA-256 ${fingerprint.slice(0, 16)}…` };
      else if (/^([a-z]:\\|\/)/i.test(params.inspectionCa)) {
        const file = fileAt(params.inspectionCa);
        if (!file) {
          throw new Error(`inspectionCa ${params.inspectionCa} is neither a NODE_EXTRA_CA_CERTS file nor in a CA anchor folder of this machine, so it was not read; give its SHA-256 fingerprint instead`);
        }
        const cas = file.certificates.filter((certificate) => certificate.ca);
        if (cas.length === 0) throw new Error(`inspectionCa ${params.inspectionCa} holds no CA certificate`);
        declared = { fingerprints: new Set(cas.map((certificate) => certificate.sha256)), label: `${cas.map(short).join(', ')} from ${params.inspectionCa}`, path: params.inspectionCa };
      } else throw new Error(`inspectionCa must be a SHA-256 fingerprint (64 hex digits) or an absolute path, not "${params.inspectionCa}"`);
    }
    const contains = (file: CertificateFile | undefined) => !!declared && !!file?.certificates.some((certificate) => declared?.fingerprints.has(certificate.sha256));

    const fixPath = (source: EnvSource, assignment: EnvAssignment, why: string): RemediationAction[] =>
      declared?.path ? setVariableActions(source, assignment, declared.path) : [{ kind: 'manual', text: `Change NODE_EXTRA_CA_CERTS (set at ${whereSet(source, assignment)}) to the absolute path of a readable PEM file that holds the inspection CA (now: ${why}).` }];

    const settings: { source: EnvSource; assignment: EnvAssignment }[] = [];
    for (const source of env.sources) {
      for (const assignment of source.assignments) {
        const base = { location: locationOf(source, assignment), subject: subjectOf(source) };
        const where = whereSet(source, assignment);
        if (assignment.name === 'NODE_TLS_REJECT_UNAUTHORIZED' && assignment.value.trim() === '0') {
          findings.push({
            ...base,
            message: `${where}: NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate verification for every Node process that inherits it`,
            actions: setVariableActions(source, assignment, '1'),
          });
        }
        if (assignment.name !== 'NODE_EXTRA_CA_CERTS' || assignment.value.trim() === '') continue;
        if (source.scope !== 'services') settings.push({ source, assignment });
        const path = assignment.value.trim();
        const file = certs.extraFiles.find((item) => item.path === path) ?? fileAt(path);
        const problem = (text: string, fix: string) => findings.push({ ...base, message: `${where}: NODE_EXTRA_CA_CERTS=${path} ${text}`, actions: fixPath(source, assignment, fix) });
        if (!file) problem('is not an absolute path: Node resolves it against each process\'s working directory', 'use an absolute path');
        else if (file.missing) problem('does not exist: Node agents start without the extra CA (with only a warning)', 'the file is missing');
        else if (file.readError) problem(`cannot be read (${file.readError})`, 'the file is unreadable');
        else if (file.certificates.length === 0) problem(`holds no PEM certificate${file.errors[0] ? ` (line ${file.errors[0].line}: ${file.errors[0].message})` : ''}`, 'the file holds no certificate');
        else if (file.certificates.every((certificate) => certificate.notAfter < certs.now)) problem(`holds only expired certificates (${file.certificates.map(short).join(', ')})`, 'its certificates expired');
        else if (!file.certificates.some((certificate) => certificate.ca)) problem(`holds no CA certificate, only ${file.certificates.map(short).join(', ')}`, 'it holds no CA');
        else if (declared && !contains(file)) problem(`does not contain the inspection CA (${declared.label})`, `add ${declared.label}`);
      }
    }

    if (declared) {
      if (settings.length === 0) {
        const managed = env.sources.find((source) => source.kind === 'claude-settings' && source.level === 'managed');
        const actions: RemediationAction[] = [];
        if (env.platform === 'linux' && declared.path) actions.push({ kind: 'set-env-line', path: '/etc/environment', name: 'NODE_EXTRA_CA_CERTS', value: declared.path });
        else if (managed?.path && declared.path) actions.push({ kind: 'set-json-key', path: managed.path, keyPath: ['env', 'NODE_EXTRA_CA_CERTS'], value: declared.path });
        else actions.push({ kind: 'manual', text: `Set NODE_EXTRA_CA_CERTS to the path of a PEM file with the inspection CA (${declared.label}) for every session${env.platform === 'linux' ? ' in /etc/environment' : ''}, and in Claude Code's managed settings "env".` });
        findings.push({
          message: `Node agents are not given the inspection CA: NODE_EXTRA_CA_CERTS is not set in ${env.platform === 'linux' ? '/etc/environment, /etc/profile.d, ' : ''}Claude Code settings or the scan's environment`,
          ...(env.platform === 'linux' ? { location: { path: '/etc/environment' } } : managed?.path ? { location: { path: managed.path } } : {}),
          subject: 'system',
          actions,
        });
      }
      const store = certs.store;
      if (store.unavailable) notes.push(`${store.label} not verified (${store.unavailable})`);
      else {
        const inStore = store.files.some(contains) || store.certificates.some((certificate) => declared?.fingerprints.has(certificate.sha256));
        if (!inStore) {
          findings.push({
            message: `the inspection CA (${declared.label}) is not in ${store.label}${store.command ? ` (${store.command})` : ''}: system tools, browsers and Electron apps reject the proxy's certificates`,
            subject: 'system',
            actions: [trustStoreFix(env.platform, declared.label)],
          });
        }
      }
    }

    const note = notes.length ? `; ${notes.join('; ')}` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} TLS trust problem(s)${note}`, findings };
    if (!declared && settings.length === 0) return { status: 'skipped', message: 'no inspection CA declared (inspectionCa) and NODE_EXTRA_CA_CERTS is not set anywhere: nothing to verify' };
    const what = declared ? `the inspection CA (${declared.label}) is in NODE_EXTRA_CA_CERTS (${settings.length} setting(s)) and the system trust store` : `NODE_EXTRA_CA_CERTS (${settings.length} setting(s)) names readable PEM files with valid CA certificates; no inspection CA declared`;
    return { status: 'pass', message: `${what}${note}` };
  },
});
