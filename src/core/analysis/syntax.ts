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

export function rangeOf(node: SyntaxNode): SourceRange {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
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
  private readonly lines: string[];
  constructor(source: string) {
    this.lines = source.split('\n');
  }
  /** Marked on the line itself, or by a comment-only line just above (not a trailing comment there). */
  isIgnored(line: number): boolean {
    const above = (this.lines[line - 1] ?? '').trim();
    return IGNORE_MARKER.test(this.lines[line] ?? '') || (/^(#|\/\/|\/\*)/.test(above) && IGNORE_MARKER.test(above));
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

/** Every identifier-like node spelled `name`. */
export function occurrencesOf(root: SyntaxNode, source: string, name: string, types: ReadonlySet<string>): SyntaxNode[] {
  return nodesWhereTextMatches(root, source, new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`), types);
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
