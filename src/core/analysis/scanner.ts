import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { type AnalysisContext, analyzeSource } from './analyzer';
import type { ImportCostResolver, ResolvedCost } from './costs/importCostResolver';
import { ProjectPins } from './costs/pins';
import { listSourceTree } from './ignore';
import { type FileAnalysis, type Finding, type HeavyImportThresholds, type RuleId, type StartupImport, languageForPath } from './model';
import type { SourceParser } from './parsers';
import { ProjectModel, looksLikeNonStartup } from './project/project';
import { type StartupLedger, ledgerOf } from './project/ledger';
import { type Site, judgeSites } from './project/verdicts';

/** Scans a directory tree: every source file analysed, then the project's processes judged as a whole. */

export interface ScanOptions {
  readonly parser: SourceParser;
  readonly resolver: ImportCostResolver;
  readonly thresholds: HeavyImportThresholds;
  readonly excludeGlobs?: readonly string[];
  readonly isRuleEnabled?: (rule: RuleId) => boolean;
  readonly isCancelled?: () => boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Files larger than this are skipped (minified bundles, generated code). */
  readonly maxFileBytes?: number;
  /** The memory budget the ledger is set against, in MB. */
  readonly budgetMB?: number;
}

export interface ScannedFinding {
  readonly file: string;
  readonly finding: Finding;
}

export interface ScanResult {
  readonly findings: ScannedFinding[];
  files: number;
  bytes: number;
  readonly errors: Array<{ file: string; error: string }>;
  readonly costNotes: Map<string, string>;
  readonly ledger: StartupLedger;
  /** The processes and their load order (not sent across threads). */
  readonly project?: ProjectModel;
}

export function contextForTree(
  pythonModules: ReadonlySet<string>,
  templates: ReadonlyMap<string, string>,
  isRuleEnabled?: (r: RuleId) => boolean,
): AnalysisContext {
  return {
    isLocalPythonModule: (name) => pythonModules.has(name),
    templateSource: (name) => {
      const path = templates.get(name);
      try {
        return path ? readFileSync(path, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    templatePath: (name) => templates.get(name),
    isRuleEnabled,
  };
}

/**
 * The file's text, or undefined when it is larger than `maxBytes` (minified bundles, generated
 * code). One open, one fstat and one read: a separate stat per file shows on a large tree.
 */
export function readSourceFile(file: string, maxBytes: number): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return undefined;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

/** Migrations and tests: whatever they load or query, the server does not. */
const NEVER_REPORTED =
  /(^|\/)(migrations|alembic\/versions|tests?|__tests__)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest|tests)\.py$|\.(test|spec)\.[jt]sx?$/;

/** Costs per module and imported names: the first file's environment stands for the tree. */
export class SiteCosts {
  private readonly costs = new Map<string, Promise<ResolvedCost>>();
  readonly notes = new Map<string, string>();

  constructor(private readonly resolver: ImportCostResolver) {}

  async site(file: string, imp: StartupImport): Promise<Site> {
    const key = `${imp.ecosystem}|${imp.module}|${imp.importedNames.join(',')}`;
    if (!this.costs.has(key)) this.costs.set(key, this.resolver.resolve(imp, dirname(file)));
    const resolved = await this.costs.get(key)!;
    if (resolved.note) this.notes.set(imp.module, resolved.note);
    return { file, imp, cost: resolved.cost };
  }
}

/** Folders whose lockfiles and requirements pin versions: the root and each package's own. */
export function pinsFor(root: string, projectFiles: readonly string[]): ProjectPins {
  return ProjectPins.read([root, ...new Set(projectFiles.map((f) => dirname(f)))]);
}

export async function scanTree(root: string, opts: ScanOptions): Promise<ScanResult> {
  const cancelled = opts.isCancelled ?? (() => false);
  const tree = listSourceTree(root, opts.excludeGlobs, cancelled);
  const ctx = contextForTree(tree.pythonModules, tree.templates, opts.isRuleEnabled);
  const facts = new Map<string, FileAnalysis>();
  const errors: Array<{ file: string; error: string }> = [];
  let files = 0;
  let bytes = 0;
  const maxBytes = opts.maxFileBytes ?? 1_000_000;
  for (const [i, file] of tree.files.entries()) {
    if (cancelled()) break;
    // Small synchronous reads are several times faster than awaited ones; yielding now and
    // then keeps the host (editor or CLI signal handling) responsive.
    if (i % 64 === 0) {
      opts.onProgress?.(i, tree.files.length);
      await new Promise((r) => setImmediate(r));
      if (cancelled()) break;
    }
    try {
      const source = readSourceFile(file, maxBytes);
      if (source === undefined) continue;
      files++;
      bytes += Buffer.byteLength(source);
      facts.set(
        file,
        await analyzeSource(opts.parser, source, languageForPath(file)!, { ...ctx, isPackageInit: basename(file) === '__init__.py' }),
      );
    } catch (err) {
      errors.push({ file, error: err instanceof Error ? err.message : String(err) });
    }
  }
  opts.resolver.usePins(pinsFor(root, tree.projectFiles));
  const project = ProjectModel.build(root, facts, tree.projectFiles);
  const result = await judgeProject(project, facts, opts, cancelled);
  return { ...result, files, bytes, errors, project };
}

/** Heavy-import verdicts per process (or per file without an entry point), queries per file, and the ledger. */
export async function judgeProject(
  project: ProjectModel,
  facts: ReadonlyMap<string, FileAnalysis>,
  opts: Pick<ScanOptions, 'resolver' | 'thresholds' | 'budgetMB'>,
  cancelled: () => boolean = () => false,
): Promise<{ findings: ScannedFinding[]; costNotes: Map<string, string>; ledger: StartupLedger }> {
  const findings: ScannedFinding[] = [];
  const costs = new SiteCosts(opts.resolver);
  const rel = (f: string) => project.rel(f);
  const judged = [];
  if (!project.perFile) {
    for (const p of project.processes) {
      if (cancelled()) break;
      const sites = await Promise.all(p.sites.map((s) => costs.site(s.file, s.imp)));
      const j = judgeSites(sites, opts.thresholds, true, p.entry.name, rel);
      // A file two processes load is reported once, for the first of them.
      for (const f of j.findings) if (project.processOf(f.file) === p) findings.push(f);
      judged.push({ process: p, rows: j.rows });
    }
  } else {
    // No entry point: every file but tests and migrations may load at startup, judged together
    // (a package one file needs at load is not a candidate in another), with `startup` unknown.
    const sites: Site[] = [];
    for (const [file, f] of facts) {
      if (cancelled()) break;
      if (looksLikeNonStartup(rel(file))) continue;
      sites.push(...(await Promise.all(f.startupImports.map((imp) => costs.site(file, project.judged(file, imp))))));
    }
    findings.push(...judgeSites(sites, opts.thresholds, null, undefined, rel).findings);
  }
  for (const [file, f] of facts) {
    if (NEVER_REPORTED.test(rel(file))) continue;
    for (const q of project.queriesOf(file, f)) {
      if (q.unlessPaginatedByDefault && project.drfDefaultPagination) continue;
      findings.push({ file, finding: q });
    }
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.finding.statementStart.line - b.finding.statementStart.line);
  const ledger = ledgerOf(project, judged, facts.size, opts.budgetMB ?? 512);
  return { findings, costNotes: costs.notes, ledger };
}
