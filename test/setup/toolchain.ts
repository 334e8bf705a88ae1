// vitest global setup for the e2e tests: installs Node 24, code-server and Chromium on the first
// run (seconds once cached). A piece that cannot be installed fails the run; nothing is skipped.
import { installPrerequisites } from '../../scripts/toolchain.mjs';

export default async function setup(): Promise<void> {
  await installPrerequisites();
}
