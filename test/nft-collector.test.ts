import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectNftables } from '../src/collectors/firewall/nftables.js';
import { evaluateEgress } from '../src/firewall/evaluate.js';
import { RootHost } from '../src/host/root-host.js';
import { ReplayHost, type ReplaySpec } from '../src/host/replay-host.js';
import { makeTempDir, removeTempDirs, writeFileAt } from './support/host-trees.js';

// nftables evidence through the Host: an image (RootHost on a temporary folder: configuration files,
// include globs, users, whether nftables.service starts at boot) and a recorded endpoint (the live
// `nft -j list ruleset`, or the files when nft may not list).

afterAll(removeTempDirs);

const MAIN = `#!/usr/sbin/nft -f
flush ruleset
include "/etc/nftables.d/*.nft"
`;
const EGRESS = `table inet egress {
  chain out {
    type filter hook output priority 0; policy drop;
    oif "lo" accept
    meta skuid "claude" tcp dport 443 ip daddr 203.0.113.0/24 accept
  }
}
`;

function image(options: { link?: 'enabled' | 'masked' | 'none'; main?: string } = {}): string {
  const root = makeTempDir('nft-image');
  writeFileAt(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nclaude:x:1001:1001::/home/claude:/bin/bash\n');
  writeFileAt(path.join(root, 'etc/group'), 'root:x:0:\nclaude:x:1001:\n');
  if (options.main !== '') writeFileAt(path.join(root, 'etc/nftables.conf'), options.main ?? MAIN);
  writeFileAt(path.join(root, 'etc/nftables.d/10-egress.nft'), EGRESS);
  writeFileAt(path.join(root, 'etc/nftables.d/.20-editor-backup.nft'), 'this is not nft\n');
  writeFileAt(path.join(root, 'lib/systemd/system/nftables.service'), '[Unit]\nDescription=nftables\n[Install]\nWantedBy=sysinit.target\n');
  if (options.link === 'enabled') {
    mkdirSync(path.join(root, 'etc/systemd/system/sysinit.target.wants'), { recursive: true });
    symlinkSync('/lib/systemd/system/nftables.service', path.join(root, 'etc/systemd/system/sysinit.target.wants/nftables.service'));
  } else if (options.link === 'masked') {
    mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
    symlinkSync('/dev/null', path.join(root, 'etc/systemd/system/nftables.service'));
  }
  return root;
}

describe('collectNftables on an image', () => {
  it('reads the boot configuration with its include glob and user names, active when nftables.service is enabled', async () => {
    const rulesets = await collectNftables(new RootHost(image({ link: 'enabled' })));
    expect(rulesets).toHaveLength(1);
    const [ruleset] = rulesets;
    expect(ruleset).toMatchObject({ backend: 'nftables', label: 'nftables configuration /etc/nftables.conf', active: true, errors: [] });
    expect(ruleset?.sources).toEqual(['/etc/nftables.conf', '/etc/nftables.d/10-egress.nft']);
    expect(ruleset?.activeEvidence).toMatch(/sysinit\.target\.wants\/nftables\.service/);
    expect(ruleset?.activeEvidence).toMatch(/includes \/etc\/nftables\.d\/10-egress\.nft/);
    const allowed = ruleset && evaluateEgress(ruleset, { address: '203.0.113.7', family: 'ipv4', protocol: 'tcp', port: 443, uid: 1001 });
    expect(allowed).toMatchObject({ verdict: 'allow', decidedBy: { path: '/etc/nftables.d/10-egress.nft', line: 5 } });
    const other = ruleset && evaluateEgress(ruleset, { address: '203.0.113.7', family: 'ipv4', protocol: 'tcp', port: 443, uid: 1000 });
    expect(other).toMatchObject({ verdict: 'deny', decidedBy: { path: '/etc/nftables.d/10-egress.nft', line: 3 } });
  });

  it('is not active when the unit is installed but not linked, or masked', async () => {
    const [notLinked] = await collectNftables(new RootHost(image({ link: 'none' })));
    expect(notLinked?.active).toBe(false);
    expect(notLinked?.activeEvidence).toMatch(/installed but not enabled/);
    const [masked] = await collectNftables(new RootHost(image({ link: 'masked' })));
    expect(masked?.active).toBe(false);
    expect(masked?.activeEvidence).toMatch(/masked/);
  });

  it('reads the file the unit loads, and marks another distribution\'s file as not loaded', async () => {
    const root = image({ link: 'enabled' });
    writeFileAt(path.join(root, 'lib/systemd/system/nftables.service'), '[Service]\nType=oneshot\nExecStart=/usr/sbin/nft -f /etc/sysconfig/nftables.conf\n[Install]\nWantedBy=multi-user.target\n');
    writeFileAt(path.join(root, 'etc/sysconfig/nftables.conf'), 'table inet rhel { chain o { type filter hook output priority 0; policy drop; } }\n');
    const rulesets = await collectNftables(new RootHost(root));
    expect(rulesets.map((ruleset) => [ruleset.label, ruleset.active])).toEqual([
      ['nftables configuration /etc/sysconfig/nftables.conf', true],
      ['nftables configuration /etc/nftables.conf', false],
    ]);
    expect(rulesets[1]?.activeEvidence).toBe('/lib/systemd/system/nftables.service loads /etc/sysconfig/nftables.conf, not /etc/nftables.conf; it includes /etc/nftables.d/10-egress.nft');
  });

  it('has no evidence without a configuration file; reports a missing include', async () => {
    expect(await collectNftables(new RootHost(image({ main: '' })))).toEqual([]);
    const [broken] = await collectNftables(new RootHost(image({ link: 'enabled', main: 'include "/etc/nftables/main.nft"\n' })));
    expect(broken?.errors[0]).toMatchObject({ source: { path: '/etc/nftables.conf', line: 1 } });
    expect(broken?.errors[0]?.message).toMatch(/included file not found: \/etc\/nftables\/main\.nft/);
  });
});

describe('collectNftables on a recorded endpoint', () => {
  const LIVE = JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'filter', handle: 1 } },
      { chain: { family: 'inet', table: 'filter', name: 'output', handle: 1, type: 'filter', hook: 'output', prio: 0, policy: 'drop' } },
      { rule: { family: 'inet', table: 'filter', chain: 'output', handle: 4, expr: [{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 443 } }, { accept: null }] } },
    ],
  });

  function endpoint(command: ReplaySpec['commands']): ReplayHost {
    return new ReplayHost({
      platform: 'linux',
      users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }],
      files: { '/etc/nftables.conf': { content: 'table inet boot { chain o { type filter hook output priority 0; policy accept; } }\n' } },
      ...(command ? { commands: command } : {}),
    });
  }

  it('uses the live ruleset when nft lists it', async () => {
    const [live] = await collectNftables(endpoint({ 'nft -j list ruleset': { stdout: LIVE, exitCode: 0 } }));
    expect(live).toMatchObject({ label: 'nftables ruleset (nft -j list ruleset)', active: true, sources: ['nft -j list ruleset'] });
    expect(live?.activeEvidence).toBe('nft -j list ruleset shows 1 base chain loaded (1 on the output hook)');
    expect(live && evaluateEgress(live, { address: '192.0.2.1', family: 'ipv4', protocol: 'tcp', port: 80 })).toMatchObject({ verdict: 'deny', decidedBy: { chain: 'inet filter output', text: 'policy drop' } });
    const [empty] = await collectNftables(endpoint({ 'nft -j list ruleset': { stdout: '{"nftables": [{"metainfo": {}}]}', exitCode: 0 } }));
    expect(empty).toMatchObject({ active: false, chains: [] });
  });

  it('falls back to the boot configuration when nft may not list, and says why', async () => {
    const [denied] = await collectNftables(endpoint({ 'nft -j list ruleset': { stderr: 'Error: Operation not permitted\n', exitCode: 1 } }));
    expect(denied?.label).toBe('nftables configuration /etc/nftables.conf');
    expect(denied?.activeEvidence).toMatch(/^nft -j list ruleset gave no ruleset \(exit 1: Error: Operation not permitted\), so the boot configuration was read instead; /);
    expect(denied?.active).toBeUndefined(); // no systemd unit recorded
    const [missing] = await collectNftables(endpoint(undefined));
    expect(missing?.chains.map((chain) => chain.id)).toEqual(['inet boot o']);
  });

  it('is silent off Linux', async () => {
    expect(await collectNftables(new ReplayHost({ platform: 'darwin', users: [], files: {} }))).toEqual([]);
  });
});
