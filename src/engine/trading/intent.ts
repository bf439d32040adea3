import type { Side } from '../../shared/values/side.ts';

/**
 * What a strategy asks for. Strategies never talk to a venue: they emit intents, and one
 * path (sizing, risk rules, order building) turns intents into orders in every mode.
 */
export type Intent =
  | {
      readonly kind: 'enter';
      readonly side: Side;
      /** Protective stop price: sizes `risk:` trades and becomes a stop order. */
      readonly stop?: number | null;
      /** Take-profit price: becomes a take-profit order. */
      readonly takeProfit?: number | null;
      /**
       * Start a new trade even when the position is already on this side: close it and enter
       * afresh (backtesting.py's `exclusive_orders`). Otherwise such an entry is ignored.
       */
      readonly fresh?: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'exit'; readonly reason: string };
