// Measures, side by side in one run, the median wall time of `node -e 0` (the floor every Node CLI
// pays), `cowork-audit --version`, the single binary's `--version` when dist/cowork-audit exists
// (`npm run build:binary`), and a full live scan of this machine; prints each as a ratio to the
// floor. Rounds interleave the commands so a busy machine slows all of them alike.
// `fleet summarize` of 1,000 and 10,000 synthetic reports (bench/fleet-fixture.mjs) also reports the child's
// peak RSS (median over the rounds), printed at its exit by a preloaded one-liner.
// A `--root` scan of a synthetic image with 1,000 user homes (bench/image-fixture.mjs, written once per run)
// and, where installed, `lynis audit system --quick` are slow, so they run only in the first --slow-rounds
// rounds (still interleaved with the others). The targets are printed beside the measurements;
// nothing is asserted.
// Usage: npm run bench [-- --rounds N] [-- --slow-rounds N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetTemplates, writeFleetFixture } from './fleet-fixture.mjs';
import { writeImageFixture } from './image-fixture.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../dist/cowork-audit.mjs');
const binary = path.resolve(here, '../dist/cowork-audit'); // the single executable, when built
const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 15;
const slowFlag = process.argv.indexOf('--slow-rounds');
const slowRounds = Math.min(rounds, slowFlag > 0 ? Number(process.argv[slowFlag + 1]) : 3);
const out = mkdtempSync(path.join(tmpdir(), 'cowork-bench-'));
const templates = fleetTemplates(cli, path.resolve(here, '../fixtures/endpoints'));
const fleet1k = writeFleetFixture(path.join(out, 'fleet-1000'), 1000, templates);
const fleet10k = writeFleetFixture(path.join(out, 'fleet-10000'), 10_000, templates);
const image = writeImageFixture(path.join(out, 'image-1000'), 1000);
const imageReport = path.join(out, 'image-report');
const lynis = spawnSync('sh', ['-c', 'command -v lynis'], { encoding: 'utf8' }).stdout.trim();
const RSS_PROBE = 'data:text/javascript,process.on("exit",()=>process.stderr.write("cowork-bench-maxrss="+process.resourceUsage().maxRSS+"\\n"))';
const fleetArgs = (dir) => ['--import', RSS_PROBE, cli, 'fleet', 'summarize', dir, '--format', 'json', '--output', path.join(out, 'fleet.json')];
/** Peak RSS samples (KiB) of the commands that print it, keyed by their args array. */
const rssByArgs = new Map();

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'cowork-audit --version', args: [cli, '--version'] },
  ...(existsSync(binary) ? [{ name: 'cowork-audit --version (binary)', file: binary, args: ['--version'] }] : []),
  { name: 'cowork-audit (full live scan, json)', args: [cli, 'scan', '--format', 'json', '--output', out, '--quiet', '--fail-on', 'none'], live: true },
  {
    name: 'cowork-audit --root (1,000-home image)',
    args: ['--import', RSS_PROBE, cli, 'scan', '--root', image.root, '--baseline', image.baseline, '--format', 'json', '--output', imageReport, '--quiet', '--fail-on', 'none'],
    rss: true,
    slow: true,
    target: { maxMs: 2000, text: '< 2 s' },
  },
  { name: 'fleet summarize (1,000 reports)', args: fleetArgs(fleet1k), rss: true },
  { name: 'fleet summarize (10,000 reports)', args: fleetArgs(fleet10k), rss: true, target: { maxMs: 5000, text: '< 5 s' } },
  ...(lynis ? [{ name: 'lynis audit system --quick', file: lynis, args: ['audit', 'system', '--quick', '--no-colors'], slow: true, lynis: true, anyStatus: true }] : []),
];

function time(args, file = process.execPath, anyStatus = false) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && !(anyStatus && result.status !== null)) throw new Error(`${[file, ...args].join(' ')} exited ${result.status}: ${result.stderr}`);
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
for (const command of commands) if (!command.slow) time(command.args, command.file); // warm the file cache once
for (let round = 0; round < rounds; round += 1) {
  commands.forEach((command, index) => {
    if (!command.slow || round < slowRounds) samples[index].push(time(command.args, command.file, command.anyStatus));
  });
}
// A fast scan whose checks errored (a collector timeout) would be a false win: say so next to the time.
const imageJson = path.join(imageReport, 'cowork-audit.json');
const imageErrors = existsSync(imageJson) ? JSON.parse(readFileSync(imageJson, 'utf8')).results.filter((result) => result.status === 'error') : [];
rmSync(out, { recursive: true, force: true });

const floor = median(samples[0]);
console.log(`rounds: ${rounds} (interleaved), node ${process.version}, ${process.platform}/${process.arch}`);
if (!existsSync(binary)) console.log('(no dist/cowork-audit: `npm run build:binary` first to measure the single binary too)');
console.log(`synthetic image: ${image.files} files in 1,000 homes${process.getuid?.() === 0 ? '' : ' (not root: every file is owned by this user)'}; slow rows: ${slowRounds} round(s)`);
console.log('command'.padEnd(40), 'median ms'.padStart(10), 'min ms'.padStart(10), 'max ms'.padStart(10), 'x node -e 0'.padStart(12), 'n'.padStart(3), '  target (not asserted)');
const met = (ok) => (ok ? 'met' : 'NOT met');
commands.forEach((command, index) => {
  const values = samples[index];
  if (values.length === 0) return console.log(command.name.padEnd(40), 'not run (--slow-rounds 0)');
  const m = median(values);
  const target = command.target ? `  ${command.target.text}: ${met(m < command.target.maxMs)}` : '';
  console.log(
    command.name.padEnd(40),
    m.toFixed(1).padStart(10),
    Math.min(...values).toFixed(1).padStart(10),
    Math.max(...values).toFixed(1).padStart(10),
    (m / floor).toFixed(2).padStart(12),
    String(values.length).padStart(3),
    target,
  );
});
if (!lynis) console.log('lynis audit system --quick'.padEnd(40), 'not installed (apt-get install lynis to compare)');
if (imageErrors.length) {
  console.log(`  the 1,000-home scan had ${imageErrors.length} check(s) in error, so its time is not a complete scan:`);
  for (const result of imageErrors) console.log(`    ${result.checkId}: ${result.message}`);
}
const medianOf = (predicate) => {
  const index = commands.findIndex(predicate);
  return index >= 0 && samples[index].length ? median(samples[index]) : undefined;
};
const liveScan = medianOf((command) => command.live);
const lynisScan = medianOf((command) => command.lynis);
console.log('');
if (lynisScan !== undefined && liveScan !== undefined) {
  const ratio = lynisScan / liveScan;
  console.log(`full live scan vs lynis quick: ${ratio.toFixed(1)}x faster (lynis median / live scan median)  (target: at least 150x: ${met(ratio >= 150)})`);
} else {
  console.log(`full live scan vs lynis quick: no ratio, lynis ${lynis ? 'not run' : 'not installed'}  (target: at least 150x)`);
}
const withRss = commands.filter((command) => command.rss && rssByArgs.get(command.args)?.length);
if (withRss.length) {
  console.log('');
  console.log('command'.padEnd(40), 'peak RSS MiB (median)'.padStart(22), 'max'.padStart(8));
  for (const command of withRss) {
    const values = rssByArgs.get(command.args);
    console.log(command.name.padEnd(40), (median(values) / 1024).toFixed(1).padStart(22), (Math.max(...values) / 1024).toFixed(1).padStart(8));
  }
  const rssOf = (name) => {
    const command = withRss.find((item) => item.name === name);
    return command ? median(rssByArgs.get(command.args)) : undefined;
  };
  const rss1k = rssOf('fleet summarize (1,000 reports)');
  const rss10k = rssOf('fleet summarize (10,000 reports)');
  if (rss1k && rss10k) console.log(`fleet peak RSS, 10,000 / 1,000 reports: ${(rss10k / rss1k).toFixed(2)}x  (target: flat memory, about 1x)`);
}
