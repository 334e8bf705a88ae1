// What both workloads share: the order handling a request does, and the report a run ends with.
'use strict';
const { readFileSync } = require('node:fs');

/** Builds an order from a parsed body, keeps the last 50,000 in `cache`, returns the reply. */
function handleOrder(body, cache) {
  const order = { id: body.id, user: body.user, items: body.items.map((x) => ({ sku: 'sku-' + x, qty: x % 5 })), at: Date.now() };
  cache.set(body.id % 50_000, order);
  return JSON.stringify({ ok: true, id: order.id, count: order.items.length });
}

const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;

/** Measures a run: call sample() now and then, end() once, which prints the JSON line and exits. */
function runMeter(cache) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let rssSum = 0;
  let rssCount = 0;
  return {
    sample() {
      rssSum += status('VmRSS');
      rssCount++;
    },
    end() {
      if (rssCount === 0) this.sample();
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
    },
  };
}

module.exports = { handleOrder, runMeter };
