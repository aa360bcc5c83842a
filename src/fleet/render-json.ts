// The fleet summary as JSON (schemas/fleet-summary.schema.json), written in pieces: the head, then one
// host per line, so that the document is never one string in memory.
import type { FleetSummary } from './fleet-model.js';

export function* renderFleetJson(summary: FleetSummary): Generator<string> {
  const head = JSON.stringify(summary.head, null, 2);
  // `head` ends with "\n}": the hosts go in before the closing brace.
  yield `${head.slice(0, -2)},\n  "hosts": [`;
  let first = true;
  for (const host of summary.hosts()) {
    yield `${first ? '\n    ' : ',\n    '}${JSON.stringify(host)}`;
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}
