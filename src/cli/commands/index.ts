import type { CliCommand } from '../command';
import { checkCommand } from './check';
import { gcCommand } from './gc';
import { scanCommand } from './scan';
import { targetsCommand } from './targets';
import { watchCommand } from './watch';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [targetsCommand, watchCommand, checkCommand, gcCommand, scanCommand];
