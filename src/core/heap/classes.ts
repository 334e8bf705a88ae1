import { locationOffsets } from './locationFields';
import type { RawSnapshot } from './rawSnapshot';
import type { TypeIds } from './typeIds';

/**
 * Groups nodes into classes exactly as DevTools' Summary view does (HeapSnapshot.ts
 * calculateObjectNames, inferInterfaceDefinitions/applyInterfaceDefinitions, classKeyInternal):
 * objects by constructor name, plus source location when V8 recorded one; plain `Object`s by the
 * most common property sets (`{id, name}`); other node types by a type label like `(string)`.
 */
export interface SourceLocation {
  readonly scriptId: number;
  readonly line: number;
  readonly column: number;
}

export interface ClassTable {
  /** Class id per node ordinal. */
  readonly classOf: Uint32Array;
  readonly names: string[];
  /** Identity of a class across snapshots of one process: name, plus location when there is one. */
  readonly keys: string[];
  readonly locations: (SourceLocation | undefined)[];
  /** Interface definitions in force, so a compared snapshot can be classified the same way. */
  readonly interfaces: InterfaceDefinition[];
  /** Location tuple index per node ordinal, -1 for none. */
  readonly locationOf: Int32Array;
}

export interface InterfaceDefinition {
  readonly name: string;
  readonly properties: string[];
  readonly count: number;
}

const MIN_INTERFACE_PROPERTY_COUNT = 1;
const MAX_INTERFACE_NAME_LENGTH = 120;
const MIN_OBJECT_COUNT_PER_INTERFACE = 2;
const MIN_OBJECT_PROPORTION_PER_INTERFACE = 1000;
/** JS Maps stop at 2^24 entries: past this many property sets, the rest are not remembered. */
const CACHE_LIMIT = 1 << 20;
/** A plain object whose property set came after CACHE_LIMIT others: matched on its own. */
const UNCACHED = -2;

export function classify(s: RawSnapshot, t: TypeIds, given?: InterfaceDefinition[]): ClassTable {
  const n = s.nodeCount;
  const locationOf = new Int32Array(n).fill(-1);
  const lf = s.meta.locationFieldCount;
  const lo = locationOffsets(s.meta);
  const nodeFieldCount = s.meta.nodeFieldCount;
  for (let i = 0; i + lf <= s.locations.length; i += lf) {
    const ordinal = s.locations[i]! / nodeFieldCount;
    if (Number.isInteger(ordinal) && ordinal < n) locationOf[ordinal] = i;
  }
  const objectName = s.strings.indexOf('Object');
  const isPlain = (v: number) => s.nodeType[v] === t.object && s.nodeName[v] === objectName;
  const sets = given?.length === 0 ? undefined : propertySets(s, t, isPlain);
  const interfaces = given ?? inferInterfaces(s, t, sets!);
  const matcher = new InterfaceMatcher(interfaces);
  const matchOfSet: (string | undefined)[] = [];
  const matchOf = (v: number, name: string) => {
    const properties: string[] = [];
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++)
      if (s.edgeType[e] === t.edgeProperty) properties.push(s.strings[s.edgeName[e]!]!);
    return matcher.match(properties) ?? name;
  };
  // Objects of a class with a source location share it: a number key for the location finds the
  // class without building the string key, when it fits in 53 bits (it does for real programs).
  const byLocation = new Map<number, number>();

  const names: string[] = [];
  const keys: string[] = [];
  const locations: (SourceLocation | undefined)[] = [];
  const byKey = new Map<string, number>();
  const byString = new Int32Array(s.strings.length).fill(-1);
  const byType = new Int32Array(s.meta.nodeTypes.length).fill(-1);
  const classFor = (key: string, name: string, location?: SourceLocation) => {
    let id = byKey.get(key);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      keys.push(key);
      locations.push(location);
      byKey.set(key, id);
    }
    return id;
  };
  const fixedName = (type: number) =>
    type === t.hidden
      ? '(system)'
      : type === t.code
        ? '(compiled code)'
        : type === t.closure
          ? 'Function'
          : type === t.regexp
            ? 'RegExp'
            : `(${s.meta.nodeTypes[type]})`;

  const classOf = new Uint32Array(n);
  for (let v = 0; v < n; v++) {
    const type = s.nodeType[v]!;
    if (type !== t.object && type !== t.native) {
      let id = byType[type]!;
      if (id < 0) id = byType[type] = classFor(fixedName(type), fixedName(type));
      classOf[v] = id;
      continue;
    }
    const nameIndex = s.nodeName[v]!;
    const at = type === t.object ? locationOf[v]! : -1;
    const plain = sets !== undefined && isPlain(v) && interfaces.length > 0;
    // Most objects: a class already met, by name alone.
    if (at < 0 && !plain && byString[nameIndex]! >= 0) {
      classOf[v] = byString[nameIndex]!;
      continue;
    }
    let name = s.strings[nameIndex]!;
    if (plain) {
      // Plain objects with the same property names get the same interface: match each set once.
      const set = sets!.setOf[v]!;
      name = set === UNCACHED ? matchOf(v, name) : (matchOfSet[set] ??= matchOf(v, name));
    } else if (name.startsWith('<') || name.startsWith('Detached <')) {
      const space = name.indexOf(' ', name.startsWith('<') ? 0 : 10);
      if (space !== -1) name = name.substring(0, space) + '>';
    }
    if (at >= 0) {
      const scriptId = s.locations[at + lo.scriptId]!;
      const line = s.locations[at + lo.line]!;
      const column = s.locations[at + lo.column]!;
      const packed = scriptId < 2 ** 16 && line < 2 ** 20 && column < 2 ** 17 ? (scriptId * 2 ** 20 + line) * 2 ** 17 + column : -1;
      let id = packed >= 0 ? byLocation.get(packed) : undefined;
      if (id === undefined || names[id] !== name) {
        id = classFor(`${scriptId},${line},${column},${name}`, name, { scriptId, line, column });
        if (packed >= 0) byLocation.set(packed, id);
      }
      classOf[v] = id;
    } else if (name === s.strings[nameIndex]) {
      let id = byString[nameIndex]!;
      if (id < 0) id = byString[nameIndex] = classFor(name, name);
      classOf[v] = id;
    } else {
      classOf[v] = classFor(name, name);
    }
  }
  return { classOf, names, keys, locations, interfaces, locationOf };
}

export function formatPropertyName(name: string): string {
  if (!/[,'"{}]/.test(name)) return name;
  const json = JSON.stringify({ [name]: 0 });
  return json.substring(1, json.length - 3);
}

/**
 * Plain objects grouped by their property names in order (`__proto__` aside): an id per distinct
 * set, the first object with it and how many have it, so each set is looked at once.
 */
interface PropertySets {
  readonly setOf: Int32Array;
  readonly first: number[];
  readonly size: number[];
  /** Objects whose set came after CACHE_LIMIT others (setOf is UNCACHED). */
  readonly uncached: number;
}

function propertySets(s: RawSnapshot, t: TypeIds, isPlain: (v: number) => boolean): PropertySets {
  const proto = s.strings.indexOf('__proto__');
  const setOf = new Int32Array(s.nodeCount).fill(-1);
  // Sets by a hash of their property names, each chained to the next set with the same hash.
  const byHash = new Map<number, number>();
  const sameHash: number[] = [];
  const first: number[] = [];
  const size: number[] = [];
  let uncached = 0;
  for (let v = 0; v < s.nodeCount; v++) {
    if (!isPlain(v)) continue;
    const hash = propertyHash(s, t, v, proto);
    let id = byHash.get(hash);
    while (id !== undefined && id >= 0 && !sameProperties(s, t, first[id]!, v, proto)) id = sameHash[id];
    if (id === undefined || id < 0) {
      if (first.length >= CACHE_LIMIT) {
        setOf[v] = UNCACHED;
        uncached++;
        continue;
      }
      id = first.length;
      sameHash.push(byHash.get(hash) ?? -1);
      byHash.set(hash, id);
      first.push(v);
      size.push(0);
    }
    setOf[v] = id;
    size[id]!++;
  }
  return { setOf, first, size, uncached };
}

function inferInterfaces(s: RawSnapshot, t: TypeIds, sets: PropertySets): InterfaceDefinition[] {
  const candidates = new Map<string, { name: string; properties: string[]; count: number }>();
  let total = 0;
  const add = (v: number, count: number) => {
    total += count;
    const candidate = interfaceCandidate(s, t, v);
    if (!candidate) return;
    const existing = candidates.get(candidate.name);
    if (existing) existing.count += count;
    else candidates.set(candidate.name, { ...candidate, count });
  };
  sets.first.forEach((v, id) => add(v, sets.size[id]!));
  if (sets.uncached > 0) for (let v = 0; v < s.nodeCount; v++) if (sets.setOf[v] === UNCACHED) add(v, 1);
  const sorted = [...candidates.values()].sort((a, b) => b.count - a.count);
  const minCount = Math.max(MIN_OBJECT_COUNT_PER_INTERFACE, total / MIN_OBJECT_PROPORTION_PER_INTERFACE);
  const result: InterfaceDefinition[] = [];
  for (const c of sorted) {
    if (c.count < minCount) break;
    result.push(c);
  }
  return result;
}

/** DevTools' interface name for one plain object: `{a, b, c}` from its property names, length-capped. */
function interfaceCandidate(s: RawSnapshot, t: TypeIds, v: number): { name: string; properties: string[] } | null {
  let name = '{';
  const properties: string[] = [];
  for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++) {
    const edgeName = s.strings[s.edgeName[e]!]!;
    if (s.edgeType[e] !== t.edgeProperty || edgeName === '__proto__') continue;
    const formatted = formatPropertyName(edgeName);
    if (name.length > MIN_INTERFACE_PROPERTY_COUNT && name.length + formatted.length > MAX_INTERFACE_NAME_LENGTH) break;
    if (name.length !== 1) name += ', ';
    name += formatted;
    properties.push(edgeName);
  }
  return properties.length === 0 ? null : { name: name + '}', properties };
}

/** A hash of the names of a node's property edges, in order (FNV-1a over the string indices). */
function propertyHash(s: RawSnapshot, t: TypeIds, v: number, skip: number): number {
  let hash = 0x811c9dc5;
  for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++) {
    const name = s.edgeName[e]!;
    if (s.edgeType[e] === t.edgeProperty && name !== skip) hash = Math.imul(hash ^ name, 0x01000193);
  }
  return hash;
}

/** True when nodes a and b have the same property names in the same order. */
function sameProperties(s: RawSnapshot, t: TypeIds, a: number, b: number, skip: number): boolean {
  const property = (e: number) => s.edgeType[e] === t.edgeProperty && s.edgeName[e] !== skip;
  let ea = s.firstEdge[a]!;
  let eb = s.firstEdge[b]!;
  const endA = s.firstEdge[a + 1]!;
  const endB = s.firstEdge[b + 1]!;
  for (;;) {
    while (ea < endA && !property(ea)) ea++;
    while (eb < endB && !property(eb)) eb++;
    if (ea === endA || eb === endB) return ea === endA && eb === endB;
    if (s.edgeName[ea++] !== s.edgeName[eb++]) return false;
  }
}

interface MatchInfo {
  readonly name: string;
  readonly propertyCount: number;
  readonly index: number;
}
interface PropertyTreeNode {
  readonly next: Map<string, PropertyTreeNode>;
  matchInfo: MatchInfo | null;
  greatestNext: string | null;
}

/** DevTools' property tree: an object takes the interface with the most of its properties, earliest first. */
class InterfaceMatcher {
  private readonly root: PropertyTreeNode = { next: new Map(), matchInfo: null, greatestNext: null };
  private readonly initial: MatchInfo = { name: 'Object', propertyCount: 0, index: Infinity };

  constructor(definitions: readonly InterfaceDefinition[]) {
    definitions.forEach((definition, index) => {
      let node = this.root;
      for (const property of [...definition.properties].sort()) {
        let next = node.next.get(property);
        if (!next) {
          next = { next: new Map(), matchInfo: null, greatestNext: null };
          node.next.set(property, next);
          if (node.greatestNext === null || node.greatestNext < property) node.greatestNext = property;
        }
        node = next;
      }
      node.matchInfo ??= { name: definition.name, propertyCount: definition.properties.length, index };
    });
  }

  /** Returns the interface name, or undefined for a plain `Object`. Sorts `properties` in place. */
  match(properties: string[]): string | undefined {
    properties.sort();
    const states = new Set<PropertyTreeNode>([this.root]);
    let match = better(this.initial, this.root.matchInfo);
    for (const property of properties) {
      for (const state of Array.from(states)) {
        if (state.greatestNext === null || property >= state.greatestNext) states.delete(state);
        const next = state.next.get(property);
        if (next) {
          states.add(next);
          match = better(match, next.matchInfo);
        }
      }
    }
    return match === this.initial ? undefined : match.name;
  }
}

function better(a: MatchInfo, b: MatchInfo | null): MatchInfo {
  if (!b || a.propertyCount > b.propertyCount) return a;
  if (b.propertyCount > a.propertyCount) return b;
  return a.index <= b.index ? a : b;
}
