import type { Fix, LocalImport, StartupImport, TextEdit } from '../model';
import type { SyntaxNode } from '../parsers';
import {
  JS_FUNCTION_TYPES,
  ancestorsOf,
  enclosingFunction,
  indentOf,
  nodesWhereTextMatches,
  occurrencesOf,
  rangeOf,
  stringValue,
  topStatementAt,
  topStatements,
  wholeLines,
} from '../syntax';
import { definitionPath } from './loadTimeCalls';
import { type PlainEsmImport, type PlainRequire, plainEsmImport, plainRequireStatement } from './plainImports';
import { nodePackageName } from './packageNames';

/** JS/TS imports and top-level `require` calls that load a package when the module loads. */

export interface JsImportContext {
  readonly source: string;
  /** TypeScript drops imports whose bindings are only used as types: they load nothing. */
  readonly elidesTypeOnlyImports: boolean;
}

/** Packages imported to change the process (env, polyfills, tracing): never move them. */
const SIDE_EFFECT_PACKAGES =
  /^(dotenv|reflect-metadata|source-map-support|module-alias|tsconfig-paths|ts-node|dd-trace|newrelic|elastic-apm-node|express-async-errors|zone\.js|core-js|regenerator-runtime|@opentelemetry\/.*|@sentry\/.*|@babel\/register|@swc\/register|esm)$/;

/** Identifier kinds that name a binding in an expression. */
const VALUE_IDENTIFIERS = ['identifier', 'shorthand_property_identifier'];
const ANY_IDENTIFIER = new Set([...VALUE_IDENTIFIERS, 'type_identifier']);
/** Ancestors that make an identifier a type, erased at compile time. */
const TYPE_CONTEXT = new Set([
  'type_annotation',
  'type_arguments',
  'type_query',
  'type_alias_declaration',
  'interface_declaration',
  'implements_clause',
  'nested_type_identifier',
  'type_parameters',
  'type_predicate_annotation',
  'ambient_declaration',
  'abstract_method_signature',
  'index_signature',
]);
/**
 * Ancestors no type position sits above: climbing stops there (an identifier deep in JSX or a
 * call's arguments would otherwise climb to its block, one call into the parser per level).
 */
const VALUE_CONTEXT = new Set([
  'statement_block',
  'program',
  'arguments',
  'expression_statement',
  'return_statement',
  'lexical_declaration',
  'variable_declaration',
  'jsx_element',
  'jsx_self_closing_element',
  'jsx_expression',
  'jsx_attribute',
]);

interface Binding {
  readonly local: string;
  /** `default`, `*` or the exported name. */
  readonly imported: string;
}

interface RawImport {
  readonly statement: SyntaxNode;
  /** The specifier as written, quotes included. */
  readonly quoted: string;
  readonly specifier: string;
  readonly bindings: readonly Binding[];
  readonly isRequire: boolean;
  /** The top-level statement holding a require, when already known. */
  readonly top?: SyntaxNode;
}

function hasTypeKeyword(node: SyntaxNode): boolean {
  return node.children.some((c) => c.type === 'type' || c.type === 'typeof');
}

function esmBindings(stmt: SyntaxNode): Binding[] | undefined {
  const clause = stmt.namedChildren.find((c) => c.type === 'import_clause');
  const requireClause = stmt.namedChildren.find((c) => c.type === 'import_require_clause');
  if (requireClause) {
    const id = requireClause.namedChildren.find((c) => c.type === 'identifier');
    return id ? [{ local: id.text, imported: '*' }] : [];
  }
  if (!clause) return [];
  const out: Binding[] = [];
  for (const part of clause.namedChildren) {
    if (part.type === 'identifier') out.push({ local: part.text, imported: 'default' });
    else if (part.type === 'namespace_import') {
      const id = part.namedChildren.find((c) => c.type === 'identifier');
      if (id) out.push({ local: id.text, imported: '*' });
    } else if (part.type === 'named_imports') {
      for (const spec of part.namedChildren.filter((c) => c.type === 'import_specifier')) {
        if (hasTypeKeyword(spec)) continue;
        const name = spec.childForFieldName('name')?.text ?? '';
        out.push({ local: spec.childForFieldName('alias')?.text ?? name, imported: name });
      }
    }
  }
  // `import { type A, type B } from 'x'` keeps nothing at run time.
  if (out.length === 0 && clause.descendantsOfType('import_specifier').length > 0) return undefined;
  return out;
}

function requireBindings(call: SyntaxNode): Binding[] {
  let node = call;
  let imported = '*';
  if (node.parent?.type === 'member_expression' && node.parent.childForFieldName('object')?.id === node.id) {
    imported = node.parent.childForFieldName('property')?.text ?? '*';
    node = node.parent;
  }
  const decl = node.parent;
  if (decl?.type !== 'variable_declarator' || decl.childForFieldName('value')?.id !== node.id) return [];
  const name = decl.childForFieldName('name');
  if (!name) return [];
  if (name.type === 'identifier') return [{ local: name.text, imported }];
  if (name.type !== 'object_pattern') return [];
  return name.namedChildren.flatMap((p): Binding[] => {
    if (p.type === 'shorthand_property_identifier_pattern') return [{ local: p.text, imported: p.text }];
    const value = p.type === 'pair_pattern' ? p.childForFieldName('value') : undefined;
    return value?.type === 'identifier' ? [{ local: value.text, imported: p.childForFieldName('key')?.text ?? '' }] : [];
  });
}

const requireCache = new WeakMap<SyntaxNode, readonly SyntaxNode[]>();

/** `require('x')` calls anywhere: candidates from the text, checked in the tree (once per root). */
export function requireCalls(root: SyntaxNode, source: string): readonly SyntaxNode[] {
  let calls = requireCache.get(root);
  if (!calls) {
    const found: SyntaxNode[] = [];
    // The smallest node holding `require(` is the call itself: no step up from the identifier.
    for (const m of source.includes('require') ? source.matchAll(/(?<![\w$.])require\s*\(/g) : []) {
      const call = root.descendantForIndex(m.index, m.index + m[0].length);
      if (call.type === 'call_expression' && call.startIndex === m.index && call.childForFieldName('function')?.text === 'require')
        found.push(call);
    }
    calls = found;
    requireCache.set(root, calls);
  }
  return calls;
}

/** What a plain import statement binds at run time; undefined when every binding is a type. */
function plainEsmBindings(plain: PlainEsmImport): Binding[] | undefined {
  const out: Binding[] = [];
  if (plain.defaultName !== undefined) out.push({ local: plain.defaultName, imported: 'default' });
  if (plain.namespace !== undefined) out.push({ local: plain.namespace, imported: '*' });
  for (const n of plain.named) if (!n.isType) out.push({ local: n.local, imported: n.name });
  // `import { type A, type B } from 'x'` keeps nothing at run time.
  return out.length === 0 && plain.named.length > 0 ? undefined : out;
}

/** A top-level `const x = require('y')` read from its text: the statement, and what it binds. */
export interface PlainRequireCall {
  readonly statement: SyntaxNode;
  readonly plain: PlainRequire;
}

const plainRequireCache = new WeakMap<SyntaxNode, PlainRequireCall | null>();

/** The plain top-level statement a require call is the value of, if it is one (once per call node). */
export function plainRequireOf(root: SyntaxNode, call: SyntaxNode): PlainRequireCall | undefined {
  let found = plainRequireCache.get(call);
  if (found === undefined) {
    found = null;
    const top = topStatementAt(root, call.startIndex);
    if (top && (top.type === 'lexical_declaration' || top.type === 'variable_declaration')) {
      const plain = plainRequireStatement(top.node.text);
      if (plain && top.node.startIndex + plain.requireOffset === call.startIndex) found = { statement: top.node, plain };
    }
    plainRequireCache.set(call, found);
  }
  return found ?? undefined;
}

function collectRaw(root: SyntaxNode, source: string): RawImport[] {
  const out: RawImport[] = [];
  for (const { node: stmt, type } of topStatements(root)) {
    if (type !== 'import_statement' && type !== 'export_statement') continue;
    const plain = type === 'import_statement' ? plainEsmImport(stmt) : undefined;
    if (plain) {
      if (plain.typeOnly) continue;
      const bindings = plainEsmBindings(plain);
      if (bindings) out.push({ statement: stmt, quoted: plain.quoted, specifier: plain.specifier, bindings, isRequire: false });
      continue;
    }
    if (stmt.text.includes('type') && hasTypeKeyword(stmt)) continue;
    const source =
      stmt.childForFieldName('source') ?? stmt.namedChildren.find((c) => c.type === 'import_require_clause')?.childForFieldName('source');
    const specifier = stringValue(source);
    if (!source || specifier === undefined) continue;
    const bindings = type === 'import_statement' ? esmBindings(stmt) : [];
    if (bindings === undefined) continue;
    out.push({ statement: stmt, quoted: source.text, specifier, bindings, isRequire: false });
  }
  for (const call of requireCalls(root, source)) {
    const plain = plainRequireOf(root, call);
    if (plain) {
      const p = plain.plain;
      const bindings = p.pattern
        ? p.pattern.map((e) => ({ local: e.local, imported: e.key }))
        : [{ local: p.name!, imported: p.member ?? '*' }];
      out.push({ statement: call, top: plain.statement, quoted: p.quoted, specifier: p.specifier, bindings, isRequire: true });
      continue;
    }
    const arg = call.childForFieldName('arguments')?.namedChildren[0];
    const specifier = stringValue(arg);
    if (!arg || specifier === undefined || enclosingFunction(call, JS_FUNCTION_TYPES)) continue;
    out.push({ statement: call, quoted: arg.text, specifier, bindings: requireBindings(call), isRequire: true });
  }
  return out;
}

function statementNode(raw: RawImport): SyntaxNode {
  if (!raw.isRequire) return raw.statement;
  if (raw.top) return raw.top;
  for (let n: SyntaxNode | null = raw.statement; n; n = n.parent) {
    if (n.parent?.type === 'program') return n;
  }
  return raw.statement;
}

function isInTypeContext(node: SyntaxNode): boolean {
  for (const { type } of ancestorsOf(node)) {
    if (TYPE_CONTEXT.has(type)) return true;
    if (VALUE_CONTEXT.has(type)) return false;
  }
  return false;
}

interface Uses {
  readonly value: SyntaxNode[];
  readonly type: number;
}

/** `typed`: the grammar has type positions (TypeScript); plain JavaScript has none to climb to. */
function usesOf(root: SyntaxNode, source: string, name: string, exclude: SyntaxNode, typed: boolean): Uses {
  const value: SyntaxNode[] = [];
  let type = 0;
  for (const id of occurrencesOf(root, source, name, ANY_IDENTIFIER)) {
    if (id.startIndex >= exclude.startIndex && id.endIndex <= exclude.endIndex) continue;
    if (typed && (id.type === 'type_identifier' || isInTypeContext(id))) type++;
    else value.push(id);
  }
  return { value, type };
}

/** Specifiers of the project's own modules: relative, absolute, `#subpath`, and the usual `@/` and `~/` aliases. */
export function looksLocal(specifier: string): boolean {
  return /^(\.|\/|~\/|#|@\/)/.test(specifier);
}

export interface JsImports {
  readonly startupImports: StartupImport[];
  readonly localImports: LocalImport[];
}

export function collectJsStartupImports(root: SyntaxNode, ctx: JsImportContext): StartupImport[] {
  return collectJsImports(root, ctx).startupImports;
}

export function collectJsImports(root: SyntaxNode, ctx: JsImportContext): JsImports {
  const startupImports: StartupImport[] = [];
  const localImports: LocalImport[] = [];
  for (const raw of collectRaw(root, ctx.source)) {
    const stmt = statementNode(raw);
    if (looksLocal(raw.specifier)) {
      localImports.push({ specifier: raw.specifier, names: raw.bindings.map((b) => b.imported), line: stmt.startPosition.row });
      continue;
    }
    const packageName = nodePackageName(raw.specifier);
    if (!packageName) continue;
    const uses = new Map(raw.bindings.map((b) => [b.local, usesOf(root, ctx.source, b.local, stmt, ctx.elidesTypeOnlyImports)]));
    const valueUses = [...uses.values()].reduce((n, u) => n + u.value.length, 0);
    const isEsm = !raw.isRequire && stmt.type === 'import_statement';
    // TypeScript drops an import none of whose bindings is used as a value: it loads nothing.
    if (ctx.elidesTypeOnlyImports && isEsm && raw.bindings.length > 0 && valueUses === 0) continue;
    startupImports.push({
      ecosystem: 'node',
      module: raw.specifier,
      packageName,
      importedNames: raw.bindings.map((b) => b.imported),
      range: rangeOf(stmt),
      sideEffectOnly: raw.bindings.length === 0,
      ...judgeUses(raw, stmt, uses, valueUses, ctx.source),
    });
  }
  localImports.push(...directoryLoads(root, ctx.source));
  return { startupImports, localImports };
}

const READDIR = /\breaddirSync\s*\(/;
const DYNAMIC_REQUIRE = /\brequire\s*\(\s*[^'"`\s)]/;

/**
 * `fs.readdirSync(dir)` and `require(file)` of each: the command-folder loader bots use. Every
 * module in that folder loads at startup, though no import names it. `dir` is `__dirname`
 * (this folder), `path.join(__dirname, 'commands')` or `'./commands'`.
 */
function directoryLoads(root: SyntaxNode, source: string): LocalImport[] {
  if (!READDIR.test(source) || !(DYNAMIC_REQUIRE.test(source) || /\brequire\s*\(\s*`/.test(source))) return [];
  const out: LocalImport[] = [];
  for (const id of nodesWhereTextMatches(root, source, /\b(readdirSync)\s*\(/, new Set(['property_identifier', 'identifier']))) {
    const call = id.parent?.type === 'member_expression' ? id.parent.parent : id.parent;
    const arg = call?.type === 'call_expression' ? call.childForFieldName('arguments')?.namedChildren[0] : undefined;
    const dir = arg ? folderOf(arg, source) : undefined;
    if (dir !== undefined) out.push({ specifier: `${dir}/*`, names: [], line: id.startPosition.row });
  }
  return out;
}

function folderOf(arg: SyntaxNode, source: string, depth = 0): string | undefined {
  if (arg.text === '__dirname') return '.';
  const literal = stringValue(arg);
  if (literal !== undefined) return literal.startsWith('.') ? literal.replace(/\/$/, '') : `./${literal.replace(/\/$/, '')}`;
  if (arg.type === 'identifier' && depth < 3) {
    const decl = source.match(new RegExp(`\\b(?:const|let|var)\\s+${arg.text}\\s*=\\s*([^;\\n]+)`));
    if (decl?.[1]?.trim() === '__dirname') return '.';
    const join = decl?.[1] ? /join\(\s*__dirname\s*,\s*(['"])([^'"]+)\1\s*\)/.exec(decl[1]) : null;
    return join ? `./${join[2]}` : undefined;
  }
  const join = /^path\.(join|resolve)\(\s*__dirname\s*,\s*(['"])([^'"]+)\2\s*\)$/.exec(arg.text);
  return join ? `./${join[3]}` : undefined;
}

function deferringFunction(use: SyntaxNode): SyntaxNode | undefined {
  let child = use;
  for (const { node: n, type } of ancestorsOf(use)) {
    if (JS_FUNCTION_TYPES.has(type)) return n.childForFieldName('body')?.id === child.id ? n : undefined;
    if (type === 'class_declaration' || type === 'class') return undefined;
    child = n;
  }
  return undefined;
}

type UseJudgement = Pick<StartupImport, 'lazyFix' | 'notLazyReason' | 'loadTimeUse' | 'unused' | 'removeFix' | 'deferredIn'>;

/** `router = express.Router()` on line 4: the source line of a use, shortened, for messages. */
export function useText(source: string, node: SyntaxNode): string {
  const start = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  const end = source.indexOf('\n', node.startIndex);
  const line = source.slice(start, end === -1 ? undefined : end).trim();
  return line.length > 48 ? `${line.slice(0, 47)}…` : line;
}

function atLoad(stmt: SyntaxNode, what: string): UseJudgement {
  return { unused: false, loadTimeUse: { line: stmt.startPosition.row, what }, notLazyReason: what };
}

/**
 * Whether the package is needed when the module loads, can wait for the functions that use
 * it (with the edit that makes it wait), or is not used at all (with the edit that removes it).
 */
function judgeUses(raw: RawImport, stmt: SyntaxNode, uses: Map<string, Uses>, valueUses: number, source: string): UseJudgement {
  const pkg = nodePackageName(raw.specifier) ?? '';
  if (stmt.type === 'export_statement') return atLoad(stmt, 're-exported: whoever imports this module loads it');
  if (raw.bindings.length === 0) return atLoad(stmt, 'imported for its side effects');
  if (SIDE_EFFECT_PACKAGES.test(pkg) || SIDE_EFFECT_PACKAGES.test(raw.specifier))
    return atLoad(stmt, `${pkg} sets the process up when it loads`);
  const singleStatement =
    stmt.parent?.type === 'program' &&
    (!raw.isRequire || ((stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') && stmt.namedChildren.length === 1));
  if (valueUses === 0) {
    const typeUses = [...uses.values()].reduce((n, u) => n + u.type, 0);
    if (typeUses > 0) return { unused: false, notLazyReason: 'used only as a type' };
    if (!singleStatement) return { unused: true, notLazyReason: 'unused, inside a larger statement' };
    const del = wholeLines(source, stmt);
    return {
      unused: true,
      notLazyReason: 'nothing uses it',
      removeFix: {
        title: `Remove the unused import of ${raw.quoted}`,
        edits: [{ startOffset: del.start, endOffset: del.end, newText: '' }],
      },
    };
  }
  for (const b of raw.bindings) {
    for (const use of uses.get(b.local)?.value ?? []) {
      if (!deferringFunction(use)) {
        return {
          unused: false,
          loadTimeUse: { line: use.startPosition.row, what: useText(source, use) },
          notLazyReason: `\`${b.local}\` is used when the module loads (line ${use.startPosition.row + 1})`,
        };
      }
    }
  }
  const deferredIn = [...new Set([...uses.values()].flatMap((u) => u.value).map((u) => definitionPath(deferringFunction(u)!) ?? ''))];
  return { unused: false, deferredIn, ...lazyFixFor(raw, stmt, uses, source, singleStatement) };
}

function lazyFixFor(
  raw: RawImport,
  stmt: SyntaxNode,
  uses: Map<string, Uses>,
  source: string,
  singleStatement: boolean,
): { lazyFix?: Fix; notLazyReason?: string } {
  if (stmt.parent?.type !== 'program') return { notLazyReason: 'the import is inside a top-level block' };
  if (!singleStatement) return { notLazyReason: 'the require is part of a larger statement' };
  const perFunction = new Map<number, { fn: SyntaxNode; names: Set<string> }>();
  for (const b of raw.bindings) {
    const u = uses.get(b.local);
    if (!u) continue;
    if (u.type > 0 && !raw.isRequire) return { notLazyReason: `\`${b.local}\` is also used as a type` };
    for (const use of u.value) {
      const fn = deferringFunction(use)!;
      if (!raw.isRequire && !fn.children.some((c) => c.type === 'async')) {
        return { notLazyReason: `\`${b.local}\` is used in a function that is not async (line ${use.startPosition.row + 1})` };
      }
      const entry = perFunction.get(fn.id) ?? { fn, names: new Set<string>() };
      entry.names.add(b.local);
      perFunction.set(fn.id, entry);
    }
  }
  if (perFunction.size === 0) return { notLazyReason: 'no use found' };
  const edits: TextEdit[] = [];
  const quoted = raw.quoted;
  const requireText = source.slice(stmt.startIndex, stmt.endIndex).replace(/;?\s*$/, ';');
  for (const { fn, names } of perFunction.values()) {
    const body = fn.childForFieldName('body');
    const first = body?.type === 'statement_block' ? body.namedChildren[0] : undefined;
    if (!body || !first || first.startPosition.row === body.startPosition.row) {
      return { notLazyReason: 'a function using it has no block body on its own lines' };
    }
    const line = raw.isRequire
      ? requireText
      : dynamicImportLine(
          raw.bindings.filter((b) => names.has(b.local)),
          quoted,
        );
    const at = wholeLines(source, first).start;
    edits.push({ startOffset: at, endOffset: at, newText: `${indentOf(source, first)}${line}\n` });
  }
  const del = wholeLines(source, stmt);
  edits.push({ startOffset: del.start, endOffset: del.end, newText: '' });
  const title = raw.isRequire
    ? `Move \`require(${quoted})\` into the function${perFunction.size > 1 ? 's' : ''} that use${perFunction.size > 1 ? '' : 's'} it`
    : `Load ${quoted} lazily with \`await import()\` where it is used`;
  return { lazyFix: { title, edits } };
}

function dynamicImportLine(bindings: readonly Binding[], quoted: string): string {
  const ns = bindings.find((b) => b.imported === '*');
  if (ns && bindings.length === 1) return `const ${ns.local} = await import(${quoted});`;
  const parts = bindings.map((b) => (b.imported === b.local ? b.local : `${b.imported}: ${b.local}`));
  if (bindings.length === 1 && bindings[0]?.imported === 'default')
    return `const ${bindings[0].local} = (await import(${quoted})).default;`;
  return `const { ${parts.join(', ')} } = await import(${quoted});`;
}
