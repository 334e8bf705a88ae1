// What allocation sampling costs the target: the same fixed work with the monitor attached but not
// sampling, and attached and sampling at the default interval (32 KiB) with the profile read every
// 3 s, as the extension does. Runs alternate; medians. Two workloads: `http`, a real HTTP service
// (bench/allocations/httpService.cjs) loaded from another process (bench/allocations/load.cjs),
// and `loop`, the same order handling with no I/O at all (workload.cjs), the sampler's worst case.
//   node bench/allocations/overhead.mjs [--workload http|loop|both] [--runs 5] [--units N] [--requests N] [--interval 32768]
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
const units = arg('units', 1_000_000);
const requests = arg('requests', 60_000);
const workloadArg = process.argv.includes('--workload') ? process.argv[process.argv.indexOf('--workload') + 1] : 'both';
const workloads = workloadArg === 'both' ? ['http', 'loop'] : [workloadArg];
const interval = arg('interval', 32768);
const READ_EVERY_MS = arg('read-every', 3000); // 0: never read the profile (to see what reading costs)

async function once(workload, sampling) {
  const script = workload === 'http' ? ['httpService.cjs', requests] : ['workload.cjs', units];
  const target = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(here, script[0]), String(script[1])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let load;
  try {
    const ws = await new Promise((resolve) =>
      createInterface({ input: target.stderr }).on('line', (l) => /ws:\/\/\S+/.test(l) && resolve(/ws:\/\/\S+/.exec(l)[0])),
    );
    const lines = createInterface({ input: target.stdout });
    const next = () => new Promise((resolve) => lines.once('line', resolve));
    const ready = await next();
    const client = await CDP({ target: ws, local: true });
    // Both ways the monitor is attached and samples memory every second, as when watching.
    const monitor = setInterval(() => void client.Runtime.evaluate({ expression: 'process.memoryUsage()', returnByValue: true }), 1000);
    let reader;
    let readings = 0;
    if (sampling) {
      await client.HeapProfiler.enable();
      await client.HeapProfiler.startSampling({ samplingInterval: interval });
      if (READ_EVERY_MS > 0)
        reader = setInterval(() => void client.HeapProfiler.getSamplingProfile().then(() => readings++), READ_EVERY_MS);
    }
    const result = next();
    if (workload === 'http') {
      load = spawn(process.execPath, [join(here, 'load.cjs'), ready.split(' ')[1]], { stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // connections open, JIT warm
    }
    target.stdin.write('go\n');
    const report = JSON.parse(await result);
    clearInterval(monitor);
    clearInterval(reader);
    await client.close().catch(() => {});
    return { ...report, readings };
  } finally {
    load?.kill('SIGKILL');
    target.kill('SIGKILL');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(workloads.map((w) => [w, { off: [], on: [] }]));
for (let i = 0; i < runs; i++) {
  for (const w of workloads) {
    results[w].off.push(await once(w, false));
    results[w].on.push(await once(w, true));
  }
}
const m = (rs, k) => median(rs.map((r) => r[k]));
const pct = (a, b) => ((a / b - 1) * 100).toFixed(1);
const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
function report(workload, { off, on }) {
  const cpu = pct(m(on, 'cpuMs'), m(off, 'cpuMs'));
  const rss = pct(m(on, 'rssMeanBytes'), m(off, 'rssMeanBytes'));
  const peak = pct(m(on, 'rssPeakBytes'), m(off, 'rssPeakBytes'));
  const work =
    workload === 'http'
      ? `HTTP service, ${requests.toLocaleString('en-US')} requests from another process`
      : `request loop without I/O (worst case), ${units.toLocaleString('en-US')} requests`;
  console.log(
    `\nAllocation sampling overhead, ${work}, interval ${interval} B, profile read every ${READ_EVERY_MS / 1000} s, ` +
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
}

for (const w of workloads) report(w, results[w]);
