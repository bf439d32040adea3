import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { WorkerSupervisor } from '../host/worker-supervisor.ts';
import { ConfigurationError } from '../shared/contract/errors.ts';
import { parseOrThrow } from '../shared/contract/validation.ts';
import { ENGINE_WORKER_URL, SAMPLES_DIR, defaultDataDir, rendererDir } from './app-paths.ts';
import { startHttpServer, type RunningServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import { VERSION } from './version.ts';

/** Options of `hyperdesk serve`, validated before anything starts. */
export const ServeOptionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  dataDir: z.string().min(1).optional(),
  /** Listening beyond loopback exposes the engine; it must be asked for explicitly. */
  allowRemote: z.boolean().default(false),
  /** Names clients use to reach a remote-listening server (IP addresses always work). */
  allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name')).default([]),
});

/** Options of `hyperdesk serve`, as given. */
export type ServeOptions = z.input<typeof ServeOptionsSchema>;

/** A running headless HyperDesk. */
export interface ServeHandle {
  readonly url: string;
  readonly supervisor: WorkerSupervisor;
  readonly server: RunningServer;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Starts the engine worker and the HTTP/WebSocket server in front of it. Fails fast, with a
 * message naming the bad option, before anything listens.
 */
export async function serve(input: ServeOptions, logger: Logger): Promise<ServeHandle> {
  const options = parseOrThrow(ServeOptionsSchema, input, 'serve options');
  if (!LOOPBACK.has(options.host) && !options.allowRemote) {
    throw new ConfigurationError(
      `host: ${options.host} is reachable from other machines and the API has no authentication yet; ` +
        'use 127.0.0.1, or pass --allow-remote on a network you trust',
    );
  }
  const dataDir = options.dataDir ?? defaultDataDir();
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigurationError(`data folder ${dataDir} cannot be created: ${(error as Error).message}`);
  }
  const supervisor = new WorkerSupervisor({
    workerUrl: ENGINE_WORKER_URL,
    config: { dbPath: join(dataDir, 'hyperdesk.db'), samplesDir: SAMPLES_DIR, dataRoots: [dataDir], mode: 'research' },
    log: (level, message) => logger[level](message),
  });
  await supervisor.start();
  const staticDir = rendererDir();
  if (!staticDir) logger.warn('the UI is not built (run "npm run build"); serving the API only');
  let server: RunningServer;
  try {
    server = await startHttpServer({
      engine: supervisor,
      staticDir,
      host: options.host,
      port: options.port,
      version: VERSION,
      allowedHosts: options.allowedHosts,
      log: (level, message) => logger[level](message),
    });
  } catch (error) {
    await supervisor.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ConfigurationError(`port: ${options.port} is already in use; pick another with --port`);
    throw error;
  }
  return {
    url: server.url,
    supervisor,
    server,
    async stop() {
      await server.close();
      await supervisor.stop();
    },
  };
}
