// The chart webview's real bundle (dist/media/chart.js and .css) in a bare Chromium page with the
// markup the extension gives it (src/webview/pages.ts) and VS Code's theme variables, so its
// layout can be checked at any width without a workbench around it. Every string the chart draws
// on its canvas is recorded with its box, from the canvas's own text metrics.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, toolchainPaths } from '../../../scripts/toolchain.mjs';
import type { ChartHostMessage } from '../../../src/webview/chartProtocol';
import { chartPage } from '../../../src/webview/pages';
import { chromiumArgs } from './workbench';

/** A string drawn on the canvas and its bounding box in canvas pixels. */
export interface DrawnText {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The dark theme's variables the chart reads (a subset of what VS Code injects). */
const THEME = `:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-foreground: #cccccc;
  --vscode-editor-foreground: #cccccc;
  --vscode-editor-background: #1f1f1f;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
}`;

/** Runs in the page before the bundle loads: records fillText calls since the canvas was last cleared. */
function recordCanvasText(): void {
  const drawn = new WeakMap<HTMLCanvasElement, DrawnText[]>();
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText;
  const clearRect = proto.clearRect;
  proto.clearRect = function (x: number, y: number, w: number, h: number) {
    if (x <= 0 && y <= 0 && w >= this.canvas.width && h >= this.canvas.height) drawn.set(this.canvas, []);
    return clearRect.call(this, x, y, w, h);
  };
  proto.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
    const m = this.measureText(text);
    const t = this.getTransform();
    // Rotated text (none today) would need the full transform; record what is axis-aligned.
    if (t.b === 0 && t.c === 0 && text.trim() !== '') {
      const list = drawn.get(this.canvas) ?? [];
      list.push({
        text,
        left: t.a * (x - m.actualBoundingBoxLeft) + t.e,
        right: t.a * (x + m.actualBoundingBoxRight) + t.e,
        top: t.d * (y - m.actualBoundingBoxAscent) + t.f,
        bottom: t.d * (y + m.actualBoundingBoxDescent) + t.f,
      });
      drawn.set(this.canvas, list);
    }
    return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
  };
  (window as unknown as { drawnText: (c: HTMLCanvasElement) => DrawnText[] }).drawnText = (c) => drawn.get(c) ?? [];
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    postMessage() {},
    getState: () => undefined,
    setState() {},
  });
}

export interface ChartPage {
  readonly page: Page;
  /** Sends a message as the extension host would. */
  post(message: ChartHostMessage): Promise<void>;
  /** Waits until the chart has drawn (two animation frames). */
  settle(): Promise<void>;
  /** What the last draw put on the canvas. */
  drawnText(): Promise<DrawnText[]>;
  close(): Promise<void>;
}

export async function openChartPage(options: { width: number; height?: number; timezoneId?: string }): Promise<ChartPage> {
  const media = join(repoRoot, 'dist', 'media');
  const script = readFileSync(join(media, 'chart.js'), 'utf8');
  const style = readFileSync(join(media, 'chart.css'), 'utf8');
  const browser: Browser = await chromium.launch({ executablePath: toolchainPaths().chromium, headless: true, args: chromiumArgs });
  try {
    const context = await browser.newContext({
      viewport: { width: options.width, height: options.height ?? 600 },
      locale: 'en-US',
      timezoneId: options.timezoneId ?? 'UTC',
    });
    const page = await context.newPage();
    await page.setContent(`<!DOCTYPE html><html><head><style>${THEME}${style}</style></head><body>${chartPage.body}</body></html>`);
    await page.evaluate(recordCanvasText);
    await page.addScriptTag({ content: script });
    const settle = () => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    return {
      page,
      post: async (message) => {
        await page.evaluate((m) => window.postMessage(m, '*'), message);
        await settle();
      },
      settle,
      drawnText: () =>
        page.evaluate(() =>
          (window as unknown as { drawnText: (c: HTMLCanvasElement) => DrawnText[] }).drawnText(document.querySelector('#chart canvas')!),
        ),
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
