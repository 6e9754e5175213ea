import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure (no emulator, runs anywhere); `emulator` shares one AWS emulator
// (started by the global setup) across the integration and Terraform tests.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'emulator',
          include: ['test/integration/**/*.test.ts', 'test/terraform/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 600_000,
          // Terraform applies are CPU-heavy on 2 cores: one file at a time.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
