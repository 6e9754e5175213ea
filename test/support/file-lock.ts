// A lock shared by every vitest worker on the machine: `terraform init` rewrites the provider
// plugin cache's entries (remove, then link) and the cache is not safe for concurrent use — two
// example files initialising at once once failed CI with "Inconsistent dependency lock file".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const STALE_MS = 120_000; // an init takes seconds; a holder older than this died without unlocking

/** True only when the lock's holder is surely gone: its process has exited, or it is older than any init. */
function stale(lock: string): boolean {
  let age: number;
  try {
    age = Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return false; // just released: try to take it again, remove nothing
  }
  if (age > STALE_MS) return true;
  try {
    process.kill(Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'; // no such process; ENOENT: the holder is writing its pid
  }
}

/** Runs `fn` while holding the named machine-wide lock (an atomic mkdir), waiting for it as long as it takes. */
export async function withFileLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(process.env.SG_GUARDIAN_CACHE ?? os.tmpdir(), `${name}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (stale(lock)) fs.rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
