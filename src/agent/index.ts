// The Memory Budget agent: `node --require memory-budget/agent server.js` (or in NODE_OPTIONS).
// Loading it starts it; `mark()` records the app's own operations. Bundled without dependencies
// into dist/agent.js.
import type { MarkCounters } from '../core/budget/budgetEvents';
import { MemoryAgent } from './agent';
import { readAgentConfig } from './config';

// One agent per process, even when two copies of this file are loaded (-r ./dist/agent.js
// and require('memory-budget/agent') from node_modules).
const GLOBAL_KEY = Symbol.for('memory-budget.agent');
type Holder = { [GLOBAL_KEY]?: MemoryAgent | null };

function warn(message: string): void {
  try {
    process.stderr.write(`[memory-budget agent] ${message}\n`);
  } catch {
    // nowhere to say it
  }
}

function boot(): MemoryAgent | null {
  const holder = globalThis as Holder;
  if (holder[GLOBAL_KEY] !== undefined) return holder[GLOBAL_KEY];
  holder[GLOBAL_KEY] = null;
  try {
    const { config, warnings } = readAgentConfig(process.env, process.cwd());
    for (const w of warnings) warn(w);
    if (config.disabled) return null;
    const agent = new MemoryAgent(config, warn);
    agent.start();
    holder[GLOBAL_KEY] = agent;
    return agent;
  } catch (err) {
    warn(`not started: ${(err as Error).message}`);
    return null;
  }
}

const agent = boot();

/** Records an operation of the app with its counters: `mark('Session Created', { sessions: 12 })`. */
export function mark(name: string, counters?: MarkCounters): void {
  try {
    agent?.mark(name, counters);
  } catch {
    // never into the app
  }
}

/** Writes the shutdown summary and stops sampling (it also happens by itself on exit and SIGTERM). */
export function stop(): Promise<void> {
  return agent ? agent.stop().catch(() => undefined) : Promise.resolve();
}

/** Where `/metrics` is served, when MEMORY_BUDGET_METRICS_PORT asked for it and it could listen. */
export function metricsAddress(): { host: string; port: number } | undefined {
  return agent?.metricsAddress;
}
