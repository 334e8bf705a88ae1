// What the chart draws over uPlot's series: the budget, its bands, the heap limit, event markers.
import type uPlot from 'uplot';
import type { ChartBudget, ChartEvent } from '../../src/webview/chartProtocol';

interface Palette {
  warn: string;
  error: string;
  heapUsed: string;
}

/** Bands go under the series ('bands'); lines over them ('lines'). Canvas pixels throughout. */
export function drawBudgetOverlay(
  u: uPlot,
  budget: ChartBudget,
  heapLimit: number | undefined,
  c: Palette,
  layer: 'bands' | 'lines',
): void {
  const ctx = u.ctx;
  const { left, width, top, height } = u.bbox;
  const y = (v: number) => Math.max(top, Math.min(top + height, u.valToPos(v, 'y', true)));
  ctx.save();
  if (layer === 'bands') {
    ctx.globalAlpha = 0.1;
    ctx.fillStyle = c.warn;
    ctx.fillRect(left, y(budget.criticalBytes), width, y(budget.warnBytes) - y(budget.criticalBytes));
    ctx.globalAlpha = 0.14;
    ctx.fillStyle = c.error;
    ctx.fillRect(left, y(budget.bytes), width, y(budget.criticalBytes) - y(budget.bytes));
  } else {
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.strokeStyle = c.error;
    line(ctx, left, width, y(budget.bytes));
    if (heapLimit !== undefined) {
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.strokeStyle = c.heapUsed;
      line(ctx, left, width, y(heapLimit));
    }
  }
  ctx.restore();
}

function line(ctx: CanvasRenderingContext2D, left: number, width: number, y: number): void {
  ctx.beginPath();
  ctx.moveTo(left, y);
  ctx.lineTo(left + width, y);
  ctx.stroke();
}

/** DOM labels (readable by screen readers and tests) on the budget line and heap limit. */
export function placeBudgetLabel(u: uPlot, budget: ChartBudget, heapLimit: number | undefined): void {
  const label = ensure(u.over, 'budget-label');
  label.textContent = budget.label;
  label.style.top = `${Math.max(0, u.valToPos(budget.bytes, 'y') - 18)}px`;
  const limit = ensure(u.over, 'heap-limit-label');
  limit.hidden = heapLimit === undefined;
  if (heapLimit !== undefined) {
    limit.textContent = `V8 heap limit — ${Math.round(heapLimit / 1048576)} MB (exceeding it is a V8 out-of-memory, exit 134)`;
    limit.style.top = `${Math.max(0, u.valToPos(heapLimit, 'y') - 18)}px`;
  }
}

const MARKER_GLYPH: Record<string, string> = {
  spike: '▲',
  gc: '🗑',
  snapshot: '📸',
  restart: '🔄',
  level: '●',
  leak: '📈',
  disconnect: '⏏',
  reconnect: '↺',
  'leak-suspect': '🔎',
  'snapshot-skipped': '⛔',
  mark: '◆',
  shutdown: '⏹',
  allocations: '🔬',
  note: 'ℹ',
};

/** A marker per event in view; hovering (or focusing) one shows what happened. */
export function placeEventMarkers(u: uPlot, events: readonly ChartEvent[]): void {
  const layer = ensure(u.over, 'markers');
  const [min, max] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
  const visible = events.filter((e) => e.time / 1000 >= min && e.time / 1000 <= max).slice(-200);
  while (layer.children.length > visible.length) layer.lastElementChild!.remove();
  while (layer.children.length < visible.length) {
    const m = document.createElement('span');
    m.tabIndex = 0;
    m.setAttribute('role', 'img');
    layer.append(m);
  }
  visible.forEach((e, i) => {
    const m = layer.children[i] as HTMLElement;
    const when = new Date(e.time).toLocaleTimeString();
    m.className = `marker marker-${e.type}`;
    m.textContent = MARKER_GLYPH[e.type] ?? '•';
    m.title = `${when} — ${e.text}`;
    m.setAttribute('aria-label', m.title);
    m.style.left = `${u.valToPos(e.time / 1000, 'x')}px`;
  });
}

function ensure(parent: HTMLElement, className: string): HTMLElement {
  let el = parent.querySelector<HTMLElement>(`:scope > .${className}`);
  if (!el) {
    el = document.createElement('div');
    el.className = className;
    parent.append(el);
  }
  return el;
}
