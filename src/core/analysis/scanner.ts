import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AnalysisContext, analyzeSource } from './analyzer';
import type { ImportCostResolver, ResolvedCost } from './costs/importCostResolver';
import { heavyImportFinding } from './heavyImports';
import { listSourceTree } from './ignore';
import { type Finding, type HeavyImportThresholds, type RuleId, type StartupImport, languageForPath } from './model';
import type { SourceParser } from './parsers';

/** Scans a directory tree: every source file analysed, import costs resolved once per module. */

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
    isRuleEnabled,
  };
}

export async function scanTree(root: string, opts: ScanOptions): Promise<ScanResult> {
  const cancelled = opts.isCancelled ?? (() => false);
  const tree = listSourceTree(root, opts.excludeGlobs, cancelled);
  const ctx = contextForTree(tree.pythonModules, tree.templates, opts.isRuleEnabled);
  const result: ScanResult = { findings: [], files: 0, bytes: 0, errors: [], costNotes: new Map() };
  const imports: Array<{ file: string; imp: StartupImport }> = [];
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
      if (statSync(file).size > maxBytes) continue;
      const source = readFileSync(file, 'utf8');
      result.files++;
      result.bytes += Buffer.byteLength(source);
      const analysis = await analyzeSource(opts.parser, source, languageForPath(file)!, ctx);
      for (const q of analysis.queries) result.findings.push({ file, finding: q });
      for (const imp of analysis.startupImports) imports.push({ file, imp });
    } catch (err) {
      result.errors.push({ file, error: err instanceof Error ? err.message : String(err) });
    }
  }
  // One cost per module and imported names: the first file's environment stands for the tree.
  const costs = new Map<string, Promise<ResolvedCost>>();
  for (const { file, imp } of imports) {
    if (cancelled()) break;
    const key = `${imp.ecosystem}|${imp.module}|${imp.importedNames.join(',')}`;
    if (!costs.has(key)) costs.set(key, opts.resolver.resolve(imp, dirname(file)));
    const resolved = await costs.get(key)!;
    if (resolved.note) result.costNotes.set(imp.module, resolved.note);
    const finding = heavyImportFinding(imp, resolved.cost, opts.thresholds);
    if (finding) result.findings.push({ file, finding });
  }
  result.findings.sort((a, b) => a.file.localeCompare(b.file) || a.finding.statementStart.line - b.finding.statementStart.line);
  return result;
}
