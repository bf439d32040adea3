import type { Command } from 'commander';
import { SimClock } from '../../../adapters/hl-sim/sim-clock.ts';
import { RecordedMinutes } from '../../../adapters/hl-sim/recorded-minutes.ts';
import { SimMarket, type SimCoin } from '../../../adapters/hl-sim/sim-market.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { loadBars } from '../backtest-options.ts';
import { startHlSim } from '../../../adapters/hl-sim/hl-sim-server.ts';
import { CoinSchema } from '../../../shared/contract/series.ts';
import { parseOrThrow } from '../../../shared/contract/validation.ts';
import { z } from 'zod';
import { AddressSchema } from '../../../shared/values/address.ts';
import { collect } from '../cli-options.ts';
import type { CliIo } from '../program.ts';

/** `hyperdesk hl-sim`: the local simulated Hyperliquid, for offline development and demos. */
export function registerHlSim(program: Command, io: CliIo): void {
  program
    .command('hl-sim')
    .alias('sim-exchange')
    .description(
      'run a local simulated Hyperliquid exchange on loopback: market data, signed orders, positions, WebSocket',
    )
    .option('--port <port>', 'port (0 picks a free one)', '8790')
    .option('--coins <list>', 'comma-separated markets', 'BTC,ETH')
    .option('--history-minutes <n>', 'minutes of history before now', '10080')
    .option('--fund <address=usdc>', 'credit an account with USDC, repeatable', collect, [])
    .option('--data <file>', "replay this file's 1-minute bars as the first coin's market (looped)")
    .action(async (opts: { port: string; coins: string; historyMinutes: string; fund: string[]; data?: string }) => {
      const port = parseOrThrow(z.coerce.number().int().min(0).max(65535), opts.port, '--port');
      const historyMinutes = parseOrThrow(
        z.coerce.number().int().min(1).max(5_000_000),
        opts.historyMinutes,
        '--history-minutes',
      );
      const coins: SimCoin[] = opts.coins
        .split(',')
        .map((c) => ({ name: parseOrThrow(CoinSchema, c.trim(), '--coins') }));
      if (opts.data !== undefined) {
        const { bars, interval, label } = await loadBars({ data: opts.data, param: [], strategy: '' });
        if (interval !== '1m')
          throw new ValidationError(`--data: ${label} has ${interval} bars; the exchange replays 1-minute bars`);
        const first = coins[0] as SimCoin;
        coins[0] = { ...first, minutes: new RecordedMinutes(bars) };
        io.out(`${first.name} replays ${bars.length} bars of ${label}\n`);
      }
      const clock = new SimClock();
      const funds = opts.fund.map((pair) => {
        const [address, amount] = pair.split('=');
        return {
          address: parseOrThrow(AddressSchema, address, '--fund address'),
          usdc: parseOrThrow(z.coerce.number().positive().max(1e12), amount, '--fund amount'),
        };
      });
      const sim = await startHlSim({ market: new SimMarket({ clock, coins, historyMinutes }), clock, port });
      for (const fund of funds) {
        sim.exchange.fund(fund.address, fund.usdc);
        io.out(`funded ${fund.address} with ${fund.usdc} USDC\n`);
      }
      const ticker = setInterval(() => clock.tick(), 1000);
      io.out(
        `hl-sim (${opts.data === undefined ? 'synthetic data' : 'recorded data'}) at ${sim.url}, WebSocket ${sim.wsUrl}; use --api-url ${sim.url}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      clearInterval(ticker);
      await sim.close();
    });
}
