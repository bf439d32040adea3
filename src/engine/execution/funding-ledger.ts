import { Decimal } from 'decimal.js';
import type { ExecutionClient, Journal, JournalEntry, VenueFunding } from './execution-client.ts';
import type { PositionManager } from './position-manager.ts';

/**
 * Funding payments of a session, each booked once: pushed by the venue, fetched after a
 * reconnect or a restart, or replayed from the journal, a payment (coin, hour) counts once.
 * Each is journaled before it reaches the positions.
 */
export class FundingLedger {
  private readonly journal: Journal;
  private readonly positions: PositionManager;
  private readonly onBooked: (funding: VenueFunding) => void;
  private readonly seen = new Set<string>();
  private last = Number.NEGATIVE_INFINITY;
  private firstEntry = Number.NaN;

  constructor(journal: Journal, positions: PositionManager, onBooked: (funding: VenueFunding) => void) {
    this.journal = journal;
    this.positions = positions;
    this.onBooked = onBooked;
  }

  /** Rebuilds the booked payments from journal entries (start-up). */
  restore(entries: readonly JournalEntry[]): void {
    if (entries.length > 0) this.firstEntry = (entries[0] as JournalEntry).at;
    for (const entry of entries) {
      if (entry.event !== 'funding') continue;
      const funding = fundingFrom(entry.payload);
      this.remember(funding);
      this.positions.addFunding(funding.coin, funding.amount);
    }
  }

  /** Books the payments not seen before; returns how many were new. */
  apply(payments: readonly VenueFunding[]): number {
    const fresh = payments.filter((f) => !this.seen.has(keyOf(f)));
    if (fresh.length === 0) return 0;
    this.journal.append(fresh.map((f) => ({ at: f.time, event: 'funding', payload: payloadOf(f) })));
    for (const funding of fresh) {
      this.remember(funding);
      this.positions.addFunding(funding.coin, funding.amount);
      this.onBooked(funding);
    }
    return fresh.length;
  }

  /**
   * Fetches what the venue settled since the last booked payment (or since the session's
   * first journal entry, or `now` for a new session) and books what is new.
   */
  async catchUp(client: ExecutionClient, now: number): Promise<number> {
    const since = Number.isFinite(this.last) ? this.last : Number.isNaN(this.firstEntry) ? now : this.firstEntry;
    return this.apply(await client.fundingSince(since));
  }

  private remember(funding: VenueFunding): void {
    this.seen.add(keyOf(funding));
    this.last = Math.max(this.last, funding.time);
  }
}

function keyOf(funding: VenueFunding): string {
  return `${funding.coin}@${funding.time}`;
}

function payloadOf(f: VenueFunding): Record<string, unknown> {
  return { coin: f.coin, amount: f.amount.toFixed(), rate: f.rate.toFixed(), qty: f.qty.toFixed(), time: f.time };
}

function fundingFrom(p: Readonly<Record<string, unknown>>): VenueFunding {
  return {
    coin: String(p.coin),
    amount: new Decimal(String(p.amount)),
    rate: new Decimal(String(p.rate)),
    qty: new Decimal(String(p.qty)),
    time: Number(p.time),
  };
}
