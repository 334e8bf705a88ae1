// The workspace scan as a user runs it: `memory-budget scan DIR --no-measure --format json` in a
// fresh process, on public repositories (see docs/analysis-real-repos.md), not generated files.
//
//   REAL_REPOS_DIR=/path/with/owner+name/checkouts npm run bench:cli-scan
//   BEFORE_CLI=/other/checkout/dist/cli.js …   compares two builds, runs interleaved
//
// Two workspaces: about 200 source files (three repositories side by side, as a small monorepo)
// for the wall time of one scan (goal < 1 s), and every labelled repository at once for files/s
// (goal ≥ 2,000). Prints the median wall and CPU time (the child's user + system, from the
// kernel) of RUNS runs, and the load average before and after: on a shared machine the wall time
// follows the load, the CPU time much less.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO = join(import.meta.dirname, '..', '..');
const REPOS = process.env.REAL_REPOS_DIR ?? join(REPO, 'bench', '.data', 'real-repos');
const RUNS = Number(process.env.RUNS ?? 7);
const SMALL = ['shadcn+taxonomy', 'bradtraversy+proshop_mern', 'hagopj13+node-express-boilerplate'];
const SOURCE = /\.(py|[cm]?js|jsx|ts|tsx)$/;

const builds = [['this build', join(REPO, 'dist', 'cli.js')]];
if (process.env.BEFORE_CLI) builds.unshift(['before', process.env.BEFORE_CLI]);

function sourceFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (e.isDirectory()) n += sourceFiles(join(dir, e.name));
    else if (SOURCE.test(e.name)) n++;
  }
  return n;
}

/** The children's CPU time so far, in ms: fields 16 and 17 of /proc/self/stat (cutime, cstime), 100 ticks a second. */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function scanOnce(cli, dir) {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'scan', dir, '--no-measure', '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cli} scan ${dir} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: childrenCpuMs() - cpu0, findings: JSON.parse(r.stdout).findings.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function measure(label, dir) {
  const files = sourceFiles(dir);
  const loadBefore = load();
  const runs = new Map(builds.map(([name]) => [name, []]));
  for (const [, cli] of builds) scanOnce(cli, dir); // warm the disk cache
  for (let r = 0; r < RUNS; r++) for (const [name, cli] of builds) runs.get(name).push(scanOnce(cli, dir));
  console.log(`\n${label}: ${files} source files; load average ${loadBefore} before, ${load()} after (2 cores)`);
  for (const [name, rs] of runs) {
    const wall = median(rs.map((x) => x.wall));
    const cpu = median(rs.map((x) => x.cpu));
    console.log(
      `  ${name.padEnd(10)} wall ${wall.toFixed(0).padStart(6)} ms median of ${RUNS} (min ${Math.min(...rs.map((x) => x.wall)).toFixed(0)}), CPU ${cpu.toFixed(0).padStart(6)} ms, ${(files / (wall / 1000)).toFixed(0)} files/s wall, ${(files / (cpu / 1000)).toFixed(0)} files/s CPU, ${rs[0].findings} findings`,
    );
  }
}

const missing = SMALL.filter((r) => !existsSync(join(REPOS, r)));
if (missing.length > 0) {
  console.error(`${REPOS} lacks ${missing.join(', ')}: fetch them at the commits in bench/analysis/real-repos.json`);
  process.exit(1);
}
const small = join(REPO, 'bench', '.data', 'cli-scan-200');
rmSync(small, { recursive: true, force: true });
mkdirSync(small, { recursive: true });
for (const r of SMALL) cpSync(join(REPOS, r), join(small, r), { recursive: true, filter: (p) => !/[/\\](node_modules|\.git)$/.test(p) });

console.log(`memory-budget scan --no-measure --format json, a fresh process per run; ${builds.map(([n, c]) => `${n}: ${c}`).join('; ')}`);
measure(`${SMALL.join(', ')} side by side`, small);
measure(`every repository in ${REPOS}`, REPOS);
rmSync(small, { recursive: true, force: true });
