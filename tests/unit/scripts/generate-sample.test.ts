import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../../src/adapters/files/parse-candle-csv.ts';
import { SAMPLE_FILE, generateSampleCsv } from '../../../scripts/generate-sample.ts';
import { SAMPLES_DIR } from '../../helpers/paths.ts';

describe('bundled sample dataset', () => {
  it('is exactly what the seeded generator produces', () => {
    expect(readFileSync(join(SAMPLES_DIR, SAMPLE_FILE), 'utf8')).toBe(generateSampleCsv());
  });

  it('is labelled synthetic in its file name and manifest, and is valid candle data', () => {
    expect(SAMPLE_FILE).toMatch(/synthetic/i);
    const manifest = JSON.parse(readFileSync(join(SAMPLES_DIR, 'manifest.json'), 'utf8')) as {
      samples: { file: string; synthetic: boolean }[];
    };
    expect(manifest.samples.find((s) => s.file === SAMPLE_FILE)?.synthetic).toBe(true);
    const candles = parseCandleCsv(generateSampleCsv(), SAMPLE_FILE);
    expect(candles).toHaveLength(2000);
    expect(candles.every((c, i) => i === 0 || c.time - candles[i - 1]!.time === 3_600_000)).toBe(true);
  });
});
