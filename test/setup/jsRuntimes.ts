// vitest global setup for the integration tests: installs the pinned Bun and Deno the tests on
// those runtimes attach to, and the Debian packages the report page and the agents' tests use
// (Chromium, Prometheus, gunicorn, uvicorn); seconds once cached. One that cannot be installed
// fails the run.
import { installJsRuntimes } from '../../scripts/toolchain.mjs';

export default async function setup(): Promise<void> {
  await installJsRuntimes();
}
