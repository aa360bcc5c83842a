import { shellProfiles } from '../../src/collectors/shell-profiles.js';
import { defineCheck, type Finding } from '../../src/engine/check.js';
import { stringList } from '../../src/engine/params-schema.js';

export default defineCheck({
  meta: {
    id: 'credentials.secrets-in-shell-profiles',
    title: 'No API keys or tokens in shell start-up files',
    area: 'credentials',
    severity: 'high',
    platforms: ['linux', 'darwin', 'win32'],
    targets: ['live', 'root', 'replay'],
    rationale:
      'Keys exported from .bashrc, .zshrc, /etc/environment or a PowerShell profile land in the environment of every process, agents and the MCP servers ' +
      'they start included, and any agent that reads dot-files reads them in plain text. Token shapes follow the gitleaks rules; variables named like ' +
      'secrets (…_API_KEY, …_TOKEN, …_SECRET, …PASSWORD) with a literal value count too. Findings name the file, line, kind and a redacted hint only.',
    references: [
      { title: 'gitleaks rules (token shapes)', url: 'https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml' },
      { title: 'Claude Code: environment variables are inherited by tools and MCP servers', url: 'https://code.claude.com/docs/en/settings#environment-variables' },
    ],
    fix: 'Delete the secret from the start-up file, rotate it, and load it at use time from the OS keychain or a secret manager.',
  },
  params: {
    ignoreVariables: stringList('Variable names that hold no secret despite their name (for example DB_PASSWORD_FILE).', []),
  },
  uses: [shellProfiles],
  evaluate(facts, params) {
    const profiles = facts.get(shellProfiles);
    const ignored = new Set(params.ignoreVariables);
    const findings: Finding[] = profiles.sightings
      .filter((sighting) => !(sighting.variable && ignored.has(sighting.variable)))
      .map((sighting) => ({
        message: `${sighting.path}:${sighting.line}: ${sighting.kind}${sighting.variable ? ` ${sighting.variable}` : ''} (${sighting.hint})`,
        location: { path: sighting.path, line: sighting.line },
        subject: sighting.owner,
        actions: [{ kind: 'manual', text: `Remove the secret from ${sighting.path} line ${sighting.line}, rotate it, and load it from a keychain or secret manager when needed.` }],
      }));
    const unreadable = profiles.unreadable.length ? `; ${profiles.unreadable.length} file(s) could not be read (${profiles.unreadable.map((item) => item.path).join(', ')})` : '';
    if (findings.length > 0) return { status: 'fail', message: `${findings.length} secret(s) in ${new Set(findings.map((f) => f.location?.path)).size} start-up file(s)${unreadable}`, findings };
    return { status: 'pass', message: `no secrets in ${profiles.read.length} start-up file(s)${unreadable}` };
  },
});
