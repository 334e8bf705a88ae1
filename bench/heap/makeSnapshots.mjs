// Generates benchmark snapshots from a real Node process: a service-like heap (sessions in a Map,
// class instances, arrays, closures, strings) grown until the snapshot reaches the size asked for.
// Usage: node bench/heap/makeSnapshots.mjs <nodes-in-millions> <out-prefix> [--pair]
// With --pair it writes <prefix>-a and <prefix>-b from one process (ids match, for diffs).
import { spawnSync } from 'node:child_process';

const [millions, prefix, ...rest] = process.argv.slice(2);
if (!millions || !prefix) {
  console.error('usage: makeSnapshots.mjs <nodes-in-millions> <out-prefix> [--pair]');
  process.exit(2);
}
const pair = rest.includes('--pair');
const workload = `
const v8 = require('node:v8');
class Session { constructor(i) { this.id = i; this.user = 'user-' + i; this.createdAt = Date.now(); this.tags = ['t' + (i % 97), 't' + (i % 89)]; this.onClose = () => this.id; } }
class Order { constructor(i, s) { this.id = i; this.session = s; this.lines = [{ sku: 'sku-' + (i % 5000), qty: i % 7 }]; } }
const sessions = new Map();
const orders = [];
const cache = {};
let n = 0;
function grow(targetNodes) {
  // About 11 heap nodes per session with its order.
  while (n * 11 < targetNodes) {
    const s = new Session(n);
    sessions.set(s.user, s);
    orders.push(new Order(n, s));
    if (n % 10 === 0) cache['k' + n] = { hits: n, last: 'v' + n };
    n++;
  }
}
grow(${Number(millions)} * 1e6 * (${pair} ? 0.9 : 1));
v8.writeHeapSnapshot(${JSON.stringify(pair ? `${prefix}-a.heapsnapshot` : `${prefix}.heapsnapshot`)});
if (${pair}) {
  for (let i = 0; i < n; i += 3) sessions.delete('user-' + i);
  grow(${Number(millions)} * 1e6);
  v8.writeHeapSnapshot(${JSON.stringify(`${prefix}-b.heapsnapshot`)});
}
`;
const heapMb = Math.max(512, Math.ceil(Number(millions) * 400));
const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '-e', workload], { stdio: 'inherit' });
process.exit(r.status ?? 1);
