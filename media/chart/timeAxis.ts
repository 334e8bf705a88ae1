// The chart's time axis and legend values. Tick labels are the time of day (with seconds only
// when ticks are seconds apart); the date goes on a second line under the first tick and where
// the day changes. Ticks are spaced by the widest label the locale can print, so no two labels
// of either line can overlap at any width or time range.
import type uPlot from 'uplot';

const FONT_PX = 12;
const LINE_GAP = 1.5;
/** Room between neighbouring labels. */
const GAP_PX = 14;
const MINUTE_S = 60;
const DAY_S = 86_400;

const secondsFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const minutesFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const legendFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
});

/** The widest strings either line can show: every month's date, and times with wide digits. */
function widestLabelPx(font: string): number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return 90;
  ctx.font = font;
  const samples = [
    ...Array.from({ length: 12 }, (_, month) => dateFormat.format(new Date(2026, month, 28))),
    secondsFormat.format(new Date(2026, 0, 1, 10, 58, 58)),
    secondsFormat.format(new Date(2026, 0, 1, 22, 58, 58)),
  ];
  return Math.max(...samples.map((s) => ctx.measureText(s).width));
}

/** A uPlot x axis with the labels above; `font` is a CSS font family list. */
export function timeAxis(fontFamily: string, base: uPlot.Axis): uPlot.Axis {
  const font = `${FONT_PX}px ${fontFamily}`;
  const space = Math.ceil(widestLabelPx(font)) + GAP_PX;
  return {
    ...base,
    font,
    space,
    gap: 5,
    // Ticks, then two lines of labels.
    size: 10 + 5 + Math.ceil(2 * FONT_PX * LINE_GAP) + 4,
    values: (_u, splits, _axis, _space, incr) => tickLabels(splits, incr),
  };
}

/** Right padding so the label of a tick at the plot's right edge is not cut off. */
export function timeAxisPadding(fontFamily: string): number {
  return Math.ceil(widestLabelPx(`${FONT_PX}px ${fontFamily}`) / 2) + 4;
}

export function tickLabels(splits: number[], incrSeconds: number): string[] {
  if (incrSeconds >= DAY_S) return splits.map((t) => dateFormat.format(new Date(t * 1000)));
  const timeFormat = incrSeconds >= MINUTE_S ? minutesFormat : secondsFormat;
  let previousDay = '';
  return splits.map((t) => {
    const when = new Date(t * 1000);
    const day = when.toDateString();
    const label = timeFormat.format(when);
    if (day === previousDay) return label;
    previousDay = day;
    return `${label}\n${dateFormat.format(when)}`;
  });
}

/**
 * The legend's value for series `sidx`: at the cursor, or — with the cursor off the plot — the
 * newest value, so the legend always reads as the current figures.
 */
export function legendValue(format: (v: number | null) => string) {
  // Before the first cursor move uPlot passes undefined, after the cursor leaves null.
  return (u: uPlot, value: number | null, sidx: number, idx: number | null | undefined): string =>
    format(idx === null || idx === undefined ? newest(u, sidx) : value);
}

export function legendTime(seconds: number | null): string {
  return seconds === null ? '—' : legendFormat.format(new Date(seconds * 1000));
}

function newest(u: uPlot, sidx: number): number | null {
  const column = u.data[sidx] as ArrayLike<number | null | undefined> | undefined;
  for (let i = (column?.length ?? 0) - 1; i >= 0; i--) {
    const v = column![i];
    if (v !== null && v !== undefined && !Number.isNaN(v)) return v;
  }
  return null;
}
