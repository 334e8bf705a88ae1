import type { SyntaxNode } from '../parsers';
import { JS_FUNCTION_TYPES, nodesWhereTextMatches, occurrencesOf, stringValue, topStatements } from '../syntax';
import { nodePackageName } from '../imports/packageNames';
import { plainRequireOf, requireCalls } from '../imports/jsImports';
import { type PlainEsmImport, type PlainRequire, plainEsmImport } from '../imports/plainImports';

const IDENTIFIER = new Set(['identifier']);
const IMPORT_KEYWORD = new Set(['import']);

interface ModuleReference {
  readonly specifier: string;
  readonly binder: SyntaxNode;
  /** Set when the statement is plain enough to be read from its text. */
  readonly plainImport?: PlainEsmImport;
  readonly plainRequire?: PlainRequire;
}

const referenceCache = new WeakMap<SyntaxNode, readonly ModuleReference[]>();

/** What each import/require/import() of the file names, with the node that binds it (read once per root). */
function moduleReferences(root: SyntaxNode, source: string): readonly ModuleReference[] {
  const cached = referenceCache.get(root);
  if (cached) return cached;
  const out: ModuleReference[] = [];
  for (const { node: stmt, type } of topStatements(root)) {
    if (type !== 'import_statement') continue;
    const plainImport = plainEsmImport(stmt);
    if (plainImport) {
      out.push({ specifier: plainImport.specifier, binder: stmt, plainImport });
      continue;
    }
    const specifier = stringValue(stmt.childForFieldName('source'));
    if (specifier !== undefined) out.push({ specifier, binder: stmt });
  }
  const dynamic = source.includes('import')
    ? nodesWhereTextMatches(root, source, /(?<![\w$.])(import)\s*\(/, IMPORT_KEYWORD)
        .map((k) => k.parent)
        .filter((c): c is SyntaxNode => c?.type === 'call_expression')
    : [];
  for (const call of requireCalls(root, source)) {
    const plain = plainRequireOf(root, call);
    if (plain) out.push({ specifier: plain.plain.specifier, binder: call, plainRequire: plain.plain });
    else addCallReference(out, call);
  }
  for (const call of dynamic) addCallReference(out, call);
  referenceCache.set(root, out);
  return out;
}

function addCallReference(out: ModuleReference[], call: SyntaxNode): void {
  const specifier = stringValue(call.childForFieldName('arguments')?.namedChildren[0]);
  const decl = call.parent?.type === 'variable_declarator' ? call.parent.childForFieldName('name') : undefined;
  if (specifier !== undefined) out.push({ specifier, binder: decl ?? call });
}

/** Small JS/TS helpers for the ORM rules: variables, option objects, method chains. */

/** Packages this file imports or requires anywhere (evidence of which ORM a call belongs to). */
export function importedPackages(root: SyntaxNode, source: string): Set<string> {
  const out = new Set<string>();
  for (const { specifier } of moduleReferences(root, source)) {
    const pkg = nodePackageName(specifier);
    if (pkg) out.add(pkg);
  }
  return out;
}

const MODEL_MODULE = /(^|\/)models?(\/|$)|\.model$|Model$/;

/** A name bound to what one of the project's modules exports: `const Item = require('../db/models').User` → from `../db/models`, `User`. */
export interface LocalBinding {
  readonly from: string;
  /** The exported name, `default` for the module's whole export, `*` for a namespace. */
  readonly imported: string;
}

const bindingCache = new WeakMap<SyntaxNode, ReadonlyArray<readonly [string, LocalBinding]>>();

/** Every name bound by an import or require of the file, in statement order (read once per root). */
function bindingEntries(root: SyntaxNode, source: string): ReadonlyArray<readonly [string, LocalBinding]> {
  const cached = bindingCache.get(root);
  if (cached) return cached;
  const out: Array<readonly [string, LocalBinding]> = [];
  for (const { specifier, binder, plainImport, plainRequire } of moduleReferences(root, source)) {
    if (plainImport) {
      if (plainImport.defaultName !== undefined) out.push([plainImport.defaultName, { from: specifier, imported: 'default' }]);
      if (plainImport.namespace !== undefined) out.push([plainImport.namespace, { from: specifier, imported: '*' }]);
      for (const n of plainImport.named) out.push([n.local, { from: specifier, imported: n.name }]);
      continue;
    }
    if (plainRequire) {
      if (plainRequire.name !== undefined) out.push([plainRequire.name, { from: specifier, imported: plainRequire.member ?? 'default' }]);
      else if (!plainRequire.member) for (const e of plainRequire.pattern ?? []) out.push([e.local, { from: specifier, imported: e.key }]);
      continue;
    }
    if (binder.type === 'import_statement') {
      const clause = binder.namedChildren.find((c) => c.type === 'import_clause');
      for (const part of clause?.namedChildren ?? []) {
        if (part.type === 'identifier') out.push([part.text, { from: specifier, imported: 'default' }]);
        else if (part.type === 'namespace_import') {
          const id = part.namedChildren.find((c) => c.type === 'identifier');
          if (id) out.push([id.text, { from: specifier, imported: '*' }]);
        } else if (part.type === 'named_imports') {
          for (const spec of part.namedChildren.filter((c) => c.type === 'import_specifier')) {
            const name = spec.childForFieldName('name')?.text ?? '';
            out.push([spec.childForFieldName('alias')?.text ?? name, { from: specifier, imported: name }]);
          }
        }
      }
      continue;
    }
    // require(): `const X = require(m)`, `const { A, B: C } = require(m)`, `const X = require(m).A`.
    const call = binder.type === 'call_expression' ? binder : binder.parent?.childForFieldName('value');
    const member =
      call?.parent?.type === 'member_expression' && call.parent.childForFieldName('object')?.id === call.id ? call.parent : undefined;
    const decl = (member ?? call)?.parent;
    if (decl?.type !== 'variable_declarator') continue;
    const name = decl.childForFieldName('name');
    if (name?.type === 'identifier') {
      const property = member?.childForFieldName('property')?.text;
      out.push([name.text, { from: specifier, imported: property ?? 'default' }]);
    } else if (name?.type === 'object_pattern' && !member) {
      for (const p of name.namedChildren) {
        if (p.type === 'shorthand_property_identifier_pattern') out.push([p.text, { from: specifier, imported: p.text }]);
        else if (p.type === 'pair_pattern') {
          const value = p.childForFieldName('value');
          if (value?.type === 'identifier') out.push([value.text, { from: specifier, imported: p.childForFieldName('key')?.text ?? '' }]);
        }
      }
    }
  }
  bindingCache.set(root, out);
  return out;
}

/** Names bound by imports and requires of the project's own modules (relative specifiers and aliases). */
export function localBindings(root: SyntaxNode, source: string, isLocal: (specifier: string) => boolean): Map<string, LocalBinding> {
  return new Map(bindingEntries(root, source).filter(([, b]) => isLocal(b.from)));
}

/** Local names bound to what the project's model modules export: `const User = require('../models/User')`. */
export function modelBindings(root: SyntaxNode, source: string): Set<string> {
  const out = new Set<string>();
  for (const [name, b] of localBindings(root, source, (s) => s.startsWith('.') || s.startsWith('@/') || s.startsWith('~/'))) {
    if (MODEL_MODULE.test(b.from) || MODEL_MODULE.test(b.imported === 'default' || b.imported === '*' ? '' : `/${b.imported}`))
      out.add(name);
  }
  return out;
}

function enclosingScope(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (JS_FUNCTION_TYPES.has(n.type) || n.type === 'program') return n;
  return undefined;
}

/** The initial value of the nearest earlier `const`/`let` that `id` names, in its scope or an enclosing one. */
export function declaredValue(id: SyntaxNode, source: string): SyntaxNode | undefined {
  const scopes: number[] = [];
  for (let scope = enclosingScope(id); scope; scope = enclosingScope(scope)) scopes.push(scope.id);
  let best: { depth: number; value: SyntaxNode } | undefined;
  for (const name of occurrencesOf(enclosingRoot(id), source, id.text, IDENTIFIER)) {
    const d = name.parent;
    if (d?.type !== 'variable_declarator' || d.childForFieldName('name')?.id !== name.id || d.startIndex > id.startIndex) continue;
    const depth = scopes.indexOf(enclosingScope(d)?.id ?? -1);
    const value = d.childForFieldName('value');
    if (depth >= 0 && value && (!best || depth <= best.depth)) best = { depth, value };
  }
  return best?.value;
}

function enclosingRoot(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** The function body (or program) holding `node`: where mutations of a builder are looked for. */
export function scopeText(node: SyntaxNode): string {
  return enclosingScope(node)?.text ?? '';
}

export type KeyPresence = 'present' | 'absent' | 'unknown';

/** Whether an options argument sets `key` (a value held in a variable counts as a bound). */
export function optionKey(arg: SyntaxNode | undefined, keys: readonly string[], source: string): KeyPresence {
  if (!arg) return 'absent';
  let obj: SyntaxNode | undefined = arg;
  if (obj.type === 'identifier') obj = declaredValue(obj, source);
  while (obj && (obj.type === 'as_expression' || obj.type === 'satisfies_expression' || obj.type === 'parenthesized_expression')) {
    obj = obj.namedChildren[0];
  }
  if (obj?.type !== 'object') return 'unknown';
  for (const p of obj.namedChildren) {
    if (p.type === 'spread_element') return 'unknown';
    const key = p.type === 'pair' || p.type === 'method_definition' ? (p.childForFieldName('key') ?? p.childForFieldName('name')) : p;
    const name = key ? (stringValue(key) ?? key.text) : '';
    if (keys.includes(name)) return 'present';
  }
  return 'absent';
}

/** The object literal an argument holds, through a `const` that names it. */
function objectLiteral(arg: SyntaxNode | undefined, source: string): SyntaxNode | undefined {
  let obj = arg;
  if (obj?.type === 'identifier') obj = declaredValue(obj, source);
  while (obj && (obj.type === 'as_expression' || obj.type === 'satisfies_expression' || obj.type === 'parenthesized_expression')) {
    obj = obj.namedChildren[0];
  }
  return obj?.type === 'object' ? obj : undefined;
}

function property(obj: SyntaxNode | undefined, names: readonly string[]): SyntaxNode | undefined {
  for (const p of obj?.namedChildren ?? []) {
    // `{ email }`: the shorthand is its own value
    if (p.type === 'shorthand_property_identifier' && names.includes(p.text)) return p;
    if (p.type !== 'pair') continue;
    const key = p.childForFieldName('key');
    if (names.includes(key ? (stringValue(key) ?? key.text) : '')) return p.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** The `where` of Prisma/Sequelize options: `{ where: {…} }`. */
export function whereOf(options: SyntaxNode | undefined, source: string): SyntaxNode | undefined {
  return property(objectLiteral(options, source), ['where']);
}

/** Keys that name one row: ids, and the natural keys apps make unique (email, username, slug). */
const ID_KEYS = ['id', '_id', 'uuid', 'pk', 'email', 'username', 'slug'];

/**
 * `{ id: { in: ids } }`, `{ _id: { $in: ids } }`, `{ id: ids }` (Sequelize), `{ _id: id }`: the rows
 * are the ones named, so the input bounds the result. A filter on any other column bounds nothing.
 */
export function filtersByIdList(filter: SyntaxNode | undefined, source: string): boolean {
  const value = property(objectLiteral(filter, source), ID_KEYS);
  if (!value) return false;
  // One id is one row; a list of ids is as many rows as the list.
  if (value.type !== 'object') return true;
  return property(value, ['in', '$in', 'equals', '$eq']) !== undefined || /^\{\s*\[Op\.(in|eq)\]/.test(value.text);
}

export interface MethodCall {
  readonly call: SyntaxNode;
  readonly member: SyntaxNode;
  readonly method: string;
  readonly receiver: SyntaxNode;
  readonly args: readonly SyntaxNode[];
}

export function asMethodCall(call: SyntaxNode): MethodCall | undefined {
  const member = call.childForFieldName('function');
  if (member?.type !== 'member_expression') return undefined;
  const receiver = member.childForFieldName('object');
  const property = member.childForFieldName('property');
  if (!receiver || !property) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return { call, member, method: property.text, receiver, args };
}

/** Calls chained after `call`: `find().sort().limit()` from `find()` gives sort, limit. */
export function chainedAfter(call: SyntaxNode): { methods: MethodCall[]; outer: SyntaxNode } {
  const methods: MethodCall[] = [];
  let node = call;
  for (;;) {
    const member = node.parent;
    const next = member?.parent;
    if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== node.id || next?.type !== 'call_expression')
      break;
    const m = asMethodCall(next);
    if (!m) break;
    methods.push(m);
    node = next;
  }
  return { methods, outer: node };
}

/** Calls chained before `call`, outermost first: for `a(x).where().orderBy()`, orderBy, where, then root `a(x)`. */
export function chainedBefore(call: SyntaxNode): { methods: MethodCall[]; root: SyntaxNode } {
  const methods: MethodCall[] = [];
  let node = call;
  for (let m = asMethodCall(node); m; m = asMethodCall(node)) {
    methods.push(m);
    node = m.receiver;
    if (node.type === 'await_expression' || node.type === 'parenthesized_expression') node = node.namedChildren[0] ?? node;
  }
  return { methods, root: node };
}

/** True when the result of `node` is awaited or `.then`ed, i.e. the query runs here. */
export function isExecuted(outer: SyntaxNode): boolean {
  let p = outer.parent;
  while (p?.type === 'parenthesized_expression' || p?.type === 'as_expression') p = p.parent;
  return p?.type === 'await_expression' || p?.type === 'yield_expression';
}
