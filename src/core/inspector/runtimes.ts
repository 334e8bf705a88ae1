/**
 * Which JavaScript runtime a process is, told by its executable (`/proc/<pid>/exe`), never by
 * argv[0], which any process can set (`exec -a node sleep 300`). It decides who may be signalled:
 * SIGUSR1 opens Node's inspector, but its default action ends any other process, and neither Bun
 * nor Deno opens an inspector on it.
 */
export type RuntimeName = 'node' | 'deno' | 'bun';

const RUNTIME_EXES: readonly [RegExp, RuntimeName][] = [
  [/^(node|nodejs|node\d+(\.\d+)*)$/, 'node'],
  // The npm package `bun` installs its binary as bin/bun.exe on every platform.
  [/^bunx?(-debug|-profile)?(\.exe)?$/, 'bun'],
  [/^deno(\.exe)?$/, 'deno'],
];

export function runtimeOfExe(exeName: string): RuntimeName | undefined {
  for (const [pattern, runtime] of RUNTIME_EXES) if (pattern.test(exeName)) return runtime;
  return undefined;
}

/** "Bun", "Deno", "Node.js": how the runtime is named to a user. */
export function runtimeTitle(runtime: RuntimeName): string {
  return runtime === 'bun' ? 'Bun' : runtime === 'deno' ? 'Deno' : 'Node.js';
}

/** The runtime of a process whose executable could be read; undefined when only argv[0] vouches for it. */
export function runtimeOfProcess(p: { exeName: string; exeKnown: boolean }): RuntimeName | undefined {
  return p.exeKnown ? runtimeOfExe(p.exeName) : undefined;
}
