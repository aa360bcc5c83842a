// A synthetic fleet for `npm run bench`: real reports of the recorded endpoints (scanned once each with the
// built CLI, as JSON and as NDJSON), cloned under different host names. Nine hosts in ten are JSON files
// in 100 folders, the tenth ones go into NDJSON files of 100 hosts, as in test/fleet-summarize.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TEMPLATES = ['linux-weak', 'win32-weak', 'linux-hardened', 'darwin-weak'];
const MARKER = 'fleet-host-placeholder';

function scanText(cli, endpoint, format) {
  const result = spawnSync(process.execPath, [cli, 'scan', '--replay', endpoint, '--format', format, '--output', '-', '--fail-on', 'none', '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`scan of ${endpoint} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** The templates' JSON and NDJSON text, split at their host name. */
export function fleetTemplates(cli, fixturesDir) {
  return TEMPLATES.map((name) => {
    const endpoint = path.join(fixturesDir, name);
    const json = JSON.parse(scanText(cli, endpoint, 'json'));
    const hostname = json.target.hostname;
    const jsonText = JSON.stringify({ ...json, target: { ...json.target, hostname: MARKER } });
    const ndjsonText = scanText(cli, endpoint, 'ndjson').replaceAll(`"host":${JSON.stringify(hostname)}`, `"host":"${MARKER}"`);
    return { json: jsonText.split(MARKER), ndjson: ndjsonText.split(MARKER) };
  });
}

/** Writes `count` reports under dir (which must not exist yet or be empty); returns dir. */
export function writeFleetFixture(dir, count, templates) {
  for (let folder = 0; folder < 100; folder += 1) mkdirSync(path.join(dir, `f${String(folder).padStart(2, '0')}`), { recursive: true });
  let ndjson = [];
  let ndjsonFile = 0;
  for (let i = 0; i < count; i += 1) {
    const hostname = `synthetic-${String(i).padStart(6, '0')}`;
    const template = templates[i % templates.length];
    if (i % 10 === 9) {
      ndjson.push(template.ndjson.join(hostname));
      if (ndjson.length === 100) {
        writeFileSync(path.join(dir, `batch-${String(ndjsonFile++).padStart(4, '0')}.ndjson`), ndjson.join(''));
        ndjson = [];
      }
    } else {
      writeFileSync(path.join(dir, `f${String(i % 100).padStart(2, '0')}`, `${hostname}.json`), template.json.join(hostname));
    }
  }
  if (ndjson.length) writeFileSync(path.join(dir, `batch-${String(ndjsonFile).padStart(4, '0')}.ndjson`), ndjson.join(''));
  return dir;
}
