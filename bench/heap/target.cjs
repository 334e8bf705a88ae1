// A service-like Node heap for the benchmarks: sessions in a Map, class instances, arrays,
// closures, strings. Grows to about <millions> million heap-snapshot nodes, then either writes
// snapshots (--write PREFIX, with --pair two from one process so ids match) or stays up for an
// inspector to attach (prints "ready").
'use strict';
const v8 = require('node:v8');

const args = process.argv.slice(2);
const millions = Number(args[0]);
const writeAt = args.indexOf('--write');
const prefix = writeAt >= 0 ? args[writeAt + 1] : undefined;
const pair = args.includes('--pair');

class Session {
  constructor(i) {
    this.id = i;
    this.user = 'user-' + i;
    this.createdAt = Date.now();
    this.tags = ['t' + (i % 97), 't' + (i % 89)];
    this.onClose = () => this.id;
  }
}
class Order {
  constructor(i, s) {
    this.id = i;
    this.session = s;
    this.lines = [{ sku: 'sku-' + (i % 5000), qty: i % 7 }];
  }
}
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

grow(millions * 1e6 * (pair ? 0.9 : 1));
if (prefix) {
  v8.writeHeapSnapshot(pair ? `${prefix}-a.heapsnapshot` : `${prefix}.heapsnapshot`);
  if (pair) {
    for (let i = 0; i < n; i += 3) sessions.delete('user-' + i);
    grow(millions * 1e6);
    v8.writeHeapSnapshot(`${prefix}-b.heapsnapshot`);
  }
} else {
  process.stdout.write('ready\n');
  setInterval(() => {}, 1 << 30);
}
