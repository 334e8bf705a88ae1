import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../options';

/** Where the agents sit in the installed package (dist/cli.js is one level down from its root). */
export function agentPath(runtime: 'node' | 'python', packageRoot = path.resolve(__dirname, '..')): string {
  return runtime === 'node' ? path.join(packageRoot, 'dist', 'agent.js') : path.join(packageRoot, 'python');
}

export const agentPathCommand: CliCommand = {
  name: 'agent-path',
  summary: 'where the in-process agents are: node (dist/agent.js) or python (the folder to put on PYTHONPATH)',
  usage: `Usage: memory-budget agent-path node|python

  node     the Node agent's file:   node --require "$(memory-budget agent-path node)" server.js
  python   the folder holding the memory_budget_agent package (standard library only):
           PYTHONPATH="$(memory-budget agent-path python)" python3 -m memory_budget_agent app.py`,
  async run(argv, io) {
    const { positionals } = parse(argv, {});
    const runtime = positionals[0];
    if (positionals.length !== 1 || (runtime !== 'node' && runtime !== 'python')) {
      throw new UsageError('agent-path takes one runtime: node or python');
    }
    const where = agentPath(runtime);
    if (!existsSync(where)) {
      io.stderr.write(`memory-budget agent-path: ${where} is missing from this installation\n`);
      return 2;
    }
    io.stdout.write(where + '\n');
    return 0;
  },
};
