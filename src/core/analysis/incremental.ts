import type { SourceLanguage } from './model';
import type { SourceParser, Tree } from './parsers';

/** One edit of a document, in UTF-16 offsets of the text before it (as the editor reports it). */
export interface TextChange {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

interface Entry {
  tree: Tree;
  text: string;
  readonly language: SourceLanguage;
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function endPoint(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lines = inserted.split('\n');
  return lines.length === 1
    ? { row: start.row, column: start.column + inserted.length }
    : { row: start.row + lines.length - 1, column: lines[lines.length - 1]!.length };
}

/**
 * Keeps the last syntax tree of each open document so an edit re-parses only what changed
 * (tree-sitter's incremental parsing): a keystroke in a 2,000-line file costs a fraction of a
 * full parse. Trees live in WASM memory: `forget` and `dispose` free them.
 */
export class DocumentTrees {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly parser: SourceParser) {}

  /**
   * Records one edit as the editor reports it: the remembered tree is told what moved (cheap,
   * no parsing) and the remembered text follows. Several edits before the next parse are fine.
   */
  edit(key: string, change: TextChange): void {
    const entry = this.entries.get(key);
    if (!entry || change.offset + change.length > entry.text.length) return;
    const start = pointAt(entry.text, change.offset);
    entry.tree.edit({
      startIndex: change.offset,
      oldEndIndex: change.offset + change.length,
      newEndIndex: change.offset + change.text.length,
      startPosition: start,
      oldEndPosition: pointAt(entry.text, change.offset + change.length),
      newEndPosition: endPoint(start, change.text),
    });
    entry.text = entry.text.slice(0, change.offset) + change.text + entry.text.slice(change.offset + change.length);
  }

  /**
   * Runs `use` on the tree for `text`: the edited tree re-parsed incrementally when the recorded
   * edits lead exactly to `text`, a fresh parse otherwise. Parse and use happen with no `await`
   * between them, so a concurrent call cannot free the tree under `use`.
   */
  async withTree<T>(key: string, text: string, language: SourceLanguage, use: (tree: Tree) => T): Promise<T> {
    const parse = await this.parser.parserFunction(language);
    const entry = this.entries.get(key);
    const reusable = entry && entry.language === language && entry.text === text ? entry.tree : undefined;
    const tree = parse(text, reusable);
    entry?.tree.delete();
    this.entries.set(key, { tree, text, language });
    return use(tree);
  }

  forget(key: string): void {
    this.entries.get(key)?.tree.delete();
    this.entries.delete(key);
  }

  dispose(): void {
    for (const key of [...this.entries.keys()]) this.forget(key);
  }
}
