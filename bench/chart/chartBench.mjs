// A day at 1 Hz in the chart: main-thread time to take in one new sample and redraw (uPlot's
// draw included), with the chart's ring buffer and min/max decimation (dist/media/chart.js)
// against uPlot handed all 86,400 points (the peer: a chart without decimation). Real Chromium,
// headless. Frame pacing is not measured (it is the display's); the work per frame is.
//   npm run build && node bench/chart/chartBench.mjs [--points 86400] [--frames 60]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { points: { type: 'string', default: '86400' }, frames: { type: 'string', default: '60' } } });
const POINTS = Number(values.points);
const FRAMES = Number(values.frames);
const require = createRequire(import.meta.url);
const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
const chartJs = readFileSync('dist/media/chart.js', 'utf8');
const chartCss = readFileSync('dist/media/chart.css', 'utf8');

const shell = (body) =>
  `<!DOCTYPE html><html><head><style>${uplotCss}${chartCss}</style></head><body style="height:600px">${body}</body></html>`;
const chartBody = `<header><select id="target" hidden></select><span id="summary"></span><span id="windows"><button data-window="1m">1 m</button><button data-window="15m">15 m</button><button data-window="1h">1 h</button><button data-window="all">all</button></span><button id="pause">Pause</button><button id="gc">Force GC</button><button id="snapshot">Snap</button></header><div id="status"></div><div id="chart" style="height:520px"></div>`;

/** A realistic day: the recorded leak's sawtooth, repeated. */
function dayOfPoints(n, start) {
  const series = JSON.parse(readFileSync('test/fixtures/series/leaking.json', 'utf8')).samples;
  const out = [];
  for (let i = 0; i < n; i++) {
    const s = series[i % series.length];
    out.push({ t: start + i * 1000, rss: s.rss + (i / n) * 300e6, heapUsed: s.heapUsed, heapTotal: s.heapUsed * 1.3, external: 8e6 });
  }
  return out;
}

async function measure(page, step) {
  // Warm up, then time FRAMES new samples, each until the frame after it is painted.
  for (let i = 0; i < 5; i++) await page.evaluate(step, -1 - i);
  const times = [];
  for (let i = 0; i < FRAMES; i++) times.push(await page.evaluate(step, i));
  times.sort((a, b) => a - b);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  return { median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], heapMB: heap / 1048576 };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'],
});
try {
  const now = Date.now();
  const history = dayOfPoints(POINTS, now - POINTS * 1000);

  const ours = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  await ours.setContent(shell(chartBody));
  await ours.evaluate(() => {
    window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => ({ window: 'all' }), setState() {} });
    // Time each animation-frame callback plus the microtasks it queued (uPlot draws in one).
    window.__frames = [];
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) =>
      raf((ts) => {
        const t0 = performance.now();
        cb(ts);
        queueMicrotask(() => window.__frames.push(performance.now() - t0));
      });
  });
  await ours.addScriptTag({ content: chartJs });
  await ours.evaluate(
    ([history]) => {
      const MB = 1048576;
      window.__budget = { bytes: 512 * MB, label: 'Render Free — 512 MB', warnBytes: 0.8 * 512 * MB, criticalBytes: 0.94 * 512 * MB };
      window.postMessage(
        {
          type: 'init',
          targets: [{ id: '1', name: 'bench' }],
          targetId: '1',
          budget: window.__budget,
          history,
          events: [],
          canSnapshot: true,
          canGc: true,
          allocationSampling: { running: false },
        },
        '*',
      );
    },
    [history],
  );
  await ours.waitForTimeout(500);
  const oursResult = await measure(
    ours,
    (i) =>
      new Promise((resolve) => {
        const seen = window.__frames.length;
        const last = Date.now() + 1000 * (i + 10);
        window.postMessage(
          {
            type: 'sample',
            targetId: '1',
            point: { t: last, rss: 300e6, heapUsed: 1e8, heapTotal: 1.3e8, external: 8e6 },
            budget: window.__budget,
            summary: '',
          },
          '*',
        );
        const poll = () => (window.__frames.length > seen ? resolve(window.__frames[window.__frames.length - 1]) : setTimeout(poll, 1));
        poll();
      }),
  );

  const peer = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  await peer.setContent(shell('<div id="chart" style="height:520px"></div>'));
  await peer.addScriptTag({ content: uplotJs });
  await peer.evaluate(
    ([history]) => {
      const cols = [
        history.map((p) => p.t / 1000),
        history.map((p) => p.rss),
        history.map((p) => p.heapUsed),
        history.map((p) => p.heapTotal),
        history.map((p) => p.external),
      ];
      window.__cols = cols;
      window.__u = new uPlot(
        {
          width: 1380,
          height: 480,
          scales: { x: { time: true } },
          series: [{}, { stroke: 'red' }, { stroke: 'blue' }, { stroke: 'purple' }, { stroke: 'green' }],
        },
        cols,
        document.getElementById('chart'),
      );
    },
    [history],
  );
  await peer.waitForTimeout(500);
  const peerResult = await measure(
    peer,
    (i) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        const c = window.__cols;
        // A ring of a day: drop the oldest point, add the new one, hand uPlot everything.
        c[0].shift();
        c[0].push(c[0][c[0].length - 1] + 1);
        for (let k = 1; k < c.length; k++) {
          c[k].shift();
          c[k].push(3e8 + i);
        }
        window.__u.setData(c);
        // uPlot draws in a microtask it queued; this one runs after it.
        queueMicrotask(() => resolve(performance.now() - t0));
      }),
  );

  const fmt = (r) => `${r.median.toFixed(1)} ms median, ${r.p95.toFixed(1)} ms p95, JS heap ${r.heapMB.toFixed(0)} MB`;
  console.log(
    `A day at 1 Hz (${POINTS.toLocaleString('en-US')} points × 4 series), main-thread work per new sample (redraw included), ${FRAMES} frames:`,
  );
  console.log(`  Memory Budget chart (ring + min/max decimation): ${fmt(oursResult)}`);
  console.log(`  uPlot given every point (no decimation):         ${fmt(peerResult)}`);
  const ratio = peerResult.median / oursResult.median;
  console.log(
    `  ratio: ${ratio.toFixed(1)}× faster per frame; ${(peerResult.heapMB / Math.max(1, oursResult.heapMB)).toFixed(1)}× the JS heap for the peer`,
  );
  console.log(
    oursResult.p95 < 16
      ? 'verdict: smooth — redraw work fits a 60 fps frame (16 ms) at p95'
      : `verdict: NOT smooth — p95 ${oursResult.p95.toFixed(0)} ms of work per frame`,
  );
} finally {
  await browser.close();
}
