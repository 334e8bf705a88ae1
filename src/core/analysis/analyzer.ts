import { collectJsImports, looksLocal } from './imports/jsImports';
import { collectPythonImports } from './imports/pythonImports';
import { pythonSettingsOf } from './imports/pythonSettings';
import { loadTimeCallsOf, topLevelShape } from './imports/loadTimeCalls';
import type { FileAnalysis, LocalImport, PendingQuery, QueryFinding, RuleId, SourceLanguage, StartupImport, YieldedQuery } from './model';
import type { SourceParser, SyntaxNode } from './parsers';
import { DjangoQueryRule } from './queries/django';
import { generatorUsesOf } from './queries/generators';
import { JsOrmQueryRules } from './queries/jsOrms';
import { type LocalBinding, importedPackages, localBindings, modelBindings } from './queries/jsScope';
import { modelExportsOf } from './queries/modelExports';
import { SqlAlchemyQueryRule } from './queries/sqlalchemy';
import { IgnoreComments } from './syntax';

/** What the analysers may ask of the world around the file. All optional. */
export interface AnalysisContext {
  /** True when a top-level Python name is one of the project's own modules. */
  readonly isLocalPythonModule?: (name: string) => boolean;
  /** A Django template's source by name, if it can be found. */
  readonly templateSource?: (name: string) => string | undefined;
  /** A Django template's absolute path by name, if it can be found. */
  readonly templatePath?: (name: string) => string | undefined;
  /** The project's settings page DRF list views by default (REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS']). */
  readonly drfDefaultPagination?: boolean;
  /** The file is a Python package's `__init__.py`. */
  readonly isPackageInit?: boolean;
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
  const python = language === 'python';
  const imports = importsOf(root, source, language, ctx);
  const bindings = python ? pythonLocalBindings(imports.localImports) : localBindings(root, source, looksLocal);
  const { queries, pending, yielded } = queriesOf(root, source, language, ctx, bindings);
  const kept = (q: QueryFinding) => enabled(q.rule) && !ignores.isIgnored(q.statementStart.line) && !ignores.isIgnored(q.range.start.line);
  const shape = topLevelShape(root, source, python);
  // Only a call to the module's own definitions or to what it imports from the project can run project code at load.
  const callable = new Set([...shape.definitions, ...bindings.keys()]);
  return {
    language,
    startupImports: enabled('heavy-import') ? imports.startupImports.filter((i) => !ignores.isIgnored(i.range.start.line)) : [],
    localImports: imports.localImports,
    queries: queries.filter(kept),
    pendingQueries: pending.filter((p) => kept(p.finding)),
    modelExports: python ? [] : modelExportsOf(root, source),
    pythonSettings: python ? pythonSettingsOf(root, source) : undefined,
    loadTimeCalls: loadTimeCallsOf(root, source, python, shape.loadUnits, callable),
    definitions: shape.definitions,
    localBindings: Object.fromEntries(bindings),
    ...(python ? { yieldedQueries: yielded.filter((y) => kept(y.finding)), generatorUses: generatorUsesOf(root, source) } : {}),
  };
}

/** `from .database import Database` → Database; `import helpers` → helpers (the whole module). */
function pythonLocalBindings(imports: readonly LocalImport[]): Map<string, LocalBinding> {
  const out = new Map<string, LocalBinding>();
  for (const l of imports) {
    if (l.names.length === 0) out.set(l.specifier.split('.').filter(Boolean)[0] ?? l.specifier, { from: l.specifier, imported: '*' });
    for (const n of l.names) out.set(n, { from: l.specifier, imported: n });
  }
  return out;
}

/** Only the imports: what the editor shows at once, before the rest of the file is analysed. */
export function importsOf(
  root: SyntaxNode,
  source: string,
  language: SourceLanguage,
  ctx: AnalysisContext,
): { startupImports: StartupImport[]; localImports: LocalImport[] } {
  if (language === 'python') {
    return collectPythonImports(root, {
      source,
      isLocalModule: ctx.isLocalPythonModule ?? (() => false),
      isPackageInit: ctx.isPackageInit,
    });
  }
  return collectJsImports(root, { source, elidesTypeOnlyImports: language !== 'javascript' });
}

// Cheap text checks first: most files hold no query at all, and walking a tree costs more.
const PY_DJANGO = /\.objects\b|ListView|APIView|ViewSet|ListModelMixin/;
const PY_SQLALCHEMY = /\.query\b|scalars\(|execute\(/;
// `.find(x => …)` with a function is an array's find: no ORM takes a callback first.
const JS_ORMS =
  /\.(findMany|findAll|findAndCountAll|find(?!\s*\(\s*(?:function\b|async\b|\([^()]*\)\s*=>|[\w$]+\s*=>))|findBy|findAndCount|findAndCountBy|getMany|getRawMany|getManyAndCount)\s*\(|knex|\bdb\b|\btrx\b/;

function queriesOf(
  root: SyntaxNode,
  source: string,
  language: SourceLanguage,
  ctx: AnalysisContext,
  locals: ReadonlyMap<string, LocalBinding>,
): { queries: QueryFinding[]; pending: PendingQuery[]; yielded: YieldedQuery[] } {
  if (language === 'python') {
    const out: QueryFinding[] = [];
    let yielded: YieldedQuery[] = [];
    if (PY_DJANGO.test(source)) {
      const django = { templateSource: ctx.templateSource, templatePath: ctx.templatePath, drfDefaultPagination: ctx.drfDefaultPagination };
      out.push(...new DjangoQueryRule(root, django).run());
    }
    if (PY_SQLALCHEMY.test(source)) {
      const rule = new SqlAlchemyQueryRule(root);
      out.push(...rule.run());
      yielded = rule.yielded;
    }
    return { queries: out, pending: [], yielded };
  }
  if (!JS_ORMS.test(source)) return { queries: [], pending: [], yielded: [] };
  const rules = new JsOrmQueryRules(root, importedPackages(root, source), source, modelBindings(root, source), locals);
  return { queries: rules.run(), pending: rules.pending, yielded: [] };
}
