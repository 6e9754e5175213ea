import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';
import { testWorkers } from './test/support/workers.js';

// Two projects: `unit` is pure (no emulator, runs anywhere); `emulator` runs the example and
// integration files, each against the emulator of its pool slot (test/support/global-setup.ts starts
// one per worker, reset before each file). Both projects share one forks pool of
// SG_GUARDIAN_TEST_WORKERS (default 6) slots. The suite is CPU-bound (Terraform and its provider):
// six slots start the six longest example files together, so no core idles while one long file
// finishes alone (2 cores: 573 s with six against 598 s with four; peak memory 7.7 GB).
// Longest files first (test/support/sequencer.ts); the unit files fill in at the end.
const workers = testWorkers();

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: 1,
    sequence: { sequencer: LongestFirst },
    // The SDK's one-per-process notice that its 2027 releases need Node 22 (this machine runs Node
    // 20; the module deploys nodejs22.x): the SDK's own switch, as in scripts/demo.mjs, so the run's
    // output shows only what the tests say.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'emulator',
          include: ['test/examples/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/worker-env.ts'],
          // A whole example (init to destroy) in one test took 10 min with the machine's load at 15.
          testTimeout: 900_000,
        },
      },
    ],
  },
});
