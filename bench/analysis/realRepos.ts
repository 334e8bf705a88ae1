import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImportCostResolver } from '../../src/core/analysis/costs/importCostResolver';
import { DEFAULT_THRESHOLDS } from '../../src/core/analysis/model';
import { SourceParser } from '../../src/core/analysis/parsers';
import { thresholdCrossed } from '../../src/core/analysis/project/verdicts';
import { toReported } from '../../src/core/analysis/report';
import { scanTree } from '../../src/core/analysis/scanner';
import { tableCost } from '../../src/core/analysis/costs/importCostResolver';

/**
 * Precision and recall of the analysis on public repositories labelled by hand
 * (bench/analysis/real-repos.json), with the built-in cost table (no package code runs):
 *
 *   REAL_REPOS_DIR=/path/with/owner+name/checkouts npm run bench:real-repos
 *
 * Prints one row per repository and the totals; repositories missing from the folder are listed
 * as skipped. Checks too that no framework/ORM package is warned about, that nothing is reported
 * from a migration, and that every startup import of a heavy package has a finding (a lens).
 */

interface Label {
  file: string;
  line: number;
}
interface Repo {
  repo: string;
  commit: string;
  stack: string;
  queries: Label[];
  warnings: Label[];
  neededAtLoad: string[];
}

const key = (l: { file: string; line: number }) => `${l.file}:${l.line}`;

async function main(): Promise<void> {
  const dir = process.env.REAL_REPOS_DIR ?? join(__dirname, '..', '.data', 'real-repos');
  const labels = JSON.parse(readFileSync(join(__dirname, '..', '..', 'bench', 'analysis', 'real-repos.json'), 'utf8')) as { repos: Repo[] };
  const parser = new SourceParser();
  const totals = { qTp: 0, qFp: 0, qFn: 0, wTp: 0, wFp: 0, wFn: 0, frameworkWarned: 0, migration: 0, lensMissing: 0, startupImports: 0 };
  const rows: string[] = [];
  const skipped: string[] = [];
  for (const r of labels.repos) {
    const root = join(dir, r.repo.replace('/', '+'));
    if (!existsSync(root)) {
      skipped.push(r.repo);
      continue;
    }
    const t0 = performance.now();
    const scan = await scanTree(root, { parser, resolver: new ImportCostResolver({ measure: false }), thresholds: DEFAULT_THRESHOLDS });
    const ms = performance.now() - t0;
    const found = toReported(root, scan);
    const queries = new Set(found.filter((f) => f.kind === 'unbounded-query').map(key));
    const warnings = found.filter((f) => f.kind === 'heavy-import' && f.severity === 'warning');
    const wantQ = new Set(r.queries.map(key));
    const wantW = new Set(r.warnings.map(key));
    const q = {
      tp: [...queries].filter((k) => wantQ.has(k)).length,
      fp: [...queries].filter((k) => !wantQ.has(k)),
      fn: [...wantQ].filter((k) => !queries.has(k)),
    };
    const w = {
      tp: warnings.filter((f) => wantW.has(key(f))).length,
      fp: warnings.filter((f) => !wantW.has(key(f))).map(key),
      fn: [...wantW].filter((k) => !warnings.some((f) => key(f) === k)),
    };
    const frameworkWarned = warnings.filter((f) => r.neededAtLoad.includes(f.package ?? '')).map((f) => `${f.package}@${key(f)}`);
    const migration = found.filter((f) => /(^|\/)migrations\//.test(f.file)).length;
    // Every startup import of a package that crosses a threshold must carry a finding (its lens).
    const lensLines = new Set(found.filter((f) => f.kind === 'heavy-import').map(key));
    let missing = 0;
    let heavyImports = 0;
    for (const p of scan.project?.processes ?? []) {
      for (const s of p.sites) {
        if (scan.project?.processOf(s.file) !== p || !thresholdCrossed(tableCost(s.imp), DEFAULT_THRESHOLDS)) continue;
        heavyImports++;
        if (!lensLines.has(`${scan.project.rel(s.file)}:${s.imp.range.start.line + 1}`)) missing++;
      }
    }
    totals.qTp += q.tp;
    totals.qFp += q.fp.length;
    totals.qFn += q.fn.length;
    totals.wTp += w.tp;
    totals.wFp += w.fp.length;
    totals.wFn += w.fn.length;
    totals.frameworkWarned += frameworkWarned.length;
    totals.migration += migration;
    totals.lensMissing += missing;
    totals.startupImports += heavyImports;
    const notes = [
      ...q.fp.map((k) => `query FP ${k}`),
      ...q.fn.map((k) => `query FN ${k}`),
      ...w.fp.map((k) => `warning FP ${k}`),
      ...w.fn.map((k) => `warning FN ${k}`),
      ...frameworkWarned.map((k) => `framework warned ${k}`),
    ];
    rows.push(
      `| ${r.repo} | ${r.commit.slice(0, 10)} | ${r.stack} | ${scan.files} | ${scan.ledger.mode} | ${q.tp}/${q.fp.length}/${q.fn.length} | ${w.tp}/${w.fp.length}/${w.fn.length} | ${heavyImports - missing}/${heavyImports} | ${migration} | ${ms.toFixed(0)} | ${notes.join('; ')} |`,
    );
  }
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(3));
  console.log(
    '| repository | commit | stack | files | mode | queries tp/fp/fn | warnings tp/fp/fn | heavy startup imports with a lens | findings in migrations | scan ms | notes |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('');
  console.log(
    `unbounded queries: precision ${ratio(totals.qTp, totals.qTp + totals.qFp)}, recall ${ratio(totals.qTp, totals.qTp + totals.qFn)} (tp ${totals.qTp}, fp ${totals.qFp}, fn ${totals.qFn}; goal ≥ 0.92 / ≥ 0.90)`,
  );
  console.log(
    `heavy-import warnings: precision ${ratio(totals.wTp, totals.wTp + totals.wFp)}, recall ${ratio(totals.wTp, totals.wTp + totals.wFn)} (tp ${totals.wTp}, fp ${totals.wFp}, fn ${totals.wFn}; goal precision ≥ 0.9)`,
  );
  console.log(
    `framework/ORM packages warned about: ${totals.frameworkWarned} (goal 0); findings from migrations: ${totals.migration} (goal 0)`,
  );
  console.log(`startup imports of heavy packages with a lens: ${totals.startupImports - totals.lensMissing} of ${totals.startupImports}`);
  if (skipped.length > 0) console.log(`skipped (not in ${dir}): ${skipped.join(', ')}`);
}

void main();
