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
});
