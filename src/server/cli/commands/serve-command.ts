import type { Command } from 'commander';
import { createLogger } from '../../logger.ts';
import { serve } from '../../serve.ts';
import type { CliIo } from '../program.ts';

/** `hyperdesk serve`: the engine and the UI over HTTP/WebSocket (web mode, headless). */
export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the engine headless and serve the UI and API over HTTP and WebSocket')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8787')
    .option('--data-dir <dir>', 'folder for the database and data files (default: per-user app data)')
    .option('--allow-remote', 'allow listening on a non-loopback address', false)
    .option(
      '--allowed-host <name>',
      'a host name clients use to reach a remote server (repeatable; IP addresses always work)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(
      async (opts: { host: string; port: string; dataDir?: string; allowRemote: boolean; allowedHost: string[] }) => {
        const { allowedHost, ...rest } = opts;
        const logger = createLogger('hyperdesk');
        const handle = await serve({ ...rest, allowedHosts: allowedHost }, logger);
        io.out(`HyperDesk is running at ${handle.url} (web mode). Press Ctrl+C to stop.\n`);
        await new Promise<void>((resolve) => {
          const shutdown = (signal: string) => {
            logger.info(`${signal} received, shutting down`);
            handle.stop().then(resolve, (error: unknown) => {
              logger.error(`shutdown failed: ${(error as Error).message}`);
              resolve();
            });
          };
          process.once('SIGINT', () => shutdown('SIGINT'));
          process.once('SIGTERM', () => shutdown('SIGTERM'));
        });
      },
    );
}
