/**
 * Generates the bundled sample dataset: synthetic hourly candles from a seeded random walk
 * with volatility regimes, so the app shows a chart on first start without shipping market
 * data whose licence forbids it. The output is byte-for-byte reproducible from the seed.
 *
 *   node scripts/generate-sample.ts            writes resources/samples/
 *   node scripts/generate-sample.ts --check    fails if the committed file differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/engine/util/seeded-random.ts';

export const SAMPLE_FILE = 'BTC-SYNTH_1h_synthetic.csv';
const SEED = 20_240_101;
const BARS = 2_000;
const START = Date.UTC(2024, 0, 1) / 1000;
const HOUR = 3600;

function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Hyperliquid-style price: at most 5 significant figures. */
function roundPrice(p: number): string {
  const decimals = Math.max(0, 4 - Math.floor(Math.log10(p)));
  const fixed = p.toFixed(decimals);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Builds the CSV text. */
export function generateSampleCsv(): string {
  const random = seededRandom(SEED);
  const rows = ['time,open,high,low,close,volume'];
  let close = 42_000;
  let drift = 0;
  let vol = 0.004;
  for (let i = 0; i < BARS; i++) {
    // Regimes: every ~150 bars pick a new drift (drive, range or reversal) and volatility.
    if (i % 150 === 0) {
      const r = random();
      drift = r < 0.35 ? 0.0006 : r < 0.65 ? -0.0006 : 0;
      vol = 0.002 + random() * 0.006;
    }
    const open = close;
    const change = drift + vol * gaussian(random);
    const next = open * Math.exp(change);
    const wickUp = Math.abs(gaussian(random)) * vol * 0.6 * open;
    const wickDown = Math.abs(gaussian(random)) * vol * 0.6 * open;
    const o = roundPrice(open);
    const c = roundPrice(next);
    const h = roundPrice(Math.max(Number(o), Number(c)) + wickUp);
    const l = roundPrice(Math.min(Number(o), Number(c)) - wickDown);
    const volume = (Math.exp(gaussian(random) * 0.5) * 350 * (1 + Math.abs(change) / vol / 4)).toFixed(4);
    rows.push(`${START + i * HOUR},${o},${h},${l},${c},${volume}`);
    close = Number(c);
  }
  return `${rows.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../resources/samples/${SAMPLE_FILE}`, import.meta.url));
  const csv = generateSampleCsv();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== csv) {
      console.error(`${SAMPLE_FILE} differs from what the generator makes; run node scripts/generate-sample.ts`);
      process.exit(1);
    }
    console.log(`${SAMPLE_FILE} is up to date`);
  } else {
    writeFileSync(target, csv);
    console.log(`wrote ${SAMPLE_FILE} (${csv.split('\n').length - 2} candles)`);
  }
}
