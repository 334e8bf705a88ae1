#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests launches: it takes
// the same arguments and runs the extension-host test suite inside code-server instead.
import { runTypeScript } from './run-ts.mjs';

await runTypeScript('test/vscode/codeServerAsVscode.ts', process.argv.slice(2));
