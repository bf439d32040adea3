import { pino } from 'pino';

/** The logging surface servers and hosts use. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Structured JSON logs on stderr (stdout stays free for command output). Log lines carry
 * messages only: callers never log request payloads, which may hold keys.
 */
export function createLogger(name: string, level: string = process.env.HYPERDESK_LOG_LEVEL ?? 'info'): Logger {
  const log = pino({ name, level }, pino.destination(2));
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
}
