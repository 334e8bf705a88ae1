import { escapeControlChars } from '../core/text/controlChars';
import { errnoWords } from './failure';

/** What the live `watch` line starts with on a terminal: back to column 0, clear the line. */
export const REWRITE_LINE = '\r\x1b[K';

/**
 * stdout or stderr as the commands see it. Every write has its control characters escaped (only
 * the CLI's own line rewrite passes, and only on a terminal): commands print target command lines,
 * class names and paths, any of which may carry escape sequences. A reader that goes away (`| head`)
 * ends the output quietly instead of raising EPIPE.
 */
export class CliOutput {
  private closedByReader = false;
  private failed: Error | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    readonly name: 'stdout' | 'stderr',
    /** Called once when the reader closes the pipe. */
    onReaderGone: () => void = () => {},
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        if (this.closedByReader) return;
        this.closedByReader = true;
        return onReaderGone();
      }
      this.failed ??= new Error(`cannot write to ${name}: ${errnoWords(err.code) ?? err.message}`, { cause: err });
    });
  }

  /**
   * Why output could not be written (a full disk, /dev/full), if it could not: the command then
   * failed, whatever it returned. The stream knows at once; its error event may come later.
   */
  get failure(): Error | undefined {
    const errored = (this.stream as { errored?: NodeJS.ErrnoException | null }).errored;
    if (!this.failed && errored && errored.code !== 'EPIPE' && errored.code !== 'ERR_STREAM_DESTROYED')
      this.failed = new Error(`cannot write to ${this.name}: ${errnoWords(errored.code) ?? errored.message}`, { cause: errored });
    return this.failed;
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  get columns(): number | undefined {
    return this.stream.columns;
  }

  /** True once the reader has closed the pipe; later writes are dropped. */
  get readerGone(): boolean {
    return this.closedByReader;
  }

  write(text: string): boolean {
    if (this.closedByReader) return true;
    const rewrite = this.isTTY && text.startsWith(REWRITE_LINE);
    const body = escapeControlChars(rewrite ? text.slice(REWRITE_LINE.length) : text);
    return this.stream.write(rewrite ? REWRITE_LINE + body : body);
  }

  /**
   * Resolves when everything written so far has been handed to the OS: `process.exit` before that
   * cuts a pipe off mid-output (a 400 KB `--json` arrived as 128 KB).
   */
  drained(): Promise<void> {
    if (this.closedByReader || this.stream.destroyed || this.stream.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }
}
