import { ValidationError } from '../../../shared/contract/errors.ts';

/** Width of the grayscale image a dHash is computed from: one more column than bits per row. */
export const DHASH_WIDTH = 9;
/** Height of that image: one row per 8 bits. */
export const DHASH_HEIGHT = 8;
/** Bytes of one 9×8 8-bit grayscale frame. */
export const DHASH_FRAME_BYTES = DHASH_WIDTH * DHASH_HEIGHT;

const HEX = /^[0-9a-f]{16}$/;

/**
 * The 64-bit difference hash of a 9×8 8-bit grayscale image (row-major), as 16 hex digits.
 * Bit i (most significant first) is set when a pixel is darker than its right neighbour, the
 * convention of the common `imagehash` library, so hashes are comparable with it.
 */
export function dHash(gray: Uint8Array): string {
  if (gray.length !== DHASH_FRAME_BYTES) {
    throw new ValidationError(`a dHash needs a 9×8 grayscale image (72 bytes), got ${gray.length} bytes`);
  }
  let hex = '';
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    const row = y * DHASH_WIDTH;
    // Two nibbles per row: columns 0–3, then 4–7.
    for (let half = 0; half < 2; half++) {
      let nibble = 0;
      for (let x = half * 4; x < half * 4 + 4; x++) {
        nibble = (nibble << 1) | (gray[row + x]! < gray[row + x + 1]! ? 1 : 0);
      }
      hex += nibble.toString(16);
    }
  }
  return hex;
}

const BITS_IN_NIBBLE = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** How many of the 64 bits two dHashes (16 hex digits each) differ in: 0 for the same picture. */
export function hammingDistance(a: string, b: string): number {
  if (!HEX.test(a) || !HEX.test(b)) {
    throw new ValidationError(`a dHash is 16 lowercase hex digits; got "${a.slice(0, 20)}" and "${b.slice(0, 20)}"`);
  }
  let distance = 0;
  for (let i = 0; i < 16; i++) {
    distance += BITS_IN_NIBBLE[parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)]!;
  }
  return distance;
}

/**
 * Whether a frame is new enough to keep: the first frame always is, then each one that differs
 * from the last *kept* frame by more than `threshold` bits. Comparing with the last kept frame
 * rather than the previous one means a slow change (a chart drawing itself bar by bar) is kept
 * once it has moved far enough, instead of never, because each step alone is small.
 */
export function isDistinctFrame(hash: string, lastKept: string | null, threshold: number): boolean {
  return lastKept === null || hammingDistance(hash, lastKept) > threshold;
}

/** The indices of the frames {@link isDistinctFrame} keeps from a sequence of dHashes, in order. */
export function distinctFrames(hashes: readonly string[], threshold: number): number[] {
  const kept: number[] = [];
  let last: string | null = null;
  hashes.forEach((hash, index) => {
    if (isDistinctFrame(hash, last, threshold)) {
      kept.push(index);
      last = hash;
    }
  });
  return kept;
}
