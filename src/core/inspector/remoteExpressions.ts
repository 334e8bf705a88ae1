/**
 * The only expressions ever evaluated in a target: fixed text written here, nothing a user or a
 * target supplies. `InspectorSession.evaluate` accepts nothing else (the `FixedExpression` brand).
 * Each works on Node, Deno and Bun: every probe is guarded, since Deno refuses some calls without
 * `--allow-sys` and Bun lacks `require` in the global scope.
 */
declare const fixed: unique symbol;
export type FixedExpression = string & { readonly [fixed]: true };

const expression = (text: string) => text as FixedExpression;

/** What a target says about itself once per attach. */
export interface RemoteFacts {
  pid: number;
  execPath?: string;
  argv?: string[];
  uptime?: number;
  /** Node's version, which Deno and Bun also report (the Node API level they mimic). */
  version?: string;
  bun?: string;
  deno?: string;
  heapLimit?: number;
  constrained?: number;
  /** The machine's memory as the target sees it, to tell "no limit" from a container limit. */
  physical?: number;
}

export const FACTS_EXPRESSION = expression(`(() => {
  const attempt = (f) => { try { return f(); } catch { return undefined; } };
  const proc = globalThis.process;
  const builtin = (name) =>
    attempt(() => proc.getBuiltinModule(name)) ?? attempt(() => (typeof require === 'function' ? require(name) : undefined));
  const bun = typeof Bun === 'undefined' ? undefined : Bun.version;
  const deno = typeof Deno === 'undefined' ? undefined : Deno.version.deno;
  // Bun's v8 module is a stand-in: JavaScriptCore has no heap limit to report.
  const v8 = bun ? undefined : builtin('v8');
  return {
    pid: attempt(() => proc.pid) ?? attempt(() => Deno.pid),
    execPath: attempt(() => proc.execPath) ?? attempt(() => Deno.execPath()),
    argv: attempt(() => proc.argv),
    uptime: attempt(() => proc.uptime()),
    version: attempt(() => proc.version),
    bun,
    deno,
    heapLimit: attempt(() => v8.getHeapStatistics().heap_size_limit),
    constrained: attempt(() => proc.constrainedMemory()),
    physical: attempt(() => builtin('os').totalmem()) ?? attempt(() => Deno.systemMemoryInfo().total),
  };
})()`);

export interface RemoteMemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers?: number;
}

/** `process.memoryUsage()`, or `Deno.memoryUsage()` where there is no `process`. */
export const MEMORY_EXPRESSION = expression(
  `(typeof process !== 'undefined' && typeof process.memoryUsage === 'function' ? process.memoryUsage() : Deno.memoryUsage())`,
);

/**
 * Closes a Node inspector that was opened by SIGUSR1, after the reply is sent (closing ends this very
 * connection). True when the close was scheduled.
 */
export const CLOSE_INSPECTOR_EXPRESSION = expression(`(() => {
  let inspector;
  try { inspector = globalThis.process.getBuiltinModule('inspector'); } catch {}
  try { inspector ??= typeof require === 'function' ? require('inspector') : undefined; } catch {}
  if (!inspector || typeof inspector.close !== 'function') return false;
  setTimeout(() => inspector.close(), 0);
  return true;
})()`);

/**
 * V8's heap used, and how much of it sits in the large-object spaces (objects of 128 KB and more, one
 * snapshot node each): what a heap snapshot will cost the target. Undefined where there is no `v8`.
 */
export const HEAP_SPACES_EXPRESSION = expression(`(() => {
  const attempt = (f) => { try { return f(); } catch { return undefined; } };
  const v8 = attempt(() => globalThis.process.getBuiltinModule('v8')) ?? attempt(() => (typeof require === 'function' ? require('v8') : undefined));
  const spaces = attempt(() => v8.getHeapSpaceStatistics());
  if (!Array.isArray(spaces)) return undefined;
  let used = 0;
  let large = 0;
  for (const s of spaces) {
    used += s.space_used_size;
    if (s.space_name.includes('large_object')) large += s.space_used_size;
  }
  return { used, large };
})()`);
