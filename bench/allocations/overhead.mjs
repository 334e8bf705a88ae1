// What allocation sampling costs the target: the same fixed work (bench/allocations/workload.cjs)
// with the monitor attached but not sampling, and attached and sampling at the default interval
// (32 KiB) with the profile read every 3 s, as the extension does. Runs alternate; medians.
//   node bench/allocations/overhead.mjs [--runs 5] [--units 2000000] [--interval 32768]
import CDP from 'chrome-remote-interface';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 5);
const units = arg('units', 2_000_000);
const interval = arg('interval', 32768);
const READ_EVERY_MS = 3000;

async function once(sampling) {
  const target = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(here, 'workload.cjs'), String(units)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    const ws = await new Promise((resolve) =>
      createInterface({ input: target.stderr }).on('line', (l) => /ws:\/\/\S+/.test(l) && resolve(/ws:\/\/\S+/.exec(l)[0])),
    );
    const lines = createInterface({ input: target.stdout });
    const next = () => new Promise((resolve) => lines.once('line', resolve));
    await next(); // ready
    const client = await CDP({ target: ws, local: true });
    // Both ways the monitor is attached and samples memory every second, as when watching.
    const monitor = setInterval(() => void client.Runtime.evaluate({ expression: 'process.memoryUsage()', returnByValue: true }), 1000);
    let reader;
    let readings = 0;
    if (sampling) {
      await client.HeapProfiler.enable();
      await client.HeapProfiler.startSampling({ samplingInterval: interval });
      reader = setInterval(() => void client.HeapProfiler.getSamplingProfile().then(() => readings++), READ_EVERY_MS);
    }
    const result = next();
    target.stdin.write('go\n');
    const report = JSON.parse(await result);
    clearInterval(monitor);
    clearInterval(reader);
    await client.close().catch(() => {});
    return { ...report, readings };
  } finally {
    target.kill('SIGKILL');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = [];
const on = [];
for (let i = 0; i < runs; i++) {
  off.push(await once(false));
  on.push(await once(true));
}
const m = (rs, k) => median(rs.map((r) => r[k]));
const pct = (a, b) => ((a / b - 1) * 100).toFixed(1);
const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
const cpu = pct(m(on, 'cpuMs'), m(off, 'cpuMs'));
const rss = pct(m(on, 'rssMeanBytes'), m(off, 'rssMeanBytes'));
const peak = pct(m(on, 'rssPeakBytes'), m(off, 'rssPeakBytes'));
console.log(
  `Allocation sampling overhead: ${units.toLocaleString('en-US')} requests, interval ${interval} B, profile read every ${READ_EVERY_MS / 1000} s, ` +
    `median of ${runs} alternating runs (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})\n`,
);
console.log('| target | CPU time | wall time | mean RSS | peak RSS | profile readings |');
console.log('|---|---|---|---|---|---|');
for (const [name, rs] of [
  ['attached, not sampling', off],
  ['attached, sampling', on],
]) {
  console.log(
    `| ${name} | ${(m(rs, 'cpuMs') / 1000).toFixed(2)} s | ${(m(rs, 'wallMs') / 1000).toFixed(2)} s | ${mb(m(rs, 'rssMeanBytes'))} | ${mb(m(rs, 'rssPeakBytes'))} | ${m(rs, 'readings')} |`,
  );
}
console.log(`\n| | measured | goal |`);
console.log('|---|---|---|');
console.log(`| CPU time added | ${cpu} % | < 3 % ${Number(cpu) < 3 ? '(met)' : '(NOT met)'} |`);
console.log(`| mean RSS added | ${rss} % | < 5 % ${Number(rss) < 5 ? '(met)' : '(NOT met)'} |`);
console.log(`| peak RSS added | ${peak} % | (for reference) |`);
