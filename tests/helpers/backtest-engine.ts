import { FileCandleSource } from '../../src/adapters/files/file-candle-source.ts';
import { openDatabase } from '../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../../src/adapters/sqlite/sqlite-candle-store.ts';
import { SystemClock } from '../../src/adapters/system-clock.ts';
import { BacktestService, type BacktestServiceOptions } from '../../src/engine/backtest/backtest-service.ts';
import { MarketData } from '../../src/engine/data/market-data.ts';
import { Kernel } from '../../src/engine/kernel/kernel.ts';
import type { Scheduler } from '../../src/engine/ports.ts';
import { contractDriver, type ContractDriver } from './contract-driver.ts';
import { SAMPLES_DIR, tempDir } from './paths.ts';

/** A scheduler run by hand: `runNext()` runs the oldest task, whatever its delay. */
export class ManualScheduler implements Scheduler {
  private tasks: { task: () => void }[] = [];
  schedule(_delayMs: number, task: () => void): () => void {
    const entry = { task };
    this.tasks.push(entry);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== entry);
    };
  }
  /** How many tasks wait. */
  get pending(): number {
    return this.tasks.length;
  }
  /** Runs the oldest task; false when none waits. */
  runNext(): boolean {
    const next = this.tasks.shift();
    next?.task();
    return next !== undefined;
  }
}

/** A started backtest engine and its contract driver. */
export interface BacktestEngine extends ContractDriver {
  kernel: Kernel;
  /** Stops the kernel, closes the database and removes its folder. */
  close(): Promise<void>;
}

/**
 * The market data and backtest service `createEngine` wires, on their own database in a
 * temporary folder, with `scheduler` and the service's `options` chosen by the test; started,
 * with a contract driver subscribed before start.
 */
export async function startBacktestEngine(
  scheduler: Scheduler,
  options: BacktestServiceOptions = {},
): Promise<BacktestEngine> {
  const tmp = tempDir();
  const db = openDatabase(`${tmp.dir}/hyperdesk.db`);
  const clock = new SystemClock();
  const store = new SqliteCandleStore(db, () => clock.now());
  const kernel = new Kernel({ clock, mode: 'research' });
  kernel.register(new MarketData(new FileCandleSource({ samplesDir: SAMPLES_DIR, dataRoots: [tmp.dir] }), store));
  kernel.register(new BacktestService(store, scheduler, options));
  const driver = contractDriver(kernel);
  const release = () => {
    db.close();
    tmp.remove();
  };
  try {
    await kernel.start();
  } catch (error) {
    release();
    throw error;
  }
  return {
    ...driver,
    kernel,
    async close() {
      try {
        await kernel.stop();
      } finally {
        release();
      }
    },
  };
}
