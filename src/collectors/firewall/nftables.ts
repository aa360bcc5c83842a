import type { Host } from '../../host/host.js';
import type { EgressRuleset } from '../../firewall/model.js';
import { parseNftConfig, type NftSourceLoader } from '../../parsers/nft-config.js';
import { parseNftJson } from '../../parsers/nft-json.js';
import { canRun, runCommand, unitEnabled, userResolver, whyUnavailable } from './evidence.js';

// nftables evidence. Live and recorded endpoints: the ruleset the kernel holds, `nft -j list ruleset`
// (loaded and enforcing when it has base chains). When nft is missing or may not list (not root), and
// always in an image: the configuration nftables.service loads at boot, /etc/nftables.conf (Debian,
// Arch) or /etc/sysconfig/nftables.conf (Fedora, RHEL), with everything it includes (/etc/nftables.d,
// /etc/nftables/*.nft...), active when nftables.service starts at boot.

export const NFT_LIST_ARGS = ['-j', 'list', 'ruleset'] as const;
/** Main configuration files nftables.service loads, by distribution. */
export const NFT_CONFIG_FILES = ['/etc/nftables.conf', '/etc/sysconfig/nftables.conf'] as const;
export const NFT_UNIT = 'nftables.service';

/** The target's files for the nft-language reader (read errors propagate: the reader records them). */
export function hostSourceLoader(host: Host): NftSourceLoader {
  return {
    read: async (path) => (await host.readFile(path))?.toString('utf8'),
    list: async (dir) => host.listDir(dir),
  };
}

function baseChainSummary(ruleset: EgressRuleset): { base: number; output: number } {
  const base = ruleset.chains.filter((chain) => chain.hook !== undefined);
  return { base: base.length, output: base.filter((chain) => chain.hook === 'output').length };
}

async function exists(host: Host, path: string): Promise<boolean> {
  try {
    return (await host.lstat(path)) !== undefined;
  } catch {
    // Present but not readable: the reader will say so.
    return true;
  }
}

const UNIT_FILES = ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'].map((dir) => `${dir}/${NFT_UNIT}`);

/** The file nftables.service loads (`ExecStart=/usr/sbin/nft -f FILE`), read from the first unit file found. */
async function unitConfigFile(host: Host): Promise<{ unit: string; file: string } | undefined> {
  for (const unit of UNIT_FILES) {
    let text: string | undefined;
    try {
      text = (await host.readFile(unit, 64 * 1024))?.toString('utf8');
    } catch {
      continue;
    }
    if (text === undefined) continue;
    for (const line of text.split(/\r?\n/)) {
      const exec = /^\s*ExecStart\s*=\s*[-@:+!]*(\S*nft)\s+(.*)$/.exec(line);
      const file = exec ? /(?:^|\s)(?:-f|--file)(?:\s+|=)(\S+)/.exec(exec[2] as string)?.[1] : undefined;
      if (file?.startsWith('/')) return { unit, file: file.replace(/^"(.*)"$/, '$1') };
    }
    return undefined;
  }
  return undefined;
}

/** The configuration files, with whether nftables.service loads them at boot. */
async function configRulesets(host: Host, why?: string): Promise<EgressRuleset[]> {
  const resolveUser = await userResolver(host);
  const loaded = await unitConfigFile(host);
  const candidates = [...new Set([...(loaded ? [loaded.file] : []), ...NFT_CONFIG_FILES])];
  const out: EgressRuleset[] = [];
  let service: Awaited<ReturnType<typeof unitEnabled>> | undefined;
  for (const path of candidates) {
    if (!(await exists(host, path))) continue;
    const ruleset = await parseNftConfig(hostSourceLoader(host), path, { resolveUser });
    service ??= await unitEnabled(host, [NFT_UNIT]);
    const included = ruleset.sources.filter((source) => source !== path);
    const includes = included.length > 0 ? `; it includes ${included.join(', ')}` : '';
    const prefix = why ? `${why}; ` : '';
    if (loaded && loaded.file !== path) {
      // Another distribution's file: the unit does not load it.
      ruleset.active = false;
      ruleset.activeEvidence = `${prefix}${loaded.unit} loads ${loaded.file}, not ${path}${includes}`;
    } else {
      ruleset.active = service.enabled;
      const verb = service.enabled === undefined ? '' : service.enabled ? `, which loads ${path} at boot` : `, so ${path} is not loaded at boot`;
      ruleset.activeEvidence = `${prefix}${service.evidence}${verb}${includes}`;
    }
    out.push(ruleset);
  }
  return out;
}

/**
 * Every nftables ruleset the target shows: the live one when `nft -j list ruleset` works, otherwise the
 * boot configuration. Empty when there is no nftables evidence at all. Never throws.
 */
export async function collectNftables(host: Host): Promise<EgressRuleset[]> {
  if (host.platform !== 'linux') return [];
  let why: string | undefined;
  if (canRun(host)) {
    const result = await runCommand(host, 'nft', NFT_LIST_ARGS);
    if (result.ran && result.exitCode === 0 && result.stdout.trim() !== '') {
      const resolveUser = await userResolver(host);
      const ruleset = parseNftJson(result.stdout, 'nftables ruleset (nft -j list ruleset)', { resolveUser });
      ruleset.sources = [`nft ${NFT_LIST_ARGS.join(' ')}`];
      if (ruleset.errors.length > 0 && ruleset.chains.length === 0) {
        ruleset.active = undefined;
        ruleset.activeEvidence = `nft -j list ruleset printed something that is not a ruleset (${ruleset.errors[0]?.message ?? ''})`;
      } else {
        const { base, output } = baseChainSummary(ruleset);
        ruleset.active = base > 0;
        ruleset.activeEvidence =
          base > 0
            ? `nft -j list ruleset shows ${base} base chain${base === 1 ? '' : 's'} loaded (${output} on the output hook)`
            : 'nft -j list ruleset shows no base chain: nftables filters nothing';
      }
      return [ruleset];
    }
    why = `nft -j list ruleset gave no ruleset (${whyUnavailable(result)}), so the boot configuration was read instead`;
  }
  return configRulesets(host, why);
}
