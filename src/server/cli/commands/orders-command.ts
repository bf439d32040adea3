import type { Command } from 'commander';
import type { Database } from 'better-sqlite3';
import type { OpenedExecution } from '../../../host/trading/open-execution.ts';
import { openExecution } from '../../../host/trading/open-execution.ts';
import { runIdOf } from '../../../host/trading/run-ids.ts';
import { openStore, parseCoin } from '../cli-options.ts';
import type { CliIo } from '../program.ts';
import {
  parseMode,
  secretStoreOption,
  tradingVenue,
  withTradingOptions,
  type TradingCliOptions,
} from '../trading-options.ts';

/**
 * Opens the venue of a run: the store (synchronous commits), the run id, and Hyperliquid (the
 * key is needed to trade; `readOnly` with an account needs none) or the paper account rebuilt
 * from its journal.
 */
export async function openRunVenue(
  opts: TradingCliOptions,
  readOnly: boolean,
  paper: { capital?: string; leverage?: number; fundingRatePerHour?: string } = {},
): Promise<
  OpenedExecution & {
    db: Database;
    runId: string;
    coin: string;
    mode: 'paper' | 'live';
    venue: ReturnType<typeof tradingVenue>;
  }
> {
  const mode = parseMode(opts.mode);
  const coin = parseCoin(opts.coin);
  const venue = tradingVenue({ ...opts, confirmMainnet: opts.confirmMainnet || readOnly }, mode);
  const db = openStore(opts.dataDir);
  // The journal must survive a power cut, not only a crash: every commit reaches the disk.
  db.pragma('synchronous = FULL');
  try {
    const probe = runIdOf(mode, venue.endpoints.apiUrl, opts.account ?? 'paper', coin);
    const opened = await openExecution({
      mode,
      endpoints: venue.endpoints,
      coin,
      db,
      runId: probe,
      secrets: mode === 'live' ? secretStoreOption(opts) : undefined,
      account: opts.account,
      readOnly,
      ...paper,
    });
    return { ...opened, db, coin, mode, venue, runId: runIdOf(mode, venue.endpoints.apiUrl, opened.account, coin) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** `hyperdesk orders` and `hyperdesk positions`: what the venue holds for the account. */
export function registerOrders(program: Command, io: CliIo): void {
  withTradingOptions(program.command('orders').description('open orders on the venue (paper: the paper account)'))
    .option('--json', 'print JSON', false)
    .action(async (opts: TradingCliOptions & { json: boolean }) => {
      const run = await openRunVenue(opts, true);
      try {
        const orders = (await run.execution.openOrders()).filter((o) => o.coin === run.coin);
        if (opts.json) {
          io.out(`${JSON.stringify(orders)}\n`);
          return;
        }
        io.out(`${orders.length} open order(s) on ${run.coin} for ${run.account}\n`);
        for (const o of orders) {
          io.out(
            `  ${o.cloid ?? `oid ${o.oid}`} ${o.side} ${o.qty.toFixed()} of ${o.origQty.toFixed()} @ ${o.limitPrice.toFixed()} ${o.status}\n`,
          );
        }
      } finally {
        run.db.close();
      }
    });
  withTradingOptions(program.command('positions').description('positions and account value on the venue'))
    .option('--json', 'print JSON', false)
    .action(async (opts: TradingCliOptions & { json: boolean }) => {
      const run = await openRunVenue(opts, true);
      try {
        const account = await run.execution.account();
        if (opts.json) {
          io.out(`${JSON.stringify({ account: run.account, ...account })}\n`);
          return;
        }
        io.out(`account ${run.account}: value ${account.equity.toFixed()}\n`);
        if (account.positions.length === 0) io.out('  no positions\n');
        for (const p of account.positions) {
          io.out(`  ${p.coin} ${p.qty.toFixed()} @ ${p.entryPrice?.toFixed() ?? '-'}\n`);
        }
      } finally {
        run.db.close();
      }
    });
}
