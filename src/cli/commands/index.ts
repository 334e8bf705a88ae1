import type { CliCommand } from '../command';
import { diffCommand } from './diff';
import { snapshotCommand } from './snapshot';
import { summaryCommand } from './summary';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [snapshotCommand, summaryCommand, diffCommand];
