import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ts from 'typescript';
import { analyzeSource, analyzeTree } from '../../src/core/analysis/analyzer';
import { DocumentTrees } from '../../src/core/analysis/incremental';
import { ImportCostResolver } from '../../src/core/analysis/costs/importCostResolver';
import { DEFAULT_THRESHOLDS } from '../../src/core/analysis/model';
import { SourceParser } from '../../src/core/analysis/parsers';
import { scanTree } from '../../src/core/analysis/scanner';
import { generateTree, largeFile } from './generateTree';

/**
 * Scan throughput on a generated tree of ≥ 10,000 files, and the time to analyse one open
 * 2,000-line file (what the editor does on open/change), against the TypeScript compiler's
 * parse of the same file as a peer. Goals: ≥ 2,000 files/s, < 20 ms per open file.
 */

const REPO = join(__dirname, '..', '..');
const FILES = Number(process.env.BENCH_FILES ?? 10_000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const tree = join(REPO, 'bench', '.data', 'analysis-tree');
  if (existsSync(tree)) rmSync(tree, { recursive: true });
  const generated = generateTree(tree, join(REPO, 'test', 'fixtures', 'analysis'), FILES);
  const parser = new SourceParser();
  const resolver = new ImportCostResolver({ measure: false });

  await analyzeSource(parser, 'import os\n', 'python');
  const runs: number[] = [];
  let findings = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const scan = await scanTree(tree, { parser, resolver, thresholds: DEFAULT_THRESHOLDS });
    runs.push(performance.now() - t0);
    findings = scan.findings.length;
  }
  const ms = median(runs);
  const mb = generated.bytes / 2 ** 20;
  console.log(
    `scan: ${generated.files} files, ${mb.toFixed(1)} MB, ${findings} findings — median of 3: ${ms.toFixed(0)} ms = ${(generated.files / (ms / 1000)).toFixed(0)} files/s, ${(mb / (ms / 1000)).toFixed(1)} MB/s (goal ≥ 2,000 files/s)`,
  );

  const big = largeFile(2000);
  const open: number[] = [];
  const tsParse: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    await analyzeSource(parser, `${big}\n// edit ${r}`, 'typescript');
    open.push(performance.now() - t0);
    const t1 = performance.now();
    ts.createSourceFile('big.ts', `${big}\n// edit ${r}`, ts.ScriptTarget.Latest, true);
    tsParse.push(performance.now() - t1);
  }
  const openMs = median(open.slice(5));
  const tsMs = median(tsParse.slice(5));
  console.log(
    `open file: 2,000 lines (${(Buffer.byteLength(big) / 1024).toFixed(0)} KB) analysed in ${openMs.toFixed(1)} ms median (goal < 20 ms); TypeScript's parser alone: ${tsMs.toFixed(1)} ms — ratio ${(openMs / tsMs).toFixed(2)}× (parse + all rules vs parse only)`,
  );

  // What a keystroke costs in the editor: the kept tree is edited and re-parsed incrementally.
  const trees = new DocumentTrees(parser);
  let text = big;
  await trees.withTree('big', text, 'typescript', () => undefined);
  const edits: number[] = [];
  for (let r = 0; r < 30; r++) {
    const offset = text.indexOf('return raw.filter', (r * 997) % text.length);
    const at = offset < 0 ? text.length >> 1 : offset;
    const t0 = performance.now();
    trees.edit('big', { offset: at, length: 0, text: ' ' });
    text = text.slice(0, at) + ' ' + text.slice(at);
    await trees.withTree('big', text, 'typescript', (t) => analyzeTree(t.rootNode, text, 'typescript'));
    edits.push(performance.now() - t0);
  }
  trees.dispose();
  console.log(`edit in that file: re-parsed incrementally and analysed in ${median(edits.slice(5)).toFixed(1)} ms median`);
  rmSync(tree, { recursive: true });
}

void main();
