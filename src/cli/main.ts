#!/usr/bin/env node
import { commands } from './commands/index';
import { UsageError, type CliIo } from './command';

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
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`memory-budget: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, interrupted };
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`memory-budget ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`memory-budget ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Open CDP sockets or timers must not keep a finished command alive.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`memory-budget: ${String(err)}\n`);
    process.exit(2);
  },
);
