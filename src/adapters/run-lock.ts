import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError } from '../shared/contract/errors.ts';

/**
 * An exclusive lock on one trading run (an account and market in one mode) for processes on
 * this machine: two engines trading the same account would each think its orders are the only
 * ones. The lock file holds the owner's pid; a lock whose owner is dead (kill -9, power loss)
 * is taken over.
 */
export class RunLock {
  readonly path: string;
  private held = false;

  private constructor(path: string) {
    this.path = path;
  }

  /** Takes the lock at `path`, or throws a ConfigurationError naming the process that has it. */
  static acquire(path: string, what: string): RunLock {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        const lock = new RunLock(path);
        lock.held = true;
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = RunLock.owner(path);
        if (owner !== null) {
          throw new ConfigurationError(
            `${what} is already running in process ${owner}; stop it first (or use hyperdesk kill)`,
          );
        }
        // The owner died without unlocking: the lock is stale.
        rmSync(path, { force: true });
      }
    }
    throw new ConfigurationError(`cannot take the lock ${path}`);
  }

  /** The pid of the live process holding the lock at `path`, or null. */
  static owner(path: string): number | null {
    let pid: number;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      return null;
    }
    if (!Number.isInteger(pid) || pid <= 0) return null;
    if (pid === process.pid) return pid;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (error) {
      // EPERM: alive but someone else's.
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    rmSync(this.path, { force: true });
  }
}
