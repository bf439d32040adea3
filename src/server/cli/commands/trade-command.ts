import type { Command } from 'commander';
import { join } from 'node:path';
import { HlMarketData } from '../../../adapters/hyperliquid/hl-market-data.ts';
import { readSmallFile, parseJsonFile } from '../../../adapters/files/read-small-file.ts';
import { RunLock } from '../../../adapters/run-lock.ts';
import type { TraderEvent } from '../../../engine/execution/live-trader.ts';
import { RiskRulesSchema } from '../../../engine/execution/risk-manager.ts';
import { lockPathOf } from '../../../host/trading/run-ids.ts';
import { TradingSession } from '../../../host/trading/trading-session.ts';
import { RiskDeniedError } from '../../../shared/contract/errors.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import { z } from 'zod';
import { defaultDataDir } from '../../app-paths.ts';
import { createLogger } from '../../logger.ts';
import { resolveStrategyOption } from '../backtest-options.ts';
import { parseCoin, parseInterval, collect } from '../cli-options.ts';
import type { CliIo } from '../program.ts';
import { openRunVenue } from './orders-command.ts';
import { parseMode, withTradingOptions, type TradingCliOptions } from '../trading-options.ts';

interface TradeOptions extends TradingCliOptions {
  strategy: string;
  param: string[];
  sizing?: string;
  interval: string;
  leverage?: string;
  capital?: string;
  fundingRate?: string;
  rules?: string;
  deadMan: string;
  warmUp: string;
  json: boolean;
}

/** One line per session event, for a person or (with --json) a machine. */
function describe(event: TraderEvent): string {
  switch (event.kind) {
    case 'signal':
      return `signal ${event.intent.kind === 'exit' ? 'exit' : event.intent.side} (${event.intent.reason})`;
    case 'risk':
      return `refused by ${event.rule}: ${event.message}`;
    case 'halted':
      return `HALTED: ${event.reason}`;
    case 'error':
      return `error: ${event.message}`;
    case 'fill':
      return `fill ${event.fill.side} ${event.fill.qty.toFixed()} ${event.fill.coin} @ ${event.fill.price.toFixed()} (fee ${event.fill.fee.toFixed()})`;
    case 'order': {
      const o = event.order;
      return `order ${o.order.cloid} ${o.order.side} ${o.order.qty.toFixed()} ${o.order.kind}: ${o.status}${o.reason ? ` (${o.reason})` : ''}`;
    }
    case 'resumed':
      return 'halt lifted: trading again';
    case 'funding':
      return `funding ${event.funding.coin} ${event.funding.amount.toFixed()} (rate ${event.funding.rate.toFixed()})`;
    case 'connection':
      return `venue connection ${event.state}`;
    case 'difference':
      return `reconciliation: ${event.message}`;
  }
}

/** `hyperdesk trade`: a paper or live trading session on one market, until stopped. */
export function registerTrade(program: Command, io: CliIo): void {
  withTradingOptions(
    program.command('trade').description('trade a strategy on one market, paper or live, until stopped'),
  )
    .requiredOption(
      '--strategy <id|file.json>',
      'built-in strategy (sma-cross, ema-cross, confluence) or a strategy file',
    )
    .option('--param <key=value>', 'strategy parameter, repeatable', collect, [])
    .option('--sizing <rule>', 'all-in or risk:<percent>; never above the risk rules’ riskPercent')
    .option('--interval <interval>', 'bar interval the strategy trades', '1m')
    .option('--leverage <x>', 'leverage set on the venue (cross margin; default 1, or the paper account’s)')
    .option('--capital <amount>', 'paper: starting balance (default 10000)')
    .option(
      '--funding-rate <rate>',
      'paper: hourly funding rate charged on the position, e.g. 0.0000125 (default none)',
    )
    .option('--rules <file.json>', 'risk rules (riskPercent, dailyLossLimit, maxLeverage, …); defaults otherwise')
    .option(
      '--dead-man <seconds>',
      'live: the venue cancels all orders this long after the session stops refreshing it',
      '60',
    )
    .option('--warm-up <bars>', 'bars of history the strategy sees before trading', '500')
    .option('--json', 'print events as JSON lines', false)
    .action(async (opts: TradeOptions) => {
      const mode = parseMode(opts.mode);
      const coin = parseCoin(opts.coin);
      const interval = parseInterval(opts.interval);
      const strategy = await resolveStrategyOption({ ...opts, data: '' });
      const leverageGiven = opts.leverage !== undefined;
      const leverage = parseOrThrow(z.coerce.number().int().min(1).max(100), opts.leverage ?? '1', '--leverage');
      const deadMan = parseOrThrow(z.coerce.number().int().min(5).max(86_400), opts.deadMan, '--dead-man');
      const warmUpBars = parseOrThrow(z.coerce.number().int().min(0).max(5000), opts.warmUp, '--warm-up');
      const rules = opts.rules
        ? parseOrThrow(
            RiskRulesSchema,
            parseJsonFile(await readSmallFile(opts.rules, 'risk rules', 1 << 16), opts.rules, 'risk rules'),
            opts.rules,
          )
        : RiskRulesSchema.parse({});
      if (leverage > rules.maxLeverage) {
        throw new RiskDeniedError(
          `maxLeverage: --leverage ${leverage} is above the rules' maximum of ${rules.maxLeverage}`,
        );
      }
      const logger = createLogger('hyperdesk');
      const dataDir = opts.dataDir ?? defaultDataDir();
      const run = await openRunVenue({ ...opts, dataDir }, false, {
        capital: opts.capital,
        fundingRatePerHour: opts.fundingRate,
        // A paper account keeps the leverage it was opened with unless another is asked for.
        leverage: leverageGiven ? leverage : undefined,
      });
      const { db, runId, venue } = run;
      const opened = run;
      const sessionLeverage = run.paper ? run.paper.leverage : leverage;
      let lock: RunLock | null = null;
      let session: TradingSession | null = null;
      try {
        lock = RunLock.acquire(lockPathOf(dataDir, runId), `trading ${coin} (${mode}) for ${opened.account}`);
        session = new TradingSession({
          runId,
          db,
          coin,
          interval,
          strategy,
          rules,
          leverage: sessionLeverage,
          execution: opened.execution,
          paper: opened.paper,
          marketData: new HlMarketData({ endpoints: venue.endpoints }),
          source: venue.source,
          label: venue.label,
          deadManMs: mode === 'live' ? deadMan * 1000 : undefined,
          warmUpBars,
          log: (level, message) => logger[level](message),
          onEvent: (event) =>
            io.out(opts.json ? `${JSON.stringify({ at: Date.now(), ...event })}\n` : `${describe(event)}\n`),
        });
        const differences = await session.start();
        const banner = `${mode === 'live' ? 'LIVE' : 'PAPER'} trading ${coin} ${interval} with ${strategy.id} on ${venue.label}, account ${opened.account}`;
        io.out(
          opts.json
            ? `${JSON.stringify({ at: Date.now(), kind: 'started', mode, coin, interval, account: opened.account, runId, differences })}\n`
            : `${banner}; ${differences.length} reconciliation difference(s); Ctrl+C to stop\n`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
      } finally {
        await session?.stop().catch((error: unknown) => logger.error(`stopping: ${(error as Error).message}`));
        lock?.release();
        db.close();
      }
      if (!opts.json)
        io.out(
          `stopped; open orders stay on the venue (see hyperdesk orders) — data in ${join(dataDir, 'hyperdesk.db')}\n`,
        );
    });
}
