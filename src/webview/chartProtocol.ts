// Messages between the chart panel (extension host) and its webview, with a guard for each
// direction. Imported by both sides: neither `vscode`, DOM nor Node here.
import { arrayOf, isBoolean, isNumber, isString, literal, optional, shape, shortString, tagged, type Guard } from './validate';

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

/** Extension host → webview. */
export type ChartHostMessage =
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
      /** Absent where there is no live process (a memory log read from a file): no sampling offered. */
      allocationSampling?: AllocationSamplingState;
      /** The header's line when no live sample brings one (a memory log opened from a file). */
      summary?: string;
      /** False for a finished series (a file): nothing arrives, so there is nothing to pause. */
      live?: boolean;
    }
  | {
      type: 'sample';
      targetId: string;
      point: ChartPoint;
      budget: ChartBudget;
      summary: string;
      /** Heap-cap advice for this target, when its heap limit leaves too little of the budget. */
      advice?: string;
    }
  | { type: 'event'; targetId: string; event: ChartEvent }
  | { type: 'allocationSampling'; targetId: string; state: AllocationSamplingState }
  | { type: 'gcResult'; text: string }
  | { type: 'error'; text: string };

/** Whether the shown target's allocations can be sampled, and whether they are. */
export interface AllocationSamplingState {
  running: boolean;
  /** Why sampling is not offered for this target; undefined when it is. */
  unavailable?: string;
}

/** Webview → extension host. */
export type ChartViewMessage =
  | { type: 'ready' }
  | { type: 'selectTarget'; targetId: string }
  | { type: 'forceGc' }
  | { type: 'takeSnapshot' }
  | { type: 'toggleAllocationSampling' };

/** The watch set's target ids: short, no markup. */
const targetId: Guard<string> = (v): v is string => typeof v === 'string' && /^[\w.-]{1,64}$/.test(v);
const budget = shape<ChartBudget>({ bytes: isNumber, label: isString, warnBytes: isNumber, criticalBytes: isNumber });
const point = shape<ChartPoint>({ t: isNumber, rss: isNumber, heapUsed: isNumber, heapTotal: isNumber, external: isNumber });
const event = shape<ChartEvent>({ time: isNumber, type: isString, text: isString });
const allocationSampling = shape<AllocationSamplingState>({ running: isBoolean, unavailable: optional(shortString(500)) });
const textMessage = <T extends 'gcResult' | 'error'>(type: T) => shape<{ type: T; text: string }>({ type: literal(type), text: isString });

/** What the webview accepts from the host: a malformed message is dropped, not half-drawn. */
export const parseChartHostMessage = tagged<ChartHostMessage>({
  init: shape({
    type: literal('init'),
    targets: arrayOf(shape<ChartTarget>({ id: targetId, name: isString })),
    targetId: optional(targetId),
    budget,
    heapLimitBytes: optional(isNumber),
    history: arrayOf(point),
    events: arrayOf(event),
    canSnapshot: isBoolean,
    canGc: isBoolean,
    allocationSampling: optional(allocationSampling),
    summary: optional(shortString(1000)),
    live: optional(isBoolean),
  }),
  sample: shape({ type: literal('sample'), targetId, point, budget, summary: shortString(1000), advice: optional(shortString(1000)) }),
  event: shape({ type: literal('event'), targetId, event }),
  allocationSampling: shape({ type: literal('allocationSampling'), targetId, state: allocationSampling }),
  gcResult: textMessage('gcResult'),
  error: textMessage('error'),
});

/** What the host accepts from the webview: only these shapes, ids as the watch set makes them. */
export const parseChartViewMessage = tagged<ChartViewMessage>({
  ready: shape({ type: literal('ready') }),
  forceGc: shape({ type: literal('forceGc') }),
  takeSnapshot: shape({ type: literal('takeSnapshot') }),
  toggleAllocationSampling: shape({ type: literal('toggleAllocationSampling') }),
  selectTarget: shape({ type: literal('selectTarget'), targetId }),
});
