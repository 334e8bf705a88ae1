import { describe, expect, it } from 'vitest';
import { findStringValue, JsonStringError, unescapeJsonString } from '../../../src/core/inspector/jsonStringStream';

/** A reply as WebKit sends it for Heap.snapshot, with `text` as its snapshotData. */
function reply(text: string): Buffer {
  return Buffer.from(`{"result":{"timestamp":1.5,"snapshotData":${JSON.stringify(text)}},"id":7}`);
}

function unescaped(message: Buffer, chunkBytes: number): { bytes: Buffer; end: number } {
  const chunks: Buffer[] = [];
  const end = unescapeJsonString(message, findStringValue(message, 'snapshotData'), (c) => chunks.push(Buffer.from(c)), chunkBytes);
  return { bytes: Buffer.concat(chunks), end };
}

describe("writing Bun's snapshot to disk straight from the reply's bytes", () => {
  const snapshot = JSON.stringify({
    version: 3,
    type: 'Inspector',
    nodes: [0, 0, 0, 0, 1, 32, 1, 2],
    nodeClassNames: ['<root>', 'Grüße "quoted" \\ back\\slash', 'tab\there', 'new\nline', 'emoji 🎉 and 𝄞', 'nul \u0001 ctrl'],
    edges: [],
    edgeTypes: ['Internal'],
    edgeNames: ['/slash', 'ä'],
  });

  it('writes exactly the snapshot text, whatever the chunk size', () => {
    const message = reply(snapshot);
    for (const chunkBytes of [1, 3, 7, 64, 1 << 20]) {
      const { bytes, end } = unescaped(message, chunkBytes);
      expect(bytes.toString('utf8')).toBe(snapshot);
      expect(message.subarray(end).toString()).toBe('},"id":7}');
    }
  });

  it('keeps a lone surrogate, escaped once or twice, as the snapshot means it', () => {
    const names = ['a\ud800b', '🎉', '\udc00'];
    // As WebKit sends it: escaped inside the snapshot, then once more in the reply.
    expect(JSON.parse(unescaped(reply(JSON.stringify(names)), 5).bytes.toString('utf8'))).toEqual(names);
    // A raw lone surrogate inside the snapshot's text, escaped only by the reply: written back as its
    // escape, it stands inside a string of the snapshot, where that is valid JSON.
    const once = Buffer.from('{"result":{"snapshotData":"[\\"a\\ud800b\\",\\"\\ud83c\\udf89\\",\\"\\udc00\\"]"},"id":1}');
    expect(JSON.parse(unescaped(once, 5).bytes.toString('utf8'))).toEqual(names);
  });

  it('refuses a cut-off reply instead of writing half a file silently', () => {
    const message = reply(snapshot);
    const cut = message.subarray(0, message.length - 20);
    expect(() => unescaped(cut, 64)).toThrow(JsonStringError);
    expect(findStringValue(Buffer.from('{"result":{}}'), 'snapshotData')).toBe(-1);
  });
});
