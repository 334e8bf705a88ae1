import { describeTarget, discoverTargets, parsePorts } from '../../core/inspector/discovery';
import type { CliCommand } from '../command';
import { parse } from '../options';

export const targetsCommand: CliCommand = {
  name: 'targets',
  summary: 'list Node, Deno and Bun inspectors, Node processes without one, and services to watch RSS-only',
  usage: `Usage: memory-budget targets [--json] [--ports 9229-9239]

Lists what can be watched on this machine, best first: inspector endpoints (ports 9229–9239 and
those named in --inspect flags; Bun's with the ws:// URL its process tells), Node processes without
an inspector (watching one enables it with SIGUSR1), and what can be watched RSS-only: Bun and Deno
started without --inspect (never signalled: start them with --inspect to attach) and other services
(Python, Ruby, Java…).`,
  async run(argv, io) {
    const { values } = parse(argv, { json: { type: 'boolean' }, ports: { type: 'string' } }, false);
    const targets = await discoverTargets({ ports: values.ports ? parsePorts(values.ports) : undefined });
    if (values.json) {
      io.stdout.write(JSON.stringify({ targets }, null, 2) + '\n');
    } else if (targets.length === 0) {
      io.stdout.write('No targets found. Start your service with --inspect (node, deno run, bun) or name it as pid:<N>.\n');
    } else {
      for (const t of targets) io.stdout.write(describeTarget(t) + '\n');
    }
    return 0;
  },
};
