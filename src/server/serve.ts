import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { StrategySpec } from '../engine/strategy/strategy-registry.ts';
import { chosenDataDir } from '../host/settings/data-folder.ts';
import { WorkerSupervisor } from '../host/worker-supervisor.ts';
import { Events } from '../shared/contract/events.ts';
import { ConfigurationError } from '../shared/contract/errors.ts';
import { ENGINE_WORKER_URL, SAMPLES_DIR, defaultDataDir, rendererDir } from './app-paths.ts';
import type { ServeConfig } from './config/serve-config.ts';
import { checkReadiness, type Readiness } from './health/readiness.ts';
import { StoreProbe } from './health/store-probe.ts';
import { throttleCheck } from './health/throttle.ts';
import { startHttpServer, type RunningServer } from './http-server.ts';
import { createLeaderElector } from './leader/create-leader-elector.ts';
import type { LeaderElector } from './leader/leader-elector.ts';
import type { Logger } from './logger.ts';
import { ServeMetrics } from './metrics/serve-metrics.ts';
import { LeaderTrading } from './trading/leader-trading.ts';
import { VERSION } from './version.ts';

/** A running headless HyperDesk. */
export interface ServeHandle {
  readonly url: string;
  readonly supervisor: WorkerSupervisor;
  readonly server: RunningServer;
  readonly metrics: ServeMetrics;
  readonly elector: LeaderElector;
  /** Null when the configuration has no trading section. */
  readonly trading: LeaderTrading | null;
  readiness(): Readiness;
  /**
   * Stops in order: new orders refused at once, open orders kept or canceled
   * (`shutdown.openOrders`), the session stopped and its journal checkpointed and closed, the
   * lease released, then the server and the engine.
   */
  stop(): Promise<void>;
}

/** Seams for tests. */
export interface ServeDependencies {
  readonly createElector?: (
    config: ServeConfig['leader'],
    log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) => LeaderElector;
}

// Longest a scrape waits for the venue's account before answering with what it has.
const METRICS_REFRESH_TIMEOUT_MS = 2000;
// /readyz and /metrics are unauthenticated: however often they are hit, the store is probed at
// most once a second (see throttle.ts; the venue reads behind /metrics are throttled in
// TradingMetrics, per session).
export const STORE_PROBE_MIN_INTERVAL_MS = 1000;

/**
 * Starts the engine worker, the HTTP/WebSocket server with `/readyz` and `/metrics`, leader
 * election and, when configured, the unattended trading session (run only while leader).
 * The configuration has been validated (see loadServeConfig); this fails fast, naming the
 * problem, before anything listens.
 */
export async function serve(
  config: ServeConfig,
  strategy: StrategySpec | null,
  logger: Logger,
  dependencies: ServeDependencies = {},
): Promise<ServeHandle> {
  // A folder chosen in the Settings panel applies unless the configuration names one.
  const home = defaultDataDir();
  const dataDir = config.server.dataDir ?? chosenDataDir(home) ?? home;
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigurationError(
      `server.dataDir: the data folder cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (config.trading && !strategy) throw new ConfigurationError('trading.strategy: not resolved');
  const metrics = new ServeMetrics();
  const logAs =
    (component: string) =>
    (level: 'info' | 'warn' | 'error', message: string): void => {
      if (level === 'error') metrics.errors.inc({ component });
      logger[level](message);
    };
  const elector = (dependencies.createElector ?? createLeaderElector)(config.leader, logAs('leader'));
  const supervisor = new WorkerSupervisor({
    workerUrl: ENGINE_WORKER_URL,
    config: {
      dbPath: join(dataDir, 'hyperdesk.db'),
      samplesDir: SAMPLES_DIR,
      dataRoots: [dataDir],
      mode: 'research',
      // The Settings panel writes keys here (the OS keychain when the config names no store).
      ...(config.secrets ? { secrets: config.secrets } : {}),
      ...(config.server.dataDir === undefined && dataDir !== home ? { dataDirHome: home } : {}),
    },
    log: logAs('engine'),
  });
  await supervisor.start();
  // Learning runs in the engine worker; its jobs report what the model used when they end.
  const stopCountingLlm = supervisor.onEvent((message) => {
    if (message.event !== 'LearnFinished') return;
    const finished = Events.LearnFinished.safeParse(message.payload);
    if (finished.success) metrics.countLlmUsage(finished.data.usage);
  });
  const probe = new StoreProbe(dataDir);
  const trading =
    config.trading && strategy
      ? new LeaderTrading({
          trading: config.trading,
          strategy,
          dataDir,
          secrets: config.secrets,
          metrics,
          log: logAs('trading'),
          isLeader: () => elector.isLeader(),
        })
      : null;

  const probeStore = throttleCheck(() => {
    try {
      probe.check();
    } catch (error) {
      metrics.dbErrors.inc();
      throw error;
    }
  }, STORE_PROBE_MIN_INTERVAL_MS);

  const readiness = (): Readiness => {
    const result = checkReadiness({
      probeStore,
      engineState: () => supervisor.state,
      elector,
      trading: trading ? () => trading.status() : null,
      candleMarginMs: config.readiness.candleMarginMs,
    });
    metrics.ready.set(result.ready ? 1 : 0);
    return result;
  };

  const staticDir = rendererDir();
  if (!staticDir) logger.warn('the UI is not built (run "npm run build"); serving the API only');
  let server: RunningServer;
  try {
    server = await startHttpServer({
      engine: supervisor,
      staticDir,
      host: config.server.host,
      port: config.server.port,
      version: VERSION,
      allowedHosts: config.server.allowedHosts,
      auth: config.auth,
      log: logAs('http'),
      onRequest: (status, seconds) => {
        metrics.apiRequests.inc({ status: String(status) });
        metrics.apiDuration.observe(seconds);
      },
      opsRoutes: {
        '/readyz': (req, res) => {
          if (!isGet(req.method, res)) return;
          const result = readiness();
          sendJson(res, result.ready ? 200 : 503, { status: result.ready ? 'ready' : 'not ready', ...result });
        },
        '/metrics': async (req, res) => {
          if (!isGet(req.method, res)) return;
          readiness();
          metrics.leader.set(elector.isLeader() ? 1 : 0);
          if (trading) {
            await withTimeout(trading.refreshMetrics(), METRICS_REFRESH_TIMEOUT_MS).catch((error: unknown) => {
              metrics.errors.inc({ component: 'metrics' });
              logger.warn(`metrics: the trading state could not be read: ${(error as Error).message}`);
            });
          }
          const { contentType, text } = await metrics.render();
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(text);
        },
      },
    });
  } catch (error) {
    probe.close();
    await supervisor.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ConfigurationError(`server.port: ${config.server.port} is already in use; pick another`);
    throw error;
  }

  const unsubscribe = elector.onChange((leader) => {
    metrics.leader.set(leader ? 1 : 0);
    logger.info(leader ? 'this instance now holds the trading lease' : 'this instance does not hold the trading lease');
    trading?.onLeadership(leader);
  });
  try {
    await elector.start();
  } catch (error) {
    unsubscribe();
    await server.close();
    probe.close();
    await supervisor.stop();
    throw error;
  }
  metrics.leader.set(elector.isLeader() ? 1 : 0);
  if (elector.isLeader()) trading?.onLeadership(true);

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    supervisor,
    server,
    metrics,
    elector,
    trading,
    readiness,
    stop() {
      stopping ??= (async () => {
        const failed: string[] = [];
        // Every step runs even when one before it failed; the stop as a whole then fails.
        const step = async (what: string, work: () => Promise<void>) =>
          work().catch((error: unknown) => {
            failed.push(what);
            logger.error(`shutdown: ${what}: ${(error as Error).message}`);
          });
        // The session first (it needs the lease and the venue), then the lease, so a standby
        // takes over only once this instance has stopped trading.
        await step('trading', async () => trading?.shutdown(config.shutdown.openOrders));
        unsubscribe();
        await step('lease', () => elector.stop());
        metrics.leader.set(0);
        await step('server', () => server.close());
        probe.close();
        stopCountingLlm();
        await step('engine', () => supervisor.stop());
        if (failed.length > 0) throw new Error(`${failed.join(', ')} did not stop cleanly`);
      })();
      return stopping;
    },
  };
}

function isGet(method: string | undefined, res: ServerResponse): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  res.writeHead(405, { allow: 'GET, HEAD' }).end();
  return false;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
