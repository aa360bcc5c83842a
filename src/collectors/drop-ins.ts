import type { Host } from '../host/host.js';

/**
 * systemd-style drop-ins: `*.conf` files of the given folders (lowest priority first). A file of the same
 * name in a later folder replaces the earlier one; all apply in name order (systemd.syntax(7)).
 */
export async function dropInFiles(host: Host, folders: readonly string[]): Promise<string[]> {
  const byName = new Map<string, string>();
  for (const folder of folders) {
    for (const name of (await host.listDir(folder).catch(() => undefined)) ?? []) {
      if (name.endsWith('.conf')) byName.set(name, `${folder}/${name}`);
    }
  }
  return [...byName.keys()].sort().map((name) => byName.get(name) as string);
}
