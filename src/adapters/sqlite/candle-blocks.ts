import { endianness } from 'node:os';
import { allocateColumns, copyBar, sliceColumns, type CandleColumns } from '../../engine/data/candle-columns.ts';

/**
 * Bars per stored block. Blocks are read and written whole, so reads cost one row per 4096
 * bars instead of one per bar, and an append rewrites at most one partly filled block.
 */
export const BLOCK_SIZE = 4096;

/** Bytes per bar in a block: six float64 fields. */
export const BYTES_PER_BAR = 48;

// Blocks hold raw float64s in the machine's byte order; every platform HyperDesk ships for is
// little-endian, and a file written on one must read the same on another.
if (endianness() !== 'LE')
  throw new Error('HyperDesk stores candles as little-endian float64 and needs a little-endian CPU');

/**
 * Encodes bars `start`..`end` as one block: the six columns one after another
 * (time × n, open × n, high × n, low × n, close × n, volume × n).
 */
export function encodeBlock(columns: CandleColumns, start = 0, end = columns.length): Buffer {
  const n = end - start;
  const packed = new Float64Array(6 * n);
  packed.set(columns.time.subarray(start, end), 0);
  packed.set(columns.open.subarray(start, end), n);
  packed.set(columns.high.subarray(start, end), 2 * n);
  packed.set(columns.low.subarray(start, end), 3 * n);
  packed.set(columns.close.subarray(start, end), 4 * n);
  packed.set(columns.volume.subarray(start, end), 5 * n);
  return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
}

/** Decodes a block of `count` bars into `target` at `offset`. */
export function decodeBlockInto(data: Uint8Array, count: number, target: CandleColumns, offset: number): void {
  if (data.byteLength !== count * BYTES_PER_BAR) {
    throw new Error(`candle block has ${data.byteLength} bytes, expected ${count * BYTES_PER_BAR}`);
  }
  // Copy into an aligned buffer: SQLite's blob may start at any byte offset.
  const packed = new Float64Array(6 * count);
  new Uint8Array(packed.buffer).set(data);
  target.time.set(packed.subarray(0, count), offset);
  target.open.set(packed.subarray(count, 2 * count), offset);
  target.high.set(packed.subarray(2 * count, 3 * count), offset);
  target.low.set(packed.subarray(3 * count, 4 * count), offset);
  target.close.set(packed.subarray(4 * count, 5 * count), offset);
  target.volume.set(packed.subarray(5 * count, 6 * count), offset);
}

/** Decodes blocks (in time order) into one set of columns. */
export function decodeBlocks(blocks: readonly { readonly data: Uint8Array; readonly count: number }[]): CandleColumns {
  const total = blocks.reduce((sum, b) => sum + b.count, 0);
  const out = allocateColumns(total);
  let offset = 0;
  for (const block of blocks) {
    decodeBlockInto(block.data, block.count, out, offset);
    offset += block.count;
  }
  return out;
}

/**
 * Merges two ascending, duplicate-free series into one; where both have a bar at the same
 * time, `incoming` wins (newer data replaces older).
 */
export function mergeColumns(existing: CandleColumns, incoming: CandleColumns): CandleColumns {
  if (existing.length === 0) return incoming;
  if (incoming.length === 0) return existing;
  const out = allocateColumns(existing.length + incoming.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < existing.length || j < incoming.length) {
    const a = i < existing.length ? (existing.time[i] as number) : Number.POSITIVE_INFINITY;
    const b = j < incoming.length ? (incoming.time[j] as number) : Number.POSITIVE_INFINITY;
    if (b <= a) {
      copyBar(incoming, j++, out, k++);
      if (a === b) i++;
    } else {
      copyBar(existing, i++, out, k++);
    }
  }
  return sliceColumns(out, 0, k);
}
