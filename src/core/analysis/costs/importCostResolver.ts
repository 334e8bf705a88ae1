import { dirname } from 'node:path';
import type { ImportCost, StartupImport } from '../model';
import { CostCache } from './costCache';
import { IMPORT_COST_TABLE, type TableEntry } from './costTable';
import { type ProjectPins, majorMinor, sameLine } from './pins';
import { type ImportCostMeasurer, pythonImportStatement } from './measure';

/**
 * Where an import's cost comes from: a measurement (cached per package and version) when
 * measuring is allowed and the package is installed, the built-in table otherwise.
 */

export interface ResolverOptions {
  /** Measuring runs the package's code: only in trusted workspaces, and not with --no-measure. */
  readonly measure: boolean;
  readonly measurer?: ImportCostMeasurer;
  readonly cache?: CostCache;
  /** Working directory for Python children (the workspace root). */
  readonly workspaceRoot?: string;
  /** Versions the project pins: which table row to use, and what to say when it differs. */
  readonly pins?: ProjectPins;
}

export interface ResolvedCost {
  readonly cost?: ImportCost;
  /** Why the figure is not measured, when it is not. */
  readonly note?: string;
}

const tableIndex = new Map<string, TableEntry[]>();
for (const e of IMPORT_COST_TABLE) {
  const key = `${e.ecosystem}|${e.module}`;
  tableIndex.set(key, [...(tableIndex.get(key) ?? []), e]);
}

// One collator for every comparison: localeCompare with options builds a new one per call.
const versions = new Intl.Collator(undefined, { numeric: true });
const byVersionDescending = (a: TableEntry, b: TableEntry) => versions.compare(b.version, a.version);
/** The table's entries per package, newest first: sorted once, not for every import site. */
const sortedEntries = new WeakMap<readonly TableEntry[], TableEntry[]>();

/** The entry for the project's release line when the table has one, the newest otherwise. */
function entryFor(entries: readonly TableEntry[], pinned: string | undefined): TableEntry {
  let sorted = sortedEntries.get(entries);
  if (!sorted) {
    sorted = [...entries].sort(byVersionDescending);
    sortedEntries.set(entries, sorted);
  }
  return (pinned && sorted.find((e) => sameLine(e.version, pinned))) || sorted[0]!;
}

/** `typical for 1.4`, with the project's own version when the figure is for another release line. */
export function tableLabel(version: string, pinned: string | undefined, estimate: boolean): string {
  const base = `${estimate ? 'estimated' : 'typical'} for ${majorMinor(version)}`;
  return pinned && !sameLine(version, pinned) ? `${base}; this project pins ${pinned}` : base;
}

/** The most specific table entry for what the statement imports (`django.db.models` before `django`). */
export function tableCost(imp: StartupImport, pinned?: string): ImportCost | undefined {
  const candidates: string[] = [];
  if (imp.ecosystem === 'python') {
    for (const name of imp.importedNames) candidates.push(`${imp.module}.${name}`);
    const parts = imp.module.split('.');
    for (let n = parts.length; n > 0; n--) candidates.push(parts.slice(0, n).join('.'));
  } else {
    candidates.push(imp.module, imp.packageName);
  }
  for (const c of candidates) {
    const entries = tableIndex.get(`${imp.ecosystem}|${c}`);
    if (!entries) continue;
    const e = entryFor(entries, pinned);
    return {
      heapMB: e.heapMB,
      rssMB: e.rssMB,
      loadMs: e.loadMs,
      source: 'table',
      version: e.version,
      basis: e.estimate ? `${c} ${e.version}, estimated from ${e.estimate}` : `${c} ${e.version}`,
      label: tableLabel(e.version, pinned, e.estimate !== undefined),
      pinned,
    };
  }
  return undefined;
}

function measuredCost(
  m: { heapMB: number; rssMB: number; loadMs: number },
  version: string,
  imp: StartupImport,
  pins?: ProjectPins,
): ImportCost {
  // `2.0.36 (python 3.11.2)` → `2.0.36`; a module without metadata shows the interpreter it came with.
  const shown = /^unknown \((python [^)]*)\)$/.exec(version)?.[1] ?? version.replace(/ \(python [^)]*\)$/, '');
  return {
    heapMB: m.heapMB,
    rssMB: m.rssMB,
    loadMs: m.loadMs,
    source: 'measured',
    version: shown,
    basis: imp.module,
    label: `measured, ${shown}`,
    pinned: pins?.get(imp.ecosystem, imp.packageName),
  };
}

export class ImportCostResolver {
  /** One measurement at a time: the machine may have two cores shared with everything else. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Map<string, Promise<ResolvedCost>>();

  private pins: ProjectPins | undefined;

  constructor(private readonly options: ResolverOptions) {
    this.pins = options.pins;
  }

  /** The versions the scanned project pins, once its lockfiles are known. */
  usePins(pins: ProjectPins): void {
    this.pins = pins;
  }

  /** What can be said without running anything: a cached measurement or the table. */
  async quick(imp: StartupImport, fileDir: string): Promise<ResolvedCost> {
    const key = this.options.measure ? await this.keyFor(imp, fileDir).catch(() => undefined) : undefined;
    const cached = key ? this.fromCache(key.key, key.version, imp) : undefined;
    return cached ?? this.fallback(imp, this.options.measure ? undefined : 'not measured');
  }

  async resolve(imp: StartupImport, fileDir: string): Promise<ResolvedCost> {
    if (!this.options.measure || !this.options.measurer) return this.fallback(imp, 'measuring is off');
    let key;
    try {
      key = await this.keyFor(imp, fileDir);
    } catch (err) {
      return this.fallback(imp, `cannot inspect the environment: ${String(err)}`);
    }
    if (!key) return this.fallback(imp, 'not installed here');
    const cached = this.fromCache(key.key, key.version, imp);
    if (cached) return cached;
    let pending = this.inFlight.get(key.key);
    if (!pending) {
      pending = this.enqueue(() => this.measure(imp, fileDir, key.key, key.version));
      this.inFlight.set(key.key, pending);
      void pending.finally(() => this.inFlight.delete(key.key));
    }
    return pending;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async measure(imp: StartupImport, fileDir: string, key: string, version: string): Promise<ResolvedCost> {
    const measurer = this.options.measurer!;
    try {
      const m =
        imp.ecosystem === 'node'
          ? await measurer.measureNode(imp.module, fileDir)
          : await measurer.measurePython(pythonImportStatement(imp), this.options.workspaceRoot ?? fileDir);
      this.options.cache?.set(key, { ...m, measuredAt: new Date().toISOString() });
      return { cost: measuredCost(m, version, imp, this.pins) };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // A missing interpreter is this machine's problem, not the package's: try again next time.
      if (!/ENOENT/.test(reason)) this.options.cache?.set(key, { failed: reason, measuredAt: new Date().toISOString() });
      return this.fallback(imp, `measuring failed: ${reason}`);
    }
  }

  private fromCache(key: string, version: string, imp: StartupImport): ResolvedCost | undefined {
    const hit = this.options.cache?.get(key);
    if (!hit) return undefined;
    if ('failed' in hit) return this.fallback(imp, `measuring failed: ${hit.failed}`);
    return { cost: measuredCost(hit, version, imp, this.pins) };
  }

  private fallback(imp: StartupImport, note: string | undefined): ResolvedCost {
    const cost = tableCost(imp, this.pins?.get(imp.ecosystem, imp.packageName));
    return { cost, note: cost ? note : `${note ?? 'not measured'}; not in the built-in table` };
  }

  private async keyFor(imp: StartupImport, fileDir: string): Promise<{ key: string; version: string } | undefined> {
    const measurer = this.options.measurer;
    if (!measurer) return undefined;
    if (imp.ecosystem === 'node') {
      const version = measurer.nodePackageVersion(imp.packageName, fileDir);
      return version ? { key: CostCache.key('node', imp.module, version, process.version), version } : undefined;
    }
    const root = this.options.workspaceRoot ?? dirname(fileDir);
    const version = await measurer.pythonDistributionVersion(imp.packageName, imp.module.split('.')[0] ?? imp.module, root);
    const stmt = pythonImportStatement(imp);
    return version ? { key: CostCache.key('python', stmt, version, measurer.pythonPath), version } : undefined;
  }
}
