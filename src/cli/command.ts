/** One `memory-budget <name>` subcommand. Each lives in its own file under `commands/`. */
export interface CliCommand {
  readonly name: string;
  /** One line for `memory-budget --help`. */
  readonly summary: string;
  /** Full usage text for `memory-budget <name> --help`. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Where a command prints: text only, with control characters escaped on the way (see output.ts). */
export interface CliWriter {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Output streams, injectable so commands never reach for `process` directly.
 *
 * Exit codes, the same for every command: 0 done; 1 only for a verdict the user asked for (over
 * budget in `check`, findings at `--fail-on` in `scan`); 2 for every failure to reach, read or parse
 * (bad arguments included); 130 when Ctrl+C or SIGTERM stopped a command before it had a result.
 */
export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
  /** Resolves when the user interrupts (Ctrl+C); long-running commands stop cleanly then. */
  readonly interrupted: Promise<void>;
}

/** Thrown for bad command-line input; main prints the message and the usage, exit 2. */
export class UsageError extends Error {}
