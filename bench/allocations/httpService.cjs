// The same order handling as workload.cjs behind a real HTTP server, so the sampler's cost is
// measured against a service's whole request path (sockets, HTTP parsing, the reply) rather than
// against allocation alone. Prints "ready <port>"; on "go" it starts counting, and after the fixed
// number of requests prints its CPU time, wall time and memory as JSON, as workload.cjs does.
'use strict';
const http = require('node:http');
const { handleOrder, runMeter } = require('./orders.cjs');

const units = Number(process.argv[2] ?? 60_000);
const cache = new Map();
let meter;
let served = 0;

const server = http.createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    const reply = handleOrder(JSON.parse(raw), cache);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
    res.end(reply);
    if (!meter) return;
    served++;
    if (served % 500 === 0) meter.sample();
    if (served === units) meter.end();
  });
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
// The bench holds the other end of stdin: if the bench dies, so does the target.
process.stdin.on('end', () => process.exit(0));
process.stdin.setEncoding('utf8').on('data', (d) => {
  if (d.includes('go') && !meter) meter = runMeter(cache);
});
