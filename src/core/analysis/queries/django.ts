import type { Fix, QueryFinding, RelatedLocation } from '../model';
import { indentOf, rangeOf, wholeLines } from '../syntax';
import type { SyntaxNode } from '../parsers';
import { DEFAULT_BOUND, describe, insertAt, queryFinding } from './findings';
import {
  type Chain,
  type Materialisation,
  PythonScopes,
  calleeName,
  directMaterialisation,
  materialisedArguments,
  queryNodeAt,
  unrollChains,
} from './pythonScope';

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
const UNIQUE_LOOKUPS = /^(pk|id|slug|email|username)(__in|__exact|__iexact)?$/;
const RESPONSE_CALLS = new Set(['Response', 'JsonResponse', 'StreamingHttpResponse']);
const RENDER_CALLS = new Set(['render', 'render_to_response', 'TemplateResponse']);

export interface DjangoContext {
  /** Template source by name (`app/list.html`), when it can be found; undefined otherwise. */
  readonly templateSource?: (name: string) => string | undefined;
  /** The template's absolute path, for pointing at the line that iterates a queryset. */
  readonly templatePath?: (name: string) => string | undefined;
  /** Settings set REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS']: DRF list views page by default. */
  readonly drfDefaultPagination?: boolean;
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
  // `.values('status').annotate(n=Count('id'))`: one row per distinct status, not per record.
  const grouped = after.findIndex((l) => l.name === 'values' || l.name === 'values_list');
  if (grouped >= 0 && after.slice(grouped + 1).some((l) => l.name === 'annotate')) return undefined;
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

const HOW: Record<Materialisation, string> = {
  for: 'iterated by this loop',
  comprehension: 'iterated by this comprehension',
  builtin: 'loaded whole here',
  len: 'loaded whole by len() (use .count())',
  serializer: 'serialised whole',
  response: 'put whole into the response',
  template: 'iterated whole by the template',
};

const DRF_LIST_VIEWS = /^(ListAPIView|ListCreateAPIView|ModelViewSet|ReadOnlyModelViewSet|ListModelMixin)$/;
const DJANGO_LIST_VIEWS = /^(ListView|BaseListView)$/;
const LIST_VIEW_NAMES = /\b(ListAPIView|ListCreateAPIView|ModelViewSet|ReadOnlyModelViewSet|ListModelMixin|ListView|BaseListView)\b/;

interface Evaluation {
  readonly expr: SyntaxNode;
  readonly how: Materialisation;
  /** Where to point the related location when not at `expr` (a template line). */
  readonly related?: RelatedLocation;
}

interface Query {
  readonly node: SyntaxNode;
  readonly origin: string;
  readonly evaluations: Evaluation[];
}

export class DjangoQueryRule {
  private readonly scopes: PythonScopes;
  private readonly queries = new Map<number, Query>();
  private readonly evaluated = new Set<number>();
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
      if (right) this.evaluate(right, directMaterialisation(right, node));
    }
    for (const call of this.root.descendantsOfType('call')) {
      const args = call.childForFieldName('arguments');
      const name = calleeName(call);
      for (const [expr, how] of materialisedArguments(call, args, name, this.mentionsMany)) this.evaluate(expr, how);
      if (RESPONSE_CALLS.has(name)) for (const leaf of containerLeaves(args?.namedChildren[0])) this.evaluate(leaf, 'response');
      if (RENDER_CALLS.has(name) && args) this.checkRender(call, args);
    }
    for (const q of this.queries.values()) this.report(q);
    this.checkListViews();
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
    const templateFile = templateName ? this.ctx.templatePath?.(templateName) : undefined;
    for (const [key, value] of this.contextEntries(contextNode, call)) {
      if (template === undefined) {
        this.evaluate(value, 'template');
        continue;
      }
      const line = templateIterationLine(template, key);
      if (line === undefined) continue;
      const related: RelatedLocation | undefined = templateFile
        ? { file: templateFile, range: { start: { line, column: 0 }, end: { line, column: 0 } }, message: `iterated by ${templateName}` }
        : undefined;
      this.evaluate(value, 'template', related);
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

  /** Records that `expr` is loaded whole `how`, against every unbounded query it may hold. */
  private evaluate(expr: SyntaxNode, how: Materialisation | undefined, related?: RelatedLocation): void {
    if (!how || this.evaluated.has(expr.id)) return;
    this.evaluated.add(expr.id);
    // A view that pages with DRF's paginate_queryset serialises the whole queryset only when
    // pagination is off: the page is the bound.
    if (this.pagesQuerysets && /\bpaginate_queryset\s*\(/.test(enclosingFunctionText(expr))) return;
    for (const chain of unrollChains(expr, this.scopes)) {
      const origin = unboundedQueryset(chain);
      if (!origin) continue;
      const node = queryNodeAt(
        chain,
        chain.links.findIndex((l) => l.name === 'objects' && !l.call),
      );
      const q = this.queries.get(node.id) ?? { node, origin, evaluations: [] };
      q.evaluations.push({ expr, how, related });
      this.queries.set(node.id, q);
    }
  }

  private report(q: Query): void {
    const [first] = q.evaluations;
    if (!first) return;
    const sites = [...new Map(q.evaluations.map((e) => [e.expr.id, e.expr])).values()];
    const fixes: Fix[] = [
      { title: `Add a bound: \`[:${DEFAULT_BOUND}]\``, edits: sites.map((e) => insertAt(e.endIndex, `[:${DEFAULT_BOUND}]`)) },
    ];
    if (q.evaluations.every((e) => e.how === 'for' || e.how === 'comprehension')) {
      fixes.push({ title: 'Stream rows with `.iterator()`', edits: sites.map((e) => insertAt(e.endIndex, '.iterator()')) });
    }
    const lenCall = first.expr.parent?.parent;
    if (q.evaluations.length === 1 && first.how === 'len' && lenCall?.type === 'call') {
      fixes.unshift({
        title: 'Count in the database with `.count()`',
        edits: [{ startOffset: lenCall.startIndex, endOffset: lenCall.endIndex, newText: `${first.expr.text}.count()` }],
      });
    }
    const more = q.evaluations.length > 1 ? ` (and ${q.evaluations.length - 1} more place${q.evaluations.length > 2 ? 's' : ''})` : '';
    const where =
      first.expr.id === q.node.id
        ? HOW[first.how]
        : `${HOW[first.how].replace(/^(\w+) by this/, '$1 by the')} on line ${first.expr.startPosition.row + 1}`;
    const message = `${describe(q.origin)} is ${where}${more} with no bound: every row is fetched into memory. Slice it, paginate it (Paginator) or stream it (.iterator()).`;
    const related = q.evaluations.map(
      (e): RelatedLocation => e.related ?? { range: rangeOf(e.expr), message: `${describe(q.origin, 40)} ${HOW[e.how]}` },
    );
    this.findings.push(queryFinding('django-unbounded-queryset', 'django', q.node, message, fixes, related));
  }

  /** DRF list views with no pagination, and Django ListViews with no paginate_by: every row, every request. */
  private checkListViews(): void {
    // However deep the file's own bases go, the last one is named in the text.
    if (!LIST_VIEW_NAMES.test(this.source)) return;
    const classes = this.root.descendantsOfType('class_definition');
    const byName = new Map(classes.map((c) => [c.childForFieldName('name')?.text ?? '', c]));
    // Bases through the file's own classes too: `class TagViewSet(BaseAttrViewSet)` with `BaseAttrViewSet(ListModelMixin, …)`.
    const basesOf = (cls: SyntaxNode, depth = 0): string[] => {
      const direct = (cls.childForFieldName('superclasses')?.namedChildren ?? []).map((b) => b.text.split('.').pop() ?? '');
      return depth > 4
        ? direct
        : direct.flatMap((b) => [b, ...(byName.has(b) && byName.get(b) !== cls ? basesOf(byName.get(b)!, depth + 1) : [])]);
    };
    for (const cls of classes) {
      const bases = basesOf(cls);
      const drf = bases.find((b) => DRF_LIST_VIEWS.test(b));
      const django = bases.find((b) => DJANGO_LIST_VIEWS.test(b));
      if (!drf && !django) continue;
      const body = cls.childForFieldName('body');
      if (!body) continue;
      const attrs = new Map<string, SyntaxNode>();
      for (const base of basesOf(cls).reverse()) {
        const b = byName.get(base)?.childForFieldName('body');
        if (b && byName.get(base) !== cls) for (const [k, v] of classAttributes(b)) attrs.set(k, v);
      }
      for (const [k, v] of classAttributes(body)) attrs.set(k, v);
      if (drf) {
        const pagination = attrs.get('pagination_class');
        if (pagination ? pagination.text !== 'None' : this.ctx.drfDefaultPagination) continue;
      } else if (attrs.has('paginate_by') || attrs.has('paginator_class')) continue;
      const declared = attrs.get('queryset') ?? methodReturn(body, 'get_queryset');
      const name = cls.childForFieldName('name')!;
      const why = drf
        ? `${drf}.list() serialises it whole: no pagination_class and no REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS']`
        : `${django} renders it whole: no paginate_by`;
      const related: RelatedLocation = { range: rangeOf(name), message: why };
      const fixes: Fix[] = [];
      const anchor = declared ?? attrs.get('model');
      if (django && anchor) {
        const stmt = anchor.parent!;
        const at = wholeLines(this.source, stmt).end;
        fixes.push({
          title: `Page it: \`paginate_by = ${DEFAULT_BOUND}\``,
          edits: [insertAt(at, `${indentOf(this.source, stmt)}paginate_by = ${DEFAULT_BOUND}\n`)],
        });
      }
      if (declared) {
        for (const chain of unrollChains(declared, this.scopes)) {
          const origin = unboundedQueryset(chain);
          if (!origin) continue;
          const message = `${describe(origin)}: ${why}. Every row is loaded on each request.`;
          const node = queryNodeAt(
            chain,
            chain.links.findIndex((l) => l.name === 'objects' && !l.call),
          );
          const finding = queryFinding('django-unbounded-queryset', 'django', node, message, fixes, [related]);
          // The same queryset already loaded whole by the view's own code: one finding, one more place.
          const same = this.findings.findIndex(
            (f) => f.range.start.line === finding.range.start.line && f.range.start.column === finding.range.start.column,
          );
          if (same >= 0) {
            this.findings[same] = { ...this.findings[same]!, related: [...this.findings[same]!.related, related] };
            continue;
          }
          this.findings.push(drf && !attrs.has('pagination_class') ? { ...finding, unlessPaginatedByDefault: true } : finding);
        }
      } else if (django && attrs.get('model')) {
        const model = attrs.get('model')!;
        this.findings.push(
          queryFinding(
            'django-unbounded-queryset',
            'django',
            model,
            `${model.text}.objects.all(): ${why}. Every row is loaded on each request.`,
            fixes,
            [related],
          ),
        );
      }
    }
  }

  private get source(): string {
    return (this.text ??= this.root.text);
  }

  private text: string | undefined;

  private get mentionsMany(): boolean {
    return this.source.includes('many');
  }

  private get pagesQuerysets(): boolean {
    return this.source.includes('paginate_queryset');
  }
}

/** Class-level `name = value` assignments of a class body. */
function classAttributes(body: SyntaxNode): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const stmt of body.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, right);
  }
  return out;
}

/** What a method of the class returns, when it has a `return` with a value. */
function methodReturn(body: SyntaxNode, method: string): SyntaxNode | undefined {
  for (const stmt of body.namedChildren) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === method) {
      const ret = def.descendantsOfType('return_statement')[0];
      if (ret?.namedChildren[0]) return ret.namedChildren[0];
    }
  }
  return undefined;
}

function enclosingFunctionText(node: SyntaxNode): string {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n.text;
  return '';
}

/** 0-based line of the template's `{% for x in key %}` (or `key|length`), if it iterates `key`. */
function templateIterationLine(template: string, key: string): number | undefined {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m =
    new RegExp(`{%-?\\s*for\\s+[\\w\\s,]+\\s+in\\s+${k}(\\.all)?\\s*(reversed\\s*)?-?%}`).exec(template) ??
    new RegExp(`{{-?\\s*${k}\\s*\\|\\s*length`).exec(template);
  return m ? template.slice(0, m.index).split('\n').length - 1 : undefined;
}

/** Values inside dict/list/tuple literals (the things a response serialises). */
function containerLeaves(node: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!node) return [];
  if (node.type === 'dictionary')
    return node.namedChildren.flatMap((p) => (p.type === 'pair' ? containerLeaves(p.childForFieldName('value')) : []));
  if (node.type === 'list' || node.type === 'tuple') return node.namedChildren.flatMap(containerLeaves);
  return [node];
}
