/**
 * A trading engine process for crash tests: a live trader on the hl-sim at argv[2] with its
 * journal in the SQLite file argv[3]. It starts (journal replay + reconciliation), prints
 * one JSON line per answer, and takes one JSON command per stdin line:
 *   {"cmd":"order", ...ExecOrder fields as strings} · {"cmd":"state"}
 */
import { Decimal } from 'decimal.js';
import { createInterface } from 'node:readline';
import { TimerScheduler } from '../../src/adapters/timer-scheduler.ts';
import { openDatabase } from '../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../src/adapters/sqlite/sqlite-journal.ts';
import { LiveTrader } from '../../src/engine/execution/live-trader.ts';
import { RiskRulesSchema } from '../../src/engine/execution/risk-manager.ts';
import { resolveStrategy } from '../../src/engine/strategy/strategy-registry.ts';
import { simExecution } from './live-venue.ts';

const [url, dbPath] = process.argv.slice(2) as [string, string];
const db = openDatabase(dbPath);
const { execution } = await simExecution(url, Date.now);
const trader = new LiveTrader({
  client: execution,
  journal: new SqliteJournal(db, 'live:sim:BTC'),
  clock: { now: Date.now },
  scheduler: new TimerScheduler(),
  coin: 'BTC',
  interval: '1m',
  strategy: resolveStrategy('sma-cross', {}, { kind: 'all-in' }),
  rules: RiskRulesSchema.parse({}),
  cloidPrefix: '00c0ffee',
});
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const state = () => ({
  position: trader.positions.get('BTC').qty.toFixed(),
  orders: trader.orders.all.map((o) => ({ cloid: o.order.cloid, status: o.status, oid: o.oid })),
  fills: (db.prepare("SELECT count(*) AS n FROM journal WHERE event = 'fill'").get() as { n: number }).n,
});
const differences = await trader.start();
say({ event: 'ready', differences, ...state() });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Record<string, string | boolean | null>;
  if (command.cmd === 'order') {
    const [tracked] = await trader.orders.submit([
      {
        coin: 'BTC',
        side: command.side === 'sell' ? 'sell' : 'buy',
        qty: new Decimal(String(command.qty)),
        kind: command.kind === 'limit' ? 'limit' : 'market',
        limitPrice: command.limitPrice ? new Decimal(String(command.limitPrice)) : null,
        triggerPrice: null,
        tif: command.kind === 'limit' ? 'gtc' : 'ioc',
        reduceOnly: command.reduceOnly === true,
      },
    ]);
    say({ event: 'order', status: tracked?.status, ...state() });
  } else if (command.cmd === 'state') {
    say({ event: 'state', ...state() });
  }
}
