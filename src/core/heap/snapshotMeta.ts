import { HeapSnapshotError, type SnapshotMeta } from './rawSnapshot';

/** Which node types have names worth decoding: class names, function names, script URLs. */
export function namedNodeTypes(m: SnapshotMeta): Uint8Array {
  const wants = new Uint8Array(256);
  // `code` for Script nodes, which V8 names by their URL (see HeapGraph.scriptUrl).
  for (const t of ['hidden', 'array', 'object', 'native', 'closure', 'synthetic', 'regexp', 'code']) {
    const i = m.nodeTypes.indexOf(t);
    if (i >= 0) wants[i] = 1;
  }
  return wants;
}

export function namedEdgeTypes(m: SnapshotMeta): Uint8Array {
  const wants = new Uint8Array(256);
  for (const t of ['context', 'property', 'internal', 'shortcut']) {
    const i = m.edgeTypes.indexOf(t);
    if (i >= 0) wants[i] = 1;
  }
  return wants;
}

/** Validates the header's meta and resolves field offsets; a clear error when it is unusable. */
export function checkMeta(
  file: string,
  snapshot: { meta?: SnapshotMeta['raw']; node_count?: number; edge_count?: number } | undefined,
): SnapshotMeta {
  const raw = snapshot?.meta;
  const bad = (what: string): never => {
    throw new HeapSnapshotError(`${file} has an unusable snapshot header: ${what}`);
  };
  if (!raw || !Array.isArray(raw.node_fields) || !Array.isArray(raw.edge_fields)) return bad('no node_fields/edge_fields');
  const nodeCount = snapshot?.node_count;
  const edgeCount = snapshot?.edge_count;
  if (!Number.isSafeInteger(nodeCount) || !Number.isSafeInteger(edgeCount)) return bad('no node_count/edge_count');
  const nf = raw.node_fields;
  const ef = raw.edge_fields;
  const offsets = {
    nodeTypeOffset: nf.indexOf('type'),
    nodeNameOffset: nf.indexOf('name'),
    nodeIdOffset: nf.indexOf('id'),
    nodeSelfSizeOffset: nf.indexOf('self_size'),
    nodeEdgeCountOffset: nf.indexOf('edge_count'),
    edgeTypeOffset: ef.indexOf('type'),
    edgeNameOffset: ef.indexOf('name_or_index'),
    edgeToNodeOffset: ef.indexOf('to_node'),
  };
  for (const [name, at] of Object.entries(offsets)) if (at < 0) bad(`missing field for ${name}`);
  const nodeTypes = raw.node_types?.[offsets.nodeTypeOffset];
  const edgeTypes = raw.edge_types?.[offsets.edgeTypeOffset];
  if (!Array.isArray(nodeTypes) || !Array.isArray(edgeTypes)) return bad('no node_types/edge_types');
  const locationFieldCount = raw.location_fields?.length ?? 4;
  // Locations are read as (object_index, script_id, line, column) tuples.
  if (locationFieldCount < 4) return bad('fewer than 4 location_fields');
  return {
    raw,
    nodeCount: nodeCount as number,
    edgeCount: edgeCount as number,
    nodeFieldCount: nf.length,
    edgeFieldCount: ef.length,
    ...offsets,
    nodeTypes: nodeTypes as string[],
    edgeTypes: edgeTypes as string[],
    locationFieldCount,
  };
}
