import { defineConfig } from 'vitest/config';

// `vitest run` runs both projects; `--project unit` or `--project integration` one of them.
export default defineConfig({
  test: {
    // Fails the run when a process a test started outlives it.
    globalSetup: ['test/setup/processGuard.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/buildDist.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
    // Integration tests spawn real Node processes; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
