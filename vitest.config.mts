import { defineConfig } from 'vitest/config';

// Some unit tests write real heap snapshots in their setup, and every integration test starts
// real Node processes: on a loaded two-core machine both need more than vitest's default times.
const timeouts = { testTimeout: 60_000, hookTimeout: 60_000 };

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
          ...timeouts,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // The pinned Bun and Deno, and Debian's Chromium (a report page), Prometheus, promtool,
          // gunicorn and uvicorn (the agents' tests): `prerequisites.mjs --runtimes`.
          globalSetup: ['test/setup/buildDist.ts', 'test/setup/jsRuntimes.ts'],
          ...timeouts,
        },
      },
    ],
    // Integration tests spawn real Node processes; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
