import type { ScannerId } from '../credentials/catalogue.js';
import { defineCollector } from '../engine/collector.js';
import { describeError } from '../engine/fact-store.js';
import { scanAwsFile } from '../parsers/aws-credentials.js';
import type { CredentialSighting, ScanResult } from '../parsers/credential-sighting.js';
import { scanDockerConfig } from '../parsers/docker-config.js';
import { scanGcloudCredentials } from '../parsers/gcloud-adc.js';
import { scanGhHosts } from '../parsers/gh-hosts.js';
import { scanGitCredentials } from '../parsers/git-credentials.js';
import { scanKubeconfig } from '../parsers/kubeconfig.js';
import { scanNetrc } from '../parsers/netrc.js';
import { scanNpmrc } from '../parsers/npmrc.js';
import { scanPgpass } from '../parsers/pgpass.js';
import { scanTerraformCredentials } from '../parsers/terraform-credentials.js';
import { findTokens } from '../secrets/token-shapes.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { credentialPaths } from './credential-paths.js';

/** Credential files are small; 32 reads in flight keep the disk busy without holding thousands at once. */
const READ_CONCURRENCY = 32;

const SCANNERS: Record<ScannerId, (text: string) => ScanResult> = {
  aws: scanAwsFile,
  docker: scanDockerConfig,
  gh: scanGhHosts,
  npmrc: scanNpmrc,
  netrc: scanNetrc,
  'git-credentials': scanGitCredentials,
  'terraform-json': scanTerraformCredentials,
  terraformrc: scanTerraformCredentials,
  pgpass: scanPgpass,
  'gcloud-adc': scanGcloudCredentials,
  kubeconfig: scanKubeconfig,
};

export interface FileSightings {
  path: string;
  user: string;
  store: string;
  label: string;
  sightings: CredentialSighting[];
  /** The file could not be read or parsed; what was found before the error still counts. */
  error?: string;
}

export interface EnvSighting {
  variable: string;
  kind: string;
  hint: string;
  longLived: boolean;
}

export interface CredentialContents {
  files: FileSightings[];
  /** Secrets in the scanning process's own environment (live and replay only). */
  env: EnvSighting[];
  envOwner?: string;
}

export const credentialContents = defineCollector<CredentialContents>({
  id: 'credential-contents',
  description: 'kinds of credentials stored in credential files (values never leave the collector)',
  async collect({ host, get }) {
    const { found } = await get(credentialPaths);
    const scanned = await mapConcurrent(found, READ_CONCURRENCY, async (entry): Promise<FileSightings | undefined> => {
      if (!entry.scan || entry.info?.type !== 'file') return undefined;
      const base = { path: entry.path, user: entry.user.name, store: entry.store, label: entry.label };
      try {
        const bytes = await host.readFile(entry.path);
        if (!bytes) return undefined;
        const result = SCANNERS[entry.scan](bytes.toString('utf8'));
        return { ...base, sightings: result.sightings, ...(result.error ? { error: result.error } : {}) };
      } catch (error) {
        return { ...base, sightings: [], error: describeError(error) };
      }
    });
    const files = scanned.filter((file): file is FileSightings => file !== undefined);
    const env: EnvSighting[] = [];
    for (const [variable, value] of Object.entries(await host.env())) {
      for (const token of findTokens(value)) {
        env.push({ variable, kind: token.kind, hint: token.hint, longLived: token.longLived });
      }
    }
    const owner = (await host.currentUser())?.name;
    return { files, env, ...(owner ? { envOwner: owner } : {}) };
  },
});
