import { describe, expect, it } from 'vitest';
import { SeriesRing } from '../../../src/core/watch/seriesRing';
import { asSamples, loadSeries } from '../budget/series';

const point = (t: number, rss: number) => ({ t, rss, heapUsed: rss / 2, heapTotal: rss, external: 1 });

describe('SeriesRing', () => {
  it('keeps the newest `capacity` points in order once full', () => {
    const ring = new SeriesRing(100);
    for (let i = 0; i < 250; i++) ring.push(point(i * 1000, i));
    expect(ring.size).toBe(100);
    expect(ring.timeAt(0)).toBe(150_000);
    expect(ring.all().map((p) => p.rss)).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
  });

  it('draws a day at 1 Hz with a bounded number of points and keeps the peak a spike reached', () => {
    const ring = new SeriesRing(86_400);
    const real = asSamples(loadSeries('leaking')).map((s) => s.rssBytes);
    for (let i = 0; i < 86_400; i++) ring.push(point(i * 1000, real[i % real.length] + (i === 43_210 ? 500e6 : 0)));
    const cols = ring.columns(0, 3000);
    expect(cols.t.length).toBeLessThanOrEqual(3000);
    expect(cols.t.length).toBeGreaterThan(1000);
    expect(Math.max(...cols.rss)).toBe(real[43_210 % real.length] + 500e6);
    // Time stays ordered after decimation, so uPlot can draw it.
    for (let i = 1; i < cols.t.length; i++) expect(cols.t[i]).toBeGreaterThan(cols.t[i - 1]);
  });

  it('returns only the window asked for', () => {
    const ring = new SeriesRing(1000);
    for (let i = 0; i < 1000; i++) ring.push(point(i * 1000, i));
    const cols = ring.columns(940_000, 1000);
    expect(cols.t[0]).toBe(940);
    expect(cols.t).toHaveLength(60);
  });
});
