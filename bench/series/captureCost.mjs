// What a heap snapshot costs the process it is taken of: the target's peak RSS during the capture
// above its RSS just before, against its heap and the snapshot's size. The capture guard's
// estimate (src/core/series/model.ts) is calibrated from this table; the last columns print the
// estimate beside each measurement.
//   node bench/series/captureCost.mjs [--runs 3]
import CDP from 'chrome-remote-interface';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const data = join(root, 'bench/.data');
mkdirSync(data, { recursive: true });
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;

// Heaps of different shapes: many small objects (the worst case per byte of heap) and few large strings.
const stringsTarget = join(data, 'strings-target.cjs');
writeFileSync(
  stringsTarget,
  `const kept = []; const mb = Number(process.argv[2]);\n` +
    `for (let i = 0; i < mb * 16; i++) kept.push(Buffer.alloc(64 * 1024, 97 + (i % 26)).toString('latin1'));\n` +
    `process.stdout.write('ready\\n'); setInterval(() => kept.length, 1 << 30);\n`,
);
// The example bot's leak: sessions in a Map, each with its own key string and history array.
const sessionsTarget = join(data, 'sessions-target.cjs');
writeFileSync(
  sessionsTarget,
  `class UserSession { constructor(id, userId) { this.id = id; this.userId = userId; this.createdAt = Date.now(); this.history = []; } }\n` +
    `const sessions = new Map(); const n = Number(process.argv[2]);\n` +
    `for (let i = 0; i < n; i++) sessions.set(\`user\${i % 50}:\${i}\`, new UserSession(i, String(i % 50)));\n` +
    `process.stdout.write('ready\\n'); setInterval(() => sessions.size, 1 << 30);\n`,
);
const sizes = process.argv.includes('--quick') ? [0.5] : [0.25, 1, 4];
const shapes = [
  ...sizes.map((m) => ({ name: `objects ${m} M nodes`, script: join(root, 'bench/heap/target.cjs'), args: [String(m)] })),
  ...sizes.map((m) => ({ name: `sessions ${m * 200} k`, script: sessionsTarget, args: [String(m * 200_000)] })),
  ...[50, 200].map((mb) => ({ name: `strings ${mb} MB`, script: stringsTarget, args: [String(mb)] })),
];

const kb = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

async function measure(shape) {
  const target = spawn(process.execPath, ['--inspect=127.0.0.1:0', '--max-old-space-size=4096', shape.script, ...shape.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const ws = await new Promise((resolve) =>
      createInterface({ input: target.stderr }).on('line', (l) => /ws:\/\/\S+/.test(l) && resolve(/ws:\/\/\S+/.exec(l)[0])),
    );
    await new Promise((resolve) => createInterface({ input: target.stdout }).on('line', (l) => l === 'ready' && resolve()));
    const client = await CDP({ target: ws, local: true });
    await client.HeapProfiler.collectGarbage();
    const { usedSize } = await client.Runtime.getHeapUsage();
    const { result } = await client.Runtime.evaluate({
      expression: `JSON.stringify(require('v8').getHeapSpaceStatistics().filter((s) => s.space_name.includes('large_object')).reduce((n, s) => n + s.space_used_size, 0))`,
      includeCommandLineAPI: true,
      returnByValue: true,
    });
    const largeObjectBytes = Number(result.value);
    const rssBefore = kb(target.pid, 'VmRSS');
    // Resets VmHWM to the current RSS, so the peak read afterwards is this capture's.
    writeFileSync(`/proc/${target.pid}/clear_refs`, '5');
    const file = join(data, 'capture-cost.heapsnapshot');
    const fd = openSync(file, 'w');
    let bytes = 0;
    client.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => (bytes += writeSync(fd, chunk)));
    const started = process.hrtime.bigint();
    await client.HeapProfiler.takeHeapSnapshot({ reportProgress: false });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    closeSync(fd);
    const peak = kb(target.pid, 'VmHWM');
    const rssAfter = kb(target.pid, 'VmRSS');
    const head = readFileSync(file, { encoding: 'latin1' }).slice(0, 4096);
    const nodes = Number(/"node_count":(\d+)/.exec(head)?.[1] ?? NaN);
    const edges = Number(/"edge_count":(\d+)/.exec(head)?.[1] ?? NaN);
    rmSync(file, { force: true });
    await client.close();
    return {
      heapUsed: usedSize,
      largeObjectBytes,
      rssBefore,
      peakDelta: peak - rssBefore,
      rssAfterDelta: rssAfter - rssBefore,
      bytes,
      nodes,
      edges,
      seconds,
    };
  } finally {
    target.kill('SIGKILL');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 2 ** 20).toFixed(0);
// The guard's own model, bundled by `npm run bench:series`.
const { estimateCaptureCost } = await import(join(root, 'bench/.data/seriesModel.mjs'));
console.log(
  `Capture cost in the target, median of ${runs} runs (load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')})`,
);
console.log('');
console.log(
  '| heap | heap used | nodes | edges | snapshot | target RSS before | peak added by the capture | per node | per heap byte | guard estimate, first capture | guard estimate, nodes known |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
let under = 0;
for (const shape of shapes) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await measure(shape));
  const m = (k) => median(results.map((r) => r[k]));
  const composition = { heapUsedBytes: m('heapUsed'), largeObjectBytes: m('largeObjectBytes') };
  const first = estimateCaptureCost(composition);
  const known = estimateCaptureCost(composition, { nodeCount: m('nodes'), composition });
  const measured = Math.max(...results.map((r) => r.peakDelta));
  if (first < measured || known < measured) under++;
  const ratio = (e) => `${mb(e)} MB (${(e / measured).toFixed(1)}×)`;
  console.log(
    `| ${shape.name} | ${mb(m('heapUsed'))} MB | ${(m('nodes') / 1e6).toFixed(2)} M | ${(m('edges') / 1e6).toFixed(2)} M | ${mb(m('bytes'))} MB | ${mb(m('rssBefore'))} MB | ` +
      `${mb(m('peakDelta'))} MB (${m('seconds').toFixed(1)} s) | ${(m('peakDelta') / m('nodes')).toFixed(0)} B | ` +
      `${(m('peakDelta') / (m('heapUsed') - m('largeObjectBytes'))).toFixed(1)} | ${ratio(first)} | ${ratio(known)} |`,
  );
}
console.log(
  `\nThe guard's estimate is at or above the largest measured peak in ${shapes.length - under} of ${shapes.length} heaps` +
    (under ? ' — an estimate below a measurement is a capture that could kill the box: raise the constants.' : '.'),
);
