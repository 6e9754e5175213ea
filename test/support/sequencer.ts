// Longest file first, so the pool's slots finish together (greedy LPT). The order comes from this
// table, not vitest's results cache: node_modules/.vite is shared by every worktree of this repo.
// Seconds: per-file durations of one warm `make test` on the 2-core machine; only the order matters.
// Re-measure when a file changes a lot. Unknown emulator files go after the known ones; unit files last.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SECONDS: Record<string, number> = {
  // One warm `make test` (4 workers, GOGC=400, static checks beside), 2026-12-02.
  'test/examples/config-remediation.test.ts': 388,
  'test/examples/cloudfront-prefix-list.test.ts': 371,
  'test/examples/organization.test.ts': 327,
  'test/examples/readme.test.ts': 280,
  'test/examples/cloudflare-security-groups.test.ts': 242,
  'test/integration/drift-guard.test.ts': 236,
  'test/examples/minimal.test.ts': 205,
  'test/integration/organization-throttling.test.ts': 50,
  'test/integration/organization-runtime.test.ts': 36,
  'test/examples/slack-chat.test.ts': 23,
  'test/integration/findings-and-chat.test.ts': 22,
  'test/integration/feeds-faults.test.ts': 14,
  'test/integration/waivers-and-status.test.ts': 9,
  'test/integration/emulator-security-groups.test.ts': 6,
  'test/integration/waiver-validation.test.ts': 4,
  'test/integration/variable-validation.test.ts': 4,
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
