import type { CliCommand } from '../command';
import { adviseCommand } from './advise';
import { agentPathCommand } from './agentPath';
import { allocationsCommand } from './allocations';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { gcCommand } from './gc';
import { reportCommand } from './report';
import { scanCommand } from './scan';
import { snapshotCommand } from './snapshot';
import { summaryCommand } from './summary';
import { targetsCommand } from './targets';
import { watchCommand } from './watch';

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [
  targetsCommand,
  watchCommand,
  checkCommand,
  adviseCommand,
  gcCommand,
  snapshotCommand,
  allocationsCommand,
  summaryCommand,
  diffCommand,
  scanCommand,
  reportCommand,
  agentPathCommand,
];
