#!/usr/bin/env node
// `npm run demo`: see scripts/demo.ts.
import { runTypeScript } from './run-ts.mjs';

await runTypeScript('scripts/demo.ts', process.argv.slice(2));
