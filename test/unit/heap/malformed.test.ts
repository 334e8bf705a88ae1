import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { HeapSnapshotError } from '../../../src/core/heap/rawSnapshot';
import { SnapshotBuilder } from '../../support/snapshotBuilder';

/** Bad tokens and counts in a snapshot: each is refused with a HeapSnapshotError naming the file and the fault. */
const dir = mkdtempSync(join(tmpdir(), 'mb-malformed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function graph(): SnapshotBuilder {
  const b = new SnapshotBuilder();
  const a = b.node('object', 'A', 10);
  const c = b.node('object', 'C', 20);
  b.edge(b.root, 'element', 1, a).edge(a, 'property', 'c', c).edge(c, 'property', 'a', a);
  return b;
}

type Parts = Parameters<Parameters<SnapshotBuilder['text']>[0] & object>[0];

function refused(name: string, mutate: (p: Parts) => void, text?: (s: string) => string): HeapSnapshotError {
  const file = join(dir, `${name}.heapsnapshot`);
  writeFileSync(file, (text ?? ((s) => s))(graph().text(mutate)));
  let thrown: unknown;
  try {
    HeapGraph.load(file, { chunkBytes: 64 });
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(HeapSnapshotError);
  expect((thrown as Error).message).toContain(file);
  return thrown as HeapSnapshotError;
}

describe('malformed tokens in a snapshot', () => {
  it('the builder makes a good snapshot to start from', () => {
    const file = graph().write(join(dir, 'good.heapsnapshot'));
    expect(HeapGraph.load(file, { chunkBytes: 64 }).info()).toMatchObject({ nodeCount: 3, edgeCount: 3, totalSize: 30 });
  });

  it.each([
    ['a fraction', '1.5', /unexpected character "\." in the nodes array/],
    ['a negative number', '-1', /unexpected character "-" in the nodes array/],
    ['an exponent', '1e3', /unexpected character "e" in the nodes array/],
    ['a string', '"x"', /unexpected character """ in the nodes array/],
    ['a number past 32 bits', '4294967296', /number in the nodes array is larger than 32 bits/],
    ['a number of 30 digits', '1'.repeat(30), /larger than 32 bits/],
  ])('%s among the node numbers', (_, token, message) => {
    const err = refused(
      `token-${token.length}-${token.charCodeAt(0)}`,
      () => {},
      (s) => s.replace('"nodes":[9,', `"nodes":[${token},`),
    );
    expect(err.message).toMatch(message);
  });

  it('a node type outside node_types', () => {
    expect(refused('node-type', (p) => (p.nodes[7] = 99)).message).toMatch(/node 1 has type 99, not one of the 15 node_types/);
  });

  it('an edge that points between nodes, or past the last one', () => {
    expect(refused('edge-between', (p) => (p.edges[2] = 8)).message).toMatch(/edge 0 points at no node \(8\)/);
    expect(refused('edge-past', (p) => (p.edges[5] = 21)).message).toMatch(/edge 1 points at no node \(21\)/);
  });

  it('edge counts that wrap around in 32 bits to add up to edge_count', () => {
    // 4294967295 + 3 + 1 is 3 in 32-bit arithmetic: the header's edge_count.
    const err = refused('wrapping-counts', (p) => {
      p.nodes[4] = 4294967295;
      p.nodes[11] = 3;
      p.nodes[18] = 1;
    });
    expect(err.message).toMatch(/edge counts add up to more than edge_count 3/);
  });

  it('more nodes than node_count, or fewer', () => {
    expect(refused('more-nodes', (p) => (p.header.node_count = 2)).message).toMatch(/more nodes than node_count \(2\)|node_count is 2/);
    expect(refused('fewer-nodes', (p) => p.nodes.splice(14, 7)).message).toMatch(/node_count is 3 but the nodes array holds 2/);
    expect(refused('partial-node', (p) => p.nodes.splice(20, 1)).message).toMatch(/ends inside a record/);
  });

  it('a header that promises more than the file can hold is refused before anything is allocated', () => {
    const err = refused('huge-counts', (p) => {
      p.header.node_count = 2 ** 40;
      p.header.edge_count = 2 ** 40;
    });
    expect(err.message).toMatch(/truncated \(or malformed\): its header promises 1,099,511,627,776 nodes/);
  });

  it('a name that refers to a string past what the file can hold', () => {
    expect(refused('huge-name', (p) => (p.nodes[8] = 4_000_000_000)).message).toMatch(
      /refers to string 4000000000, more strings than the file can hold/,
    );
  });

  it('a name that refers to a string the table does not have', () => {
    expect(refused('missing-string', (p) => (p.nodes[8] = p.strings.length + 5)).message).toMatch(
      /names refer to string \d+ but the table has \d+/,
    );
  });

  it('a bad \\u escape in a string someone needs, told with the byte offset', () => {
    const err = refused(
      'bad-escape',
      () => {},
      (s) => s.replace('"A"', '"A\\uZZZZ"'),
    );
    const offset = graph().text().lastIndexOf('"A"');
    expect(err.message).toMatch(new RegExp(`string \\d+ at byte ${offset.toLocaleString('en-US')} has a bad escape \\(Bad Unicode escape`));
  });

  it('a raw control character inside a needed string', () => {
    expect(
      refused(
        'control',
        () => {},
        (s) => s.replace('"C"', '"C\\u0041\n"'),
      ).message,
    ).toMatch(/has a bad escape/);
  });
});
