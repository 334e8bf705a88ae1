// Types for `memory-budget/agent` (dist/agent.js): loading the module starts the agent.

/** A counter the app reports with an operation: shown as "sessions: 12" in the log. */
export type MarkCounters = Record<string, number | string | boolean>;

/** Records an operation of the app with its counters: `mark('Session Created', { sessions: 12 })`. */
export function mark(name: string, counters?: MarkCounters): void;

/** Writes the shutdown summary and stops sampling (it also happens by itself on exit and SIGTERM). */
export function stop(): Promise<void>;

/** Where `/metrics` is served, when MEMORY_BUDGET_METRICS_PORT asked for it and it could listen. */
export function metricsAddress(): { host: string; port: number } | undefined;
