// `npm run demo`: the packaged extension in a real VS Code (code-server) on examples/leaky-bot,
// with the bot running under an inspector and a load driver making it leak. Prints the URL to
// open; Ctrl+C stops everything it started.
//   npm run demo -- [--port 8080] [--folder path] [--rps 5] [--kb 64] [--no-bot] [--no-package]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './toolchain.mjs';
import { startCodeServer } from '../test/e2e/support/codeServer';
import { packageExtension, vsixPath } from '../test/e2e/support/extension';
import { startLeakyBot, startLoad, type RunningBot } from '../test/support/leakyBot';

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

  let bot: RunningBot | undefined;
  if (!values['no-bot']) {
    bot = await startLeakyBot();
    stops.push(() => bot!.kill('SIGTERM'));
    stops.push(startLoad(bot, { rps: Number(values.rps), kb: Number(values.kb) }));
  }

  // Auto-attach to the bot's inspector port, so the monitor is live as soon as VS Code opens.
  const settings = bot ? { 'memoryBudget.autoAttach': [String(bot.inspectorPort)], 'memoryBudget.preset': 'render-free' } : {};
  const server = await startCodeServer({ vsix, port: values.port ? Number(values.port) : undefined, settings });
  stops.push(server.stop);
  const folder = resolve(repoRoot, values.folder);

  process.stdout.write('\nMemory Budget demo is running:\n');
  process.stdout.write(`  VS Code:   ${server.workbenchUrl(folder)}\n`);
  if (bot) {
    process.stdout.write(`  leaky-bot: ${bot.url} (pid ${bot.pid}), leaking under load\n`);
    process.stdout.write(`  inspector: 127.0.0.1:${bot.inspectorPort}  (${bot.webSocketUrl}), auto-attached\n`);
  }
  process.stdout.write('  The status bar shows its RSS against Render Free (512 MB); click it for the chart.\n');
  process.stdout.write('  "Memory Budget: Attach Memory Budget Monitor" (F1) attaches to anything else.\n');
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
