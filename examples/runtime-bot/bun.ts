// Serves runtime-bot on Bun: `bun --inspect=127.0.0.1:6499/runtime-bot bun.ts --port 3000`.
import { handle, portFromArgs } from './app.ts';

const server = Bun.serve({ hostname: '127.0.0.1', port: portFromArgs(process.argv), fetch: handle });
// Tests and the demo read this line to find the port.
console.log(`runtime-bot listening on http://127.0.0.1:${server.port} pid ${process.pid} (bun ${Bun.version})`);
