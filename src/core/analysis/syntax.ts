import type { SourcePosition, SourceRange } from './model';
import type { SyntaxNode } from './parsers';

/** Tree helpers shared by the Python and JS/TS analysers. */

export const JS_FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
  // Class fields run when an instance is built, not when the module loads.
  'public_field_definition',
  'field_definition',
]);

/** A top-level statement with its type, read once: every node property is a call into WebAssembly. */
export interface TopStatement {
  readonly node: SyntaxNode;
  readonly type: string;
}

const topStatementCache = new WeakMap<SyntaxNode, readonly TopStatement[]>();

/** The file's top-level statements; the facts of a file mostly start from them, so they are read once per root. */
export function topStatements(root: SyntaxNode): readonly TopStatement[] {
  let out = topStatementCache.get(root);
  if (!out) {
    out = root.namedChildren.map((node) => ({ node, type: node.type }));
    topStatementCache.set(root, out);
  }
  return out;
}

/** The top-level statement holding `offset`, found by its start (statements are in order). */
export function topStatementAt(root: SyntaxNode, offset: number): TopStatement | undefined {
  const list = topStatements(root);
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid]!.node.startIndex <= offset) lo = mid;
    else hi = mid - 1;
  }
  const s = list[lo];
  return s && s.node.startIndex <= offset && offset < s.node.endIndex ? s : undefined;
}

export function rangeOf(node: SyntaxNode): SourceRange {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

/** An ancestor with its type, read once. */
export interface Ancestor {
  readonly node: SyntaxNode;
  readonly type: string;
}

interface Chain {
  readonly list: Ancestor[];
  /** The node whose parent comes next; undefined once the root is reached. */
  last: SyntaxNode | undefined;
}

const ancestorCache = new WeakMap<SyntaxNode, Chain>();

/**
 * `node`'s ancestors, nearest first, up to the root. Each step up (`parent`) makes the parser walk
 * down from the root again, so the steps taken are kept per node and shared by whoever asks
 * next; a caller that stops early walks no further than it needs.
 */
export function* ancestorsOf(node: SyntaxNode): Generator<Ancestor, void, undefined> {
  let chain = ancestorCache.get(node);
  if (!chain) {
    chain = { list: [], last: node };
    ancestorCache.set(node, chain);
  }
  for (let i = 0; ; i++) {
    if (i < chain.list.length) {
      yield chain.list[i]!;
      continue;
    }
    const parent = chain.last?.parent ?? undefined;
    if (!parent) {
      chain.last = undefined;
      return;
    }
    const a = { node: parent, type: parent.type };
    chain.list.push(a);
    chain.last = parent;
    yield a;
  }
}

export function enclosingFunction(node: SyntaxNode, functionTypes: ReadonlySet<string>): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (functionTypes.has(n.type)) return n;
  return undefined;
}

const STATEMENT = /(_statement|_declaration|^decorated_definition|_definition)$/;

/** The statement holding `node`: where a finding's line number points. */
export function statementOf(node: SyntaxNode): SyntaxNode {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if (STATEMENT.test(n.type) && n.type !== 'variable_declarator') {
      // `export const x = …`: report the export, which starts the line.
      return n.parent?.type === 'export_statement' ? n.parent : n;
    }
  }
  return node;
}

export function statementStartOf(node: SyntaxNode): SourcePosition {
  const s = statementOf(node);
  return { line: s.startPosition.row, column: s.startPosition.column };
}

/** Python string literal or JS string → its value, without quotes; undefined for anything else. */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') {
    // Without escapes, interpolation or line breaks the text says it all, and reading the
    // children (one call into WebAssembly each) is not needed.
    const text = node.text;
    if (!/[\\{\n]/.test(text)) return text.replace(/^[a-zA-Z]*(['"]{1,3})([\s\S]*)\1$/, '$2');
    const fragment = node.namedChildren.filter((c) => c.type === 'string_fragment' || c.type === 'string_content');
    if (node.namedChildren.some((c) => c.type === 'interpolation' || c.type === 'template_substitution')) return undefined;
    if (fragment.length > 0) return fragment.map((c) => c.text).join('');
    return node.text.replace(/^[a-zA-Z]*(['"]{1,3})([\s\S]*)\1$/, '$2');
  }
  if (node.type === 'template_string' && node.namedChildren.every((c) => c.type === 'string_fragment')) {
    return node.text.slice(1, -1);
  }
  return undefined;
}

/** The comment that silences a finding: on the statement's first line or the line above. */
const IGNORE_MARKER = /(#|\/\/|\/\*)\s*memory-budget(:\s*|-)ignore\b/;

export class IgnoreComments {
  private lines: string[] | undefined;
  /** Most files hold no marker at all: they are not split into lines. */
  private readonly marked: boolean;
  constructor(private readonly source: string) {
    this.marked = source.includes('memory-budget');
  }
  /** Marked on the line itself, or by a comment-only line just above (not a trailing comment there). */
  isIgnored(line: number): boolean {
    if (!this.marked) return false;
    this.lines ??= this.source.split('\n');
    const above = (this.lines[line - 1] ?? '').trim();
    return IGNORE_MARKER.test(this.lines[line] ?? '') || (/^(#|\/\/|\/\*)/.test(above) && IGNORE_MARKER.test(above));
  }
}

/**
 * Nodes of the given types that sit where `pattern` matches the text (group 1 if it has one).
 * Walking a whole tree through web-tree-sitter costs milliseconds per thousand nodes; finding
 * candidates in the text and asking the tree what is there costs microseconds. The tree still
 * decides: a match inside a string or comment is not a node of the wanted type.
 */
export function nodesWhereTextMatches(root: SyntaxNode, source: string, pattern: RegExp, types: ReadonlySet<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const text = m[1] ?? m[0];
    const start = m.index + (m[1] === undefined ? 0 : m[0].indexOf(m[1]));
    const node = root.descendantForIndex(start, start + text.length);
    if (types.has(node.type) && node.startIndex === start) out.push(node);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/** `$`, digits, ASCII letters and `_`: what may not touch a whole word on either side (as `[\\w$]` in a regular expression). */
function isWordCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 // a-z A-Z 0-9 _ $
  );
}

/**
 * Offsets where `word` stands as a whole word. A name differs per call, so a regular expression
 * for it would be compiled and interpreted afresh each time; `indexOf` is many times faster.
 */
export function wordOffsets(source: string, word: string): number[] {
  const out: number[] = [];
  if (!word) return out;
  for (let at = source.indexOf(word); at !== -1; at = source.indexOf(word, at + 1)) {
    const end = at + word.length;
    if ((at === 0 || !isWordCode(source.charCodeAt(at - 1))) && (end >= source.length || !isWordCode(source.charCodeAt(end)))) out.push(at);
  }
  return out;
}

/** Every identifier-like node spelled `name`. */
export function occurrencesOf(
  root: SyntaxNode,
  source: string,
  name: string,
  types: ReadonlySet<string>,
  /** A test on the text first, where it rules places out without asking the tree. */
  mayBe: (offset: number) => boolean = () => true,
): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const at of wordOffsets(source, name)) {
    if (!mayBe(at)) continue;
    const node = root.descendantForIndex(at, at + name.length);
    if (types.has(node.type) && node.startIndex === at) out.push(node);
  }
  return out;
}

/** Indentation (spaces/tabs) of the line on which `node` starts. */
export function indentOf(source: string, node: SyntaxNode): string {
  const lineStart = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

/** Offsets covering the whole lines of `node`, trailing newline included: for deleting a statement. */
export function wholeLines(source: string, node: SyntaxNode): { start: number; end: number } {
  const start = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  const nl = source.indexOf('\n', node.endIndex);
  return { start, end: nl === -1 ? source.length : nl + 1 };
}
