// What to use instead of a static credential, per store: the text of each "manual" remediation.

export const SAFER_STORAGE: Record<string, { text: string; reference?: string }> = {
  aws: { text: 'Replace static access keys with IAM Identity Center (aws configure sso) or credential_process, then deactivate and delete the keys.', reference: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html' },
  docker: { text: 'Set a credential helper (credsStore: osxkeychain, wincred, pass or secretservice) and run docker login again so the file holds no auth.', reference: 'https://docs.docker.com/reference/cli/docker/login/#credential-stores' },
  gh: { text: 'Run gh auth login without --insecure-storage so the token lives in the system keyring, then revoke the old token.', reference: 'https://cli.github.com/manual/gh_auth_login' },
  npm: { text: 'Keep the token out of .npmrc: reference ${NPM_TOKEN} from a secret manager, prefer short-lived granular tokens, and revoke the old one.', reference: 'https://docs.npmjs.com/using-private-packages-in-a-ci-cd-workflow' },
  'git-credentials': { text: 'Use a keychain-backed credential helper (osxkeychain, manager, libsecret) instead of credential.helper=store, delete the file and revoke its tokens.', reference: 'https://git-scm.com/docs/gitcredentials' },
  terraform: { text: 'Use a credentials helper or short-lived team tokens instead of tokens in the CLI config, and revoke the stored token.', reference: 'https://developer.hashicorp.com/terraform/cli/config/config-file#credentials-helpers' },
  netrc: { text: 'Move the password to a keychain or secret manager and delete it from the netrc file.' },
  pgpass: { text: 'Prefer IAM/Kerberos/certificate authentication or a secret manager over passwords in the pgpass file.', reference: 'https://www.postgresql.org/docs/current/libpq-pgpass.html' },
  gcloud: { text: 'Use gcloud auth application-default login with service-account impersonation or workload identity federation; delete service-account key files and disable the keys.', reference: 'https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys' },
  kube: { text: 'Use an exec credential plugin (OIDC or the cloud provider\'s) instead of static tokens, passwords or client keys in kubeconfig.', reference: 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins' },
  env: { text: 'Do not export long-lived keys into the environment agents inherit; fetch short-lived credentials at use time.' },
};
