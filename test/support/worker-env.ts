// setupFiles of the `emulator` project: runs in each worker before its test file and points the
// process (and so its children: terraform, the bundled handler) at the emulator of its pool slot.
import { emulatorEnv } from '../../scripts/emulator.mjs';
import { emulator } from './aws.js';

const emu = emulator();
Object.assign(process.env, emulatorEnv({ ...emu, stop: async () => {} } as Parameters<typeof emulatorEnv>[0]));
console.log(`[emulator] pool slot ${process.env.VITEST_POOL_ID}: ${emu.kind} at ${emu.endpoint}`);
