/**
 * Nonces for Hyperliquid actions: unique and increasing per signer. The venue keeps each
 * signer's 100 highest nonces and refuses a repeat or one below the smallest of them, so two
 * actions in the same millisecond must not share one (a classic client bug). A nonce is the
 * current time in ms, or the last one plus one when the clock has not moved on (or went
 * back). JavaScript runs this synchronously, so concurrent submissions cannot collide.
 */
export class NonceManager {
  private readonly last = new Map<string, number>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The next nonce for `signer` (an address, compared case-insensitively). */
  next(signer: string): number {
    const key = signer.toLowerCase();
    const nonce = Math.max(Math.trunc(this.now()), (this.last.get(key) ?? 0) + 1);
    this.last.set(key, nonce);
    return nonce;
  }

  /** Moves `signer` past `nonce` (the highest found in the journal after a restart). */
  observe(signer: string, nonce: number): void {
    const key = signer.toLowerCase();
    if (nonce > (this.last.get(key) ?? 0)) this.last.set(key, nonce);
  }
}
