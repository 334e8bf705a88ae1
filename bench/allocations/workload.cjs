// A service's request loop in miniature, for the allocation-sampling overhead benchmark: parse a
// body, build objects, keep the last 50,000 orders in a Map (live memory that stays), serialise a
// reply. It waits for "go" on stdin, does a fixed amount of work in chunks (so inspector messages
// get their turn, as between requests), then prints its CPU time, wall time and memory as JSON.
'use strict';
const { readFileSync } = require('node:fs');

const units = Number(process.argv[2] ?? 2_000_000);
const cache = new Map();

function handle(i) {
  const body = JSON.parse(`{"user":"u${i % 1000}","items":[${i},${i + 1},${i + 2}],"note":"${'x'.repeat(40)}"}`);
  const order = { id: i, user: body.user, items: body.items.map((x) => ({ sku: 'sku-' + x, qty: x % 5 })), at: Date.now() };
  cache.set(i % 50_000, order);
  return JSON.stringify({ ok: true, id: order.id, count: order.items.length }).length;
}

const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;

function run() {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let i = 0;
  let rssSum = 0;
  let rssCount = 0;
  const chunk = () => {
    const end = Math.min(units, i + 5000);
    for (; i < end; i++) handle(i);
    if (i % 100_000 === 0) {
      rssSum += status('VmRSS');
      rssCount++;
    }
    if (i < units) return setImmediate(chunk);
    const used = process.cpuUsage(cpu);
    process.stdout.write(
      JSON.stringify({
        cpuMs: (used.user + used.system) / 1000,
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
        rssMeanBytes: rssSum / Math.max(1, rssCount),
        rssPeakBytes: status('VmHWM'),
        cached: cache.size,
      }) + '\n',
    );
    setTimeout(() => process.exit(0), 50);
  };
  chunk();
}

process.stdout.write('ready\n');
process.stdin.setEncoding('utf8').on('data', (d) => d.includes('go') && run());
