import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normaliseDistribution } from '../imports/packageNames';
import type { StartupImport } from '../model';
import { NODE_MEASURE_SCRIPT, PYTHON_MEASURE_SCRIPT, PYTHON_PATHS_SCRIPT } from './measureScripts';

/**
 * Measures what importing a package costs by importing it in a fresh child process, from the
 * workspace's own node_modules or Python environment. This RUNS the package's code: callers
 * only do it in trusted workspaces.
 */

export interface Measurement {
  readonly heapMB: number;
  readonly rssMB: number;
  readonly loadMs: number;
}

export interface MeasureOptions {
  readonly nodePath?: string;
  readonly pythonPath?: string;
  readonly timeoutMs?: number;
  /** V8 old-space cap for Node children, address-space cap for Python children. */
  readonly memoryCapMB?: number;
}

interface ChildResult {
  ok: boolean;
  ms?: number;
  heapMB?: number;
  rssMB?: number;
  error?: string;
}

export class MeasurementError extends Error {}

function runChild(file: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { cwd, timeout: timeoutMs, maxBuffer: 1 << 20, env: { ...process.env, NODE_OPTIONS: '', ELECTRON_RUN_AS_NODE: '1' } },
      (err, stdout) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        if (line.startsWith('{')) {
          try {
            resolve(JSON.parse(line) as ChildResult);
            return;
          } catch {
            // fall through to the error below
          }
        }
        const killed = err && 'killed' in err && err.killed;
        reject(new MeasurementError(killed ? `timed out after ${timeoutMs} ms` : `measurement failed: ${err?.message ?? 'no output'}`));
      },
    );
  });
}

export function pythonImportStatement(imp: Pick<StartupImport, 'module' | 'importedNames'>): string {
  return imp.importedNames.length > 0 ? `from ${imp.module} import ${imp.importedNames.join(', ')}` : `import ${imp.module}`;
}

export class ImportCostMeasurer {
  private readonly timeoutMs: number;
  private readonly capMB: number;
  private pythonEnv: Promise<{ path: string[]; version: string }> | undefined;

  constructor(private readonly options: MeasureOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.capMB = options.memoryCapMB ?? 1024;
  }

  get pythonPath(): string {
    return this.options.pythonPath ?? 'python3';
  }

  async measureNode(specifier: string, fromDir: string): Promise<Measurement> {
    const args = ['--expose-gc', `--max-old-space-size=${this.capMB}`, '-e', NODE_MEASURE_SCRIPT, specifier, fromDir];
    const r = await runChild(this.options.nodePath ?? process.execPath, args, fromDir, this.timeoutMs);
    if (!r.ok) throw new MeasurementError(r.error ?? 'import failed');
    return { heapMB: r.heapMB ?? 0, rssMB: r.rssMB ?? 0, loadMs: r.ms ?? 0 };
  }

  /** Two fresh interpreters: tracemalloc slows imports down, so time and heap are taken apart. */
  async measurePython(statement: string, cwd: string): Promise<Measurement> {
    const cap = String(this.capMB * 4 * 1024 * 1024);
    const timed = await runChild(this.pythonPath, ['-c', PYTHON_MEASURE_SCRIPT, 'time', statement, cap], cwd, this.timeoutMs);
    if (!timed.ok) throw new MeasurementError(timed.error ?? 'import failed');
    const heap = await runChild(this.pythonPath, ['-c', PYTHON_MEASURE_SCRIPT, 'heap', statement, cap], cwd, this.timeoutMs);
    if (!heap.ok) throw new MeasurementError(heap.error ?? 'import failed');
    return { heapMB: heap.heapMB ?? 0, rssMB: timed.rssMB ?? 0, loadMs: timed.ms ?? 0 };
  }

  /** Installed version of an npm package as seen from `fromDir`, without running it. */
  nodePackageVersion(packageName: string, fromDir: string): string | undefined {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const pkg = join(dir, 'node_modules', packageName, 'package.json');
      if (existsSync(pkg)) {
        try {
          return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '0.0.0';
        } catch {
          return undefined;
        }
      }
      if (dirname(dir) === dir) return undefined;
    }
  }

  /** Installed version of a Python distribution in the interpreter's environment, from its metadata folder. */
  async pythonDistributionVersion(distribution: string, topLevelModule: string, cwd: string): Promise<string | undefined> {
    this.pythonEnv ??= runChild(this.pythonPath, ['-c', PYTHON_PATHS_SCRIPT], cwd, this.timeoutMs).then(
      (r) => r as unknown as { path: string[]; version: string },
    );
    const env = await this.pythonEnv;
    const wanted = normaliseDistribution(distribution);
    let moduleFound = false;
    for (const dir of env.path) {
      let names: string[];
      try {
        names = readdirSync(dir || cwd);
      } catch {
        continue;
      }
      for (const name of names) {
        const m = /^(.+?)-([^-]+?)(\.dist-info|\.egg-info)$/.exec(name);
        if (m && normaliseDistribution(m[1] ?? '') === wanted) return `${m[2]} (python ${env.version})`;
        if (dir && (name === topLevelModule || name === `${topLevelModule}.py` || name.startsWith(`${topLevelModule}.`)))
          moduleFound = true;
      }
    }
    // Importable without metadata (vendored, stdlib): key the cache by the interpreter version.
    return moduleFound ? `unknown (python ${env.version})` : undefined;
  }
}
