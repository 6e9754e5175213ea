// Longest file first, so the pool's slots finish together (greedy LPT). The order comes from this
// table, not vitest's results cache: node_modules/.vite is shared by every worktree of this repo.
// Seconds: per-file durations of one warm `make test` on the 2-core machine; only the order matters.
// Re-measure when a file changes a lot. Unknown emulator files go after the known ones; unit files last.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SECONDS: Record<string, number> = {
  // One warm `make test` (6 workers, GOGC=400, static checks beside), 2026-12-02. drift-guard's
  // apply runs in its beforeAll (not in vitest's file time): its weight is what the slot holds.
  'test/examples/config-remediation.test.ts': 449,
  'test/examples/cloudfront-prefix-list.test.ts': 432,
  'test/examples/readme.test.ts': 408,
  'test/examples/cloudflare-security-groups.test.ts': 385,
  'test/examples/organization.test.ts': 384,
  'test/examples/minimal.test.ts': 269,
  'test/integration/drift-guard.test.ts': 200,
  'test/integration/organization-throttling.test.ts': 78,
  'test/integration/findings-and-chat.test.ts': 16,
  'test/integration/organization-runtime.test.ts': 15,
  'test/examples/slack-chat.test.ts': 13,
  'test/integration/feeds-faults.test.ts': 8,
  'test/integration/waiver-validation.test.ts': 7,
  'test/integration/variable-validation.test.ts': 5,
  'test/integration/emulator-security-groups.test.ts': 4,
  'test/integration/waivers-and-status.test.ts': 3,
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
