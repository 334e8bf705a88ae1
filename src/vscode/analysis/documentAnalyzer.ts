import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { type AnalysisContext, importsOf } from '../../core/analysis/analyzer';
import type { AnalysisWorkerClient } from '../../core/analysis/analysisWorkerClient';
import { tableCost } from '../../core/analysis/costs/importCostResolver';
import { formatMB, formatMs, lensTitle } from '../../core/analysis/display';
import {
  type Finding,
  type HeavyImportFinding,
  type RuleId,
  type SourceRange,
  type StartupImport,
  languageForPath,
} from '../../core/analysis/model';
import { SourceParser, findGrammars } from '../../core/analysis/parsers';
import { importPrelude } from '../../core/analysis/prelude';
import { isHeavyFamily, thresholdCrossed } from '../../core/analysis/project/verdicts';
import type { ScanParams } from '../../core/analysis/rpc';
import { RULE_SETTINGS, readSettings } from '../settings';

/** A lens shown before the whole file is judged: the import's typical cost, from the file's head alone. */
export interface ProvisionalLens {
  readonly range: SourceRange;
  readonly title: string;
}

/** The findings of one document at one version, and the cost notes behind its import figures. */
export interface DocumentFindings {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly findings: readonly Finding[];
  readonly notes: Readonly<Record<string, string>>;
  /** Set while only the import prelude has been read: lenses, no diagnostics yet. */
  readonly provisional?: readonly ProvisionalLens[];
  readonly startup?: boolean | null;
}

/**
 * Analyses open documents. The head of the file (its imports) is parsed here at once, so the
 * lenses appear in milliseconds; the whole file is judged in the analysis worker against its
 * project (entry points, the startup import graph, one verdict per package), first with table
 * and cached costs, then with measured ones in trusted workspaces. Each result is published
 * through `onDidAnalyse`.
 */
export class DocumentAnalyzer implements vscode.Disposable {
  private readonly parser: SourceParser;
  private readonly results = new Map<string, DocumentFindings>();
  private readonly emitter = new vscode.EventEmitter<DocumentFindings>();
  readonly onDidAnalyse = this.emitter.event;

  constructor(
    private readonly storage: vscode.Uri,
    extensionPath: string,
    private readonly worker: AnalysisWorkerClient,
  ) {
    this.parser = new SourceParser(findGrammars([join(extensionPath, 'dist', 'grammars')]));
  }

  get costCacheFile(): string {
    return join(this.storage.fsPath, 'import-costs.json');
  }

  findingsFor(uri: vscode.Uri): DocumentFindings | undefined {
    return this.results.get(uri.toString());
  }

  forget(uri: vscode.Uri): void {
    this.results.delete(uri.toString());
  }

  /** What the worker needs to judge a folder the way the settings say. */
  paramsFor(folder: string): ScanParams {
    const settings = readSettings(folder).analysis;
    const excludes = vscode.workspace.getConfiguration('files', vscode.Uri.file(folder)).get<Record<string, boolean>>('exclude') ?? {};
    return {
      root: folder,
      excludeGlobs: Object.entries(excludes)
        .filter(([, on]) => on)
        .map(([glob]) => glob),
      thresholds: settings.thresholds,
      disabledRules: (Object.keys(RULE_SETTINGS) as RuleId[]).filter((r) => !settings.isRuleEnabled(r)),
      measure: settings.measureImports && vscode.workspace.isTrusted,
      nodePath: settings.nodePath,
      pythonPath: settings.pythonPath,
      cacheFile: this.costCacheFile,
      budgetMB: settings.budgetMB,
    };
  }

  async analyse(document: vscode.TextDocument): Promise<void> {
    const language = languageForPath(document.fileName);
    if (!language || document.uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? dirname(document.fileName);
    const version = document.version;
    const text = document.getText();
    const publish = (r: Omit<DocumentFindings, 'uri' | 'version'>): void => {
      if (document.isClosed || document.version !== version) return;
      const full = { ...r, uri: document.uri, version };
      this.results.set(document.uri.toString(), full);
      this.emitter.fire(full);
    };
    const previous = this.results.get(document.uri.toString());
    publish({ findings: [], notes: {}, provisional: await this.preludeLenses(document.fileName, folder, text, language, previous) });
    const params = { ...this.paramsFor(folder), file: document.fileName, text, language };
    const quick = await this.worker.analyse({ ...params, quick: true });
    publish(quick);
    if (!params.measure) return;
    // Then the measured figures (one package may take seconds), or the reason there are none.
    publish(await this.worker.analyse({ ...params, quick: false }));
  }

  /**
   * Lenses from the import prelude alone: the verdict the last full analysis gave the same
   * package when there is one, else the table's figure for packages that cross a threshold.
   */
  private async preludeLenses(
    fileName: string,
    folder: string,
    text: string,
    language: NonNullable<ReturnType<typeof languageForPath>>,
    previous: DocumentFindings | undefined,
  ): Promise<ProvisionalLens[]> {
    const prelude = importPrelude(text, language);
    if (!prelude) return [];
    const thresholds = readSettings(folder).analysis.thresholds;
    const imports = await this.parser.withTree(
      prelude,
      language,
      (tree) => importsOf(tree.rootNode, prelude, language, fileContext(fileName, folder)).startupImports,
    );
    const known = new Map<string, HeavyImportFinding>();
    for (const f of previous?.findings ?? []) if (f.kind === 'heavy-import') known.set(f.startupImport.module, f);
    return imports.flatMap((imp): ProvisionalLens[] => {
      const before = known.get(imp.module);
      if (before) return [{ range: imp.range, title: lensTitle(before) }];
      const cost = tableCost(imp);
      if (!thresholdCrossed(cost, thresholds) && !(cost === undefined && isHeavyFamily(imp.packageName))) return [];
      return [{ range: imp.range, title: provisionalTitle(imp, cost) }];
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function provisionalTitle(imp: StartupImport, cost: ReturnType<typeof tableCost>): string {
  return cost
    ? `${imp.packageName} · ≈ ${formatMB(cost.heapMB)} MB heap · ${formatMs(cost.loadMs)} (${cost.label}) · judging…`
    : `${imp.packageName} · cost unknown (not measured) · judging…`;
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
