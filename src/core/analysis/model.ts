/** Pure data shared by the analysers, the CLI and the VS Code surfaces. Positions are 0-based. */

export type SourceLanguage = 'python' | 'javascript' | 'typescript' | 'tsx';
export type Ecosystem = 'python' | 'node';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/** A replacement of the text between two UTF-16 offsets of the analysed source. */
export interface TextEdit {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

/** An import that runs when the module is loaded (see README: what counts as startup). */
export interface StartupImport {
  readonly ecosystem: Ecosystem;
  /** What the statement imports: `langchain/llms/openai`, `django.db.models`. */
  readonly module: string;
  /** The installable package: `langchain`, `django`, `google-generativeai`. */
  readonly packageName: string;
  /** For Python `from X import a, b`: the names, so the measurement imports exactly that. */
  readonly importedNames: readonly string[];
  /** The whole statement, where the line number of a finding points. */
  readonly range: SourceRange;
  readonly sideEffectOnly: boolean;
  /** Moving the import into the functions that use it, when that is safe; otherwise undefined. */
  readonly lazyFix?: Fix;
  /** Why no lazy fix is offered, for the details view. */
  readonly notLazyReason?: string;
  /** The first use that runs when the module loads (module level, class body, decorator, re-export). */
  readonly loadTimeUse?: LoadTimeUse;
  /** Bindings that nothing uses: the import only costs memory. */
  readonly unused: boolean;
  /** Deleting the statement, offered when it is unused. */
  readonly removeFix?: Fix;
  /** Where the deferred uses sit (`Database.__init__`, `ask`): deferred only if nothing calls these at load. */
  readonly deferredIn?: readonly string[];
}

/** A call the module makes while it loads: `Database()`, `database.Database()`, `connectDB()`. */
export interface LoadTimeCall {
  readonly callee: string;
  readonly line: number;
}

export interface LoadTimeUse {
  /** 0-based line of the use. */
  readonly line: number;
  /** What needs the package then: `express()`, `class User(Base)`, `re-exported`. */
  readonly what: string;
}

/**
 * A reference to one of the project's own modules that runs when the file loads: an edge of
 * the startup import graph. Imports inside functions are not edges (they load later, if ever).
 */
export interface LocalImport {
  /** As written: `./models`, `@/lib/db`, `app.models`, or `.models` (Python, with its dots). */
  readonly specifier: string;
  /** Python `from X import a, b`: `a`, `b` may be submodules of X. */
  readonly names: readonly string[];
  /** 0-based line of the statement. */
  readonly line: number;
}

export type CostSource = 'measured' | 'table';

export interface ImportCost {
  readonly heapMB: number;
  /** An upper bound: RSS deltas do not add up across packages. */
  readonly rssMB: number;
  readonly loadMs: number;
  readonly source: CostSource;
  /** Installed version when measured; the table's version otherwise. */
  readonly version?: string;
  /** The table entry or measurement that gave the figure (module name it was taken for). */
  readonly basis: string;
  /** Where the figure comes from, as shown: `measured, 9.12.1`, `typical for 1.4`. */
  readonly label: string;
  /** The version the project pins (lockfile, requirements), when it names one. */
  readonly pinned?: string;
}

export type QueryRuleId =
  | 'django-unbounded-queryset'
  | 'sqlalchemy-unbounded-query'
  | 'prisma-findmany-without-take'
  | 'mongoose-find-without-limit'
  | 'sequelize-findall-without-limit'
  | 'typeorm-find-without-take'
  | 'knex-query-without-limit';

export type RuleId = 'heavy-import' | QueryRuleId;

export type Orm = 'django' | 'sqlalchemy' | 'prisma' | 'mongoose' | 'sequelize' | 'typeorm' | 'knex';

export interface QueryFinding {
  readonly kind: 'unbounded-query';
  readonly rule: QueryRuleId;
  readonly orm: Orm;
  readonly message: string;
  /** The expression that is loaded whole. */
  readonly range: SourceRange;
  /** Start of the statement holding it (what the CLI reports). */
  readonly statementStart: SourcePosition;
  readonly fixes: readonly Fix[];
  /** Where the query is loaded whole: the loop, template, serializer or list() (same file unless `file` is set). */
  readonly related: readonly RelatedLocation[];
  /** A DRF list view: not a finding when the settings page every list view (DEFAULT_PAGINATION_CLASS). */
  readonly unlessPaginatedByDefault?: boolean;
}

export interface RelatedLocation {
  readonly range: SourceRange;
  readonly message: string;
  /** Another file (a template), absolute; this file when undefined. */
  readonly file?: string;
}

export type Severity = 'warning' | 'info';

/** What one startup import line means for its process (see project/verdicts). */
export interface ImportVerdict {
  readonly severity: Severity;
  /** Every use of the package on the startup path can wait: moving the imports saves its cost. */
  readonly deferrable: boolean;
  /** true: an entry point reaches this file at load; false: none does; null: no entry point found. */
  readonly startup: boolean | null;
  /** What this line adds: the package's cost at its first import, 0 where it is already loaded. */
  readonly marginalMB: number;
  /** The distribution: `sqlalchemy` for `sqlalchemy.orm`. */
  readonly packageName: string;
  /** Where the package was first loaded, when not here. */
  readonly alreadyLoadedBy?: { readonly file: string; readonly line: number };
  readonly state: 'candidate' | 'unused' | 'needed' | 'already-loaded' | 'unknown-cost';
  /** The process (entry point) the verdict is for. */
  readonly process?: string;
}

export interface HeavyImportFinding {
  readonly kind: 'heavy-import';
  readonly rule: 'heavy-import';
  readonly message: string;
  readonly range: SourceRange;
  readonly statementStart: SourcePosition;
  readonly startupImport: StartupImport;
  /** Undefined when the cost is unknown (not measured, not in the table). */
  readonly cost?: ImportCost;
  readonly verdict: ImportVerdict;
  /** Which threshold the cost crossed, for the message: `over the 5 MB heap threshold`. */
  readonly threshold?: string;
  readonly fixes: readonly Fix[];
}

export type Finding = QueryFinding | HeavyImportFinding;

/** What one file yields before import costs are known. */
export interface FileAnalysis {
  readonly language: SourceLanguage;
  readonly startupImports: readonly StartupImport[];
  readonly localImports: readonly LocalImport[];
  readonly queries: readonly QueryFinding[];
  /** Model classes this module exports, for resolving `Model.find()` in the modules that import it. */
  readonly modelExports: readonly ModelExport[];
  /** Queries that are findings only if a name imported from another module is a model of that ORM. */
  readonly pendingQueries: readonly PendingQuery[];
  /** Django/DRF settings and URL configuration this module declares, when it is such a module. */
  readonly pythonSettings?: PythonSettings;
  /** Calls made while the module loads, and the module's own top-level functions and classes. */
  readonly loadTimeCalls: readonly LoadTimeCall[];
  readonly definitions: readonly string[];
  /** Names bound to the project's own modules: `Database` → `.database`, `Database`. */
  readonly localBindings: Readonly<Record<string, { readonly from: string; readonly imported: string }>>;
  /** Queries a generator streams out row by row: a finding only where a caller collects the rows (Python). */
  readonly yieldedQueries?: readonly YieldedQuery[];
  /** Calls of generators by name: collected whole, or handed on by another generator (Python). */
  readonly generatorUses?: readonly GeneratorUse[];
}

/** `async for row in await session.stream_scalars(select(M)): yield row` inside `generator`. */
export interface YieldedQuery {
  readonly finding: QueryFinding;
  readonly generator: string;
}

/**
 * `[x async for x in store.rows()]` collects `rows`; `async for x in store.rows(): yield f(x)`
 * inside `summaries` relays `rows` to `summaries` (`relayedBy`).
 */
export interface GeneratorUse {
  readonly generator: string;
  readonly range: SourceRange;
  readonly relayedBy?: string;
}

/** `module.exports = mongoose.model('User', s)` → `{ name: 'default' }`; `exports.User = model(…)` → `{ name: 'User' }`. */
export interface ModelExport {
  readonly name: string;
  readonly orm: 'mongoose' | 'sequelize';
  /** Set for a re-export: the name is whatever `from` exports as `imported`. */
  readonly reexport?: { readonly from: string; readonly imported: string };
}

export interface PendingQuery {
  readonly finding: QueryFinding;
  /** The module the receiver was imported from, and under which exported name (`default` for the whole). */
  readonly from: string;
  readonly imported: string;
}

export interface PythonSettings {
  /** Dotted module paths named in strings (INSTALLED_APPS, ROOT_URLCONF, include('…')). */
  readonly modulePaths: readonly string[];
  readonly installedApps: readonly string[];
  /** `REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS']` is set. */
  readonly drfDefaultPagination: boolean;
  /** `DJANGO_SETTINGS_MODULE` set by this file (manage.py, wsgi.py). */
  readonly settingsModule?: string;
}

export interface HeavyImportThresholds {
  readonly heapMB: number;
  readonly loadMs: number;
}

export const DEFAULT_THRESHOLDS: HeavyImportThresholds = { heapMB: 5, loadMs: 100 };

export function isHeavy(cost: ImportCost, t: HeavyImportThresholds): boolean {
  return cost.heapMB >= t.heapMB || cost.loadMs >= t.loadMs;
}

export function languageForPath(path: string): SourceLanguage | undefined {
  const m = /\.([a-z]+)$/i.exec(path);
  switch (m?.[1]?.toLowerCase()) {
    case 'py':
      return 'python';
    case 'js':
    case 'cjs':
    case 'mjs':
    case 'jsx':
      return 'javascript';
    case 'ts':
    case 'mts':
    case 'cts':
      return path.endsWith('.d.ts') ? undefined : 'typescript';
    case 'tsx':
      return 'tsx';
    default:
      return undefined;
  }
}
