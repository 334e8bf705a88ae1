import { collectJsStartupImports } from './imports/jsImports';
import { collectPythonStartupImports } from './imports/pythonImports';
import type { FileAnalysis, QueryFinding, RuleId, SourceLanguage, StartupImport } from './model';
import type { SourceParser, SyntaxNode } from './parsers';
import { DjangoQueryRule } from './queries/django';
import { JsOrmQueryRules } from './queries/jsOrms';
import { importedPackages, modelBindings } from './queries/jsScope';
import { SqlAlchemyQueryRule } from './queries/sqlalchemy';
import { IgnoreComments } from './syntax';

/** What the analysers may ask of the world around the file. All optional. */
export interface AnalysisContext {
  /** True when a top-level Python name is one of the project's own modules. */
  readonly isLocalPythonModule?: (name: string) => boolean;
  /** A Django template's source by name, if it can be found. */
  readonly templateSource?: (name: string) => string | undefined;
  /** Rule switches; every rule is on when omitted. */
  readonly isRuleEnabled?: (rule: RuleId) => boolean;
}

/** Parses one file and runs every rule on it. Import costs are attached later (they may need I/O). */
export async function analyzeSource(
  parser: SourceParser,
  source: string,
  language: SourceLanguage,
  ctx: AnalysisContext = {},
): Promise<FileAnalysis> {
  return parser.withTree(source, language, (tree) => analyzeTree(tree.rootNode, source, language, ctx));
}

/** Runs every rule on an already parsed file (the editor keeps trees for incremental parsing). */
export function analyzeTree(root: SyntaxNode, source: string, language: SourceLanguage, ctx: AnalysisContext = {}): FileAnalysis {
  const enabled = ctx.isRuleEnabled ?? (() => true);
  const ignores = new IgnoreComments(source);
  const startupImports = enabled('heavy-import') ? importsOf(root, source, language, ctx) : [];
  const queries = queriesOf(root, source, language, ctx).filter((q) => enabled(q.rule));
  return {
    language,
    startupImports: startupImports.filter((i) => !ignores.isIgnored(i.range.start.line)),
    queries: queries.filter((q) => !ignores.isIgnored(q.statementStart.line) && !ignores.isIgnored(q.range.start.line)),
  };
}

function importsOf(root: SyntaxNode, source: string, language: SourceLanguage, ctx: AnalysisContext): StartupImport[] {
  if (language === 'python') {
    return collectPythonStartupImports(root, { source, isLocalModule: ctx.isLocalPythonModule ?? (() => false) });
  }
  return collectJsStartupImports(root, { source, elidesTypeOnlyImports: language !== 'javascript' });
}

// Cheap text checks first: most files hold no query at all, and walking a tree costs more.
const PY_DJANGO = '.objects';
const PY_SQLALCHEMY = /\.query\b|scalars\(|execute\(/;
const JS_ORMS =
  /\.(findMany|findAll|findAndCountAll|find|findBy|findAndCount|findAndCountBy|getMany|getRawMany|getManyAndCount)\s*\(|knex|\bdb\b|\btrx\b/;

function queriesOf(root: SyntaxNode, source: string, language: SourceLanguage, ctx: AnalysisContext): QueryFinding[] {
  if (language === 'python') {
    const out: QueryFinding[] = [];
    if (source.includes(PY_DJANGO)) out.push(...new DjangoQueryRule(root, { templateSource: ctx.templateSource }).run());
    if (PY_SQLALCHEMY.test(source)) out.push(...new SqlAlchemyQueryRule(root).run());
    return out;
  }
  if (!JS_ORMS.test(source)) return [];
  return new JsOrmQueryRules(root, importedPackages(root, source), source, modelBindings(root, source)).run();
}
