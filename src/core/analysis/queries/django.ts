import type { Fix, QueryFinding } from '../model';
import type { SyntaxNode } from '../parsers';
import { DEFAULT_BOUND, describe, insertAt, queryFinding } from './findings';
import { type Chain, type Materialisation, PythonScopes, calleeName, directMaterialisation, unrollChain } from './pythonScope';

/**
 * Django: a queryset from `Model.objects` loaded whole — iterated, `list()`ed, `len()`ed,
 * serialised with `many=True`, put in a response, or iterated by a template — with no slice,
 * Paginator or terminal method bounding it.
 */

/** Methods that return another (still unbounded) queryset. Anything else ends the chain. */
const QUERYSET_METHODS = new Set([
  'all',
  'filter',
  'exclude',
  'values',
  'values_list',
  'order_by',
  'select_related',
  'prefetch_related',
  'annotate',
  'alias',
  'only',
  'defer',
  'distinct',
  'using',
  'reverse',
  'select_for_update',
  'extra',
]);
const UNIQUE_LOOKUPS = /^(pk|id)$/;
const RESPONSE_CALLS = new Set(['Response', 'JsonResponse', 'StreamingHttpResponse']);
const RENDER_CALLS = new Set(['render', 'render_to_response', 'TemplateResponse']);

export interface DjangoContext {
  /** Template source by name (`app/list.html`), when it can be found; undefined otherwise. */
  readonly templateSource?: (name: string) => string | undefined;
}

/** Returns a description of the queryset when `chain` is an unbounded Django queryset. */
function unboundedQueryset(chain: Chain): string | undefined {
  if (chain.sliced) return undefined;
  const manager = chain.links.findIndex((l) => l.name === 'objects' && !l.call);
  if (manager < 0 || manager === chain.links.length - 1) return undefined;
  // `.objects` of a model class (`Story.objects`, `self.model.objects`, `apps.get_model(…).objects`),
  // not of any object that happens to have such an attribute (`registry.objects.values()`).
  const owner = manager === 0 ? chain.root.text : chain.links[manager - 1]!.name;
  if (!/^[A-Z]/.test(owner) && owner !== 'model' && owner !== 'get_model') return undefined;
  const after = chain.links.slice(manager + 1);
  for (const link of after) {
    if (!link.call || !QUERYSET_METHODS.has(link.name)) return undefined;
    if (link.name === 'filter' && filtersByUniqueKey(link.call)) return undefined;
  }
  const path = [
    ...chain.links.slice(0, manager + 1).map((l) => l.name),
    ...after.map((l) => `${l.name}(${l.call?.childForFieldName('arguments')?.namedChildCount ? '…' : ''})`),
  ];
  return `${chain.root.text}.${path.join('.')}`;
}

function filtersByUniqueKey(call: SyntaxNode): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.some((a) => a.type === 'keyword_argument' && UNIQUE_LOOKUPS.test(a.childForFieldName('name')?.text ?? ''));
}

function templateIterates(template: string, key: string): boolean {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (
    new RegExp(`{%-?\\s*for\\s+[\\w\\s,]+\\s+in\\s+${k}(\\.all)?\\s*(reversed\\s*)?-?%}`).test(template) ||
    new RegExp(`{{-?\\s*${k}\\s*\\|\\s*length`).test(template)
  );
}

const HOW: Record<Materialisation, string> = {
  for: 'iterated by this loop',
  comprehension: 'iterated by this comprehension',
  builtin: 'loaded whole here',
  len: 'loaded whole by len() (use .count())',
  serializer: 'serialised whole',
  response: 'put whole into the response',
  template: 'iterated whole by the template',
};

export class DjangoQueryRule {
  private readonly scopes: PythonScopes;
  private readonly seen = new Set<number>();
  readonly findings: QueryFinding[] = [];

  constructor(
    private readonly root: SyntaxNode,
    private readonly ctx: DjangoContext,
  ) {
    this.scopes = new PythonScopes(root);
  }

  run(): QueryFinding[] {
    for (const node of this.root.descendantsOfType(['for_statement', 'for_in_clause'])) {
      const right = node.childForFieldName('right');
      if (right) this.check(right, directMaterialisation(right));
    }
    for (const call of this.root.descendantsOfType('call')) {
      const args = call.childForFieldName('arguments');
      const name = calleeName(call);
      for (const arg of args?.namedChildren ?? []) {
        const expr = arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
        if (expr) this.check(expr, directMaterialisation(expr));
      }
      if (RESPONSE_CALLS.has(name)) for (const leaf of containerLeaves(args?.namedChildren[0])) this.check(leaf, 'response');
      if (RENDER_CALLS.has(name) && args) this.checkRender(call, args);
    }
    return this.findings;
  }

  private checkRender(call: SyntaxNode, args: SyntaxNode): void {
    const positional = args.namedChildren.filter((a) => a.type !== 'keyword_argument');
    const keyword = (k: string) =>
      args.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === k)?.childForFieldName('value');
    const offset = calleeName(call) === 'TemplateResponse' || calleeName(call) === 'render' ? 1 : 0;
    const templateNode = positional[offset] ?? keyword('template_name');
    const contextNode = positional[offset + 1] ?? keyword('context');
    if (!contextNode) return;
    const templateName = templateNode?.type === 'string' ? templateNode.text.slice(1, -1) : undefined;
    const template = templateName ? this.ctx.templateSource?.(templateName) : undefined;
    for (const [key, value] of this.contextEntries(contextNode, call)) {
      if (template === undefined || templateIterates(template, key)) this.check(value, 'template');
    }
  }

  /** `{'items': qs}` literal, a variable holding one, and `context['items'] = qs` assignments. */
  private contextEntries(node: SyntaxNode, call: SyntaxNode): Array<[string, SyntaxNode]> {
    const dict = node.type === 'identifier' ? this.scopes.valueOf(node) : node;
    const entries: Array<[string, SyntaxNode]> = [];
    for (const pair of dict?.type === 'dictionary' ? dict.namedChildren : []) {
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      if (pair.type === 'pair' && key?.type === 'string' && value) entries.push([key.text.slice(1, -1), value]);
    }
    if (node.type === 'identifier') {
      for (const a of this.root.descendantsOfType('assignment')) {
        const left = a.childForFieldName('left');
        const value = a.childForFieldName('right');
        if (left?.type !== 'subscript' || left.childForFieldName('value')?.text !== node.text || !value || a.startIndex > call.startIndex)
          continue;
        const key = left.childForFieldName('subscript');
        if (key?.type === 'string') entries.push([key.text.slice(1, -1), value]);
      }
    }
    return entries;
  }

  private check(expr: SyntaxNode, how: Materialisation | undefined): void {
    if (!how || this.seen.has(expr.id)) return;
    const origin = unboundedQueryset(unrollChain(expr, this.scopes));
    if (!origin) return;
    this.seen.add(expr.id);
    const fixes: Fix[] = [{ title: `Add a bound: \`[:${DEFAULT_BOUND}]\``, edits: [insertAt(expr.endIndex, `[:${DEFAULT_BOUND}]`)] }];
    if (how === 'for' || how === 'comprehension') {
      fixes.push({ title: 'Stream rows with `.iterator()`', edits: [insertAt(expr.endIndex, '.iterator()')] });
    }
    const call = expr.parent?.parent;
    if (how === 'len' && call?.type === 'call') {
      fixes.unshift({
        title: 'Count in the database with `.count()`',
        edits: [{ startOffset: call.startIndex, endOffset: call.endIndex, newText: `${expr.text}.count()` }],
      });
    }
    const message = `${describe(origin)} is ${HOW[how]} with no bound: every row is fetched into memory. Slice it, paginate it (Paginator) or stream it (.iterator()).`;
    this.findings.push(queryFinding('django-unbounded-queryset', 'django', expr, message, fixes));
  }
}

/** Values inside dict/list/tuple literals (the things a response serialises). */
function containerLeaves(node: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!node) return [];
  if (node.type === 'dictionary')
    return node.namedChildren.flatMap((p) => (p.type === 'pair' ? containerLeaves(p.childForFieldName('value')) : []));
  if (node.type === 'list' || node.type === 'tuple') return node.namedChildren.flatMap(containerLeaves);
  return [node];
}
