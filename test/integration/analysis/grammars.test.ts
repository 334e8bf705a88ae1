import { describe, expect, it } from 'vitest';
import { findGrammars } from '../../../src/core/analysis/parsers';
import { parser } from './helpers';

// web-tree-sitter and the tree-sitter-wasms grammars must agree on the ABI; a mismatch only
// shows when a grammar is loaded, so each one is loaded and used here.
describe('bundled grammars', () => {
  const samples = {
    python: 'import os\nfor u in User.objects.all():\n    print(u)\n',
    javascript: "const express = require('express');\nconst app = express();\n",
    typescript: "import type { A } from 'a';\nexport const x: A = { n: 1 } as A;\n",
    tsx: 'import React from \'react\';\nexport const C = () => <div className="x">{1}</div>;\n',
  } as const;

  for (const [language, source] of Object.entries(samples)) {
    it(`parses ${language} without errors and rejects broken ${language}`, async () => {
      const lang = language as keyof typeof samples;
      expect(await parser.hasSyntaxErrors(source, lang)).toBe(false);
      expect(await parser.hasSyntaxErrors(`${source}\n(((\n`, lang)).toBe(true);
    });
  }

  it('finds the runtime and grammar files it will load', () => {
    const location = findGrammars();
    expect(location.runtimeWasm).toMatch(/tree-sitter\.wasm$/);
    expect(location.grammar('tsx')).toMatch(/tree-sitter-tsx\.wasm$/);
  });
});
