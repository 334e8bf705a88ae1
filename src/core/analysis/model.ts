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
}

export interface HeavyImportFinding {
  readonly kind: 'heavy-import';
  readonly rule: 'heavy-import';
  readonly message: string;
  readonly range: SourceRange;
  readonly statementStart: SourcePosition;
  readonly startupImport: StartupImport;
  readonly cost: ImportCost;
  readonly fixes: readonly Fix[];
}

export type Finding = QueryFinding | HeavyImportFinding;

/** What one file yields before import costs are known. */
export interface FileAnalysis {
  readonly language: SourceLanguage;
  readonly startupImports: readonly StartupImport[];
  readonly queries: readonly QueryFinding[];
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
