// What allocation sampling costs the target: the same fixed work with the monitor attached but not
// sampling, and attached and sampling at the default interval (32 KiB) with the profile read after
// 3 s and then every 10 s, as the extension does (each read makes V8 collect garbage first). The
// first read happens before the measured work and its cost is printed apart: it is paid once. Runs alternate; medians. Two workloads: `http`, a real HTTP service
// (bench/allocations/httpService.cjs) loaded from another process (bench/allocations/load.cjs),
// and `loop`, the same order handling with no I/O at all (workload.cjs), the sampler's worst case.
// With --rate R the HTTP service gets R requests a second instead of all it can take, and the CPU
// figures are also given as a share of a core: what sampling adds to a service at its everyday load.
//   node bench/allocations/overhead.mjs [--workload http|loop|both] [--runs 5] [--units N] [--requests N] [--rate R] [--interval 32768]
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
const rate = arg('rate', 0);
const workloadArg = process.argv.includes('--workload') ? process.argv[process.argv.indexOf('--workload') + 1] : 'both';
const workloads = workloadArg === 'both' ? ['http', 'loop'] : [workloadArg];
const interval = arg('interval', 32768);
const FIRST_READ_MS = 3000;
const READ_EVERY_MS = arg('read-every', 10_000); // 0: never read the profile (to see what reading costs)

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
    const monitor = setInterval(
      () => client.Runtime.evaluate({ expression: 'process.memoryUsage()', returnByValue: true }).catch(() => {}),
      1000,
    );
    let reader;
    let readings = 0;
    let finished = false;
    let firstReadCpuMs = 0;
    if (sampling) {
      await client.HeapProfiler.enable();
      await client.HeapProfiler.startSampling({ samplingInterval: interval });
      const readProfile = () =>
        client.HeapProfiler.getSamplingProfile().then(
          () => readings++,
          () => {},
        );
      const readAgain = () => {
        if (!finished) reader = setTimeout(() => void readProfile().then(readAgain), READ_EVERY_MS);
      };
      if (READ_EVERY_MS > 0) {
        // The first read costs once what later ones do not (V8 works out line numbers for every
        // script in the profile): it is taken before the measured work and reported on its own.
        const cpuNow = async () => {
          const { result } = await client.Runtime.evaluate({ expression: 'JSON.stringify(process.cpuUsage())', returnByValue: true });
          const { user, system } = JSON.parse(result.value);
          return (user + system) / 1000;
        };
        await new Promise((resolve) => setTimeout(resolve, FIRST_READ_MS));
        const before = await cpuNow();
        await readProfile();
        firstReadCpuMs = (await cpuNow()) - before;
        readAgain();
      }
    }
    const result = next();
    if (workload === 'http') {
      load = spawn(process.execPath, [join(here, 'load.cjs'), ready.split(' ')[1], String(rate)], { stdio: ['pipe', 'ignore', 'ignore'] });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // connections open, JIT warm
    }
    target.stdin.write('go\n');
    const report = JSON.parse(await result);
    clearInterval(monitor);
    finished = true;
    clearTimeout(reader);
    await client.close().catch(() => {});
    return { ...report, readings, firstReadCpuMs };
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
/** CPU time over wall time, per run, median: the share of a core the target used. */
const core = (rs) => median(rs.map((r) => (r.cpuMs / r.wallMs) * 100));
function report(workload, { off, on }) {
  const cpu = pct(m(on, 'cpuMs'), m(off, 'cpuMs'));
  const rss = pct(m(on, 'rssMeanBytes'), m(off, 'rssMeanBytes'));
  const peak = pct(m(on, 'rssPeakBytes'), m(off, 'rssPeakBytes'));
  const work =
    workload === 'http'
      ? `HTTP service, ${requests.toLocaleString('en-US')} requests from another process${rate ? ` at ${rate}/s` : ' (saturated)'}`
      : `request loop without I/O (worst case), ${units.toLocaleString('en-US')} requests`;
  console.log(
    `\nAllocation sampling overhead, ${work}, interval ${interval} B, profile read after ${FIRST_READ_MS / 1000} s then every ${READ_EVERY_MS / 1000} s, ` +
      `median of ${runs} alternating runs (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})\n`,
  );
  console.log('| target | CPU time | wall time | CPU, share of a core | mean RSS | peak RSS | profile readings |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, rs] of [
    ['attached, not sampling', off],
    ['attached, sampling', on],
  ]) {
    console.log(
      `| ${name} | ${(m(rs, 'cpuMs') / 1000).toFixed(2)} s | ${(m(rs, 'wallMs') / 1000).toFixed(2)} s | ${core(rs).toFixed(1)} % | ${mb(m(rs, 'rssMeanBytes'))} | ${mb(m(rs, 'rssPeakBytes'))} | ${m(rs, 'readings')} |`,
    );
  }
  console.log(`\n| | measured | goal |`);
  console.log('|---|---|---|');
  console.log(`| CPU time added, relative to the target's own | ${cpu} % | < 3 % ${Number(cpu) < 3 ? '(met)' : '(NOT met)'} |`);
  const points = core(on) - core(off);
  console.log(`| CPU added, share of a core | ${points.toFixed(2)} points | < 3 % of a core ${points < 3 ? '(met)' : '(NOT met)'} |`);
  console.log(`| mean RSS added | ${rss} % | < 5 % ${Number(rss) < 5 ? '(met)' : '(NOT met)'} |`);
  console.log(`| peak RSS added | ${peak} % | (for reference) |`);
  console.log(
    `| the first read, before the measured work (once per sampling) | ${m(on, 'firstReadCpuMs').toFixed(0)} ms of CPU | (for reference) |`,
  );
}

for (const w of workloads) report(w, results[w]);
