// Longest file first, so the pool's slots finish together (greedy LPT). The order comes from this
// table, not vitest's results cache: node_modules/.vite is shared by every worktree of this repo.
// Seconds: per-file durations of one run with 2 workers on the 2-core machine under heavy load from
// other jobs (load average 12-18), several times an idle run; only the order matters. Re-measure when
// a file changes a lot. Unknown emulator files go after the known ones; unit files last.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SECONDS: Record<string, number> = {
  'test/examples/config-remediation.test.ts': 257,
  'test/examples/cloudfront-prefix-list.test.ts': 262,
  'test/examples/cloudflare-security-groups.test.ts': 247,
  'test/examples/minimal.test.ts': 170,
  'test/examples/readme.test.ts': 240,
  'test/examples/organization.test.ts': 417,
  'test/integration/drift-guard.test.ts': 270,
  'test/integration/organization-throttling.test.ts': 110,
  'test/integration/organization-runtime.test.ts': 38,
  'test/integration/feeds-faults.test.ts': 19,
  // Measured alone with 1 worker (tests' own time) while other sessions shared the machine.
  'test/examples/slack-chat.test.ts': 90,
  'test/integration/findings-and-chat.test.ts': 22,
  'test/integration/emulator-security-groups.test.ts': 7,
  'test/integration/variable-validation.test.ts': 3,
  'test/integration/waivers-and-status.test.ts': 19,
  'test/integration/waiver-validation.test.ts': 7,
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
