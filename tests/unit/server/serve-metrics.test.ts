import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { ExecutionClient } from '../../../src/engine/execution/execution-client.ts';
import type { TraderEvent } from '../../../src/engine/execution/live-trader.ts';
import { MAX_REJECTION_REASONS, ServeMetrics } from '../../../src/server/metrics/serve-metrics.ts';
import {
  ACCOUNT_REFRESH_MIN_INTERVAL_MS,
  TradingMetrics,
  type SessionState,
} from '../../../src/server/metrics/trading-metrics.ts';

describe('hyperdesk_order_rejections_total{reason}', () => {
  it('keeps the label set bounded whatever the rule strings are', async () => {
    const metrics = new ServeMetrics();
    expect(metrics.rejectionReason('daily-loss-limit')).toBe('daily-loss-limit');
    expect(metrics.rejectionReason('venue')).toBe('venue');
    // Free text (an order id, a price, a message) never becomes a label value.
    expect(metrics.rejectionReason('order 0xabc rejected at 101.5')).toBe('other');
    expect(metrics.rejectionReason('')).toBe('other');
    expect(metrics.rejectionReason(`x${'a'.repeat(60)}`)).toBe('other');
    for (let i = 0; i < 10_000; i++) metrics.rejections.inc({ reason: metrics.rejectionReason(`rule-${i}`) });
    const { text } = await metrics.render();
    const series = text.split('\n').filter((line) => line.startsWith('hyperdesk_order_rejections_total{'));
    // The two known ones are not among these 10 000; the first 30 new ones are, then "other".
    expect(series.length).toBe(MAX_REJECTION_REASONS - 2 + 1);
    expect(series).toContain('hyperdesk_order_rejections_total{reason="other"} ' + String(10_000 - 30));
    // Known reasons keep their own label once the set is full.
    expect(metrics.rejectionReason('daily-loss-limit')).toBe('daily-loss-limit');
  });
});

describe('trading gauges behind /metrics', () => {
  it('read the venue account once per interval however many scrapes come, local gauges every time', async () => {
    let t = 1_000_000;
    let accountReads = 0;
    let release: () => void = () => undefined;
    const execution = {
      account: async () => {
        accountReads += 1;
        await new Promise<void>((resolve) => (release = resolve));
        return { equity: new Decimal(1234), positions: [] };
      },
      mark: async () => new Decimal(0),
    } as unknown as ExecutionClient;
    const metrics = new ServeMetrics();
    const trading = new TradingMetrics({
      metrics,
      coin: 'BTC',
      intervalMs: 60_000,
      execution,
      limiters: [],
      journal: [],
      now: () => t,
    });
    const trader = {
      orders: { open: [] },
      risk: {
        haltReason: null as string | null,
        rules: { dailyLossLimit: '100', maxConsecutiveLosses: 5 },
        dayResult: () => new Decimal(0),
        check: () => null,
        consecutiveLosses: 0,
      },
    };
    const session = { trader, lastBarTime: t - 120_000 } as unknown as SessionState;
    // A flood of scrapes while the venue answers slowly: one account read.
    const scrapes = Array.from({ length: 500 }, () => trading.refresh(session));
    await Promise.resolve();
    expect(accountReads).toBe(1);
    release();
    await Promise.all(scrapes);
    expect((await metrics.render()).text).toContain('hyperdesk_equity_usd 1234');
    // Within the interval: local gauges follow (the kill switch), the venue is not asked again.
    trader.risk.haltReason = 'operator';
    t += ACCOUNT_REFRESH_MIN_INTERVAL_MS - 1;
    await trading.refresh(session);
    expect(accountReads).toBe(1);
    expect((await metrics.render()).text).toContain('hyperdesk_kill_switch_engaged 1');
    t += 1;
    const next = trading.refresh(session);
    await Promise.resolve();
    expect(accountReads).toBe(2);
    release();
    await next;
    // A fill moves the account: the next scrape reads it again without waiting the interval.
    trading.onEvent({
      kind: 'fill',
      fill: { coin: 'BTC', side: 'buy', qty: new Decimal(1), closedPnl: new Decimal(0), fee: new Decimal(0), time: t },
    } as unknown as TraderEvent);
    const afterFill = trading.refresh(session);
    await Promise.resolve();
    expect(accountReads).toBe(3);
    release();
    await afterFill;
  });
});
