// Measures, side by side in one run, the median wall time of `node -e 0` (the floor every Node CLI
// pays), `cowork-audit --version`, and a full live scan of this machine; prints each as a ratio to the
// floor. Rounds interleave the commands so a busy machine slows all of them alike.
// Usage: npm run bench [-- --rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../dist/cowork-audit.mjs');
const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 15;
const out = mkdtempSync(path.join(tmpdir(), 'cowork-bench-'));

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'cowork-audit --version', args: [cli, '--version'] },
  { name: 'cowork-audit (full live scan, json)', args: [cli, 'scan', '--format', 'json', '--output', out, '--quiet', '--fail-on', 'none'] },
];

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const samples = commands.map(() => []);
for (const command of commands) time(command.args); // warm the file cache once
for (let round = 0; round < rounds; round += 1) {
  commands.forEach((command, index) => samples[index].push(time(command.args)));
}
rmSync(out, { recursive: true, force: true });

const floor = median(samples[0]);
console.log(`rounds: ${rounds} (interleaved), node ${process.version}, ${process.platform}/${process.arch}`);
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
