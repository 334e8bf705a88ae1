import type { SnapshotMeta } from './rawSnapshot';

/** Numeric ids of the node and edge types a snapshot declares (-1 when absent). */
export interface TypeIds {
  readonly hidden: number;
  readonly array: number;
  readonly string: number;
  readonly object: number;
  readonly code: number;
  readonly closure: number;
  readonly regexp: number;
  readonly number: number;
  readonly native: number;
  readonly synthetic: number;
  readonly edgeContext: number;
  readonly edgeElement: number;
  readonly edgeProperty: number;
  readonly edgeInternal: number;
  readonly edgeHidden: number;
  readonly edgeShortcut: number;
  readonly edgeWeak: number;
}

export function typeIds(meta: SnapshotMeta): TypeIds {
  const n = (t: string) => meta.nodeTypes.indexOf(t);
  const e = (t: string) => meta.edgeTypes.indexOf(t);
  return {
    hidden: n('hidden'),
    array: n('array'),
    string: n('string'),
    object: n('object'),
    code: n('code'),
    closure: n('closure'),
    regexp: n('regexp'),
    number: n('number'),
    native: n('native'),
    synthetic: n('synthetic'),
    edgeContext: e('context'),
    edgeElement: e('element'),
    edgeProperty: e('property'),
    edgeInternal: e('internal'),
    edgeHidden: e('hidden'),
    edgeShortcut: e('shortcut'),
    edgeWeak: e('weak'),
  };
}
