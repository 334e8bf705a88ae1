// What the agents cost the app they watch, against the same app without them: extra RSS, extra
// CPU at 1 Hz, and the longest any one sample blocks the event loop (Node). Each run starts the
// app twice at the same moment, with and without the agent, so both see the same machine; the
// figures are medians over the runs. Also: the bundle's size, the Python agent's RSS and CPU, and
// the resting `memory-budget watch` as the peer the agent replaces.
//   npm run build && node bench/agent/overhead.mjs [--runs 5] [--seconds 60]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '60' } } });
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const WARMUP_MS = 5_000;
const root = resolve(import.meta.dirname, '../..');
const agent = join(root, 'dist/agent.js');
const timer = join(root, 'bench/agent/timeSamples.cjs');
const bot = join(root, 'examples/leaky-bot/server.js');
const sleeper = join(root, 'test/fixtures/agent/sleeper.py');
const TICK = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU in 10 ms ticks

const GOALS = { rssMB: 3, cpuPercent: 0.5, blockMs: 1 };

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICK };
}

function rssMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
  return child;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  await new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
}

/** One run: both variants side by side for SECONDS after a warm-up; RSS averaged over the window. */
async function measurePair(variants) {
  const children = variants.map((v) => start(v.command, v.args, v.env));
  await sleep(WARMUP_MS);
  const before = children.map((c) => procStat(c.pid));
  const rss = children.map(() => []);
  const wallStart = process.hrtime.bigint();
  for (let s = 0; s < SECONDS; s++) {
    await sleep(1000);
    children.forEach((c, i) => rss[i].push(rssMB(c.pid)));
  }
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const after = children.map((c) => procStat(c.pid));
  await Promise.all(children.map(stop));
  return children.map((_, i) => ({
    rssMB: rss[i].reduce((a, b) => a + b, 0) / rss[i].length,
    cpuPercent: ((after[i].cpuSeconds - before[i].cpuSeconds) / wall) * 100,
  }));
}

const benchCpu0 = process.cpuUsage();
const benchWall0 = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'mb-agent-bench-'));
const baseEnv = { MEMORY_BUDGET_DIR: join(tmp, 'logs'), MEMORY_BUDGET_INTERVAL_MS: '1000' };
const node = { with: [], without: [], blocks: [] };
const python = { with: [], without: [] };
let cli = [];
for (let run = 0; run < RUNS; run++) {
  const timings = join(tmp, `timings-${run}.json`);
  const [withAgent, without] = await measurePair([
    { command: process.execPath, args: ['-r', timer, '-r', agent, bot, '--port', '0'], env: { ...baseEnv, AGENT_BENCH_TIMINGS: timings } },
    { command: process.execPath, args: ['-r', timer, bot, '--port', '0'], env: { ...baseEnv } },
  ]);
  node.with.push(withAgent);
  node.without.push(without);
  node.blocks.push(...JSON.parse(readFileSync(timings, 'utf8')));

  const pyEnv = { ...baseEnv, PYTHONPATH: join(root, 'python') };
  const [pyWith, pyWithout, cliWatch] = await (async () => {
    // The peer: the resting CLI watching the agent-less Python process RSS-only, as it would in a container.
    const target = start('python3', [sleeper], pyEnv);
    await sleep(500);
    const variants = [
      { command: 'python3', args: ['-m', 'memory_budget_agent', sleeper], env: pyEnv },
      { command: 'python3', args: [sleeper], env: pyEnv },
      { command: process.execPath, args: [join(root, 'dist/cli.js'), 'watch', `pid:${target.pid}`, '--interval', '1000'], env: {} },
    ];
    const result = await measurePair(variants);
    await stop(target);
    return result;
  })();
  python.with.push(pyWith);
  python.without.push(pyWithout);
  cli.push(cliWatch);
  process.stderr.write(`run ${run + 1}/${RUNS} done\n`);
}
rmSync(tmp, { recursive: true, force: true });

const delta = (w, o, key) => median(w.map((x, i) => x[key] - o[i][key]));
const nodeRss = delta(node.with, node.without, 'rssMB');
const nodeCpu = delta(node.with, node.without, 'cpuPercent');
const percentiles = (key) => {
  const xs = node.blocks.map((b) => b[key]).sort((a, b) => a - b);
  return { median: median(xs), p99: xs[Math.floor(xs.length * 0.99)] ?? NaN, max: xs.at(-1) ?? NaN };
};
const wall = percentiles('wallMs');
const cpuPerSample = percentiles('cpuMs');
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pyRss = delta(python.with, python.without, 'rssMB');
const pyCpu = delta(python.with, python.without, 'cpuPercent');
const cliRss = median(cli.map((c) => c.rssMB));
const bundle = readFileSync(agent);

const verdict = (value, goal) => (value <= goal ? 'met' : 'NOT MET');
const row = (cells) => `| ${cells.join(' | ')} |`;
console.log(
  `Agent overhead at 1 Hz: ${RUNS} runs × ${SECONDS} s (after ${WARMUP_MS / 1000} s warm-up), leaky-bot idle, with and without the agent side by side; medians of the differences.\n`,
);
console.log(row(['figure', 'measured', 'goal', '']));
console.log(row(['---', '---', '---', '---']));
console.log(
  row([
    'Node: extra RSS',
    `${nodeRss.toFixed(2)} MB (app ${median(node.without.map((x) => x.rssMB)).toFixed(1)} MB → ${median(node.with.map((x) => x.rssMB)).toFixed(1)} MB)`,
    `≤ ${GOALS.rssMB} MB`,
    verdict(nodeRss, GOALS.rssMB),
  ]),
);
console.log(row(['Node: extra CPU', `${nodeCpu.toFixed(3)} % of a core`, `≤ ${GOALS.cpuPercent} %`, verdict(nodeCpu, GOALS.cpuPercent)]));
const ms = (r) => `max ${r.max.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, median ${r.median.toFixed(3)} ms`;
console.log(
  row([
    'Node: a sample blocking the event loop (wall)',
    `${ms(wall)} (${node.blocks.length} samples)`,
    `≤ ${GOALS.blockMs} ms`,
    verdict(wall.max, GOALS.blockMs),
  ]),
);
console.log(row(["Node: a sample's own CPU time", ms(cpuPerSample), `(≤ ${GOALS.blockMs} ms)`, verdict(cpuPerSample.max, GOALS.blockMs)]));
console.log(row(['Python: extra RSS', `${pyRss.toFixed(2)} MB`, `(≤ ${GOALS.rssMB} MB)`, verdict(pyRss, GOALS.rssMB)]));
console.log(row(['Python: extra CPU', `${pyCpu.toFixed(3)} % of a core`, `(≤ ${GOALS.cpuPercent} %)`, verdict(pyCpu, GOALS.cpuPercent)]));
console.log(
  row([
    'peer: resting `memory-budget watch` (RSS)',
    `${cliRss.toFixed(1)} MB — ${(cliRss / Math.max(nodeRss, 0.01)).toFixed(0)}× the Node agent's extra RSS`,
    '',
    '',
  ]),
);
console.log(
  `\ndist/agent.js: ${(statSync(agent).size / 1024).toFixed(1)} KB (${(gzipSync(bundle).length / 1024).toFixed(1)} KB gzipped), no dependencies.`,
);
const cpu = process.cpuUsage(benchCpu0);
console.log(`load average at the end: ${load} (2 cores): wall times include preemption by other processes.`);
console.log(`bench: wall ${((Date.now() - benchWall0) / 1000).toFixed(0)} s, its own CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
