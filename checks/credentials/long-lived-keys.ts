import { credentialContents } from '../../src/collectors/credential-contents.js';
import { SAFER_STORAGE } from '../../src/credentials/safer-storage.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { stringList } from '../../src/engine/params-schema.js';
import type { RemediationAction } from '../../src/engine/remediation.js';

export default defineCheck({
  meta: {
    id: 'credentials.long-lived-keys',
    title: 'No long-lived static credentials where short-lived ones are expected',
    area: 'credentials',
    severity: 'medium',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'A static key on disk stays valid long after an agent session that read it: one prompt injection is enough to exfiltrate it for good. ' +
      'Short-lived credentials (SSO sessions, STS, credential helpers and keyrings) limit what a leak is worth. This check finds AWS AKIA keys, ' +
      'registry auths without a credential helper, gh tokens outside the keyring, npm and Terraform tokens, git-credentials, netrc and pgpass passwords, ' +
      'Google service-account keys and refresh tokens, and static kubeconfig tokens. It names the kind and a redacted hint, never the value.',
    references: [
      { title: 'AWS IAM best practices: use temporary credentials', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html' },
      { title: 'gitleaks rules (token shapes)', url: 'https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml' },
    ],
    fix: 'Replace each static credential with its short-lived mechanism (SSO, credential helper, keyring), then revoke the static one.',
  },
  params: {
    allowedStores: stringList('Stores whose static credentials are accepted here (aws, docker, gh, npm, git-credentials, terraform, netrc, pgpass, gcloud, kube, env).', []),
  },
  uses: [credentialContents],
  evaluate(facts, params) {
    const contents = facts.get(credentialContents);
    const allowed = new Set(params.allowedStores);
    const findings: Finding[] = [];
    for (const file of contents.files) {
      if (allowed.has(file.store)) continue;
      for (const sighting of file.sightings.filter((item) => item.longLived)) {
        findings.push({
          message: `${file.label} ${file.path}:${sighting.line} holds a long-lived ${sighting.kind} (${sighting.hint})${sighting.detail ? ` for ${sighting.detail}` : ''}`,
          location: { path: file.path, line: sighting.line },
          subject: file.user,
          actions: [manual(file.store)],
        });
      }
    }
    if (!allowed.has('env')) {
      for (const sighting of contents.env.filter((item) => item.longLived)) {
        findings.push({
          message: `environment variable ${sighting.variable} holds a long-lived ${sighting.kind} (${sighting.hint}); agents started from this session inherit it`,
          ...(contents.envOwner ? { subject: contents.envOwner } : {}),
          actions: [manual('env')],
        });
      }
    }
    const unparsed = contents.files.filter((file) => file.error).map((file) => `${file.path} (${file.error})`);
    const note = unparsed.length ? `; could not fully read ${unparsed.join(', ')}` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} long-lived credential(s) found${note}`, findings };
    return { status: 'pass', message: `no long-lived static credentials in ${contents.files.length} credential file(s)${note}` };
  },
});

function manual(store: string): RemediationAction {
  const advice = SAFER_STORAGE[store] ?? { text: 'Move the credential to a keychain or secret manager and revoke the stored one.' };
  return { kind: 'manual', text: advice.text, ...(advice.reference ? { reference: advice.reference } : {}) };
}
