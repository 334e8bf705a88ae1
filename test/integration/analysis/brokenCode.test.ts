import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSource } from '../../../src/core/analysis/analyzer';
import { languageForPath } from '../../../src/core/analysis/model';
import { CORPUS, corpusApps, expectedFor, parser } from './helpers';

/**
 * What the editor sees while someone types: every corpus file cut at many points (half a
 * statement, an open bracket). Analysis must still return, never throw.
 */
describe('analysis of code being typed', () => {
  it('never throws on truncated files', async () => {
    let runs = 0;
    for (const app of corpusApps()) {
      for (const rel of new Set(expectedFor(app).findings.map((f) => f.file))) {
        const file = join(CORPUS, app, rel);
        const source = readFileSync(file, 'utf8');
        const language = languageForPath(file)!;
        for (let cut = 7; cut < source.length; cut += Math.max(11, Math.floor(source.length / 40))) {
          const broken = `${source.slice(0, cut)}\n${source.slice(cut + 3, cut + 40)}(`;
          const result = await analyzeSource(parser, broken, language);
          expect(Array.isArray(result.queries)).toBe(true);
          runs++;
        }
      }
    }
    expect(runs).toBeGreaterThan(500);
  });
});
