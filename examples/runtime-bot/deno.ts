// Serves runtime-bot on Deno: `deno run --inspect=127.0.0.1:9339 --allow-net=127.0.0.1 deno.ts --port 3000`.
import { handle, portFromArgs } from './app.ts';

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: portFromArgs(Deno.args),
    // Tests and the demo read this line to find the port.
    onListen: ({ port }) => console.log(`runtime-bot listening on http://127.0.0.1:${port} pid ${Deno.pid} (deno ${Deno.version.deno})`),
  },
  handle,
);
