// Generates benchmark snapshots from a real Node process (bench/heap/target.cjs).
// Usage: node bench/heap/makeSnapshots.mjs <nodes-in-millions> <out-prefix> [--pair]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [millions, prefix, ...rest] = process.argv.slice(2);
if (!millions || !prefix) {
  console.error('usage: makeSnapshots.mjs <nodes-in-millions> <out-prefix> [--pair]');
  process.exit(2);
}
const target = join(dirname(fileURLToPath(import.meta.url)), 'target.cjs');
const heapMb = Math.max(512, Math.ceil(Number(millions) * 400));
const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, target, millions, '--write', prefix, ...rest], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
