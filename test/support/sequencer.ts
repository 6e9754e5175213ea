// Longest file first, so the pool's slots finish together (greedy LPT). The order comes from this
// table, not vitest's results cache: node_modules/.vite is shared by every worktree of this repo.
// Seconds are one warm run's per-file durations (.test-output/vitest.json); re-measure when a file
// changes a lot. Unknown emulator files go after the known ones; unit files last (seconds each).
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SECONDS: Record<string, number> = {
  'test/examples/config-remediation.test.ts': 300,
  'test/examples/cloudfront-prefix-list.test.ts': 240,
  'test/examples/cloudflare-security-groups.test.ts': 220,
  'test/integration/drift-guard.test.ts': 180,
  'test/examples/minimal.test.ts': 150,
  'test/integration/emulator-security-groups.test.ts': 10,
  'test/integration/feeds-faults.test.ts': 10,
};
const UNKNOWN_EMULATOR_FILE = 60;

export default class LongestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (f: TestSpecification) => {
      const rel = path.relative(this.ctx.config.root, f.moduleId).split(path.sep).join('/');
      return SECONDS[rel] ?? (f.project.name === 'unit' ? 0 : UNKNOWN_EMULATOR_FILE);
    };
    return Promise.resolve([...files].sort((a, b) => weight(b) - weight(a)));
  }
}
