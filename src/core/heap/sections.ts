import type { RecordSink } from './numberArrayReader';
import type { SnapshotMeta } from './rawSnapshot';
import type { WantedStrings } from './wantedStrings';

/** The node columns a snapshot is read into. `firstEdge[i + 1]` holds node i's edge count until the reader sums them. */
export interface NodeColumns {
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly nodeSelfSize: Uint32Array;
  readonly firstEdge: Uint32Array;
}

/** The edge columns; `edgeTo` holds node ordinals (the file's node index divided by the node field count). */
export interface EdgeColumns {
  readonly edgeType: Uint8Array;
  readonly edgeName: Uint32Array;
  readonly edgeTo: Uint32Array;
}

export function allocateNodeColumns(nodeCount: number): NodeColumns {
  return {
    nodeType: new Uint8Array(nodeCount),
    nodeName: new Uint32Array(nodeCount),
    nodeId: new Uint32Array(nodeCount),
    nodeSelfSize: new Uint32Array(nodeCount),
    firstEdge: new Uint32Array(nodeCount + 1),
  };
}

/** Edge columns, in shared memory when a second thread fills them. */
export function allocateEdgeColumns(edgeCount: number, shared: boolean): EdgeColumns {
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    edgeType: new Uint8Array(buffer(edgeCount)),
    edgeName: new Uint32Array(buffer(edgeCount * 4)),
    edgeTo: new Uint32Array(buffer(edgeCount * 4)),
  };
}

/** Stores node records and marks the strings they are named by; a type outside `node_types` is malformed. */
export function nodeSink(m: SnapshotMeta, columns: NodeColumns, wanted: WantedStrings, malformed: (what: string) => never): RecordSink {
  const { nodeType, nodeName, nodeId, nodeSelfSize, firstEdge } = columns;
  const { nodeFieldCount: fields, nodeTypeOffset: typeAt, nodeNameOffset: nameAt, nodeIdOffset: idAt } = m;
  const { nodeSelfSizeOffset: sizeAt, nodeEdgeCountOffset: edgesAt } = m;
  const types = m.nodeTypes.length;
  const named = wanted.nodeWants;
  return (values, records, first) => {
    for (let r = 0, at = 0; r < records; r++, at += fields) {
      const n = first + r;
      const type = values[at + typeAt]!;
      if (type >= types) malformed(`node ${n} has type ${type}, not one of the ${types} node_types`);
      const name = values[at + nameAt]!;
      if (named[type]) wanted.mark(name);
      nodeType[n] = type;
      nodeName[n] = name;
      nodeId[n] = values[at + idAt]!;
      nodeSelfSize[n] = values[at + sizeAt]!;
      firstEdge[n + 1] = values[at + edgesAt]!;
    }
  };
}

/**
 * Stores edge records and marks the strings they are named by; a target that is not the index of
 * a node, or a type outside `edge_types`, is malformed.
 */
export function edgeSink(m: SnapshotMeta, columns: EdgeColumns, wanted: WantedStrings, malformed: (what: string) => never): RecordSink {
  const { edgeType, edgeName, edgeTo } = columns;
  const { edgeFieldCount: fields, edgeTypeOffset: typeAt, edgeNameOffset: nameAt, edgeToNodeOffset: toAt } = m;
  const { nodeFieldCount, nodeCount } = m;
  const types = m.edgeTypes.length;
  const named = wanted.edgeWants;
  return (values, records, first) => {
    for (let r = 0, at = 0; r < records; r++, at += fields) {
      const type = values[at + typeAt]!;
      const index = values[at + toAt]!;
      const to = Math.trunc(index / nodeFieldCount);
      if (type >= types || to * nodeFieldCount !== index || to >= nodeCount) badEdge(first + r, type, index);
      const name = values[at + nameAt]!;
      if (named[type]) wanted.mark(name);
      edgeType[first + r] = type;
      edgeName[first + r] = name;
      edgeTo[first + r] = to;
    }
  };
  function badEdge(n: number, type: number, index: number): never {
    if (type >= types) malformed(`edge ${n} has type ${type}, not one of the ${types} edge_types`);
    return malformed(`edge ${n} points at no node (${index})`);
  }
}

/** Locations have no count in the header: the column grows as they arrive. */
export class LocationColumn {
  private values = new Uint32Array(0);
  private length = 0;

  readonly sink: RecordSink = (values, records) => {
    const count = records * this.fieldCount;
    const at = this.length;
    if (at + count > this.values.length) {
      const grown = new Uint32Array(Math.max(1024, (at + count) * 2));
      grown.set(this.values.subarray(0, at));
      this.values = grown;
    }
    this.values.set(values.subarray(0, count), at);
    this.length = at + count;
  };

  constructor(private readonly fieldCount: number) {}

  finish(): Uint32Array {
    return this.values.slice(0, this.length);
  }
}
