// `npm run demo`: the packaged extension in a real VS Code (code-server) on the examples, as one
// multi-root workspace: examples/leaky-bot running under an inspector with a load driver making it
// leak (auto-attached: status bar and chart), and examples/shop-api for the static analysis (code
// lenses on heavy startup imports, unbounded queries in Problems). Installs the toolchain on first
// run, prints the URL to open; Ctrl+C stops everything it started.
//   npm run demo -- [--port 8080] [--folder path] [--rps 5] [--kb 64] [--no-bot] [--no-package]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installPrerequisites, repoRoot } from './toolchain.mjs';
import { startCodeServer } from '../test/e2e/support/codeServer';
import { packageExtension, vsixPath } from '../test/e2e/support/extension';
import { startLeakyBot, startLoad, type RunningBot } from '../test/support/leakyBot';
import { descendants, endProcesses } from '../test/support/processTree';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    folder: { type: 'string', default: 'examples/demo.code-workspace' },
    rps: { type: 'string', default: '5' },
    kb: { type: 'string', default: '64' },
    'no-bot': { type: 'boolean', default: false },
    'no-package': { type: 'boolean', default: false },
  },
});

const stops: Array<() => Promise<void>> = [];
let stopping = false;

/** Stops what was started, in reverse order, then whatever is still running below this process. */
async function stopAll(): Promise<void> {
  stopping = true;
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await endProcesses(descendants(process.pid));
}

async function main(): Promise<void> {
  await installPrerequisites();
  if (stopping) return;
  process.stdout.write('packaging the extension…\n');
  const vsix = values['no-package'] ? vsixPath : packageExtension();

  let bot: RunningBot | undefined;
  if (!values['no-bot'] && !stopping) {
    bot = await startLeakyBot();
    stops.push(() => bot!.kill('SIGTERM'));
    stops.push(startLoad(bot, { rps: Number(values.rps), kb: Number(values.kb) }));
  }

  // Auto-attach to the bot's inspector port, so the monitor is live as soon as VS Code opens.
  const settings = bot ? { 'memoryBudget.autoAttach': [String(bot.inspectorPort)], 'memoryBudget.preset': 'render-free' } : {};
  if (stopping) return;
  const server = await startCodeServer({ vsix, port: values.port ? Number(values.port) : undefined, settings });
  stops.push(server.stop);
  if (stopping) return;
  const folder = resolve(repoRoot, values.folder);

  process.stdout.write('\nMemory Budget demo is running:\n');
  process.stdout.write(`  VS Code:   ${server.workbenchUrl(folder)}\n`);
  if (bot) {
    process.stdout.write(`  leaky-bot: ${bot.url} (pid ${bot.pid}), leaking under load\n`);
    process.stdout.write(`  inspector: 127.0.0.1:${bot.inspectorPort}  (${bot.webSocketUrl}), auto-attached\n`);
  }
  process.stdout.write("  Status bar: the bot's RSS against Render Free (512 MB); click it for the chart.\n");
  process.stdout.write('  shop-api/src/routes/reports.js: a code lens on a heavy startup import; View > Problems: unbounded queries.\n');
  process.stdout.write('  "Memory Budget: Attach Memory Budget Monitor" (F1) attaches to anything else.\n');
  process.stdout.write('Press Ctrl+C to stop.\n');
}

// `npm run demo` execs this process, so npm hands it the Ctrl+C it receives.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    process.stdout.write('\nstopping…\n');
    void stopAll().then(() => process.exit(0));
  });
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
});
