import type { Command } from 'commander';
import { loadServeConfig } from '../../config/load-serve-config.ts';
import { createLogger } from '../../logger.ts';
import { serve } from '../../serve.ts';
import { runUntilSignalled } from '../../shutdown/graceful-shutdown.ts';
import type { CliIo } from '../program.ts';

interface ServeCliOptions {
  config?: string;
  host?: string;
  port?: string;
  dataDir?: string;
  allowRemote?: boolean;
  allowedHost: string[];
}

/**
 * `hyperdesk serve`: the engine and the UI over HTTP/WebSocket (web mode, headless), with
 * readiness, metrics, leader election and, when configured, unattended trading.
 */
export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the engine headless and serve the UI and API over HTTP and WebSocket')
    .option('--config <file>', 'server configuration (YAML or JSON); HYPERDESK_<SECTION>_<KEY> variables override it')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 picks a free one (default 8787)')
    .option('--data-dir <dir>', 'folder for the database and data files (default: per-user app data)')
    .option('--allow-remote', 'allow listening on a non-loopback address')
    .option(
      '--allowed-host <name>',
      'a host name clients use to reach a remote server (repeatable; IP addresses always work)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (opts: ServeCliOptions) => {
      const { config, strategy } = await loadServeConfig({
        file: opts.config,
        env: process.env,
        flags: {
          host: opts.host,
          port: opts.port,
          dataDir: opts.dataDir,
          allowRemote: opts.allowRemote,
          allowedHosts: opts.allowedHost,
        },
      });
      const human = config.log.format === undefined ? undefined : config.log.format === 'pretty';
      const logger = createLogger('hyperdesk', config.log.level, human);
      // The handlers go in before anything starts: a SIGTERM during start-up must not be lost.
      const code = await runUntilSignalled(
        () => serve(config, strategy, logger),
        { graceMs: config.shutdown.graceMs, logger },
        (handle) => io.out(`HyperDesk is running at ${handle.url} (web mode). Press Ctrl+C to stop.\n`),
      );
      if (code !== 0) process.exitCode = code;
    });
}
