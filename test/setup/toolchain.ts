// vitest global setup for the e2e and integration tests: installs Node 24, code-server, Chromium
// and the agents' test tools (Prometheus, gunicorn, uvicorn) on the first run (seconds once
// cached). A piece that cannot be installed fails the run; nothing is skipped.
import { installPrerequisites } from '../../scripts/toolchain.mjs';

export default async function setup(): Promise<void> {
  await installPrerequisites();
}
