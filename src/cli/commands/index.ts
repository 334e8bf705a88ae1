import type { CliCommand } from '../command';
import { scanCommand } from './scan';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [scanCommand];
