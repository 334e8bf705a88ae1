// npm run demo: starts examples/leaky-bot with an inspector and a little load, then watches it
// with the CLI against a 512 MB budget. Ctrl+C stops everything it started.
import { spawn } from 'node:child_process';

const children = [];
const start = (args, opts = {}) => {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.push(child);
  return child;
};
const stopAll = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('SIGINT', () => {
  stopAll();
  process.exit(0);
});
process.on('exit', stopAll);

const bot = start(['--inspect=127.0.0.1:0', 'examples/leaky-bot/server.js']);
let out = '';
let err = '';
bot.stdout.on('data', (d) => (out += d));
bot.stderr.on('data', (d) => (err += d));
while (!/listening on/.test(out) || !/ws:\/\//.test(err)) await new Promise((r) => setTimeout(r, 50));
const url = /listening on (\S+)/.exec(out)[1];
const inspector = /ws:\/\/([^/]+)\//.exec(err)[1];
console.log(`leaky-bot at ${url}, inspector ${inspector}`);
start(['examples/leaky-bot/load.js', '--url', url, '--rps', '4', '--kb', '256'], { stdio: 'inherit' });
const watch = start(['dist/cli.js', 'watch', inspector, '--preset', 'render-free', '--log', '.memory-budget'], { stdio: 'inherit' });
watch.on('exit', (code) => process.exit(code ?? 0));
