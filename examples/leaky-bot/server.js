// leaky-bot: a small HTTP service in the image of the bots that die of OOM on a 512 MB box.
// Every /session request keeps a UserSession in a module-level Map that is never pruned
// (the leak); /download holds a Buffer while it "streams" and frees it afterwards (churn
// that the GC reclaims). Start it with --inspect=127.0.0.1:0 and attach Memory Budget.
'use strict';
const http = require('node:http');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : (process.env[`LEAKY_${name.toUpperCase()}`] ?? fallback);
};
const port = Number(flag('port', '0'));
const defaultLeakKb = Number(flag('leak-kb', '64'));

class UserSession {
  constructor(id, userId, kb) {
    this.id = id;
    this.userId = userId;
    this.createdAt = Date.now();
    // Flat strings of at most 256 KB stay on the V8 heap (larger ones Node makes external),
    // so heapUsed and heap snapshots see the leak.
    this.history = [];
    for (let left = kb * 1024; left > 0; left -= 256 * 1024) {
      this.history.push(Buffer.alloc(Math.min(left, 256 * 1024), 97 + (id % 26)).toString('latin1'));
    }
  }
}

class Download {
  constructor(id, kb) {
    this.id = id;
    this.startedAt = Date.now();
    // Off-heap: shows up as external / arrayBuffers, and in RSS.
    this.chunk = Buffer.alloc(kb * 1024, id % 256);
  }
}

class BroadcasterService {
  constructor() {
    this.sessions = new Map(); // never pruned: the leak
    this.activeDownloads = [];
  }
  createSession(userId, kb) {
    const id = this.sessions.size + 1;
    this.sessions.set(`${userId}:${id}`, new UserSession(id, userId, kb));
    return id;
  }
  startDownload(kb, ms) {
    const d = new Download(this.activeDownloads.length + 1, kb);
    this.activeDownloads.push(d);
    setTimeout(() => {
      const i = this.activeDownloads.indexOf(d);
      if (i >= 0) this.activeDownloads.splice(i, 1);
    }, ms);
    return d.id;
  }
  reset() {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }
}

const broadcaster = new BroadcasterService();

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const kb = Math.max(0, Math.min(64 * 1024, Number(url.searchParams.get('kb') ?? defaultLeakKb) || 0));
  const count = Math.max(1, Math.min(10_000, Number(url.searchParams.get('count') ?? 1) || 1));
  switch (url.pathname) {
    case '/session': {
      const userId = url.searchParams.get('user') ?? String(Math.floor(Math.random() * 1e6));
      let id = 0;
      for (let i = 0; i < count; i++) id = broadcaster.createSession(userId, kb);
      return reply(res, 200, { session: id, sessions: broadcaster.sessions.size });
    }
    case '/download': {
      const ms = Math.max(0, Math.min(60_000, Number(url.searchParams.get('ms') ?? 2000) || 0));
      const id = broadcaster.startDownload(kb, ms);
      return reply(res, 200, { download: id, active: broadcaster.activeDownloads.length });
    }
    case '/reset':
      return reply(res, 200, { freedSessions: broadcaster.reset() });
    case '/stats':
      return reply(res, 200, {
        pid: process.pid,
        sessions: broadcaster.sessions.size,
        activeDownloads: broadcaster.activeDownloads.length,
        memory: process.memoryUsage(),
      });
    default:
      return reply(res, 404, { error: 'try /session, /download, /reset or /stats' });
  }
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  // Tests and the demo read this line to find the port.
  process.stdout.write(`leaky-bot listening on http://127.0.0.1:${address.port} pid ${process.pid}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
