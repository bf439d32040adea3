import { Decimal } from 'decimal.js';
import type { ExecOrder } from './execution-client.ts';

/** An order as the journal stores it: decimals as exact strings. */
export function orderRecord(o: ExecOrder): Record<string, unknown> {
  return {
    cloid: o.cloid,
    coin: o.coin,
    side: o.side,
    qty: o.qty.toFixed(),
    kind: o.kind,
    limitPrice: o.limitPrice?.toFixed() ?? null,
    triggerPrice: o.triggerPrice?.toFixed() ?? null,
    tif: o.tif,
    reduceOnly: o.reduceOnly,
  };
}

/** An order read back from {@link orderRecord}'s form. */
export function orderFromRecord(p: Readonly<Record<string, unknown>>): ExecOrder {
  return {
    cloid: String(p.cloid),
    coin: String(p.coin),
    side: p.side === 'sell' ? 'sell' : 'buy',
    qty: new Decimal(String(p.qty)),
    kind: p.kind as ExecOrder['kind'],
    limitPrice: p.limitPrice === null || p.limitPrice === undefined ? null : new Decimal(String(p.limitPrice)),
    triggerPrice: p.triggerPrice === null || p.triggerPrice === undefined ? null : new Decimal(String(p.triggerPrice)),
    tif: p.tif as ExecOrder['tif'],
    reduceOnly: p.reduceOnly === true,
  };
}
