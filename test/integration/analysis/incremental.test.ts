import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTree } from '../../../src/core/analysis/analyzer';
import { DocumentTrees, type TextChange } from '../../../src/core/analysis/incremental';
import { parser } from './helpers';

/** An edited, incrementally re-parsed tree must be the tree a fresh parse gives. */
describe('incremental parsing of open documents', () => {
  const trees = new DocumentTrees(parser);
  afterAll(() => trees.dispose());

  const base = [
    '# Ünïcödé 😀 comment so offsets and columns are not bytes',
    'import pandas as pd',
    'from .models import Story',
    '',
    'def view(request):',
    '    titles = "déjà vu"',
    '    return list(Story.objects.filter(published=True))',
    '',
  ].join('\n');

  /** The tree's shape and every identifier's and string's position: what the rules rely on. */
  function dump(root: {
    toString(): string;
    descendantsOfType(
      t: string[],
    ): Array<{ type: string; startIndex: number; endIndex: number; startPosition: { row: number; column: number } }>;
  }): string {
    const positions = root
      .descendantsOfType(['identifier', 'string'])
      .map((n) => `${n.type}@${n.startIndex}-${n.endIndex}:${n.startPosition.row}.${n.startPosition.column}`);
    return `${root.toString()}\n${positions.join(' ')}`;
  }

  async function fresh(text: string): Promise<string> {
    const tree = await parser.parse(text, 'python');
    try {
      return dump(tree.rootNode);
    } finally {
      tree.delete();
    }
  }

  function edit(text: string, find: string, replacement: string): { text: string; change: TextChange } {
    const offset = text.indexOf(find);
    return {
      text: text.slice(0, offset) + replacement + text.slice(offset + find.length),
      change: { offset, length: find.length, text: replacement },
    };
  }

  it('matches a fresh parse after edits on lines with non-ASCII text, and finds what a fresh analysis finds', async () => {
    let text = base;
    await trees.withTree('doc', text, 'python', () => undefined);
    const steps: Array<[string, string]> = [
      ['"déjà vu"', '"déjà vu" + "ñ"'],
      ['list(Story.objects.filter(published=True))', 'list(Story.objects.filter(published=True)[:10])'],
      ['[:10]', ''],
      ['return', 'for s in Story.objects.all():\n        print(s)\n    return'],
    ];
    for (const [find, replacement] of steps) {
      const next = edit(text, find, replacement);
      trees.edit('doc', next.change);
      const incremental = await trees.withTree('doc', next.text, 'python', (tree) => dump(tree.rootNode));
      expect(incremental).toBe(await fresh(next.text));
      text = next.text;
    }
    const lines = await trees.withTree('doc', text, 'python', (tree) =>
      analyzeTree(tree.rootNode, text, 'python').queries.map((q) => q.statementStart.line + 1),
    );
    expect(lines).toEqual([7, 9]);
  });

  it('takes several edits before one parse, and parses afresh when they do not lead to the text', async () => {
    await trees.withTree('multi', 'a = 1\nb = 2\n', 'python', () => undefined);
    trees.edit('multi', { offset: 6, length: 5, text: 'import os' });
    trees.edit('multi', { offset: 0, length: 0, text: '# head\n' });
    const both = await trees.withTree('multi', '# head\na = 1\nimport os\n', 'python', (t) => dump(t.rootNode));
    expect(both).toBe(await fresh('# head\na = 1\nimport os\n'));

    await trees.withTree('other', 'import os\n', 'python', () => undefined);
    trees.edit('other', { offset: 0, length: 1, text: 'X' });
    const other = await trees.withTree('other', 'import sys\n', 'python', (t) => dump(t.rootNode));
    expect(other).toBe(await fresh('import sys\n'));
  });
});
