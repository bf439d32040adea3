import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHlSim, type RunningHlSim } from '../../../src/adapters/hl-sim/hl-sim-server.ts';
import { SimClock } from '../../../src/adapters/hl-sim/sim-clock.ts';
import { SimMarket } from '../../../src/adapters/hl-sim/sim-market.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { fundTestAccount } from '../../helpers/live-venue.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
let sim: RunningHlSim;
let address: string;

beforeAll(async () => {
  // Real time: the engine process signs with its own clock, as in production.
  const clock = new SimClock();
  sim = await startHlSim({
    market: new SimMarket({ clock, coins: [{ name: 'BTC' }, { name: 'ETH' }], historyMinutes: 60 }),
    clock,
  });
  sim.exchange.setPrice('BTC', '50000');
  address = fundTestAccount(sim.exchange, 10_000);
});
afterAll(async () => {
  await sim.close();
  tmp.remove();
});

type Answer = Record<string, unknown> & {
  event: string;
  position: string;
  fills: number;
  orders: { cloid: string; status: string }[];
};

/** Starts the engine process and gives a way to send commands and read answers. */
function engine(dbPath: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'tests/helpers/trader-process.ts'), sim.url, dbPath],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const answers: Answer[] = [];
  const waiting: ((a: Answer) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const answer = JSON.parse(line) as Answer;
    const next = waiting.shift();
    if (next) next(answer);
    else answers.push(answer);
  });
  const next = () =>
    new Promise<Answer>((resolve) => (answers.length > 0 ? resolve(answers.shift()!) : waiting.push(resolve)));
  return {
    child,
    next,
    async send(command: Record<string, unknown>) {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      return next();
    },
  };
}

describe('crash recovery (kill -9)', () => {
  it('restores orders, fills and the position from the journal and reconciles: no duplicate order, no lost fill', async () => {
    const dbPath = join(tmp.dir, 'engine.db');
    const first = engine(dbPath);
    expect((await first.next()).event).toBe('ready');
    const bought = await first.send({ cmd: 'order', side: 'buy', qty: '0.02', kind: 'market' });
    expect(bought).toMatchObject({ status: 'filled', position: '0.02', fills: 1 });
    const rested = await first.send({
      cmd: 'order',
      side: 'sell',
      qty: '0.01',
      kind: 'limit',
      limitPrice: '51000',
      reduceOnly: true,
    });
    expect(rested.status).toBe('accepted');

    // kill -9 with a position and an open order; while the engine is down, the order fills.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    sim.exchange.setPrice('BTC', '51500');
    const venue = sim.exchange.user(address);
    expect(venue?.fills).toHaveLength(2);

    const second = engine(dbPath);
    const ready = await second.next();
    expect(ready.event).toBe('ready');
    expect(ready.differences).toEqual(['1 fill(s) missed while away were recovered']);
    expect(ready).toMatchObject({ position: '0.01', fills: 2 });
    expect(ready.orders.map((o) => o.status)).toEqual(['filled', 'filled']);
    // Nothing was sent twice: the venue saw exactly the two orders the journal holds.
    expect(venue?.statuses.size).toBe(2);
    const db = openDatabase(dbPath);
    const submitted = db.prepare("SELECT count(*) AS n FROM journal WHERE event = 'order.submitted'").get() as {
      n: number;
    };
    db.close();
    expect(submitted.n).toBe(2);
    expect(venue?.positions.get('BTC')?.szi.toFixed()).toBe('0.01');
    second.child.kill('SIGKILL');
  });
});
