import type { SourcePosition, SourceRange } from './model';
import type { SyntaxNode } from './parsers';

/** Tree helpers shared by the Python and JS/TS analysers. */

export const PY_FUNCTION_TYPES = new Set(['function_definition', 'lambda']);
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
  isIgnored(line: number): boolean {
    return IGNORE_MARKER.test(this.lines[line] ?? '') || IGNORE_MARKER.test(this.lines[line - 1] ?? '');
  }
}

/** Identifiers with this name anywhere in the tree (fast: the walk runs inside WASM). */
export function identifiersNamed(root: SyntaxNode, name: string, types: readonly string[]): SyntaxNode[] {
  return root.descendantsOfType(types as string[]).filter((n) => n.text === name);
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
