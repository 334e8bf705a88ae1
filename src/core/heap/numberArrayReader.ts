import { NEWLINE } from './bytes';
import { NUMBER_TOKENIZER_WASM } from './numberTokenizerWasm';

/** Where a section's records go: `records` whole records from `values`, the first being record `first`. */
export type RecordSink = (values: Uint32Array, records: number, first: number) => void;

/** Numbers staged before a batch of whole records goes to the sink. */
const STAGED_NUMBERS = 1 << 16;

const NUMBER_ERRORS: Record<number, (what: string, byte: number) => string> = {
  2: (what, byte) => `unexpected character "${String.fromCharCode(byte)}" in the ${what} array`,
  3: (what) => `a number in the ${what} array is larger than 32 bits`,
};

interface TokenizerExports {
  tokenize(from: number, end: number, out: number, cap: number): number;
  count(): number;
  status(): number;
  irregular(): number;
  reset(fields: number): void;
}

const enum Status {
  Going = 0,
  Closed = 1,
  BadByte = 2,
  TooLarge = 3,
}

// Node has WebAssembly at run time, but its types come with TypeScript's DOM library, which the
// Node side does not load: the little used here, declared.
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
};

let compiled: object | undefined;

/**
 * One thread's tokenizer (numberTokenizer.wat): the WebAssembly instance, and its memory, which
 * holds the read buffer the file's chunks go into and the numbers it stages for the sinks.
 */
export class NumberTokenizer {
  /** The read buffer (`chunkBytes` long), at address 0 of the tokenizer's memory. */
  readonly input: Buffer;
  /** The same bytes as a plain Uint8Array: element loads in hot loops stay monomorphic. */
  readonly inputBytes: Uint8Array;
  readonly staged: Uint32Array;
  readonly stagedAt: number;
  readonly wasm: TokenizerExports;

  /** `stagedNumbers`: room for this many numbers per call (a whole chunk's, for `tokenizeWhole`). */
  constructor(chunkBytes: number, stagedNumbers = STAGED_NUMBERS) {
    this.stagedAt = Math.ceil(chunkBytes / 8) * 8;
    const pages = Math.ceil((this.stagedAt + stagedNumbers * 4) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    compiled ??= new WebAssembly.Module(Buffer.from(NUMBER_TOKENIZER_WASM, 'base64'));
    this.wasm = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as TokenizerExports;
    this.input = Buffer.from(memory.buffer, 0, chunkBytes);
    this.inputBytes = new Uint8Array(memory.buffer, 0, chunkBytes);
    this.staged = new Uint32Array(memory.buffer, this.stagedAt, stagedNumbers);
  }

  /**
   * Tokenizes `input[from..end)` as whole lines of `fields` numbers each (one record per line, as
   * V8 writes them; no bracket, no number cut at either end). Returns how many numbers it staged,
   * or -1 when the range is not laid out so or holds more than there is room for.
   */
  tokenizeWhole(from: number, end: number, fields: number, what: string, malformed: (what: string) => never): number {
    const { wasm } = this;
    wasm.reset(fields);
    const at = wasm.tokenize(from, end, this.stagedAt, this.staged.length);
    const status = wasm.status();
    if (status >= Status.BadByte) malformed(NUMBER_ERRORS[status]!(what, this.inputBytes[at]!));
    if (status === Status.Closed || at < end) return -1;
    // A number left open at the end would have been cut: the range must end on a separator.
    return end > from && this.inputBytes[end - 1] === NEWLINE && !wasm.irregular() ? wasm.count() : -1;
  }
}

/**
 * Reads one flat JSON array of unsigned integers (a snapshot's nodes, edges or locations), chunk
 * by chunk, and hands whole records of `fieldCount` numbers to the section's sink in batches: the
 * byte loop is one loop for every section, and each sink a tight loop over records with its field
 * offsets in locals. Anything but digits, commas, white space and the closing bracket, a number
 * past 32 bits, a partial last record or more records than `maxRecords` is malformed.
 */
export class NumberArrayReader {
  private readonly limit: number;
  private k = 0;
  private stored = 0;
  private done = false;

  constructor(
    private readonly tokenizer: NumberTokenizer,
    private readonly what: string,
    private readonly fieldCount: number,
    /** Records the header promises; Infinity when it says nothing (locations). */
    private readonly maxRecords: number,
    private readonly sink: RecordSink,
    private readonly malformed: (what: string) => never,
  ) {
    this.limit = Math.max(1, Math.floor(STAGED_NUMBERS / fieldCount)) * fieldCount;
    tokenizer.wasm.reset(fieldCount);
  }

  /** True once the closing bracket has been read. */
  get closed(): boolean {
    return this.done;
  }

  /** Whole records stored so far. */
  get records(): number {
    return this.stored;
  }

  /** Reads `tokenizer.input[from..end)`; returns where it stopped: just after the closing bracket, or `end`. */
  consume(from: number, end: number): number {
    const { wasm, stagedAt, inputBytes } = this.tokenizer;
    let i = from;
    while (i < end) {
      i = wasm.tokenize(i, end, stagedAt + this.k * 4, this.limit - this.k);
      this.k += wasm.count();
      if (this.k === this.limit) {
        this.flush(this.k);
        this.k = 0;
      }
      const status = wasm.status();
      if (status === Status.Closed) {
        this.close();
        break;
      }
      if (status >= Status.BadByte) this.malformed(NUMBER_ERRORS[status]!(this.what, inputBytes[i]!));
    }
    return i;
  }

  /**
   * Ends the array early, at `end` of the last consume (another reader has the rest): the records so
   * far, or undefined when that is not a record boundary.
   */
  stopHere(): number | undefined {
    if (this.k % this.fieldCount !== 0) return undefined;
    this.flush(this.k);
    this.k = 0;
    return this.stored;
  }

  private close(): void {
    this.done = true;
    const k = this.k;
    if (k % this.fieldCount !== 0) this.malformed(`the ${this.what} array ends inside a record`);
    this.flush(k);
    this.k = 0;
    if (this.maxRecords !== Infinity && this.stored !== this.maxRecords) {
      this.malformed(`${this.what.slice(0, -1)}_count is ${this.maxRecords} but the ${this.what} array holds ${this.stored}`);
    }
  }

  private flush(k: number): void {
    const records = k / this.fieldCount;
    if (this.stored + records > this.maxRecords)
      this.malformed(`more ${this.what} than ${this.what.slice(0, -1)}_count (${this.maxRecords})`);
    this.sink(this.tokenizer.staged, records, this.stored);
    this.stored += records;
  }
}
