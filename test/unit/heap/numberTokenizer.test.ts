import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../scripts/build-wasm.mjs';

describe('the WebAssembly number tokenizer', () => {
  it('is built from numberTokenizer.wat as it stands (run node scripts/build-wasm.mjs after editing it)', async () => {
    const committed = readFileSync(join(__dirname, '../../../src/core/heap/numberTokenizerWasm.ts'), 'utf8');
    expect(committed).toBe(await assemble());
  });
});
