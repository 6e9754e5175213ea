// How many test files run at once (SG_GUARDIAN_TEST_WORKERS, default 6): the vitest pool size and
// the number of emulators the global setup starts, one per pool slot (VITEST_POOL_ID 1..N).
export function testWorkers(): number {
  const raw = process.env.SG_GUARDIAN_TEST_WORKERS ?? '6';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SG_GUARDIAN_TEST_WORKERS must be a whole number >= 1, got '${raw}'`);
  return n;
}
