// Load for httpService.cjs from its own process over keep-alive connections, until the bench kills
// it once the service has reported: as fast as 16 requests in flight allow, or, given a rate,
// that many requests a second (a service at its everyday load rather than saturated).
'use strict';
const http = require('node:http');

const port = Number(process.argv[2]);
const rate = Number(process.argv[3] ?? 0);
const inFlight = 16;
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
let id = 0;
// The bench holds the other end of stdin: if the bench dies, so does the load.
process.stdin.on('end', () => process.exit(0)).resume();

function send(again = rate === 0) {
  const i = id++;
  const body = JSON.stringify({ id: i, user: `u${i % 1000}`, items: [i, i + 1, i + 2], note: 'x'.repeat(40) });
  const req = http.request(
    { host: '127.0.0.1', port, method: 'POST', path: '/orders', agent, headers: { 'content-type': 'application/json' } },
    (res) => {
      res.resume();
      if (again) res.on('end', () => send());
    },
  );
  req.on('error', () => again && setTimeout(() => send(), 10));
  req.end(body);
}

if (rate === 0) for (let i = 0; i < inFlight; i++) send();
else {
  // Every 10 ms, whatever the rate owes by now: timers drift, the count does not.
  const started = Date.now();
  let sent = 0;
  setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent++) send(false);
  }, 10);
}
