import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileCandleSource } from '../adapters/files/file-candle-source.ts';
import { EnvSecretStore } from '../adapters/secrets/env-secret-store.ts';
import { openSecretStore } from '../adapters/secrets/open-secret-store.ts';
import { ReadingOrderStore } from '../adapters/secrets/reading-order-store.ts';
import { readSettings } from '../adapters/sqlite/settings-repository.ts';
import { openDatabase } from '../adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../adapters/sqlite/sqlite-candle-store.ts';
import { SystemClock } from '../adapters/system-clock.ts';
import { TimerScheduler } from '../adapters/timer-scheduler.ts';
import { BacktestService } from '../engine/backtest/backtest-service.ts';
import { ReplayService } from '../engine/backtest/replay-service.ts';
import { MarketData } from '../engine/data/market-data.ts';
import { DetectionService } from '../engine/detect/detection-service.ts';
import { Kernel } from '../engine/kernel/kernel.ts';
import { poolJobRunner } from './backtest-pool.ts';
import { DEFAULT_SECRET_STORE, type EngineHostConfig } from './engine-host-config.ts';
import { databaseIn } from './settings/data-folder.ts';
import { SettingsService } from './settings/settings-service.ts';
import { claudeModelOf } from './settings/settings-values.ts';
import { TradingService } from './trading/trading-service.ts';
import { knowledgeService } from './learning/knowledge-service.ts';

const BACKTEST_WORKER_URL = new URL('./backtest-worker.ts', import.meta.url);

/** A kernel wired with its adapters, and the way to release them. */
export interface EngineInstance {
  readonly kernel: Kernel;
  /** Stops the kernel if it runs and closes the store. */
  close(): Promise<void>;
}

/**
 * Wires the kernel for a host: SQLite store, file candle source, system clock, replays paced and
 * backtests sliced by timers, detections for chart overlays, the settings (keys in the
 * host's secret store, the OS keychain by default). The kernel is
 * returned created, not started, so the caller can subscribe to its bus first.
 */
export function createEngine(config: EngineHostConfig): EngineInstance {
  const clock = new SystemClock();
  const db = openDatabase(config.dbPath);
  let homeDb: Database | null = null;
  try {
    const kernel = new Kernel({ clock, mode: config.mode });
    const store = new SqliteCandleStore(db, () => clock.now());
    kernel.register(
      new MarketData(new FileCandleSource({ samplesDir: config.samplesDir, dataRoots: config.dataRoots }), store),
    );
    const scheduler = new TimerScheduler();
    kernel.register(new ReplayService(store, scheduler));
    kernel.register(new DetectionService(store));
    // Sweeps and walk-forwards use every core through the worker pool where its worker file
    // ships beside this module (the server, the CLI); a bundle without it (the desktop app's)
    // runs them on the engine thread, sliced by the scheduler.
    const pooled = existsSync(fileURLToPath(BACKTEST_WORKER_URL));
    kernel.register(
      new BacktestService(
        store,
        scheduler,
        pooled ? { jobRunner: poolJobRunner({ workerUrl: BACKTEST_WORKER_URL }) } : {},
      ),
    );
    // Keys saved in the Settings panel must survive a restart: no memory-only Linux keyring.
    const hostSecrets = openSecretStore(config.secrets ?? DEFAULT_SECRET_STORE, { persistentKeychain: true });
    // Sessions and jobs read keys from the environment first (servers, scripts), then the host's store.
    const readSecrets = new ReadingOrderStore([new EnvSecretStore(), hostSecrets]);
    const settings = () => readSettings(db);
    kernel.register(
      new TradingService({
        db,
        dataDir: config.dbPath === ':memory:' ? null : dirname(config.dbPath),
        secrets: readSecrets,
        settings,
      }),
    );
    kernel.register(knowledgeService(db, config, { secrets: readSecrets, model: () => claudeModelOf(settings()) }));
    const dataDirInUse = config.dbPath === ':memory:' ? null : dirname(config.dbPath);
    if (config.dataDirHome && resolve(config.dataDirHome) !== (dataDirInUse && resolve(dataDirInUse))) {
      homeDb = openDatabase(databaseIn(config.dataDirHome));
    }
    kernel.register(
      new SettingsService({
        db,
        secrets: hostSecrets,
        dataDirInUse,
        ...(homeDb ? { dataDirHomeDb: homeDb } : {}),
      }),
    );
    return {
      kernel,
      async close() {
        try {
          if (kernel.state === 'running') await kernel.stop();
        } finally {
          db.close();
          homeDb?.close();
        }
      },
    };
  } catch (error) {
    db.close();
    homeDb?.close();
    throw error;
  }
}
