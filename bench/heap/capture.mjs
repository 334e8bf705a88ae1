// Capture benchmark: peak RSS of `memory-budget snapshot` while a target streams a big snapshot,
// against the CLI's own resting RSS and a naive capturer that buffers the chunks.
//   node bench/heap/capture.mjs [millions-of-nodes, default 8]
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const millions = Number(process.argv[2] ?? 8);
const file = join(root, 'bench/.data/capture.heapsnapshot');

const target = spawn(
  process.execPath,
  ['--inspect=127.0.0.1:0', `--max-old-space-size=${Math.ceil(millions * 600)}`, join(here, 'target.cjs'), String(millions)],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
const ws = await new Promise((resolve) =>
  createInterface({ input: target.stderr }).on('line', (l) => /ws:\/\/\S+/.test(l) && resolve(/ws:\/\/\S+/.exec(l)[0])),
);
await new Promise((resolve) => createInterface({ input: target.stdout }).on('line', (l) => l === 'ready' && resolve()));

const timed = (args) => {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 2 ** 26 });
  const m = /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(r.stderr);
  const measured = m ? { secs: Number(m[1]), mb: Number(m[2]) / 1024 } : { secs: NaN, mb: NaN };
  if (r.status === 0) return measured;
  const why = /Invalid string length/.test(r.stderr) ? 'string limit' : /out of memory/i.test(r.stderr) ? 'out of memory' : 'error';
  return { ...measured, failed: `${why} after ${Math.round(measured.mb)} MB peak RSS` };
};
try {
  const resting = timed([join(root, 'dist/cli.js'), '--help']);
  const ours = timed([join(root, 'dist/cli.js'), 'snapshot', ws, '-o', file]);
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  const naive = timed([join(here, 'peers/naiveCapture.mjs'), ws, file]);
  rmSync(file, { force: true });
  const mb = (x) => (x.failed ? `fails (${x.failed})` : `${Math.round(x.mb)} MB peak RSS, ${x.secs.toFixed(1)} s`);
  console.log(`| capture of a ${(bytes / 2 ** 20).toFixed(0)} MB snapshot | peak RSS of the capturing process |`);
  console.log('|---|---|');
  console.log(
    `| memory-budget snapshot | ${mb(ours)} (resting CLI: ${Math.round(resting.mb)} MB → +${Math.round(ours.mb - resting.mb)} MB) |`,
  );
  console.log(`| naive (buffer chunks, write at end) | ${mb(naive)} |`);
  console.log(
    `\nVerdict: ${!ours.failed && ours.mb - resting.mb <= 100 ? 'goal met' : 'goal NOT met'} (capturing stays within 100 MB of the process's resting memory).`,
  );
} finally {
  target.kill('SIGKILL');
}
