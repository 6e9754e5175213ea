// The machine-wide lock the emulator files take around `terraform init` (test/support/file-lock.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../support/file-lock.js';

let dir: string;
let saved: string | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-lock-'));
  saved = process.env.SG_GUARDIAN_CACHE;
  process.env.SG_GUARDIAN_CACHE = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.SG_GUARDIAN_CACHE;
  else process.env.SG_GUARDIAN_CACHE = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('withFileLock', () => {
  it('runs holders one at a time, in full, and releases the lock after each (also after a failure)', async () => {
    const log: string[] = [];
    const holder = (id: string, fail = false) =>
      withFileLock('t', async () => {
        log.push(`${id}+`);
        await sleep(30);
        log.push(`${id}-`);
        if (fail) throw new Error(`${id} failed`);
        return id;
      });
    const results = await Promise.allSettled([holder('a'), holder('b', true), holder('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toHaveLength(6);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace('+', '-')); // no interleaving
    expect(fs.existsSync(path.join(dir, 't.lock'))).toBe(false);
  });

  it('takes over a lock whose holder process is gone', async () => {
    fs.mkdirSync(path.join(dir, 't.lock'));
    fs.writeFileSync(path.join(dir, 't.lock', 'pid'), '2147483646'); // no such process
    await expect(withFileLock('t', () => Promise.resolve('ran'))).resolves.toBe('ran');
  });

  it('waits for a live holder instead of taking its lock', async () => {
    fs.mkdirSync(path.join(dir, 't.lock'));
    fs.writeFileSync(path.join(dir, 't.lock', 'pid'), String(process.pid));
    let ran = false;
    const waiting = withFileLock('t', () => Promise.resolve((ran = true)));
    await sleep(300);
    expect(ran).toBe(false);
    fs.rmSync(path.join(dir, 't.lock'), { recursive: true });
    await waiting;
    expect(ran).toBe(true);
  });
});
