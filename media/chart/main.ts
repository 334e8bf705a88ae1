// The live memory chart: uPlot over a bounded ring of samples, the budget line with its preset
// label, warn/critical bands, V8's heap limit when it matters, and event markers.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import { SeriesRing } from '../../src/core/watch/seriesRing';
import {
  parseChartHostMessage,
  type AllocationSamplingState,
  type ChartBudget,
  type ChartEvent,
  type ChartViewMessage,
} from '../../src/webview/chartProtocol';
import { drawBudgetOverlay, placeEventMarkers, placeBudgetLabel } from './overlays';
import { legendTime, legendValue, timeAxis, timeAxisPadding } from './timeAxis';

declare function acquireVsCodeApi(): { postMessage(m: ChartViewMessage): void; getState(): unknown; setState(s: unknown): void };

const vscode = acquireVsCodeApi();
const MB = 1024 * 1024;
/** Round MB steps for the y axis (uPlot would otherwise pick steps of raw bytes). */
const MB_STEPS = [1, 2, 5, 10, 16, 25, 32, 50, 64, 100, 128, 256, 512, 1024, 2048, 4096].map((m) => m * MB);
/** Room under the plot for uPlot's legend until it has been laid out (a narrow panel wraps it). */
const LEGEND_PX = 36;
const WINDOWS: Record<string, number> = { '1m': 60_000, '15m': 15 * 60_000, '1h': 3_600_000, all: Infinity };

interface ViewState {
  window: string;
  targetId?: string;
  /** The user picked the window (a finished series otherwise shows all of it). */
  windowChosen?: boolean;
}

const saved = (vscode.getState() as ViewState | undefined) ?? { window: '15m' };
const state = {
  view: { window: WINDOWS[saved.window] ? saved.window : '15m', targetId: saved.targetId, windowChosen: saved.windowChosen } as ViewState,
  ring: new SeriesRing(86_400),
  events: [] as ChartEvent[],
  budget: undefined as ChartBudget | undefined,
  heapLimit: undefined as number | undefined,
  paused: false,
  redrawQueued: false,
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const targetSelect = $<HTMLSelectElement>('target');
const summary = $('summary');
const statusLine = $('status');
const pauseButton = $<HTMLButtonElement>('pause');
const gcButton = $<HTMLButtonElement>('gc');
const snapshotButton = $<HTMLButtonElement>('snapshot');
const allocationsButton = $<HTMLButtonElement>('allocations');
const adviceLine = $('advice');
const chartHost = $('chart');

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function colors() {
  return {
    rss: themeColor('--vscode-charts-red', '#f14c4c'),
    heapUsed: themeColor('--vscode-charts-blue', '#3794ff'),
    heapTotal: themeColor('--vscode-charts-purple', '#b180d7'),
    external: themeColor('--vscode-charts-green', '#89d185'),
    foreground: themeColor('--vscode-editor-foreground', '#cccccc'),
    grid: themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
    warn: themeColor('--vscode-editorWarning-foreground', '#cca700'),
    error: themeColor('--vscode-editorError-foreground', '#f14c4c'),
  };
}

/** Whether V8's heap limit is worth a line: heap used has come within reach of it. */
function heapLimitShown(): boolean {
  if (!state.heapLimit || state.ring.size === 0) return false;
  return state.ring.valueAt('heapUsed', state.ring.size - 1) >= state.heapLimit * 0.6;
}

function buildPlot(): uPlot {
  const c = colors();
  const fontFamily = getComputedStyle(document.body).fontFamily || 'sans-serif';
  const axis = { stroke: c.foreground, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
  const value = legendValue(fmt);
  const opts: uPlot.Options = {
    ...plotSize(),
    padding: [null, timeAxisPadding(fontFamily), null, null],
    scales: {
      // Events after the last sample (a log's crossings in the seconds before an OOM kill) stay in view.
      x: {
        time: true,
        range: (_u, min, max) =>
          min === null || max === null ? [min, max] : [min, Math.max(max, (state.events.at(-1)?.time ?? 0) / 1000)],
      },
      y: {
        range: (_u, _min, max) => {
          const budget = state.budget?.bytes ?? 0;
          const limit = heapLimitShown() ? (state.heapLimit ?? 0) * 1.05 : 0;
          return [0, Math.max(max || 0, budget * 1.08, limit)];
        },
      },
    },
    axes: [
      timeAxis(fontFamily, axis),
      { ...axis, size: 70, incrs: MB_STEPS, values: (_u, splits) => splits.map((v) => `${Math.round(v / MB)} MB`) },
    ],
    series: [
      { label: 'Time', value: legendValue(legendTime) },
      { label: 'RSS', stroke: c.rss, width: 2, points: { show: false }, value },
      { label: 'Heap used', stroke: c.heapUsed, width: 1.5, points: { show: false }, value },
      { label: 'Heap total', stroke: c.heapTotal, width: 1, dash: [4, 3], points: { show: false }, value },
      { label: 'External', stroke: c.external, width: 1, points: { show: false }, value },
    ],
    cursor: { drag: { x: false, y: false } },
    hooks: {
      drawAxes: [
        (u) => state.budget && drawBudgetOverlay(u, state.budget, heapLimitShown() ? state.heapLimit : undefined, colors(), 'bands'),
      ],
      draw: [
        (u) => {
          if (state.budget) {
            drawBudgetOverlay(u, state.budget, heapLimitShown() ? state.heapLimit : undefined, colors(), 'lines');
            placeBudgetLabel(u, state.budget, heapLimitShown() ? state.heapLimit : undefined);
          }
          placeEventMarkers(u, state.events);
        },
      ],
    },
  };
  return new uPlot(opts, [[], [], [], [], []], chartHost);
}

let plot = buildPlot();

/** The plot fills the chart's content box, leaving room for the legend as it is laid out now. */
function plotSize(): { width: number; height: number } {
  const style = getComputedStyle(chartHost);
  const px = (v: string) => parseFloat(v) || 0;
  const width = chartHost.clientWidth - px(style.paddingLeft) - px(style.paddingRight);
  const height = chartHost.clientHeight - px(style.paddingTop) - px(style.paddingBottom);
  const legend = chartHost.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? LEGEND_PX;
  return { width: Math.max(300, width || 600), height: Math.max(200, (height || 360) - legend) };
}

function fit(): void {
  plot.setSize(plotSize());
  // The legend wraps to the new width; the height follows what it takes now.
  const size = plotSize();
  if (size.height !== plot.height) plot.setSize(size);
}

function fmt(v: number | null): string {
  return v === null || Number.isNaN(v) ? '—' : `${(v / MB).toFixed(1)} MB`;
}

function redraw(): void {
  if (state.redrawQueued) return;
  state.redrawQueued = true;
  requestAnimationFrame(() => {
    state.redrawQueued = false;
    if (state.ring.size === 0) return;
    const span = WINDOWS[state.view.window];
    const newest = state.ring.timeAt(state.ring.size - 1);
    const cols = state.ring.columns(span === Infinity ? -Infinity : newest - span, Math.max(400, plot.width * 2));
    const nan = (xs: number[]) => xs.map((v) => (Number.isNaN(v) ? null : v));
    plot.setData([cols.t, cols.rss, nan(cols.heapUsed), nan(cols.heapTotal), nan(cols.external)]);
  });
}

function saveView(): void {
  vscode.setState(state.view);
}

function selectWindow(name: string): void {
  state.view.window = name;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#windows button'))
    b.setAttribute('aria-pressed', String(b.dataset.window === name));
  saveView();
  redraw();
}

for (const b of document.querySelectorAll<HTMLButtonElement>('#windows button'))
  b.addEventListener('click', () => {
    state.view.windowChosen = true;
    selectWindow(b.dataset.window!);
  });
pauseButton.addEventListener('click', () => {
  state.paused = !state.paused;
  pauseButton.textContent = state.paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(state.paused));
  if (!state.paused) redraw();
});
gcButton.addEventListener('click', () => {
  gcButton.disabled = true;
  statusLine.textContent = 'Forcing a full garbage collection…';
  vscode.postMessage({ type: 'forceGc' });
});
snapshotButton.addEventListener('click', () => vscode.postMessage({ type: 'takeSnapshot' }));
allocationsButton.addEventListener('click', () => vscode.postMessage({ type: 'toggleAllocationSampling' }));

/** Shown only where the target's inspector has a sampling heap profiler, as the other buttons. */
function showAllocationSampling(s: AllocationSamplingState): void {
  allocationsButton.hidden = s.unavailable !== undefined;
  allocationsButton.textContent = s.running ? 'Stop allocation sampling' : 'Start allocation sampling';
  allocationsButton.setAttribute('aria-pressed', String(s.running));
  allocationsButton.title = "V8's sampling heap profiler: live bytes per allocating function, on your source lines";
}
targetSelect.addEventListener('change', () => {
  state.view.targetId = targetSelect.value;
  saveView();
  vscode.postMessage({ type: 'selectTarget', targetId: targetSelect.value });
});

// The panel's size, and the legend's height (it wraps as values grow or the panel narrows).
const resize = new ResizeObserver(fit);
function observeSize(): void {
  resize.disconnect();
  resize.observe(chartHost);
  const legend = chartHost.querySelector('.u-legend');
  if (legend) resize.observe(legend);
}
observeSize();
// A theme change swaps the CSS variables; rebuild so series and axes take the new colours.
new MutationObserver(() => {
  plot.destroy();
  plot = buildPlot();
  observeSize();
  redraw();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = parseChartHostMessage(e.data);
  switch (m?.type) {
    case 'init': {
      targetSelect.replaceChildren(...m.targets.map((t) => new Option(t.name, t.id, false, t.id === m.targetId)));
      targetSelect.hidden = m.targets.length < 2;
      state.view.targetId = m.targetId;
      saveView();
      state.budget = m.budget;
      state.heapLimit = m.heapLimitBytes;
      state.ring.clear();
      for (const p of m.history) state.ring.push(p);
      state.events = m.events;
      // What the target's inspector does not offer is not shown at all (an agent's metrics, a log file).
      snapshotButton.hidden = !m.canSnapshot;
      gcButton.hidden = !m.canGc;
      gcButton.disabled = false;
      showAllocationSampling(m.allocationSampling ?? { running: false, unavailable: 'no live process' });
      adviceLine.hidden = true;
      // A GC result or error belongs to the target it was about.
      statusLine.textContent = '';
      pauseButton.hidden = m.live === false;
      // A finished series reads best whole, unless the user picked a window for this view.
      if (m.live === false && !state.view.windowChosen) selectWindow('all');
      document.body.classList.toggle('empty', m.targets.length === 0);
      summary.textContent =
        m.summary ?? (m.targets.length === 0 ? 'Nothing attached — run "Memory Budget: Attach Memory Budget Monitor".' : '');
      redraw();
      break;
    }
    case 'sample':
      if (m.targetId !== state.view.targetId) return;
      state.ring.push(m.point);
      state.budget = m.budget;
      summary.textContent = m.summary;
      adviceLine.textContent = m.advice ?? '';
      adviceLine.hidden = !m.advice;
      if (!state.paused) redraw();
      break;
    case 'event':
      if (m.targetId !== state.view.targetId) return;
      state.events.push(m.event);
      if (state.events.length > 1000) state.events.shift();
      if (!state.paused) redraw();
      break;
    case 'allocationSampling':
      if (m.targetId === state.view.targetId) showAllocationSampling(m.state);
      break;
    case 'gcResult':
    case 'error':
      gcButton.disabled = false;
      statusLine.textContent = m.text;
      break;
  }
});

selectWindow(state.view.window);
vscode.postMessage({ type: 'ready' });
