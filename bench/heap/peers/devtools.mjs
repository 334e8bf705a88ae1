// Chrome DevTools' own heap-snapshot model (heap_snapshot_worker, packed for Node by heap-snapshot-toolkit).
// summary FILE: parse + per-class aggregates with retained sizes. diff A B: DevTools' Comparison.
import { createReadStream } from 'node:fs';
import { diffFromStreams, parse } from 'heap-snapshot-toolkit';

const [mode, a, b] = process.argv.slice(2);
if (mode === 'summary') {
  const snapshot = await parse(createReadStream(a));
  const aggregates = Object.values(snapshot.getAggregatesByClassKey(false, 'allObjects'));
  aggregates.sort((x, y) => y.maxRet - x.maxRet);
  console.log(JSON.stringify({ classes: aggregates.length, top: aggregates.slice(0, 3).map((x) => [x.name, x.count, x.maxRet]) }));
} else {
  let diff;
  for await (const step of diffFromStreams(createReadStream(a), createReadStream(b))) if (step.type === 'diff') diff = step.result;
  const rows = Object.values(diff).sort((x, y) => y.sizeDelta - x.sizeDelta);
  console.log(JSON.stringify({ classes: rows.length, top: rows.slice(0, 3).map((x) => [x.name, x.countDelta, x.sizeDelta]) }));
}
process.exit(0);
