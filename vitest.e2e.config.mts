import { defineConfig } from 'vitest/config';

// The e2e tests each start a code-server and a Chromium: slow to start, heavy on two cores,
// so they run one file at a time with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    // The guard first: the toolchain install and everything after it belong to the run.
    globalSetup: ['test/setup/processGuard.ts', 'test/setup/toolchain.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
