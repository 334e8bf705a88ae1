import type { LoadTimeCall } from '../model';
import type { SyntaxNode } from '../parsers';
import { JS_FUNCTION_TYPES, topStatements, wordOffsets } from '../syntax';

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

/** What one pass over the top-level statements gives: the module's own definitions, and the statements whose code runs at load. */
export interface TopLevelShape {
  /** Names of the module's own top-level functions and classes. */
  readonly definitions: string[];
  /** Top-level statements whose code runs at load: not function declarations; a Python class body's statements, not its methods. */
  readonly loadStatements: SyntaxNode[];
}

export function topLevelShape(root: SyntaxNode, python: boolean): TopLevelShape {
  const definitions: string[] = [];
  const loadStatements: SyntaxNode[] = [];
  for (const { node: stmt, type } of topStatements(root)) {
    const declaration = type === 'export_statement' ? stmt.childForFieldName('declaration') : undefined;
    const inner = declaration ?? stmt;
    const innerType = declaration ? declaration.type : type;
    const def = innerType === 'decorated_definition' ? inner.childForFieldName('definition') : inner;
    if (!def) continue;
    const defType = def === inner ? innerType : def.type;
    if (PY_DEFS.has(defType) || JS_DEFS.has(defType)) definitions.push(def.childForFieldName('name')?.text ?? '');
    // A declarator's value is a function only where the text says `function` or `=>`.
    if ((defType === 'lexical_declaration' || defType === 'variable_declaration') && /=>|\bfunction\b/.test(def.text)) {
      // `const connectDB = async () => {…}` is a definition too.
      for (const d of def.namedChildren) {
        if (d.type === 'variable_declarator' && JS_FUNCTION_TYPES.has(d.childForFieldName('value')?.type ?? ''))
          definitions.push(d.childForFieldName('name')?.text ?? '');
      }
    }
    if (DECLARATIONS.has(defType)) continue;
    if (defType === 'class_definition') {
      for (const member of def.childForFieldName('body')?.namedChildren ?? [])
        if (member.type !== 'function_definition' && member.type !== 'decorated_definition') loadStatements.push(member);
      continue;
    }
    // A JS class runs its static parts at load, nothing else worth a call graph.
    if (!python && (defType === 'class_declaration' || defType === 'abstract_class_declaration')) continue;
    loadStatements.push(stmt);
  }
  return { definitions: definitions.filter(Boolean), loadStatements };
}

const CALLEE_PART = /^[A-Za-z_$][\w$]*$/;
const IDENTIFIER = new Set(['identifier']);

/** The call `id` heads as its callee (`Database()`, `database.Database()`, `new Client()`), with the callee. */
function callHeadedBy(id: SyntaxNode, python: boolean): { call: SyntaxNode; callee: SyntaxNode } | undefined {
  let callee = id;
  let parent = id.parent;
  if ((parent?.type === 'attribute' || parent?.type === 'member_expression') && parent.childForFieldName('object')?.id === id.id) {
    callee = parent;
    parent = parent.parent;
  }
  if (!parent) return undefined;
  const field = python
    ? parent.type === 'call'
      ? 'function'
      : undefined
    : parent.type === 'call_expression'
      ? 'function'
      : parent.type === 'new_expression'
        ? 'constructor'
        : undefined;
  return field && parent.childForFieldName(field)?.id === callee.id ? { call: parent, callee } : undefined;
}

/**
 * Calls made while the module loads whose callee starts with one of `names` (the module's own
 * definitions and the names it imports from the project: no other call can run project code).
 * The names are found in the text first, within the statements that run at load, and only those
 * places are asked of the tree.
 */
export function loadTimeCallsOf(
  root: SyntaxNode,
  source: string,
  python: boolean,
  loadStatements: readonly SyntaxNode[],
  names: ReadonlySet<string>,
): LoadTimeCall[] {
  if (names.size === 0 || loadStatements.length === 0) return [];
  const ranges = loadStatements.map((node) => ({ node, start: node.startIndex, end: node.endIndex }));
  const within = (at: number) => ranges.find((r) => r.start <= at && at < r.end);
  const out: Array<LoadTimeCall & { at: number }> = [];
  for (const name of names) {
    for (const at of wordOffsets(source, name)) {
      const range = within(at);
      if (!range) continue;
      const id = root.descendantForIndex(at, at + name.length);
      if (!IDENTIFIER.has(id.type) || id.startIndex !== at) continue;
      const found = callHeadedBy(id, python);
      if (!found) continue;
      const text = found.callee.text;
      const parts = text.split('.');
      if (parts.length > 2 || !parts.every((p) => CALLEE_PART.test(p))) continue;
      if (!runsAtLoad(found.call, python, range.node)) continue;
      out.push({ callee: text, line: found.call.startPosition.row, at: found.call.startIndex });
    }
  }
  return out.sort((a, b) => a.at - b.at).map(({ callee, line }) => ({ callee, line }));
}
