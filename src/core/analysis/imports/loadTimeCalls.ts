import type { LoadTimeCall } from '../model';
import type { SyntaxNode } from '../parsers';
import { JS_FUNCTION_TYPES } from '../syntax';

/**
 * Code that runs when a module loads can call into functions that look deferred: `db =
 * Database()` at the top of bot.py runs `Database.__init__`, and whatever it imports lazily is
 * needed at startup after all. These helpers name the functions that hold a use and the calls
 * a module makes at load, so the project can tell which "deferred" uses really wait.
 */

const PY_DEFS = new Set(['function_definition', 'class_definition']);
const JS_DEFS = new Set(['function_declaration', 'class_declaration', 'method_definition', 'generator_function_declaration']);

/** `Database.__init__`, `ask`, `Service.load`: the top-level definition (and method) holding `node`. */
export function definitionPath(node: SyntaxNode): string | undefined {
  const names: string[] = [];
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if (PY_DEFS.has(n.type) || JS_DEFS.has(n.type)) {
      const name = n.childForFieldName('name')?.text;
      if (name) names.unshift(name);
    } else if (
      n.type === 'variable_declarator' &&
      n.childForFieldName('value') &&
      JS_FUNCTION_TYPES.has(n.childForFieldName('value')!.type)
    ) {
      // `const connectDB = async () => {…}`
      names.unshift(n.childForFieldName('name')?.text ?? '');
    }
  }
  return names.length > 0 ? names.slice(0, 2).join('.') : undefined;
}

function runsAtLoad(node: SyntaxNode, python: boolean, top: SyntaxNode): boolean {
  let child = node;
  for (let n = node.parent; n && n.id !== top.parent?.id; child = n, n = n.parent) {
    if (python ? n.type === 'function_definition' || n.type === 'lambda' : JS_FUNCTION_TYPES.has(n.type)) {
      // A default value or decorator runs at load; the body does not.
      return n.childForFieldName('body')?.id !== child.id && runsAtLoad(n, python, top);
    }
  }
  return true;
}

const DECLARATIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_definition',
  'interface_declaration',
  'type_alias_declaration',
]);

/** Top-level statements whose code runs at load: not function declarations; a Python class body's statements, not its methods. */
function loadTimeStatements(root: SyntaxNode, python: boolean): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const stmt of root.namedChildren) {
    const inner = stmt.type === 'export_statement' ? (stmt.childForFieldName('declaration') ?? stmt) : stmt;
    const def = inner.type === 'decorated_definition' ? inner.childForFieldName('definition') : inner;
    if (!def || DECLARATIONS.has(def.type)) continue;
    if (def.type === 'class_definition') {
      for (const member of def.childForFieldName('body')?.namedChildren ?? [])
        if (member.type !== 'function_definition' && member.type !== 'decorated_definition') out.push(member);
      continue;
    }
    // A JS class runs its static parts at load, nothing else worth a call graph.
    if (!python && (def.type === 'class_declaration' || def.type === 'abstract_class_declaration')) continue;
    out.push(stmt);
  }
  return out;
}

/** Calls made while the module loads, by callee: `Database()`, `database.Database()`, `new Client()`, `connectDB()`. */
export function loadTimeCallsOf(root: SyntaxNode, python: boolean): LoadTimeCall[] {
  const out: LoadTimeCall[] = [];
  for (const top of loadTimeStatements(root, python)) {
    for (const call of top.descendantsOfType(python ? ['call'] : ['call_expression', 'new_expression'])) {
      const callee = call.childForFieldName(python || call.type === 'call_expression' ? 'function' : 'constructor');
      if (!callee || (callee.type !== 'identifier' && callee.type !== 'attribute' && callee.type !== 'member_expression')) continue;
      const text = callee.text;
      const parts = text.split('.');
      if (parts.length > 2 || !parts.every((p) => /^[A-Za-z_$][\w$]*$/.test(p))) continue;
      if (!runsAtLoad(call, python, top)) continue;
      out.push({ callee: text, line: call.startPosition.row });
    }
  }
  return out;
}

/** Names of the module's own top-level functions and classes. */
export function topLevelDefinitions(root: SyntaxNode): string[] {
  const out: string[] = [];
  for (const n of root.namedChildren) {
    const def =
      n.type === 'decorated_definition'
        ? n.childForFieldName('definition')
        : n.type === 'export_statement'
          ? n.childForFieldName('declaration')
          : n;
    if (!def) continue;
    if (PY_DEFS.has(def.type) || JS_DEFS.has(def.type)) out.push(def.childForFieldName('name')?.text ?? '');
    for (const d of def.type === 'lexical_declaration' || def.type === 'variable_declaration' ? def.namedChildren : []) {
      if (d.type === 'variable_declarator' && JS_FUNCTION_TYPES.has(d.childForFieldName('value')?.type ?? ''))
        out.push(d.childForFieldName('name')?.text ?? '');
    }
  }
  return out.filter(Boolean);
}
