import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartHostMessage, ChartPoint } from '../../src/webview/chartProtocol';
import { openChartPage, type ChartPage, type DrawnText } from './support/chartPage';

const MB = 1024 * 1024;
const WIDTHS = [600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600];
const RANGES = ['1m', '15m', '1h', 'all'];

/** Two days of samples ending at `end` (ms): one a minute, then one a second for the last hour. */
function history(end: number): ChartPoint[] {
  const points: ChartPoint[] = [];
  const at = (t: number, i: number) => ({
    t,
    rss: (120 + 60 * Math.sin(i / 300) + i / 100) * MB,
    heapUsed: (40 + i / 200) * MB,
    heapTotal: (60 + i / 200) * MB,
    external: 8 * MB,
  });
  for (let t = end - 2 * 86_400_000; t < end - 3_600_000; t += 60_000) points.push(at(t, points.length));
  for (let t = end - 3_600_000; t <= end; t += 1000) points.push(at(t, points.length));
  return points;
}

function initMessage(end: number): ChartHostMessage {
  return {
    type: 'init',
    targets: [{ id: '1', name: 'server.js (127.0.0.1:9229)' }],
    targetId: '1',
    budget: { bytes: 512 * MB, label: 'Render Free — 512 MB', warnBytes: 0.8 * 512 * MB, criticalBytes: 0.94 * 512 * MB },
    history: history(end),
    events: [],
    canSnapshot: true,
    canGc: true,
    allocationSampling: { running: false },
  };
}

/** Runs in the page: the parts of the chart that stick out of its panel's content box. */
function overflowingParts(): string[] {
  const host = document.getElementById('chart')!;
  const style = getComputedStyle(host);
  const rect = host.getBoundingClientRect();
  const inner = {
    left: rect.left + parseFloat(style.paddingLeft),
    right: rect.right - parseFloat(style.paddingRight),
    bottom: rect.bottom - parseFloat(style.paddingBottom),
  };
  const parts = { canvas: host.querySelector('canvas')!, legend: host.querySelector('.u-legend')! };
  return Object.entries(parts)
    .filter(([, el]) => {
      const r = el.getBoundingClientRect();
      return r.left < inner.left - 0.5 || r.right > inner.right + 0.5 || r.bottom > inner.bottom + 0.5;
    })
    .map(([name]) => name);
}

function overlaps(a: DrawnText, b: DrawnText): boolean {
  // Half a pixel of anti-aliasing either way is not an overlap.
  return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
}

function collisions(texts: DrawnText[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) if (overlaps(texts[i]!, texts[j]!)) found.push(`"${texts[i]!.text}" × "${texts[j]!.text}"`);
  return found;
}

// Real Chromium, the real bundle: at every width and range, nothing the chart writes on its
// canvas (tick labels, the dates under them, the MB axis) overlaps anything else, and all of
// it stays on the canvas.
describe.each([
  ['at midday', Date.UTC(2026, 10, 23, 13, 37, 42)],
  ['just after midnight (the date changes inside every range)', Date.UTC(2026, 10, 24, 0, 4, 30)],
])('the chart axes %s', (_when, end) => {
  let chart: ChartPage;

  beforeAll(async () => {
    chart = await openChartPage({ width: WIDTHS[0]! });
    await chart.post(initMessage(end));
  });
  afterAll(async () => {
    await chart?.close();
  });

  it.each(WIDTHS)('never overlap at %i px, on any range button', async (width) => {
    await chart.page.setViewportSize({ width, height: 600 });
    for (const range of RANGES) {
      await chart.page.click(`#windows button[data-window="${range}"]`);
      await chart.settle();
      const texts = await chart.drawnText();
      const canvasWidth = await chart.page.evaluate(() => document.querySelector<HTMLCanvasElement>('#chart canvas')!.width);
      const where = `${width} px, ${range}`;
      expect(collisions(texts), where).toEqual([]);
      expect(
        texts.filter((t) => t.left < 0 || t.right > canvasWidth).map((t) => t.text),
        where,
      ).toEqual([]);
      // …and the canvas and the legend (which wraps when narrow) are inside the visible panel.
      expect(await chart.page.evaluate(overflowingParts), where).toEqual([]);
      // The time axis is there: several ticks, and a date under the first one.
      const timeLabels = texts.filter((t) => /\d:\d\d|[A-Z][a-z]{2} \d/.test(t.text));
      expect(timeLabels.length, where).toBeGreaterThanOrEqual(3);
      expect(
        timeLabels.some((t) => /^Nov 2[34]$/.test(t.text)),
        where,
      ).toBe(true);
    }
  });

  it('shows the newest values in the legend while the cursor is off the plot, and the hovered ones on it', async () => {
    await chart.page.setViewportSize({ width: 1200, height: 600 });
    await chart.page.click('#windows button[data-window="15m"]');
    await chart.settle();
    const legend = () => chart.page.locator('.u-legend .u-series').allInnerTexts();
    const newest = history(end).at(-1)!;
    const offPlot = await legend();
    expect(offPlot.find((s) => s.startsWith('RSS'))).toMatch(new RegExp(`^RSS\\s*${(newest.rss / MB).toFixed(1)} MB$`));
    expect(offPlot.find((s) => s.startsWith('Heap used'))).toMatch(new RegExp(`${(newest.heapUsed / MB).toFixed(1)} MB$`));
    expect(offPlot.find((s) => s.startsWith('Time'))).toMatch(/Nov 2[34], \d{1,2}:\d\d:\d\d/);
    expect(offPlot.join(' ')).not.toContain('—');

    const over = chart.page.locator('#chart .u-over');
    const box = (await over.boundingBox())!;
    await chart.page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await chart.settle();
    expect(await legend()).not.toEqual(offPlot);
    await chart.page.mouse.move(box.x + box.width / 2, box.y + box.height + 200);
    await chart.settle();
    expect(await legend()).toEqual(offPlot);
  });
});
