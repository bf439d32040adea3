import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunLock } from '../../../src/adapters/run-lock.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('the run lock', () => {
  it('lets one holder in and names it to the next; released, it is free again', () => {
    const path = join(tmp.dir, 'a', 'run.lock');
    const lock = RunLock.acquire(path, 'trading BTC');
    expect(() => RunLock.acquire(path, 'trading BTC')).toThrow(
      `trading BTC is already running in process ${process.pid}`,
    );
    lock.release();
    expect(existsSync(path)).toBe(false);
    RunLock.acquire(path, 'trading BTC').release();
  });

  it('takes over a lock whose owner died, and never removes a lock that is not its own', () => {
    const path = join(tmp.dir, 'b.lock');
    writeFileSync(path, String(deadPid()));
    const lock = RunLock.acquire(path, 'trading BTC');
    expect(RunLock.owner(path)).toBe(process.pid);
    // Someone else's lock now sits there (ours was lost, e.g. removed by hand and retaken).
    writeFileSync(path, '1');
    lock.release();
    expect(existsSync(path)).toBe(true);
  });

  it("takes over a lock left with this process's own pid by an earlier run (a restarted container's pid 1)", () => {
    const path = join(tmp.dir, 'c.lock');
    // The previous run had the same pid and died holding the lock.
    writeFileSync(path, `${process.pid} 0123456789abcdef`);
    expect(RunLock.owner(path)).toBeNull();
    const lock = RunLock.acquire(path, 'trading BTC');
    expect(RunLock.owner(path)).toBe(process.pid);
    // While this process holds it, a second take in the same process is still refused.
    expect(() => RunLock.acquire(path, 'trading BTC')).toThrow(`already running in process ${process.pid}`);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });
});
