import { describe, expect, it } from 'vitest';
import { BudgetTracker, DEFAULT_TRACKER_OPTIONS } from '../../../src/core/budget/budgetTracker';
import type { BudgetEvent } from '../../../src/core/budget/budgetEvents';
import { resolveBudget } from '../../../src/core/budget/presets';
import { asSamples, loadSeries } from './series';

const MB = 1024 * 1024;

describe('budget presets', () => {
  it('resolves presets, an explicit size, and auto from the container limit', () => {
    expect(resolveBudget({ preset: 'render-free', warnPercent: 80, criticalPercent: 94 })).toMatchObject({
      bytes: 512 * MB,
      label: 'Render Free — 512 MB',
      warnBytes: Math.round(512 * MB * 0.8),
      criticalBytes: Math.round(512 * MB * 0.94),
    });
    expect(resolveBudget({ preset: 'fly-256', warnPercent: 80, criticalPercent: 94 }).label).toBe('Fly.io 256 MB — 256 MB');
    expect(resolveBudget({ preset: 'heroku-standard-2x', warnPercent: 80, criticalPercent: 94 }).label).toBe('Heroku Standard-2X — 1 GB');
    expect(resolveBudget({ preset: 'render-free', budgetMB: 300, warnPercent: 80, criticalPercent: 94 }).bytes).toBe(300 * MB);
    expect(resolveBudget({ preset: 'auto', warnPercent: 80, criticalPercent: 94 }, 256 * MB).label).toBe('Container limit — 256 MB');
    expect(resolveBudget({ preset: 'auto', warnPercent: 80, criticalPercent: 94 }).bytes).toBe(512 * MB);
  });
});

describe('thresholds on a real leaking series', () => {
  const samples = asSamples(loadSeries('leaking'));
  const first = samples[0].rssBytes;
  const last = samples.at(-1)!.rssBytes;
  // A budget the recording crosses warn, critical and over in: the last sample is 10 % over.
  const budget = resolveBudget({ preset: 'custom', budgetMB: last / 1.1 / MB, warnPercent: 80, criticalPercent: 94 });

  it('crosses ok → warn → critical → over in order, each once, with the level matching RSS', () => {
    expect(first).toBeLessThan(budget.warnBytes); // the recording starts well under
    const tracker = new BudgetTracker(budget);
    const crossings: BudgetEvent[] = [];
    for (const s of samples) {
      const { status, events } = tracker.add(s);
      crossings.push(...events.filter((e) => e.type === 'level'));
      // Hysteresis: a level is left only 2 % of the budget below its line.
      if (status.level === 'over') expect(s.rssBytes).toBeGreaterThanOrEqual(budget.bytes * 0.98);
      if (s.rssBytes >= budget.bytes) expect(status.level).toBe('over');
      expect(status.percent).toBeCloseTo((s.rssBytes / budget.bytes) * 100, 6);
    }
    const ups = crossings.filter(
      (e) => e.type === 'level' && ['ok', 'warn', 'critical', 'over'].indexOf(e.to) > ['ok', 'warn', 'critical', 'over'].indexOf(e.from),
    );
    expect(ups.map((e) => (e.type === 'level' ? e.to : ''))).toEqual(['warn', 'critical', 'over']);
    expect(tracker.status!.level).toBe('over');
  });

  it('does not flap on a line: RSS hovering around warn gives one crossing, not one per sample', () => {
    const tracker = new BudgetTracker(budget, { ...DEFAULT_TRACKER_OPTIONS, hysteresisPercent: 2 });
    const wobble = samples.map((s, i) => ({ ...s, rssBytes: budget.warnBytes + (i % 2 === 0 ? 1 : -1) * 0.5 * MB }));
    const levelEvents = wobble.flatMap((s) => tracker.add(s).events.filter((e) => e.type === 'level'));
    expect(levelEvents).toHaveLength(1);
  });

  it('reports a spike when RSS jumps by more than the threshold between samples', () => {
    const tracker = new BudgetTracker(budget, { ...DEFAULT_TRACKER_OPTIONS, spikeBytes: 20 * MB });
    tracker.add(samples[0]);
    const { events } = tracker.add({ ...samples[1], rssBytes: samples[0].rssBytes + 87.5 * MB });
    expect(events).toContainEqual(expect.objectContaining({ type: 'spike', deltaBytes: 87.5 * MB }));
  });
});
