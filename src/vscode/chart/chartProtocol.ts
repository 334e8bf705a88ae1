// Messages between the chart panel and its webview. No `vscode` import: the webview bundles it.

export interface ChartBudget {
  bytes: number;
  label: string;
  warnBytes: number;
  criticalBytes: number;
}

export interface ChartEvent {
  time: number;
  type: string;
  text: string;
}

export interface ChartTarget {
  id: string;
  name: string;
}

export interface ChartPoint {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export type ToWebview =
  | {
      type: 'init';
      targets: ChartTarget[];
      targetId: string | undefined;
      budget: ChartBudget;
      heapLimitBytes?: number;
      /** History, oldest first, time in ms. */
      history: ChartPoint[];
      events: ChartEvent[];
      canSnapshot: boolean;
      canGc: boolean;
      /** The header's line when no live sample brings one (a memory log opened from a file). */
      summary?: string;
      /** False for a finished series (a file): nothing arrives, so there is nothing to pause. */
      live?: boolean;
    }
  | { type: 'sample'; targetId: string; point: ChartPoint; budget: ChartBudget; summary: string }
  | { type: 'event'; targetId: string; event: ChartEvent }
  | { type: 'gcResult'; text: string }
  | { type: 'error'; text: string };

export type FromWebview = { type: 'ready' } | { type: 'selectTarget'; targetId: string } | { type: 'forceGc' } | { type: 'takeSnapshot' };

/** Messages from a webview are untrusted input: accept only the shapes above. */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'forceGc':
    case 'takeSnapshot':
      return { type: m.type };
    case 'selectTarget':
      return typeof m.targetId === 'string' && /^[\w.-]{1,64}$/.test(m.targetId)
        ? { type: 'selectTarget', targetId: m.targetId }
        : undefined;
    default:
      return undefined;
  }
}
