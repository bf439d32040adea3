import type { Command } from 'commander';
import { SimClock } from '../../../adapters/hl-sim/sim-clock.ts';
import { SimMarket } from '../../../adapters/hl-sim/sim-market.ts';
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
    .action(async (opts: { port: string; coins: string; historyMinutes: string; fund: string[] }) => {
      const port = parseOrThrow(z.coerce.number().int().min(0).max(65535), opts.port, '--port');
      const historyMinutes = parseOrThrow(
        z.coerce.number().int().min(1).max(5_000_000),
        opts.historyMinutes,
        '--history-minutes',
      );
      const coins = opts.coins.split(',').map((c) => ({ name: parseOrThrow(CoinSchema, c.trim(), '--coins') }));
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
      io.out(`hl-sim (synthetic data) at ${sim.url}, WebSocket ${sim.wsUrl}; use --api-url ${sim.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      clearInterval(ticker);
      await sim.close();
    });
}
