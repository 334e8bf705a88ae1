// Regenerates the README's screenshots from a real run: leaky-bot under load, watched by the
// packaged extension in code-server, photographed by Chromium.
//   node scripts/run-ts.mjs scripts/screenshots.ts [--seconds 90]
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLeakyBot, startLoad } from '../test/support/leakyBot';
import { startCodeServer } from '../test/e2e/support/codeServer';
import { makeWorkspace, packageExtension } from '../test/e2e/support/extension';
import { openWorkbench, screenshot, statusBarItem, webviewFrame } from '../test/e2e/support/workbench';
import { repoRoot } from './toolchain.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '90' } } });
const out = join(repoRoot, 'docs', 'images');
mkdirSync(out, { recursive: true });

const vsix = packageExtension();
const bot = await startLeakyBot();
const stopLoad = startLoad(bot, { rps: 6, kb: 256 });
const workspace = makeWorkspace({}, ['examples/leaky-bot']);
const server = await startCodeServer({
  vsix,
  settings: {
    'memoryBudget.autoAttach': [String(bot.inspectorPort)],
    'memoryBudget.preset': 'render-free',
    'workbench.colorTheme': 'Default Dark Modern',
  },
});
try {
  const workbench = await openWorkbench(server, workspace.path, { viewport: { width: 1280, height: 760 } });
  const page = workbench.page;
  await statusBarItem(page, 'memoryBudget.status').waitFor({ timeout: 60_000 });
  await statusBarItem(page, 'memoryBudget.status').click();
  await webviewFrame(page).locator('.budget-label').waitFor();
  await page.waitForTimeout(Number(values.seconds) * 1000);
  copyFileSync(await screenshot(page, 'readme-chart'), join(out, 'chart.png'));
  await workbench.close();
} finally {
  await server.stop();
  await stopLoad();
  await bot.kill();
  workspace.dispose();
}
process.stdout.write(`screenshots written to ${out}\n`);
