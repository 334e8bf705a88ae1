import type { SyntaxNode } from '../parsers';

/**
 * Flow-insensitive, source-ordered variable tracking for one Python file: `qs = X.objects.all()`
 * then `qs = qs.filter(…)` then `list(qs)` resolves `qs` to the chain it was last assigned.
 */
export class PythonScopes {
  private readonly assignments = new Map<number, SyntaxNode[]>();

  constructor(private readonly root: SyntaxNode) {
    for (const a of root.descendantsOfType('assignment')) {
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier' || !a.childForFieldName('right')) continue;
      const scope = scopeOf(a);
      const list = this.assignments.get(scope.id) ?? [];
      list.push(a);
      this.assignments.set(scope.id, list);
    }
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
      def = body ? functionsIn(body).get(fn.childForFieldName('attribute')?.text ?? '') : undefined;
    }
    if (!def) return undefined;
    const returns = def.descendantsOfType('return_statement').filter((r) => scopeOf(r).id === def.id);
    const value = returns.length === 1 ? returns[0]!.namedChildren[0] : undefined;
    return value ?? undefined;
  }

  private functions: Map<string, SyntaxNode> | undefined;

  /** The value last assigned to identifier `id` before it is read, in its function or the module. */
  valueOf(id: SyntaxNode): SyntaxNode | undefined {
    const scope = scopeOf(id);
    const local = this.lastAssignment(scope, id.text, id.startIndex);
    if (local) return local;
    return scope.id === this.root.id ? undefined : this.lastAssignment(this.root, id.text, Number.MAX_SAFE_INTEGER);
  }

  private lastAssignment(scope: SyntaxNode, name: string, before: number): SyntaxNode | undefined {
    let found: SyntaxNode | undefined;
    for (const a of this.assignments.get(scope.id) ?? []) {
      if (a.endIndex <= before && a.childForFieldName('left')?.text === name) found = a;
    }
    return found?.childForFieldName('right') ?? undefined;
  }
}

function functionsIn(block: SyntaxNode): Map<string, SyntaxNode> {
  return new Map(
    block.namedChildren
      .map((n) => (n.type === 'decorated_definition' ? n.childForFieldName('definition') : n))
      .filter((n): n is SyntaxNode => n?.type === 'function_definition')
      .map((n) => [n.childForFieldName('name')?.text ?? '', n]),
  );
}

export function scopeOf(node: SyntaxNode): SyntaxNode {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'module') return n;
  }
  return node;
}

export interface ChainLink {
  readonly name: string;
  /** The call node when the link is a method call, undefined for a plain attribute. */
  readonly call?: SyntaxNode;
}

/** An expression such as `qs.filter(a=1)[:10].values()` unrolled from its root. */
export interface Chain {
  readonly root: SyntaxNode;
  /** Root first. */
  readonly links: readonly ChainLink[];
  readonly sliced: boolean;
}

/** Unrolls attribute/call/subscript chains, following variables to what they were assigned. */
export function unrollChain(expr: SyntaxNode, scopes: PythonScopes, depth = 0): Chain {
  const links: ChainLink[] = [];
  let sliced = false;
  let node: SyntaxNode = expr;
  for (;;) {
    if (node.type === 'parenthesized_expression' && node.namedChildren[0]) {
      node = node.namedChildren[0];
    } else if (
      node.type === 'call' &&
      depth < 8 &&
      node.childForFieldName('function')?.childForFieldName('object')?.text === 'self' &&
      scopes.returnedBy(node)
    ) {
      const inner = unrollChain(scopes.returnedBy(node)!, scopes, depth + 1);
      return { root: inner.root, links: [...inner.links, ...links.reverse()], sliced: sliced || inner.sliced };
    } else if (node.type === 'call' && node.childForFieldName('function')?.type === 'attribute') {
      const fn = node.childForFieldName('function')!;
      links.push({ name: fn.childForFieldName('attribute')?.text ?? '', call: node });
      node = fn.childForFieldName('object')!;
    } else if (node.type === 'attribute') {
      links.push({ name: node.childForFieldName('attribute')?.text ?? '' });
      node = node.childForFieldName('object')!;
    } else if (node.type === 'subscript') {
      sliced = true;
      node = node.childForFieldName('value')!;
    } else if ((node.type === 'identifier' || node.type === 'call') && depth < 8) {
      const value = node.type === 'identifier' ? scopes.valueOf(node) : scopes.returnedBy(node);
      if (!value) break;
      const inner = unrollChain(value, scopes, depth + 1);
      return { root: inner.root, links: [...inner.links, ...links.reverse()], sliced: sliced || inner.sliced };
    } else {
      break;
    }
  }
  return { root: node, links: links.reverse(), sliced };
}

export type Materialisation = 'for' | 'comprehension' | 'builtin' | 'len' | 'serializer' | 'response' | 'template';

const MATERIALISING_BUILTINS = new Set(['list', 'tuple', 'set', 'frozenset', 'sorted', 'dict', 'sum', 'max', 'min', 'enumerate', 'len']);

function calleeName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? '';
  return fn?.text ?? '';
}

/** How `expr` is loaded whole where it stands, if it is: iterated, `list()`ed, serialised many. */
export function directMaterialisation(expr: SyntaxNode): Materialisation | undefined {
  const parent = expr.parent;
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

export { calleeName };
