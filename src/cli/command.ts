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

/** Output streams, injectable so commands never reach for `process` directly. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  /** Resolves when the user interrupts (Ctrl+C); long-running commands stop cleanly then. */
  readonly interrupted: Promise<void>;
}

/** Thrown for bad command-line input; main prints the message and the usage, exit 2. */
export class UsageError extends Error {}
