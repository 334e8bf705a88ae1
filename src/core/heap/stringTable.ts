import { BACKSLASH, CLOSE, QUOTE } from './bytes';
import { HeapSnapshotError, type SnapshotMeta } from './rawSnapshot';
import { namedEdgeTypes, namedNodeTypes } from './snapshotMeta';

/**
 * Reads the snapshot's `strings` array, decoding only the strings some node or edge name needs
 * (a snapshot's strings include every string value on the heap; most are never looked at).
 * Strings may span read chunks; escapes are rare, so backslashes are searched once per chunk.
 */
export class StringTableReader {
  private readonly wanted: Uint8Array;
  readonly strings: string[];
  private index = 0;
  private inString = false;
  private escape = false;
  private hasEscape = false;
  private parts: Buffer[] = [];
  private nextBackslash = -1;
  /** File offset of the chunk being read, and of the string that is open. */
  private chunkStart = 0;
  private stringStart = 0;

  constructor(
    private readonly file: string,
    fileBytes: number,
    meta: SnapshotMeta,
    nodeType: Uint8Array,
    nodeName: Uint32Array,
    edgeType: Uint8Array,
    edgeName: Uint32Array,
  ) {
    this.wanted = wantedStrings(file, fileBytes, meta, nodeType, nodeName, edgeType, edgeName);
    this.strings = new Array<string>(this.wanted.length);
  }

  /** A new chunk is in the buffer, read from `fileOffset`: cached search positions are stale. */
  newChunk(fileOffset: number): void {
    this.chunkStart = fileOffset;
    this.nextBackslash = -1;
  }

  /** True while a string is open (the file must not end here). */
  get midString(): boolean {
    return this.inString;
  }

  /** Strings read so far, and the highest index a name refers to plus one. */
  get counts(): { read: number; needed: number } {
    return { read: this.index, needed: this.wanted.length };
  }

  /** Consumes bytes of the array; returns where it stopped and whether the array closed. */
  consume(buf: Buffer, from: number, end: number): { at: number; closed: boolean } {
    let i = from;
    while (i < end) {
      if (!this.inString) {
        const c = buf[i++]!;
        if (c === QUOTE) {
          this.stringStart = this.chunkStart + i - 1;
          this.inString = true;
          this.escape = false;
          this.hasEscape = false;
        } else if (c === CLOSE) {
          return { at: i, closed: true };
        }
        continue;
      }
      const want = this.index < this.wanted.length && this.wanted[this.index] === 1;
      const closing = this.findClosingQuote(buf, i, end);
      if (closing < 0) {
        if (want) this.parts.push(Buffer.from(buf.subarray(i, end)));
        return { at: end, closed: false };
      }
      if (want) this.strings[this.index] = this.decode(buf, i, closing);
      // Setting an array's length is a runtime call: only when a string did span chunks.
      if (this.parts.length > 0) this.parts = [];
      this.index++;
      this.inString = false;
      i = closing + 1;
    }
    return { at: i, closed: false };
  }

  /** Fills strings nobody needed with ''. */
  finish(): string[] {
    const strings = this.strings;
    for (let i = 0; i < strings.length; i++) if (strings[i] === undefined) strings[i] = '';
    return strings;
  }

  /** Position of the quote that ends the open string, or -1 when it continues past `end`. */
  private findClosingQuote(buf: Buffer, from: number, end: number): number {
    let j = from;
    let escape = this.escape;
    let closed = -1;
    while (j < end) {
      if (escape) {
        escape = false;
        j++;
        continue;
      }
      const q = buf.indexOf(QUOTE, j);
      if (this.nextBackslash < j) {
        const b = buf.indexOf(BACKSLASH, j);
        this.nextBackslash = b < 0 || b >= end ? end : b;
      }
      const quote = q < 0 || q >= end ? end : q;
      if (this.nextBackslash < quote) {
        this.hasEscape = true;
        escape = true;
        j = this.nextBackslash + 1;
      } else {
        if (quote < end) closed = quote;
        break;
      }
    }
    this.escape = escape;
    return closed;
  }

  private decode(buf: Buffer, from: number, to: number): string {
    if (this.parts.length === 0 && !this.hasEscape) return buf.toString('utf8', from, to);
    this.parts.push(Buffer.from(buf.subarray(from, to)));
    const raw = Buffer.concat(this.parts).toString('utf8');
    if (!this.hasEscape) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch (err) {
      throw new HeapSnapshotError(
        `${this.file} is malformed: string ${this.index} at byte ${this.stringStart.toLocaleString('en-US')} has a bad escape ` +
          `(${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')})`,
      );
    }
  }
}

/** Marks the strings that name a class, function, property or variable: the only ones decoded. */
function wantedStrings(
  file: string,
  fileBytes: number,
  meta: SnapshotMeta,
  nodeType: Uint8Array,
  nodeName: Uint32Array,
  edgeType: Uint8Array,
  edgeName: Uint32Array,
): Uint8Array {
  const nodeWants = namedNodeTypes(meta);
  const edgeWants = namedEdgeTypes(meta);
  // Two passes, the largest index first, so the marks are allocated once at their size.
  let max = -1;
  for (let i = 0; i < meta.nodeCount; i++) if (nodeWants[nodeType[i]!] && nodeName[i]! > max) max = nodeName[i]!;
  for (let i = 0; i < meta.edgeCount; i++) if (edgeWants[edgeType[i]!] && edgeName[i]! > max) max = edgeName[i]!;
  // Each string takes at least 3 bytes (`"",`): a name past that is refused before anything is allocated.
  if (max >= fileBytes / 3) {
    throw new HeapSnapshotError(`${file} is malformed: a name refers to string ${max}, more strings than the file can hold`);
  }
  const wanted = new Uint8Array(max + 1);
  for (let i = 0; i < meta.nodeCount; i++) if (nodeWants[nodeType[i]!]) wanted[nodeName[i]!] = 1;
  for (let i = 0; i < meta.edgeCount; i++) if (edgeWants[edgeType[i]!]) wanted[edgeName[i]!] = 1;
  return wanted;
}
