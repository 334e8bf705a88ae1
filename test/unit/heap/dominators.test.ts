import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'heap-snapshot-toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { SnapshotBuilder } from '../../support/snapshotBuilder';

/**
 * Small graphs built by hand, one rule of DevTools' retained sizes each. Every case states the
 * dominators and retained sizes a user would see, and checks them against DevTools' own model
 * (heap-snapshot-toolkit) on the same file.
 */
const dir = mkdtempSync(join(tmpdir(), 'mb-dominators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function analyse(name: string, b: SnapshotBuilder) {
  const file = b.write(join(dir, `${name}.heapsnapshot`));
  const ours = HeapGraph.load(file);
  const devtools = await parse(createReadStream(file));
  return {
    dominatorOf: (v: number) => ours.dominance.dominator[v],
    retained: (v: number) => ours.dominance.retainedSize[v],
    agreesWithDevTools() {
      expect(Array.from(ours.dominance.dominator)).toEqual(Array.from(devtools.dominatorsTree as ArrayLike<number>));
      expect(Array.from(ours.dominance.retainedSize)).toEqual(Array.from(devtools.retainedSizes as ArrayLike<number>));
    },
  };
}

describe('retained sizes on hand-built graphs, as DevTools computes them', () => {
  it('a weak edge retains nothing: an object held only weakly hangs off the root', async () => {
    const b = new SnapshotBuilder();
    const holder = b.node('object', 'Holder', 100);
    const weakOnly = b.node('object', 'Cached', 50);
    const owned = b.node('object', 'Owned', 10);
    b.edge(b.root, 'element', 1, holder).edge(holder, 'weak', 'cache', weakOnly).edge(holder, 'property', 'owned', owned);
    const g = await analyse('weak-only', b);
    expect(g.dominatorOf(weakOnly)).toBe(b.root);
    expect(g.dominatorOf(owned)).toBe(holder);
    expect(g.retained(holder)).toBe(110);
    expect(g.retained(weakOnly)).toBe(50);
    expect(g.retained(b.root)).toBe(160);
    g.agreesWithDevTools();
  });

  it("a WeakMap value is retained by its key, not by the map's table (ephemeron)", async () => {
    const b = new SnapshotBuilder();
    const map = b.node('object', 'WeakMap', 20);
    const table = b.node('object', 'EphemeronHashTable', 30);
    const key = b.node('object', 'Key', 10);
    const value = b.node('object', 'Value', 1000);
    b.edge(b.root, 'element', 1, map).edge(b.root, 'element', 2, key).edge(map, 'internal', 'table', table).weakMapEntry(table, key, value);
    const g = await analyse('weakmap', b);
    expect(g.dominatorOf(value)).toBe(key);
    expect(g.retained(key)).toBe(1010);
    expect(g.retained(map)).toBe(50);
    g.agreesWithDevTools();
  });

  it('a WeakMap edge from another table than the one it names still retains', async () => {
    const b = new SnapshotBuilder();
    const table = b.node('object', 'EphemeronHashTable', 30);
    const other = b.node('object', 'EphemeronHashTable', 30);
    const key = b.node('object', 'Key', 10);
    const value = b.node('object', 'Value', 1000);
    b.edge(b.root, 'element', 1, other).edge(b.root, 'element', 2, key).edge(b.root, 'element', 3, table);
    // The pair names `table`, but the edge comes from `other`: only the named table's half is ignored.
    b.weakMapEntry(table, key, value);
    const name = `1 / part of key (Key @${b.idOf(key)}) -> value (Value @${b.idOf(value)}) pair in WeakMap (table @${b.idOf(table)})`;
    b.edge(other, 'internal', name, value);
    const g = await analyse('weakmap-other-table', b);
    expect(g.dominatorOf(value)).toBe(b.root);
    g.agreesWithDevTools();
  });

  it('an unreachable cycle is still counted, hanging off the root', async () => {
    const b = new SnapshotBuilder();
    const live = b.node('object', 'Live', 10);
    const x = b.node('object', 'Orphan', 100);
    const y = b.node('object', 'Orphan', 200);
    b.edge(b.root, 'element', 1, live).edge(x, 'property', 'next', y).edge(y, 'property', 'next', x);
    const g = await analyse('unreachable-clique', b);
    expect(g.retained(b.root)).toBe(310);
    expect(g.retained(live)).toBe(10);
    // Neither orphan is reached from a GC root, so no live object is charged for them.
    expect([g.dominatorOf(x), g.dominatorOf(y)]).toContain(b.root);
    expect(g.retained(x) + g.retained(y)).toBeGreaterThanOrEqual(300);
    g.agreesWithDevTools();
  });

  it("shortcut edges retain only from the root, and nothing outside the page retains the page's objects", async () => {
    const b = new SnapshotBuilder();
    const window = b.node('object', 'Window', 10);
    const shared = b.node('object', 'Shared', 20);
    const gcRoots = b.node('synthetic', '(GC roots)', 0);
    const global = b.node('object', 'Global', 5);
    const outsider = b.node('object', 'Outsider', 7);
    b.edge(b.root, 'shortcut', 'window', window).edge(window, 'property', 'shared', shared);
    b.edge(b.root, 'element', 1, gcRoots).edge(gcRoots, 'element', 1, global);
    // Not essential: a shortcut from a node other than the root, and an edge from a node outside
    // the page (not reached from the root's shortcuts) into one inside it.
    b.edge(global, 'shortcut', 'shared', shared)
      .edge(global, 'property', 'outsider', outsider)
      .edge(outsider, 'property', 'shared', shared);
    const g = await analyse('shortcuts', b);
    expect(g.dominatorOf(shared)).toBe(window);
    expect(g.retained(window)).toBe(30);
    expect(g.retained(global)).toBe(12);
    g.agreesWithDevTools();
  });

  it('a node with two retainers is dominated by their common dominator', async () => {
    const b = new SnapshotBuilder();
    const top = b.node('object', 'Top', 1);
    const left = b.node('object', 'Left', 2);
    const right = b.node('object', 'Right', 4);
    const shared = b.node('object', 'Shared', 8);
    b.edge(b.root, 'element', 1, top).edge(top, 'property', 'l', left).edge(top, 'property', 'r', right);
    b.edge(left, 'property', 's', shared).edge(right, 'property', 's', shared).edge(shared, 'property', 'self', shared);
    const g = await analyse('diamond', b);
    expect(g.dominatorOf(shared)).toBe(top);
    expect([g.retained(top), g.retained(left), g.retained(right), g.retained(shared)]).toEqual([15, 2, 4, 8]);
    g.agreesWithDevTools();
  });
});
