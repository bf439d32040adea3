import { WorkerSupervisor } from '../../src/host/worker-supervisor.ts';
import { startHttpServer, type HttpServerOptions, type RunningServer } from '../../src/server/http-server.ts';
import { testEngineConfig } from './engine-config.ts';
import { ENGINE_WORKER, tempDir } from './paths.ts';

/** A real engine worker behind a real HTTP/WebSocket server on a free loopback port. */
export async function startTestServer(
  options: { staticDir?: string | null; workerUrl?: URL; server?: Partial<HttpServerOptions> } = {},
) {
  const tmp = tempDir();
  const supervisor = new WorkerSupervisor({
    workerUrl: options.workerUrl ?? ENGINE_WORKER,
    config: testEngineConfig(tmp.dir),
    restartDelayMs: 10,
  });
  await supervisor.start();
  let server: RunningServer;
  try {
    server = await startHttpServer({
      engine: supervisor,
      staticDir: options.staticDir ?? null,
      host: '127.0.0.1',
      port: 0,
      version: '0.0.0-test',
      ...options.server,
    });
  } catch (error) {
    await supervisor.stop();
    tmp.remove();
    throw error;
  }
  return {
    supervisor,
    server,
    url: server.url,
    wsUrl: `${server.url.replace('http', 'ws')}/api/v1/ws`,
    dir: tmp.dir,
    async stop() {
      await server.close();
      await supervisor.stop();
      tmp.remove();
    },
  };
}
