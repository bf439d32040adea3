/**
 * Memory probe for the backtest benchmark, run in its own process (with --expose-gc) so
 * that nothing else in the bench process counts: prints one JSON line.
 *
 *   node --expose-gc bench/backtest-memory-probe.ts million   a 1,000,000-bar run: peak RSS
 *   node --expose-gc bench/backtest-memory-probe.ts repeat    100 runs: heap after 10 and after 100
 */
import { runBacktest } from '../src/engine/backtest/backtest-session.ts';
import { resolveStrategy } from '../src/engine/strategy/strategy-registry.ts';
import { minuteBars } from './bars.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const mode = process.argv[2];
const strategy = resolveStrategy('sma-cross', { fast: 10, slow: 20 }, { kind: 'all-in' });
const venue = { capital: '100000', makerFee: '0.0005', takerFee: '0.0005' };

if (mode === 'million') {
  const { bars } = await minuteBars(1_000_000);
  gc();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const result = runBacktest(bars, { interval: '1m', strategy, venue });
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({
      ms,
      trades: result.trades.count,
      rssBefore: before,
      maxRss: process.resourceUsage().maxRSS * 1024,
    }),
  );
} else if (mode === 'repeat') {
  const { bars } = await minuteBars(45_031);
  const heap: number[] = [];
  for (let run = 1; run <= 100; run++) {
    runBacktest(bars, { interval: '1m', strategy, venue });
    if (run === 10 || run === 100) {
      gc();
      heap.push(process.memoryUsage().heapUsed);
    }
  }
  console.log(JSON.stringify({ heapAfter10: heap[0], heapAfter100: heap[1], rss: process.memoryUsage().rss }));
} else {
  throw new Error('mode: million or repeat');
}
