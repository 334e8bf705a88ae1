/** A heap snapshot that cannot be read: bad input, told to the user as it is. */
export class HeapSnapshotError extends Error {
  override name = 'HeapSnapshotError';
}

export interface SnapshotMeta {
  readonly raw: {
    node_fields: string[];
    node_types?: unknown[];
    edge_fields: string[];
    edge_types?: unknown[];
    location_fields?: string[];
  };
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly nodeFieldCount: number;
  readonly edgeFieldCount: number;
  readonly nodeTypeOffset: number;
  readonly nodeNameOffset: number;
  readonly nodeIdOffset: number;
  readonly nodeSelfSizeOffset: number;
  readonly nodeEdgeCountOffset: number;
  readonly edgeTypeOffset: number;
  readonly edgeNameOffset: number;
  readonly edgeToNodeOffset: number;
  readonly nodeTypes: readonly string[];
  readonly edgeTypes: readonly string[];
  readonly locationFieldCount: number;
}

/**
 * The snapshot as columns: one typed array per node field and per edge field, indexed by node
 * ordinal and edge ordinal. Edges are in node order (CSR): node i owns edges
 * `firstEdge[i] .. firstEdge[i+1]`. `edgeTo` holds node ordinals, not the file's node indices.
 */
export interface RawSnapshot {
  readonly file: string;
  readonly fileBytes: number;
  readonly meta: SnapshotMeta;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  /** Mutable: DevTools-style shallow-size attribution moves sizes of owned internals to their owner. */
  readonly nodeSelfSize: Uint32Array;
  readonly firstEdge: Uint32Array;
  readonly edgeType: Uint8Array;
  readonly edgeName: Uint32Array;
  readonly edgeTo: Uint32Array;
  /** Flat `location_fields` tuples (object_index, script_id, line, column). */
  readonly locations: Uint32Array;
  /** Only the strings something refers to are decoded; the rest are ''. */
  readonly strings: string[];
}
