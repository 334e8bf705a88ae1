// `npm run demo`: the packaged extension in a real VS Code (code-server) on examples/leaky-bot,
// with the bot running under an inspector and a load driver making it leak. Prints the URL to
// open; Ctrl+C stops everything it started.
//   npm run demo -- [--port 8080] [--folder path] [--rps 5] [--kb 64] [--no-bot] [--no-package]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './toolchain.mjs';
import { startCodeServer } from '../test/e2e/support/codeServer';
import { packageExtension, vsixPath } from '../test/e2e/support/extension';
import { startLeakyBot, startLoad, type LeakyBot } from '../test/e2e/support/leakyBot';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    folder: { type: 'string', default: 'examples/leaky-bot' },
    rps: { type: 'string', default: '5' },
    kb: { type: 'string', default: '64' },
    'no-bot': { type: 'boolean', default: false },
    'no-package': { type: 'boolean', default: false },
  },
});

const stops: Array<() => Promise<void>> = [];
async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

async function main(): Promise<void> {
  process.stdout.write('packaging the extension…\n');
  const vsix = values['no-package'] ? vsixPath : packageExtension();

  let bot: LeakyBot | undefined;
  if (!values['no-bot']) {
    bot = await startLeakyBot();
    stops.push(bot.stop);
    stops.push(startLoad(bot, { rps: Number(values.rps), kb: Number(values.kb) }));
  }

  const server = await startCodeServer({ vsix, port: values.port ? Number(values.port) : undefined });
  stops.push(server.stop);
  const folder = resolve(repoRoot, values.folder);

  process.stdout.write('\nMemory Budget demo is running:\n');
  process.stdout.write(`  VS Code:   ${server.workbenchUrl(folder)}\n`);
  if (bot) {
    process.stdout.write(`  leaky-bot: ${bot.url} (pid ${bot.pid}), leaking under load\n`);
    process.stdout.write(`  inspector: ${bot.inspectorAddress}  (${bot.inspectorUrl})\n`);
  }
  process.stdout.write('  Run "Memory Budget: Attach Memory Budget Monitor" from the command palette (F1).\n');
  process.stdout.write('Press Ctrl+C to stop.\n');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write('\nstopping…\n');
    void stopAll().then(() => process.exit(0));
  });
}

main().catch(async (error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
});
