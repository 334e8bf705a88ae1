import type { Fix, LocalImport, StartupImport } from '../model';
import { useText } from './jsImports';
import { definitionPath } from './loadTimeCalls';
import type { SyntaxNode } from '../parsers';
import { type TopStatement, ancestorsOf, indentOf, occurrencesOf, rangeOf, topStatements, wholeLines } from '../syntax';
import { isPythonStdlib, pythonPackageName } from './packageNames';

/** Python statements that run when the module is imported, and how to defer them. */

export interface PythonImportContext {
  readonly source: string;
  /** True when the top-level name is a module of the project itself (`from config import x`). */
  readonly isLocalModule: (topLevelName: string) => boolean;
  /** The file is a package's `__init__.py`: what it imports, it hands on. */
  readonly isPackageInit?: boolean;
}

/** Compound statements whose bodies run at import time (class bodies do too). */
const RUNS_AT_IMPORT = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'for_statement',
  'while_statement',
  'class_definition',
  'block',
  'decorated_definition',
]);

function isTypeCheckingGuard(ifStatement: SyntaxNode): boolean {
  const cond = ifStatement.childForFieldName('condition')?.text ?? '';
  return cond === 'TYPE_CHECKING' || cond === 'typing.TYPE_CHECKING' || cond === 't.TYPE_CHECKING';
}

function collectImportStatements(node: SyntaxNode, source: string, out: SyntaxNode[], top?: readonly TopStatement[]): void {
  // A block whose text holds no `import` holds no import statement: it is not walked.
  const holdsImport = (n: SyntaxNode) => {
    const at = source.indexOf('import', n.startIndex);
    return at !== -1 && at < n.endIndex;
  };
  for (const { node: child, type } of top ?? node.namedChildren.map((n) => ({ node: n, type: n.type }))) {
    if (type === 'import_statement' || type === 'import_from_statement') {
      out.push(child);
    } else if ((!RUNS_AT_IMPORT.has(type) && type !== 'function_definition') || !holdsImport(child)) {
      continue;
    } else if (type === 'if_statement' && isTypeCheckingGuard(child)) {
      for (const alt of child.childrenForFieldName('alternative')) collectImportStatements(alt, source, out);
    } else if (RUNS_AT_IMPORT.has(type)) {
      collectImportStatements(child, source, out);
    } else if (
      type === 'function_definition' &&
      child.childForFieldName('name')?.text === 'ready' &&
      node.parent?.type === 'class_definition'
    ) {
      // Django runs every AppConfig.ready() at startup: what it imports (signals) loads then.
      collectImportStatements(child.childForFieldName('body') ?? child, source, out);
    }
  }
}

interface ParsedImport {
  readonly module: string;
  readonly names: readonly string[];
  readonly bindings: readonly string[];
  readonly wildcard: boolean;
}

/** `import a.b` and `from a import b, c`, written plainly: the text gives them without asking the tree. */
const PLAIN_IMPORT = /^import\s+([A-Za-z_][\w.]*)$/;
const PLAIN_FROM_IMPORT = /^from\s+([A-Za-z_.][\w.]*)\s+import\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)$/;

function parseStatement(stmt: SyntaxNode): ParsedImport[] {
  const text = stmt.text;
  const plain = PLAIN_IMPORT.exec(text);
  if (plain) return [{ module: plain[1]!, names: [], bindings: [plain[1]!.split('.')[0]!], wildcard: false }];
  const plainFrom = PLAIN_FROM_IMPORT.exec(text);
  if (plainFrom) {
    const names = plainFrom[2]!.split(',').map((n) => n.trim());
    return [{ module: plainFrom[1]!, names, bindings: names, wildcard: false }];
  }
  if (stmt.type === 'import_statement') {
    // `import a.b, c as d`: one import per name.
    return stmt.childrenForFieldName('name').map((n) => {
      const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
      const module = dotted?.text ?? '';
      return { module, names: [], bindings: [alias ?? module.split('.')[0] ?? module], wildcard: false };
    });
  }
  const moduleNode = stmt.childForFieldName('module_name');
  if (!moduleNode) return [];
  const names: string[] = [];
  const bindings: string[] = [];
  for (const n of stmt.childrenForFieldName('name')) {
    const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
    names.push(dotted?.text ?? '');
    bindings.push(n.type === 'aliased_import' ? (n.childForFieldName('alias')?.text ?? '') : (dotted?.text ?? ''));
  }
  const wildcard = stmt.namedChildren.some((c) => c.type === 'wildcard_import');
  return [{ module: moduleNode.text, names, bindings, wildcard }];
}

export interface PythonImports {
  readonly startupImports: StartupImport[];
  readonly localImports: LocalImport[];
}

export function collectPythonStartupImports(root: SyntaxNode, ctx: PythonImportContext): StartupImport[] {
  return collectPythonImports(root, ctx).startupImports;
}

export function collectPythonImports(root: SyntaxNode, ctx: PythonImportContext): PythonImports {
  const statements: SyntaxNode[] = [];
  collectImportStatements(root, ctx.source, statements, topStatements(root));
  const startupImports: StartupImport[] = [];
  const localImports: LocalImport[] = [];
  const exported = exportedNames(root, ctx);
  for (const stmt of statements) {
    for (const imp of parseStatement(stmt)) {
      const top = imp.module.split('.')[0] ?? '';
      if (imp.module.startsWith('.') || (top && ctx.isLocalModule(top))) {
        localImports.push({ specifier: imp.module, names: imp.names, line: stmt.startPosition.row });
        continue;
      }
      if (!top || top === '__future__' || isPythonStdlib(imp.module)) continue;
      startupImports.push({
        ecosystem: 'python',
        module: imp.module,
        packageName: pythonPackageName(imp.module),
        importedNames: imp.names,
        range: rangeOf(stmt),
        sideEffectOnly: false,
        ...judgeUses(stmt, imp, root, ctx.source, exported),
      });
    }
  }
  return { startupImports, localImports };
}

/** Names a module hands on to its importers: everything in a package's `__init__.py`, and `__all__`. */
function exportedNames(root: SyntaxNode, ctx: PythonImportContext): (name: string) => boolean {
  if (ctx.isPackageInit) return () => true;
  const all = /^__all__\s*[+:]?=\s*[[(]([^\])]*)[\])]/m.exec(ctx.source)?.[1] ?? '';
  const names = new Set([...all.matchAll(/['"]([\w.]+)['"]/g)].map((m) => m[1]!));
  return (name) => names.has(name);
}

/**
 * The function whose body will run the use later, or undefined when the use runs at import time
 * (module level, class body, decorator, default value, annotation, lambda at top level).
 */
function deferringFunction(use: SyntaxNode): SyntaxNode | undefined {
  let child = use;
  for (const { node: n, type } of ancestorsOf(use)) {
    if (type === 'function_definition') {
      if (n.childForFieldName('body')?.id === child.id) return n;
    } else if (type === 'lambda') {
      return undefined;
    }
    child = n;
  }
  return undefined;
}

const IDENTIFIER = new Set(['identifier']);

function usesOf(root: SyntaxNode, source: string, name: string, importStmt: SyntaxNode): SyntaxNode[] {
  return occurrencesOf(root, source, name, IDENTIFIER).filter((id) => {
    if (id.startIndex >= importStmt.startIndex && id.endIndex <= importStmt.endIndex) return false;
    const parent = ancestorsOf(id).next().value?.node;
    // `client.openai` and `f(openai=1)` name something else.
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) return false;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) return false;
    return true;
  });
}

type UseJudgement = Pick<StartupImport, 'lazyFix' | 'notLazyReason' | 'loadTimeUse' | 'unused' | 'removeFix' | 'deferredIn'>;

function judgeUses(
  stmt: SyntaxNode,
  imp: ParsedImport,
  root: SyntaxNode,
  source: string,
  exported: (name: string) => boolean,
): UseJudgement {
  if (imp.wildcard)
    return {
      unused: false,
      loadTimeUse: { line: stmt.startPosition.row, what: '`import *`' },
      notLazyReason: '`import *` names cannot be traced',
    };
  const reexport = imp.bindings.find(exported);
  if (reexport) {
    const what = `re-exported as \`${reexport}\``;
    return { unused: false, loadTimeUse: { line: stmt.startPosition.row, what }, notLazyReason: what };
  }
  const uses = new Map(imp.bindings.map((b) => [b, usesOf(root, source, b, stmt)]));
  if ([...uses.values()].every((u) => u.length === 0)) {
    if (stmt.parent?.type !== 'module' || parseStatement(stmt).length > 1 || imp.names.length !== imp.bindings.length) {
      return { unused: true, notLazyReason: 'nothing uses it' };
    }
    const del = wholeLines(source, stmt);
    const text = source.slice(stmt.startIndex, stmt.endIndex).split('\n')[0];
    return {
      unused: true,
      notLazyReason: 'nothing uses it',
      removeFix: { title: `Remove the unused \`${text}\``, edits: [{ startOffset: del.start, endOffset: del.end, newText: '' }] },
    };
  }
  for (const [binding, list] of uses) {
    for (const use of list) {
      if (!deferringFunction(use)) {
        return {
          unused: false,
          loadTimeUse: { line: use.startPosition.row, what: useText(source, use) },
          notLazyReason: `\`${binding}\` is used when the module loads (line ${use.startPosition.row + 1})`,
        };
      }
    }
  }
  const deferredIn = [...new Set([...uses.values()].flat().map((u) => definitionPath(deferringFunction(u)!) ?? ''))];
  return { unused: false, deferredIn, ...lazyFixFor(stmt, uses, source) };
}

function lazyFixFor(stmt: SyntaxNode, uses: Map<string, SyntaxNode[]>, source: string): { lazyFix?: Fix; notLazyReason?: string } {
  if (stmt.parent?.type !== 'module') return { notLazyReason: 'the import is inside a top-level block (try/if), which may guard it' };
  const functions = new Map<number, SyntaxNode>();
  for (const list of uses.values()) for (const use of list) functions.set(deferringFunction(use)!.id, deferringFunction(use)!);
  const edits = [];
  const text = source.slice(stmt.startIndex, stmt.endIndex);
  for (const fn of functions.values()) {
    const body = fn.childForFieldName('body');
    let first = body?.namedChildren[0];
    if (!body || !first || body.startPosition.row === fn.startPosition.row) {
      return { notLazyReason: 'a function using it has its body on the `def` line' };
    }
    const isDocstring = first.type === 'expression_statement' && first.namedChildren[0]?.type === 'string';
    const next = isDocstring ? first.nextNamedSibling : null;
    if (isDocstring && !next) {
      const indent = indentOf(source, first);
      const at = wholeLines(source, first).end;
      edits.push({ startOffset: at, endOffset: at, newText: `${indent}${text}\n` });
      continue;
    }
    if (next) first = next;
    const at = wholeLines(source, first).start;
    edits.push({ startOffset: at, endOffset: at, newText: `${indentOf(source, first)}${text}\n` });
  }
  const del = wholeLines(source, stmt);
  edits.push({ startOffset: del.start, endOffset: del.end, newText: '' });
  const where = functions.size === 1 ? 'the function that uses it' : `the ${functions.size} functions that use it`;
  return { lazyFix: { title: `Move \`${text.split('\n')[0]}\` into ${where}`, edits } };
}
