// Starts one emulator for the `emulator` test project and hands its endpoint to every test file
// (process.env for child processes such as terraform and the bundled handler; provide() for tests).
import type { TestProject } from 'vitest/node';
import { emulatorEnv, startEmulator } from '../../scripts/emulator.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    emulator: { kind: string; endpoint: string; region: string; accountId: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emu = await startEmulator((m) => console.log(m));
  Object.assign(process.env, emulatorEnv(emu));
  project.provide('emulator', { kind: emu.kind, endpoint: emu.endpoint, region: emu.region, accountId: emu.accountId });
  console.log(`[emulator] tests run against ${emu.kind} at ${emu.endpoint} (account ${emu.accountId}, region ${emu.region})`);
  return async () => {
    await emu.stop();
    console.log(`[emulator] ${emu.kind} stopped`);
  };
}
