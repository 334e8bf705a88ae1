import type { HeapDiff, HeapSummary } from '../../src/core/heap/model';

/** Extension host → webview. */
export type HostMessage = { type: 'summary'; summary: HeapSummary } | { type: 'diff'; diff: HeapDiff };

/** Webview → extension host. */
export type ViewMessage = { type: 'ready' } | { type: 'openLocation'; url: string; line: number; column: number };
