// A service's request loop in miniature, with no I/O: parse a body, build objects, keep the last
// 50,000 orders in a Map (live memory that stays), serialise a reply. It waits for "go" on stdin,
// does a fixed amount of work in chunks (so inspector messages get their turn, as between
// requests), then prints its CPU time, wall time and memory as JSON.
'use strict';
const { handleOrder, runMeter } = require('./orders.cjs');

const units = Number(process.argv[2] ?? 1_000_000);
const cache = new Map();

function run() {
  const meter = runMeter(cache);
  let i = 0;
  const chunk = () => {
    const end = Math.min(units, i + 5000);
    for (; i < end; i++) {
      const body = JSON.parse(`{"id":${i},"user":"u${i % 1000}","items":[${i},${i + 1},${i + 2}],"note":"${'x'.repeat(40)}"}`);
      handleOrder(body, cache);
    }
    if (i % 100_000 === 0) meter.sample();
    if (i < units) return setImmediate(chunk);
    meter.end();
  };
  chunk();
}

process.stdout.write('ready\n');
// The bench holds the other end of stdin: if the bench dies, so does the target.
process.stdin.on('end', () => process.exit(0));
process.stdin.setEncoding('utf8').on('data', (d) => d.includes('go') && run());
