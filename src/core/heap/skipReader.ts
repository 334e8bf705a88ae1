import { BACKSLASH, CLOSE, OPEN, QUOTE } from './bytes';

/** Skips an array the summary does not use (trace tree, samples), nested arrays and strings included. */
export class SkipReader {
  private depth = 1;
  private inString = false;
  private escape = false;

  get closed(): boolean {
    return this.depth === 0;
  }

  /** Reads `buf[from..end)`; returns where it stopped: just after the closing bracket, or `end`. */
  consume(buf: Uint8Array, from: number, end: number): number {
    for (let i = from; i < end; i++) {
      const c = buf[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN) this.depth++;
      else if (c === CLOSE && --this.depth === 0) return i + 1;
    }
    return end;
  }
}
