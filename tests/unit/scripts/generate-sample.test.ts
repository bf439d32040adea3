import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import { SAMPLE_FILE, generateSampleCsv } from '../../../scripts/generate-sample.ts';
import { SAMPLES_DIR } from '../../helpers/paths.ts';

describe('bundled sample dataset', () => {
  it('is exactly what the seeded generator produces', () => {
    expect(readFileSync(join(SAMPLES_DIR, SAMPLE_FILE), 'utf8')).toBe(generateSampleCsv());
  });

  it('is labelled synthetic in its file name and manifest, and is valid candle data', async () => {
    expect(SAMPLE_FILE).toMatch(/synthetic/i);
    const manifest = JSON.parse(readFileSync(join(SAMPLES_DIR, 'manifest.json'), 'utf8')) as {
      samples: { file: string; synthetic: boolean }[];
    };
    expect(manifest.samples.find((s) => s.file === SAMPLE_FILE)?.synthetic).toBe(true);
    const reader = new CandleFileReader({ stream: [generateSampleCsv()] }, { name: SAMPLE_FILE, interval: '1h' });
    const bars = await reader.readAll();
    expect(bars.length).toBe(2000);
    expect(bars.time.every((t, i) => i === 0 || t - bars.time[i - 1]! === 3_600_000)).toBe(true);
  });
});
