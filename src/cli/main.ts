#!/usr/bin/env node
import { commands } from './commands/index';
import { UsageError, type CliCommand, type CliIo } from './command';
import { describeFailure } from './failure';
import { CliOutput } from './output';

declare const VERSION: string;

/** See `CliIo` for what each code means; no other code leaves this process. */
const EXIT_FAILURE = 2;
const EXIT_INTERRUPTED = 130;

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'memory-budget — keep a Node.js service inside its memory budget',
    '',
    'Usage: memory-budget <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'A <target> is host:port, a ws:// URL, or pid:<N>. `memory-budget <command> --help` for details.',
    '',
    'Exit codes: 0 done; 1 over budget (check) or findings at --fail-on (scan); 2 the target, file or',
    'arguments could not be reached, read or parsed; 130 stopped by Ctrl+C before a result.',
  ].join('\n');
}

let interrupt: () => void = () => {};
const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
const stdout = new CliOutput(process.stdout, 'stdout', () => interrupt()); // `| head`: the reader has what it wanted
const stderr = new CliOutput(process.stderr, 'stderr');
let running: CliCommand | undefined;

let signalled = 0;
const onSignal = () => {
  // A second Ctrl+C ends at once, whatever the command is still cleaning up.
  if (++signalled > 1) process.exit(EXIT_INTERRUPTED);
  interrupt();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// Whatever escapes a command (an error in an event handler, a rejection nobody awaited) is a failure
// of this run, exit 2 with one line, never Node's exit 1 with a stack trace: 1 means "over budget".
process.on('uncaughtException', (err) => fail(err));
process.on('unhandledRejection', (reason) => fail(reason));

let failureSaid = false;
function fail(err: unknown): void {
  say(err);
  void finish(EXIT_FAILURE);
}

function say(err: unknown): void {
  if (failureSaid) return;
  failureSaid = true;
  const where = running ? `memory-budget ${running.name}` : 'memory-budget';
  stderr.write(`${where}: ${describeFailure(err)}\n`);
  if (process.env.MEMORY_BUDGET_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
}

let finishing = false;
/** Exits once everything written has reached the OS: a pipe gets all of the output. */
async function finish(code: number): Promise<void> {
  if (finishing) return;
  finishing = true;
  await Promise.all([stdout.drained(), stderr.drained()]);
  // Output that could not be written (a full disk) fails a command that thought it was done.
  const lost = stdout.failure;
  if (lost && code !== EXIT_FAILURE) {
    say(lost);
    code = EXIT_FAILURE;
    await stderr.drained();
  }
  // Open sockets or timers of a finished command must not keep the process alive.
  process.exit(code);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? stdout : stderr).write(help() + '\n');
    return name ? 0 : EXIT_FAILURE;
  }
  if (name === '--version') {
    stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    stderr.write(`memory-budget: unknown command "${name}"\n\n${help()}\n`);
    return EXIT_FAILURE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout.write(command.usage + '\n');
    return 0;
  }
  running = command;
  const io: CliIo = { stdout, stderr, interrupted };
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`memory-budget ${name}: ${err.message}\n\n${command.usage}\n`);
      return EXIT_FAILURE;
    }
    say(err);
    return EXIT_FAILURE;
  }
}

main(process.argv.slice(2)).then(finish, fail);
