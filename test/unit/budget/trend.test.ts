import { describe, expect, it } from 'vitest';
import { TrendWindow } from '../../../src/core/budget/trend';
import { asSamples, endsSlopePerHour, loadSeries } from './series';

const MB = 1024 * 1024;

describe('least-squares trend on real series from leaky-bot', () => {
  it('measures the growth of a leaking bot close to an independent estimate, and projects the budget', () => {
    const samples = asSamples(loadSeries('leaking'));
    const window = new TrendWindow({ windowMs: 15 * 60_000, minSamples: 5, minSpanMs: 4_000 });
    for (const s of samples) window.add({ time: s.time, bytes: s.rssBytes });
    const last = samples.at(-1)!;
    const budget = last.rssBytes + 100 * MB;
    const trend = window.current(budget)!;
    const expected = endsSlopePerHour(samples);
    expect(expected).toBeGreaterThan(100 * MB); // the recording really leaks
    expect(trend.bytesPerHour).toBeGreaterThan(expected * 0.8);
    expect(trend.bytesPerHour).toBeLessThan(expected * 1.2);
    // 100 MB of headroom at that rate, give or take the fit's offset from the last sample.
    const hours = trend.msToBudget! / 3_600_000;
    expect(hours).toBeGreaterThan((100 * MB * 0.7) / trend.bytesPerHour);
    expect(hours).toBeLessThan((100 * MB * 1.3) / trend.bytesPerHour);
  });

  it("sees an idle bot as steady: growth a tenth of a leak's or less", () => {
    const samples = asSamples(loadSeries('idle'));
    const window = new TrendWindow({ windowMs: 15 * 60_000, minSamples: 5, minSpanMs: 4_000 });
    for (const s of samples) window.add({ time: s.time, bytes: s.rssBytes });
    const trend = window.current(512 * MB)!;
    const leaking = asSamples(loadSeries('leaking'));
    expect(Math.abs(trend.bytesPerHour)).toBeLessThan(endsSlopePerHour(leaking) / 10);
  });

  it('forgets what falls out of the sliding window', () => {
    const samples = asSamples(loadSeries('leaking'));
    const idle = asSamples(loadSeries('idle'), samples.at(-1)!.time + 1000);
    // The idle series continues from the leaking one's last level.
    const offset = samples.at(-1)!.rssBytes - idle[0].rssBytes;
    const window = new TrendWindow({ windowMs: 10_000, minSamples: 5, minSpanMs: 4_000 });
    for (const s of samples) window.add({ time: s.time, bytes: s.rssBytes });
    const leakingRate = window.current()!.bytesPerHour;
    expect(leakingRate).toBeGreaterThan(100 * MB);
    for (const s of idle) window.add({ time: s.time, bytes: s.rssBytes + offset });
    expect(Math.abs(window.current()!.bytesPerHour)).toBeLessThan(leakingRate / 10);
  });

  it('keeps exactly the window through a long run at 10 Hz: its ring wraps and grows without losing a point', () => {
    const window = new TrendWindow({ windowMs: 15 * 60_000, minSamples: 5, minSpanMs: 4_000 });
    const start = Date.UTC(2026, 0, 1);
    // 50 minutes at 10 Hz: a steady 1 MB/min until minute 30, then flat.
    for (let i = 0; i <= 50 * 600; i++) {
      const minutes = i / 600;
      window.add({ time: start + i * 100, bytes: 100 * MB + Math.min(minutes, 30) * MB });
      if (i === 20 * 600) {
        const growing = window.current()!;
        expect(growing.samples).toBe(15 * 600 + 1);
        expect(growing.spanMs).toBe(15 * 60_000);
        expect(growing.bytesPerHour / MB).toBeCloseTo(60, 6);
      }
    }
    const flat = window.current()!;
    expect(flat.samples).toBe(15 * 600 + 1);
    expect(flat.bytesPerHour / MB).toBeLessThan(0.001);
  });

  it('gives no trend until enough samples span enough time', () => {
    const samples = asSamples(loadSeries('leaking'));
    const window = new TrendWindow({ windowMs: 60_000, minSamples: 5, minSpanMs: 4_000 });
    for (const s of samples.slice(0, 4)) window.add({ time: s.time, bytes: s.rssBytes });
    expect(window.current()).toBeUndefined();
  });
});
