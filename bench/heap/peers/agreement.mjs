// Do Memory Budget's per-class count, self size and retained size equal DevTools' on the same file?
// Usage: node bench/heap/peers/agreement.mjs FILE [N=50]
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'heap-snapshot-toolkit';

const [file, n = '50'] = process.argv.slice(2);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../../../dist/cli.js');
const ours = JSON.parse(execFileSync(process.execPath, [cli, 'summary', file, '--json', '--top', n], { maxBuffer: 2 ** 26 })).rows;
const snapshot = await parse(createReadStream(file));
const theirs = Object.values(snapshot.getAggregatesByClassKey(false, 'allObjects'));
let equal = 0;
const differences = [];
for (const row of ours) {
  const same = theirs.filter((a) => a.name === row.name);
  const match = same.length === 1 ? same[0] : same.find((a) => a.count === row.count && a.self === row.selfSize);
  if (match && match.count === row.count && match.self === row.selfSize && match.maxRet === row.retainedSize) equal++;
  else differences.push({ name: row.name, ours: [row.count, row.selfSize, row.retainedSize], devtools: match ? [match.count, match.self, match.maxRet] : 'no such class' });
}
console.log(JSON.stringify({ file, classes: ours.length, equal, differences }, null, 1));
process.exit(0);
