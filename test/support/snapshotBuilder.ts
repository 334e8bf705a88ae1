import { writeFileSync } from 'node:fs';

/**
 * Builds small heap snapshots by hand, in V8's file format, for graphs a real program cannot be
 * made to produce on demand (a WeakMap's ephemeron edges, an unreachable cycle, a weak-only
 * retainer). Node 0 is the synthetic root; ids follow V8's habit (root 1, objects odd).
 */
export const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
  'symbol',
  'bigint',
  'object shape',
] as const;
export const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export type EdgeType = (typeof EDGE_TYPES)[number];

interface BuiltNode {
  readonly type: NodeType;
  readonly name: string;
  readonly id: number;
  readonly selfSize: number;
  readonly edges: { type: EdgeType; name: string | number; to: number }[];
}

export class SnapshotBuilder {
  private readonly nodes: BuiltNode[] = [];

  constructor() {
    this.nodes.push({ type: 'synthetic', name: '', id: 1, selfSize: 0, edges: [] });
  }

  readonly root = 0;

  /** Adds a node; returns its ordinal. */
  node(type: NodeType, name: string, selfSize: number): number {
    this.nodes.push({ type, name, id: 2 * this.nodes.length + 1, selfSize, edges: [] });
    return this.nodes.length - 1;
  }

  idOf(ordinal: number): number {
    return this.nodes[ordinal]!.id;
  }

  /** Adds an edge; element and hidden edges are named by an index, the others by a string. */
  edge(from: number, type: EdgeType, name: string | number, to: number): this {
    this.nodes[from]!.edges.push({ type, name, to });
    return this;
  }

  /**
   * The two edges V8 writes for one WeakMap entry: from the table and from the key to the value,
   * both internal, named after the pair. Only the key's edge retains the value.
   */
  weakMapEntry(table: number, key: number, value: number, index = 1): this {
    const n = (v: number) => `${this.nodes[v]!.name} @${this.idOf(v)}`;
    const name = `${index} / part of key (${n(key)}) -> value (${n(value)}) pair in WeakMap (table @${this.idOf(table)})`;
    return this.edge(table, 'internal', name, value).edge(key, 'internal', name, value);
  }

  /** The snapshot as V8 writes it; `mutate` may change the parts before they are joined. */
  text(
    mutate: (parts: { header: Record<string, unknown>; nodes: number[]; edges: number[]; strings: string[] }) => void = () => {},
  ): string {
    const strings: string[] = [];
    const stringIndex = new Map<string, number>();
    const intern = (s: string) => {
      let i = stringIndex.get(s);
      if (i === undefined) stringIndex.set(s, (i = strings.push(s) - 1));
      return i;
    };
    const nodes: number[] = [];
    const edges: number[] = [];
    for (const node of this.nodes) {
      nodes.push(NODE_TYPES.indexOf(node.type), intern(node.name), node.id, node.selfSize, node.edges.length, 0, 0);
      for (const edge of node.edges) {
        const named = edge.type !== 'element' && edge.type !== 'hidden';
        edges.push(EDGE_TYPES.indexOf(edge.type), named ? intern(String(edge.name)) : Number(edge.name), edge.to * 7);
      }
    }
    const header: Record<string, unknown> = {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [[...NODE_TYPES], 'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [[...EDGE_TYPES], 'string_or_number', 'node'],
        location_fields: ['object_index', 'script_id', 'line', 'column'],
      },
      node_count: this.nodes.length,
      edge_count: edges.length / 3,
      trace_function_count: 0,
    };
    const parts = { header, nodes, edges, strings };
    mutate(parts);
    return (
      `{"snapshot":${JSON.stringify(parts.header)},\n"nodes":[${parts.nodes.join(',')}],\n"edges":[${parts.edges.join(',')}],\n` +
      `"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":${JSON.stringify(parts.strings)}}`
    );
  }

  write(file: string, mutate?: Parameters<SnapshotBuilder['text']>[0]): string {
    writeFileSync(file, this.text(mutate));
    return file;
  }
}
