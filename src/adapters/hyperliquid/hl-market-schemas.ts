import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { Side } from '../../shared/values/side.ts';

/** A decimal as the venue writes prices and sizes: a string, never a float. */
export const HlDecimalSchema = z.string().regex(/^-?\d+(\.\d+)?$/);

const LevelSchema = z.object({ px: HlDecimalSchema, sz: HlDecimalSchema, n: z.number().int().nonnegative() });

/** A book as the venue sends it (l2Book info and the l2Book channel): bids, then asks. */
export const HlL2BookSchema = z
  .object({
    coin: z.string(),
    time: z.number().int(),
    levels: z.tuple([z.array(LevelSchema), z.array(LevelSchema)]),
  })
  .loose();

/** One trade as the `trades` channel sends it; `side` is the aggressor's. */
export const HlTradeSchema = z
  .object({
    coin: z.string(),
    side: z.enum(['B', 'A']),
    px: HlDecimalSchema,
    sz: HlDecimalSchema,
    hash: z.string(),
    time: z.number().int(),
    tid: z.number().int(),
    users: z.tuple([z.string(), z.string()]),
  })
  .loose();

/** The `allMids` channel's message. */
export const HlAllMidsEventSchema = z.object({ mids: z.record(z.string(), HlDecimalSchema) }).loose();

/** One price level of a book. */
export interface BookLevel {
  readonly price: Decimal;
  readonly size: Decimal;
  /** Orders at this level. */
  readonly orders: number;
}

/** An order book snapshot: best prices first. */
export interface L2Book {
  readonly coin: string;
  readonly time: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** A trade on the venue's tape. */
export interface MarketTrade {
  readonly coin: string;
  /** The aggressor's side. */
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly time: number;
  /** Trade id: unique together with time and coin, not alone. */
  readonly tid: number;
  readonly hash: string;
  /** Buyer and seller addresses. */
  readonly users: readonly [string, string];
}

const level = (l: z.infer<typeof LevelSchema>): BookLevel => ({
  price: new Decimal(l.px),
  size: new Decimal(l.sz),
  orders: l.n,
});

/** The venue's book in our terms. */
export function bookOf(book: z.infer<typeof HlL2BookSchema>): L2Book {
  return { coin: book.coin, time: book.time, bids: book.levels[0].map(level), asks: book.levels[1].map(level) };
}

/** The venue's trade in our terms. */
export function tradeOf(t: z.infer<typeof HlTradeSchema>): MarketTrade {
  return {
    coin: t.coin,
    side: t.side === 'B' ? 'buy' : 'sell',
    price: new Decimal(t.px),
    size: new Decimal(t.sz),
    time: t.time,
    tid: t.tid,
    hash: t.hash,
    users: t.users,
  };
}

/** Mid prices by coin. */
export function midsOf(mids: Readonly<Record<string, string>>): ReadonlyMap<string, Decimal> {
  return new Map(Object.entries(mids).map(([coin, px]) => [coin, new Decimal(px)]));
}
