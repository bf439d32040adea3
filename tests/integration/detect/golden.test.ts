import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import type { Timeframe } from '../../../src/shared/values/timeframe.ts';
import { detectColumns } from '../../helpers/detect.ts';
import { ROOT } from '../../helpers/paths.ts';
import { HAS_SHARED_DATA, sharedData } from '../../helpers/shared-data.ts';

/**
 * Golden outputs on two real data sets, reviewed by eye once and then locked: any change to
 * what the detectors report shows up here. After an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run tests/integration/detect/golden.test.ts`, review the diff,
 * and commit it with the change.
 */
const CASES: { name: string; file: string; base: Timeframe; timeframes: Timeframe[]; bars?: number }[] = [
  { name: 'btc-usdt-1h-binance', file: 'BTC-USDT_1h_binance.csv', base: '1h', timeframes: ['1h', '4h'] },
  { name: 'btc-perp-1m-ftx-first-day', file: 'BTC-PERP_1m_ftx.csv', base: '1m', timeframes: ['1m', '15m'], bars: 1440 },
];

describe.skipIf(!HAS_SHARED_DATA)('detection golden files', () => {
  it.each(CASES)('$name matches its golden file', async (c) => {
    const all = await new CandleFileReader(sharedData(c.file), { interval: c.base }).readAll();
    const bars = c.bars ? { ...all, length: c.bars } : all;
    const text = detectColumns(bars, { base: c.base, timeframes: c.timeframes })
      .map((e) => JSON.stringify(e))
      .join('\n');
    const golden = join(ROOT, 'tests', 'golden', `detect-${c.name}.jsonl`);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, `${text}\n`);
    expect(existsSync(golden), `${golden} is missing: generate it with UPDATE_GOLDEN=1`).toBe(true);
    expect(`${text}\n`).toBe(readFileSync(golden, 'utf8'));
  });
});
