// Starts one emulator per test worker for the `emulator` project (or shares AWS_ENDPOINT_URL) and
// provides the list; test/support/worker-env.ts points each worker at its own entry.
import type { TestProject } from 'vitest/node';
import { startEmulators } from '../../scripts/emulator.mjs';
import { testWorkers } from './workers.js';

export interface EmulatorInfo {
  kind: string;
  endpoint: string;
  region: string;
  accountId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: EmulatorInfo[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emus = await startEmulators(testWorkers(), (m) => console.log(m));
  project.provide('emulators', emus.map((e) => ({ kind: e.kind, endpoint: e.endpoint, region: e.region, accountId: e.accountId })));
  const where = emus.map((e, i) => `#${i + 1} ${e.kind} at ${e.endpoint}`).join(', ');
  console.log(`[emulator] tests run against ${where} (account ${emus[0]!.accountId}, region ${emus[0]!.region})`);
  return async () => {
    await Promise.all(emus.map((e) => e.stop()));
    console.log(`[emulator] ${emus.length} stopped`);
  };
}
