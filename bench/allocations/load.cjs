// Load for httpService.cjs from its own process: keep-alive connections, a fixed number of
// requests in flight, until told to stop (the bench kills it once the service has reported).
'use strict';
const http = require('node:http');

const port = Number(process.argv[2]);
const inFlight = Number(process.argv[3] ?? 16);
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
let id = 0;

function send() {
  const i = id++;
  const body = JSON.stringify({ id: i, user: `u${i % 1000}`, items: [i, i + 1, i + 2], note: 'x'.repeat(40) });
  const req = http.request(
    { host: '127.0.0.1', port, method: 'POST', path: '/orders', agent, headers: { 'content-type': 'application/json' } },
    (res) => {
      res.resume();
      res.on('end', send);
    },
  );
  req.on('error', () => setTimeout(send, 10));
  req.end(body);
}

for (let i = 0; i < inFlight; i++) send();
