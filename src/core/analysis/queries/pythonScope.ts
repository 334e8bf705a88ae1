import type { SyntaxNode } from '../parsers';

/**
 * Flow-insensitive, source-ordered variable tracking for one Python file: `qs = X.objects.all()`
 * then `qs = qs.filter(…)` then `list(qs)` resolves `qs` to the chain it was last assigned.
 */
export class PythonScopes {
  private byScope: Map<number, SyntaxNode[]> | undefined;
  private functionRanges: Array<{ node: SyntaxNode; start: number; end: number }> | undefined;

  constructor(private readonly root: SyntaxNode) {}

  /**
   * The function (or the module) `node` runs in: the innermost function whose range holds it.
   * Found from the file's functions, read once, rather than by climbing `parent` from every node.
   */
  scopeOf(node: SyntaxNode): SyntaxNode {
    this.functionRanges ??= this.root
      .descendantsOfType('function_definition')
      .map((f) => ({ node: f, start: f.startIndex, end: f.endIndex }));
    const at = node.startIndex;
    let inner: { node: SyntaxNode; start: number } | undefined;
    for (const f of this.functionRanges) {
      if (f.start <= at && at < f.end && f.node.id !== node.id && (!inner || f.start >= inner.start)) inner = f;
    }
    return inner?.node ?? this.root;
  }

  /** Assignments to a plain name, per function (or the module): read the first time a variable is followed. */
  private get assignments(): Map<number, SyntaxNode[]> {
    if (this.byScope) return this.byScope;
    this.byScope = new Map();
    for (const a of this.root.descendantsOfType('assignment')) {
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier' || !a.childForFieldName('right')) continue;
      const scope = this.scopeOf(a);
      const list = this.byScope.get(scope.id) ?? [];
      list.push(a);
      this.byScope.set(scope.id, list);
    }
    return this.byScope;
  }

  /**
   * What a call to a module-level function of this file returns, when the function has exactly
   * one `return` with a value: `def published(): return Story.objects.filter(…)`.
   */
  returnedBy(call: SyntaxNode): SyntaxNode | undefined {
    const fn = call.childForFieldName('function');
    let def: SyntaxNode | undefined;
    if (fn?.type === 'identifier') {
      this.functions ??= functionsIn(this.root);
      def = this.functions.get(fn.text);
    } else if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') {
      // `self.get_queryset()`: a method of the class the call sits in.
      let cls = call.parent;
      while (cls && cls.type !== 'class_definition') cls = cls.parent;
      const body = cls?.childForFieldName('body');
      const name = fn.childForFieldName('attribute')?.text ?? '';
      def = body ? functionsIn(body).get(name) : undefined;
      // A generic view's own get_queryset() returns its `queryset` attribute.
      if (!def && body && name === 'get_queryset') return classAttribute(body, 'queryset');
    }
    if (!def) return undefined;
    const returns = def.descendantsOfType('return_statement').filter((r) => this.scopeOf(r).id === def.id);
    const value = returns.length === 1 ? returns[0]!.namedChildren[0] : undefined;
    return value ?? undefined;
  }

  private functions: Map<string, SyntaxNode> | undefined;

  /** The value last assigned to identifier `id` before it is read, in its function or the module. */
  valueOf(id: SyntaxNode): SyntaxNode | undefined {
    const scope = this.scopeOf(id);
    const local = this.lastAssignment(scope, id.text, id.startIndex);
    if (local) return local;
    return scope.id === this.root.id ? undefined : this.lastAssignment(this.root, id.text, Number.MAX_SAFE_INTEGER);
  }

  /**
   * Every value that may reach the read of `id`: walking back from the read, assignments in a
   * branch the read is not in (if/else, try/except, a loop body) may or may not have run, so the
   * walk goes on until one that surely ran.
   */
  valuesOf(id: SyntaxNode): SyntaxNode[] {
    const scope = this.scopeOf(id);
    const before = (this.assignments.get(scope.id) ?? []).filter(
      (a) => a.endIndex <= id.startIndex && a.childForFieldName('left')?.text === id.text,
    );
    const out: SyntaxNode[] = [];
    for (let i = before.length - 1; i >= 0; i--) {
      const a = before[i]!;
      const value = a.childForFieldName('right');
      if (value) out.push(value);
      if (!isConditionalFor(a, id)) break;
    }
    if (out.length > 0 || scope.id === this.root.id) return out;
    const global = this.lastAssignment(this.root, id.text, Number.MAX_SAFE_INTEGER);
    return global ? [global] : [];
  }

  private lastAssignment(scope: SyntaxNode, name: string, before: number): SyntaxNode | undefined {
    let found: SyntaxNode | undefined;
    for (const a of this.assignments.get(scope.id) ?? []) {
      if (a.endIndex <= before && a.childForFieldName('left')?.text === name) found = a;
    }
    return found?.childForFieldName('right') ?? undefined;
  }
}

const BRANCHES = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'for_statement',
  'while_statement',
  'match_statement',
  'case_clause',
]);

/** True when `assignment` sits in a branch (or loop body) that does not also hold `use`: it may not have run. */
function isConditionalFor(assignment: SyntaxNode, use: SyntaxNode): boolean {
  for (let n = assignment.parent; n && n.type !== 'function_definition' && n.type !== 'module'; n = n.parent) {
    if (n.type === 'block' && n.parent && BRANCHES.has(n.parent.type) && !(use.startIndex >= n.startIndex && use.endIndex <= n.endIndex))
      return true;
  }
  return false;
}

/** `name = value` at the top of a class body. */
export function classAttribute(body: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const stmt of body.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) return a.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

/** `self.queryset` read inside a method: the class attribute it names. */
export function selfAttribute(attribute: SyntaxNode): SyntaxNode | undefined {
  // Only a view's `queryset`: other attributes (relationships) are per-instance values at run time.
  if (attribute.childForFieldName('object')?.text !== 'self' || attribute.childForFieldName('attribute')?.text !== 'queryset')
    return undefined;
  let cls = attribute.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  return body ? classAttribute(body, attribute.childForFieldName('attribute')?.text ?? '') : undefined;
}

function functionsIn(block: SyntaxNode): Map<string, SyntaxNode> {
  return new Map(
    block.namedChildren
      .map((n) => (n.type === 'decorated_definition' ? n.childForFieldName('definition') : n))
      .filter((n): n is SyntaxNode => n?.type === 'function_definition')
      .map((n) => [n.childForFieldName('name')?.text ?? '', n]),
  );
}

export interface ChainLink {
  readonly name: string;
  /** The call node when the link is a method call, undefined for a plain attribute. */
  readonly call?: SyntaxNode;
  /** The expression (read, assigned value or returned value) the link was written in. */
  readonly hop?: SyntaxNode;
}

/** An expression such as `qs.filter(a=1)[:10].values()` unrolled from its root. */
export interface Chain {
  readonly root: SyntaxNode;
  /** Root first. */
  readonly links: readonly ChainLink[];
  readonly sliced: boolean;
  /**
   * The expression that builds the query: the value assigned to the variable (or returned by the
   * helper) that the chain's root comes from, `qs = Story.objects.filter(…)`, or the read
   * expression itself when it builds the query in place. Findings point here.
   */
  readonly query: SyntaxNode;
  /** The expression the root was written in. */
  readonly rootHop: SyntaxNode;
}

/** Where the query is built: the expression holding the link that makes it one (`objects`, `query`, `select`). */
export function queryNodeAt(chain: Chain, linkIndex: number): SyntaxNode {
  return (linkIndex >= 0 ? chain.links[linkIndex]?.hop : chain.rootHop) ?? chain.query;
}

const MAX_DEPTH = 8;
const MAX_CHAINS = 16;

/** `ProductFilter(request.GET, queryset=Product.objects.all()).qs`: the queryset the filter set was given. */
function filterSetQueryset(call: SyntaxNode): SyntaxNode | undefined {
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  if (!name || !/Filter(Set)?$/.test(name)) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const kw = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'queryset');
  if (kw) return kw.childForFieldName('value') ?? undefined;
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  return positional[1];
}

/**
 * Unrolls attribute/call/subscript chains, following variables to every value that may have been
 * assigned to them (both arms of an if/else or try/except), helpers that return a query, awaits,
 * and filter sets to the queryset they filter.
 */
export function unrollChains(expr: SyntaxNode, scopes: PythonScopes): Chain[] {
  const out: Chain[] = [];
  const walk = (start: SyntaxNode, tail: ChainLink[], slicedAfter: boolean, query: SyntaxNode | undefined, depth: number): void => {
    const links: ChainLink[] = [];
    let sliced = slicedAfter;
    let node: SyntaxNode = start;
    const hop = (values: SyntaxNode[]): boolean => {
      if (values.length === 0 || depth >= MAX_DEPTH) return false;
      const rest = [...links.reverse(), ...tail];
      for (const v of values) {
        if (out.length >= MAX_CHAINS) break;
        walk(v, rest, sliced, v, depth + 1);
      }
      return true;
    };
    for (;;) {
      // Each property read is a call into the parser: read each once.
      const type = node.type;
      const fn = type === 'call' ? node.childForFieldName('function') : null;
      const fnType = fn?.type;
      const attribute = type === 'attribute' ? node.childForFieldName('attribute')?.text : undefined;
      if ((type === 'parenthesized_expression' || type === 'await') && node.namedChildren[0]) {
        node = node.namedChildren[0];
        continue;
      }
      const selfCall = type === 'call' && fnType === 'attribute' && fn!.childForFieldName('object')?.text === 'self';
      const returned = selfCall ? scopes.returnedBy(node) : undefined;
      if (returned) {
        if (hop([returned])) return;
        break;
      } else if (attribute === 'qs' && filterSetOf(node, scopes)) {
        if (hop([filterSetOf(node, scopes)!])) return;
        break;
      } else if (type === 'attribute' && selfAttribute(node)) {
        if (hop([selfAttribute(node)!])) return;
        break;
      } else if (fnType === 'attribute') {
        links.push({ name: fn!.childForFieldName('attribute')?.text ?? '', call: node, hop: start });
        node = fn!.childForFieldName('object')!;
      } else if (type === 'attribute') {
        links.push({ name: attribute ?? '', hop: start });
        node = node.childForFieldName('object')!;
      } else if (type === 'subscript') {
        sliced = true;
        node = node.childForFieldName('value')!;
      } else if (type === 'identifier' && depth < MAX_DEPTH) {
        if (hop(scopes.valuesOf(node))) return;
        break;
      } else if (type === 'call' && depth < MAX_DEPTH) {
        const value = scopes.returnedBy(node);
        if (value && hop([value])) return;
        break;
      } else {
        break;
      }
    }
    out.push({ root: node, links: [...links.reverse(), ...tail], sliced, query: query ?? expr, rootHop: start });
  };
  walk(expr, [], false, undefined, 0);
  return out;
}

function filterSetOf(attribute: SyntaxNode, scopes: PythonScopes): SyntaxNode | undefined {
  let object = attribute.childForFieldName('object');
  if (object?.type === 'identifier') object = scopes.valueOf(object) ?? null;
  return object?.type === 'call' ? filterSetQueryset(object) : undefined;
}

/** The first of `unrollChains`: for callers that follow one path (statements passed to execute()). */
export function unrollChain(expr: SyntaxNode, scopes: PythonScopes): Chain {
  return unrollChains(expr, scopes)[0]!;
}

export type Materialisation = 'for' | 'comprehension' | 'builtin' | 'len' | 'serializer' | 'response' | 'template';

const MATERIALISING_BUILTINS = new Set(['list', 'tuple', 'set', 'frozenset', 'sorted', 'dict', 'sum', 'max', 'min', 'enumerate', 'len']);

function calleeName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? '';
  return fn?.text ?? '';
}

/** How `expr` is loaded whole where it stands, if it is: iterated, `list()`ed, serialised many. */
export function directMaterialisation(expr: SyntaxNode, parent: SyntaxNode | null = expr.parent): Materialisation | undefined {
  if (!parent) return undefined;
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && parent.childForFieldName('right')?.id === expr.id) {
    return parent.type === 'for_statement' ? 'for' : 'comprehension';
  }
  if (parent.type === 'argument_list' && parent.parent?.type === 'call') {
    const call = parent.parent;
    const name = calleeName(call);
    const isFirst = parent.namedChildren[0]?.id === expr.id;
    if (isFirst && MATERIALISING_BUILTINS.has(name) && call.childForFieldName('function')?.type === 'identifier') {
      return name === 'len' ? 'len' : 'builtin';
    }
    const many = parent.namedChildren.some(
      (k) => k.type === 'keyword_argument' && k.childForFieldName('name')?.text === 'many' && k.childForFieldName('value')?.text === 'True',
    );
    if (isFirst && many) return 'serializer';
    // django.core.serializers.serialize('json', queryset)
    if (name === 'serialize' && parent.namedChildren[1]?.id === expr.id && parent.namedChildren[0]?.type === 'string') return 'serializer';
  }
  if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.text === 'instance') {
    const args = parent.parent;
    const many = args?.namedChildren.some(
      (k) => k.type === 'keyword_argument' && k.childForFieldName('name')?.text === 'many' && k.childForFieldName('value')?.text === 'True',
    );
    if (many) return 'serializer';
  }
  return undefined;
}

const isManyTrue = (k: SyntaxNode): boolean =>
  k.type === 'keyword_argument' && k.childForFieldName('name')?.text === 'many' && k.childForFieldName('value')?.text === 'True';

/**
 * The arguments of `call` that it loads whole, with how: what `directMaterialisation` says of
 * each argument, worked out once per call instead of climbing from every argument.
 */
export function materialisedArguments(
  call: SyntaxNode,
  args: SyntaxNode | null,
  name: string,
  /** False when the file's text holds no `many` at all. */
  mayPassMany: boolean,
): Array<[SyntaxNode, Materialisation]> {
  if (args?.type !== 'argument_list') return [];
  const list = args.namedChildren;
  const out: Array<[SyntaxNode, Materialisation]> = [];
  let many: boolean | undefined;
  const manyTrue = () => (many ??= mayPassMany && list.some(isManyTrue));
  for (const [i, arg] of list.entries()) {
    if (arg.type === 'keyword_argument') {
      const value = arg.childForFieldName('value');
      if (value && arg.childForFieldName('name')?.text === 'instance' && manyTrue()) out.push([value, 'serializer']);
      continue;
    }
    if (i === 0 && MATERIALISING_BUILTINS.has(name) && call.childForFieldName('function')?.type === 'identifier') {
      out.push([arg, name === 'len' ? 'len' : 'builtin']);
    } else if (i === 0 && manyTrue()) {
      out.push([arg, 'serializer']);
    } else if (i === 1 && name === 'serialize' && list[0]!.type === 'string') {
      // django.core.serializers.serialize('json', queryset)
      out.push([arg, 'serializer']);
    }
  }
  return out;
}

export { calleeName };
