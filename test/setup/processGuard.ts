// vitest global setup: the run fails when a process it started outlives it (see
// test/support/processGuard.ts). It is set up before vitest starts its workers, so they and
// everything the tests spawn inherit the run's marker.
import { startProcessGuard } from '../support/processGuard';

export default function setup(): () => Promise<void> {
  const guard = startProcessGuard({
    // vitest closes its pool of workers only after the global teardown.
    isRunner: (info) => info.ppid === process.pid && info.commandLine.includes('/node_modules/vitest/'),
  });
  return async () => {
    try {
      await guard.check();
    } catch (error) {
      // vitest only logs an error thrown by a global teardown; the exit code must say so too.
      process.exitCode = 1;
      throw error;
    }
  };
}
