import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { ConfigurationError } from '../shared/contract/errors.ts';

/**
 * An exclusive lock on one trading run (an account and market in one mode) for processes on
 * this machine: two engines trading the same account would each think its orders are the only
 * ones. The lock file holds the owner's pid and a random token, and appears atomically with it (hard link of a
 * file already written), so no one ever reads a half-made lock. A lock whose owner is dead
 * (kill -9, power loss) is taken over; two processes taking over the same stale lock cannot
 * both win, because the stale file is moved away first and only one move succeeds.
 */
export class RunLock {
  readonly path: string;
  private held = false;
  private readonly token: string;

  private constructor(path: string, token: string) {
    this.path = path;
    this.token = token;
  }

  /** Takes the lock at `path`, or throws a ConfigurationError naming the process that has it. */
  static acquire(path: string, what: string): RunLock {
    mkdirSync(dirname(path), { recursive: true });
    const token = randomBytes(8).toString('hex');
    const mine = `${path}.${process.pid}.${token}`;
    writeFileSync(mine, `${process.pid} ${token}`, { mode: 0o600 });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          linkSync(mine, path);
          const lock = new RunLock(path, token);
          lock.held = true;
          HELD_HERE.add(token);
          return lock;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const owner = RunLock.owner(path);
        if (owner !== null) {
          throw new ConfigurationError(
            `${what} is already running in process ${owner}; stop it first (or use hyperdesk kill)`,
          );
        }
        RunLock.removeStale(path);
      }
      throw new ConfigurationError(`cannot take the lock for ${what}: it keeps changing hands`);
    } finally {
      rmSync(mine, { force: true });
    }
  }

  /** The pid of the live process holding the lock at `path`, or null. */
  static owner(path: string): number | null {
    const lock = readLock(path);
    if (lock === null) return null;
    const { pid } = lock;
    // Our own pid: ours only if this process took it. A container's entry process has the
    // same pid (often 1) after every restart, so a lock left by the previous run would
    // otherwise look alive forever.
    if (pid === process.pid) return lock.token !== null && HELD_HERE.has(lock.token) ? pid : null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (error) {
      // EPERM: alive but someone else's.
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
    }
  }

  /** Moves a dead owner's lock aside; if it turns out to be live (just taken), puts it back. */
  private static removeStale(path: string): void {
    const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (RunLock.owner(aside) !== null) {
      // Someone took the lock between our look and our move: give it back.
      try {
        linkSync(aside, path);
      } catch {
        // A third process holds it now; the file we moved is not needed.
      }
    }
    rmSync(aside, { force: true });
  }

  /** Releases the lock, only if it is still ours. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    HELD_HERE.delete(this.token);
    if (readLock(this.path)?.token === this.token) rmSync(this.path, { force: true });
  }
}

/** Tokens of the locks this process holds. */
const HELD_HERE = new Set<string>();

/** A lock file's owner: `<pid> <token>` (older files hold the pid alone). */
function readLock(path: string): { pid: number; token: string | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
  const [pidText = '', token = null] = text.split(' ');
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 ? { pid, token } : null;
}
