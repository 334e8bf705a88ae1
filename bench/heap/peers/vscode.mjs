// Microsoft's Rust/WASM parser behind VS Code's heap snapshot viewer: decode, then class groups with retained sizes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { decode_bytes } = require('@vscode/v8-heap-parser');
const graph = decode_bytes(readFileSync(process.argv[3]));
const groups = graph.get_class_groups(0, 50, false);
console.log(JSON.stringify({ top: groups.slice(0, 3).map((g) => [g.name(), Number(g.retained_size)]) }));
process.exit(0);
