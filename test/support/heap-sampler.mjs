// Loaded with `node --expose-gc --import` into a CLI child by the fleet memory test. It records the live
// heap (after a full GC: without it the figure is mostly garbage not yet collected) every 100 ms while
// the event loop turns (the fleet reader yields between files), when the output is first written (every
// report has been read then and the summary is complete: the high point of a streaming reader) and at
// exit. It writes the peak and the number of samples as JSON to the file in HEAP_SAMPLER_OUT.
import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const out = process.env.HEAP_SAMPLER_OUT;
let peak = 0;
let samples = 0;
function sample() {
  globalThis.gc();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  samples += 1;
}
setInterval(sample, 100).unref();

// fs.writeSync is how the CLI writes --output FILE; wrap it (and update the ESM named exports the bundle
// imports) to sample at the first write and every 16th after it.
const writeSync = fs.writeSync;
let writes = 0;
fs.writeSync = function sampledWriteSync(...args) {
  if (writes++ % 16 === 0) sample();
  return writeSync.apply(this, args);
};
syncBuiltinESMExports();

process.on('exit', () => {
  sample();
  if (out) writeFileSync(out, JSON.stringify({ peak, samples, writes }));
});
