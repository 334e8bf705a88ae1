import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolchainPaths } from '../../../scripts/toolchain.mjs';
import { chromiumArgs } from '../../e2e/support/workbench';
import { crashedAndRestartedLog, removeAppDirs } from '../../support/agentApp';
import { runCli } from '../../support/cli';

afterAll(removeAppDirs);

let dir: string;
let jsonl: string;
let pids: number[];
beforeAll(async () => {
  ({ dir, jsonl, pids } = await crashedAndRestartedLog());
  // A line a copy from a server cut short.
  fs.appendFileSync(jsonl, '{"kind":"sample","time":\n');
}, 60_000);

describe('memory-budget report --html in Chromium', () => {
  it('--html writes one self-contained page whose chart Chromium draws, one series per pid', async () => {
    const html = path.join(dir, 'incident.html');
    const result = await runCli(['report', jsonl, '--html', html]);
    expect(result.code).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched from elsewhere

    const browser = await chromium.launch({ executablePath: toolchainPaths().chromium, headless: true, args: chromiumArgs });
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const requests: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${html}`);
      await tab.locator('#chart canvas').waitFor();
      await expect.poll(() => tab.locator('#summary').textContent()).toMatch(/peak [\d.]+ MB \/ 200 MB .* · 1 line skipped/);
      expect(await tab.locator('#target option').allTextContents()).toEqual([`pid ${pids[0]} — bot`, `pid ${pids[1]} — bot`]);
      const inked = () =>
        tab.evaluate(() => {
          const canvas = document.querySelector('#chart canvas') as HTMLCanvasElement;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let red = 0;
          // RSS is drawn in the theme's red (#f14c4c without VS Code).
          for (let i = 0; i < pixels.length; i += 4)
            if (pixels[i] > 200 && pixels[i + 1] < 120 && pixels[i + 2] < 120 && pixels[i + 3] > 0) red++;
          return red;
        });
      await expect.poll(inked).toBeGreaterThan(300);
      expect(await tab.locator('.budget-label').textContent()).toBe('Budget — 200 MB');
      expect(await tab.locator('.marker').count()).toBeGreaterThan(3);
      const before = await tab.locator('.marker').count();
      await tab.locator('#target').selectOption({ index: 1 });
      await expect.poll(() => tab.locator('.marker').count()).not.toBe(before);
      await expect.poll(inked).toBeGreaterThan(100);
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
