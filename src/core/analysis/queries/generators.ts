import type { GeneratorUse } from '../model';
import type { SyntaxNode } from '../parsers';
import { rangeOf } from '../syntax';

/**
 * Python generators that stream query rows: a generator's rows are in memory together only where
 * some caller collects them, often in another module and through another generator
 * (`model.rows()` → `service.summaries()` → `[s async for s in service.summaries()]`).
 * Generators are matched by name across the project: a method call names no class.
 */

const COLLECTING_BUILTINS = new Set(['list', 'tuple', 'set', 'sorted', 'dict']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension']);

/** The function a node runs in, when its name is known. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda') return n.type === 'lambda' ? undefined : n;
  }
  return undefined;
}

/** The generator a loop hands its rows to: the function it sits in, when the loop's body yields. */
export function yieldingFunction(loop: SyntaxNode): string | undefined {
  const fn = enclosingFunction(loop);
  const body = loop.childForFieldName('body');
  if (!fn || !body) return undefined;
  const yields = body.descendantsOfType('yield').some((y) => enclosingFunction(y)?.id === fn.id);
  return yields ? fn.childForFieldName('name')?.text : undefined;
}

/** `rows(…)`, `store.rows(…)`, `await store.rows(…)` → `rows`. */
function calledName(expr: SyntaxNode | null): string | undefined {
  let n = expr;
  while (n && (n.type === 'await' || n.type === 'parenthesized_expression')) n = n.namedChildren[0] ?? null;
  if (n?.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** Whether the rows a comprehension reads end up in one collection: a list, set or dict, or a generator expression given to `list()`. */
function collects(comprehension: SyntaxNode): boolean {
  if (COMPREHENSIONS.has(comprehension.type)) return true;
  if (comprehension.type !== 'generator_expression') return false;
  const call = comprehension.parent?.type === 'call' ? comprehension.parent : comprehension.parent?.parent;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : undefined;
  return fn?.type === 'identifier' && COLLECTING_BUILTINS.has(fn.text);
}

/** Every call of a generator (by name) whose rows are collected or yielded on, in one file. */
export function generatorUsesOf(root: SyntaxNode, source: string): GeneratorUse[] {
  if (!source.includes('for ')) return [];
  const uses: GeneratorUse[] = [];
  for (const node of root.descendantsOfType(['for_statement', 'for_in_clause'])) {
    const right = node.childForFieldName('right');
    const generator = calledName(right);
    if (!generator || !right) continue;
    if (node.type === 'for_in_clause') {
      if (node.parent && collects(node.parent)) uses.push({ generator, range: rangeOf(node.parent) });
      continue;
    }
    const relayedBy = yieldingFunction(node);
    if (relayedBy) uses.push({ generator, range: rangeOf(right), relayedBy });
    else if (appendsInBody(node)) uses.push({ generator, range: rangeOf(node) });
  }
  return uses;
}

/** `for x in rows(): out.append(x)`: the loop builds a list of what it reads. */
function appendsInBody(loop: SyntaxNode): boolean {
  const body = loop.childForFieldName('body');
  return !!body && body.descendantsOfType('call').some((c) => /\.append$/.test(c.childForFieldName('function')?.text ?? ''));
}

/**
 * The generators whose rows some caller collects, each with where: those collected directly,
 * then any generator a collected generator relays, and so on.
 */
export function collectedGenerators(
  usesByFile: Iterable<[string, readonly GeneratorUse[]]>,
): Map<string, { file: string; use: GeneratorUse }> {
  const collected = new Map<string, { file: string; use: GeneratorUse }>();
  const relays: Array<{ file: string; use: GeneratorUse }> = [];
  for (const [file, uses] of usesByFile) {
    for (const use of uses) {
      if (use.relayedBy) relays.push({ file, use });
      else if (!collected.has(use.generator)) collected.set(use.generator, { file, use });
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const r of relays) {
      const by = collected.get(r.use.relayedBy!);
      if (by && !collected.has(r.use.generator)) {
        collected.set(r.use.generator, by);
        changed = true;
      }
    }
  }
  return collected;
}
