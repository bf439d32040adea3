import { pino } from 'pino';

/** The logging surface servers and hosts use. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Logs on stderr (stdout stays free for command output): JSON lines for machines (servers,
 * containers), short readable lines when a person watches a terminal. Callers log messages
 * only, never request payloads, which may hold keys.
 */
export function createLogger(
  name: string,
  level: string = process.env.HYPERDESK_LOG_LEVEL ?? 'info',
  human: boolean = process.stderr.isTTY === true && process.env.HYPERDESK_LOG_FORMAT !== 'json',
): Logger {
  if (!human) {
    const log = pino({ name, level }, pino.destination(2));
    return {
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
    };
  }
  const threshold = Math.max(0, LEVELS.indexOf(level as (typeof LEVELS)[number]));
  const line = (lvl: (typeof LEVELS)[number], message: string) => {
    if (LEVELS.indexOf(lvl) >= threshold) process.stderr.write(`${name} ${lvl}: ${message}\n`);
  };
  return {
    info: (message) => line('info', message),
    warn: (message) => line('warn', message),
    error: (message) => line('error', message),
  };
}
