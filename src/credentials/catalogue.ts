import type { Platform } from '../host/host.js';

// Where tools keep credentials (../shared/FACTS.md section 6). Paths are relative to a base folder of
// the user, written with `/`; the collector joins them in the target's own path flavour.

export type ScannerId =
  | 'aws'
  | 'docker'
  | 'gh'
  | 'npmrc'
  | 'netrc'
  | 'git-credentials'
  | 'terraform-json'
  | 'terraformrc'
  | 'pgpass'
  | 'gcloud-adc'
  | 'kubeconfig';

/** What a path is, and so how tight it must be. */
export type CredentialRole =
  /** A folder that holds credentials: 0700. */
  | 'secret-dir'
  /** A file that holds a secret: 0600. */
  | 'secret-file'
  /** A file others may read but must not write (ssh config, authorized_keys, known_hosts): 0644 at most. */
  | 'protected-config';

export type BaseFolder = 'home' | 'appdata' | 'xdg-config';

export interface CredentialPathSpec {
  store: string;
  label: string;
  base: BaseFolder;
  rel: string;
  role: CredentialRole;
  scan?: ScannerId;
  platforms?: readonly Platform[];
}

/** Folders whose children are discovered at scan time (caches, key folders). */
export interface CredentialFolderSpec {
  store: string;
  label: string;
  base: BaseFolder;
  rel: string;
  /** Which children are credentials, and their role. */
  children: { match: RegExp; role: CredentialRole; scan?: ScannerId }[];
  /** Other children whose first bytes match this are credentials too (keys with any name). */
  sniff?: { header: RegExp; role: CredentialRole; skip: RegExp };
  platforms?: readonly Platform[];
}

export interface EnvOverrideSpec {
  variable: string;
  store: string;
  label: string;
  /** A file, a folder, or a path list separated by the platform's delimiter (KUBECONFIG). */
  kind: 'file' | 'dir' | 'file-list';
  role: CredentialRole;
  scan?: ScannerId;
}

const UNIX: readonly Platform[] = ['linux', 'darwin'];
const WINDOWS: readonly Platform[] = ['win32'];

export const CREDENTIAL_PATHS: readonly CredentialPathSpec[] = [
  { store: 'aws', label: 'AWS CLI folder', base: 'home', rel: '.aws', role: 'secret-dir' },
  { store: 'aws', label: 'AWS shared credentials', base: 'home', rel: '.aws/credentials', role: 'secret-file', scan: 'aws' },
  { store: 'aws', label: 'AWS config', base: 'home', rel: '.aws/config', role: 'secret-file', scan: 'aws' },
  { store: 'azure', label: 'Azure CLI folder', base: 'home', rel: '.azure', role: 'secret-dir' },
  { store: 'azure', label: 'Azure MSAL token cache', base: 'home', rel: '.azure/msal_token_cache.json', role: 'secret-file' },
  { store: 'azure', label: 'Azure MSAL token cache', base: 'home', rel: '.azure/msal_token_cache.bin', role: 'secret-file' },
  { store: 'azure', label: 'Azure service principals', base: 'home', rel: '.azure/service_principal_entries.json', role: 'secret-file' },
  { store: 'azure', label: 'Azure legacy access tokens', base: 'home', rel: '.azure/accessTokens.json', role: 'secret-file' },
  { store: 'gcloud', label: 'gcloud folder', base: 'xdg-config', rel: 'gcloud', role: 'secret-dir', platforms: UNIX },
  { store: 'gcloud', label: 'gcloud folder', base: 'appdata', rel: 'gcloud', role: 'secret-dir', platforms: WINDOWS },
  { store: 'gcloud', label: 'gcloud application default credentials', base: 'xdg-config', rel: 'gcloud/application_default_credentials.json', role: 'secret-file', scan: 'gcloud-adc', platforms: UNIX },
  { store: 'gcloud', label: 'gcloud application default credentials', base: 'appdata', rel: 'gcloud/application_default_credentials.json', role: 'secret-file', scan: 'gcloud-adc', platforms: WINDOWS },
  { store: 'gcloud', label: 'gcloud credential database', base: 'xdg-config', rel: 'gcloud/credentials.db', role: 'secret-file', platforms: UNIX },
  { store: 'gcloud', label: 'gcloud access token cache', base: 'xdg-config', rel: 'gcloud/access_tokens.db', role: 'secret-file', platforms: UNIX },
  { store: 'gcloud', label: 'gcloud credential database', base: 'appdata', rel: 'gcloud/credentials.db', role: 'secret-file', platforms: WINDOWS },
  { store: 'gcloud', label: 'gcloud access token cache', base: 'appdata', rel: 'gcloud/access_tokens.db', role: 'secret-file', platforms: WINDOWS },
  { store: 'kube', label: 'kubectl folder', base: 'home', rel: '.kube', role: 'secret-dir' },
  { store: 'kube', label: 'kubeconfig', base: 'home', rel: '.kube/config', role: 'secret-file', scan: 'kubeconfig' },
  { store: 'ssh', label: 'SSH folder', base: 'home', rel: '.ssh', role: 'secret-dir' },
  { store: 'ssh', label: 'SSH authorized keys', base: 'home', rel: '.ssh/authorized_keys', role: 'protected-config' },
  { store: 'ssh', label: 'SSH authorized keys', base: 'home', rel: '.ssh/authorized_keys2', role: 'protected-config' },
  { store: 'ssh', label: 'SSH client config', base: 'home', rel: '.ssh/config', role: 'protected-config' },
  { store: 'docker', label: 'Docker client config', base: 'home', rel: '.docker/config.json', role: 'secret-file', scan: 'docker' },
  { store: 'netrc', label: 'netrc', base: 'home', rel: '.netrc', role: 'secret-file', scan: 'netrc' },
  { store: 'netrc', label: 'netrc', base: 'home', rel: '_netrc', role: 'secret-file', scan: 'netrc', platforms: WINDOWS },
  { store: 'git-credentials', label: 'git credential store', base: 'home', rel: '.git-credentials', role: 'secret-file', scan: 'git-credentials' },
  { store: 'git-credentials', label: 'git credential store', base: 'xdg-config', rel: 'git/credentials', role: 'secret-file', scan: 'git-credentials', platforms: UNIX },
  { store: 'npm', label: 'npm user config', base: 'home', rel: '.npmrc', role: 'secret-file', scan: 'npmrc' },
  { store: 'gh', label: 'GitHub CLI hosts', base: 'xdg-config', rel: 'gh/hosts.yml', role: 'secret-file', scan: 'gh', platforms: UNIX },
  { store: 'gh', label: 'GitHub CLI hosts', base: 'appdata', rel: 'GitHub CLI/hosts.yml', role: 'secret-file', scan: 'gh', platforms: WINDOWS },
  { store: 'pgpass', label: 'PostgreSQL password file', base: 'home', rel: '.pgpass', role: 'secret-file', scan: 'pgpass', platforms: UNIX },
  { store: 'pgpass', label: 'PostgreSQL password file', base: 'appdata', rel: 'postgresql/pgpass.conf', role: 'secret-file', scan: 'pgpass', platforms: WINDOWS },
  { store: 'terraform', label: 'Terraform credentials', base: 'home', rel: '.terraform.d/credentials.tfrc.json', role: 'secret-file', scan: 'terraform-json', platforms: UNIX },
  { store: 'terraform', label: 'Terraform credentials', base: 'appdata', rel: 'terraform.d/credentials.tfrc.json', role: 'secret-file', scan: 'terraform-json', platforms: WINDOWS },
  { store: 'terraform', label: 'Terraform CLI config', base: 'home', rel: '.terraformrc', role: 'secret-file', scan: 'terraformrc', platforms: UNIX },
  { store: 'terraform', label: 'Terraform CLI config', base: 'appdata', rel: 'terraform.rc', role: 'secret-file', scan: 'terraformrc', platforms: WINDOWS },
  { store: 'claude', label: 'Claude Code credentials', base: 'home', rel: '.claude/.credentials.json', role: 'secret-file' },
];

export const CREDENTIAL_FOLDERS: readonly CredentialFolderSpec[] = [
  { store: 'aws', label: 'AWS SSO token cache', base: 'home', rel: '.aws/sso/cache', children: [{ match: /\.json$/, role: 'secret-file' }] },
  { store: 'aws', label: 'AWS CLI credential cache', base: 'home', rel: '.aws/cli/cache', children: [{ match: /\.json$/, role: 'secret-file' }] },
  { store: 'gcloud', label: 'gcloud legacy credentials', base: 'xdg-config', rel: 'gcloud/legacy_credentials', children: [{ match: /./, role: 'secret-dir' }], platforms: UNIX },
  {
    store: 'ssh',
    label: 'SSH key',
    base: 'home',
    rel: '.ssh',
    // Private keys by name; public keys and known_hosts may be world-readable.
    children: [{ match: /^(id_[A-Za-z0-9_-]+|identity|[^.]+\.pem|[^.]+\.key)$/, role: 'secret-file' }],
    sniff: { header: /PRIVATE KEY-----/, role: 'secret-file', skip: /(\.pub|^known_hosts.*|^config|^authorized_keys2?|\.sock)$/ },
  },
];

export const CREDENTIAL_ENV_OVERRIDES: readonly EnvOverrideSpec[] = [
  { variable: 'AWS_SHARED_CREDENTIALS_FILE', store: 'aws', label: 'AWS shared credentials', kind: 'file', role: 'secret-file', scan: 'aws' },
  { variable: 'AWS_CONFIG_FILE', store: 'aws', label: 'AWS config', kind: 'file', role: 'secret-file', scan: 'aws' },
  { variable: 'AZURE_CONFIG_DIR', store: 'azure', label: 'Azure CLI folder', kind: 'dir', role: 'secret-dir' },
  { variable: 'CLOUDSDK_CONFIG', store: 'gcloud', label: 'gcloud folder', kind: 'dir', role: 'secret-dir' },
  { variable: 'GOOGLE_APPLICATION_CREDENTIALS', store: 'gcloud', label: 'Google credentials file', kind: 'file', role: 'secret-file', scan: 'gcloud-adc' },
  { variable: 'KUBECONFIG', store: 'kube', label: 'kubeconfig', kind: 'file-list', role: 'secret-file', scan: 'kubeconfig' },
  { variable: 'DOCKER_CONFIG', store: 'docker', label: 'Docker client folder', kind: 'dir', role: 'secret-dir' },
  { variable: 'NPM_CONFIG_USERCONFIG', store: 'npm', label: 'npm user config', kind: 'file', role: 'secret-file', scan: 'npmrc' },
  { variable: 'PGPASSFILE', store: 'pgpass', label: 'PostgreSQL password file', kind: 'file', role: 'secret-file', scan: 'pgpass' },
  { variable: 'TF_CLI_CONFIG_FILE', store: 'terraform', label: 'Terraform CLI config', kind: 'file', role: 'secret-file', scan: 'terraformrc' },
  { variable: 'GH_CONFIG_DIR', store: 'gh', label: 'GitHub CLI folder', kind: 'dir', role: 'secret-dir' },
  { variable: 'CLAUDE_CONFIG_DIR', store: 'claude', label: 'Claude Code folder', kind: 'dir', role: 'secret-dir' },
  { variable: 'NETRC', store: 'netrc', label: 'netrc', kind: 'file', role: 'secret-file', scan: 'netrc' },
];

/** Permission bits a path of this role must not have; the owner's own bits are the owner's business. */
export function forbiddenBits(role: CredentialRole, allowGroupRead = false): number {
  if (role === 'protected-config') return 0o022;
  return allowGroupRead ? 0o027 : 0o077;
}

export function appliesTo(spec: { platforms?: readonly Platform[] }, platform: Platform): boolean {
  return !spec.platforms || spec.platforms.includes(platform);
}
