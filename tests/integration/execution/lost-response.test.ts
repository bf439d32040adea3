import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlExchangeClient } from '../../../src/adapters/hyperliquid/hl-exchange-client.ts';
import { HlExecution } from '../../../src/adapters/hyperliquid/hl-execution.ts';
import { HlSigner } from '../../../src/adapters/hyperliquid/hl-signer.ts';
import { NonceManager } from '../../../src/adapters/hyperliquid/nonce-manager.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import { OrderManager } from '../../../src/engine/execution/order-manager.ts';
import { PositionManager } from '../../../src/engine/execution/position-manager.ts';
import { simEnvironment } from '../../helpers/hl-sim.ts';
import { fundTestAccount, TEST_KEY } from '../../helpers/live-venue.ts';

let env: Awaited<ReturnType<typeof simEnvironment>>;
beforeEach(async () => {
  env = await simEnvironment();
  env.sim.exchange.setPrice('BTC', '50000');
  fundTestAccount(env.sim.exchange, 10_000);
});
afterEach(() => env.close());

describe('an order whose answer is lost', () => {
  it('is looked up by its cloid, found filled, and never recorded as rejected or sent twice', async () => {
    let lose = 1;
    // The first /exchange request reaches the venue, but its answer never comes back.
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/exchange') && lose > 0) {
        lose--;
        await response.text();
        throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
      }
      return response;
    };
    const signer = new HlSigner(TEST_KEY, true);
    const endpoints = resolveEndpoints({ apiUrl: env.sim.url, network: 'testnet' });
    const client = new HlExchangeClient({
      endpoints,
      signer,
      nonces: new NonceManager(() => env.clock.now()),
      retry: { baseDelayMs: 1, maxDelayMs: 5, attempts: 3 },
      fetch: lossy,
    });
    const execution = new HlExecution({ client, endpoints, account: signer.address });
    await execution.init();
    const db = openDatabase(':memory:');
    const positions = new PositionManager();
    const orders = new OrderManager({
      client: execution,
      journal: new SqliteJournal(db, 'lost'),
      clock: { now: () => env.clock.now() },
      positions,
      cloidPrefix: '0000f00d',
    });
    const [tracked] = await orders.submit([
      {
        coin: 'BTC',
        side: 'buy',
        qty: new Decimal('0.01'),
        kind: 'market',
        limitPrice: null,
        triggerPrice: null,
        tif: 'ioc',
        reduceOnly: false,
      },
    ]);
    // The retry carried the same signed body: the venue refused it as a repeat, which is not a
    // rejection of the order. Asked by cloid, the venue says it filled.
    expect(tracked?.status).toBe('filled');
    expect(positions.get('BTC').qty.toFixed()).toBe('0.01');
    expect(env.sim.exchange.user(signer.address)?.fills.length).toBe(1);
    db.close();
  });
});
