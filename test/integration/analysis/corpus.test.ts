import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusApps, CORPUS, expectedFor, findingKey, scanWithTable } from './helpers';

/**
 * Precision and recall of the static analysis on hand-labelled apps. An import counts as
 * found when file, line and kind match; modules are compared too. Labelled negatives that get
 * reported count as false positives (as would anything else unexpected).
 */
describe('analysis corpus', () => {
  it('reaches precision and recall of at least 0.9 over every app', async () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const report: string[] = [];
    for (const app of corpusApps()) {
      const expected = expectedFor(app);
      const found = await scanWithTable(join(CORPUS, app));
      const want = new Map(expected.findings.map((f) => [findingKey(f), f]));
      const got = new Map(found.map((f) => [findingKey(f), f]));
      const appTp = [...got.keys()].filter((k) => want.has(k));
      const appFp = [...got.keys()].filter((k) => !want.has(k));
      const appFn = [...want.keys()].filter((k) => !got.has(k));
      for (const k of appTp) {
        const w = want.get(k)!;
        if (w.module) expect(got.get(k)?.module, `${app} ${k}`).toBe(w.module);
        if (w.rule) expect(got.get(k)?.rule, `${app} ${k}`).toBe(w.rule);
        // A lazy-load candidate warns; a package needed at load (or already loaded) is information only.
        if (w.severity) expect(got.get(k)?.severity, `${app} ${k}`).toBe(w.severity);
      }
      const negativeHits = expected.negatives.filter(
        (n) => got.has(`${n.file}:${n.line}:heavy-import`) || got.has(`${n.file}:${n.line}:unbounded-query`),
      );
      tp += appTp.length;
      fp += appFp.length;
      fn += appFn.length;
      report.push(
        `${app}: tp=${appTp.length} fp=${appFp.length} [${appFp.join(', ')}] fn=${appFn.length} [${appFn.join(', ')}] negatives hit=${negativeHits.length}`,
      );
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log([...report, `precision=${precision.toFixed(3)} recall=${recall.toFixed(3)} (tp=${tp} fp=${fp} fn=${fn})`].join('\n'));
    expect(corpusApps().length).toBeGreaterThanOrEqual(8);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});
