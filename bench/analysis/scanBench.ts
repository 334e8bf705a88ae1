import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ts from 'typescript';
import { analyzeSource, analyzeTree, importsOf } from '../../src/core/analysis/analyzer';
import { tableCost } from '../../src/core/analysis/costs/importCostResolver';
import { importPrelude } from '../../src/core/analysis/prelude';
import { DocumentTrees } from '../../src/core/analysis/incremental';
import { ImportCostResolver } from '../../src/core/analysis/costs/importCostResolver';
import { DEFAULT_THRESHOLDS } from '../../src/core/analysis/model';
import { SourceParser } from '../../src/core/analysis/parsers';
import { scanTree } from '../../src/core/analysis/scanner';
import { generateTree, largeFile } from './generateTree';

/**
 * Scan throughput on a generated tree of ≥ 10,000 files; the time the editor's thread spends on
 * an open 2,000-line file (its import prelude, for the lenses) next to the whole analysis the
 * worker does, against the TypeScript compiler's parse of the same file as a peer; and a
 * 200-file repository scanned by the CLI in a fresh process. Goals: ≥ 2,000 files/s, < 20 ms
 * per open file on the editor's thread, < 1 s for the 200-file scan.
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
  const cpu: number[] = [];
  let findings = 0;
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const scan = await scanTree(tree, { parser, resolver, thresholds: DEFAULT_THRESHOLDS });
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    findings = scan.findings.length;
  }
  const ms = median(runs);
  const mb = generated.bytes / 2 ** 20;
  console.log(
    `scan: ${generated.files} files, ${mb.toFixed(1)} MB, ${findings} findings — median of 3: ${ms.toFixed(0)} ms = ${(generated.files / (ms / 1000)).toFixed(0)} files/s, ${(mb / (ms / 1000)).toFixed(1)} MB/s (goal ≥ 2,000 files/s); ${median(cpu).toFixed(0)} ms CPU (the process's, grammar compiles on other threads included)`,
  );

  const big = largeFile(2000);
  const open: number[] = [];
  const openCpu: number[] = [];
  const full: number[] = [];
  const tsParse: number[] = [];
  for (let r = 0; r < 30; r++) {
    const text = `${big}\n// edit ${r}`;
    // What the editor's thread does when the file opens or changes: the import prelude, parsed
    // and costed from the table, gives the lenses. The whole file is judged in the worker.
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const prelude = importPrelude(text, 'typescript');
    const imports = await parser.withTree(prelude, 'typescript', (t) => importsOf(t.rootNode, prelude, 'typescript', {}).startupImports);
    for (const imp of imports) tableCost(imp);
    open.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    openCpu.push((c.user + c.system) / 1000);
    const t1 = performance.now();
    await analyzeSource(parser, text, 'typescript');
    full.push(performance.now() - t1);
    const t2 = performance.now();
    ts.createSourceFile('big.ts', text, ts.ScriptTarget.Latest, true);
    tsParse.push(performance.now() - t2);
  }
  const openMs = median(open.slice(5));
  const fullMs = median(full.slice(5));
  const tsMs = median(tsParse.slice(5));
  console.log(
    `open file: 2,000 lines (${(Buffer.byteLength(big) / 1024).toFixed(0)} KB): lenses from the import prelude on the editor's thread in ${openMs.toFixed(1)} ms median, ${median(openCpu.slice(5)).toFixed(1)} ms CPU (goal < 20 ms); the whole file (parse + every rule) in the worker: ${fullMs.toFixed(1)} ms; TypeScript's parser alone: ${tsMs.toFixed(1)} ms — full analysis ${(fullMs / tsMs).toFixed(2)}× a parse`,
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

  // A 200-file repository through the shipped CLI, as a user runs it (a fresh process each time).
  const small = join(REPO, 'bench', '.data', 'analysis-tree-200');
  if (existsSync(small)) rmSync(small, { recursive: true });
  generateTree(small, join(REPO, 'test', 'fixtures', 'analysis'), 200);
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'scan', small, '--no-measure', '--format', 'json'], { encoding: 'utf8' });
    walls.push(performance.now() - t0);
    cpus.push(childCpuMs());
  }
  console.log(
    `scan of a 200-file repository with the CLI (fresh process, grammars loaded, table costs): ${median(walls).toFixed(0)} ms wall median of 5, ${median(cpus).toFixed(0)} ms CPU (goal < 1 s wall)`,
  );
  rmSync(small, { recursive: true });
}

/** CPU time of the last child that ended: the difference in the children's rusage. */
let childrenBefore = 0;
function childCpuMs(): number {
  const ru = readChildrenRusage();
  const d = ru - childrenBefore;
  childrenBefore = ru;
  return d;
}

function readChildrenRusage(): number {
  // /proc/self/stat fields 16 and 17: cutime and cstime, in clock ticks (100 per second on Linux).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

void main();
