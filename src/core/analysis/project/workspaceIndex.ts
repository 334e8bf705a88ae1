import { basename, dirname } from 'node:path';
import { type AnalysisContext, analyzeSource } from '../analyzer';
import type { ImportCostResolver, ResolvedCost } from '../costs/importCostResolver';
import { listSourceTree } from '../ignore';
import { type FileAnalysis, type Finding, type HeavyImportThresholds, type RuleId, type SourceLanguage, languageForPath } from '../model';
import type { SourceParser } from '../parsers';
import { type ScannedFinding, contextForTree, judgeProject, pinsFor, readSourceFile } from '../scanner';
import { ProjectModel, looksLikeNonStartup } from './project';
import { type StartupLedger } from './ledger';
import { type Site, judgeSites } from './verdicts';

/**
 * The editor's view of one workspace folder: every file's imports and queries (read from disk
 * once, then replaced by the open document's text as it changes), the processes they form, and
 * the verdicts for the file being edited. Lives in the analysis worker, off the editor's thread.
 */

export interface IndexSettings {
  readonly thresholds: HeavyImportThresholds;
  readonly disabledRules: readonly RuleId[];
  readonly excludeGlobs: readonly string[];
  readonly budgetMB: number;
}

export interface DocumentReport {
  readonly findings: Finding[];
  /** Why a figure is not measured, per module. */
  readonly notes: Record<string, string>;
  /** true: loaded at startup; false: no entry point loads it; null: no entry point found. */
  readonly startup: boolean | null;
}

export class WorkspaceIndex {
  private readonly facts = new Map<string, FileAnalysis>();
  private projectFiles: string[] = [];
  private ctx: AnalysisContext = {};
  private model: ProjectModel | undefined;
  private built: Promise<void> | undefined;

  constructor(
    readonly root: string,
    private readonly parser: SourceParser,
    private readonly resolver: ImportCostResolver,
    private settings: IndexSettings,
  ) {}

  private enabled(rule: RuleId): boolean {
    return !this.settings.disabledRules.includes(rule);
  }

  /** Reads and analyses the whole folder, once. */
  ready(): Promise<void> {
    this.built ??= this.build();
    return this.built;
  }

  private async build(): Promise<void> {
    const tree = listSourceTree(this.root, this.settings.excludeGlobs);
    this.ctx = contextForTree(tree.pythonModules, tree.templates, (r) => this.enabled(r));
    this.projectFiles = tree.projectFiles;
    this.resolver.usePins(pinsFor(this.root, tree.projectFiles));
    for (const [i, file] of tree.files.entries()) {
      if (i % 64 === 0) await new Promise((r) => setImmediate(r));
      try {
        const source = readSourceFile(file, 1_000_000);
        if (source === undefined) continue;
        this.facts.set(file, await this.analyse(file, source, languageForPath(file)!));
      } catch {
        // unreadable or unparsable: the file simply has no facts
      }
    }
    this.model = undefined;
  }

  private analyse(file: string, text: string, language: SourceLanguage): Promise<FileAnalysis> {
    const ctx = { ...this.ctx, isPackageInit: basename(file) === '__init__.py', drfDefaultPagination: this.model?.drfDefaultPagination };
    return analyzeSource(this.parser, text, language, ctx);
  }

  private project(): ProjectModel {
    this.model ??= ProjectModel.build(this.root, this.facts, this.projectFiles);
    return this.model;
  }

  /** The open document's text replaces what the disk said; the verdicts follow for that file. */
  async update(file: string, text: string, language: SourceLanguage, quick: boolean): Promise<DocumentReport> {
    await this.ready();
    const analysis = await this.analyse(file, text, language);
    this.facts.set(file, analysis);
    // Rebuilding the process model is cheap next to parsing: no cleverness about which edit moved an edge.
    this.model = undefined;
    return this.report(file, quick);
  }

  private async cost(file: string, site: { imp: FileAnalysis['startupImports'][number] }, quick: boolean): Promise<ResolvedCost> {
    const dir = dirname(file);
    return quick ? this.resolver.quick(site.imp, dir) : this.resolver.resolve(site.imp, dir);
  }

  private async report(file: string, quick: boolean): Promise<DocumentReport> {
    const project = this.project();
    const notes: Record<string, string> = {};
    const toSite = async (f: string, imp: FileAnalysis['startupImports'][number]): Promise<Site> => {
      const r = await this.cost(f, { imp }, quick);
      if (r.note) notes[imp.module] = r.note;
      return { file: f, imp, cost: r.cost };
    };
    const findings: Finding[] = [];
    const facts = this.facts.get(file);
    const rel = (f: string) => project.rel(f);
    const startup = project.isStartup(file);
    if (facts && startup === null && !looksLikeNonStartup(rel(file))) {
      const all = [...this.facts].filter(([f]) => !looksLikeNonStartup(rel(f)));
      const sites = await Promise.all(all.flatMap(([f, a]) => a.startupImports.map((imp) => toSite(f, project.judged(f, imp)))));
      findings.push(
        ...judgeSites(sites, this.settings.thresholds, null, undefined, rel)
          .findings.filter((f) => f.file === file)
          .map((f) => f.finding),
      );
    } else if (startup) {
      const p = project.processOf(file)!;
      const sites = await Promise.all(p.sites.map((s) => toSite(s.file, s.imp)));
      findings.push(
        ...judgeSites(sites, this.settings.thresholds, true, p.entry.name, rel)
          .findings.filter((f) => f.file === file)
          .map((f) => f.finding),
      );
    }
    for (const q of project.queriesOf(file, facts)) {
      if (!(q.unlessPaginatedByDefault && project.drfDefaultPagination)) findings.push(q);
    }
    return { findings, notes, startup };
  }

  /** The startup ledger and every finding of the folder, as a scan gives them. */
  async judgeAll(): Promise<{ findings: ScannedFinding[]; ledger: StartupLedger }> {
    await this.ready();
    const r = await judgeProject(this.project(), this.facts, {
      resolver: this.resolver,
      thresholds: this.settings.thresholds,
      budgetMB: this.settings.budgetMB,
    });
    return { findings: r.findings, ledger: r.ledger };
  }

  configure(settings: IndexSettings): void {
    this.settings = settings;
  }
}
