import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MemorySample } from '../../../src/core/inspector/memorySample';

/** Series recorded from the real leaky-bot by scripts/record-series.mjs. */
export interface RecordedSeries {
  recordedWith: { seconds: number; rps: number; kb: number; intervalMs: number };
  samples: Array<{ t: number; rss: number; heapUsed: number }>;
}

export function loadSeries(name: 'leaking' | 'idle'): RecordedSeries {
  return JSON.parse(readFileSync(path.resolve(__dirname, `../../fixtures/series/${name}.json`), 'utf8'));
}

export function asSamples(series: RecordedSeries, start = 1_700_000_000_000): MemorySample[] {
  return series.samples.map((s) => ({ time: start + s.t, rssBytes: s.rss, heapUsedBytes: s.heapUsed }));
}

/** Slope from the means of the first and last fifth: an estimate independent of least squares. */
export function endsSlopePerHour(samples: MemorySample[]): number {
  const k = Math.max(1, Math.floor(samples.length / 5));
  const mean = (xs: MemorySample[], f: (s: MemorySample) => number) => xs.reduce((a, s) => a + f(s), 0) / xs.length;
  const head = samples.slice(0, k);
  const tail = samples.slice(-k);
  const dt = mean(tail, (s) => s.time) - mean(head, (s) => s.time);
  return ((mean(tail, (s) => s.rssBytes) - mean(head, (s) => s.rssBytes)) / dt) * 3_600_000;
}
