import { pino } from 'pino';
import { redactSecrets } from '../adapters/secrets/secret-redactor.ts';

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
 * only, never request payloads, which may hold keys; any secret read through a SecretStore is
 * still masked, as a last line of defence.
 */
export function createLogger(
  name: string,
  level: string = process.env.HYPERDESK_LOG_LEVEL ?? 'info',
  human: boolean = process.stderr.isTTY === true && process.env.HYPERDESK_LOG_FORMAT !== 'json',
): Logger {
  if (!human) {
    const log = pino({ name, level }, pino.destination(2));
    return {
      info: (message) => log.info(redactSecrets(message)),
      warn: (message) => log.warn(redactSecrets(message)),
      error: (message) => log.error(redactSecrets(message)),
    };
  }
  const threshold = Math.max(0, LEVELS.indexOf(level as (typeof LEVELS)[number]));
  const line = (lvl: (typeof LEVELS)[number], message: string) => {
    if (LEVELS.indexOf(lvl) >= threshold) process.stderr.write(`${name} ${lvl}: ${redactSecrets(message)}\n`);
  };
  return {
    info: (message) => line('info', message),
    warn: (message) => line('warn', message),
    error: (message) => line('error', message),
  };
}
