import { describe, expect, it } from 'vitest';
import {
  DHASH_FRAME_BYTES,
  dHash,
  distinctFrames,
  hammingDistance,
  isDistinctFrame,
} from '../../../src/adapters/learning/video/dhash.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';

/** A 9×8 gray image from a pixel function. */
function image(pixel: (x: number, y: number) => number): Uint8Array {
  const out = new Uint8Array(DHASH_FRAME_BYTES);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 9; x++) out[y * 9 + x] = pixel(x, y);
  return out;
}

/** Pixels all different from their right neighbours, in no simple order. */
const noisy = image((x, y) => (x * 37 + y * 101 + ((x * y) % 7) * 13) % 251);

describe('dHash', () => {
  it('gives known hashes for simple patterns', () => {
    expect(dHash(image((x) => x * 20))).toBe('ffffffffffffffff'); // brighter to the right everywhere
    expect(dHash(image((x) => 200 - x * 20))).toBe('0000000000000000');
    expect(dHash(image(() => 128))).toBe('0000000000000000'); // flat: no differences
    // Dark, light, dark, …: rising at even columns, so 1010 1010 in every row.
    expect(dHash(image((x) => (x % 2 === 0 ? 50 : 200)))).toBe('aaaaaaaaaaaaaaaa');
    // Only the first row rises; bits are row-major, most significant first.
    expect(dHash(image((x, y) => (y === 0 ? x : 9 - x)))).toBe('ff00000000000000');
  });

  it('is 0 apart for the same picture and 64 apart for its negative', () => {
    const inverted = noisy.map((v) => 255 - v);
    expect(hammingDistance(dHash(noisy), dHash(Uint8Array.from(noisy)))).toBe(0);
    expect(hammingDistance(dHash(noisy), dHash(inverted))).toBe(64);
  });

  it('barely moves for a small change in brightness', () => {
    const brighter = noisy.map((v) => Math.min(255, v + 3));
    expect(hammingDistance(dHash(noisy), dHash(brighter))).toBeLessThanOrEqual(4);
  });

  it('refuses a buffer that is not 9×8 and a hash that is not 16 hex digits', () => {
    expect(() => dHash(new Uint8Array(71))).toThrow(ValidationError);
    expect(() => hammingDistance('ffff', '0000000000000000')).toThrow(/16 lowercase hex/);
    expect(() => hammingDistance('g000000000000000', '0000000000000000')).toThrow(ValidationError);
  });

  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000001')).toBe(1);
    expect(hammingDistance('0000000000000000', '00000000000000ff')).toBe(8);
    expect(hammingDistance('f0f0f0f0f0f0f0f0', '0f0f0f0f0f0f0f0f')).toBe(64);
  });
});

describe('near-duplicate frames', () => {
  const a = '0000000000000000';
  const aNoise = '0000000000000007'; // 3 bits from a
  const b = 'ffffffffffffffff';

  it('keeps the first frame and each one that differs from the last kept by more than the threshold', () => {
    expect(distinctFrames([a, aNoise, a, b, b, a], 10)).toEqual([0, 3, 5]);
    expect(distinctFrames([a, aNoise, a, b], 2)).toEqual([0, 1, 2, 3]);
    expect(distinctFrames([a, a, a], 0)).toEqual([0]);
    expect(distinctFrames([a, b], 64)).toEqual([0]);
    expect(distinctFrames([], 10)).toEqual([]);
  });

  it('compares with the last kept frame, so a slow drift is kept once it has moved far enough', () => {
    // Each step changes 4 bits: never more than 10 from the previous frame, but 12 from the first.
    const drift = ['0000000000000000', '000000000000000f', '00000000000000ff', '0000000000000fff'];
    expect(distinctFrames(drift, 10)).toEqual([0, 3]);
    expect(isDistinctFrame(drift[1]!, null, 10)).toBe(true);
    expect(isDistinctFrame(drift[1]!, drift[0]!, 10)).toBe(false);
  });
});
