/**
 * WebKit answers `Heap.snapshot` with the whole snapshot as one JSON string inside one message.
 * Decoding that string with `JSON.parse` would hold it twice more in this process and fails past
 * V8's string limit (~512 MB), so its bytes are unescaped straight from the message buffer into
 * chunks for the file instead.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SIMPLE_ESCAPES: Record<number, number> = {
  0x22: 0x22, // \"
  0x5c: 0x5c, // \\
  0x2f: 0x2f, // \/
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
};

export class JsonStringError extends Error {}

/**
 * Finds `"<key>":"` in the first `searchBytes` of `source` and returns the index just after that
 * opening quote, or -1.
 */
export function findStringValue(source: Uint8Array, key: string, searchBytes = 4096): number {
  const needle = Buffer.from(`"${key}":"`);
  const at = Buffer.from(source.buffer, source.byteOffset, Math.min(source.length, searchBytes)).indexOf(needle);
  return at < 0 ? -1 : at + needle.length;
}

/**
 * Unescapes the JSON string whose text starts at `start` (just after its opening quote) into UTF-8,
 * handing it to `write` in chunks of at most `chunkBytes`. Returns the index after the closing quote.
 * A lone surrogate is written back as its `\uXXXX` escape: it can only stand inside a string of the
 * text being decoded (a JSON document itself), where that escape is what it means.
 */
export function unescapeJsonString(source: Uint8Array, start: number, write: (chunk: Uint8Array) => void, chunkBytes = 1 << 20): number {
  const bytes = Buffer.from(source.buffer, source.byteOffset, source.length);
  let out = new Uint8Array(chunkBytes + 8);
  let used = 0;
  const flush = () => {
    if (used === 0) return;
    write(out.subarray(0, used));
    // The consumer may keep the chunk (a write queue): never reuse memory it was given.
    out = new Uint8Array(chunkBytes + 8);
    used = 0;
  };
  const push = (b: number) => {
    out[used++] = b;
    if (used >= chunkBytes) flush();
  };
  let i = start;
  // Next quote and backslash, searched again only once passed: each byte is looked at a bounded number of times.
  let quote = -1;
  let backslash = -1;
  for (;;) {
    if (quote < i) quote = bytes.indexOf(QUOTE, i) >>> 0;
    if (backslash < i) backslash = bytes.indexOf(BACKSLASH, i) >>> 0;
    // Copy the run up to the next quote or backslash in one go: most of a snapshot is digits and commas.
    const stop = Math.min(quote, backslash, bytes.length);
    while (i < stop) {
      const n = Math.min(stop - i, chunkBytes - used);
      out.set(bytes.subarray(i, i + n), used);
      used += n;
      i += n;
      if (used >= chunkBytes) flush();
    }
    if (i >= bytes.length) throw new JsonStringError('the string has no closing quote (truncated message)');
    if (bytes[i] === QUOTE) {
      flush();
      return i + 1;
    }
    const kind = bytes[i + 1];
    if (kind === undefined) throw new JsonStringError('the string ends inside an escape');
    if (kind !== 0x75) {
      const simple = SIMPLE_ESCAPES[kind];
      if (simple === undefined) throw new JsonStringError(`bad escape \\${String.fromCharCode(kind)} at byte ${i}`);
      push(simple);
      i += 2;
      continue;
    }
    const unit = hex4(bytes, i + 2);
    i += 6;
    if (unit >= 0xd800 && unit <= 0xdbff && bytes[i] === BACKSLASH && bytes[i + 1] === 0x75) {
      const low = hex4(bytes, i + 2);
      if (low >= 0xdc00 && low <= 0xdfff) {
        pushUtf8(push, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
        i += 6;
        continue;
      }
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      for (const c of `\\u${unit.toString(16).padStart(4, '0')}`) push(c.charCodeAt(0));
    } else {
      pushUtf8(push, unit);
    }
  }
}

function hex4(bytes: Uint8Array, at: number): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const c = bytes[at + k];
    const digit =
      c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) throw new JsonStringError(`bad \\u escape at byte ${at - 2}`);
    value = value * 16 + digit;
  }
  return value;
}

function pushUtf8(push: (b: number) => void, code: number): void {
  if (code < 0x80) push(code);
  else if (code < 0x800) {
    push(0xc0 | (code >> 6));
    push(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    push(0xe0 | (code >> 12));
    push(0x80 | ((code >> 6) & 0x3f));
    push(0x80 | (code & 0x3f));
  } else {
    push(0xf0 | (code >> 18));
    push(0x80 | ((code >> 12) & 0x3f));
    push(0x80 | ((code >> 6) & 0x3f));
    push(0x80 | (code & 0x3f));
  }
}
