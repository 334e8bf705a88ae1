/** The text numberTokenizerWasm.ts should have for the current numberTokenizer.wat. */
export function assemble(): Promise<string>;
