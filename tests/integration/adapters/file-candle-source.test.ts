import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCandleSource } from '../../../src/adapters/files/file-candle-source.ts';
import { HAS_SHARED_DATA, SAMPLES_DIR, SHARED_DATA_DIR, tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());
const dataRoot = join(tmp.dir, 'data');
const outside = join(tmp.dir, 'outside');
mkdirSync(dataRoot);
mkdirSync(outside);
const GOOD = 'time,open,high,low,close,volume\n1700000040,10,12,9,11,5\n';
writeFileSync(join(dataRoot, 'good.csv'), GOOD);
writeFileSync(join(outside, 'secret.csv'), GOOD);
symlinkSync(join(outside, 'secret.csv'), join(dataRoot, 'link.csv'));

const source = new FileCandleSource({ samplesDir: SAMPLES_DIR, dataRoots: [dataRoot] });

describe('FileCandleSource', () => {
  it('lists and loads the bundled synthetic sample', async () => {
    expect(source.listSamples()).toEqual([
      { name: 'synthetic-btc-1h', coin: 'BTC-SYNTH', interval: '1h', synthetic: true },
    ]);
    const loaded = await source.load({ kind: 'sample', name: 'synthetic-btc-1h' }, '1h');
    expect(loaded).toMatchObject({
      sourceKey: 'sample:synthetic-btc-1h',
      synthetic: true,
      label: 'BTC-SYNTH_1h_synthetic.csv',
    });
    expect(loaded.bars.length).toBe(2000);
  });

  it('loads files inside an allowed folder with a stable key', async () => {
    const a = await source.load({ kind: 'file', path: join(dataRoot, 'good.csv') }, '1m');
    const b = await source.load({ kind: 'file', path: join(dataRoot, '.', 'good.csv') }, '1m');
    expect(a.bars.length).toBe(1);
    expect(a.sourceKey).toMatch(/^file:[0-9a-f]{12}$/);
    await expect(source.load({ kind: 'file', path: join(dataRoot, 'good.csv') }, '1h')).rejects.toThrow(
      /good.csv: line 2: .* not on the 1h grid/,
    );
    expect(b.sourceKey).toBe(a.sourceKey);
    expect(a.synthetic).toBe(false);
  });

  it('refuses paths outside the allowed folders, through .. or symlinks, without echoing the full path', async () => {
    for (const path of [
      join(outside, 'secret.csv'),
      join(dataRoot, '..', 'outside', 'secret.csv'),
      join(dataRoot, 'link.csv'),
    ]) {
      const error = await source.load({ kind: 'file', path }, '1m').catch((e: unknown) => e as Error);
      expect(error).toMatchObject({
        code: 'VALIDATION',
        message: expect.stringContaining("outside the engine's data folders"),
      });
      expect((error as Error).message).not.toContain(tmp.dir);
    }
    await expect(source.load({ kind: 'file', path: 'relative.csv' }, '1m')).rejects.toThrow(/absolute path/);
    // Outside the folders, existing and missing files get the same answer: no probing.
    await expect(source.load({ kind: 'file', path: join(outside, 'nothing-here.csv') }, '1m')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(source.load({ kind: 'file', path: join(dataRoot, 'missing.csv') }, '1m')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(source.load({ kind: 'sample', name: 'nope' }, '1m')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a broken manifest with a configuration error', () => {
    const dir = join(tmp.dir, 'bad-samples');
    mkdirSync(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ samples: [{ name: 'x', file: '../x.csv' }] }));
    expect(() => new FileCandleSource({ samplesDir: dir, dataRoots: [] })).toThrow(
      /samples\/manifest.json: samples.0.file/,
    );
    expect(() => new FileCandleSource({ samplesDir: join(tmp.dir, 'none'), dataRoots: [] })).toThrow(
      /cannot read the sample manifest/,
    );
  });

  describe.skipIf(!HAS_SHARED_DATA)('real market data (../shared/data)', () => {
    const real = new FileCandleSource({ samplesDir: SAMPLES_DIR, dataRoots: [SHARED_DATA_DIR] });
    it('reads the 45,031-bar FTX perpetual file and the Binance multi-interval files', async () => {
      const ftx = await real.load({ kind: 'file', path: join(SHARED_DATA_DIR, 'BTC-PERP_1m_ftx.csv') }, '1m');
      expect(ftx.bars.length).toBe(45_031);
      expect(ftx.bars.time[1]! - ftx.bars.time[0]!).toBe(60_000);
      const fourHour = await real.load({ kind: 'file', path: join(SHARED_DATA_DIR, 'BTC-USDT_4h_binance.csv') }, '4h');
      expect(fourHour.bars.length).toBe(1000);
    });
  });
});
if (!HAS_SHARED_DATA) console.warn('real-data tests skipped: ../shared/data is not present');
