import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** The trading modes. */
export type TradingMode = 'paper' | 'live';

/**
 * The journal stream of a trading run: one account on one venue (its API URL, so names given
 * to cached candles cannot split it) and market in one mode. Restarting the same run resumes
 * it, with its halt and its day's losses; the paper account is per venue and market.
 */
export function runIdOf(mode: TradingMode, venue: string, account: string, coin: string): string {
  return `${mode}:${venue}:${mode === 'paper' ? 'paper' : account.toLowerCase()}:${coin}`;
}

/** The paper venue's own stream (its bars, orders and cancels). */
export function paperVenueRunOf(runId: string): string {
  return `${runId}#venue`;
}

/** Where other processes ask a running session to act (`hyperdesk kill`). */
export function controlRunOf(runId: string): string {
  return `${runId}#control`;
}

/** 8 hex digits that prefix every client order id of the run, so its orders are recognisable. */
export function cloidPrefixOf(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 8);
}

/** The lock file that keeps a run to one process. */
export function lockPathOf(dataDir: string, runId: string): string {
  return join(dataDir, 'locks', `${createHash('sha256').update(runId).digest('hex').slice(0, 16)}.lock`);
}
