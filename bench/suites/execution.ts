/**
 * The execution path: a strategy signal to a signed order on the wire to hl-sim, in-process
 * on loopback, against a bare info round trip on the same loopback; and signing alone against
 * a bare secp256k1 signature.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SimClock } from '../../src/adapters/hl-sim/sim-clock.ts';
import { SimMarket } from '../../src/adapters/hl-sim/sim-market.ts';
import { startHlSim } from '../../src/adapters/hl-sim/hl-sim-server.ts';
import { resolveEndpoints } from '../../src/adapters/hyperliquid/hl-endpoints.ts';
import { HlExchangeClient } from '../../src/adapters/hyperliquid/hl-exchange-client.ts';
import { HlExecution } from '../../src/adapters/hyperliquid/hl-execution.ts';
import { HlSigner } from '../../src/adapters/hyperliquid/hl-signer.ts';
import { NonceManager } from '../../src/adapters/hyperliquid/nonce-manager.ts';
import { WeightLimiter } from '../../src/adapters/hyperliquid/weight-limiter.ts';
import { openDatabase } from '../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../src/adapters/sqlite/sqlite-journal.ts';
import { LiveTrader } from '../../src/engine/execution/live-trader.ts';
import { RiskRulesSchema } from '../../src/engine/execution/risk-manager.ts';
import { resolveStrategy } from '../../src/engine/strategy/strategy-registry.ts';
import { measure, summarize, type BenchRow } from '../stats.ts';

// A key made for this run only: the bench account exists only inside this run's hl-sim.
const KEY = generatePrivateKey();
const BARS = 400;

/** Signal → order on the wire, and signing, each against its floor. */
export async function executionSuite(): Promise<BenchRow[]> {
  const suite = 'execution';
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hyperdesk-bench-'));
  const clock = new SimClock(Date.UTC(2026, 10, 25, 12));
  // Latency, not rate limits, is measured: both sides get an unlimited weight budget.
  const sim = await startHlSim({
    market: new SimMarket({ clock, coins: [{ name: 'BTC' }] }),
    clock,
    weightBudget: 1e12,
  });
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const signer = new HlSigner(KEY, true);
    sim.exchange.fund(signer.address, 1_000_000);
    const endpoints = resolveEndpoints({ apiUrl: sim.url, network: 'testnet' });
    let signalAt = Number.NaN;
    const wire: number[] = [];
    const timedFetch: typeof fetch = (input, init) => {
      // The first order a signal causes: the request leaves with its signed body.
      if (!Number.isNaN(signalAt) && String(input).endsWith('/exchange')) {
        wire.push(performance.now() - signalAt);
        signalAt = Number.NaN;
      }
      return fetch(input, init);
    };
    const client = new HlExchangeClient({
      endpoints,
      signer,
      nonces: new NonceManager(() => clock.now()),
      limiter: new WeightLimiter({ budget: 1e12 }),
      fetch: timedFetch,
    });
    const execution = new HlExecution({ client, endpoints, account: signer.address });
    await execution.init();
    const trader = new LiveTrader({
      client: execution,
      journal: new SqliteJournal(db, 'bench'),
      clock: { now: () => clock.now() },
      scheduler: { schedule: () => () => undefined },
      coin: 'BTC',
      interval: '1m',
      // SMA(1) against SMA(2) of alternating closes: every bar is a cross, every cross a flip.
      strategy: resolveStrategy('sma-cross', { fast: 1, slow: 2, priceScale: 1 }, { kind: 'all-in' }),
      rules: RiskRulesSchema.parse({
        maxOrdersPerMinute: 10_000,
        maxConsecutiveLosses: 1000,
        maxErrors: 1000,
        dailyLossLimit: '1000000000',
        maxPositionNotional: '1000000000',
      }),
      cloidPrefix: '0bec0bec',
    });
    await trader.start();
    const start = clock.now();
    for (let i = 0; i < BARS; i++) {
      const close = i % 2 === 0 ? 50_000 : 50_100;
      clock.advance(60_000);
      sim.exchange.setPrice('BTC', close);
      signalAt = performance.now();
      await trader.onBar({ time: start + i * 60_000, open: close, high: close, low: close, close, volume: 1 });
    }
    await trader.stop();
    // Drop the first bars: the strategy needs two to cross, and the JIT warms up.
    const subject = summarize(wire.slice(10));
    const floor = await measure(() => client.info({ type: 'allMids' }), 300);
    rows.push({
      suite,
      name: `signal → signed order on the wire to hl-sim (strategy, mark + account, sizing, risk, journal, sign), ${subject.runs} orders`,
      subject,
      referenceName: 'one /info allMids round trip on the same loopback',
      reference: floor,
      notes: `p99 ${subject.p99.toFixed(2)} ms (target p99 < 5 ms: ${subject.p99 < 5 ? 'met' : 'MISSED'})`,
    });

    const action = {
      type: 'order',
      orders: [
        { a: 0, b: true, p: '50000', s: '0.01', r: false, t: { limit: { tif: 'Gtc' } }, c: `0x${'ab'.repeat(16)}` },
      ],
      grouping: 'na',
    };
    let nonce = clock.now();
    const signing = await measure(() => signer.signL1(action, nonce++), 2000);
    const account = privateKeyToAccount(KEY);
    const hash = `0x${'11'.repeat(32)}` as const;
    const ecdsa = await measure(() => account.sign({ hash }), 2000);
    rows.push({
      suite,
      name: 'signing one order action (msgpack, keccak, EIP-712, secp256k1)',
      subject: signing,
      referenceName: 'a bare secp256k1 signature of a 32-byte hash',
      reference: ecdsa,
      notes: `${(signing.median * 1000).toFixed(0)} µs per order`,
    });
  } finally {
    db.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
