import { isAscii } from 'node:buffer';
import { BACKSLASH, CLOSE, QUOTE } from './bytes';
import { HeapSnapshotError } from './rawSnapshot';

/** Strings shorter than this (V8's smallest sliced string) are cut from a chunk's text: a cut copies them. */
const SHORT = 13;

/**
 * Reads the snapshot's `strings` array, decoding only the strings some node or edge name needs
 * (a snapshot's strings include every string value on the heap; most are never looked at).
 * Strings may span read chunks; escapes are rare, so backslashes are searched once per chunk.
 */
export class StringTableReader {
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
  /** The chunk as text from `textFrom` on, when it is ASCII. */
  private text?: string;
  private textFrom = 0;
  private textChecked = false;

  /** `wanted` marks the strings to decode (WantedStrings), by index. */
  constructor(
    private readonly file: string,
    private readonly wanted: Uint8Array,
  ) {
    this.strings = new Array<string>(wanted.length);
  }

  /** A new chunk is in the buffer, read from `fileOffset`: cached search positions and text are stale. */
  newChunk(fileOffset: number): void {
    this.chunkStart = fileOffset;
    this.nextBackslash = -1;
    this.text = undefined;
    this.textChecked = false;
  }

  /** The chunk's bytes from `from` to `end` as one string, when they are all ASCII (bytes = characters). */
  private chunkText(buf: Buffer, from: number, end: number): string | undefined {
    if (!this.textChecked) {
      this.textChecked = true;
      if (isAscii(buf.subarray(from, end))) {
        this.text = buf.toString('latin1', from, end);
        this.textFrom = from;
      }
    }
    return this.text;
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
      if (want) this.strings[this.index] = this.decode(buf, i, closing, end);
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

  private decode(buf: Buffer, from: number, to: number, end: number): string {
    if (this.parts.length === 0 && !this.hasEscape) {
      // Most names are short: cut from the chunk's text (decoded once when it is all ASCII), which
      // is far cheaper than a decode each. Longer ones are copied out, so none keeps a chunk alive.
      if (to - from < SHORT && this.chunkText(buf, from, end) !== undefined)
        return this.text!.slice(from - this.textFrom, to - this.textFrom);
      return buf.toString('utf8', from, to);
    }
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
