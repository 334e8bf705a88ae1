import type { LoadTimeCall } from '../model';
import type { SyntaxNode } from '../parsers';
import { JS_FUNCTION_TYPES, ancestorsOf, topStatements, wordOffsets } from '../syntax';

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
  for (const { node: n, type } of [{ node, type: node.type }, ...ancestorsOf(node)]) {
    if (PY_DEFS.has(type) || JS_DEFS.has(type)) {
      const name = n.childForFieldName('name')?.text;
      if (name) names.unshift(name);
    } else if (
      type === 'variable_declarator' &&
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

/** A top-level place whose code runs at load: a statement, or a Python class whose body statements (not its methods) do. */
export interface LoadUnit {
  readonly node: SyntaxNode;
  /** A Python class: its body is looked into only if a name of interest is written inside it. */
  readonly isClass: boolean;
}

/** What one pass over the top-level statements gives: the module's own definitions, and the places whose code runs at load. */
export interface TopLevelShape {
  /** Names of the module's own top-level functions and classes. */
  readonly definitions: string[];
  readonly loadUnits: LoadUnit[];
}

/** `def name(`, `async def name`, `class Name`, `function name`, `function* name`: the defined name, read from the text. */
const DEFINED_NAME = /^(?:async\s+)?(?:def|class|function\s*\*?)\s*([A-Za-z_$][\w$]*)(?=[^\w$\u0080-\uffff]|$)/;

function definedName(def: SyntaxNode, source: string): string {
  return DEFINED_NAME.exec(source.slice(def.startIndex, def.startIndex + 200))?.[1] ?? def.childForFieldName('name')?.text ?? '';
}

export function topLevelShape(root: SyntaxNode, source: string, python: boolean): TopLevelShape {
  const definitions: string[] = [];
  const loadUnits: LoadUnit[] = [];
  for (const { node: stmt, type } of topStatements(root)) {
    const declaration = type === 'export_statement' ? stmt.childForFieldName('declaration') : undefined;
    const inner = declaration ?? stmt;
    const innerType = declaration ? declaration.type : type;
    const def = innerType === 'decorated_definition' ? inner.childForFieldName('definition') : inner;
    if (!def) continue;
    const defType = def === inner ? innerType : def.type;
    if (PY_DEFS.has(defType) || JS_DEFS.has(defType)) definitions.push(definedName(def, source));
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
      loadUnits.push({ node: def, isClass: true });
      continue;
    }
    // A JS class runs its static parts at load, nothing else worth a call graph.
    if (!python && (defType === 'class_declaration' || defType === 'abstract_class_declaration')) continue;
    loadUnits.push({ node: stmt, isClass: false });
  }
  return { definitions: definitions.filter(Boolean), loadUnits };
}

interface LoadRange {
  readonly node: SyntaxNode;
  readonly start: number;
  readonly end: number;
}

/** The statements of a Python class body that run when the class is defined: not its methods. */
function classBodyRanges(cls: SyntaxNode): LoadRange[] {
  const out: LoadRange[] = [];
  for (const member of cls.childForFieldName('body')?.namedChildren ?? []) {
    const type = member.type;
    if (type !== 'function_definition' && type !== 'decorated_definition')
      out.push({ node: member, start: member.startIndex, end: member.endIndex });
  }
  return out;
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
/** Where a definition names itself: `def name`, `class Name`, `function name`. */
const DEFINES = /\b(?:def|class|function\s*\*?)\s+$/;
/** `new Name`: a call with or without parentheses. */
const NEW = /\bnew\s+$/;
/** What may follow the head of a callee: arguments, a member, type arguments, a tagged template, or a comment or line break before them. */
const CALL_FOLLOWS = /^\s*[(.<`/?#\\]/;

/** Whether the name at `at` could head a call, from the text around it; the tree decides where it could. */
function mayHeadACall(source: string, at: number, length: number): boolean {
  const before = source.slice(Math.max(0, at - 16), at);
  if (DEFINES.test(before)) return false;
  return NEW.test(before) || CALL_FOLLOWS.test(source.slice(at + length, at + length + 64));
}

export function loadTimeCallsOf(
  root: SyntaxNode,
  source: string,
  python: boolean,
  loadUnits: readonly LoadUnit[],
  names: ReadonlySet<string>,
): LoadTimeCall[] {
  if (names.size === 0 || loadUnits.length === 0) return [];
  const units = loadUnits.map((u) => ({
    ...u,
    start: u.node.startIndex,
    end: u.node.endIndex,
    members: undefined as LoadRange[] | undefined,
  }));
  const within = (at: number): LoadRange | undefined => {
    const unit = units.find((u) => u.start <= at && at < u.end);
    if (!unit?.isClass) return unit;
    unit.members ??= classBodyRanges(unit.node);
    return unit.members.find((m) => m.start <= at && at < m.end);
  };
  const out: Array<LoadTimeCall & { at: number }> = [];
  for (const name of names) {
    for (const at of wordOffsets(source, name)) {
      if (!mayHeadACall(source, at, name.length)) continue;
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
