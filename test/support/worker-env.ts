// setupFiles of the `emulator` project: runs in each worker before its test file and points the
// process (and so its children: terraform, the bundled handler) at the emulator of its pool slot.
import { emulatorEnv } from '../../scripts/emulator.mjs';
import { emulator } from './aws.js';

const emu = emulator();
Object.assign(process.env, emulatorEnv({ ...emu, stop: async () => {} } as Parameters<typeof emulatorEnv>[0]));
console.log(`[emulator] pool slot ${process.env.VITEST_POOL_ID}: ${emu.kind} at ${emu.endpoint}`);

// Each file starts from an empty emulator: a slot's earlier files leave resources behind, and moto
// answers some reads account-wide (DescribeTrails ignores trailNameList, so a second trail breaks
// the provider's read of the first). Only the embedded moto is reset; a user's own endpoint never.
if (emu.kind === 'moto') {
  const res = await fetch(`${emu.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`resetting moto at ${emu.endpoint} failed: HTTP ${res.status}`);
}
