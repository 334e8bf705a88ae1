// Records a real memory series from examples/leaky-bot for the trend and threshold unit tests:
// node scripts/record-series.mjs OUT.json --seconds 60 --rps 4 --kb 256
// (build first: it uses dist/cli.js's `watch --json`).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const out = args[0];
const seconds = Number(flag('seconds', '60'));
const rps = Number(flag('rps', '4'));
const kb = flag('kb', '256');

const bot = spawn(process.execPath, ['--inspect=127.0.0.1:0', 'examples/leaky-bot/server.js'], { stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
bot.stdout.on('data', (d) => (stdout += d));
bot.stderr.on('data', (d) => (stderr += d));
while (!/listening on/.test(stdout) || !/ws:\/\//.test(stderr)) await new Promise((r) => setTimeout(r, 50));
const url = /listening on (\S+)/.exec(stdout)[1];
const inspector = /ws:\/\/([^/]+)\//.exec(stderr)[1];
const load =
  rps > 0
    ? spawn(process.execPath, ['examples/leaky-bot/load.js', '--url', url, '--rps', String(rps), '--kb', kb], { stdio: 'inherit' })
    : undefined;
const watch = spawn(process.execPath, ['dist/cli.js', 'watch', inspector, '--json', '--interval', '250', '--duration', String(seconds)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let lines = '';
watch.stdout.on('data', (d) => (lines += d));
await new Promise((r) => watch.on('exit', r));
load?.kill();
bot.kill();
const samples = lines
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .map((r) => ({ t: Date.parse(r.time), rss: r.rssBytes, heapUsed: r.heapUsedBytes }));
const t0 = samples[0].t;
writeFileSync(
  out,
  JSON.stringify({
    recordedWith: { seconds, rps, kb: Number(kb), intervalMs: 250 },
    samples: samples.map((s) => ({ ...s, t: s.t - t0 })),
  }) + '\n',
);
console.log(`${samples.length} samples → ${out}`);
