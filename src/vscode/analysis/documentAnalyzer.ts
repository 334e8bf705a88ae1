import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { type AnalysisContext, analyzeTree } from '../../core/analysis/analyzer';
import { CostCache } from '../../core/analysis/costs/costCache';
import { ImportCostResolver, type ResolvedCost } from '../../core/analysis/costs/importCostResolver';
import { ImportCostMeasurer } from '../../core/analysis/costs/measure';
import { heavyImportFinding } from '../../core/analysis/heavyImports';
import { DocumentTrees } from '../../core/analysis/incremental';
import { type Finding, type HeavyImportFinding, type StartupImport, languageForPath } from '../../core/analysis/model';
import { SourceParser, findGrammars } from '../../core/analysis/parsers';
import { readSettings } from '../settings';

/** The findings of one document at one version, and the cost notes behind its import figures. */
export interface DocumentFindings {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly findings: readonly Finding[];
  readonly notes: ReadonlyMap<HeavyImportFinding, string>;
}

/**
 * Analyses open documents: table or cached costs first (instant), then measured costs in the
 * background (trusted workspaces only), publishing each result through `onDidAnalyse`.
 */
export class DocumentAnalyzer implements vscode.Disposable {
  private readonly trees: DocumentTrees;
  private readonly results = new Map<string, DocumentFindings>();
  private readonly emitter = new vscode.EventEmitter<DocumentFindings>();
  private resolvers = new Map<string, ImportCostResolver>();
  readonly onDidAnalyse = this.emitter.event;

  constructor(
    private readonly storage: vscode.Uri,
    extensionPath: string,
  ) {
    this.trees = new DocumentTrees(new SourceParser(findGrammars([join(extensionPath, 'dist', 'grammars')])));
  }

  get costCacheFile(): string {
    return join(this.storage.fsPath, 'import-costs.json');
  }

  findingsFor(uri: vscode.Uri): DocumentFindings | undefined {
    return this.results.get(uri.toString());
  }

  /** Forget resolvers (settings or trust changed) so the next analysis builds them anew. */
  reset(): void {
    this.resolvers = new Map();
  }

  forget(uri: vscode.Uri): void {
    this.results.delete(uri.toString());
    this.trees.forget(uri.toString());
  }

  /** Tells the remembered syntax tree about edits, so the next analysis re-parses only what changed. */
  recordChanges(e: vscode.TextDocumentChangeEvent): void {
    for (const c of e.contentChanges)
      this.trees.edit(e.document.uri.toString(), { offset: c.rangeOffset, length: c.rangeLength, text: c.text });
  }

  resolverFor(folder: string | undefined): ImportCostResolver {
    const key = folder ?? '';
    let r = this.resolvers.get(key);
    if (!r) {
      const settings = readSettings(folder).analysis;
      const measure = settings.measureImports && vscode.workspace.isTrusted;
      r = new ImportCostResolver({
        measure,
        measurer: measure ? new ImportCostMeasurer({ nodePath: settings.nodePath, pythonPath: settings.pythonPath }) : undefined,
        cache: new CostCache(this.costCacheFile),
        workspaceRoot: folder,
      });
      this.resolvers.set(key, r);
    }
    return r;
  }

  async analyse(document: vscode.TextDocument): Promise<void> {
    const language = languageForPath(document.fileName);
    if (!language || document.uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
    const settings = readSettings(folder).analysis;
    const version = document.version;
    const text = document.getText();
    const ctx = { ...fileContext(document.fileName, folder), isRuleEnabled: settings.isRuleEnabled };
    const analysis = await this.trees.withTree(document.uri.toString(), text, language, (tree) =>
      analyzeTree(tree.rootNode, text, language, ctx),
    );
    const resolver = this.resolverFor(folder);
    const dir = dirname(document.fileName);
    const build = (costs: ResolvedCost[]): DocumentFindings => {
      const notes = new Map<HeavyImportFinding, string>();
      const heavy: HeavyImportFinding[] = [];
      analysis.startupImports.forEach((imp, i) => {
        const f = heavyImportFinding(imp, costs[i]?.cost, settings.thresholds);
        if (!f) return;
        heavy.push(f);
        if (costs[i]?.note) notes.set(f, costs[i]!.note!);
      });
      return { uri: document.uri, version, findings: [...heavy, ...analysis.queries], notes };
    };
    const publish = (r: DocumentFindings): void => {
      if (document.isClosed || document.version !== version) return;
      this.results.set(document.uri.toString(), r);
      this.emitter.fire(r);
    };
    const imports: readonly StartupImport[] = analysis.startupImports;
    const costs = await Promise.all(imports.map((imp) => resolver.quick(imp, dir)));
    publish(build(costs));
    // Then each measured figure as it arrives (one package may take seconds), or the reason
    // there is none ("not installed here").
    await Promise.all(
      imports.map(async (imp, i) => {
        costs[i] = await resolver.resolve(imp, dir);
        publish(build(costs));
      }),
    );
  }

  dispose(): void {
    this.trees.dispose();
    this.emitter.dispose();
  }
}

/** Project modules and Django templates as seen from one open file. */
export function fileContext(fileName: string, folder: string | undefined): AnalysisContext {
  const dirs: string[] = [];
  for (let d = dirname(fileName); ; d = dirname(d)) {
    dirs.push(d);
    if (!folder || d === folder || dirname(d) === d || !d.startsWith(folder)) break;
  }
  const local = new Map<string, boolean>();
  return {
    isLocalPythonModule: (name) => {
      let hit = local.get(name);
      if (hit === undefined) {
        hit = dirs.some((d) => existsSync(join(d, `${name}.py`)) || existsSync(join(d, name, '__init__.py')));
        local.set(name, hit);
      }
      return hit;
    },
    templateSource: (name) => {
      for (const d of dirs) {
        const candidate = join(d, 'templates', name);
        if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
      }
      return undefined;
    },
  };
}
