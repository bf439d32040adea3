import { Decimal } from 'decimal.js';
import type { SessionEvent } from '../../shared/contract/session-events.ts';
import type { Side } from '../../shared/values/side.ts';
import type { SimVenue } from '../venue/sim-venue.ts';
import type { VenueConfig } from '../../shared/contract/venue-config.ts';
import type { Intent } from './intent.ts';
import { powerOfTenPlaces } from '../venue/lots.ts';
import { sizeEntry, type Sizing } from './sizing.ts';

/** Options for {@link IntentExecutor}. */
export interface IntentExecutorOptions {
  readonly venue: SimVenue;
  readonly config: VenueConfig;
  readonly sizing: Sizing;
  readonly sessionId: string;
  readonly emit: ((event: SessionEvent) => void) | null;
}

/**
 * Turns intents into orders: one position at a time, an entry against the position first
 * closes it, entries are sized by the sizing rule, and an entry's stop and take-profit become
 * a one-cancels-other pair of reduce-only trigger orders once it fills. An entry on the side
 * already held is ignored unless it asks for a fresh trade. A refused entry names its rule in
 * a `RiskRejected` event.
 */
export class IntentExecutor {
  private readonly options: IntentExecutorOptions;
  private readonly lot: Decimal;
  private readonly lotF: number;
  private readonly lotPlaces: number | null;
  private readonly takerFeeF: number;
  private readonly slip: number;
  private group = 0;

  constructor(options: IntentExecutorOptions) {
    this.options = options;
    this.lot = new Decimal(options.config.lotSize);
    this.lotF = this.lot.toNumber();
    this.lotPlaces = powerOfTenPlaces(this.lot);
    this.takerFeeF = Number(options.config.takerFee);
    this.slip = options.config.slippageBps / 10_000;
  }

  /** Carries out `intent` at the current price `price` and time `time`. */
  execute(intent: Intent, price: number, time: number): void {
    const { venue } = this.options;
    const held = venue.account.qtyF;
    if (intent.kind === 'exit') {
      if (held === 0) return;
      venue.cancelWhere((o) => o.request.reduceOnly === true, 'position exit');
      venue.closePosition(price, 'signal');
      return;
    }
    const side = intent.side;
    const long = side === 'buy';
    if (held !== 0 && held > 0 === long && intent.fresh !== true) return;
    const stop = intent.stop ?? null;
    const takeProfit = intent.takeProfit ?? null;
    const problem = this.checkLevels(side, price, stop, takeProfit);
    if (problem) {
      this.rejected(time, problem.rule, problem.message);
      return;
    }
    if (held !== 0) {
      venue.cancelWhere((o) => o.request.reduceOnly === true, 'position replaced');
      venue.closePosition(price, 'signal');
    }
    const fillPrice = long ? price * (1 + this.slip) : price * (1 - this.slip);
    const size = sizeEntry(this.options.sizing, {
      equity: venue.account.cashF,
      price: fillPrice,
      stop,
      takerFee: this.takerFeeF,
      leverage: this.options.config.leverage,
      lot: this.lot,
      lotF: this.lotF,
      lotPlaces: this.lotPlaces,
    });
    if ('rule' in size) {
      this.rejected(time, size.rule, size.message);
      return;
    }
    const bracket = stop !== null || takeProfit !== null;
    const group = bracket ? `b${++this.group}` : null;
    const entry = venue.submit({ kind: 'market', side, qty: size.qty, stop, tag: intent.reason }, price, size.qtyF);
    if (entry.status !== 'filled' || !bracket) return;
    const exitSide: Side = long ? 'sell' : 'buy';
    const qty = venue.account.size;
    if (stop !== null) {
      venue.submit(
        { kind: 'stop-market', side: exitSide, qty, triggerPrice: new Decimal(stop), reduceOnly: true, group },
        price,
      );
    }
    if (takeProfit !== null) {
      venue.submit(
        {
          kind: 'take-profit-market',
          side: exitSide,
          qty,
          triggerPrice: new Decimal(takeProfit),
          reduceOnly: true,
          group,
        },
        price,
      );
    }
  }

  private checkLevels(
    side: Side,
    price: number,
    stop: number | null,
    takeProfit: number | null,
  ): { rule: string; message: string } | null {
    const long = side === 'buy';
    if (stop !== null && !(stop > 0 && (long ? stop < price : stop > price))) {
      return {
        rule: 'stop-side',
        message: `a ${long ? 'long' : 'short'} entry at ${price} needs its stop ${long ? 'below' : 'above'} it, got ${stop}`,
      };
    }
    if (takeProfit !== null && !(takeProfit > 0 && (long ? takeProfit > price : takeProfit < price))) {
      return {
        rule: 'take-profit-side',
        message: `a ${long ? 'long' : 'short'} entry at ${price} needs its take-profit ${long ? 'above' : 'below'} it, got ${takeProfit}`,
      };
    }
    return null;
  }

  private rejected(time: number, rule: string, message: string): void {
    this.options.emit?.({
      event: 'RiskRejected',
      payload: { sessionId: this.options.sessionId, at: time, rule, message },
    });
  }
}
