import { dirname, join } from 'node:path';
import { looksLocal } from '../imports/jsImports';
import type { FileAnalysis, GeneratorUse, ModelExport, PendingQuery, QueryFinding, StartupImport } from '../model';
import { collectedGenerators } from '../queries/generators';
import { type ProcessEntry, findProcesses } from './entryPoints';
import { relativePath } from './paths';
import { ModuleResolver, pythonRoots } from './resolve';

/**
 * The project seen as processes: for each entry point, the files it loads when it starts, in
 * the order it loads them (depth first, in statement order, as Node and Python do), following
 * the project's own imports and what Django loads by name. Migrations, management commands,
 * scripts and tests are reached by no entry point: they are not startup.
 */

export interface ProcessModel {
  readonly entry: ProcessEntry;
  /** Files in load order. */
  readonly order: readonly string[];
  /** Third-party imports in load order. */
  readonly sites: ReadonlyArray<{ file: string; imp: StartupImport }>;
}

/** Paths that never run when a server starts, used where no entry point is known. */
const NOT_STARTUP =
  /(^|\/)(migrations|alembic\/versions|tests?|__tests__|spec|e2e|fixtures|scripts)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest|tests)\.py$|\.(test|spec)\.[jt]sx?$/;

export function looksLikeNonStartup(relPath: string): boolean {
  return NOT_STARTUP.test(relPath);
}

export class ProjectModel {
  readonly processes: ProcessModel[];
  readonly resolver: ModuleResolver;
  /** REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS'] is set in a settings module. */
  readonly drfDefaultPagination: boolean;
  private readonly reachedBy = new Map<string, ProcessModel>();
  /** Per file, its functions and classes that some module calls while it loads, and by which call. */
  private readonly calledAtLoad = new Map<string, Map<string, string>>();

  private constructor(
    readonly root: string,
    private readonly facts: ReadonlyMap<string, FileAnalysis>,
    projectFiles: readonly string[],
  ) {
    const files = new Set(facts.keys());
    const entries = findProcesses(root, files, projectFiles);
    this.resolver = new ModuleResolver(
      files,
      projectFiles.filter((f) => /[\\/](ts|js)config\.json$/.test(f)),
      pythonRoots(
        root,
        files,
        entries.flatMap((e) => e.files),
      ),
    );
    this.drfDefaultPagination = [...facts.values()].some((f) => f.pythonSettings?.drfDefaultPagination);
    this.markLoadTimeCalls();
    const built = entries.map((e) => this.load(e));
    // A process whose every file another one loads too adds nothing of its own (main and start naming the same server).
    this.processes = built.filter((p, i) => {
      if (p.order.length === 0) return false;
      const own = new Set(p.order);
      return !built.some(
        (q, j) =>
          j !== i && (q.order.length > own.size || (q.order.length === own.size && j < i)) && [...own].every((f) => q.order.includes(f)),
      );
    });
    for (const p of this.processes) for (const f of p.order) if (!this.reachedBy.has(f)) this.reachedBy.set(f, p);
  }

  static build(root: string, facts: ReadonlyMap<string, FileAnalysis>, projectFiles: readonly string[]): ProjectModel {
    return new ProjectModel(root, facts, projectFiles);
  }

  /** True when no entry point was found: every file is judged on its own. */
  get perFile(): boolean {
    return this.processes.length === 0;
  }

  rel(file: string): string {
    return relativePath(this.root, file);
  }

  /** The first process that loads `file` at startup. */
  processOf(file: string): ProcessModel | undefined {
    return this.reachedBy.get(file);
  }

  /** true / false for reached or not by an entry point; null when there is none. */
  isStartup(file: string): boolean | null {
    return this.perFile ? null : this.reachedBy.has(file);
  }

  /** A JS import of a package name that tsconfig `paths`/`baseUrl` map to a project file. */
  private aliasTarget(file: string, imp: StartupImport): string | undefined {
    return imp.ecosystem === 'node' ? this.resolver.resolveJs(file, imp.module) : undefined;
  }

  /** Files one file loads when it runs, with the line of the statement that loads them. */
  private edges(file: string, f: FileAnalysis): Array<{ line: number; files: string[] } | { line: number; site: StartupImport }> {
    const items: Array<{ line: number; files: string[] } | { line: number; site: StartupImport }> = [];
    const python = f.language === 'python';
    for (const l of f.localImports) {
      const files = python
        ? this.resolver.resolvePython(file, l.specifier, l.names)
        : l.specifier.endsWith('/*')
          ? this.resolver.resolveJsFolder(file, l.specifier)
          : [this.resolver.resolveJs(file, l.specifier)];
      items.push({ line: l.line, files: files.filter((x): x is string => x !== undefined) });
    }
    for (const imp of f.startupImports) {
      const alias = this.aliasTarget(file, imp);
      items.push(alias ? { line: imp.range.start.line, files: [alias] } : { line: imp.range.start.line, site: imp });
    }
    const s = f.pythonSettings;
    if (s) {
      const named = s.modulePaths.flatMap((m) => this.resolver.resolveDotted(m));
      items.push({ line: Number.MAX_SAFE_INTEGER, files: [...named, ...s.installedApps.flatMap((a) => this.appModules(a))] });
    }
    return items.sort((a, b) => a.line - b.line);
  }

  /**
   * What Django imports of an installed app when it starts: the package, its AppConfig module,
   * models and admin. `catalog.apps.CatalogConfig` names the app `catalog`.
   */
  private appModules(app: string): string[] {
    const found = this.resolver.resolveDotted(app);
    const last = found[found.length - 1];
    if (!last) return [];
    const dir = /[\\/](__init__|apps)\.py$/.test(last) ? dirname(last) : undefined;
    if (!dir) return found;
    const names = ['__init__.py', 'apps.py', 'models.py', join('models', '__init__.py'), 'admin.py'];
    return [...found, ...names.map((n) => join(dir, n)).filter((f) => this.facts.has(f))];
  }

  private markLoadTimeCalls(): void {
    const mark = (file: string, name: string, by: string) => {
      const names = this.calledAtLoad.get(file) ?? new Map<string, string>();
      for (const n of [name, `${name}.__init__`, `${name}.constructor`]) if (!names.has(n)) names.set(n, by);
      this.calledAtLoad.set(file, names);
    };
    for (const [file, f] of this.facts) {
      if (looksLikeNonStartup(this.rel(file))) continue;
      for (const call of f.loadTimeCalls) {
        const [head, member] = call.callee.split('.') as [string, string | undefined];
        const by = `${call.callee}() at ${this.rel(file)}:${call.line + 1} runs it when that module loads`;
        if (!member && f.definitions.includes(head)) mark(file, head, by);
        const binding = f.localBindings[head];
        if (!binding) continue;
        const targets =
          f.language === 'python'
            ? this.resolver.resolvePython(file, binding.from, binding.imported === '*' ? [] : [binding.imported])
            : [this.resolver.resolveJs(file, binding.from)];
        for (const t of targets) {
          if (!t) continue;
          if (member && (binding.imported === '*' || binding.imported === 'default')) mark(t, member, by);
          else if (!member) mark(t, binding.imported === '*' || binding.imported === 'default' ? head : binding.imported, by);
        }
      }
    }
  }

  /** An import whose "deferred" uses sit in functions that run at load is needed at load after all. */
  judged(file: string, imp: StartupImport): StartupImport {
    const called = this.calledAtLoad.get(file);
    const hit = imp.deferredIn?.find((d) => called?.has(d));
    if (!hit || !called) return imp;
    const what = `${hit} ${called.get(hit)!.replace(/ runs it/, ' runs')}`;
    return {
      ...imp,
      lazyFix: undefined,
      loadTimeUse: { line: imp.range.start.line, what },
      notLazyReason: `${hit} runs at load: ${called.get(hit)}`,
    };
  }

  private load(entry: ProcessEntry): ProcessModel {
    const order: string[] = [];
    const sites: Array<{ file: string; imp: StartupImport }> = [];
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const f = this.facts.get(file);
      if (!f) return;
      order.push(file);
      for (const item of this.edges(file, f)) {
        if ('site' in item) sites.push({ file, imp: this.judged(file, item.site) });
        else for (const next of item.files) visit(next);
      }
    };
    for (const f of entry.files) visit(f);
    for (const m of entry.modules) for (const f of this.resolver.resolveDotted(m)) visit(f);
    return { entry, order, sites };
  }

  /**
   * The Mongoose finds whose receiver another module exports as a model: `Item.find()` with
   * `const Item = require('../db/models').User` and `module.exports = { User: model(…) }` there.
   */
  resolvePending(file: string, pending: readonly PendingQuery[]): QueryFinding[] {
    return pending.filter((p) => this.exportsModel(file, p.from, p.imported, 0)).map((p) => p.finding);
  }

  /** A file's query findings: its own, the pending ones resolved, and the streamed rows some caller collects. */
  queriesOf(file: string, f: FileAnalysis | undefined): QueryFinding[] {
    if (!f) return [];
    const out = [...f.queries, ...this.resolvePending(file, f.pendingQueries)];
    if (!f.yieldedQueries?.length) return out;
    // A test that gathers every row is not the server doing it.
    this.collected ??= collectedGenerators(
      [...this.facts]
        .filter(([g]) => !looksLikeNonStartup(this.rel(g)))
        .map(([g, facts]): [string, readonly GeneratorUse[]] => [g, facts.generatorUses ?? []]),
    );
    for (const y of f.yieldedQueries) {
      const at = this.collected.get(y.generator);
      if (!at) continue;
      const where = {
        file: at.file,
        range: at.use.range,
        message: `collected whole here (${y.generator}() by way of the generators that yield it)`,
      };
      out.push({ ...y.finding, related: [...y.finding.related, where] });
    }
    return out;
  }

  private collected: ReturnType<typeof collectedGenerators> | undefined;

  private exportsModel(fromFile: string, specifier: string, name: string, depth: number): boolean {
    if (depth > 5 || !looksLocalOrAlias(specifier)) return false;
    const target = this.resolver.resolveJs(fromFile, specifier);
    const exports: readonly ModelExport[] = target ? (this.facts.get(target)?.modelExports ?? []) : [];
    for (const e of exports) {
      if (e.name !== name && e.name !== '*') continue;
      if (!e.reexport) return e.name === name;
      const imported = e.name === '*' ? name : e.reexport.imported;
      if (this.exportsModel(target!, e.reexport.from, imported, depth + 1)) return true;
    }
    return false;
  }
}

function looksLocalOrAlias(specifier: string): boolean {
  return looksLocal(specifier) || !specifier.startsWith('node:');
}
