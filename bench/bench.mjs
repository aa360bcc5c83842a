// Measures, side by side in one run, the median wall time of `node -e 0` (the floor every Node CLI
// pays), `cowork-audit --version`, the single binary's `--version` when dist/cowork-audit exists
// (`npm run build:binary`), and a full live scan of this machine; prints each as a ratio to the
// floor. Rounds interleave the commands so a busy machine slows all of them alike.
// `fleet summarize` of 1,000 and 10,000 synthetic reports (bench/fleet-fixture.mjs) also reports the child's
// peak RSS (median over the rounds), printed at its exit by a preloaded one-liner.
// Usage: npm run bench [-- --rounds N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetTemplates, writeFleetFixture } from './fleet-fixture.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../dist/cowork-audit.mjs');
const binary = path.resolve(here, '../dist/cowork-audit'); // the single executable, when built
const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 15;
const out = mkdtempSync(path.join(tmpdir(), 'cowork-bench-'));
const templates = fleetTemplates(cli, path.resolve(here, '../fixtures/endpoints'));
const fleet1k = writeFleetFixture(path.join(out, 'fleet-1000'), 1000, templates);
const fleet10k = writeFleetFixture(path.join(out, 'fleet-10000'), 10_000, templates);
const RSS_PROBE = 'data:text/javascript,process.on("exit",()=>process.stderr.write("cowork-bench-maxrss="+process.resourceUsage().maxRSS+"\\n"))';
const fleetArgs = (dir) => ['--import', RSS_PROBE, cli, 'fleet', 'summarize', dir, '--format', 'json', '--output', path.join(out, 'fleet.json')];
/** Peak RSS samples (KiB) of the commands that print it, keyed by their args array. */
const rssByArgs = new Map();

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'cowork-audit --version', args: [cli, '--version'] },
  ...(existsSync(binary) ? [{ name: 'cowork-audit --version (binary)', file: binary, args: ['--version'] }] : []),
  { name: 'cowork-audit (full live scan, json)', args: [cli, 'scan', '--format', 'json', '--output', out, '--quiet', '--fail-on', 'none'] },
  { name: 'fleet summarize (1,000 reports)', args: fleetArgs(fleet1k), rss: true },
  { name: 'fleet summarize (10,000 reports)', args: fleetArgs(fleet10k), rss: true },
];

function time(args, file = process.execPath) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${[file, ...args].join(' ')} exited ${result.status}: ${result.stderr}`);
  const maxRss = /cowork-bench-maxrss=(\d+)/.exec(String(result.stderr))?.[1];
  if (maxRss && rssByArgs.has(args)) rssByArgs.get(args).push(Number(maxRss));
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const samples = commands.map(() => []);
for (const command of commands) if (command.rss) rssByArgs.set(command.args, []);
for (const command of commands) time(command.args, command.file); // warm the file cache once
for (let round = 0; round < rounds; round += 1) {
  commands.forEach((command, index) => samples[index].push(time(command.args, command.file)));
}
rmSync(out, { recursive: true, force: true });

const floor = median(samples[0]);
console.log(`rounds: ${rounds} (interleaved), node ${process.version}, ${process.platform}/${process.arch}`);
if (!existsSync(binary)) console.log('(no dist/cowork-audit: `npm run build:binary` first to measure the single binary too)');
console.log('command'.padEnd(40), 'median ms'.padStart(10), 'min ms'.padStart(8), 'max ms'.padStart(8), 'x node -e 0'.padStart(12));
commands.forEach((command, index) => {
  const values = samples[index];
  const m = median(values);
  console.log(
    command.name.padEnd(40),
    m.toFixed(1).padStart(10),
    Math.min(...values).toFixed(1).padStart(8),
    Math.max(...values).toFixed(1).padStart(8),
    (m / floor).toFixed(2).padStart(12),
  );
});
const withRss = commands.filter((command) => command.rss && rssByArgs.get(command.args)?.length);
if (withRss.length) {
  console.log('');
  console.log('command'.padEnd(40), 'peak RSS MiB (median)'.padStart(22), 'max'.padStart(8));
  for (const command of withRss) {
    const values = rssByArgs.get(command.args);
    console.log(command.name.padEnd(40), (median(values) / 1024).toFixed(1).padStart(22), (Math.max(...values) / 1024).toFixed(1).padStart(8));
  }
}
