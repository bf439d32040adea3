const DAY = 86_400_000;
/** The venue remembers this many of a signer's highest nonces. */
const KEPT = 100;

/**
 * Hyperliquid's nonce rule per signer: a nonce must lie within (now − 2 days, now + 1 day),
 * must never have been used, and once 100 are stored must be above the smallest of them.
 */
export class NonceWindow {
  private readonly seen = new Map<string, number[]>();

  /** Accepts `nonce` for `signer`, or returns the venue's error text. */
  accept(signer: string, nonce: number, now: number): string | null {
    if (!Number.isSafeInteger(nonce) || nonce <= now - 2 * DAY || nonce >= now + DAY) {
      return `Invalid nonce: ${nonce} is not within (T - 2 days, T + 1 day) of the block time ${now}`;
    }
    const kept = this.seen.get(signer) ?? [];
    if (kept.includes(nonce)) return `Invalid nonce: duplicate nonce ${nonce}`;
    if (kept.length >= KEPT && nonce <= (kept[0] as number)) {
      return `Invalid nonce: ${nonce} is not above the smallest of the signer's last ${KEPT} nonces`;
    }
    kept.push(nonce);
    kept.sort((a, b) => a - b);
    if (kept.length > KEPT) kept.shift();
    this.seen.set(signer, kept);
    return null;
  }
}
