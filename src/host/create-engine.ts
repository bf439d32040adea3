import { dirname } from 'node:path';
import { FileCandleSource } from '../adapters/files/file-candle-source.ts';
import { openDatabase } from '../adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../adapters/sqlite/sqlite-candle-store.ts';
import { SystemClock } from '../adapters/system-clock.ts';
import { TimerScheduler } from '../adapters/timer-scheduler.ts';
import { BacktestService } from '../engine/backtest/backtest-service.ts';
import { ReplayService } from '../engine/backtest/replay-service.ts';
import { MarketData } from '../engine/data/market-data.ts';
import { DetectionService } from '../engine/detect/detection-service.ts';
import { Kernel } from '../engine/kernel/kernel.ts';
import type { EngineHostConfig } from './engine-host-config.ts';
import { TradingService } from './trading/trading-service.ts';
import { knowledgeService } from './learning/knowledge-service.ts';

/** A kernel wired with its adapters, and the way to release them. */
export interface EngineInstance {
  readonly kernel: Kernel;
  /** Stops the kernel if it runs and closes the store. */
  close(): Promise<void>;
}

/**
 * Wires the kernel for a host: SQLite store, file candle source, system clock, replays paced and
 * backtests sliced by timers, detections for chart overlays. The kernel is
 * returned created, not started, so the caller can subscribe to its bus first.
 */
export function createEngine(config: EngineHostConfig): EngineInstance {
  const clock = new SystemClock();
  const db = openDatabase(config.dbPath);
  try {
    const kernel = new Kernel({ clock, mode: config.mode });
    const store = new SqliteCandleStore(db, () => clock.now());
    kernel.register(
      new MarketData(new FileCandleSource({ samplesDir: config.samplesDir, dataRoots: config.dataRoots }), store),
    );
    const scheduler = new TimerScheduler();
    kernel.register(new ReplayService(store, scheduler));
    kernel.register(new DetectionService(store));
    kernel.register(new BacktestService(store, scheduler));
    kernel.register(new TradingService({ db, dataDir: config.dbPath === ':memory:' ? null : dirname(config.dbPath) }));
    kernel.register(knowledgeService(db, config));
    return {
      kernel,
      async close() {
        try {
          if (kernel.state === 'running') await kernel.stop();
        } finally {
          db.close();
        }
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
